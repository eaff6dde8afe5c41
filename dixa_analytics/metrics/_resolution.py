"""Resolution time: from creation to the first and to the last close."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dixa_analytics._dates import DateLike
from dixa_analytics.events import Kind
from dixa_analytics.frames import BOOL, FLOAT, INT, STRING, UTC, Schema, conform
from dixa_analytics.metrics._business_hours import BusinessHours, elapsed_seconds
from dixa_analytics.metrics._definitions import with_definition
from dixa_analytics.metrics._periods import events_span, span_attrs
from dixa_analytics.metrics._state import CLOSED, status
from dixa_analytics.metrics._timeline import build_timeline

__all__ = ["DEFINITION", "RESOLUTION", "resolution_time"]

RESOLUTION: Schema = {
    "conversation_id": INT,
    "created_at": UTC,
    "first_resolution_seconds": FLOAT,
    "full_resolution_seconds": FLOAT,
    "observed": BOOL,
    "queue_name": STRING,
}

_OPTIONAL = ("event_id", "queue_name")


#: The definition stated in the docstring, the figures and the report.
DEFINITION = (
    "Resolution time runs from a conversation's creation (its first conversation_created_* "
    "event, or its first event when it has none) to its first conversation_closed (first "
    "resolution) and to its last (full resolution); a close that comes before the creation (in "
    "timestamp order, ties in lifecycle order) is not a resolution. observed is False when the "
    "conversation is not closed at as_of (by default the latest event in the data, or the time "
    "a snapshot was taken): full resolution then runs to as_of, and so does first resolution if "
    "it was never closed."
)


@with_definition(DEFINITION)
def resolution_time(
    events: pd.DataFrame,
    *,
    as_of: DateLike | None = None,
    business_hours: BusinessHours | None = None,
) -> pd.DataFrame:
    """Time from creation to the first and to the last close of each conversation.

    {definition}

    Parameters
    ----------
    events : DataFrame
        The events frame. Needs ``conversation_id``, ``timestamp`` and ``activity_type``;
        uses ``queue_name`` and ``event_id`` (duplicates dropped) when present.
    as_of : str, date, datetime or Timestamp, optional
        The moment to measure at; later events are ignored. Defaults to the frame's own
        ``as_of`` (a snapshot's events carry the time of their sync), else the latest event.
    business_hours : BusinessHours, optional
        Count only the seconds inside these open hours, for the same spans (censored ones
        too); by default every second counts.

    Returns
    -------
    DataFrame
        One row per conversation, sorted by ``conversation_id``: ``conversation_id``,
        ``created_at``, ``first_resolution_seconds``, ``full_resolution_seconds``,
        ``observed``, ``queue_name`` (last non-null).

    Examples
    --------
    >>> import pandas as pd
    >>> from dixa_analytics.events import conform_events
    >>> events = conform_events(pd.DataFrame({
    ...     "conversation_id": [5, 5, 5, 5],
    ...     "timestamp": pd.to_datetime(["2026-03-02 09:00", "2026-03-02 10:00",
    ...                                  "2026-03-02 11:00", "2026-03-02 13:00"], utc=True),
    ...     "activity_type": ["conversation_created_by_customer", "conversation_closed",
    ...                       "conversation_reopened", "conversation_closed"],
    ... }))
    >>> resolution_time(events)[["first_resolution_seconds", "full_resolution_seconds",
    ...                          "observed"]]
       first_resolution_seconds  full_resolution_seconds  observed
    0                    3600.0                  14400.0      True
    """
    tl = build_timeline(
        events, required=[], optional=_OPTIONAL, as_of=as_of, metric="resolution_time"
    )
    created = tl.creation()
    is_close = (tl.kind == Kind.CLOSED) & (np.arange(len(tl.kind)) >= created[tl.group])
    first_close, last_close = tl.first(is_close), tl.last(is_close)
    observed = status(tl)[tl.stops - 1] == CLOSED
    start = tl.ns[created]
    first_end = np.where(first_close >= 0, tl.ns[np.maximum(first_close, 0)], tl.as_of)
    full_end = np.where(observed, tl.ns[np.maximum(last_close, 0)], tl.as_of)
    result = conform(
        pd.DataFrame(
            {
                "conversation_id": tl.ids,
                "created_at": tl.times(created),
                "first_resolution_seconds": elapsed_seconds(start, first_end, business_hours),
                "full_resolution_seconds": elapsed_seconds(start, full_end, business_hours),
                "observed": observed,
                "queue_name": tl.last_valid("queue_name"),
            }
        ),
        RESOLUTION,
    )
    # What the events cover, for sla_attainment's complete periods.
    result.attrs.update(span_attrs(events_span(events, tl.ns, tl.as_of)))
    return result
