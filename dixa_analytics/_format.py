"""Numbers for people: durations in one human unit, counts, percentages, missing groups.

Duration metrics come in seconds; figures, the report, the command line and
:func:`humanize` (summaries in notebooks) show them in one unit per axis or column, chosen
from the median (``unit="auto"``), so a first response reads "4.2 min" and a resolution
"3.1 h". Shared by :mod:`dixa_analytics.plots`, :mod:`dixa_analytics.report` and
:mod:`dixa_analytics.cli`, so a number reads the same wherever it is shown. Data written for
programs (CSV, JSON, the frames themselves) keeps exact seconds.
"""

from __future__ import annotations

import math

import pandas as pd

__all__ = [
    "ESTIMATE_COLUMNS",
    "MISSING_LABEL",
    "NOT_REACHED",
    "SECONDS_WITHOUT_SUFFIX",
    "UNITS",
    "choose_unit",
    "duration_header",
    "format_count",
    "format_duration",
    "format_estimate",
    "format_number",
    "format_percent",
    "format_significant",
    "format_target",
    "humanize",
    "is_duration",
    "is_fraction",
    "seconds_headers",
    "spoken_duration",
    "unit_for",
    "unit_name",
]

# unit name -> (seconds per unit, short label)
UNITS: dict[str, tuple[float, str]] = {
    "seconds": (1.0, "s"),
    "minutes": (60.0, "min"),
    "hours": (3600.0, "h"),
    "days": (86400.0, "d"),
}

# The short names (the command line's ``--unit``) of the units above.
_SHORT_NAMES = {short: name for name, (_, short) in UNITS.items()}

# The Kaplan–Meier columns of ``summarize_durations``: NaN there with rows in the group is an
# estimate the curve never drops to ("not reached"), not a missing number.
ESTIMATE_COLUMNS = ("median_seconds", "median_ci_low", "median_ci_high", "p90_seconds")

# Duration columns whose public names (fixed in DESIGN.md) lack the ``_seconds`` suffix, with
# the header that says their unit where exact seconds are written out (CSV, JSON).
SECONDS_WITHOUT_SUFFIX = {
    "median_ci_low": "median_ci_low_seconds",
    "median_ci_high": "median_ci_high_seconds",
}

# Shown for a missing group value in figures, the report's tables and the command line's
# tables: a conversation with no queue (an agent started it, or it was never routed to one),
# a rating that names no agent. CSV and JSON leave the cell empty (null).
MISSING_LABEL = "(not set)"

# Shown for a Kaplan–Meier quantile the estimate never drops to: too many still open.
NOT_REACHED = "not reached"


def unit_name(unit: str) -> str:
    """Return the name of a display unit given by name or short name (``"h"`` → ``"hours"``).

    Raises
    ------
    ValueError
        If ``unit`` is neither, naming the units there are.

    Examples
    --------
    >>> unit_name("h"), unit_name("minutes")
    ('hours', 'minutes')
    """
    if unit in UNITS:
        return unit
    if unit in _SHORT_NAMES:
        return _SHORT_NAMES[unit]
    known = ", ".join(f"{short!r} ({name})" for short, name in _SHORT_NAMES.items())
    raise ValueError(f"unit must be 'auto' or one of {known}, not {unit!r}")


def choose_unit(seconds: pd.Series, unit: str = "auto") -> str:
    """Return the display unit for ``seconds``: ``unit`` itself, or one picked from the median.

    ``unit`` is ``"auto"``, a unit's name (``"hours"``) or its short name (``"h"``); the
    answer is always the name. Automatic: minutes below a median of 90 min, hours below
    48 h, days from there.

    Examples
    --------
    >>> choose_unit(pd.Series([300.0, 900.0]))
    'minutes'
    >>> choose_unit(pd.Series([7200.0, 36000.0]))
    'hours'
    >>> choose_unit(pd.Series([60.0]), "d")
    'days'
    """
    if unit != "auto":
        return unit_name(unit)
    median = seconds.dropna().median() if len(seconds) else float("nan")
    return unit_for(median)


def unit_for(seconds: float) -> str:
    """The unit a typical duration of ``seconds`` reads best in: minutes below 90 min (and
    for a missing value), hours below 48 h, days from there.

    Examples
    --------
    >>> unit_for(1200.0), unit_for(7200.0), unit_for(3 * 86400.0), unit_for(float("nan"))
    ('minutes', 'hours', 'days', 'minutes')
    """
    if pd.isna(seconds) or seconds < 90 * 60:
        return "minutes"
    return "hours" if seconds < 48 * 3600 else "days"


def format_duration(seconds: float | None, unit: str = "auto") -> str:
    """Format a duration in seconds in a human unit, e.g. ``"12.5 min"``; missing values as "—".

    With one decimal; a positive duration too short to show so in ``unit`` reads ``"<0.1"``
    rather than as zero.

    Examples
    --------
    >>> format_duration(750.0)
    '12.5 min'
    >>> format_duration(11520.0)
    '3.2 h'
    >>> format_duration(None)
    '—'
    >>> format_duration(90.0, "h"), format_duration(0.0, "h")
    ('<0.1 h', '0.0 h')
    """
    if seconds is None or pd.isna(seconds):
        return "—"
    if unit == "auto":
        # Seconds read better than "0.3 min" for very short waits.
        unit = "seconds" if seconds < 60 else choose_unit(pd.Series([float(seconds)]))
    per, short = UNITS[unit_name(unit)]
    value = seconds / per
    if 0 < value < 0.05:
        return f"<0.1 {short}"
    return f"{value:,.1f} {short}"


def format_significant(value: float, digits: int = 3) -> str:
    """A positive amount with ``digits`` significant digits, never in scientific notation.

    For bin edges and axis values that span decades: Python's ``g`` format would write
    1,000 as ``1e+03``.

    Examples
    --------
    >>> [format_significant(v) for v in (1000.0, 1467.8, 21.54, 0.02154)]
    ['1,000', '1,468', '21.5', '0.0215']
    """
    if value == 0 or not math.isfinite(value):
        return f"{value:,.0f}"
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(value))))
    return f"{value:,.{decimals}f}"


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


def is_duration(column: object) -> bool:
    """Whether a metric frame's column holds seconds: a ``*_seconds`` column, or a median's
    interval end (:data:`SECONDS_WITHOUT_SUFFIX`).

    Examples
    --------
    >>> [is_duration(c) for c in ("p90_seconds", "median_ci_low", "count")]
    [True, True, False]
    """
    return isinstance(column, str) and (
        column.endswith("_seconds") or column in SECONDS_WITHOUT_SUFFIX
    )


def is_fraction(column: object) -> bool:
    """Whether a metric frame's column holds a fraction (a rate, a share, SLA attainment),
    shown as a percentage.

    Examples
    --------
    >>> [is_fraction(c) for c in ("reopen_rate", "share", "attainment", "closed")]
    [True, True, True, False]
    """
    return isinstance(column, str) and (
        column.endswith(("_rate", "_share")) or column in ("share", "attainment")
    )


def duration_header(column: str, unit: str) -> str:
    """The header of a duration column shown in ``unit``: ``median_seconds`` → ``median (h)``.

    Examples
    --------
    >>> duration_header("median_seconds", "hours"), duration_header("median_ci_low", "min")
    ('median (h)', 'median_ci_low (min)')
    """
    return f"{column.removesuffix('_seconds')} ({UNITS[unit_name(unit)][1]})"


def seconds_headers(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every duration column named as holding seconds, for CSV and JSON.

    Only the median's interval (``median_ci_low``, ``median_ci_high``) lacks the suffix; the
    frame's own column names are a public contract and stay as they are.

    Examples
    --------
    >>> list(seconds_headers(pd.DataFrame(columns=["median_seconds", "median_ci_low"])))
    ['median_seconds', 'median_ci_low_seconds']
    """
    return frame.rename(columns=SECONDS_WITHOUT_SUFFIX)


def _column_units(frame: pd.DataFrame, unit: str | None) -> dict[str, str]:
    """The display unit of each duration column: ``unit`` for all, or each column's own.

    A median's interval is shown in the median's unit, so that its three numbers compare.
    """
    durations = [c for c in frame.columns if is_duration(c)]
    if unit is not None and unit != "auto":
        fixed = unit_name(unit)
        return {column: fixed for column in durations}
    units = {column: choose_unit(pd.to_numeric(frame[column])) for column in durations}
    if "median_seconds" in units:
        for column in SECONDS_WITHOUT_SUFFIX:
            if column in units:
                units[column] = units["median_seconds"]
    return units


def _is_count(frame: pd.DataFrame, column: object) -> bool:
    """Integer columns other than identifiers are counts."""
    dtype = frame[column].dtype
    named_id = isinstance(column, str) and (column == "id" or column.endswith("_id"))
    return pd.api.types.is_integer_dtype(dtype) and not named_id


def humanize(frame: pd.DataFrame, *, unit: str | None = None) -> pd.DataFrame:
    """A copy of a metric frame to read, not to compute with: durations in human units.

    Summaries (:func:`dixa_analytics.summarize_durations`), SLA attainment, rates and metric
    results hold exact seconds and fractions, which read badly (``median_seconds
    11296.08``). This returns a display copy in which every duration column shows one unit,
    named in its header (``median (h)`` holding ``3.1 h``), counts have thousands
    separators, rates and shares are percentages and missing groups read "(not set)". Show it
    in a notebook or print it; keep computing with ``frame``.

    Parameters
    ----------
    frame : pandas.DataFrame
        A metric frame. Duration columns are those named ``*_seconds`` and the median's
        interval ``median_ci_low`` / ``median_ci_high``.
    unit : {None, "s", "min", "h", "d"}, optional
        The unit of every duration column (long names such as ``"hours"`` work too).
        Default: each column its own, from its median (minutes below 90 min, hours below
        48 h, else days); the median's interval follows the median's unit.

    Returns
    -------
    pandas.DataFrame
        Same rows, index and column order; duration columns renamed ``<name> (<unit>)``
        (``_seconds`` dropped), every formatted column holding text. A Kaplan–Meier estimate
        that is NaN in a group with rows reads "not reached"; other missing numbers "—".
        Periods become text; identifiers (``*_id``), booleans and timestamps are left as
        they are.

    Raises
    ------
    TypeError
        If ``frame`` is not a DataFrame.
    ValueError
        If ``unit`` is not a known unit.

    Examples
    --------
    >>> summary = pd.DataFrame({
    ...     "queue_name": ["Billing", None], "count": [1834, 12], "censored": [12, 9],
    ...     "median_seconds": [11160.0, float("nan")], "p90_seconds": [216000.0, float("nan")],
    ... })
    >>> humanize(summary)
      queue_name  count censored   median (h)      p90 (d)
    0    Billing  1,834       12        3.1 h        2.5 d
    1  (not set)     12        9  not reached  not reached
    >>> list(humanize(summary, unit="min"))
    ['queue_name', 'count', 'censored', 'median (min)', 'p90 (min)']
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"frame must be a pandas DataFrame, not {type(frame).__name__}")
    units = _column_units(frame, unit)
    counts = pd.to_numeric(frame["count"]) if "count" in frame.columns else None
    out = frame.copy()
    for column in frame.columns:
        values = frame[column]
        if column in units:
            out[column] = _durations(values, units[column], counts, column)
        elif is_fraction(column) and pd.api.types.is_numeric_dtype(values.dtype):
            out[column] = [format_percent(v, spaced=False) for v in values]
        elif _is_count(frame, column):
            out[column] = [format_count(v) for v in values]
        elif pd.api.types.is_float_dtype(values.dtype):
            out[column] = [format_number(v) for v in values]
        elif isinstance(values.dtype, pd.PeriodDtype):
            out[column] = values.astype(str)
        elif pd.api.types.is_object_dtype(values.dtype) or isinstance(
            values.dtype, pd.StringDtype | pd.CategoricalDtype
        ):
            out[column] = values.astype(object).where(values.notna(), MISSING_LABEL)
    return out.rename(columns={c: duration_header(c, u) for c, u in units.items()})


def _durations(values: pd.Series, unit: str, counts: pd.Series | None, column: str) -> list[str]:
    """A duration column as text in ``unit``; estimates not reached read so."""
    seconds = pd.to_numeric(values).astype("float64")
    if counts is None or column not in ESTIMATE_COLUMNS:
        return [format_duration(v, unit) for v in seconds]
    return [
        format_estimate(v, None if pd.isna(n) else int(n), unit)
        for v, n in zip(seconds, counts, strict=True)
    ]


def spoken_duration(seconds: float) -> str:
    """How long something will take, for people: ``45 s``, ``12 min``, ``2 h 33 min``.

    Examples
    --------
    >>> spoken_duration(45), spoken_duration(720), spoken_duration(9180)
    ('45 s', '12 min', '2 h 33 min')
    """
    if seconds < 60:
        return f"{math.ceil(seconds)} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60} min"
