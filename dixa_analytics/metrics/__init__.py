"""Metrics over the events frame: pure functions, one tidy frame out.

Every metric replays each conversation's events in timestamp order (ties keep input
order), ignores activity types it does not use, drops repeated events (same ``event_id``)
and measures at ``as_of``, which defaults to the latest event in the frame, never the wall
clock. Conversations still open at ``as_of`` are censored (``observed`` is False), never
dropped. :data:`DEFINITIONS` states each metric in one plain-text paragraph.
"""

from dixa_analytics.metrics._definitions import DEFINITIONS
from dixa_analytics.metrics._first_response import first_response_time
from dixa_analytics.metrics._handling import handling_time
from dixa_analytics.metrics._queue_wait import queue_wait_time
from dixa_analytics.metrics._reopen import reopen_rate
from dixa_analytics.metrics._resolution import resolution_time
from dixa_analytics.metrics._summary import summarize_durations
from dixa_analytics.metrics._tag_trends import tag_trends

__all__ = [
    "DEFINITIONS",
    "first_response_time",
    "handling_time",
    "queue_wait_time",
    "reopen_rate",
    "resolution_time",
    "summarize_durations",
    "tag_trends",
]
