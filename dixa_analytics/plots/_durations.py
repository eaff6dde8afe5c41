"""Distribution plots of the duration metrics: handling, first response, resolution, queue wait.

Every duration frame has a seconds column and ``observed``. Censored durations (the
conversation was still open at ``as_of``) are lower bounds: they are drawn, never dropped, and
always told apart from observed ones (hatched bars, or crosses next to the boxes). One figure,
:func:`duration_figure`, draws every duration metric from its catalogue entry; the public
``plot_*`` functions name the metric.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dixa_analytics._format import UNITS, choose_unit, format_count
from dixa_analytics.frames import require_columns
from dixa_analytics.metrics import CATALOGUE, Metric
from dixa_analytics.plots._distributions import (
    boxes,
    histogram,
    log_histogram,
    tail_cut,
    wants_log_axis,
)
from dixa_analytics.plots._style import (
    base_layout,
    definition_annotation,
    fill_doc,
    group_labels,
    nice_bin_size,
    no_data_figure,
)

__all__ = [
    "duration_figure",
    "plot_first_response",
    "plot_handling_time",
    "plot_queue_wait",
    "plot_resolution",
]


def duration_figure(
    result: pd.DataFrame,
    metric: Metric,
    *,
    seconds: str | None = None,
    by: str | None = None,
    unit: str = "auto",
    title: str | None = None,
) -> go.Figure:
    """Draw the distribution of a duration metric, overall or one box per ``by`` group.

    ``seconds`` is one of the metric's duration columns (default: the one its summaries
    state); the figure is named after it (``metric.durations``).
    """
    seconds_col = seconds or metric.seconds
    if seconds_col not in metric.durations:
        known = ", ".join(metric.durations)
        raise ValueError(f"seconds must be one of {known} for {metric.name}, not {seconds!r}")
    name = metric.durations[seconds_col]
    require_columns(
        result,
        [seconds_col, "observed", *([by] if by else [])],
        name="result",
        source=f"the result of dixa_analytics.{metric.name}(events)",
    )
    # One row per conversation, or per agent and conversation (handling time per agent).
    pairs = "conversation_id" in result and result["conversation_id"].duplicated().any()
    noun = f"agent–{metric.noun} pair" if pairs else metric.noun
    frame = result.loc[result[seconds_col].notna()]
    unit = choose_unit(frame[seconds_col], unit)
    per, short = UNITS[unit]
    if title is None:
        title = name if by is None else f"{name} by {by.replace('_', ' ')}"
    if frame.empty:
        return no_data_figure(title, metric.name)

    values = frame[seconds_col].astype("float64") / per
    observed = frame["observed"].fillna(False).astype(bool)
    n_censored = int((~observed).sum())
    counted = format_count(len(frame), noun)
    subtitle = f"{counted}, {n_censored:,} censored (still open at as_of: lower bounds)"
    axis_title = f"{name} ({short})"
    if by is None:
        extra = {}
        if wants_log_axis(values, zeros=True):
            fig = log_histogram(values, observed, short)
            axis_title = f"{name} ({short}, log scale)"
            extra = {"xaxis_type": "log"}
            n_zero = int((values <= 0).sum())
            if n_zero:
                subtitle += f"<br>the first bar includes {n_zero:,} of zero length"
        else:
            cut = tail_cut(values, values[observed].quantile(0.95) if observed.any() else None)
            size = nice_bin_size(cut if cut is not None else float(values.max()))
            # Durations past the cut go to one last bar, starting on a bin edge.
            edge = None if cut is None else (cut // size + 1) * size
            fig = histogram(values, observed, short, size, edge)
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
        fig = boxes(values, observed, group_labels(frame, [by]), frame["conversation_id"], short)
        if wants_log_axis(values):
            # Minutes to weeks in one chart: a log axis keeps every group's box readable.
            fig.update_xaxes(type="log")
            axis_title = f"{name} ({short}, log scale)"
        else:
            cut = tail_cut(values, values[observed].max() if observed.any() else None)
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
    fig.add_annotation(**definition_annotation(metric.name))
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
    return duration_figure(result, CATALOGUE["handling_time"], by=by, unit=unit, title=title)


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
    return duration_figure(result, CATALOGUE["first_response_time"], by=by, unit=unit, title=title)


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
    return duration_figure(
        result,
        CATALOGUE["resolution_time"],
        seconds=f"{which}_resolution_seconds",
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
    return duration_figure(result, CATALOGUE["queue_wait_time"], by=by, unit=unit, title=title)
