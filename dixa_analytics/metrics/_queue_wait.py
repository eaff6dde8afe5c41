"""Queue wait: from a conversation's first offer to its first assignment or claim."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dixa_analytics._dates import DateLike
from dixa_analytics.events import Kind
from dixa_analytics.frames import BOOL, FLOAT, INT, STRING, UTC, Schema, conform
from dixa_analytics.metrics._business_hours import BusinessHours, elapsed_seconds
from dixa_analytics.metrics._definitions import with_definition
from dixa_analytics.metrics._periods import events_span, span_attrs
from dixa_analytics.metrics._timeline import build_timeline, censored_span

__all__ = ["DEFINITION", "QUEUE_WAIT", "queue_wait_time"]

QUEUE_WAIT: Schema = {
    "conversation_id": INT,
    "offered_at": UTC,
    "assigned_at": UTC,
    "wait_seconds": FLOAT,
    "observed": BOOL,
    "queue_name": STRING,
}

_OPTIONAL = ("event_id", "queue_name")


#: The definition stated in the docstring, the figures and the report.
DEFINITION = (
    "Queue wait runs from a conversation's first conversation_offered event to the first "
    "conversation_assigned or conversation_claimed after it. Without one the wait is censored "
    "(observed is False): it runs to the first conversation_closed after the offer, or to as_of "
    "(by default the latest event in the data, or the time a snapshot was taken) when there was "
    "none. Conversations never offered are left out."
)


@with_definition(DEFINITION)
def queue_wait_time(
    events: pd.DataFrame,
    *,
    as_of: DateLike | None = None,
    business_hours: BusinessHours | None = None,
) -> pd.DataFrame:
    """Time conversations waited between being offered and being taken by an agent.

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
        One row per offered conversation, sorted by ``conversation_id``:
        ``conversation_id``, ``offered_at``, ``assigned_at`` (NaT when censored),
        ``wait_seconds``, ``observed``, ``queue_name`` (last non-null).

    Examples
    --------
    >>> import pandas as pd
    >>> from dixa_analytics.events import conform_events
    >>> events = conform_events(pd.DataFrame({
    ...     "conversation_id": [3, 3, 3],
    ...     "timestamp": pd.to_datetime(["2026-03-02 09:00", "2026-03-02 09:02",
    ...                                  "2026-03-02 09:06"], utc=True),
    ...     "activity_type": ["conversation_created_by_customer", "conversation_offered",
    ...                       "conversation_claimed"],
    ... }))
    >>> queue_wait_time(events)[["conversation_id", "wait_seconds", "observed"]]
       conversation_id  wait_seconds  observed
    0                3         240.0      True
    """
    tl = build_timeline(
        events, required=[], optional=_OPTIONAL, as_of=as_of, metric="queue_wait_time"
    )
    offered = tl.first(tl.kind == Kind.OFFERED)
    taken = tl.first_after(tl.is_kind(Kind.ASSIGNED, Kind.CLAIMED), offered)
    end_ns, observed = censored_span(tl, offered, taken)
    keep = offered >= 0
    result = conform(
        pd.DataFrame(
            {
                "conversation_id": tl.ids,
                "offered_at": tl.times(offered),
                "assigned_at": tl.times(taken),
                "wait_seconds": elapsed_seconds(
                    tl.ns[np.maximum(offered, 0)], end_ns, business_hours
                ),
                "observed": observed,
                "queue_name": tl.last_valid("queue_name"),
            }
        )[keep],
        QUEUE_WAIT,
    ).reset_index(drop=True)
    # What the events cover, for sla_attainment's complete periods.
    result.attrs.update(span_attrs(events_span(events, tl.ns, tl.as_of)))
    return result
