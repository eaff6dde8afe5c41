"""Reopen rate: the share of closed conversations that were reopened after their first close."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from dixa_analytics.events import Kind
from dixa_analytics.frames import BOOL, FLOAT, INT, Schema, conform
from dixa_analytics.metrics._definitions import with_definition
from dixa_analytics.metrics._periods import (
    complete_periods,
    complete_pooled,
    events_span,
    facts_span,
    span_columns,
)
from dixa_analytics.metrics._timeline import build_timeline, check_freq

__all__ = ["DEFINITION", "REOPEN_RATE", "reopen_facts", "reopen_rate", "reopen_rate_of"]

# ``period`` (when ``freq`` is given) and the ``by`` columns come first.
REOPEN_RATE: Schema = {
    "closed": INT,
    "reopened": INT,
    "reopen_rate": FLOAT,
    "complete": BOOL,
}


#: The definition stated in the docstring, the figures and the report.
DEFINITION = (
    "Reopen rate takes the cohort of conversations closed at least once, each placed in the "
    "period of its first conversation_closed. A conversation is reopened when a "
    "conversation_reopened event follows that first close (within the window after it, when a "
    "window is given). closed is the size of the cohort, reopened how many of it were reopened, "
    "and reopen_rate = reopened / closed. When grouping by a column, a conversation's group is "
    "the column's value on its last row where it is not null. By period, complete is False "
    "for a period the data does not cover whole (cut by the window's start or end, or by "
    "as_of) and, with a window, for one whose window has not fully elapsed by as_of (its "
    "reopens are not all in yet); without a window, later reopens of a complete period's "
    "cohort can still come. Pooled over every period, complete is True unless the window "
    "has not elapsed since the end of the data."
)


@with_definition(DEFINITION)
def reopen_rate(
    events: pd.DataFrame,
    *,
    freq: str | None = None,
    by: str | Sequence[str] | None = None,
    window: pd.Timedelta | str | None = None,
) -> pd.DataFrame:
    """Share of conversations reopened after their first close, by period and group.

    {definition}

    Parameters
    ----------
    events : DataFrame
        The events frame. Needs ``conversation_id``, ``timestamp``, ``activity_type`` and the
        ``by`` columns; ``event_id`` (duplicates dropped) is used when present.
    freq : str, optional
        A pandas period alias ("D", "W", "M"…; not a multiple such as "2W"): one row per
        period of first close. ``None`` pools every period.
    by : str or list of str, optional
        Column(s) of the events frame to group by, such as ``"queue_name"``, ``"agent_id"``
        or ``"channel"``. Conversations whose value is null everywhere form a null group.
    window : Timedelta or str, optional
        Only count reopenings at most this long after the first close (``"7D"``).

    Returns
    -------
    DataFrame
        ``period`` (Period dtype, only with ``freq``), the ``by`` columns, then ``closed``,
        ``reopened``, ``reopen_rate`` and ``complete``; one row per period
        and group with at least one closed conversation (no rows when nothing was closed),
        sorted by period and group.

    Notes
    -----
    {span}

    Examples
    --------
    >>> import pandas as pd
    >>> from dixa_analytics.events import conform_events
    >>> events = conform_events(pd.DataFrame({
    ...     "conversation_id": [1, 1, 1, 2, 2],
    ...     "timestamp": pd.to_datetime(["2026-03-02 09:00", "2026-03-02 10:00",
    ...                                  "2026-03-04 10:00", "2026-03-02 09:00",
    ...                                  "2026-03-02 09:30"], utc=True),
    ...     "activity_type": ["conversation_created_by_customer", "conversation_closed",
    ...                       "conversation_reopened", "conversation_created_by_customer",
    ...                       "conversation_closed"],
    ... }))
    >>> reopen_rate(events)
       closed  reopened  reopen_rate  complete
    0       2         1          0.5      True
    >>> reopen_rate(events, window="1D")["reopened"].tolist()
    [0]

    By week, with a window of one day: the week of 2026-03-02 is cut by the latest event
    (2026-03-04), so it is not complete.

    >>> reopen_rate(events, freq="W", window="1D")[["period", "closed", "complete"]]
                      period  closed  complete
    0  2026-03-02/2026-03-08       2     False
    """
    facts = reopen_facts(events, by=by, window=window, freq=freq)
    return reopen_rate_of(facts, freq=freq, by=by, window=window)


def _keys(by: str | Sequence[str] | None) -> list[str]:
    return [by] if isinstance(by, str) else list(by or [])


def reopen_facts(
    events: pd.DataFrame,
    *,
    freq: str | None = None,
    by: str | Sequence[str] | None = None,
    window: pd.Timedelta | str | None = None,
) -> pd.DataFrame:
    """What the reopen rate counts, per conversation closed at least once.

    The first step of :func:`reopen_rate`, which :func:`reopen_rate_of` completes: events of
    whole conversations in, one row per conversation out, so the facts of several frames
    (partitions of a snapshot, say) can be put together before they are counted.

    Returns
    -------
    DataFrame
        ``conversation_id``, ``first_closed_at``, the ``by`` columns (each conversation's
        last non-null value, in the events' dtype), ``reopened``, then ``window_start``,
        ``window_end`` and ``as_of``: the span the events cover (the same on every row; see
        :func:`reopen_rate`), so that parts' facts put together know it.

    Examples
    --------
    >>> import pandas as pd
    >>> from dixa_analytics.events import conform_events
    >>> events = conform_events(pd.DataFrame({
    ...     "conversation_id": [1, 1, 1],
    ...     "timestamp": pd.to_datetime(["2026-03-02 09:00", "2026-03-02 10:00",
    ...                                  "2026-03-04 10:00"], utc=True),
    ...     "activity_type": ["conversation_created_by_customer", "conversation_closed",
    ...                       "conversation_reopened"],
    ... }))
    >>> reopen_facts(events)[["conversation_id", "reopened"]]
       conversation_id  reopened
    0                1      True
    """
    keys = _keys(by)
    limit = None if window is None else _timedelta(window)
    if freq is not None:
        check_freq(freq)
    tl = build_timeline(
        events, required=keys, optional=["event_id"], as_of=None, metric="reopen_rate"
    )
    first_close = tl.first(tl.kind == Kind.CLOSED)
    reopen = tl.kind == Kind.REOPENED
    if limit is not None:
        close_ns = tl.ns[np.maximum(first_close, 0)][tl.group]
        reopen &= tl.ns - close_ns <= limit.value
    reopened = tl.first_after(reopen, first_close) >= 0
    cohort = first_close >= 0
    columns: dict[str, object] = {
        "conversation_id": pd.array(tl.ids[cohort], dtype=INT),
        "first_closed_at": tl.times(first_close[cohort]),
    }
    for key in keys:
        values = tl.last_valid(key)[cohort].reset_index(drop=True)
        columns[key] = values.astype(events[key].dtype)
    columns["reopened"] = reopened[cohort]
    span = events_span(events, tl.ns, tl.as_of)
    return pd.DataFrame({**columns, **span_columns(span, int(cohort.sum()))})


def reopen_rate_of(
    facts: pd.DataFrame,
    *,
    freq: str | None = None,
    by: str | Sequence[str] | None = None,
    window: pd.Timedelta | str | None = None,
) -> pd.DataFrame:
    """The reopen rate from :func:`reopen_facts` (``window`` was applied there, and marks
    periods whose window has not elapsed as incomplete here).

    Examples
    --------
    >>> facts = pd.DataFrame({"conversation_id": [1, 2],
    ...     "first_closed_at": pd.to_datetime(["2026-03-02", "2026-03-09"], utc=True),
    ...     "reopened": [True, False]})
    >>> reopen_rate_of(facts, freq="W")["reopen_rate"].tolist()
    [1.0, 0.0]
    """
    keys = _keys(by)
    if freq is not None:
        check_freq(freq)
    columns: dict[str, object] = {}
    if freq is not None:
        columns["period"] = facts["first_closed_at"].dt.tz_localize(None).dt.to_period(freq)
    for key in keys:
        columns[key] = facts[key]
    columns["reopened"] = facts["reopened"]
    table = pd.DataFrame(columns).reset_index(drop=True)
    names = [k for k in columns if k != "reopened"]
    if not names:
        # One pooled row, or none when nothing was closed (a rate of 0/0 is no rate).
        n = len(table)
        counts = pd.DataFrame({"closed": [n], "reopened": [int(table["reopened"].sum())]})
        counts = counts.iloc[: min(n, 1)]
    else:
        counts = (
            table.groupby(names, dropna=False, sort=True, observed=True)["reopened"]
            .agg(closed="size", reopened="sum")
            .reset_index()
        )
    counts["reopen_rate"] = counts["reopened"] / counts["closed"]
    lag = None if window is None else _timedelta(window)
    span = facts_span(facts, ["first_closed_at"])
    if freq is None:
        counts["complete"] = complete_pooled(span, lag=lag)
    else:
        counts["complete"] = complete_periods(counts["period"], span, lag=lag)
    # Group columns keep the facts' dtypes (grouping may change a string column's storage).
    dtypes = table[names].dtypes.to_dict()
    out = pd.concat([counts[names].astype(dtypes), conform(counts, REOPEN_RATE)], axis=1)
    return out.reset_index(drop=True)


def _timedelta(window: pd.Timedelta | str) -> pd.Timedelta:
    try:
        value = pd.Timedelta(window)
    except (ValueError, TypeError) as exc:
        raise ValueError(
            f"window must be a Timedelta or a string like '7D' or '12h', not {window!r}"
        ) from exc
    if value is pd.NaT or value < pd.Timedelta(0):
        raise ValueError(f"window must be a non-negative duration, not {window!r}")
    return value
