"""The activity log of conversations, by csids or by creation window, as the events frame.

From either source: the Integrations API's bulk log (ten conversations a request) or the Dixa
API's organisation-wide log (every event by time, 10,000 a request); see :mod:`._sources`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import requests

from dixa_analytics._dates import DateLike
from dixa_analytics._errors import DixaError, PartialFetchError, SchemaError, listing
from dixa_analytics.client import DixaClient
from dixa_analytics.events import record_csids
from dixa_analytics.fetch._completeness import incomplete_logs
from dixa_analytics.fetch._conversations import export_selected
from dixa_analytics.fetch._estimate import pace_note
from dixa_analytics.fetch._events import events_with_joins
from dixa_analytics.fetch._orgwide import read_events
from dixa_analytics.fetch._selection import selection, status_batches, using
from dixa_analytics.fetch._sources import ACTIVITYLOG_BATCH, INTEGRATIONS, choose_source
from dixa_analytics.frames import as_integer

__all__ = ["ACTIVITYLOG_BATCH", "bulk_log", "fetch_activitylog"]

Record = dict[str, Any]

#: How many more times a batch is asked for when its answer leaves a conversation out.
EMPTY_ANSWER_RETRIES = 1


def fetch_activitylog(
    csids: Iterable[int] | None = None,
    *,
    start: DateLike | None = None,
    end: DateLike | None = None,
    source: str = "auto",
    keep_raw: bool = False,
    client: DixaClient | None = None,
) -> pd.DataFrame:
    """Fetch activity-log events, exploded and joined with users, queues and conversations.

    With ``start``/``end``: every event of the conversations **created** in ``[start, end)``,
    found through the Exports API first. The events come from one of two sources:

    * ``"integrations"``: the Integrations API's bulk log, ten conversations a request,
      fetched concurrently (``client.max_workers``) under the client's throttle;
    * ``"dixa-api"``: the Dixa API's organisation-wide log, every event from ``start`` up to
      now (a conversation's later events come after its creation), 10,000 a request, keeping
      those of the window's conversations.

    ``"auto"`` (the default) takes the one the client has a secret for, or, with both, the
    one that costs fewer requests: the Dixa API for recent windows (far fewer requests), the
    Integrations API for a short window long ago, whose conversations are few next to every
    event since. Either way the frame is the same.

    Parameters
    ----------
    csids : iterable of int, optional
        Conversation ids. Give either ``csids`` or a window.
    start, end : str, date, datetime or Timestamp, optional
        Creation window of the conversations, half-open.
    source : {"auto", "dixa-api", "integrations"}
        Where the events come from.
    keep_raw : bool
        Keep each event's raw ``attributes`` dict in an ``attributes`` column.
    client : DixaClient, optional
        Connection to use.

    Returns
    -------
    pandas.DataFrame
        The events frame (see ``events_frame``): one row per event, sorted by
        ``conversation_id`` and ``timestamp``, duplicates removed.

    Raises
    ------
    PartialFetchError
        If some conversations could not be fetched after their retries, or their log is
        still incomplete when asked again past the cache (see Notes): ``.missing`` names
        their csids, ``.errors`` says why for each, and ``.frame`` holds the events of the
        others. Incomplete answers are never kept in the cache, so the next fetch asks again.
    AuthenticationError
        If ``source`` names an API the client has no secret for.

    Notes
    -----
    Every conversation's log is checked against its export record: it must hold an event
    (every conversation has its creation); a closed conversation's log must reach its
    ``closed_at`` and end with a close, an open one's must not end closed; and
    ``updated_at`` / ``last_message_created_at`` must not be later than the last event by
    more than ten minutes. A log that fails is asked for once more, past the cache.

    Examples
    --------
    >>> from dixa_analytics.sandbox import Sandbox
    >>> with Sandbox(seed=1, conversations=20) as sb:
    ...     client = DixaClient(sb.api_key, base_url=sb.base_url, exports_url=sb.exports_url,
    ...                         cache=False, progress=False)
    ...     events = fetch_activitylog(start="2026-03-01", end="2026-03-31", client=client)
    >>> bool(events["conversation_id"].is_monotonic_increasing)
    True
    """
    by_csids, window = selection(csids, start, end)
    with using(client) as c:
        with c.recording() as answers:
            conversations = export_selected(c, by_csids, window)
            lo, hi = window if window is not None else _creation_span(conversations)
            chosen = choose_source(c, source, conversations=len(conversations), start=lo, end=hi)
            read = partial(_read_log, c, chosen, lo, hi)
            records, failed, said = _fetched(read, conversations, refresh=False)
        joined = partial(events_with_joins, c, conversations=conversations, keep_raw=keep_raw)
        try:
            events = joined(records, answers=list(answers))
        except DixaError as exc:
            if not failed:
                raise
            # The frame of the others could not be made either: the csids are still named.
            error = PartialFetchError(
                _incomplete(said, {}, len(conversations), frame=False),
                missing=failed,
                errors=failed,
            )
            raise error from exc
        short = incomplete_logs(events, [r for r in conversations if int(r["id"]) not in failed])
        if short:
            # A log cut short (paging that ended early) may have been cached as final: ask
            # once more past the cache, and keep nothing of an answer that is short again.
            again = [r for r in conversations if int(r["id"]) in short]
            # The first answers of those conversations are short: never to be read again.
            c.forget(_answers_about(answers, set(short)))
            with c.recording() as answers_again:
                more, failed_again, said_again = _fetched(read, again, refresh=True)
            failed.update(failed_again)
            said += said_again
            kept = [r for r in records if as_integer(_csid(r)) not in short]
            events = joined(kept + more, answers=list(answers_again))
            short = incomplete_logs(events, [r for r in again if int(r["id"]) not in failed])
            if short:
                c.forget(answers_again)
        missing = failed | {
            csid: SchemaError(f"the activity log of conversation {csid} is incomplete: {why}")
            for csid, why in short.items()
        }
        if missing:
            raise PartialFetchError(
                _incomplete(said, short, len(conversations)),
                missing=missing,
                errors=missing,
                frame=_without(events, missing),
            )
        return events


def _answers_about(answers: Iterable[requests.Response], csids: set[int]) -> list[Any]:
    """The activity-log answers among ``answers`` that hold (or should hold) ``csids``: the
    bulk log's batches that asked for one of them, and every window of the organisation-wide
    log (it holds every conversation)."""
    found = []
    for response in answers:
        url = urlsplit(response.url)
        if not url.path.endswith("/activitylog"):
            continue
        asked = parse_qs(url.query).get("csids")
        if asked is None or csids & {as_integer(c) for v in asked for c in v.split(",")}:
            found.append(response)
    return found


def _read_log(
    client: DixaClient,
    source: str,
    lo: pd.Timestamp,
    hi: pd.Timestamp,
    conversations: Sequence[Record],
    refresh: bool,
) -> list[Record]:
    """The raw events of ``conversations`` from ``source``."""
    if source == INTEGRATIONS:
        return bulk_log(client, conversations, refresh=refresh)
    csids = {int(r["id"]) for r in conversations}
    return _organisation_log(client, csids, lo, hi, refresh=refresh)


def _fetched(
    read: Callable[[Sequence[Record], bool], list[Record]],
    conversations: Sequence[Record],
    *,
    refresh: bool,
) -> tuple[list[Record], dict[int, Any], list[str]]:
    """The records read, the error of each csid that could not be read, and what the
    error said of them."""
    try:
        return read(conversations, refresh), {}, []
    except PartialFetchError as exc:
        said = str(exc).partition(" Missing csids:")[0]
        return list(exc.results or []), dict(exc.errors), [said]


def _incomplete(said: list[str], short: dict[int, str], total: int, *, frame: bool = True) -> str:
    parts = [text.rstrip(".") for text in said]
    if short:
        shown = listing(sorted(short), 5, lambda csid: f"{csid} ({short[csid]})")
        parts.append(
            f"The activity log of {len(short)} of {total} conversations is incomplete even "
            f"when asked again past the cache: {shown}"
        )
    rest = (
        "The frame of the others is on the error (.frame)."
        if frame
        else "The frame of the others could not be made either (see the cause below)."
    )
    return ". ".join([*parts, rest])


def _without(events: pd.DataFrame, missing: Iterable[int]) -> pd.DataFrame:
    """The events of every conversation but ``missing``, on a fresh index."""
    kept = ~events["conversation_id"].isin(list(missing))
    return events[kept.to_numpy()].reset_index(drop=True)


def _creation_span(conversations: Sequence[Record]) -> tuple[pd.Timestamp, pd.Timestamp]:
    """From the first creation to just after the last (for conversations asked by csid)."""
    created = [int(r.get("created_at") or 0) for r in conversations] or [0]
    lo = pd.Timestamp(min(created), unit="ms", tz="UTC")
    return lo, pd.Timestamp(max(created) + 1, unit="ms", tz="UTC")


def _organisation_log(
    client: DixaClient, csids: set[int], lo: pd.Timestamp, hi: pd.Timestamp, *, refresh: bool
) -> list[Record]:
    """The events of ``csids``, read from the organisation-wide log from ``lo`` up to now."""
    until = max(pd.Timestamp(client.now()), hi)
    return [r for r in read_events(client, lo, until, refresh=refresh) if _csid(r) in csids]


def _csid(record: Record) -> object:
    csid = record.get("conversationId")
    return csid if csid is not None else record.get("conversation_id")


def bulk_log(
    client: DixaClient, conversations: Sequence[Record], *, refresh: bool = False
) -> list[Record]:
    """The events of ``conversations`` from the Integrations API's bulk log, ten at a time.

    ``conversations`` are export records (``id`` and ``status`` are read): closed and open
    conversations go in separate batches, cached for good or not at all. ``refresh`` asks
    even for logs the cache holds as final (a closed conversation may have been reopened).

    Every conversation has at least its creation, so an answer without any event of a
    requested conversation is a server fault: it is not cached, and the batch is asked again
    once, past the cache.

    Raises
    ------
    PartialFetchError
        If some batches failed after their retries, or some conversations still have no
        event: ``missing`` names them; ``results`` holds the records that were fetched.
    """
    status = {int(r["id"]): r.get("status") for r in conversations}
    batches = status_batches(sorted(status), status, ACTIVITYLOG_BATCH)
    without_events: dict[int, SchemaError] = {}
    lock = threading.Lock()

    def fetch(batch: tuple[list[int], Any]) -> list[Record]:
        ids, expiry = batch
        params = {"csids": ",".join(str(i) for i in ids)}
        absent: set[int] = set()

        def complete(records: list[Record]) -> bool:
            absent.clear()
            absent.update(set(ids) - record_csids(records))
            return not absent

        for attempt in range(1 + EMPTY_ANSWER_RETRIES):
            records = client.get_list(
                "/v1/conversations/activitylog",
                params,
                expire_after=expiry,
                keep=complete,
                refresh=refresh or attempt > 0,
            )
            if not absent:
                break
        with lock:
            for csid in absent:
                without_events[csid] = SchemaError(
                    f"the activity log holds no event of conversation {csid}, asked for "
                    f"{1 + EMPTY_ANSWER_RETRIES} times (every conversation has its creation)"
                )
        return records

    failed: dict[int, Any] = {}
    try:
        pages = client.map(
            fetch,
            batches,
            ids=lambda batch: batch[0],
            desc="activity log",
            unit="batch",
            note=pace_note(client, INTEGRATIONS, len(batches)),
        )
    except PartialFetchError as exc:
        pages, failed, first = exc.results or [], dict(exc.errors), exc
    except BaseException as exc:  # the missing conversations must not hide behind it
        if without_events:
            exc.add_note(_without_events(sorted(without_events), len(status)))
        raise
    records = [record for page in pages for record in page]
    if not (failed or without_events):
        return records
    message = [str(first).partition(" Missing csids:")[0]] if failed else []
    if without_events:
        message.append(_without_events(sorted(without_events), len(status)))
    error = PartialFetchError(
        " ".join(message), missing=[*failed, *without_events], errors=failed | without_events
    )
    error.results = [r for r in records if as_integer(_csid(r)) not in without_events]
    raise error


def _without_events(csids: Sequence[int], total: int) -> str:
    return (
        f"The activity log holds no events of {len(csids)} of {total} conversations, even "
        f"when asked again: csids {listing(sorted(csids), 10)}. Every conversation has "
        "events, so the answer is incomplete; it was not cached, and the next fetch asks again."
    )
