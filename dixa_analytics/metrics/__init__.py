"""Metrics over the events frame: pure functions, one tidy frame out.

Every metric replays each conversation's events in timestamp order (events at the same time in
lifecycle order, then by event id: see :data:`~dixa_analytics.events.LIFECYCLE`), ignores
activity types it does not use, drops repeated events (same ``event_id``) and measures at
``as_of``, which defaults to the frame's own (a snapshot's events carry the time of their sync)
or else to the latest event in the frame, never the wall clock. Conversations still open at
``as_of`` are censored (``observed`` is False), never dropped. :data:`CATALOGUE` declares each
metric once (function, result schema, definition, how the report and the command line show it);
:data:`PLAIN_DEFINITIONS` says each in one sentence a team lead understands, and
:data:`DEFINITIONS` states its exact rules in one plain-text paragraph.
"""

from dixa_analytics.metrics._backlog import BACKLOG, backlog
from dixa_analytics.metrics._business_hours import BusinessHours
from dixa_analytics.metrics._catalogue import (
    CATALOGUE,
    DEFINITIONS,
    PLAIN_DEFINITIONS,
    REPORT_PERIOD,
    Metric,
    View,
    metric_named,
)
from dixa_analytics.metrics._csat import CSAT, csat
from dixa_analytics.metrics._first_response import FIRST_RESPONSE, first_response_time
from dixa_analytics.metrics._handling import HANDLING_AGENT, HANDLING_CONVERSATION, handling_time
from dixa_analytics.metrics._partitions import over_partitions
from dixa_analytics.metrics._queue_wait import QUEUE_WAIT, queue_wait_time
from dixa_analytics.metrics._reopen import REOPEN_RATE, reopen_rate
from dixa_analytics.metrics._resolution import RESOLUTION, resolution_time
from dixa_analytics.metrics._sla import SLA, sla_attainment
from dixa_analytics.metrics._summary import (
    ESTIMATORS,
    OBSERVED_SUMMARY,
    SUMMARY,
    summarize_durations,
)
from dixa_analytics.metrics._tag_trends import TAG_TRENDS, tag_trends
from dixa_analytics.metrics._timeline import check_freq

__all__ = [
    "BACKLOG",
    "CATALOGUE",
    "CSAT",
    "DEFINITIONS",
    "ESTIMATORS",
    "FIRST_RESPONSE",
    "HANDLING_AGENT",
    "HANDLING_CONVERSATION",
    "OBSERVED_SUMMARY",
    "PLAIN_DEFINITIONS",
    "QUEUE_WAIT",
    "REOPEN_RATE",
    "REPORT_PERIOD",
    "RESOLUTION",
    "SLA",
    "SUMMARY",
    "TAG_TRENDS",
    "BusinessHours",
    "Metric",
    "View",
    "backlog",
    "check_freq",
    "csat",
    "first_response_time",
    "handling_time",
    "metric_named",
    "over_partitions",
    "queue_wait_time",
    "reopen_rate",
    "resolution_time",
    "sla_attainment",
    "summarize_durations",
    "tag_trends",
]
