"""Coercion of user-supplied dates and windows, in one place.

Every public function that takes ``start``/``end`` goes through :func:`to_utc` and
:func:`date_window`: ISO strings, dates, datetimes and Timestamps become tz-aware UTC
Timestamps, naive values are taken as UTC, and a window is half-open ``[start, end)``. Epoch
milliseconds are only an output (:func:`to_epoch_ms`, for the Exports API).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pandas as pd
from pandas.errors import OutOfBoundsDatetime

__all__ = ["DateLike", "date_window", "split_window", "to_epoch_ms", "to_utc"]

DateLike = str | dt.date | dt.datetime | pd.Timestamp

MAX_EXPORT_WINDOW = pd.Timedelta(days=31)
# A full ISO date, then the end of the text or a time.
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:$|[T ])")
# The instants a nanosecond timestamp holds, which is what every frame stores.
_EARLIEST = pd.Timestamp.min.ceil("D").tz_localize("UTC")
_LATEST = pd.Timestamp.max.floor("D").tz_localize("UTC")


def to_utc(value: DateLike, *, name: str = "date") -> pd.Timestamp:
    """Return ``value`` as a tz-aware UTC :class:`pandas.Timestamp`.

    Parameters
    ----------
    value : str, datetime.date, datetime.datetime or pandas.Timestamp
        An ISO-8601 string starting with a full date (``"2026-03-01"``,
        ``"2026-03-01T08:00:00+01:00"``), a date (midnight UTC), or a datetime. Naive values are
        taken as UTC; aware ones are converted. Other layouts (``"01/03/2026"``) are refused:
        day and month could be read either way. Dates must lie between 1677-09-22 and
        2262-04-11, the range of the frames' nanosecond timestamps.
    name : str
        The argument's name, used in error messages.

    Returns
    -------
    pandas.Timestamp
        Aware, in UTC.

    Raises
    ------
    TypeError
        If ``value`` is not one of the accepted types.
    ValueError
        If a string is not an ISO-8601 date, or the date is out of range.

    Examples
    --------
    >>> to_utc("2026-03-01")
    Timestamp('2026-03-01 00:00:00+0000', tz='UTC')
    >>> to_utc("2026-03-01T01:30:00+01:00")
    Timestamp('2026-03-01 00:30:00+0000', tz='UTC')
    >>> to_utc("01/03/2026", name="start")
    Traceback (most recent call last):
    ...
    ValueError: start='01/03/2026' is not an ISO date; pass e.g. '2026-03-01' or ...
    """
    if isinstance(value, bool) or not isinstance(value, str | dt.date | dt.datetime | pd.Timestamp):
        raise TypeError(
            f"{name} must be a date string like '2026-03-01', a datetime.date/datetime "
            f"or a pandas.Timestamp, not {type(value).__name__}"
        )
    try:
        ts = _parse_iso(value, name) if isinstance(value, str) else pd.Timestamp(value)
    except OutOfBoundsDatetime:
        raise _out_of_range(name, value) from None
    if ts is pd.NaT:
        raise ValueError(f"{name} must be a real date, not NaT")
    ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
    if not _EARLIEST <= ts <= _LATEST:
        raise _out_of_range(name, value)
    return ts


def _out_of_range(name: str, value: DateLike) -> ValueError:
    """The error for a date the frames' nanosecond timestamps cannot hold."""
    return ValueError(
        f"{name}={value!r} is outside the dates pandas timestamps hold "
        f"({_EARLIEST.date()} to {_LATEST.date()})"
    )


def _parse_iso(text: str, name: str) -> pd.Timestamp:
    """Parse ``YYYY-MM-DD``, optionally with a time; refuse any other layout.

    A general parser reads 01/03/2026 month first but 13/03/2026 day first, and pandas' ISO
    parser also takes words such as "now"; so the text must start with a full ISO date.
    """
    stripped = text.strip()
    if _ISO_DATE.match(stripped):
        try:
            return pd.Timestamp(pd.to_datetime(stripped, format="ISO8601"))
        except OutOfBoundsDatetime:
            raise
        except (ValueError, TypeError):
            pass  # reported below, like any other text that is not an ISO date
    raise ValueError(
        f"{name}={text!r} is not an ISO date; pass e.g. '2026-03-01' or '2026-03-01T08:00:00Z'"
    )


def date_window(start: DateLike, end: DateLike) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Validate and normalise a half-open window ``[start, end)``.

    Parameters
    ----------
    start, end : str, date, datetime or Timestamp
        Window bounds (see :func:`to_utc`). ``end`` is excluded.

    Returns
    -------
    tuple of pandas.Timestamp
        ``(start, end)`` in UTC.

    Raises
    ------
    ValueError
        If ``end`` is not after ``start``.

    Examples
    --------
    >>> lo, hi = date_window("2026-03-01", "2026-04-01")
    >>> lo, hi - lo
    (Timestamp('2026-03-01 00:00:00+0000', tz='UTC'), Timedelta('31 days 00:00:00'))
    """
    lo, hi = to_utc(start, name="start"), to_utc(end, name="end")
    if hi <= lo:
        raise ValueError(
            f"end ({hi.isoformat()}) must be after start ({lo.isoformat()}); the window is "
            f"[start, end), so swap them or widen it"
        )
    return lo, hi


def split_window(
    start: pd.Timestamp, end: pd.Timestamp, *, max_span: pd.Timedelta = MAX_EXPORT_WINDOW
) -> Iterator[tuple[pd.Timestamp, pd.Timestamp]]:
    """Cut ``[start, end)`` into consecutive half-open pieces no longer than ``max_span``.

    The Exports API refuses windows over 31 days, so long ranges are fetched piece by piece.

    Examples
    --------
    >>> lo, hi = date_window("2026-01-01", "2026-03-15")
    >>> [(a.date().isoformat(), b.date().isoformat()) for a, b in split_window(lo, hi)]
    [('2026-01-01', '2026-02-01'), ('2026-02-01', '2026-03-04'), ('2026-03-04', '2026-03-15')]
    """
    cursor = start
    while cursor < end:
        nxt = min(cursor + max_span, end)
        yield cursor, nxt
        cursor = nxt


def to_epoch_ms(ts: pd.Timestamp) -> int:
    """Return a UTC timestamp as integer Unix epoch milliseconds (the Exports API's unit).

    Examples
    --------
    >>> to_epoch_ms(to_utc("2020-09-14T12:41:44.703Z"))
    1600087304703
    """
    return int(ts.value // 1_000_000)
