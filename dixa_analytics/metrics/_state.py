"""The conversation state machine (status and assignee after every event), vectorised.

Both states are forward fills within conversations over the rows that set them
(:meth:`Timeline.carry`), so a whole frame is replayed with a handful of numpy passes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dixa_analytics.metrics._timeline import Kind, Timeline, take

__all__ = ["CLOSED", "OPEN", "PENDING", "Assignees", "assignees", "status"]

OPEN, PENDING, CLOSED = 0, 1, 2

_STATUS_OF = {
    Kind.CREATED_BY_CUSTOMER: OPEN,
    Kind.CREATED_OTHER: OPEN,
    Kind.REOPENED: OPEN,
    Kind.PENDING: PENDING,
    Kind.CLOSED: CLOSED,
}
_AGENT_DESTINATIONS = ("agent", "user")


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

    ``conversation_assigned`` names ``agent_id``; ``conversation_claimed`` the claiming agent
    (``author_id``, else ``agent_id``); ``transfer_successful`` with a destination of type
    agent/user the agent in ``agent_id`` (else ``destination_id``), with no destination type the
    agent in ``agent_id`` if the event names one, any other destination nobody;
    ``conversation_unassigned`` nobody. An assignment or claim naming
    no agent changes nothing; closing keeps the assignee.
    """
    agent, agent_name = tl.column("agent_id"), tl.column("agent_name")
    author, author_name = tl.column("author_id"), tl.column("author_name")
    assigned = pd.Series(tl.kind == Kind.ASSIGNED)
    claimed = pd.Series(tl.kind == Kind.CLAIMED)
    transferred = pd.Series(tl.kind == Kind.TRANSFERRED)
    unassigned = tl.kind == Kind.UNASSIGNED

    dest_type = tl.column("destination_type").astype("string").str.strip().str.lower()
    # An untyped destination id may be a queue's: only an agent the event names is trusted,
    # as events_frame does when it fills agent_id.
    typed_agent = transferred & dest_type.isin(_AGENT_DESTINATIONS)
    to_agent = typed_agent | (transferred & dest_type.isna() & agent.notna())
    agent_ids = agent.astype("string")
    to_agent_id = agent_ids.fillna(tl.column("destination_id").astype("string"))
    claimer = author.astype("string").fillna(agent_ids)

    who = agent_ids.where(assigned, pd.NA)
    who = who.mask(claimed, claimer).mask(to_agent, to_agent_id)
    names = agent_name.astype("string").where(assigned | to_agent, pd.NA)
    claimer_name = author_name.astype("string").where(author.notna(), agent_name.astype("string"))
    names = names.mask(claimed, claimer_name)
    if "destination_label" in tl.frame.columns:
        names = names.mask(typed_agent & names.isna(), tl.column("destination_label"))

    codes, ids = pd.factorize(who, use_na_sentinel=True)
    names = names.where(pd.Series(codes >= 0), pd.NA)
    sets_agent = codes >= 0
    is_set = sets_agent | unassigned | transferred.to_numpy()
    source = tl.carry(is_set)
    code = np.where(source >= 0, codes[np.maximum(source, 0)], -1)
    return Assignees(
        code=code.astype(np.int64),
        source=np.where(code >= 0, source, -1),
        ids=pd.Index(ids),
        names=names,
    )
