"""Kaplan–Meier (product-limit) curves of durations with censoring, many groups at once.

A duration metric gives one ``(seconds, observed)`` pair per conversation; a row that is not
observed is still running (or ended without the event), so its seconds are only a lower bound.
The product-limit estimate counts such a row as "at least this long": it stays at risk up to
its seconds and then leaves without an event. The estimate of the share still waiting at
``t`` is

    S(t) = prod over event times t_i <= t of (1 - d_i / n_i),

with ``d_i`` the observed rows ending at ``t_i`` and ``n_i`` the rows whose seconds are at
least ``t_i`` (a censored row at ``t_i`` is still at risk there). Its variance is Greenwood's,
``S(t)^2 * sum d_i / (n_i (n_i - d_i))``, and the pointwise 95 % band uses the log-log
transform ``log(-log S)``, which keeps the band inside [0, 1]. A quantile is the smallest
duration at which ``S`` drops to ``1 - q`` or below; its interval is where the band's lower
and upper curves drop there (Brookmeyer and Crowley's interval, as lifelines computes the
median's). These are the conventions of lifelines' ``KaplanMeierFitter``.

Every step is a sort, a cumulative sum or a reduction over all groups together: no Python
loop runs per row or per group.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["Z_95", "Curves", "kaplan_meier", "quantile_times"]

#: The standard normal's 97.5th percentile: a two-sided 95 % interval.
Z_95 = 1.959963984540054
# S is a product of floats: (n - 1)/n · (n - 2)/(n - 1)… lands a few ulps off the exact
# fraction, so "drops to 0.5 or below" allows for that much.
_SLACK = 1e-9


@dataclass(frozen=True)
class Curves:
    """The product-limit curves of several groups, one row per distinct duration per group.

    Rows are sorted by group, then by duration. Every array has one value per row.

    Attributes
    ----------
    group : ndarray of int
        The group's code (``0 … n_groups - 1``).
    seconds : ndarray of float
        A distinct duration of the group (observed or censored).
    at_risk : ndarray of int
        Rows of the group whose duration is at least ``seconds``.
    events : ndarray of int
        Observed rows ending at ``seconds``.
    censored : ndarray of int
        Censored rows at ``seconds``.
    survival : ndarray of float
        The estimated share still waiting just after ``seconds``.
    lower, upper : ndarray of float
        The pointwise 95 % band of ``survival`` (Greenwood variance, log-log transform).
    n_groups : int
        How many groups there are (some may have no row).
    """

    group: np.ndarray
    seconds: np.ndarray
    at_risk: np.ndarray
    events: np.ndarray
    censored: np.ndarray
    survival: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    n_groups: int


def kaplan_meier(
    groups: np.ndarray, seconds: np.ndarray, observed: np.ndarray, n_groups: int
) -> Curves:
    """The product-limit curve of each group, with its pointwise 95 % band.

    Parameters
    ----------
    groups : ndarray of int
        Each row's group code, from 0 to ``n_groups - 1``.
    seconds : ndarray of float
        Each row's duration; rows with NaN are left out.
    observed : ndarray of bool
        Whether the row's duration ended with the event (False: censored, a lower bound).
    n_groups : int
        The number of groups.

    Returns
    -------
    Curves

    Examples
    --------
    >>> import numpy as np
    >>> curves = kaplan_meier(np.zeros(4, dtype=int), np.array([1.0, 2.0, 2.0, 3.0]),
    ...                       np.array([True, False, True, True]), 1)
    >>> curves.seconds.tolist(), curves.at_risk.tolist(), curves.survival.round(3).tolist()
    ([1.0, 2.0, 3.0], [4, 3, 1], [0.75, 0.5, 0.0])
    """
    keep = ~np.isnan(seconds)
    groups, seconds, observed = groups[keep], seconds[keep], observed[keep]
    # By group, then duration: a sort by duration, then a stable one by the group's code,
    # which numpy does as a radix sort on small integers (faster than one lexsort).
    by_seconds = np.argsort(seconds)
    narrow = np.uint16 if n_groups <= np.iinfo(np.uint16).max else np.int64
    order = by_seconds[np.argsort(groups[by_seconds].astype(narrow), kind="stable")]
    g, t, e = groups[order], seconds[order], observed[order]
    if len(t) == 0:
        nothing = np.array([], dtype=float)
        ints = np.array([], dtype=np.int64)
        return Curves(ints, nothing, ints, ints, ints, nothing, nothing, nothing, n_groups)
    # One row per distinct (group, duration): where either changes.
    starts = np.flatnonzero(np.r_[True, (g[1:] != g[:-1]) | (t[1:] != t[:-1])])
    rows = np.diff(np.r_[starts, len(t)])
    events = np.add.reduceat(e.astype(np.int64), starts)
    group = g[starts]
    # Rows at risk: those of the group from this duration on, i.e. up to the group's end.
    group_end = np.cumsum(np.bincount(g, minlength=n_groups))
    at_risk = group_end[group] - starts
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = 1.0 - events / at_risk
        # Greenwood's term; infinite where every row at risk ends (S drops to 0 there).
        term = np.where(events > 0, events / (at_risk * (at_risk - events)), 0.0)
    by_group = pd.Series(factor).groupby(group, sort=False)
    survival = by_group.cumprod().to_numpy()
    variance = pd.Series(term).groupby(group, sort=False).cumsum().to_numpy()
    lower, upper = _log_log_band(survival, variance)
    return Curves(
        group=group,
        seconds=t[starts],
        at_risk=at_risk,
        events=events,
        censored=rows - events,
        survival=survival,
        lower=lower,
        upper=upper,
        n_groups=n_groups,
    )


def _log_log_band(survival: np.ndarray, variance: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The 95 % band of ``survival`` on the log(-log S) scale, mapped back.

    ``variance`` is Greenwood's sum ``Σ d/(n(n-d))`` (the variance of log S). Before the
    first event (S = 1) the band is the point 1; once S is 0 it is the point 0.
    """
    lower = survival.copy()
    upper = survival.copy()
    inside = (survival > 0) & (survival < 1)
    log_s = np.log(survival[inside])
    spread = Z_95 * np.sqrt(variance[inside]) / log_s  # negative: log S < 0
    centre = np.log(-log_s)
    upper[inside] = np.exp(-np.exp(centre + spread))
    lower[inside] = np.exp(-np.exp(centre - spread))
    return lower, upper


def quantile_times(curves: Curves, share_left: float, *, curve: str = "survival") -> np.ndarray:
    """Per group, the smallest duration at which ``curve`` drops to ``share_left`` or below.

    Parameters
    ----------
    curves : Curves
        From :func:`kaplan_meier`.
    share_left : float
        The share still waiting: 0.5 for the median, 0.1 for the 90th percentile.
    curve : {"survival", "lower", "upper"}
        The estimate itself, or a side of its band (whose crossings bound the quantile's
        interval: ``lower`` gives the interval's low end, ``upper`` its high end).

    Returns
    -------
    ndarray of float
        One value per group code; NaN where the curve never drops that far (not reached).

    Examples
    --------
    >>> import numpy as np
    >>> curves = kaplan_meier(np.array([0, 0, 0, 1]), np.array([5.0, 9.0, 12.0, 3.0]),
    ...                       np.array([True, True, False, False]), 2)
    >>> quantile_times(curves, 0.5).tolist()
    [9.0, nan]
    """
    values = getattr(curves, curve)
    out = np.full(curves.n_groups, np.nan)
    hit = values <= share_left + _SLACK
    # Rows are sorted by group then duration: the first hit of each group is its crossing.
    groups = curves.group[hit]
    first = np.flatnonzero(np.r_[len(groups) > 0, groups[1:] != groups[:-1]])
    out[groups[first]] = curves.seconds[hit][first]
    return out
