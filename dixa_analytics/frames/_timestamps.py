"""Timestamps in every form the APIs write them → UTC nanoseconds.

ISO-8601 text with ``Z`` or an offset, the documented colon-milliseconds form
(``2015-11-30T00:00:00:000Z``), text without an offset (taken as UTC), and epoch milliseconds
(the Exports API's unit). Times a nanosecond timestamp cannot hold (before 1677 or after 2262)
are unreadable, like any other bad value.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dixa_analytics.frames._text import arrow_strings, objects

__all__ = ["parse_iso", "utc_array"]

# A seconds field before the milliseconds is followed by ':' in the documented examples
# ("2015-11-30T00:00:00:000Z"); it must be '.' for an ISO-8601 parser.
_COLON_MILLIS = r"(T\d{2}:\d{2}:\d{2}):(\d+)"
# Real data of the Dixa API writes the zone's name after the offset ("...581Z[GMT]", as Java's
# zoned date-times do); the offset says the instant, so the name is dropped.
_ZONE_NAME = r"\[[^\]]*\]\s*$"
_NAT = np.iinfo(np.int64).min
_MIN_TIME, _MAX_TIME = pd.Timestamp.min.tz_localize("UTC"), pd.Timestamp.max.tz_localize("UTC")
# Epoch milliseconds and microseconds a nanosecond timestamp holds (years 1677 to 2262).
_MAX_MILLIS = np.iinfo(np.int64).max // 1_000_000
_MAX_MICROS = np.iinfo(np.int64).max // 1_000
_MIN_MICROS = -_MAX_MICROS


def utc_array(values: Sequence[Any] | np.ndarray) -> tuple[pd.DatetimeIndex, np.ndarray]:
    """Parse ISO strings (any documented form) and epoch milliseconds; return (UTC, bad mask).

    ``bad`` marks values that were present but could not be read as a time.
    """
    values = objects(values)
    arrow = arrow_strings(values)
    if arrow is not None:
        parsed = parse_iso(arrow)
    else:
        numeric = np.fromiter(
            (isinstance(v, int | float) and not isinstance(v, bool) for v in values),
            dtype=bool,
            count=len(values),
        )
        texts = [v if isinstance(v, str) else None for v in values]
        parsed = parse_iso(pa.array(texts, type=pa.large_string()))
        if numeric.any():
            millis = pd.to_numeric(pd.Series(np.where(numeric, values, np.nan)), errors="coerce")
            # Beyond what a nanosecond timestamp holds: unreadable, like any other bad value.
            millis = millis.where(millis.abs() < _MAX_MILLIS)
            from_millis = pd.to_datetime(millis, unit="ms", utc=True).dt.as_unit("ns")
            parsed = parsed.where(~numeric, pd.DatetimeIndex(from_millis))
    present = ~pd.isna(values)
    bad = present & np.asarray(parsed.isna())
    return parsed, bad


def parse_iso(arrow: pa.Array) -> pd.DatetimeIndex:
    """ISO-8601 text → UTC times; NaT where a value is null or cannot be read.

    Arrow's cast reads ``Z`` and ``±HH:MM`` offsets at C speed; the colon-milliseconds form and
    a zone name after the offset (``2021-12-01T12:46:36.581Z[GMT]``) are rewritten first, and
    anything Arrow refuses (no offset, other layouts, nanosecond digits) goes to pandas. Times
    a nanosecond timestamp cannot hold (before 1677 or after 2262) are unreadable too.

    Examples
    --------
    >>> stamps = parse_iso(pa.array(["2021-12-01T12:46:36.581Z[GMT]", "2015-11-30T00:00:00:250Z"]))
    >>> [str(t) for t in stamps]
    ['2021-12-01 12:46:36.581000+00:00', '2015-11-30 00:00:00.250000+00:00']
    """
    fixed = None
    for attempt in range(2):
        if attempt:
            fixed = pc.replace_substring_regex(arrow, pattern=_COLON_MILLIS, replacement=r"\1.\2")
            fixed = pc.replace_substring_regex(fixed, pattern=_ZONE_NAME, replacement="")
        try:
            # Parsed to microseconds, whose range no year overflows: some pyarrow versions
            # wrap an out-of-range year silently when parsing straight to nanoseconds.
            stamps = (arrow if fixed is None else fixed).cast(pa.timestamp("us", tz="UTC"))
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            continue
        micros = stamps.cast(pa.int64()).fill_null(_NAT).to_numpy(zero_copy_only=False)
        fits = (micros >= _MIN_MICROS) & (micros <= _MAX_MICROS)  # null (_NAT) is below
        nanos = np.where(fits, micros, 0) * 1000
        nanos[~fits] = _NAT
        return pd.DatetimeIndex(nanos.view("datetime64[ns]")).tz_localize("UTC")
    texts = fixed.to_numpy(zero_copy_only=False)
    parsed = pd.DatetimeIndex(pd.to_datetime(texts, utc=True, format="ISO8601", errors="coerce"))
    # pandas 3 may keep a coarser unit for dates a nanosecond timestamp cannot hold.
    parsed = parsed.where((parsed >= _MIN_TIME) & (parsed <= _MAX_TIME))
    return parsed.as_unit("ns")
