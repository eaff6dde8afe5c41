"""Handling time: how long conversations are open and assigned, per conversation or agent."""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from dixa_analytics._dates import DateLike
from dixa_analytics.frames import BOOL, FLOAT, INT, STRING, Schema, conform
from dixa_analytics.metrics._definitions import with_definition
from dixa_analytics.metrics._state import CLOSED, OPEN, assignees, status
from dixa_analytics.metrics._timeline import build_timeline, seconds, take

__all__ = ["DEFINITION", "HANDLING_AGENT", "HANDLING_CONVERSATION", "handling_time"]

HANDLING_CONVERSATION: Schema = {
    "conversation_id": INT,
    "handling_seconds": FLOAT,
    "observed": BOOL,
    "queue_name": STRING,
    "agent_id": STRING,  # last assignee at as_of
    "agent_name": STRING,
}

HANDLING_AGENT: Schema = {
    "conversation_id": INT,
    "agent_id": STRING,
    "agent_name": STRING,
    "handling_seconds": FLOAT,
    "observed": BOOL,
    "queue_name": STRING,
}

_OPTIONAL = (
    "event_id",
    "agent_name",
    "author_id",
    "author_name",
    "destination_id",
    "destination_type",
    "destination_label",
    "queue_name",
)


#: The definition stated in the docstring, the figures and the report.
DEFINITION = (
    "Handling time is the time a conversation is open and assigned to an agent, credited to the "
    "assignee of each interval. Each conversation's events are replayed in timestamp order "
    "(ties in lifecycle order). Status: conversation_created_* and conversation_reopened make it "
    "open, conversation_pending pending and conversation_closed closed; a conversation is open "
    "from its first event until a status event says otherwise. Assignee: conversation_assigned "
    "sets its agent, conversation_claimed the claiming agent (the event's author), "
    "transfer_successful to an agent or user that agent, without a destination type the agent "
    "it names (if any), and to any other destination (a queue) nobody, conversation_unassigned "
    "nobody; closing keeps the assignee, and an assignment or claim that names no agent changes "
    "nothing. The interval after a conversation's last event runs to as_of (by default the "
    "latest event in the data, or the time a snapshot was taken). observed is False when the "
    "conversation is not closed at as_of, as its handling time may still grow."
)


@with_definition(DEFINITION)
def handling_time(
    events: pd.DataFrame,
    *,
    per: Literal["conversation", "agent"] = "conversation",
    as_of: DateLike | None = None,
) -> pd.DataFrame:
    """Time each conversation was open and assigned, in total or split by agent.

    {definition}

    Parameters
    ----------
    events : DataFrame
        The events frame. Needs ``conversation_id``, ``timestamp``, ``activity_type`` and
        ``agent_id``; uses ``author_id``/``author_name`` (claims), ``destination_type``/
        ``destination_id``/``destination_label`` (transfers), ``agent_name``,
        ``queue_name`` and ``event_id`` (duplicates dropped) when present.
    per : {"conversation", "agent"}
        One row per conversation, or one per conversation and agent that was its assignee
        at some point (with 0 seconds if never while open). The agents' seconds of a
        conversation add up to its total.
    as_of : str, date, datetime or Timestamp, optional
        The moment to measure at; later events are ignored. Defaults to the frame's own
        ``as_of`` (a snapshot's events carry the time of their sync), else the latest event.

    Returns
    -------
    DataFrame
        Sorted by ``conversation_id`` (and, per agent, ``agent_id``).
        ``per="conversation"``: ``conversation_id``, ``handling_seconds``, ``observed``,
        ``queue_name`` (last non-null), ``agent_id`` / ``agent_name`` (the assignee at
        ``as_of``, null if nobody). ``per="agent"``: ``conversation_id``, ``agent_id``,
        ``agent_name``, ``handling_seconds``, ``observed``, ``queue_name``.

    Examples
    --------
    >>> import pandas as pd
    >>> from dixa_analytics.events import conform_events
    >>> events = conform_events(pd.DataFrame({
    ...     "conversation_id": [1, 1, 1],
    ...     "timestamp": pd.to_datetime(["2026-03-02 09:00", "2026-03-02 09:05",
    ...                                  "2026-03-02 09:35"], utc=True),
    ...     "activity_type": ["conversation_created_by_customer", "conversation_assigned",
    ...                       "conversation_closed"],
    ...     "agent_id": [None, "a1", None],
    ... }))
    >>> handling_time(events)[["conversation_id", "handling_seconds", "observed", "agent_id"]]
       conversation_id  handling_seconds  observed agent_id
    0                1            1800.0      True       a1
    """
    if per not in ("conversation", "agent"):
        raise ValueError(f"per must be 'conversation' or 'agent', not {per!r}")
    tl = build_timeline(
        events, required=["agent_id"], optional=_OPTIONAL, as_of=as_of, metric="handling_time"
    )
    state = status(tl)
    who = assignees(tl)
    credited = np.where((state == OPEN) & (who.code >= 0), tl.durations(), 0)
    last_row = tl.stops - 1
    observed = state[last_row] == CLOSED
    queue = tl.last_valid("queue_name")

    if per == "conversation":
        return conform(
            pd.DataFrame(
                {
                    "conversation_id": tl.ids,
                    "handling_seconds": seconds(tl.group_sum(credited)),
                    "observed": observed,
                    "queue_name": queue,
                    "agent_id": take(pd.Series(who.ids, dtype="string"), who.code[last_row]),
                    "agent_name": who.name_at(who.source[last_row]),
                }
            ),
            HANDLING_CONVERSATION,
        )

    rows = np.flatnonzero(who.code >= 0)
    parts = pd.DataFrame(
        {"group": tl.group[rows], "agent": who.code[rows], "ns": credited[rows], "row": rows}
    )
    split = parts.groupby(["group", "agent"], sort=True).agg(ns=("ns", "sum"), row=("row", "max"))
    group = split.index.get_level_values("group").to_numpy()
    agent = split.index.get_level_values("agent").to_numpy()
    result = conform(
        pd.DataFrame(
            {
                "conversation_id": tl.ids[group],
                "agent_id": np.asarray(who.ids, dtype=object)[agent],
                "agent_name": who.name_at(who.source[split["row"].to_numpy()]),
                "handling_seconds": seconds(split["ns"].to_numpy(dtype=np.int64)),
                "observed": observed[group],
                "queue_name": queue.take(group).reset_index(drop=True),
            }
        ),
        HANDLING_AGENT,
    )
    # Agents in order of their id within a conversation: an order that depends on nothing
    # but the conversation itself, so any frame holding it gives the same rows.
    return result.sort_values(["conversation_id", "agent_id"], kind="stable", ignore_index=True)
