"""Every event of a time window, organisation-wide, as the events frame (Dixa API)."""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd
import requests

from dixa_analytics._dates import DateLike, date_window
from dixa_analytics._errors import listing
from dixa_analytics.client import DixaClient
from dixa_analytics.events import events_frame, record_csids
from dixa_analytics.fetch._conversations import export_by_csids, export_window
from dixa_analytics.fetch._framing import framed
from dixa_analytics.fetch._orgwide import read_events
from dixa_analytics.fetch._reference import fetch_queues, fetch_users
from dixa_analytics.fetch._selection import using
from dixa_analytics.frames import conversations_frame

__all__ = ["events_with_joins", "fetch_events"]

Record = dict[str, Any]


def fetch_events(
    start: DateLike,
    end: DateLike,
    *,
    keep_raw: bool = False,
    client: DixaClient | None = None,
) -> pd.DataFrame:
    """Fetch every event of the organisation whose time falls in ``[start, end)``.

    Through the Dixa API's organisation-wide activity log: the window is asked for month by
    month (split further if the API refuses a window as too long), 10,000 events a page,
    under the client's throttle; windows that ended in the past are cached for good. Unlike
    :func:`fetch_activitylog`, the window selects **events by their time**, not
    conversations by their creation: a conversation created before ``start`` contributes
    only its events inside the window.

    Parameters
    ----------
    start, end : str, date, datetime or Timestamp
        The window of event times, half-open; naive values are UTC.
    keep_raw : bool
        Keep each event's raw ``attributes`` dict in an ``attributes`` column.
    client : DixaClient, optional
        Connection to use; it needs a Dixa API token (``DIXA_API_TOKEN``).

    Returns
    -------
    pandas.DataFrame
        The events frame (same columns and dtypes as ``fetch_activitylog``; camelCase and
        snake_case records give the same frame), joined with users, queues and each
        conversation's queue and channel from the Exports API.

    Raises
    ------
    AuthenticationError
        If the client has no Dixa API token.

    Warns
    -----
    UserWarning
        If the Exports API knows no conversation record for some events' conversations
        (their ``queue_name`` and ``channel`` stay empty): it names them.

    Examples
    --------
    >>> from dixa_analytics.sandbox import Sandbox
    >>> with Sandbox(seed=1, conversations=20) as sb:
    ...     client = DixaClient(api_token=sb.api_token, api_url=sb.api_url,
    ...                         exports_url=sb.exports_url, cache=False, progress=False)
    ...     events = fetch_events("2026-03-01", "2026-03-08", client=client)
    >>> bool(events["timestamp"].between("2026-03-01", "2026-03-08", inclusive="left").all())
    True
    """
    lo, hi = date_window(start, end)
    with using(client) as c:
        if "dixa-api" not in c.sources:
            # Say it before anything is fetched.
            c.credentials.header("dixa-api")
        with c.recording() as answers:
            records = read_events(c, lo, hi)
        return events_with_joins(c, records, window=(lo, hi), keep_raw=keep_raw, answers=answers)


def events_with_joins(
    client: DixaClient,
    records: Sequence[Record],
    *,
    window: tuple[pd.Timestamp, pd.Timestamp] | None = None,
    conversations: Sequence[Record] | None = None,
    keep_raw: bool = False,
    answers: Sequence[requests.Response] = (),
) -> pd.DataFrame:
    """The events frame of ``records``, joined with users, queues and conversations.

    The conversations' export records are ``conversations`` when given; else those created
    in ``window`` (a few requests) and, by csid, those of events whose conversation was
    created before it. ``answers`` are the responses ``records`` and ``conversations`` came
    from: if they cannot be made into frames, they are removed from the cache and the error
    is a :class:`~dixa_analytics._errors.SchemaError`.
    """
    if conversations is None:
        found = export_window(client, *window) if window is not None else []
        known = {int(r["id"]) for r in found}
        earlier = sorted(record_csids(records) - known)
        found += export_by_csids(client, earlier, must_exist=False) if earlier else []
        missing = sorted(set(earlier) - {int(r["id"]) for r in found})
        if missing:
            warnings.warn(_without_records(missing), stacklevel=3)
        conversations = found
    users, queues = fetch_users(client=client), fetch_queues(client=client)
    return framed(
        client,
        answers,
        lambda: events_frame(
            list(records),
            users=users,
            queues=queues,
            conversations=conversations_frame(list(conversations)),
            keep_raw=keep_raw,
        ),
        what="the activity log",
    )


def _without_records(csids: Iterable[int]) -> str:
    csids = list(csids)
    return (
        f"the Exports API has no record of {len(csids)} conversation(s) with events: csids "
        f"{listing(csids, 10)}; their events have no queue_name or channel"
    )
