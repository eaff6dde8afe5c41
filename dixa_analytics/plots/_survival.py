"""Survival figures: the share of conversations answered (resolved…) within each duration.

The curve is ``1 - S(t)``, the Kaplan–Meier estimate (:mod:`dixa_analytics.metrics`), so
conversations still open count as "at least this long" instead of being left out; the band
is the pointwise 95 % interval (Greenwood's variance, log-log transform).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dixa_analytics._format import (
    UNITS,
    format_count,
    format_duration,
    format_target,
    unit_for,
    unit_name,
)
from dixa_analytics.frames import require_columns
from dixa_analytics.metrics import CATALOGUE, Metric
from dixa_analytics.metrics._sla import target_seconds
from dixa_analytics.metrics._summary import _seconds_column, observed_flags
from dixa_analytics.metrics._survival import kaplan_meier
from dixa_analytics.plots._distributions import wants_log_axis
from dixa_analytics.plots._style import (
    PALETTE,
    base_layout,
    definition_annotation,
    group_labels,
    no_data_figure,
)

__all__ = ["plot_survival"]


def _metric_of(column: str) -> Metric | None:
    """The catalogue's duration metric whose result has ``column``."""
    for metric in CATALOGUE.values():
        if column in metric.durations:
            return metric
    return None


def _band_colour(colour: str) -> str:
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},0.15)"


def _axis_unit(values: np.ndarray, unit: str) -> str:
    """``unit``, or for "auto" the one the long durations read best in (from the p90)."""
    if unit != "auto":
        return unit_name(unit)
    return unit_for(float(np.quantile(values, 0.9)))


def plot_survival(
    result: pd.DataFrame,
    *,
    by: str | None = None,
    seconds: str | None = None,
    unit: str = "auto",
    title: str | None = None,
    target: pd.Timedelta | dt.timedelta | str | None = None,
) -> go.Figure:
    """Plot the share answered (resolved…) within each duration, with its 95 % band.

    One step line per group of ``1 - S(t)``, the Kaplan–Meier estimate of the share whose
    duration ended within ``t``: conversations still open at ``as_of`` count as "at least
    this long", so the curve does not flatter a team whose slowest conversations are still
    waiting. The shaded band is the pointwise 95 % interval (Greenwood's variance on the
    log-log scale, as lifelines draws it). Where a curve stops below 100 %, the rest were
    still open at their longest time; a group with no observed row is a flat line at 0 %.
    Hovering shows the exact duration, the share with its interval, and how many were still
    at risk.

    Parameters
    ----------
    result : pandas.DataFrame
        The result of a duration metric (:func:`dixa_analytics.first_response_time`,
        :func:`dixa_analytics.resolution_time`, :func:`dixa_analytics.queue_wait_time`,
        :func:`dixa_analytics.handling_time`): a ``*_seconds`` column and ``observed``.
    by : str, optional
        A column of ``result`` to draw one curve per group of, e.g. ``"queue_name"``;
        missing values are shown as "(not set)".
    seconds : str, optional
        The duration column, when ``result`` has several (resolution).
    unit : {"auto", "seconds", "minutes", "hours", "days"}
        The x axis' unit (or its short name: "s", "min", "h", "d"); ``"auto"`` picks
        minutes, hours or days from the 90th percentile of the durations. Durations
        spanning more than two orders of magnitude get a log axis.
    title : str, optional
        Figure title; the default names the metric and what its end is.
    target : pandas.Timedelta, datetime.timedelta or str, optional
        An SLA target (``"1h"``) drawn as a dotted vertical line: where each curve crosses
        it is the share that met it (see :func:`dixa_analytics.sla_attainment`).

    Returns
    -------
    plotly.graph_objects.Figure
        A new figure (never shown). An empty ``result`` gives a "No data" figure.

    Raises
    ------
    ValueError
        If ``result`` lacks the duration column, ``observed`` or the ``by`` column.

    Examples
    --------
    >>> import pandas as pd
    >>> result = pd.DataFrame({
    ...     "conversation_id": [1, 2, 3, 4],
    ...     "response_seconds": [600.0, 1800.0, 5400.0, 7200.0],
    ...     "observed": [True, True, False, True],
    ...     "queue_name": ["Billing", "Billing", "Sales", "Sales"],
    ... })
    >>> fig = plot_survival(result, by="queue_name")
    >>> [t.name for t in fig.data if t.showlegend is not False]
    ['Billing (n=2)', 'Sales (n=2)']
    >>> fig.layout.yaxis.title.text
    'Share answered'
    """
    if not isinstance(result, pd.DataFrame):
        raise TypeError(f"result must be a metric DataFrame, not {type(result).__name__}")
    column = _seconds_column(result, seconds)
    metric = _metric_of(column)
    require_columns(
        result,
        [column, "observed", *([by] if by else [])],
        name="result",
        source="the result of a duration metric such as dixa_analytics.first_response_time",
    )
    name = metric.durations[column] if metric else column.removesuffix("_seconds")
    ended = metric.ended if metric else "ended"
    if title is None:
        title = f"Share {ended} within t: {name.lower()}"
        title += "" if by is None else f" by {by.replace('_', ' ')}"
    frame = result.loc[result[column].notna()]
    if frame.empty:
        return no_data_figure(title, metric.name if metric else None)

    values = frame[column].to_numpy(dtype=float)
    observed = observed_flags(frame)
    if by is None:
        codes = np.zeros(len(frame), dtype=np.int64)
        labels = ["All"]
    else:
        grouped = frame.groupby(by, dropna=False, sort=True, observed=True)
        codes = grouped.ngroup().to_numpy()
        keys = grouped.size().index.to_frame(index=False)
        labels = group_labels(keys, [by]).tolist()
    curves = kaplan_meier(codes, values, observed, len(labels))
    unit = _axis_unit(values, unit)
    per, short = UNITS[unit]
    log_axis = wants_log_axis(pd.Series(values), zeros=True)
    # A log axis has no 0: the curves start at the shortest positive duration instead.
    origin = float(values[values > 0].min()) if log_axis else 0.0

    fig = go.Figure()
    for code, text in enumerate(labels):
        rows = curves.group == code
        n = int((codes == code).sum())
        colour = PALETTE[code % len(PALETTE)]
        # The curve starts at 0 % at t = 0 and steps up at each duration.
        x = np.r_[origin, np.maximum(curves.seconds[rows], origin)]
        share = 1 - np.r_[1.0, curves.survival[rows]]
        low = 1 - np.r_[1.0, curves.upper[rows]]
        high = 1 - np.r_[1.0, curves.lower[rows]]
        at_risk = np.r_[n, curves.at_risk[rows]]
        legend = f"{text} (n={n:,})" if curves.events[rows].any() else f"{text} (none {ended})"
        common = {"x": x / per, "line_shape": "hv", "legendgroup": text}
        fig.add_trace(
            go.Scatter(
                **common, y=high, mode="lines", line_width=0, showlegend=False, hoverinfo="skip"
            )
        )
        fig.add_trace(
            go.Scatter(
                **common,
                y=low,
                mode="lines",
                line_width=0,
                fill="tonexty",
                fillcolor=_band_colour(colour),
                showlegend=False,
                hoverinfo="skip",
            )
        )
        # Rows of (duration as text, band low, band high, at risk, exact seconds); an object
        # array keeps the numbers numbers, for the hover's number formats.
        custom = np.empty((len(x), 5), dtype=object)
        custom[:, 0] = [format_duration(s) for s in x]
        custom[:, 1], custom[:, 2] = low, high
        custom[:, 3], custom[:, 4] = at_risk.astype(int), np.round(x, 3)
        fig.add_trace(
            go.Scatter(
                **common,
                y=share,
                mode="lines",
                name=legend,
                line={"color": colour, "width": 2},
                customdata=custom,
                hovertemplate=(
                    f"<b>{text}</b><br>{ended} within %{{customdata[0]}} "
                    "(%{customdata[4]:,.3~f} s): <b>%{y:.1%}</b><br>"
                    "95 % interval %{customdata[1]:.1%} – %{customdata[2]:.1%}<br>"
                    "still at risk: %{customdata[3]:,.0f}<extra></extra>"
                ),
            )
        )
    n_open = int((~observed).sum())
    subtitle = (
        f"{format_count(len(frame), metric.noun if metric else 'row')}, {n_open:,} still open "
        "at as_of (counted as at least their time so far)<br>Kaplan–Meier estimate, shaded: "
        "its 95 % band"
    )
    fig.update_layout(
        base_layout(title, subtitle),
        xaxis_title=f"{name} ({short}{', log scale' if log_axis else ''})",
        yaxis_title=f"Share {ended}",
        yaxis={"tickformat": ".0%", "range": [0, 1.02]},
        hovermode="closest",
    )
    if log_axis:
        fig.update_xaxes(type="log")
    else:
        fig.update_xaxes(rangemode="tozero")
    if target is not None:
        limit = target_seconds(target)
        fig.add_vline(
            x=limit / per,
            line={"dash": "dot", "color": "#5b6472", "width": 1.5},
            annotation_text=f"target {format_target(limit)}",
            annotation_position="bottom right",
        )
    if metric is not None:
        fig.add_annotation(**definition_annotation(metric.name))
    return fig
