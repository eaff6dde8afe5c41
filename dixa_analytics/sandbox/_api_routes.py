"""The Dixa API's endpoints (``dev.dixa.io``): a parsed request in, a JSON-ready body out.

Decisions where the reference leaves room (each marked [INF] there):

- ``GET /v1/conversations/activitylog`` takes ``fromDatetime`` and ``toDatetime`` (RFC 3339,
  both required; ``from`` inclusive, ``to`` exclusive, at most ``Switches.max_window_days``
  apart, else 400) and answers the organisation's events in that window in time order.
- Lists page with ``pageLimit`` (1..``Switches.max_page_limit``; without it
  ``Switches.page_size``) and an opaque ``pageKey``; ``meta.next`` is an absolute URL holding
  the next ``pageKey``, and the last page has no ``meta``. A page key from another query, or
  one that was tampered with, is a 400.
- ``GET /v1/agents``, ``/v1/endusers``, ``/v1/queues``, ``/v1/tags``, ``/v1/teams`` list
  the reference data in the same way.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlencode

from dixa_analytics.sandbox._api_wire import (
    render_agent,
    render_api_event,
    render_end_user,
    render_queue,
    render_tag,
    render_team,
)
from dixa_analytics.sandbox._organisation import Record
from dixa_analytics.sandbox._routes import ApiError, Request, maybe_shuffle, served_events

__all__ = ["dixa_api"]

_DAY_MS = 24 * 3600 * 1000


def dixa_api(req: Request) -> Any:
    """Answer a request to the Dixa API (paths ``/v1/...`` on its own port)."""
    org = req.org
    if req.path == "/v1/conversations/activitylog":
        return _organisation_log(req)
    lists: dict[str, Callable[[], tuple[Sequence[Record], Callable[[Record], Record]]]] = {
        "/v1/agents": lambda: ([u for u in org.users if u["roles"]], render_agent),
        "/v1/endusers": lambda: ([u for u in org.users if not u["roles"]], render_end_user),
        "/v1/queues": lambda: (org.queues, render_queue),
        "/v1/tags": lambda: (org.tags, render_tag),
        "/v1/teams": lambda: (org.teams, render_team),
    }
    if req.path not in lists:
        raise ApiError(404, f"no such endpoint: {req.path}")
    items, render = lists[req.path]()
    return _page(req, items, render)


def _moment(req: Request, name: str) -> int:
    text = req.one(name)
    if text is None:
        raise ApiError(
            400, f"query parameter {name} is required (RFC 3339, e.g. 2026-03-01T00:00:00Z)"
        )
    try:
        moment = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ApiError(400, f"{name}={text!r} is not an RFC 3339 date-time") from None
    if moment.tzinfo is None:
        raise ApiError(400, f"{name}={text!r} has no offset; add Z for UTC")
    return int(moment.timestamp() * 1000)


def _organisation_log(req: Request) -> Any:
    lo, hi = _moment(req, "fromDatetime"), _moment(req, "toDatetime")
    if hi <= lo:
        raise ApiError(400, "toDatetime must be later than fromDatetime")
    days = req.switches.max_window_days
    if hi - lo > days * _DAY_MS:
        raise ApiError(400, f"the window is longer than {days} days; split it")
    events = served_events(req.org.events_between(lo, hi), req.switches)
    return _page(
        req,
        events,
        lambda e: render_api_event(e, req.switches),
        duplicates=req.switches.duplicate_events,
    )


def _limit(req: Request) -> int:
    text = req.one("pageLimit")
    if text is None:
        return req.switches.page_size
    most = req.switches.max_page_limit
    if not text.strip().isascii() or not text.strip().isdigit() or not 1 <= int(text) <= most:
        raise ApiError(400, f"pageLimit must be an integer between 1 and {most}, not {text!r}")
    return int(text)


def _query_digest(req: Request) -> str:
    """What a page key is bound to: the query without the page key."""
    params = sorted((k, v) for k, values in req.query.items() for v in values if k != "pageKey")
    return hashlib.sha256(f"{req.path}?{params}".encode()).hexdigest()[:16]


def _page_key(req: Request, offset: int) -> str:
    raw = json.dumps({"at": offset, "of": _query_digest(req)}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _offset(req: Request) -> int:
    key = req.one("pageKey")
    if key is None:
        return 0
    try:
        decoded = json.loads(base64.urlsafe_b64decode(key + "=" * (-len(key) % 4)))
        offset, digest = int(decoded["at"]), decoded["of"]
    except (binascii.Error, ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise ApiError(400, "pageKey is not one this API handed out; follow meta.next") from None
    if digest != _query_digest(req) or offset < 0:
        raise ApiError(400, "pageKey belongs to another query; follow meta.next as given")
    return offset


def _page(
    req: Request,
    items: Sequence[Record],
    render: Callable[[Record], Record],
    *,
    duplicates: bool = False,
) -> Record:
    """One page of ``items`` from the page key's offset, and ``meta.next`` if more follow."""
    limit, first = _limit(req), _offset(req)
    if duplicates and first > 0 and limit > 1:
        first -= 1  # the previous page's last item comes again
    last = min(len(items), first + limit)
    body: Record = {"data": maybe_shuffle([render(item) for item in items[first:last]], req)}
    if last < len(items):
        params = [(k, v) for k, values in req.query.items() for v in values if k != "pageKey"]
        params.append(("pageKey", _page_key(req, last)))
        body["meta"] = {"next": f"{req.base_url}{req.path}?{urlencode(params)}"}
    return body
