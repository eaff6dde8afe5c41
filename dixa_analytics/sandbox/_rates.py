"""The probabilities that steer each synthetic conversation's life cycle."""

from __future__ import annotations

from dataclasses import dataclass, fields

__all__ = ["Rates"]


@dataclass(frozen=True)
class Rates:
    """Probabilities that steer each conversation's life cycle (each between 0 and 1).

    Attributes
    ----------
    outbound : float
        Conversation started by an agent (``conversation_created_by_agent``).
    autoreply : float
        Auto-reply sent to an inbound email or contact-form conversation.
    language_update : float
        ``conversation_language_updated`` early in the conversation.
    end_user_replaced : float
        ``conversation_end_user_replaced``.
    reserved : float
        ``conversation_reserved`` while queued.
    claim : float
        An agent claims the conversation from the queue instead of being offered it.
    offer_reject, offer_timeout : float
        Each offer is rejected / times out (then offered to someone else).
    transfer : float
        A transfer is initiated; ``transfer_fail`` of them fail and ``transfer_to_queue`` go
        to another queue rather than to an agent.
    unassign : float
        The assignee unassigns and the conversation goes back to the queue.
    note : float
        Internal notes are written.
    tag_removal : float
        A tag of a tagged conversation is removed again.
    followup : float
        A follow-up is set (then removed or expired).
    pending : float
        The conversation is set pending before it is closed.
    abandon : float
        The conversation is never closed.
    reopen : float
        A closed conversation is reopened by the customer; ``reopen_again`` of those are
        reopened once more after the next close (at most three times).
    rating : float
        A rating is scheduled on close; ``rated`` of the offered ratings get a score and
        ``rating_unscheduled`` of the scheduled ones are unscheduled by the agent.
    office_hours : float
        A customer's conversation whose first agent reply would come outside office hours
        (Monday to Friday 08:00-17:00, Europe/Copenhagen) is answered when the office opens
        instead; 0 (the default) keeps the team answering around the clock, so that business
        hours visibly matter only when asked for.
    """

    outbound: float = 0.07
    autoreply: float = 0.85
    language_update: float = 0.1
    end_user_replaced: float = 0.004
    reserved: float = 0.03
    claim: float = 0.12
    offer_reject: float = 0.1
    offer_timeout: float = 0.12
    transfer: float = 0.08
    transfer_fail: float = 0.2
    transfer_to_queue: float = 0.5
    unassign: float = 0.04
    note: float = 0.25
    tag_removal: float = 0.06
    followup: float = 0.05
    pending: float = 0.15
    abandon: float = 0.01
    reopen: float = 0.07
    reopen_again: float = 0.2
    rating: float = 0.45
    rated: float = 0.55
    rating_unscheduled: float = 0.05
    office_hours: float = 0.0

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if not isinstance(value, int | float) or not 0.0 <= value <= 1.0:
                raise ValueError(f"rate {f.name} must be a probability in [0, 1], not {value!r}")
