"""Which API to read the activity log from, and what each would cost in requests.

The Integrations API gives the log conversation by conversation, ten conversations a request;
the Dixa API gives the whole organisation's log by time, 10,000 events a request, from the
window's start up to now (a conversation's later events happen after its creation window).
So the Dixa API is far cheaper for recent windows, and the Integrations API for a short window
long ago. ``"auto"`` picks the cheaper of the sources the client's secrets open.
"""

from __future__ import annotations

import math

import pandas as pd

from dixa_analytics._errors import AuthenticationError
from dixa_analytics.client import DixaClient
from dixa_analytics.fetch._orgwide import EVENTS_PAGE_LIMIT, event_windows

__all__ = [
    "ACTIVITYLOG_BATCH",
    "DIXA_API",
    "EVENTS_PER_CONVERSATION",
    "INTEGRATIONS",
    "SOURCES",
    "activitylog_requests",
    "choose_source",
]

INTEGRATIONS, DIXA_API = "integrations", "dixa-api"
SOURCES = ("auto", DIXA_API, INTEGRATIONS)
#: The bulk activity log refuses more than 10 csids per request (HTTP 422).
ACTIVITYLOG_BATCH = 10
#: Events of a typical conversation over its life (for estimates only).
EVENTS_PER_CONVERSATION = 15


def activitylog_requests(
    conversations: int, start: pd.Timestamp, end: pd.Timestamp, now: pd.Timestamp
) -> dict[str, int]:
    """Estimated requests for the activity log of ``conversations`` created in ``[start, end)``.

    Integrations API: one per ten conversations. Dixa API: the organisation's events from
    ``start`` up to now, assuming the creation rate of the window holds until now and
    :data:`EVENTS_PER_CONVERSATION` events each, plus one request per monthly window.

    Examples
    --------
    >>> lo, hi = pd.Timestamp("2026-03-01", tz="UTC"), pd.Timestamp("2026-04-01", tz="UTC")
    >>> activitylog_requests(20_000, lo, hi, now=hi)
    {'dixa-api': 31, 'integrations': 2000}
    """
    span = max(end - start, pd.Timedelta(seconds=1))
    until_now = max(now, end) - start
    events = EVENTS_PER_CONVERSATION * conversations * (until_now / span)
    return {
        DIXA_API: len(event_windows(start, max(now, end))) + math.ceil(events / EVENTS_PAGE_LIMIT),
        INTEGRATIONS: math.ceil(conversations / ACTIVITYLOG_BATCH),
    }


def choose_source(
    client: DixaClient,
    source: str,
    *,
    conversations: int,
    start: pd.Timestamp,
    end: pd.Timestamp,
) -> str:
    """The source to read: ``source`` itself, or for ``"auto"`` the cheaper one available.

    Raises
    ------
    ValueError
        If ``source`` is not one of :data:`SOURCES`.
    AuthenticationError
        If the client has no secret for the source asked for; the message says which to set.
    """
    if source not in SOURCES:
        raise ValueError(f"source must be one of {', '.join(SOURCES)}, not {source!r}")
    available = client.sources
    if source != "auto":
        if source not in available:
            needs = (
                "a Dixa API token: set DIXA_API_TOKEN"
                if source == DIXA_API
                else "an Integrations API token: set DIXA_API_KEY"
            )
            raise AuthenticationError(
                f"source={source!r} needs {needs} (the client reads {', '.join(available)})"
            )
        return source
    if len(available) == 1:
        return available[0]
    costs = activitylog_requests(conversations, start, end, pd.Timestamp(client.now()))
    return min(available, key=lambda name: costs[name])
