"""Which periods of a by-period result the data saw whole: the ``complete`` column.

A by-period metric counts what happened in each period, but the events only cover a span: the
creation window the conversations were selected by, cut at ``as_of``. A period that starts
before the span or ends after it holds only part of its conversations (a week half outside the
window, the week ``as_of`` falls in), so its counts and rates are not comparable with the
others. The span is, in order of preference:

- **start**: the window's start carried by the events frame (``attrs[WINDOW]``, set by
  ``fetch_activitylog(start=, end=)`` and ``Snapshot.events``); else midnight UTC of the day
  of the first event, so that a hand-built frame's first day (or the first week, when it
  starts on its Monday) counts as whole;
- **end**: the earlier of the window's end (when the frame carries one) and ``as_of`` (given,
  carried by the frame, else the latest event).

A period is complete when it lies wholly inside ``[start, end]``. A result pooled over every
period covers the span itself, so it is complete, unless a reopen window has not elapsed
after the span's end.

Facts frames (the first step of a rate or a trend, put together across partitions before they
are counted) carry the span in three columns, so that it survives ``pd.concat`` and Dask, where
``DataFrame.attrs`` do not: the span of parts put together is the earliest start, the latest
window end and the latest ``as_of``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from dixa_analytics._dates import to_utc
from dixa_analytics.events import AS_OF, WINDOW
from dixa_analytics.frames import UTC

__all__ = [
    "SPAN_COLUMNS",
    "Span",
    "complete_periods",
    "complete_pooled",
    "events_span",
    "facts_span",
    "result_span",
    "span_attrs",
    "span_columns",
]

#: The columns of a facts frame that carry its span.
SPAN_COLUMNS = ("window_start", "window_end", "as_of")

_NS = pd.Timedelta(1, "ns")


@dataclass(frozen=True)
class Span:
    """What the events cover: from ``start`` to the earlier of ``end`` and ``as_of`` (UTC).

    ``end`` is None when the window runs up to now; every field is None without events.
    """

    start: pd.Timestamp | None
    end: pd.Timestamp | None
    as_of: pd.Timestamp | None

    @property
    def stop(self) -> pd.Timestamp | None:
        """The last moment the events cover whole: the window's end or ``as_of``."""
        if self.as_of is None:
            return None
        return self.as_of if self.end is None else min(self.end, self.as_of)


def _declared_window(attrs: Mapping[str, Any]) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    window = attrs.get(WINDOW)
    if not window:
        return None, None
    if isinstance(window, str) or len(window) != 2:
        raise ValueError(
            f"attrs[{WINDOW!r}] must be [start, end] (ISO text; end may be None), not "
            f"{window!r}; fix or delete it to let the metrics infer the window"
        )
    start, end = window
    return (
        None if start is None else to_utc(start, name="attrs window start"),
        None if end is None else to_utc(end, name="attrs window end"),
    )


def events_span(events: pd.DataFrame, ns: np.ndarray, as_of_ns: int | None) -> Span:
    """The span of an events frame, from its window attrs or inferred from its timestamps.

    ``ns`` holds the event times (UTC nanoseconds) the metric used, after its ``as_of`` cut,
    and ``as_of_ns`` the cut (None or anything when there are no events).
    """
    if len(ns) == 0:
        return Span(None, None, None)
    start, end = _declared_window(events.attrs)
    if start is None:
        start = pd.Timestamp(int(ns.min()), tz="UTC").floor("D")
    return Span(start, end, pd.Timestamp(int(as_of_ns), tz="UTC"))


def span_columns(span: Span, n: int) -> dict[str, pd.Series]:
    """The span as facts columns for ``n`` rows."""
    return {
        name: pd.Series(pd.NaT if value is None else value, index=range(n), dtype=UTC)
        for name, value in zip(SPAN_COLUMNS, (span.start, span.end, span.as_of), strict=True)
    }


def facts_span(facts: pd.DataFrame, times: list[str]) -> Span:
    """The span of facts put together: earliest start, latest window end and ``as_of``.

    Facts without the span columns (made by hand) are read like a duration result: from
    their attrs, else from their ``times`` columns (see :func:`result_span`).
    """
    if not set(SPAN_COLUMNS) <= set(facts.columns):
        return result_span(facts, times)
    if len(facts) == 0:
        return Span(None, None, None)
    bounds = (facts["window_start"].min(), facts["window_end"].max(), facts["as_of"].max())
    return Span(*(None if pd.isna(v) else pd.Timestamp(v) for v in bounds))


def span_attrs(span: Span) -> dict[str, Any]:
    """The span as ``DataFrame.attrs`` of a duration result (read by ``sla_attainment``)."""
    if span.as_of is None:
        return {}
    end = None if span.end is None else span.end.isoformat()
    return {WINDOW: [span.start.isoformat(), end], AS_OF: span.as_of.isoformat()}


def result_span(result: pd.DataFrame, times: list[str]) -> Span:
    """The span of a duration result: from its attrs, else inferred from its ``times``
    columns (start at midnight UTC of the earliest, ``as_of`` at the latest)."""
    start, end = _declared_window(result.attrs)
    as_of = result.attrs.get(AS_OF)
    present = [result[c] for c in times if c in result.columns]
    stamps = pd.concat(present, ignore_index=True).dropna() if present else pd.Series([], UTC)
    if as_of is None and stamps.empty:
        return Span(None, None, None)
    if start is None:
        start = stamps.min().floor("D") if not stamps.empty else None
    as_of = stamps.max() if as_of is None else to_utc(as_of, name="attrs as_of")
    return Span(start, end, as_of)


def complete_periods(
    periods: pd.Series, span: Span, *, lag: pd.Timedelta | None = None
) -> np.ndarray:
    """Per period, whether it lies wholly inside the span (and, with ``lag``, whether
    ``lag`` has also passed after its end by ``as_of``).

    Examples
    --------
    >>> weeks = pd.Series(pd.period_range("2026-02-23", periods=3, freq="W"))
    >>> span = Span(pd.Timestamp("2026-03-01", tz="UTC"), pd.Timestamp("2026-04-01", tz="UTC"),
    ...             pd.Timestamp("2026-03-12", tz="UTC"))
    >>> complete_periods(weeks, span).tolist()
    [False, True, False]
    """
    stop = span.stop
    if stop is None or span.start is None or len(periods) == 0:
        return np.zeros(len(periods), dtype=bool)
    periods = pd.Series(pd.PeriodIndex(periods))
    starts = periods.dt.start_time
    ends = periods.dt.end_time + _NS  # the next period's start
    whole = (starts >= _naive(span.start)) & (ends <= _naive(stop))
    if lag is not None:
        whole &= ends + lag <= _naive(span.as_of)
    return whole.to_numpy(dtype=bool)


def _naive(moment: pd.Timestamp) -> pd.Timestamp:
    # Periods are UTC wall-clock buckets without a zone.
    return moment.tz_convert("UTC").tz_localize(None)


def complete_pooled(span: Span, *, lag: pd.Timedelta | None = None) -> bool:
    """Whether a result pooled over the whole span is complete: always, unless ``lag`` has
    not passed after the span's end by ``as_of``."""
    stop = span.stop
    if stop is None:
        return False
    return lag is None or stop + lag <= span.as_of
