"""``--queue NAME``: the queues a user names, matched against the organisation's queue list."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

__all__ = ["match_queues"]


def match_queues(asked: Sequence[str], known: Iterable[str]) -> list[str]:
    """The organisation's names of the queues ``asked`` names, whatever their case.

    A name matches a queue that is spelled the same but for case and surrounding spaces
    (``billing`` is ``Billing``); where two queues differ only by case, the exact spelling
    is needed. Each queue appears once, in the order asked.

    Parameters
    ----------
    asked : sequence of str
        The names given (``--queue``, repeatable).
    known : iterable of str
        The organisation's queue names.

    Returns
    -------
    list of str
        The queue names as the organisation spells them.

    Raises
    ------
    ValueError
        If a name matches no queue (the message lists the queues there are) or, without its
        exact spelling, several.

    Examples
    --------
    >>> match_queues(["billing", " VIP ", "Billing"], ["Support", "Billing", "VIP"])
    ['Billing', 'VIP']
    >>> match_queues(["bill"], ["Support", "Billing"])
    Traceback (most recent call last):
    ...
    ValueError: --queue: no queue named 'bill'; the queues are: Billing, Support
    """
    names = sorted({name for name in known if isinstance(name, str)})
    matched: list[str] = []
    unknown: list[str] = []
    for name in asked:
        exact = [queue for queue in names if queue == name.strip()]
        folded = [queue for queue in names if queue.casefold() == name.strip().casefold()]
        found = exact or folded
        if len(found) > 1:
            raise ValueError(
                f"--queue: {name!r} could be any of {', '.join(map(repr, found))}; give the "
                "name spelled exactly"
            )
        if not found:
            unknown.append(name)
        elif found[0] not in matched:
            matched.append(found[0])
    if unknown:
        plural = "s" if len(unknown) > 1 else ""
        raise ValueError(
            f"--queue: no queue{plural} named {', '.join(map(repr, unknown))}; the queues "
            f"are: {', '.join(names) or 'none'}"
        )
    return matched
