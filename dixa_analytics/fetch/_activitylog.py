"""The activity log of conversations, by csids or by creation window, as the events frame.

From either source: the Integrations API's bulk log (ten conversations a request) or the Dixa
API's organisation-wide log (every event by time, 10,000 a request); see :mod:`._sources`.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from dixa_analytics._dates import DateLike
from dixa_analytics._errors import listing
from dixa_analytics.client import DixaClient
from dixa_analytics.events import record_csids
from dixa_analytics.fetch._conversations import export_by_csids, export_window
from dixa_analytics.fetch._events import events_with_joins
from dixa_analytics.fetch._orgwide import read_events
from dixa_analytics.fetch._selection import selection, status_batches, using
from dixa_analytics.fetch._sources import ACTIVITYLOG_BATCH, INTEGRATIONS, choose_source

__all__ = ["ACTIVITYLOG_BATCH", "bulk_log", "fetch_activitylog"]

Record = dict[str, Any]


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
        If some batches failed after their retries; ``.missing`` names their csids.
    AuthenticationError
        If ``source`` names an API the client has no secret for.

    Warns
    -----
    UserWarning
        If the answer holds no event of some conversations (every conversation has at least
        its creation): it names them. Their batch is not cached, so the next fetch asks again.

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
    with using(client) as c, c.recording() as answers:
        if by_csids is not None:
            conversations = export_by_csids(c, by_csids)
        else:
            assert window is not None
            conversations = export_window(c, *window)
        lo, hi = window if window is not None else _creation_span(conversations)
        chosen = choose_source(c, source, conversations=len(conversations), start=lo, end=hi)
        csids_wanted = {int(r["id"]) for r in conversations}
        if chosen == INTEGRATIONS:
            records = bulk_log(c, conversations)
        else:
            records = _organisation_log(c, csids_wanted, lo, hi)
        return events_with_joins(
            c, records, conversations=conversations, keep_raw=keep_raw, answers=list(answers)
        )


def _creation_span(conversations: Sequence[Record]) -> tuple[pd.Timestamp, pd.Timestamp]:
    """From the first creation to just after the last (for conversations asked by csid)."""
    created = [int(r.get("created_at") or 0) for r in conversations] or [0]
    lo = pd.Timestamp(min(created), unit="ms", tz="UTC")
    return lo, pd.Timestamp(max(created) + 1, unit="ms", tz="UTC")


def _organisation_log(
    client: DixaClient, csids: set[int], lo: pd.Timestamp, hi: pd.Timestamp
) -> list[Record]:
    """The events of ``csids``, read from the organisation-wide log from ``lo`` up to now."""
    until = max(pd.Timestamp(client.now()), hi)
    records = [r for r in read_events(client, lo, until) if _csid(r) in csids]
    without = csids - record_csids(records)
    if without:
        warnings.warn(_without_events(sorted(without), len(csids)), stacklevel=3)
    return records


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
    """
    status = {int(r["id"]): r.get("status") for r in conversations}
    batches = status_batches(sorted(status), status, ACTIVITYLOG_BATCH)
    without_events: list[int] = []

    def fetch(batch: tuple[list[int], Any]) -> list[Record]:
        ids, expiry = batch

        def complete(records: list[Record]) -> bool:
            absent = set(ids) - record_csids(records)
            without_events.extend(absent)  # list.extend is atomic: safe across workers
            return not absent

        params = {"csids": ",".join(str(i) for i in ids)}
        return client.get_list(
            "/v1/conversations/activitylog",
            params,
            expire_after=expiry,
            keep=complete,
            refresh=refresh,
        )

    try:
        pages = client.map(
            fetch, batches, ids=lambda batch: batch[0], desc="activity log", unit="batch"
        )
    except BaseException as exc:  # the warning must not replace the error: it rides along
        if without_events:
            exc.add_note(_without_events(without_events, len(status)))
        raise
    if without_events:
        warnings.warn(_without_events(without_events, len(status)), stacklevel=3)
    return [record for page in pages for record in page]


def _without_events(csids: Sequence[int], total: int) -> str:
    return (
        f"the activity log holds no events of {len(csids)} of {total} conversations: csids "
        f"{listing(sorted(csids), 10)}. Every conversation has events, so the answer may be "
        "incomplete; it was not cached, and the next fetch asks again."
    )
