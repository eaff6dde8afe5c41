"""Business hours: a weekly schedule of open hours in a time zone, with closed holidays.

Durations in business hours count only the seconds the schedule is open. They come from one
cumulative function, the open seconds from a fixed origin up to an instant, evaluated at both
ends of every span with :func:`numpy.searchsorted` over the open intervals of the days the
spans cover; no loop runs per conversation.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import zoneinfo
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["BusinessHours", "elapsed_seconds"]

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FULL_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_INTERVAL = re.compile(r"^\s*(\d{2}):(\d{2})\s*-\s*(\d{2}):(\d{2})\s*$")
_DAY_MINUTES = 24 * 60
_NS_PER_MINUTE = 60 * 10**9

Interval = tuple[int, int]  # minutes since local midnight, [start, end)


def _day_index(name: str) -> int:
    key = name.strip().lower()
    for names in (_DAYS, _FULL_DAYS):
        if key in names:
            return names.index(key)
    raise ValueError(
        f"unknown day {name.strip()!r} in business hours; use mon, tue, wed, thu, fri, sat, sun "
        "or a range such as 'mon-fri'"
    )


def _days(spec: str) -> list[int]:
    """Weekday numbers (Monday 0) of ``"mon"`` or ``"mon-fri"`` (``"fri-mon"`` wraps)."""
    if not isinstance(spec, str):
        raise ValueError(f"business hours' days must be text such as 'mon-fri', not {spec!r}")
    first, sep, last = spec.partition("-")
    if not sep:
        return [_day_index(first)]
    start, stop = _day_index(first), _day_index(last)
    return [(start + i) % 7 for i in range((stop - start) % 7 + 1)]


def _minutes(hours: str, minutes: str, text: str, *, end: bool) -> int:
    h, m = int(hours), int(minutes)
    if m > 59 or h > 24 or (h == 24 and (m or not end)):
        raise ValueError(
            f"open hours {text!r}: {hours}:{minutes} is not a time of day (00:00 to 23:59; "
            "24:00 may end an interval)"
        )
    return h * 60 + m


def _interval(text: object) -> Interval:
    if not isinstance(text, str) or not (match := _INTERVAL.match(text)):
        raise ValueError(
            f"open hours {text!r} are not 'HH:MM-HH:MM' (e.g. '09:00-17:00'; a day may take a "
            "list of intervals)"
        )
    start = _minutes(match[1], match[2], text, end=False)
    stop = _minutes(match[3], match[4], text, end=True)
    if stop <= start:
        raise ValueError(
            f"open hours {text!r} end before they start; hours across midnight are two "
            "intervals, e.g. 'mon': '22:00-24:00' and 'tue': '00:00-06:00'"
        )
    return start, stop


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _zone(tz: object) -> zoneinfo.ZoneInfo:
    if isinstance(tz, zoneinfo.ZoneInfo):
        return tz
    if not isinstance(tz, str) or not tz.strip():
        raise ValueError(
            f"tz must be an IANA time zone name such as 'Europe/Copenhagen', not {tz!r}"
        )
    try:
        return zoneinfo.ZoneInfo(tz.strip())
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(
            f"unknown time zone {tz!r}; use an IANA name such as 'Europe/Copenhagen' or 'UTC'"
        ) from exc


def _holiday(value: object) -> dt.date:
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        if value.time() != dt.time(0):
            raise ValueError(
                f"holiday {value!r} has a time of day; give a date such as '2026-12-25'"
            )
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise ValueError(f"holiday {value!r} is not a date such as '2026-12-25'") from exc


class BusinessHours:
    """Open hours per weekday in a time zone, closed on holidays.

    Parameters
    ----------
    weekly : mapping
        Day (``"mon"`` … ``"sun"``, or the full name) or range of days (``"mon-fri"``;
        ``"fri-mon"`` wraps over the weekend), case-insensitive, to one ``"HH:MM-HH:MM"``
        interval or a list of them. Days not named are closed. An interval may end at
        ``"24:00"``; hours across midnight are two intervals, one on each day.
    tz : str
        IANA time zone (``"Europe/Copenhagen"``). Open hours are local wall-clock times, so
        they follow daylight saving time: on the day clocks go forward, an interval edge in
        the skipped hour moves to its end; on the day they go back, an interval starting in
        the repeated hour starts at its first pass and one ending in it ends at its second.
    holidays : iterable of date or str, optional
        Local dates closed all day (``"2026-12-25"``); None for none.

    Raises
    ------
    ValueError
        For an unknown day, a malformed or inverted interval (``"8-5"``,
        ``"17:00-08:00"``), intervals of one day that overlap, a schedule with no open hours,
        an unknown time zone or a holiday that is not a date.

    Examples
    --------
    >>> hours = BusinessHours({"mon-fri": "09:00-17:00", "sat": ["10:00-12:00"]},
    ...                       tz="Europe/Copenhagen", holidays=["2026-12-25"])
    >>> hours  # doctest: +NORMALIZE_WHITESPACE
    BusinessHours({'mon-fri': '09:00-17:00', 'sat': '10:00-12:00'}, tz='Europe/Copenhagen',
                  holidays=['2026-12-25'])
    >>> # Friday 16:00 to Monday 10:30 in Copenhagen: 1 h + 2 h on Saturday + 1.5 h
    >>> hours.open_seconds("2026-03-06 15:00", "2026-03-09 09:30").tolist()  # times in UTC
    [16200.0]
    """

    def __init__(
        self,
        weekly: Mapping[str, str | Sequence[str]],
        *,
        tz: str,
        holidays: Iterable[dt.date | str] | None = (),
    ) -> None:
        if not isinstance(weekly, Mapping):
            raise ValueError(
                "weekly must map days to open hours, e.g. {'mon-fri': '09:00-17:00'}, "
                f"not {type(weekly).__name__}"
            )
        week: list[list[Interval]] = [[] for _ in _DAYS]
        for days, hours in weekly.items():
            intervals = list(hours) if isinstance(hours, (list, tuple)) else [hours]
            for day in _days(days):
                week[day].extend(_interval(text) for text in intervals)
        for day, intervals in enumerate(week):
            intervals.sort()
            for (_, stop), (start, _) in itertools.pairwise(intervals):
                if start < stop:
                    raise ValueError(
                        f"open hours of {_DAYS[day]} overlap ({_clock(start)} starts before "
                        f"{_clock(stop)}); give each moment once"
                    )
        if not any(week):
            raise ValueError("business hours have no open hours; name at least one day")
        self._week: tuple[tuple[Interval, ...], ...] = tuple(tuple(i) for i in week)
        self._zone = _zone(tz)
        if holidays is None:  # e.g. "holidays": null in a config file
            holidays = ()
        elif isinstance(holidays, (str, dt.date)):
            holidays = [holidays]
        self._holidays: tuple[dt.date, ...] = tuple(sorted({_holiday(h) for h in holidays}))

    @property
    def tz(self) -> str:
        """The IANA name of the time zone."""
        return self._zone.key

    @property
    def holidays(self) -> tuple[dt.date, ...]:
        """The closed dates, sorted."""
        return self._holidays

    def weekly(self) -> dict[str, list[str]]:
        """The open hours, consecutive days with the same hours written as one range.

        Examples
        --------
        >>> BusinessHours({"Mon": "09:00-12:00", "tue-fri": "09:00-12:00"}, tz="UTC").weekly()
        {'mon-fri': ['09:00-12:00']}
        """
        out: dict[str, list[str]] = {}
        day = 0
        while day < 7:
            last = day
            while last + 1 < 7 and self._week[last + 1] == self._week[day]:
                last += 1
            if self._week[day]:
                key = _DAYS[day] if last == day else f"{_DAYS[day]}-{_DAYS[last]}"
                out[key] = [f"{_clock(a)}-{_clock(b)}" for a, b in self._week[day]]
            day = last + 1
        return out

    def to_dict(self) -> dict[str, Any]:
        """The schedule as plain data for a JSON config file (:meth:`from_dict` reads it back).

        Examples
        --------
        >>> BusinessHours({"mon-fri": "08:00-16:00"}, tz="UTC").to_dict()
        {'weekly': {'mon-fri': ['08:00-16:00']}, 'tz': 'UTC', 'holidays': []}
        """
        return {
            "weekly": self.weekly(),
            "tz": self.tz,
            "holidays": [d.isoformat() for d in self._holidays],
        }

    @classmethod
    def from_dict(cls, config: Mapping[str, Any]) -> BusinessHours:
        """A schedule from ``{"weekly": {...}, "tz": "...", "holidays": [...]}``.

        Raises
        ------
        ValueError
            If ``weekly`` or ``tz`` is missing, or a key is unknown (a typo would otherwise
            drop holidays silently).

        Examples
        --------
        >>> config = {"weekly": {"mon-fri": "09:00-17:00"}, "tz": "Europe/London"}
        >>> BusinessHours.from_dict(config).to_dict()["weekly"]
        {'mon-fri': ['09:00-17:00']}
        """
        if not isinstance(config, Mapping):
            raise ValueError(
                "business hours config must be an object with 'weekly', 'tz' and optionally "
                f"'holidays', not {type(config).__name__}"
            )
        unknown = sorted(set(config) - {"weekly", "tz", "holidays"})
        missing = [key for key in ("weekly", "tz") if key not in config]
        if unknown or missing:
            problems = [f"unknown key(s) {unknown}"] if unknown else []
            problems += [f"missing {missing}"] if missing else []
            raise ValueError(
                f"business hours config: {'; '.join(problems)}; it takes 'weekly', 'tz' and "
                "optionally 'holidays'"
            )
        return cls(config["weekly"], tz=config["tz"], holidays=config.get("holidays", ()))

    def __repr__(self) -> str:
        weekly = {k: v[0] if len(v) == 1 else v for k, v in self.weekly().items()}
        holidays = [d.isoformat() for d in self._holidays]
        extra = f", holidays={holidays}" if holidays else ""
        return f"BusinessHours({weekly}, tz={self.tz!r}{extra})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, BusinessHours):
            return NotImplemented
        return self.to_dict() == other.to_dict()

    def __hash__(self) -> int:
        return hash((self._week, self.tz, self._holidays))

    def open_seconds(self, start: Any, end: Any) -> np.ndarray:
        """Open seconds between each ``start`` and ``end`` (negative when end comes first).

        Parameters
        ----------
        start, end : timestamps or array-likes of them
            Naive values are taken as UTC.

        Examples
        --------
        >>> hours = BusinessHours({"mon-fri": "09:00-17:00"}, tz="UTC")
        >>> hours.open_seconds(["2026-03-02 08:00", "2026-03-02 16:00"],
        ...                    ["2026-03-02 10:00", "2026-03-03 10:00"]).tolist()
        [3600.0, 7200.0]
        """
        a, b = _utc_ns(start), _utc_ns(end)
        return elapsed_seconds(a, b, self)

    def cumulative_ns(self, *instants: np.ndarray) -> tuple[np.ndarray, ...]:
        """Open nanoseconds from a common origin up to each instant (UTC int64 ns).

        The difference of two values is the open time between the instants; the origin lies
        before every instant given in one call, so only values of one call compare.
        """
        values = [np.asarray(i, dtype=np.int64) for i in instants]
        present = [v for v in values if len(v)]
        if not present:
            return tuple(np.zeros(len(v), dtype=np.int64) for v in values)
        starts, stops = self._intervals(
            min(int(v.min()) for v in present), max(int(v.max()) for v in present)
        )
        lengths = stops - starts
        before = np.concatenate([[0], np.cumsum(lengths)])
        out = []
        for v in values:
            i = np.searchsorted(starts, v, side="right") - 1
            inside = np.clip(v - starts[np.maximum(i, 0)], 0, lengths[np.maximum(i, 0)])
            out.append(np.where(i >= 0, before[np.maximum(i, 0)] + inside, 0))
        return tuple(out)

    def _intervals(self, lo_ns: int, hi_ns: int) -> tuple[np.ndarray, np.ndarray]:
        """Open intervals (UTC ns, sorted) of every local day from ``lo_ns`` to ``hi_ns``."""
        first = pd.Timestamp(lo_ns, tz="UTC").tz_convert(self._zone).date()
        last = pd.Timestamp(hi_ns, tz="UTC").tz_convert(self._zone).date()
        # A day either side: a local day's hours may start or end in the next UTC day.
        days = pd.date_range(
            first - dt.timedelta(days=1), last + dt.timedelta(days=1), freq="D", unit="ns"
        )
        days = days[~days.isin(pd.DatetimeIndex(pd.to_datetime(list(self._holidays))))]
        weekday = days.day_of_week
        local_starts, local_stops = [], []
        for day, intervals in enumerate(self._week):
            on_day = days[weekday == day].asi8
            for start, stop in intervals:
                local_starts.append(on_day + start * _NS_PER_MINUTE)
                local_stops.append(on_day + stop * _NS_PER_MINUTE)
        starts = self._to_utc(np.concatenate(local_starts), first_pass=True)
        stops = self._to_utc(np.concatenate(local_stops), first_pass=False)
        order = np.argsort(starts, kind="stable")
        return starts[order], np.maximum(stops[order], starts[order])

    def _to_utc(self, local_ns: np.ndarray, *, first_pass: bool) -> np.ndarray:
        """Local wall-clock times (ns) as UTC ns; see the class notes on DST."""
        local = pd.DatetimeIndex(local_ns.view("M8[ns]"))
        ambiguous = np.full(len(local), first_pass)
        return local.tz_localize(self._zone, ambiguous=ambiguous, nonexistent="shift_forward").asi8


def _utc_ns(values: Any) -> np.ndarray:
    stamps = pd.to_datetime(pd.Series(np.atleast_1d(np.asarray(values, dtype=object))))
    stamps = stamps.dt.tz_localize("UTC") if stamps.dt.tz is None else stamps.dt.tz_convert("UTC")
    if stamps.isna().any():
        raise ValueError("open_seconds needs a time at both ends of every span, not NaT")
    return stamps.dt.as_unit("ns").astype("int64").to_numpy()


def elapsed_seconds(
    start_ns: np.ndarray, end_ns: np.ndarray, business_hours: BusinessHours | None
) -> np.ndarray:
    """Seconds from each start to each end (UTC ns): wall-clock, or open seconds only."""
    if business_hours is None:
        return (end_ns - start_ns) / 1e9
    if not isinstance(business_hours, BusinessHours):
        raise ValueError(
            "business_hours must be a dxa.BusinessHours (e.g. BusinessHours({'mon-fri': "
            "'09:00-17:00'}, tz='Europe/Copenhagen')) or None, not "
            f"{type(business_hours).__name__}"
        )
    start, end = business_hours.cumulative_ns(start_ns, end_ns)
    return (end - start) / 1e9
