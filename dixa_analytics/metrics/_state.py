"""The conversation state machine (status and assignee after every event), vectorised.

Both states are forward fills within conversations over the rows that set them
(:meth:`Timeline.carry`), so a whole frame is replayed with a handful of numpy passes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dixa_analytics.events import Kind, is_agent_destination
from dixa_analytics.metrics._timeline import Timeline, take

__all__ = ["CLOSED", "OPEN", "PENDING", "Assignees", "assignees", "status"]

OPEN, PENDING, CLOSED = 0, 1, 2

_STATUS_OF = {
    Kind.CREATED_BY_CUSTOMER: OPEN,
    Kind.CREATED_OTHER: OPEN,
    Kind.REOPENED: OPEN,
    Kind.PENDING: PENDING,
    Kind.CLOSED: CLOSED,
}


def status(tl: Timeline) -> np.ndarray:
    """Per row, the conversation's status after the event: OPEN, PENDING or CLOSED.

    A conversation is open from its first event until a status event says otherwise.
    """
    lookup = np.full(len(Kind), OPEN, dtype=np.int8)
    for kind, value in _STATUS_OF.items():
        lookup[kind] = value
    src = tl.carry(tl.is_kind(*_STATUS_OF))
    return np.where(src >= 0, lookup[tl.kind[np.maximum(src, 0)]], OPEN)


@dataclass(frozen=True)
class Assignees:
    """The assignee after every event.

    Attributes
    ----------
    code : ndarray of int64
        Per row, the index of the assignee in ``ids`` (-1: nobody).
    source : ndarray of int64
        Per row, the position of the event that set the assignee (-1: none did).
    ids : Index
        Agent ids, indexed by ``code``.
    names : Series
        Per row, the agent name the event names (null on rows that set no agent).
    """

    code: np.ndarray
    source: np.ndarray
    ids: pd.Index
    names: pd.Series

    def name_at(self, pos: np.ndarray) -> pd.Series:
        """The assignee name set by the event at each position (-1: null)."""
        return take(self.names, pos)


def assignees(tl: Timeline) -> Assignees:
    """Replay the assignee of every conversation.

    The events frame names the agent each event is about in ``agent_id``/``agent_name`` (a
    claim's author, a transfer's agent destination; see :mod:`dixa_analytics.events`).
    ``conversation_assigned`` and ``conversation_claimed`` make that agent the assignee (one
    naming no agent changes nothing); ``transfer_successful`` to an agent or user, or with no
    destination type, makes it the assignee and any other transfer (to a queue) leaves nobody;
    ``conversation_unassigned`` leaves nobody. Closing keeps the assignee.
    """
    agent, agent_name = tl.column("agent_id"), tl.column("agent_name")
    transferred = tl.kind == Kind.TRANSFERRED
    destination = pd.Categorical(tl.column("destination_type"))
    untyped_or_agent = (destination.codes < 0) | np.isin(
        destination.codes,
        [i for i, c in enumerate(destination.categories) if is_agent_destination(str(c))],
    )
    names_agent = tl.is_kind(Kind.ASSIGNED, Kind.CLAIMED) | (transferred & untyped_or_agent)

    who = agent.astype("string").where(pd.Series(names_agent), pd.NA)
    codes, ids = pd.factorize(who, use_na_sentinel=True)
    names = agent_name.astype("string").where(pd.Series(codes >= 0), pd.NA)
    is_set = (codes >= 0) | (tl.kind == Kind.UNASSIGNED) | transferred
    source = tl.carry(is_set)
    code = np.where(source >= 0, codes[np.maximum(source, 0)], -1)
    return Assignees(
        code=code.astype(np.int64),
        source=np.where(code >= 0, source, -1),
        ids=pd.Index(ids),
        names=names,
    )
