"""Plain-text definitions of every metric, stated once.

The same paragraph goes into the metric's docstring (through :func:`with_definition`) and
into reports next to the number, so the two can never disagree.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from typing import TypeVar

__all__ = ["DEFINITIONS", "with_definition"]

DEFINITIONS: dict[str, str] = {
    "handling_time": (
        "Handling time is the time a conversation is open and assigned to an agent, credited "
        "to the assignee of each interval. Each conversation's events are replayed in "
        "timestamp order (ties keep input order). Status: conversation_created_* and "
        "conversation_reopened make it open, conversation_pending pending and "
        "conversation_closed closed; a conversation is open from its first event until a "
        "status event says otherwise. Assignee: conversation_assigned sets its agent, "
        "conversation_claimed the claiming agent (the event's author), transfer_successful to "
        "an agent or user that agent, without a destination type the agent it names (if any), "
        "and to any other destination (a queue) nobody, "
        "conversation_unassigned nobody; closing keeps the assignee, and an assignment or "
        "claim that names no agent changes nothing. The interval after a conversation's last "
        "event runs to as_of (by default the latest event in the data). observed is False when "
        "the conversation is not closed at as_of, as its handling time may still grow."
    ),
    "first_response_time": (
        "First response time covers conversations created by the customer (their first "
        "conversation_created_* event is conversation_created_by_customer) and runs from that "
        "creation to the first message_added_by_agent after it; notes, auto-replies and other "
        "events are not responses. Without an agent reply the time is censored (observed is "
        "False): it runs to the first conversation_closed after the creation, or to as_of (by "
        "default the latest event in the data) when there was none. Conversations created by "
        "an agent or with no creation event are left out."
    ),
    "resolution_time": (
        "Resolution time runs from a conversation's creation (its first "
        "conversation_created_* event, or its first event when it has none) to its first "
        "conversation_closed (first resolution) and to its last (full resolution); a close "
        "that comes before the creation (in timestamp order, ties in input order) is not a "
        "resolution. observed is "
        "False when the conversation is not closed at as_of (by default the latest event in "
        "the data): full resolution then runs to as_of, and so does first resolution if it was "
        "never closed."
    ),
    "queue_wait_time": (
        "Queue wait runs from a conversation's first conversation_offered event to the first "
        "conversation_assigned or conversation_claimed after it. Without one the wait is "
        "censored (observed is False): it runs to the first conversation_closed after the "
        "offer, or to as_of (by default the latest event in the data) when there was none. "
        "Conversations never offered are left out."
    ),
    "reopen_rate": (
        "Reopen rate takes the cohort of conversations closed at least once, each placed in "
        "the period of its first conversation_closed. A conversation is reopened when a "
        "conversation_reopened event follows that first close (within the window after it, "
        "when a window is given). closed is the size of the cohort, reopened how many of it "
        "were reopened, and reopen_rate = reopened / closed. When grouping by a column, a "
        "conversation's group is the column's value on its last row where it is not null."
    ),
    "tag_trends": (
        "Tag trends take the cohort of conversations created in each period (creation is the "
        "first conversation_created_* event, or the first event when there is none). For each "
        "period and tag, conversations counts the cohort's conversations that had the tag "
        "added at any time (once per conversation, even when added twice or removed later), "
        "cohort_size is the size of the cohort and share = conversations / cohort_size. Every "
        "period and tag pair appears, zeros included; top=N keeps the N tags added to most "
        "conversations overall."
    ),
}

_F = TypeVar("_F", bound=Callable[..., object])
_PLACEHOLDER = re.compile(r"^([ \t]*)\{definition\}$", flags=re.MULTILINE)


def with_definition(name: str) -> Callable[[_F], _F]:
    """Put ``DEFINITIONS[name]`` in place of the ``{definition}`` line of a docstring."""

    def decorate(func: _F) -> _F:
        if func.__doc__:
            func.__doc__ = _PLACEHOLDER.sub(
                lambda m: textwrap.fill(
                    DEFINITIONS[name], width=92, initial_indent=m[1], subsequent_indent=m[1]
                ),
                func.__doc__,
            )
        return func

    return decorate
