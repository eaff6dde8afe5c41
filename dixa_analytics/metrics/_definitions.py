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

__all__ = ["with_definition"]

_F = TypeVar("_F", bound=Callable[..., object])
_PLACEHOLDER = re.compile(r"^([ \t]*)\{definition\}$", flags=re.MULTILINE)


def with_definition(definition: str) -> Callable[[_F], _F]:
    """Put ``definition``, wrapped, in place of the ``{definition}`` line of a docstring."""

    def decorate(func: _F) -> _F:
        if func.__doc__:
            func.__doc__ = _PLACEHOLDER.sub(
                lambda m: textwrap.fill(
                    definition, width=92, initial_indent=m[1], subsequent_indent=m[1]
                ),
                func.__doc__,
            )
        return func

    return decorate
