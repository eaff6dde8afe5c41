"""The activity log of conversations, by csids or by creation window, as the events frame."""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from dixa_analytics._dates import DateLike
from dixa_analytics._errors import listing
from dixa_analytics.client import DixaClient
from dixa_analytics.events import events_frame, record_csids
from dixa_analytics.fetch._conversations import export_by_csids, export_window
from dixa_analytics.fetch._reference import fetch_queues, fetch_users
from dixa_analytics.fetch._selection import selection, status_batches, using
from dixa_analytics.frames import conversations_frame

__all__ = ["ACTIVITYLOG_BATCH", "fetch_activitylog"]

#: The bulk activity log refuses more than 10 csids per request (HTTP 422).
ACTIVITYLOG_BATCH = 10

Record = dict[str, Any]


def fetch_activitylog(
    csids: Iterable[int] | None = None,
    *,
    start: DateLike | None = None,
    end: DateLike | None = None,
    keep_raw: bool = False,
    client: DixaClient | None = None,
) -> pd.DataFrame:
    """Fetch activity-log events, exploded and joined with users, queues and conversations.

    With ``start``/``end``: every event of the conversations **created** in ``[start, end)``,
    found through the Exports API first. Events come from the bulk activity log in batches of
    at most 10 csids, fetched concurrently (``client.max_workers``) under the client's throttle.

    Parameters
    ----------
    csids : iterable of int, optional
        Conversation ids. Give either ``csids`` or a window.
    start, end : str, date, datetime or Timestamp, optional
        Creation window of the conversations, half-open.
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
    with using(client) as c:
        if by_csids is not None:
            conversations = export_by_csids(c, by_csids)
        else:
            assert window is not None
            conversations = export_window(c, *window)
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
            return c.get_list(
                "/v1/conversations/activitylog", params, expire_after=expiry, keep=complete
            )

        try:
            pages = c.map(
                fetch, batches, ids=lambda batch: batch[0], desc="activity log", unit="batch"
            )
        except BaseException as exc:  # the warning must not replace the error: it rides along
            if without_events:
                exc.add_note(_without_events(without_events, len(status)))
            raise
        if without_events:
            warnings.warn(_without_events(without_events, len(status)), stacklevel=2)
        records = [record for page in pages for record in page]
        return events_frame(
            records,
            users=fetch_users(client=c),
            queues=fetch_queues(client=c),
            conversations=conversations_frame(conversations),
            keep_raw=keep_raw,
        )


def _without_events(csids: Sequence[int], total: int) -> str:
    return (
        f"the activity log holds no events of {len(csids)} of {total} conversations: csids "
        f"{listing(sorted(csids), 10)}. Every conversation has events, so the answer may be "
        "incomplete; it was not cached, and the next fetch asks again."
    )
