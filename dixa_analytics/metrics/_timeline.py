"""Per-conversation timelines shared by every metric.

:func:`build_timeline` takes the events frame as its contract promises it (repeated events
dropped, sorted by conversation and timestamp; see :mod:`dixa_analytics.events`), cuts it at
``as_of`` and marks where each conversation starts and stops. Everything after that works on
positions in the ordered rows with numpy, so no metric loops over conversations.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dixa_analytics._dates import DateLike, to_utc
from dixa_analytics.events import AS_OF, Kind, kind_of, ordered_events

__all__ = ["Kind", "Timeline", "build_timeline", "censored_span", "check_freq", "take"]

NAT = np.iinfo(np.int64).min


@dataclass(frozen=True)
class Timeline:
    """Events of every conversation in timestamp order, as positions and numpy arrays.

    Attributes
    ----------
    frame : DataFrame
        The used columns, deduplicated, cut at ``as_of``, sorted, with a fresh RangeIndex.
    group : ndarray of int64
        The conversation's number (0, 1, …, in conversation_id order) on each row.
    starts, stops : ndarray of int64
        Per conversation, the position of its first row and one past its last.
    ids : ndarray of int64
        Per conversation, its conversation_id.
    ns : ndarray of int64
        Event timestamps as UTC nanoseconds.
    kind : ndarray of int8
        :class:`Kind` of each row.
    as_of : int
        The cut-off as UTC nanoseconds (``NAT`` when there are no events).
    """

    frame: pd.DataFrame
    group: np.ndarray
    starts: np.ndarray
    stops: np.ndarray
    ids: np.ndarray
    ns: np.ndarray
    kind: np.ndarray
    as_of: int

    @property
    def n_groups(self) -> int:
        return len(self.starts)

    def is_kind(self, *kinds: Kind) -> np.ndarray:
        """Boolean mask of the rows of any of ``kinds``."""
        return np.isin(self.kind, np.array(kinds, dtype=np.int8))

    def column(self, name: str) -> pd.Series:
        """A column in timeline order; all-null string when the input did not have it."""
        if name in self.frame.columns:
            return self.frame[name]
        return pd.Series(pd.NA, index=self.frame.index, dtype="string[pyarrow]")

    def first(self, mask: np.ndarray) -> np.ndarray:
        """Per conversation, the position of its first row in ``mask``; -1 when none."""
        return self._pick(mask, last=False)

    def last(self, mask: np.ndarray) -> np.ndarray:
        """Per conversation, the position of its last row in ``mask``; -1 when none."""
        return self._pick(mask, last=True)

    def _pick(self, mask: np.ndarray, *, last: bool) -> np.ndarray:
        pos = np.flatnonzero(mask)
        grp = self.group[pos]
        edge = np.ones(len(pos), dtype=bool)
        if last:
            edge[:-1] = grp[1:] != grp[:-1]
        else:
            edge[1:] = grp[1:] != grp[:-1]
        out = np.full(self.n_groups, -1, dtype=np.int64)
        out[grp[edge]] = pos[edge]
        return out

    def first_after(self, mask: np.ndarray, after: np.ndarray) -> np.ndarray:
        """Per conversation, its first row in ``mask`` placed after position ``after``.

        ``after`` holds one position per conversation (-1: the conversation has no start, so
        the answer is -1 too).
        """
        start = after[self.group]
        return self.first(mask & (start >= 0) & (np.arange(len(self.group)) > start))

    def carry(self, is_set: np.ndarray) -> np.ndarray:
        """Per row, the position of the latest row in ``is_set`` of the same conversation
        at or before it (a forward fill within conversations); -1 when none."""
        src = np.where(is_set, np.arange(len(is_set), dtype=np.int64), -1)
        src = np.maximum.accumulate(src) if len(src) else src
        return np.where(src >= self.starts[self.group], src, -1)

    def durations(self) -> np.ndarray:
        """Per row, nanoseconds until the next event of its conversation, or until ``as_of``
        for its last event."""
        nxt = np.empty_like(self.ns)
        nxt[:-1] = self.ns[1:]
        if len(nxt):
            nxt[self.stops - 1] = self.as_of
        return nxt - self.ns

    def group_sum(self, values: np.ndarray) -> np.ndarray:
        """Per conversation, the exact int64 sum of ``values`` over its rows."""
        total = np.concatenate([[0], np.cumsum(values, dtype=np.int64)])
        return total[self.stops] - total[self.starts]

    def creation(self) -> np.ndarray:
        """Per conversation, the position of its creation: the first conversation_created_*
        event, else its first event."""
        created = self.first(self.is_kind(Kind.CREATED_BY_CUSTOMER, Kind.CREATED_OTHER))
        return np.where(created >= 0, created, self.starts)

    def last_valid(self, name: str) -> pd.Series:
        """Per conversation, the column's value on its last row where it is not null."""
        col = self.column(name)
        pos = self.last(col.notna().to_numpy())
        return take(col, pos)

    def times(self, pos: np.ndarray) -> pd.Series:
        """UTC timestamps of rows at ``pos``; NaT where ``pos`` is -1."""
        return to_datetime(np.where(pos >= 0, self.ns[np.maximum(pos, 0)], NAT))


def check_freq(freq: object) -> None:
    """Refuse a ``freq`` that is not a single pandas period ("D", "W", "M"…).

    A multiple such as "2W" is refused: ``Series.dt.to_period("2W")`` labels one-week periods
    "2W" instead of making two-week buckets.

    Examples
    --------
    >>> check_freq("W")
    >>> check_freq("2W")
    Traceback (most recent call last):
    ...
    ValueError: freq '2W' is a multiple of a period, which pandas does not bucket; use 'W'
    """
    try:
        offset = pd.PeriodDtype(freq).freq  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"freq {freq!r} is not a pandas period alias; use e.g. 'D', 'W' or 'M'"
        ) from exc
    if offset.n != 1:
        raise ValueError(
            f"freq {freq!r} is a multiple of a period, which pandas does not bucket; "
            f"use {re.sub(r'^[0-9]+', '', str(freq).strip())!r}"
        )


def take(col: pd.Series, pos: np.ndarray) -> pd.Series:
    """Values of ``col`` at positions ``pos`` (null where ``pos`` is -1), on a RangeIndex."""
    if len(col) == 0:
        return pd.Series(pd.NA, index=range(len(pos)), dtype=col.dtype)
    out = col.take(np.maximum(pos, 0)).reset_index(drop=True)
    return out.mask(pd.Series(pos < 0))


def to_datetime(ns: np.ndarray) -> pd.Series:
    """UTC nanoseconds (``NAT`` for missing) as a tz-aware Series."""
    return pd.Series(ns.view("M8[ns]")).dt.tz_localize("UTC")


def seconds(ns: np.ndarray) -> np.ndarray:
    """Nanosecond durations as float seconds."""
    return ns / 1e9


def build_timeline(
    events: pd.DataFrame,
    *,
    required: Iterable[str],
    optional: Iterable[str] = (),
    as_of: DateLike | None = None,
    metric: str,
) -> Timeline:
    """The events a metric needs, cut at ``as_of``, as per-conversation positions.

    The events are held to the events-frame contract by
    :func:`~dixa_analytics.events.ordered_events`: a frame from ``events_frame`` passes as it
    is; any other is put in the same order first (rows without a conversation or a time
    dropped, repeated event ids counted once, sorted; ties in lifecycle order). ``as_of``
    defaults to the latest timestamp in ``events``; later events are dropped.
    """
    if as_of is None and isinstance(events, pd.DataFrame):
        as_of = events.attrs.get(AS_OF)
    ordered = ordered_events(events, optional, required=required, use=metric)
    frame, conv, ns = ordered.frame, ordered.conversation_ids, ordered.ns
    if as_of is None:
        cut = int(ns.max()) if len(ns) else NAT
    else:
        cut = to_utc(as_of, name="as_of").as_unit("ns").value
        if len(ns) and ns.max() > cut:
            inside = ns <= cut
            frame = frame[inside].reset_index(drop=True)
            conv, ns = conv[inside], ns[inside]

    new = np.ones(len(conv), dtype=bool)
    new[1:] = conv[1:] != conv[:-1]
    starts = np.flatnonzero(new)
    stops = np.append(starts[1:], len(conv))[: len(starts)].astype(np.int64)

    activity = pd.Categorical(frame["activity_type"])
    lookup = np.array([kind_of(c) for c in activity.categories] + [Kind.OTHER], dtype=np.int8)
    kind = lookup[activity.codes]  # code -1 (null type) hits the trailing OTHER

    return Timeline(
        frame=frame,
        group=np.cumsum(new) - 1,
        starts=starts,
        stops=stops,
        ids=conv[starts],
        ns=ns,
        kind=kind,
        as_of=cut,
    )


def censored_span(
    tl: Timeline, start: np.ndarray, stop: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """End times (ns) and ``observed`` of spans from ``start`` to ``stop`` positions.

    Where ``stop`` is -1 the span is censored: it ends at the first conversation_closed after
    ``start``, or at ``as_of`` when there is none.
    """
    closed = tl.first_after(tl.kind == Kind.CLOSED, start)
    censored_end = np.where(closed >= 0, tl.ns[np.maximum(closed, 0)], tl.as_of)
    observed = stop >= 0
    return np.where(observed, tl.ns[np.maximum(stop, 0)], censored_end), observed
