"""Numbers for people: durations in one human unit, counts, percentages, missing groups.

Duration metrics come in seconds; figures, the report and the command line show them in one
unit chosen from the median (``unit="auto"``), so a first response reads "4.2 min" and a
resolution "3.1 h". Shared by :mod:`dixa_analytics.plots`, :mod:`dixa_analytics.report` and
:mod:`dixa_analytics.cli`, so a number reads the same wherever it is shown.
"""

from __future__ import annotations

import pandas as pd

__all__ = [
    "MISSING_LABEL",
    "NOT_REACHED",
    "UNITS",
    "choose_unit",
    "format_count",
    "format_duration",
    "format_estimate",
    "format_number",
    "format_percent",
    "format_target",
]

# unit name -> (seconds per unit, short label)
UNITS: dict[str, tuple[float, str]] = {
    "seconds": (1.0, "s"),
    "minutes": (60.0, "min"),
    "hours": (3600.0, "h"),
    "days": (86400.0, "d"),
}

# Shown for a missing group value in figures, the report's tables and the command line's
# tables: a conversation with no queue (an agent started it, or it was never routed to one),
# a rating that names no agent. CSV and JSON leave the cell empty (null).
MISSING_LABEL = "(not set)"

# Shown for a Kaplan–Meier quantile the estimate never drops to: too many still open.
NOT_REACHED = "not reached"


def choose_unit(seconds: pd.Series, unit: str = "auto") -> str:
    """Return the display unit for ``seconds``: ``unit`` itself, or one picked from the median.

    Examples
    --------
    >>> choose_unit(pd.Series([300.0, 900.0]))
    'minutes'
    >>> choose_unit(pd.Series([7200.0, 36000.0]))
    'hours'
    """
    if unit != "auto":
        if unit not in UNITS:
            raise ValueError(f"unit must be 'auto' or one of {sorted(UNITS)}, not {unit!r}")
        return unit
    median = seconds.dropna().median() if len(seconds) else float("nan")
    if pd.isna(median) or median < 90 * 60:
        return "minutes"
    if median < 48 * 3600:
        return "hours"
    return "days"


def format_duration(seconds: float | None, unit: str = "auto") -> str:
    """Format a duration in seconds in a human unit, e.g. ``"12.5 min"``; missing values as "—".

    Examples
    --------
    >>> format_duration(750.0)
    '12.5 min'
    >>> format_duration(11520.0)
    '3.2 h'
    >>> format_duration(None)
    '—'
    """
    if seconds is None or pd.isna(seconds):
        return "—"
    if unit == "auto":
        # Seconds read better than "0.3 min" for very short waits.
        unit = "seconds" if seconds < 60 else choose_unit(pd.Series([float(seconds)]))
    per, short = UNITS[unit]
    return f"{seconds / per:,.1f} {short}"


def format_estimate(seconds: float | None, count: int | None, unit: str = "auto") -> str:
    """Format a Kaplan–Meier quantile: "not reached" when missing over ``count`` > 0 rows.

    A missing quantile of a group with rows is one the estimate never drops to (too many of
    them still open), which must never read as a number; with no rows it is "—".

    Examples
    --------
    >>> format_estimate(750.0, 10), format_estimate(None, 10), format_estimate(None, 0)
    ('12.5 min', 'not reached', '—')
    """
    if seconds is not None and not pd.isna(seconds):
        return format_duration(seconds, unit)
    return NOT_REACHED if count else "—"


def format_target(seconds: float) -> str:
    """A target in its roundest unit: ``"1 h"``, ``"30 min"``, ``"2 d"``, ``"90 s"``.

    Examples
    --------
    >>> [format_target(s) for s in (3600.0, 86400.0, 5400.0, 172800.0, 45.0)]
    ['1 h', '24 h', '90 min', '2 d', '45 s']
    """
    if seconds >= 2 * 86400 and seconds % 86400 == 0:
        return f"{seconds / 86400:g} d"
    for per, short in ((3600, "h"), (60, "min")):
        if seconds >= per and seconds % per == 0:
            return f"{seconds / per:g} {short}"
    return f"{seconds:g} s"


def format_percent(rate: float | None, *, spaced: bool = True) -> str:
    """Format a rate in ``[0, 1]`` as a percentage, e.g. ``"8.1 %"``; missing values as "—".

    ``spaced=False`` writes ``"8.1%"``, for columns of text split on white space.

    Examples
    --------
    >>> format_percent(0.0812), format_percent(0.06, spaced=False)
    ('8.1 %', '6.0%')
    """
    if rate is None or pd.isna(rate):
        return "—"
    return f"{rate * 100:.1f}{' ' if spaced else ''}%"


def format_count(value: float | None, noun: str | None = None) -> str:
    """Format a count with thousands separators; missing values as "—".

    With ``noun``, the count is followed by the noun, given in the singular and made plural
    with an "s" unless the count is 1.

    Examples
    --------
    >>> format_count(12345), format_count(1, "conversation"), format_count(2_000, "event")
    ('12,345', '1 conversation', '2,000 events')
    """
    if value is None or pd.isna(value):
        return "—" if noun is None else f"— {noun}s"
    text = f"{int(value):,}"
    if noun is None:
        return text
    return f"{text} {noun}" if int(value) == 1 else f"{text} {noun}s"


def format_number(value: float | None) -> str:
    """An amount with thousands separators and one decimal, e.g. ``"1,467.0"``; "—" if missing.

    Examples
    --------
    >>> format_number(1467.04), format_number(None)
    ('1,467.0', '—')
    """
    if value is None or pd.isna(value):
        return "—"
    return f"{value:,.1f}"
