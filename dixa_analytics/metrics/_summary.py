"""Summary statistics of duration metrics, with the censored count alongside."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from dixa_analytics.frames import FLOAT, INT, Schema, conform

__all__ = ["SUMMARY", "summarize_durations"]

# ``summarize_durations``: the ``by`` columns come first.
SUMMARY: Schema = {
    "count": INT,
    "censored": INT,
    "mean_seconds": FLOAT,
    "median_seconds": FLOAT,
    "p90_seconds": FLOAT,
}


def summarize_durations(
    result: pd.DataFrame,
    *,
    by: str | Sequence[str] | None = None,
    seconds: str | None = None,
) -> pd.DataFrame:
    """Count, censored count, mean, median and 90th percentile of a duration metric.

    The statistics are taken over the **observed** rows only: a censored row's seconds are
    only a lower bound of its final duration, so mixing them in would understate every
    statistic. How many rows were censored is always reported next to them, since a large
    censored share means the observed durations are biased towards short ones.

    Parameters
    ----------
    result : DataFrame
        The output of :func:`handling_time`, :func:`first_response_time`,
        :func:`resolution_time` or :func:`queue_wait_time` (any frame with a ``*_seconds``
        column; without an ``observed`` column every row counts as observed).
    by : str or list of str, optional
        Column(s) of ``result`` to group by, such as ``"queue_name"`` or ``"agent_id"``. Null
        values form their own group.
    seconds : str, optional
        The duration column. Needed when ``result`` has several ``*_seconds`` columns
        (resolution has ``first_resolution_seconds`` and ``full_resolution_seconds``).

    Returns
    -------
    DataFrame
        The ``by`` columns, then ``count`` (all rows), ``censored`` (rows not observed),
        ``mean_seconds``, ``median_seconds`` and ``p90_seconds`` (linear interpolation; NaN
        when the group has no observed row). Without ``by`` a single row, even for an empty
        ``result``.

    Examples
    --------
    >>> import pandas as pd
    >>> result = pd.DataFrame({
    ...     "queue_name": ["sales", "sales", "sales", "support"],
    ...     "handling_seconds": [60.0, 120.0, 999.0, 30.0],
    ...     "observed": [True, True, False, True],
    ... })
    >>> summarize_durations(result, by="queue_name")
      queue_name  count  censored  mean_seconds  median_seconds  p90_seconds
    0      sales      3         1          90.0            90.0        114.0
    1    support      1         0          30.0            30.0         30.0
    """
    if not isinstance(result, pd.DataFrame):
        raise TypeError(f"result must be a metric DataFrame, not {type(result).__name__}")
    column = _seconds_column(result, seconds)
    keys = [by] if isinstance(by, str) else list(by or [])
    missing = [k for k in keys if k not in result.columns]
    if missing:
        raise ValueError(f"by names column(s) not in result: {', '.join(missing)}")

    observed = (
        result["observed"].fillna(False).to_numpy(dtype=bool)
        if "observed" in result.columns
        else np.ones(len(result), dtype=bool)
    )
    table = pd.DataFrame(
        {
            **{k: result[k].to_numpy() for k in keys},
            "censored": ~observed,
            "value": result[column].to_numpy(dtype=float, na_value=np.nan),
        }
    )
    table["value"] = table["value"].where(observed)
    if keys:
        grouped = table.groupby(keys, dropna=False, sort=True, observed=True)
        stats = grouped.agg(
            count=("censored", "size"),
            censored=("censored", "sum"),
            mean_seconds=("value", "mean"),
            median_seconds=("value", "median"),
        )
        stats["p90_seconds"] = grouped["value"].quantile(0.9)
        stats = stats.reset_index()
        head = stats[keys].astype(result[keys].dtypes.to_dict())
    else:
        values = table["value"].dropna()
        stats = pd.DataFrame(
            {
                "count": [len(table)],
                "censored": [int(table["censored"].sum())],
                "mean_seconds": [values.mean() if len(values) else np.nan],
                "median_seconds": [values.median() if len(values) else np.nan],
                "p90_seconds": [values.quantile(0.9) if len(values) else np.nan],
            }
        )
        head = stats[[]]
    return pd.concat([head, conform(stats, SUMMARY)], axis=1)


def _seconds_column(result: pd.DataFrame, seconds: str | None) -> str:
    if seconds is not None:
        if seconds not in result.columns:
            raise ValueError(f"seconds={seconds!r} is not a column of result")
        return seconds
    candidates = [c for c in result.columns if str(c).endswith("_seconds")]
    if len(candidates) != 1:
        found = ", ".join(candidates) if candidates else "none"
        raise ValueError(
            f"cannot tell which column holds the durations (found: {found}); pass seconds=…"
        )
    return candidates[0]
