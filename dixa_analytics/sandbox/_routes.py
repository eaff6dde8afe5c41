"""The sandbox's endpoints: a parsed request in, a JSON-ready body out (no HTTP here).

Decisions where the reference leaves room (each marked [INF] there):

- Paging: ``limit`` is 1..200 (else 400); without it a page holds ``Switches.page_size``
  items. ``paging.cursors.after`` is the id of the last item of the page, ``next_page`` an
  absolute URL carrying ``after=`` and ``limit=`` (null on the last page), ``prev_page`` one
  carrying ``before=`` (null on the first page). An unknown cursor is a 400.
- ``GET /v1/tags`` answers ``{"data": [...]}`` without paging.
- ``GET /v1/conversations/activitylog``: conversations that do not exist are simply absent
  from the result (the batch succeeds); more than 10 distinct csids is a 422.
- Exports: ``*_after`` is inclusive, ``*_before`` exclusive; a window longer than 31 days,
  a ``_before`` not after its ``_after``, or a malformed bound is a 400.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from dixa_analytics.sandbox._organisation import Organisation, Record
from dixa_analytics.sandbox._switches import Switches
from dixa_analytics.sandbox._wire import (
    DOCUMENTED_TYPES,
    OLD_TYPES,
    export_conversation,
    export_message,
    render_conversation,
    render_event,
    render_message,
    render_note,
    share,
)

__all__ = ["ApiError", "Request", "exports", "integrations", "maybe_shuffle", "served_events"]

MAX_LIMIT = 200
MAX_CSIDS = 10
MAX_EXPORT_WINDOW_MS = 31 * 24 * 3600 * 1000
_EXPORT_FIELDS = ("created", "updated", "closed", "last_message_created")
_ENDPOINT_TYPES = ("email_address", "phone_number")
_SUB_RESOURCES = ("messages", "notes", "activitylog")
# ASCII digits only: str.isdigit() also accepts '²' (which int() refuses) and '١'.
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DIGITS = re.compile(r"[0-9]+")


class ApiError(Exception):
    """An error answer: HTTP ``status`` with body ``{"message": message}``."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


@dataclass(frozen=True)
class Request:
    """What an endpoint needs to know about one request."""

    path: str
    query: dict[str, list[str]]
    base_url: str
    org: Organisation
    switches: Switches

    def one(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else None


# --- Integrations API ----------------------------------------------------------------------


def integrations(req: Request) -> Any:
    """Answer a request to the Integrations API (paths ``/v1/...``)."""
    parts = [p for p in req.path.split("/") if p]
    if len(parts) < 2 or parts[0] != "v1":
        raise ApiError(404, f"no such endpoint: {req.path}")
    resource, rest = parts[1], parts[2:]
    org = req.org
    if resource == "users":
        if not rest:
            return _users(req)
        if len(rest) == 2 and rest[1] == "requested_conversations":
            if org.user(rest[0]) is None:
                raise ApiError(404, f"user {rest[0]} not found")
            convs = org.requested_conversations(rest[0])
            return _page(req, convs, lambda c: str(c["id"]), _conversation_renderer(req))
    elif resource == "tags" and not rest:
        return {"data": org.tags}
    elif resource == "queues":
        if not rest:
            return _page(req, org.queues, lambda q: q["id"])
        if len(rest) == 1:
            queue = org.queue(rest[0])
            if queue is None:
                raise ApiError(404, f"queue {rest[0]} not found")
            return {"data": queue}
    elif resource == "endpoints":
        if not rest:
            return _endpoints(req)
        if len(rest) == 1:
            endpoint = org.endpoint(rest[0])
            if endpoint is None:
                raise ApiError(404, f"endpoint {rest[0]} not found")
            return {"data": endpoint}
    elif resource == "conversations" and rest:
        return _conversations(req, rest)
    raise ApiError(404, f"no such endpoint: {req.path}")


def _users(req: Request) -> Any:
    users: Sequence[Record] = req.org.users
    email, phone = req.one("email"), req.one("phone_number")
    if email is not None:
        wanted = email.strip().lower()
        users = [u for u in users if (u["email"] or "").lower() == wanted]
    if phone is not None:
        users = [u for u in users if u["phone_number"] == phone.strip()]
    return _page(req, users, lambda u: u["id"])


def _endpoints(req: Request) -> Any:
    kind = req.one("type")
    if kind is None:
        raise ApiError(400, f"query parameter type is required: one of {list(_ENDPOINT_TYPES)}")
    if kind not in _ENDPOINT_TYPES:
        raise ApiError(400, f"type={kind!r} is not one of {list(_ENDPOINT_TYPES)}")
    endpoints = [e for e in req.org.endpoints if kind in e]
    return _page(req, endpoints, lambda e: e[kind].get("id") or e[kind]["phone_number"])


def _conversation_renderer(req: Request) -> Callable[[Record], Record]:
    return lambda conv: render_conversation(conv, req.switches)


def _csid(text: str) -> int:
    if not _DIGITS.fullmatch(text):
        raise ApiError(400, f"csid must be an integer conversation id, not {text!r}")
    return int(text)


def _conversations(req: Request, rest: list[str]) -> Any:
    org = req.org
    if rest == ["activitylog"]:
        return _bulk_activitylog(req)
    csid = _csid(rest[0])
    if len(rest) > 2 or (len(rest) == 2 and rest[1] not in _SUB_RESOURCES):
        raise ApiError(404, f"no such endpoint: {req.path}")
    conv = org.conversation(csid)
    if conv is None:
        raise ApiError(404, f"conversation {rest[0]} not found")
    if len(rest) == 1:
        return {"data": render_conversation(conv, req.switches)}
    what = rest[1]
    if what == "messages":
        return {"data": [render_message(m, req.switches) for m in org.messages.get(csid, [])]}
    if what == "notes":
        return {"data": [render_note(n, req.switches) for n in org.notes.get(csid, [])]}
    events = served_events(org.events_of(csid), req.switches)  # what == "activitylog"
    if req.switches.duplicate_events and events:
        events.append(events[len(events) // 2])
    rendered = [render_event(e, req.switches) for e in events]
    return {"data": maybe_shuffle(rendered, req)}


def served_events(events: list[Record], switches: Switches) -> list[Record]:
    """The events the ``activity_types`` switch lets through."""
    if switches.activity_types == "documented":
        return [e for e in events if e["activity_type"] in DOCUMENTED_TYPES]
    if switches.activity_types == "old":
        return [e for e in events if e["activity_type"] in OLD_TYPES]
    return list(events)


def _bulk_activitylog(req: Request) -> Any:
    raw = [part for value in req.query.get("csids", []) for part in value.split(",")]
    raw = [part.strip() for part in raw if part.strip()]
    if not raw:
        raise ApiError(400, "query parameter csids is required, e.g. ?csids=101,102")
    csids = list(dict.fromkeys(_csid(part) for part in raw))
    if len(csids) > MAX_CSIDS:
        raise ApiError(422, f"Exceeded max allowed {MAX_CSIDS} csids per request")
    switches = req.switches
    csids = [c for c in csids if not share(str(c), "empty", switches.empty_logs)]
    events = [e for csid in csids for e in served_events(req.org.events_of(csid), switches)]
    return _page(
        req,
        events,
        lambda e: e["id"],
        lambda e: render_event(e, switches),
        duplicates=switches.duplicate_events,
        shuffle=True,
        last_page=switches.end_paging_after,
    )


def maybe_shuffle(records: list[Record], req: Request) -> list[Record]:
    """``records`` shuffled (the same way for the same request) when ``out_of_order`` is on."""
    if req.switches.out_of_order and len(records) > 1:
        key = f"{req.path}?{sorted(req.query.items())}"
        random.Random(zlib.crc32(key.encode())).shuffle(records)
    return records


def _limit(req: Request) -> int:
    text = req.one("limit")
    if text is None:
        return req.switches.page_size
    if not _DIGITS.fullmatch(text.strip()) or not 1 <= int(text) <= MAX_LIMIT:
        raise ApiError(400, f"limit must be an integer between 1 and {MAX_LIMIT}, not {text!r}")
    return int(text)


def _page(
    req: Request,
    items: Sequence[Record],
    key: Callable[[Record], str],
    render: Callable[[Record], Record] | None = None,
    *,
    duplicates: bool = False,
    shuffle: bool = False,
    last_page: int = 0,
) -> Record:
    """Cut one page out of ``items`` following the ``after``/``before`` cursors; page number
    ``last_page`` (when not 0) says it is the last, whatever follows."""
    limit = _limit(req)
    after, before = req.one("after"), req.one("before")
    if after is not None:
        first = _position(items, key, after) + 1
        if duplicates and limit > 1:
            first -= 1  # the previous page's last item comes again
        last = min(len(items), first + limit)
    elif before is not None:
        last = _position(items, key, before)
        first = max(0, last - limit)
    else:
        first, last = 0, min(len(items), limit)
    page = [render(item) if render else item for item in items[first:last]]
    if shuffle:
        page = maybe_shuffle(page, req)
    paging: Record = {
        "cursors": {
            "after": key(items[last - 1]) if last > first else None,
            "before": key(items[first]) if last > first else None,
        },
        "next_page": _link(req, limit, "after", key(items[last - 1]))
        if last < len(items) and not (last_page and -(-last // limit) >= last_page)
        else None,
        "prev_page": _link(req, limit, "before", key(items[first])) if first > 0 else None,
    }
    return {"data": page, "paging": paging}


def _position(items: Sequence[Record], key: Callable[[Record], str], cursor: str) -> int:
    for i, item in enumerate(items):
        if key(item) == cursor:
            return i
    raise ApiError(400, f"unknown paging cursor {cursor!r}; follow paging.next_page as given")


def _link(req: Request, limit: int, name: str, cursor: str) -> str:
    params = [(k, v) for k, values in req.query.items() for v in values]
    params = [(k, v) for k, v in params if k not in ("after", "before", "limit")]
    params += [("limit", str(limit)), (name, cursor)]
    return f"{req.base_url}{req.path}?{urlencode(params)}"


# --- Exports API ---------------------------------------------------------------------------


def exports(req: Request) -> Any:
    """Answer a request to the Exports API (paths ``/v1/conversation_export`` ...)."""
    if req.path == "/v1/conversation_export":
        return _conversation_export(req)
    if req.path == "/v1/message_export":
        return _message_export(req)
    raise ApiError(404, f"no such export: {req.path}")


def _bound(req: Request, name: str) -> int | None:
    text = req.one(name)
    if text is None:
        return None
    text = text.strip()
    if _DIGITS.fullmatch(text):
        return int(text)
    if _DATE.fullmatch(text):
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            pass
        else:
            return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp()) * 1000
    raise ApiError(400, f"{name}={text!r} must be Unix epoch milliseconds or a yyyy-mm-dd date")


def _windows(req: Request, fields: Sequence[str]) -> dict[str, tuple[int | None, int | None]]:
    windows = {}
    for field in fields:
        lo, hi = _bound(req, f"{field}_after"), _bound(req, f"{field}_before")
        if lo is not None and hi is not None:
            if hi <= lo:
                raise ApiError(400, f"{field}_before must be later than {field}_after")
            if hi - lo > MAX_EXPORT_WINDOW_MS:
                raise ApiError(400, f"the {field} window is longer than 31 days; split it")
        if lo is not None or hi is not None:
            windows[field] = (lo, hi)
    return windows


def _conversation_export(req: Request) -> list[Record]:
    windows = _windows(req, _EXPORT_FIELDS)
    csid_values = [p.strip() for v in req.query.get("csids", []) for p in v.split(",") if p.strip()]
    has_after = any(lo is not None for lo, _ in windows.values())
    has_before = any(hi is not None for _, hi in windows.values())
    if not csid_values and not (has_after and has_before):
        raise ApiError(
            400, "pass at least one *_after and one *_before bound (at most 31 days) or csids"
        )
    csids = {_csid(p) for p in csid_values}
    org = req.org
    out = []
    columns = {
        "created": "created_at_ms",
        "updated": "updated_at_ms",
        "closed": "closed_at_ms",
        "last_message_created": "last_message_at_ms",
    }
    for conv in org.conversations:
        if csids and conv["id"] not in csids:
            continue
        if all(_inside(conv[columns[f]], lo, hi) for f, (lo, hi) in windows.items()):
            out.append(export_conversation(conv, org))
    return out


def _inside(value: int | None, lo: int | None, hi: int | None) -> bool:
    if value is None:
        return False
    return (lo is None or value >= lo) and (hi is None or value < hi)


def _message_export(req: Request) -> list[Record]:
    windows = _windows(req, ("created",))
    lo, hi = windows.get("created", (None, None))
    if lo is None or hi is None:
        raise ApiError(400, "pass both created_after and created_before (at most 31 days apart)")
    return [
        export_message(message, conv, req.org, ms)
        for ms, conv, message in req.org.messages_between(lo, hi)
    ]
