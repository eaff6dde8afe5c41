"""Distribution plots of the duration metrics: handling, first response, resolution, queue wait.

Every duration frame has a seconds column and ``observed``. Censored durations (the
conversation was still open at ``as_of``) are lower bounds: they are drawn, never dropped, and
always told apart from observed ones (hatched bars, or crosses next to the boxes).
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dixa_analytics.frames import require_columns
from dixa_analytics.plots._style import (
    CENSORED_COLOUR,
    OBSERVED_COLOUR,
    PALETTE,
    UNITS,
    base_layout,
    choose_unit,
    definition_annotation,
    fill_doc,
    format_count,
    group_labels,
    nice_bin_size,
    no_data_figure,
)

__all__ = ["plot_first_response", "plot_handling_time", "plot_queue_wait", "plot_resolution"]

BINS_PER_DECADE = 6


def _duration_figure(
    result: pd.DataFrame,
    *,
    seconds_col: str,
    metric: str,
    name: str,
    plot: str,
    producer: str,
    by: str | None,
    unit: str,
    title: str | None,
    noun: str = "conversation",
) -> go.Figure:
    """Draw the distribution of ``result[seconds_col]``, overall or one box per ``by`` group."""
    require_columns(
        result,
        [seconds_col, "observed", *([by] if by else [])],
        name="result",
        source=f"the result of {producer}",
    )
    frame = result.loc[result[seconds_col].notna()]
    unit = choose_unit(frame[seconds_col], unit)
    per, short = UNITS[unit]
    if title is None:
        title = name if by is None else f"{name} by {by.replace('_', ' ')}"
    if frame.empty:
        return no_data_figure(title, metric)

    values = frame[seconds_col].astype("float64") / per
    observed = frame["observed"].fillna(False).astype(bool)
    n_censored = int((~observed).sum())
    counted = format_count(len(frame), noun)
    subtitle = f"{counted}, {n_censored:,} censored (still open at as_of: lower bounds)"
    axis_title = f"{name} ({short})"
    if by is None:
        extra = {}
        if _wants_log_axis(values, zeros=True):
            fig = _log_histogram(values, observed, short)
            axis_title = f"{name} ({short}, log scale)"
            extra = {"xaxis_type": "log"}
            n_zero = int((values <= 0).sum())
            if n_zero:
                subtitle += f"<br>the first bar includes {n_zero:,} of zero length"
        else:
            cut = _tail_cut(values, values[observed].quantile(0.95) if observed.any() else None)
            size = nice_bin_size(cut if cut is not None else float(values.max()))
            # Durations past the cut go to one last bar, starting on a bin edge.
            edge = None if cut is None else (cut // size + 1) * size
            fig = _histogram(values, observed, short, size, edge)
            n_beyond = int((values >= edge).sum()) if edge is not None else 0
            if n_beyond:
                subtitle += (
                    f"<br>the last bar holds the {n_beyond:,} longest (≥ {edge:,.1f} {short})"
                )
            extra = {"xaxis_rangemode": "tozero"}
        fig.update_layout(
            base_layout(title, subtitle, barmode="stack", bargap=0.04),
            legend_traceorder="normal",
            xaxis_title=axis_title,
            yaxis_title=f"{noun}s".capitalize(),
            **extra,
        )
    else:
        fig = _boxes(values, observed, group_labels(frame, [by]), frame["conversation_id"], short)
        if _wants_log_axis(values):
            # Minutes to weeks in one chart: a log axis keeps every group's box readable.
            fig.update_xaxes(type="log")
            axis_title = f"{name} ({short}, log scale)"
        else:
            cut = _tail_cut(values, values[observed].max() if observed.any() else None)
            n_beyond = int((values > cut).sum()) if cut is not None else 0
            if n_beyond:
                subtitle += f"<br>{n_beyond:,} censored beyond the axis (zoom out to see them)"
                fig.update_xaxes(range=[0, cut * 1.08])
        fig.update_layout(
            base_layout(title, subtitle),
            xaxis_title=axis_title,
            yaxis_title=None,
            height=max(360, 140 + 34 * (len(fig.data) + 1)),
        )
    fig.add_annotation(**definition_annotation(metric))
    return fig


def _wants_log_axis(values: pd.Series, *, zeros: bool = False) -> bool:
    """Whether the positive values span more than two orders of magnitude.

    With ``zeros=False`` any zero rules a log axis out (a box cannot start at log 0).
    """
    positive = values[values > 0]
    if positive.empty or (not zeros and len(positive) < len(values)):
        return False
    return float(positive.max()) / float(positive.min()) > 100


def _tail_cut(values: pd.Series, reference: float | None) -> float | None:
    """Return ``reference`` as the axis end when longer values would squash the chart.

    Censored durations of conversations left open for weeks would otherwise stretch the axis
    so far that the observed distribution, the part that matters, becomes a sliver.
    """
    if reference is None or pd.isna(reference) or reference <= 0:
        return None
    return float(reference) if float(values.max()) > 1.5 * float(reference) else None


def _log_histogram(values: pd.Series, observed: pd.Series, short: str) -> go.Figure:
    """Stacked bars over log-spaced bins (six per decade), for durations spanning decades.

    Zero durations are counted in the first bar.
    """
    median = float(values[observed].median()) if observed.any() else None
    positive = values[values > 0]
    steps = np.log10([positive.min(), positive.max()]) * BINS_PER_DECADE
    edges = 10 ** (np.arange(np.floor(steps[0]), np.ceil(steps[1]) + 1) / BINS_PER_DECADE)
    values = values.clip(lower=edges[0])
    ranges = [f"{lo:,.3g}–{hi:,.3g} {short}" for lo, hi in itertools.pairwise(edges)]
    fig = go.Figure()
    for mask, kind, colour, pattern in _kinds(observed):
        counts, _ = np.histogram(values[mask].to_numpy(), bins=edges)
        fig.add_trace(
            go.Bar(
                x=edges[:-1],
                y=counts,
                width=np.diff(edges),
                offset=0,
                customdata=ranges,
                name=f"{kind} (n={int(mask.sum()):,})",
                marker={"color": colour, "pattern": {"shape": pattern}},
                hovertemplate=f"%{{customdata}}<br>%{{y:,}} {kind.lower()}<extra></extra>",
            )
        )
    # A fixed range (log10 units on a log axis) lets the median line sit at a paper position,
    # since plotly versions disagree on whether shapes on log axes take values or their logs.
    low, high = np.log10(edges[0]), np.log10(edges[-1])
    fig.update_xaxes(range=[low, high])
    if median is not None:
        position = (np.log10(max(median, edges[0])) - low) / (high - low)
        _median_line(fig, float(position), f"{median:,.1f} {short}", xref="paper")
    return fig


def _median_line(fig: go.Figure, x: float, text: str, *, xref: str = "x") -> None:
    fig.add_shape(
        type="line",
        xref=xref,
        yref="paper",
        x0=x,
        x1=x,
        y0=0,
        y1=1,
        line={"color": "#1f2933", "dash": "dash", "width": 1},
    )
    fig.add_annotation(
        xref=xref,
        yref="paper",
        x=x,
        y=1,
        text=f"median of observed: {text}",
        showarrow=False,
        xanchor="left",
        yanchor="top",
        xshift=4,
        font={"size": 12},
    )


def _kinds(observed: pd.Series) -> tuple[tuple[pd.Series, str, str, str], ...]:
    """Observed bars solid, censored bars hatched."""
    return (
        (observed, "Observed", OBSERVED_COLOUR, ""),
        (~observed, "Censored", CENSORED_COLOUR, "/"),
    )


def _histogram(
    values: pd.Series, observed: pd.Series, short: str, size: float, edge: float | None
) -> go.Figure:
    """Stacked histogram: observed bars solid, censored bars hatched, on the same bins.

    With an ``edge``, durations from it on are drawn in one last bar rather than stretching
    the axis over a tail that would leave every other bar a sliver.
    """
    median = float(values[observed].median()) if observed.any() else None
    if edge is not None:
        values = values.clip(upper=edge + size / 2)
    bins = {"start": 0.0, "end": float(values.max()) + size, "size": size}
    fig = go.Figure()
    for mask, kind, colour, pattern in _kinds(observed):
        n = int(mask.sum())
        fig.add_trace(
            go.Histogram(
                x=values[mask].to_numpy(),
                name=f"{kind} (n={n:,})",
                xbins=bins,
                autobinx=False,
                marker={"color": colour, "pattern": {"shape": pattern}},
                hovertemplate=f"%{{x}} {short}<br>%{{y:,}} {kind.lower()}<extra></extra>",
            )
        )
    if median is not None:
        _median_line(fig, median, f"{median:,.1f} {short}")
    return fig


def _boxes(
    values: pd.Series, observed: pd.Series, groups: pd.Series, ids: pd.Series, short: str
) -> go.Figure:
    """One horizontal box of observed durations per group, censored durations as crosses."""
    counts = groups.value_counts()
    # Largest groups first (top of the chart); ties by name so the order is stable.
    order = sorted(counts.index, key=lambda g: (-counts[g], g))
    fig = go.Figure()
    for i, group in enumerate(order):
        in_group = groups == group
        n_censored = int((in_group & ~observed).sum())
        fig.add_trace(
            go.Box(
                x=values[in_group & observed].to_numpy(),
                name=group,
                orientation="h",
                marker={"color": PALETTE[i % len(PALETTE)]},
                boxpoints="outliers",
                hoveron="boxes",
                showlegend=False,
                hovertemplate=(
                    f"<b>{group}</b><br>n = {int(counts[group]):,} ({n_censored:,} censored)"
                    f"<br>median %{{median:,.1f}} {short}"
                    f"<br>q1–q3 %{{q1:,.1f}}–%{{q3:,.1f}} {short}<extra></extra>"
                ),
            )
        )
    censored = ~observed
    if censored.any():
        fig.add_trace(
            go.Scatter(
                x=values[censored].to_numpy(),
                y=groups[censored].to_numpy(),
                customdata=ids[censored].astype("float64").to_numpy(),
                mode="markers",
                name="Censored (lower bound)",
                marker={"symbol": "x-thin-open", "size": 8, "color": CENSORED_COLOUR},
                hovertemplate=(
                    f"%{{y}}<br>conversation %{{customdata:.0f}}: still open after "
                    f"%{{x:,.1f}} {short}<extra></extra>"
                ),
            )
        )
    fig.update_yaxes(categoryorder="array", categoryarray=list(reversed(order)))
    return fig


@fill_doc
def plot_handling_time(
    result: pd.DataFrame, *, by: str | None = None, unit: str = "auto", title: str | None = None
) -> go.Figure:
    """Plot the distribution of handling time (time open and assigned).

    Parameters
    ----------
    result : pandas.DataFrame
        The result of :func:`dixa_analytics.handling_time`, per conversation or per agent.
    {by}
    {unit}
    {title}

    Returns
    -------
    {returns}

    Raises
    ------
    {raises}

    Examples
    --------
    >>> import pandas as pd
    >>> result = pd.DataFrame({
    ...     "conversation_id": [1, 2, 3], "handling_seconds": [600.0, 1500.0, 300.0],
    ...     "observed": [True, True, False], "queue_name": ["Billing", "Billing", "Sales"],
    ... })
    >>> fig = plot_handling_time(result)
    >>> fig.layout.xaxis.title.text, [t.name for t in fig.data]
    ('Handling time (min)', ['Observed (n=2)', 'Censored (n=1)'])
    >>> len(plot_handling_time(result, by="queue_name").data)  # two boxes + censored crosses
    3
    """
    pairs = "conversation_id" in result and result["conversation_id"].duplicated().any()
    return _duration_figure(
        result,
        seconds_col="handling_seconds",
        metric="handling_time",
        name="Handling time",
        plot="plot_handling_time",
        producer="dixa_analytics.handling_time(events)",
        by=by,
        unit=unit,
        title=title,
        noun="agent–conversation pair" if pairs else "conversation",
    )


@fill_doc
def plot_first_response(
    result: pd.DataFrame, *, by: str | None = None, unit: str = "auto", title: str | None = None
) -> go.Figure:
    """Plot the distribution of first response time (customer start to first agent reply).

    Parameters
    ----------
    result : pandas.DataFrame
        The result of :func:`dixa_analytics.first_response_time`.
    {by}
    {unit}
    {title}

    Returns
    -------
    {returns}

    Raises
    ------
    {raises}

    Examples
    --------
    >>> import pandas as pd
    >>> result = pd.DataFrame({
    ...     "conversation_id": [1, 2], "response_seconds": [120.0, 5400.0],
    ...     "observed": [True, True],
    ... })
    >>> plot_first_response(result, unit="hours").layout.xaxis.title.text
    'First response time (h)'
    """
    return _duration_figure(
        result,
        seconds_col="response_seconds",
        metric="first_response_time",
        name="First response time",
        plot="plot_first_response",
        producer="dixa_analytics.first_response_time(events)",
        by=by,
        unit=unit,
        title=title,
    )


@fill_doc
def plot_resolution(
    result: pd.DataFrame,
    *,
    by: str | None = None,
    which: str = "full",
    unit: str = "auto",
    title: str | None = None,
) -> go.Figure:
    """Plot the distribution of resolution time (creation to the first or last close).

    Parameters
    ----------
    result : pandas.DataFrame
        The result of :func:`dixa_analytics.resolution_time`.
    {by}
    which : {"full", "first"}
        ``"full"``: creation to the last close; ``"first"``: creation to the first close.
    {unit}
    {title}

    Returns
    -------
    {returns}

    Raises
    ------
    {raises}

    Examples
    --------
    >>> import pandas as pd
    >>> result = pd.DataFrame({
    ...     "conversation_id": [1, 2], "first_resolution_seconds": [3600.0, 7200.0],
    ...     "full_resolution_seconds": [3600.0, 90000.0], "observed": [True, True],
    ... })
    >>> plot_resolution(result, which="first").layout.xaxis.title.text
    'First resolution time (h)'
    """
    if which not in ("full", "first"):
        raise ValueError(f"which must be 'full' or 'first', not {which!r}")
    return _duration_figure(
        result,
        seconds_col=f"{which}_resolution_seconds",
        metric="resolution_time",
        name=f"{which.capitalize()} resolution time",
        plot="plot_resolution",
        producer="dixa_analytics.resolution_time(events)",
        by=by,
        unit=unit,
        title=title,
    )


@fill_doc
def plot_queue_wait(
    result: pd.DataFrame, *, by: str | None = None, unit: str = "auto", title: str | None = None
) -> go.Figure:
    """Plot the distribution of queue wait time (offered to a queue until assigned).

    Parameters
    ----------
    result : pandas.DataFrame
        The result of :func:`dixa_analytics.queue_wait_time`.
    {by}
    {unit}
    {title}

    Returns
    -------
    {returns}

    Raises
    ------
    {raises}

    Examples
    --------
    >>> import pandas as pd
    >>> result = pd.DataFrame({
    ...     "conversation_id": [1, 2], "wait_seconds": [30.0, 240.0],
    ...     "observed": [True, False], "queue_name": ["Billing", "Sales"],
    ... })
    >>> [t.name for t in plot_queue_wait(result, by="queue_name").data]
    ['Billing', 'Sales', 'Censored (lower bound)']
    """
    return _duration_figure(
        result,
        seconds_col="wait_seconds",
        metric="queue_wait_time",
        name="Queue wait time",
        plot="plot_queue_wait",
        producer="dixa_analytics.queue_wait_time(events)",
        by=by,
        unit=unit,
        title=title,
    )
