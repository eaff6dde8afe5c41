"""Summaries of duration metrics that count open conversations: Kaplan–Meier by default."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from dixa_analytics.frames import FLOAT, INT, Schema, conform
from dixa_analytics.metrics._survival import kaplan_meier, quantile_times

__all__ = ["ESTIMATORS", "OBSERVED_SUMMARY", "SUMMARY", "summarize_durations"]

# ``summarize_durations``: the ``by`` columns come first.
SUMMARY: Schema = {
    "count": INT,
    "censored": INT,
    "median_seconds": FLOAT,
    "median_ci_low": FLOAT,
    "median_ci_high": FLOAT,
    "p90_seconds": FLOAT,
}

# ``summarize_durations(..., estimator="observed")``: named so that a table, a CSV or a JSON
# file of these can never be taken for the estimates above.
OBSERVED_SUMMARY: Schema = {
    "count": INT,
    "censored": INT,
    "observed_mean_seconds": FLOAT,
    "observed_median_seconds": FLOAT,
    "observed_p90_seconds": FLOAT,
}

ESTIMATORS = ("kaplan-meier", "observed")
Estimator = Literal["kaplan-meier", "observed"]


def summarize_durations(
    result: pd.DataFrame,
    *,
    by: str | Sequence[str] | None = None,
    seconds: str | None = None,
    estimator: Estimator = "kaplan-meier",
) -> pd.DataFrame:
    """Median, its 95 % interval and 90th percentile of a duration metric, counting open ones.

    A conversation still open at ``as_of`` (``observed`` is False) has waited *at least* its
    seconds so far. Leaving such rows out, or taking their seconds as final, understates
    every statistic, most where it matters: the long waits are the ones still open. The
    default estimator is **Kaplan–Meier** (product limit), as in survival analysis: each
    censored row counts as "at least this long", at risk up to its seconds (also at a time
    where others end: ties put censored rows after the events), and the estimated share still
    waiting at ``t`` is ``S(t) = Π (1 - d_i / n_i)`` over the durations ``t_i <= t`` at which
    ``d_i`` of the ``n_i`` rows at risk end.

    Parameters
    ----------
    result : DataFrame
        The output of :func:`handling_time`, :func:`first_response_time`,
        :func:`resolution_time` or :func:`queue_wait_time` (any frame with a ``*_seconds``
        column; without an ``observed`` column every row counts as observed, and a missing
        ``observed`` value counts as not observed).
    by : str or list of str, optional
        Column(s) of ``result`` to group by, such as ``"queue_name"`` or ``"agent_id"``. Null
        values form their own group. Groups are sorted.
    seconds : str, optional
        The duration column. Needed when ``result`` has several ``*_seconds`` columns
        (resolution has ``first_resolution_seconds`` and ``full_resolution_seconds``).
    estimator : {"kaplan-meier", "observed"}
        ``"kaplan-meier"`` (default): the product-limit estimates below. ``"observed"``: the
        plain mean, median (linear interpolation) and 90th percentile of the observed rows
        alone, in columns named ``observed_*`` so that they are never taken for the
        estimates; they are biased short whenever rows are censored.

    Returns
    -------
    DataFrame
        The ``by`` columns, then ``count`` (all rows) and ``censored`` (rows not observed),
        then, with ``estimator="kaplan-meier"``:

        - ``median_seconds``: the smallest duration at which the estimated share still
          waiting drops to 0.5 or below;
        - ``median_ci_low``, ``median_ci_high``: its 95 % confidence interval, by
          Brookmeyer and Crowley's method with the log-log transform: where the pointwise
          95 % band of ``S`` (Greenwood's variance on the ``log(-log S)`` scale) drops to 0.5
          (lifelines' ``median_survival_times(kmf.confidence_interval_)``);
        - ``p90_seconds``: the smallest duration at which the share still waiting drops to
          0.1 or below.

        Every statistic is in seconds, the interval's ends too (the command line's CSV and
        JSON name them ``median_ci_low_seconds`` and ``median_ci_high_seconds``); show a
        summary in human units with :func:`dixa_analytics.humanize`.

        Each is NaN when it is **not reached** (too many rows still open for the curve to drop
        that far; an interval's high end often is), and for a group with no rows. With all
        rows observed, the median and p90 are the empirical quantiles that take the smallest
        duration reaching the share (numpy's ``method="inverted_cdf"``), not an
        interpolation. With ``estimator="observed"``: ``observed_mean_seconds``,
        ``observed_median_seconds``, ``observed_p90_seconds`` (NaN when no row is observed).
        Without ``by`` a single row, even for an empty ``result``. Rows whose seconds are
        missing count in ``count`` but in no statistic.

    Raises
    ------
    ValueError
        If ``by`` or ``seconds`` names no column, the duration column is ambiguous, or the
        estimator is unknown.

    See Also
    --------
    sla_attainment : met, breached and pending against a target.
    plot_survival : the curves these statistics are read from.
    humanize : a summary to read, in one human unit per column.

    Notes
    -----
    The estimates are those of lifelines' ``KaplanMeierFitter`` (``median_survival_time_``,
    ``percentile``, ``confidence_interval_``), computed for every group at once with sorts
    and cumulative sums, with one difference: where the estimate lands exactly on 0.5 (or
    0.1), as with 40 of 80 still waiting, it counts as reached; lifelines' floating-point
    product can read a hair above it there and answer the next duration. A metric computed
    partition by partition (:func:`over_partitions`, :meth:`Snapshot.metric`) holds whole
    durations per conversation, so its summary is the summary of the metric in memory.

    Examples
    --------
    >>> import pandas as pd
    >>> result = pd.DataFrame({
    ...     "queue_name": ["sales"] * 5 + ["support"] * 2,
    ...     "response_seconds": [60.0, 120.0, 300.0, 900.0, 999.0, 30.0, 45.0],
    ...     "observed": [True, True, False, True, False, True, False],
    ... })
    >>> summary = summarize_durations(result, by="queue_name")
    >>> summary[["queue_name", "count", "censored", "median_seconds", "p90_seconds"]]
      queue_name  count  censored  median_seconds  p90_seconds
    0      sales      5         2           900.0          NaN
    1    support      2         1            30.0          NaN
    >>> summarize_durations(result, estimator="observed")[["observed_median_seconds"]]
       observed_median_seconds
    0                     90.0
    """
    if not isinstance(result, pd.DataFrame):
        raise TypeError(f"result must be a metric DataFrame, not {type(result).__name__}")
    if estimator not in ESTIMATORS:
        raise ValueError(
            f"estimator must be one of {', '.join(map(repr, ESTIMATORS))}, not {estimator!r}"
        )
    column = _seconds_column(result, seconds)
    keys = [by] if isinstance(by, str) else list(by or [])
    missing = [k for k in keys if k not in result.columns]
    if missing:
        raise ValueError(f"by names column(s) not in result: {', '.join(missing)}")

    observed = observed_flags(result)
    values = result[column].to_numpy(dtype=float, na_value=np.nan)
    if keys:
        grouped = result.groupby(keys, dropna=False, sort=True, observed=True)
        codes = grouped.ngroup().to_numpy()
        sizes = grouped.size()
        head = sizes.index.to_frame(index=False).astype(result[keys].dtypes.to_dict())
    else:
        codes = np.zeros(len(result), dtype=np.int64)
        sizes = pd.Series([len(result)])
        head = pd.DataFrame(index=range(1))
    n_groups = len(sizes)
    stats = pd.DataFrame(
        {
            "count": sizes.to_numpy(),
            "censored": np.bincount(codes[~observed], minlength=n_groups),
        }
    )
    statistics = _kaplan_meier if estimator == "kaplan-meier" else _observed_only
    for name, per_group in statistics(codes, values, observed, n_groups).items():
        stats[name] = per_group
    schema = SUMMARY if estimator == "kaplan-meier" else OBSERVED_SUMMARY
    return pd.concat([head, conform(stats, schema)], axis=1)


def observed_flags(result: pd.DataFrame) -> np.ndarray:
    """Each row's ``observed`` as plain booleans: missing is not observed; no column, all are."""
    if "observed" not in result.columns:
        return np.ones(len(result), dtype=bool)
    return result["observed"].astype("boolean").fillna(False).to_numpy(dtype=bool)


def _kaplan_meier(
    codes: np.ndarray, values: np.ndarray, observed: np.ndarray, n_groups: int
) -> dict[str, np.ndarray]:
    curves = kaplan_meier(codes, values, observed, n_groups)
    return {
        "median_seconds": quantile_times(curves, 0.5),
        "median_ci_low": quantile_times(curves, 0.5, curve="lower"),
        "median_ci_high": quantile_times(curves, 0.5, curve="upper"),
        "p90_seconds": quantile_times(curves, 0.1),
    }


def _observed_only(
    codes: np.ndarray, values: np.ndarray, observed: np.ndarray, n_groups: int
) -> dict[str, np.ndarray]:
    kept = pd.Series(np.where(observed, values, np.nan))
    grouped = kept.groupby(codes)
    out = {
        "observed_mean_seconds": grouped.mean(),
        "observed_median_seconds": grouped.median(),
        "observed_p90_seconds": grouped.quantile(0.9),
    }
    return {name: s.reindex(range(n_groups)).to_numpy(dtype=float) for name, s in out.items()}


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
