"""dixa-analytics: study how a customer-service team works on Dixa, from Jupyter.

Fetch Dixa's activity log and reference data into typed pandas DataFrames through a
persistent HTTP cache, compute handling time, first response, resolution, reopen rate and tag
trends, and plot them with plotly. An embedded sandbox (a local fake Dixa) makes every
example run without an account.

>>> import dixa_analytics as dxa  # doctest: +SKIP
>>> events = dxa.fetch_activitylog(start="2026-03-01", end="2026-04-01")  # doctest: +SKIP
"""

from dixa_analytics._connect import connect
from dixa_analytics._errors import (
    AuthenticationError,
    BadRequestError,
    CorruptCacheError,
    DixaConnectionError,
    DixaError,
    NotFoundError,
    PartialFetchError,
    RateLimitError,
    SchemaError,
    ServerError,
    SnapshotError,
)
from dixa_analytics._format import humanize
from dixa_analytics._version import __version__
from dixa_analytics.client import CacheInfo, DixaClient, cache_info, clear_cache
from dixa_analytics.events import events_frame, split_by_type
from dixa_analytics.fetch import (
    fetch_activitylog,
    fetch_conversations,
    fetch_endpoints,
    fetch_events,
    fetch_messages,
    fetch_notes,
    fetch_queues,
    fetch_tags,
    fetch_teams,
    fetch_users,
    plan_fetch,
)
from dixa_analytics.metrics import (
    DEFINITIONS,
    PLAIN_DEFINITIONS,
    BusinessHours,
    backlog,
    csat,
    first_response_time,
    handling_time,
    queue_wait_time,
    reopen_rate,
    resolution_time,
    sla_attainment,
    summarize_durations,
    tag_trends,
)
from dixa_analytics.plots import (
    plot_backlog,
    plot_csat,
    plot_first_response,
    plot_handling_time,
    plot_queue_wait,
    plot_reopen_rate,
    plot_resolution,
    plot_survival,
    plot_tag_trends,
    setup_notebook,
)
from dixa_analytics.report import build_report, summarize_report, write_report
from dixa_analytics.snapshot import Snapshot, open_snapshot, sync

__all__ = [
    "DEFINITIONS",
    "PLAIN_DEFINITIONS",
    "AuthenticationError",
    "BadRequestError",
    "BusinessHours",
    "CacheInfo",
    "CorruptCacheError",
    "DixaClient",
    "DixaConnectionError",
    "DixaError",
    "NotFoundError",
    "PartialFetchError",
    "RateLimitError",
    "SchemaError",
    "ServerError",
    "Snapshot",
    "SnapshotError",
    "__version__",
    "backlog",
    "build_report",
    "cache_info",
    "clear_cache",
    "connect",
    "csat",
    "events_frame",
    "fetch_activitylog",
    "fetch_conversations",
    "fetch_endpoints",
    "fetch_events",
    "fetch_messages",
    "fetch_notes",
    "fetch_queues",
    "fetch_tags",
    "fetch_teams",
    "fetch_users",
    "first_response_time",
    "handling_time",
    "humanize",
    "open_snapshot",
    "plan_fetch",
    "plot_backlog",
    "plot_csat",
    "plot_first_response",
    "plot_handling_time",
    "plot_queue_wait",
    "plot_reopen_rate",
    "plot_resolution",
    "plot_survival",
    "plot_tag_trends",
    "queue_wait_time",
    "reopen_rate",
    "resolution_time",
    "setup_notebook",
    "sla_attainment",
    "split_by_type",
    "summarize_durations",
    "summarize_report",
    "sync",
    "tag_trends",
    "write_report",
]
