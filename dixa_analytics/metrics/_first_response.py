"""First response time: from a customer's new conversation to the first agent reply."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dixa_analytics._dates import DateLike
from dixa_analytics.events import Kind
from dixa_analytics.frames import BOOL, FLOAT, INT, STRING, UTC, Schema, conform
from dixa_analytics.metrics._business_hours import BusinessHours, elapsed_seconds
from dixa_analytics.metrics._definitions import with_definition
from dixa_analytics.metrics._periods import events_span, span_attrs
from dixa_analytics.metrics._timeline import build_timeline, censored_span, take

__all__ = ["DEFINITION", "FIRST_RESPONSE", "first_response_time"]

FIRST_RESPONSE: Schema = {
    "conversation_id": INT,
    "started_at": UTC,
    "responded_at": UTC,
    "response_seconds": FLOAT,
    "observed": BOOL,
    "queue_name": STRING,
    "agent_id": STRING,  # author of the first agent reply
    "agent_name": STRING,
}

_OPTIONAL = ("event_id", "author_id", "author_name", "queue_name")


#: The definition stated in the docstring, the figures and the report.
DEFINITION = (
    "First response time covers conversations created by the customer (their first "
    "conversation_created_* event is conversation_created_by_customer) and runs from that "
    "creation to the first message_added_by_agent after it; notes, auto-replies and other "
    "events are not responses. Without an agent reply the time is censored (observed is False): "
    "it runs to the first conversation_closed after the creation, or to as_of (by default the "
    "latest event in the data, or the time a snapshot was taken) when there was none. "
    "Conversations created by an agent or with no creation event are left out."
)


@with_definition(DEFINITION)
def first_response_time(
    events: pd.DataFrame,
    *,
    as_of: DateLike | None = None,
    business_hours: BusinessHours | None = None,
) -> pd.DataFrame:
    """Time from a customer creating a conversation to the first agent reply.

    {definition}

    Parameters
    ----------
    events : DataFrame
        The events frame. Needs ``conversation_id``, ``timestamp`` and ``activity_type``;
        uses ``author_id``/``author_name`` (who replied), ``queue_name`` and ``event_id``
        (duplicates dropped) when present.
    as_of : str, date, datetime or Timestamp, optional
        The moment to measure at; later events are ignored. Defaults to the frame's own
        ``as_of`` (a snapshot's events carry the time of their sync), else the latest event.
    business_hours : BusinessHours, optional
        Count only the seconds inside these open hours, for the same spans (censored ones
        too); by default every second counts.

    Returns
    -------
    DataFrame
        One row per customer-created conversation, sorted by ``conversation_id``:
        ``conversation_id``, ``started_at``, ``responded_at`` (NaT when censored),
        ``response_seconds``, ``observed``, ``queue_name`` (last non-null), ``agent_id`` /
        ``agent_name`` (author of the first reply).

    Examples
    --------
    >>> import pandas as pd
    >>> from dixa_analytics.events import conform_events
    >>> events = conform_events(pd.DataFrame({
    ...     "conversation_id": [7, 7, 7],
    ...     "timestamp": pd.to_datetime(["2026-03-02 09:00", "2026-03-02 09:01",
    ...                                  "2026-03-02 09:10"], utc=True),
    ...     "activity_type": ["conversation_created_by_customer", "conversation_autoreply_sent",
    ...                       "message_added_by_agent"],
    ...     "author_id": ["c1", None, "a1"],
    ... }))
    >>> first_response_time(events)[["conversation_id", "response_seconds", "observed"]]
       conversation_id  response_seconds  observed
    0                7             600.0      True
    """
    tl = build_timeline(
        events, required=[], optional=_OPTIONAL, as_of=as_of, metric="first_response_time"
    )
    created = tl.first(tl.is_kind(Kind.CREATED_BY_CUSTOMER, Kind.CREATED_OTHER))
    keep = created >= 0
    keep[keep] = tl.kind[created[keep]] == Kind.CREATED_BY_CUSTOMER
    start = np.where(keep, created, -1)
    reply = tl.first_after(tl.kind == Kind.AGENT_MESSAGE, start)
    end_ns, observed = censored_span(tl, start, reply)
    result = conform(
        pd.DataFrame(
            {
                "conversation_id": tl.ids,
                "started_at": tl.times(start),
                "responded_at": tl.times(reply),
                "response_seconds": elapsed_seconds(
                    tl.ns[np.maximum(start, 0)], end_ns, business_hours
                ),
                "observed": observed,
                "queue_name": tl.last_valid("queue_name"),
                "agent_id": take(tl.column("author_id"), reply),
                "agent_name": take(tl.column("author_name"), reply),
            }
        )[keep],
        FIRST_RESPONSE,
    ).reset_index(drop=True)
    # What the events cover, for sla_attainment's complete periods.
    result.attrs.update(span_attrs(events_span(events, tl.ns, tl.as_of)))
    return result
