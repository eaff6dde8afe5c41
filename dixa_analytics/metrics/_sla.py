"""SLA attainment of a duration metric: met, breached and still pending against a target."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd

from dixa_analytics.frames import BOOL, FLOAT, INT, Schema, conform
from dixa_analytics.metrics._periods import complete_periods, complete_pooled, result_span
from dixa_analytics.metrics._summary import _seconds_column, observed_flags
from dixa_analytics.metrics._timeline import check_freq

__all__ = ["SLA", "START_COLUMNS", "sla_attainment", "target_seconds"]

# ``period`` (when ``freq`` is given) and the ``by`` columns come first.
SLA: Schema = {
    "met": INT,
    "breached": INT,
    "pending": INT,
    "attainment": FLOAT,
    "complete": BOOL,
}

#: Where each duration metric's clock starts, in the order looked for: a conversation's
#: period is the period of this time (resolution: creation; first response: the customer's
#: start; queue wait: the first offer).
START_COLUMNS = ("created_at", "started_at", "offered_at")


def target_seconds(target: pd.Timedelta | dt.timedelta | str) -> float:
    """A target duration in seconds, from a Timedelta or a string such as ``"1h"``.

    Raises
    ------
    TypeError
        For a bare number (seconds? hours?), or anything that is not a duration.
    ValueError
        For a string pandas cannot read as a duration, or a target that is not positive.

    Examples
    --------
    >>> target_seconds("1h"), target_seconds(pd.Timedelta(minutes=5))
    (3600.0, 300.0)
    """
    if isinstance(target, bool | int | float | np.number) and not isinstance(
        target, np.timedelta64
    ):
        raise TypeError(
            f"target {target!r} has no unit: give a duration such as '1h', '30min' or "
            "pd.Timedelta(hours=1)"
        )
    if not isinstance(target, str | dt.timedelta | np.timedelta64):
        raise TypeError(
            f"target must be a duration such as '1h' or pd.Timedelta(hours=1), not "
            f"{type(target).__name__}"
        )
    try:
        value = pd.Timedelta(target)
    except (ValueError, TypeError) as exc:
        raise ValueError(
            f"target {target!r} is not a duration; write it like '1h', '30min', '2d' or '1h30min'"
        ) from exc
    if value is pd.NaT or value <= pd.Timedelta(0):
        raise ValueError(f"target must be a positive duration, not {target!r}")
    return value.total_seconds()


def sla_attainment(
    result: pd.DataFrame,
    target: pd.Timedelta | dt.timedelta | str,
    *,
    by: str | Sequence[str] | None = None,
    freq: str | None = None,
    seconds: str | None = None,
) -> pd.DataFrame:
    """How many conversations met a target duration, breached it, or are still pending.

    Each row of a duration metric is one of:

    - **met**: observed, and its seconds are within the target (``<=``);
    - **breached**: its seconds are over the target, observed or not: a conversation still
      waiting past the target has already missed it, whatever happens next;
    - **pending**: not observed and not yet over the target: it may still go either way
      (still waiting, or it ended without the event before the target, e.g. closed without a
      reply).

    ``attainment = met / (met + breached)``: the share of decided conversations that met the
    target. Pending ones are left out rather than guessed; a large ``pending`` next to a
    recent period says its attainment is still moving.

    ``complete`` is False for a period the data does not cover whole: one that starts before
    the window of the events or ends after the earlier of its end and ``as_of``. A duration
    metric's result carries that span in its ``attrs`` (the events' window, or midnight UTC
    of the first event's day, to ``as_of``); a result without them (built by hand, or put
    together on Dask) covers from midnight UTC of its earliest time to its latest. Without
    ``freq``, the one row covers the whole span: complete is True.

    Parameters
    ----------
    result : DataFrame
        The output of a duration metric (:func:`first_response_time`,
        :func:`resolution_time`, :func:`queue_wait_time`, :func:`handling_time`), with a
        ``*_seconds`` column and ``observed`` (without one, every row counts as observed).
    target : pandas.Timedelta, datetime.timedelta or str
        The target, e.g. ``"1h"``, ``"30min"``, ``"2d"`` or ``pd.Timedelta(hours=4)``.
    by : str or list of str, optional
        Column(s) of ``result`` to group by, e.g. ``"queue_name"``; null values form their
        own group.
    freq : str, optional
        A pandas period alias ("D", "W", "M"…): one row per period in which the clock
        started (the first of ``created_at``, ``started_at``, ``offered_at`` that
        ``result`` has; handling time has none).
    seconds : str, optional
        The duration column, when ``result`` has several (resolution).

    Returns
    -------
    DataFrame
        ``period`` (only with ``freq``), the ``by`` columns, then ``met``, ``breached``,
        ``pending`` (Int64), ``attainment`` (float, NaN when nothing is decided yet) and
        ``complete``.
        Sorted by period and group; one row per period and group that has conversations.
        Without ``freq`` and ``by``, one row, also for an empty ``result``. Rows whose
        seconds are missing are in no count.

    Raises
    ------
    TypeError, ValueError
        If ``target`` is not a positive duration, ``freq`` is no period alias, ``by`` or
        ``seconds`` names no column, or ``freq`` is given for a result with no start time.

    Examples
    --------
    >>> import pandas as pd
    >>> result = pd.DataFrame({
    ...     "started_at": pd.to_datetime(["2026-03-02", "2026-03-03", "2026-03-10",
    ...                                   "2026-03-11"], utc=True),
    ...     "response_seconds": [600.0, 7200.0, 900.0, 1200.0],
    ...     "observed": [True, True, False, False],
    ... })
    >>> sla_attainment(result, "1h")
       met  breached  pending  attainment  complete
    0    1         1        2         0.5      True
    >>> sla_attainment(result, "1h", freq="W")[["period", "met", "pending", "complete"]]
                      period  met  pending  complete
    0  2026-03-02/2026-03-08    1        0      True
    1  2026-03-09/2026-03-15    0        2     False

    The second week is cut by the latest time in ``result`` (2026-03-11).
    """
    if not isinstance(result, pd.DataFrame):
        raise TypeError(f"result must be a metric DataFrame, not {type(result).__name__}")
    limit = target_seconds(target)
    column = _seconds_column(result, seconds)
    keys = [by] if isinstance(by, str) else list(by or [])
    missing = [k for k in keys if k not in result.columns]
    if missing:
        raise ValueError(f"by names column(s) not in result: {', '.join(missing)}")
    columns: dict[str, object] = {}
    if freq is not None:
        check_freq(freq)
        start = next((c for c in START_COLUMNS if c in result.columns), None)
        if start is None:
            raise ValueError(
                f"freq needs the time each duration started ({', '.join(START_COLUMNS)}), "
                "which result has none of; handling time has no start: use by= instead"
            )
        periods = result[start].dt.tz_localize(None).dt.to_period(freq)
        columns["period"] = periods.reset_index(drop=True)
    for key in keys:
        columns[key] = result[key].reset_index(drop=True)

    values = result[column].to_numpy(dtype=float, na_value=np.nan)
    observed = observed_flags(result)
    known = ~np.isnan(values)
    over = known & (values > limit)
    columns["met"] = known & observed & ~over
    columns["breached"] = over
    columns["pending"] = known & ~observed & ~over
    table = pd.DataFrame(columns)
    names = [c for c in columns if c not in SLA]
    if names:
        grouped = table.groupby(names, dropna=False, sort=True, observed=True)
        counts = grouped[["met", "breached", "pending"]].sum().reset_index()
        head = counts[names].astype(table[names].dtypes.to_dict())
    else:
        counts = table[["met", "breached", "pending"]].sum().to_frame().T
        head = counts[[]]
    decided = counts["met"] + counts["breached"]
    counts["attainment"] = (counts["met"] / decided.where(decided > 0)).astype(float)
    times = [c for c in result.columns if isinstance(result[c].dtype, pd.DatetimeTZDtype)]
    span = result_span(result, times)
    if freq is None:
        counts["complete"] = complete_pooled(span)
    else:
        counts["complete"] = complete_periods(counts["period"], span)
    return pd.concat([head, conform(counts, SLA)], axis=1)
