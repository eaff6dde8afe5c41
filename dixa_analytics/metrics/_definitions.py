"""A metric's plain-text definition, put into its docstring.

Each metric module states its definition once, as ``DEFINITION``; the same paragraph goes into
the function's docstring (through :func:`with_definition`), the catalogue, the figures and the
report, so they can never disagree.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from typing import TypeVar

__all__ = ["SAME_TIME", "SPAN", "with_definition"]

#: How every metric orders events of one conversation that share a timestamp (the events
#: frame's order); stated after the definition in each metric's docstring.
SAME_TIME = (
    "Events of a conversation that share a timestamp are taken in lifecycle order: creation, "
    "offer, unassignment, assignment (claim, transfer), everything else (messages, notes, "
    "tags...), pending, close, then reopen; then by event_id. So the result never depends on "
    "the order the events came in."
)

#: Which span of time a by-period metric's events cover (so which periods are ``complete``);
#: put in place of the ``{span}`` line of its docstring.
SPAN = (
    "The data covers, by default, from midnight UTC of the day of its first event to its "
    "latest event (or the frame's as_of). A frame from fetch_activitylog(start=, end=) or "
    "Snapshot.events carries its creation window in attrs (dixa_analytics.events.WINDOW): it "
    "then covers from the window's start to the earlier of its end and as_of. A period is "
    "complete when it lies wholly inside what the data covers."
)

_F = TypeVar("_F", bound=Callable[..., object])
_PLACEHOLDER = re.compile(r"^([ \t]*)\{(definition|span)\}$", flags=re.MULTILINE)


def with_definition(definition: str) -> Callable[[_F], _F]:
    """Put ``definition``, wrapped, in place of the ``{definition}`` line of a docstring,
    followed by :data:`SAME_TIME`; and :data:`SPAN` in place of a ``{span}`` line."""
    texts = {"definition": f"{definition} {SAME_TIME}", "span": SPAN}

    def decorate(func: _F) -> _F:
        if func.__doc__:
            func.__doc__ = _PLACEHOLDER.sub(
                lambda m: textwrap.fill(
                    texts[m[2]], width=92, initial_indent=m[1], subsequent_indent=m[1]
                ),
                func.__doc__,
            )
        return func

    return decorate
