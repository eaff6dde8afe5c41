"""Public ``fetch_*`` functions: the client's JSON made into frames.

Each function takes keyword ``client=`` (a :class:`~dixa_analytics.DixaClient`; by default one
is built from the environment for the call and closed afterwards) and returns a frame with its
declared columns and dtypes, empty results included.

Request economy: conversations are looked up through the Exports API (``conversation_export``
by creation window, or by ``csids`` in batches), never one request per conversation; activity
logs come from the Integrations API's bulk endpoint in batches of at most 10 csids, or from
the Dixa API's organisation-wide log, 10,000 events a request, whichever costs fewer requests
(``fetch_events`` reads that log by event time). A conversation's status in its
export record decides whether its activity log, messages and notes are cached for good (closed)
or asked again on every fetch (open); closed and open conversations go in separate batches.
Every conversation has events, so a batch whose answer leaves one out is not cached and is
asked again; each conversation's log is checked against its export record
(:mod:`._completeness`), asked again past the cache when it looks cut short, and named in a
:class:`~dixa_analytics.PartialFetchError` if it stays incomplete.

The building blocks below return raw records, for code that assembles frames piece by piece
(a snapshot's sync): ``export_window`` (conversations created or updated in a window),
``export_by_csids``, ``bulk_log`` (the Integrations API's log of given conversations),
``event_windows``/``read_windows`` (the Dixa API's organisation-wide log by time),
``incomplete_logs`` (logs that look cut short, held to their export records),
``framed_events`` (their events frame, or their answers removed from the cache when they
cannot be made into one) and ``choose_source``.
"""

from dixa_analytics.fetch._activitylog import ACTIVITYLOG_BATCH, bulk_log, fetch_activitylog
from dixa_analytics.fetch._completeness import TOLERANCE, incomplete_logs
from dixa_analytics.fetch._conversations import (
    EXPORT_CSIDS_BATCH,
    export_by_csids,
    export_window,
    fetch_conversations,
    fetch_messages,
    fetch_notes,
)
from dixa_analytics.fetch._events import fetch_events
from dixa_analytics.fetch._framing import framed_events
from dixa_analytics.fetch._orgwide import event_windows, read_windows
from dixa_analytics.fetch._plan import FetchPlan, plan_fetch
from dixa_analytics.fetch._reference import (
    fetch_agents,
    fetch_endpoints,
    fetch_queues,
    fetch_tags,
    fetch_teams,
    fetch_users,
)
from dixa_analytics.fetch._selection import using
from dixa_analytics.fetch._sources import SOURCES, activitylog_requests, choose_source

__all__ = [
    "ACTIVITYLOG_BATCH",
    "EXPORT_CSIDS_BATCH",
    "SOURCES",
    "TOLERANCE",
    "FetchPlan",
    "activitylog_requests",
    "bulk_log",
    "choose_source",
    "event_windows",
    "export_by_csids",
    "export_window",
    "fetch_activitylog",
    "fetch_agents",
    "fetch_conversations",
    "fetch_endpoints",
    "fetch_events",
    "fetch_messages",
    "fetch_notes",
    "fetch_queues",
    "fetch_tags",
    "fetch_teams",
    "fetch_users",
    "framed_events",
    "incomplete_logs",
    "plan_fetch",
    "read_windows",
    "using",
]
