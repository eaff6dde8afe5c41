"""Backlog: how many conversations were open at the end of each period, and the flows."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from dixa_analytics._dates import DateLike, to_utc
from dixa_analytics.frames import BOOL, INT, STRING, Schema, conform
from dixa_analytics.metrics._definitions import with_definition
from dixa_analytics.metrics._periods import (
    Span,
    complete_periods,
    events_span,
    facts_span,
    span_columns,
)
from dixa_analytics.metrics._state import CLOSED, status
from dixa_analytics.metrics._timeline import build_timeline, check_freq, to_datetime

__all__ = ["BACKLOG", "DEFINITION", "backlog", "backlog_facts", "backlog_of"]

# ``period`` and the ``by`` columns come first.
BACKLOG: Schema = {
    "open": INT,
    "created": INT,
    "closed": INT,
    "reopened": INT,
    "complete": BOOL,
}

_CHANGES = ("created", "reopened", "closed")

#: The definition stated in the docstring, the figures and the report.
DEFINITION = (
    "Backlog counts, for each period, the conversations open at its end: created before the "
    "period's end (their first conversation_created_* event, or their first event) and not "
    "closed at that moment (open or pending). created counts the conversations created in "
    "the period, closed how many times a conversation was closed in it (a close of one already "
    "closed does not count) and reopened how many times a closed one was opened again, so each "
    "period's open equals the previous period's open + created + reopened - closed. The last "
    "period is measured at as_of (by default the latest event in the data, or the time a "
    "snapshot was taken); complete is False when as_of falls before the period's end, or the "
    "period starts before the window the data covers (from the window's start when the events "
    "carry it, else from midnight UTC of the first event's day) or ends after its end. Only "
    "the conversations in the data count: those created before its window are not seen. By "
    "queue, a conversation counts in its last known queue. Every period from the first "
    "creation to as_of appears, zeros included."
)


def _keys(by: str | Sequence[str] | None) -> list[str]:
    return [by] if isinstance(by, str) else list(by or [])


@with_definition(DEFINITION)
def backlog(
    events: pd.DataFrame,
    freq: str = "D",
    *,
    by: str | Sequence[str] | None = None,
    as_of: DateLike | None = None,
) -> pd.DataFrame:
    """Open conversations at the end of each period, with those created, closed and reopened.

    {definition}

    Parameters
    ----------
    events : DataFrame
        The events frame. Needs ``conversation_id``, ``timestamp``, ``activity_type`` and the
        ``by`` columns; ``event_id`` (duplicates dropped) is used when present.
    freq : str
        A pandas period alias ("D", "W", "M"…; not a multiple such as "2W").
    by : str or list of str, optional
        Column(s) to split by, such as ``"queue_name"`` or ``"channel"``; each conversation
        counts under its last non-null value (a null group when it has none).
    as_of : str, date, datetime or Timestamp, optional
        The moment to measure at; later events are ignored. Defaults to the frame's own
        ``as_of`` (a snapshot's events carry the time of their sync), else the latest event.

    Returns
    -------
    DataFrame
        ``period`` (Period dtype), the ``by`` columns, then ``open``, ``created``,
        ``closed``, ``reopened`` and ``complete``; one row per period and group, every
        period from the first creation to ``as_of`` for every group, sorted by period then
        group.

    Examples
    --------
    >>> import pandas as pd
    >>> from dixa_analytics.events import conform_events
    >>> events = conform_events(pd.DataFrame({
    ...     "conversation_id": [1, 1, 2, 2],
    ...     "timestamp": pd.to_datetime(["2026-03-02 09:00", "2026-03-04 10:00",
    ...                                  "2026-03-03 09:00", "2026-03-04 12:00"], utc=True),
    ...     "activity_type": ["conversation_created_by_customer", "conversation_closed",
    ...                       "conversation_created_by_customer", "conversation_pending"],
    ... }))
    >>> backlog(events)
           period  open  created  closed  reopened  complete
    0  2026-03-02     1        1       0         0      True
    1  2026-03-03     2        1       0         0      True
    2  2026-03-04     1        0       1         0     False
    """
    keys = _keys(by)
    check_freq(freq)
    facts = backlog_facts(events, by=keys, as_of=as_of)
    return backlog_of(facts, freq, by=keys, as_of=facts.attrs.get("as_of"))


def backlog_facts(
    events: pd.DataFrame,
    freq: str = "D",
    *,
    by: str | Sequence[str] | None = None,
    as_of: DateLike | None = None,
) -> pd.DataFrame:
    """The changes the backlog counts: each conversation's creation, closes and reopenings.

    The first step of :func:`backlog`, which :func:`backlog_of` completes: events of whole
    conversations in, their changes out, so the facts of several frames (a snapshot's
    partitions) can be put together before they are counted.

    Returns
    -------
    DataFrame
        One row per change: ``conversation_id``, ``at`` (UTC), ``change`` (``"created"``,
        ``"closed"`` or ``"reopened"``), then the ``by`` columns (the conversation's last
        non-null value), then ``window_start``, ``window_end`` and ``as_of``: the span the
        events cover (see :func:`backlog`). ``attrs["as_of"]`` holds the moment measured at.

    Examples
    --------
    >>> import pandas as pd
    >>> from dixa_analytics.events import conform_events
    >>> events = conform_events(pd.DataFrame({
    ...     "conversation_id": [1, 1, 1],
    ...     "timestamp": pd.to_datetime(["2026-03-02 09:00", "2026-03-02 10:00",
    ...                                  "2026-03-02 11:00"], utc=True),
    ...     "activity_type": ["conversation_created_by_customer", "conversation_closed",
    ...                       "conversation_reopened"],
    ... }))
    >>> backlog_facts(events)["change"].tolist()
    ['created', 'closed', 'reopened']
    """
    keys = _keys(by)
    tl = build_timeline(events, required=keys, optional=["event_id"], as_of=as_of, metric="backlog")
    created = tl.creation()
    rows = np.arange(len(tl.kind))
    counted = rows >= created[tl.group]  # the state before a conversation's creation is moot
    closed_after = status(tl) == CLOSED
    closed_before = np.zeros(len(rows), dtype=bool)
    closed_before[1:] = closed_after[:-1]
    closed_before[created] = False  # a conversation starts open at its creation
    closes = counted & closed_after & ~closed_before
    reopens = counted & ~closed_after & closed_before
    # A creation and a close may be one event (a conversation whose first event closes it).
    moved = np.flatnonzero(reopens | closes)
    pos = np.concatenate([created, moved])
    code = np.concatenate([np.zeros(len(created), np.int8), np.where(closes[moved], 2, 1)])
    order = np.lexsort((code, pos))
    pos, code = pos[order], code[order].astype(np.int8)
    columns: dict[str, object] = {
        "conversation_id": pd.array(tl.ids[tl.group[pos]], dtype=INT),
        "at": to_datetime(tl.ns[pos]),
        "change": pd.Categorical.from_codes(code, categories=_CHANGES),
    }
    for key in keys:
        per_conversation = tl.last_valid(key)
        columns[key] = (
            per_conversation.take(tl.group[pos]).reset_index(drop=True).astype(events[key].dtype)
        )
    span = events_span(events, tl.ns, tl.as_of)
    facts = pd.DataFrame({**columns, **span_columns(span, len(pos))})
    facts.attrs["as_of"] = None if len(tl.ns) == 0 else to_datetime(np.array([tl.as_of]))[0]
    return facts


def backlog_of(
    facts: pd.DataFrame,
    freq: str = "D",
    *,
    by: str | Sequence[str] | None = None,
    as_of: DateLike | None = None,
) -> pd.DataFrame:
    """The backlog from :func:`backlog_facts`, measured at ``as_of``.

    ``as_of`` defaults to the latest change.

    Examples
    --------
    >>> facts = pd.DataFrame({"conversation_id": [1, 1],
    ...     "at": pd.to_datetime(["2026-03-02 09:00", "2026-03-04 09:00"], utc=True),
    ...     "change": ["created", "closed"]})
    >>> backlog_of(facts, as_of="2026-03-05")["open"].tolist()
    [1, 1, 0, 0]
    """
    keys = _keys(by)
    check_freq(freq)
    if as_of is None:
        as_of = facts["at"].max() if len(facts) else None
    if as_of is None or pd.isna(as_of):
        return _empty(facts, keys, freq)
    cut = to_utc(as_of, name="as_of")
    known = facts_span(facts, ["at"])
    span = Span(known.start, known.end, cut)
    facts = facts[facts["at"] <= cut]
    if facts.empty:
        return _empty(facts, keys, freq)
    period = facts["at"].dt.tz_localize(None).dt.to_period(freq)
    last = pd.Timestamp(cut).tz_localize(None).to_period(freq)
    periods = pd.period_range(period.min(), max(period.max(), last), freq=freq)
    change = pd.Categorical(facts["change"], categories=_CHANGES)
    table = pd.DataFrame({"period": period, **{k: facts[k] for k in keys}})
    for name in _CHANGES:
        table[name] = (change == name).astype(np.int64)
    if keys:
        groups = table.groupby(keys, dropna=False, sort=True, observed=True).size().index
        groups = list(groups) if len(keys) > 1 else [(g,) for g in groups]
        index = pd.MultiIndex.from_tuples(
            [(p, *g) for p in periods for g in groups], names=["period", *keys]
        )
        sums = table.groupby(["period", *keys], dropna=False, observed=True)[list(_CHANGES)].sum()
        counts = sums.reindex(index, fill_value=0)
        net = counts["created"] + counts["reopened"] - counts["closed"]
        counts["open"] = net.groupby(level=keys, dropna=False, sort=False).cumsum()
    else:
        sums = table.groupby("period", observed=True)[list(_CHANGES)].sum()
        counts = sums.reindex(pd.Index(periods, name="period"), fill_value=0)
        counts["open"] = (counts["created"] + counts["reopened"] - counts["closed"]).cumsum()
    counts = counts.reset_index()
    counts["complete"] = complete_periods(counts["period"], span)
    dtypes = {k: facts[k].dtype for k in keys}
    front = counts[["period", *keys]].astype({"period": periods.dtype, **dtypes})
    return pd.concat([front, conform(counts, BACKLOG)], axis=1).reset_index(drop=True)


def _empty(facts: pd.DataFrame, keys: list[str], freq: str) -> pd.DataFrame:
    front = pd.DataFrame(
        {
            "period": pd.Series([], dtype=pd.PeriodDtype(freq)),
            **{k: pd.Series([], dtype=facts[k].dtype if k in facts else STRING) for k in keys},
        }
    )
    return pd.concat([front, conform(pd.DataFrame(), BACKLOG)], axis=1)
