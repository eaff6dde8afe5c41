"""Plot of the reopen rate: a line per group over periods, or bars when there are no periods."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dixa_analytics._format import format_count
from dixa_analytics.frames import require_columns
from dixa_analytics.plots._style import (
    INCOMPLETE_OPACITY,
    PALETTE,
    base_layout,
    definition_annotation,
    fill_doc,
    group_labels,
    incomplete_flags,
    mark_incomplete,
    no_data_figure,
    period_axis,
    period_names,
    period_starts,
)

__all__ = ["LATEST_PERIOD_NOTE", "plot_reopen_rate"]

LATEST_PERIOD_NOTE = (
    "shaded, faded: incomplete period<br>(cut by the window or as_of, or reopens may still come)"
)

_REQUIRED = ("closed", "reopened", "reopen_rate")
_VALUES = (*_REQUIRED, "complete")


@fill_doc
def plot_reopen_rate(result: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """Plot the reopen rate in percent, with closed and reopened counts in the hover text.

    With a ``period`` column (``reopen_rate(events, freq=...)``) the rate is drawn as lines over
    the periods' start dates, and the incomplete periods (``complete`` False) are shaded with
    faded points and a note saying why (when ``complete`` is missing, the latest period,
    whose reopens may still come); without one, as one bar per group. Every other column
    besides ``closed``, ``reopened``, ``reopen_rate`` and ``complete`` is a ``by`` column:
    one line (or bar) per group, labelled by its values joined with " · ".

    Parameters
    ----------
    result : pandas.DataFrame
        The result of :func:`dixa_analytics.reopen_rate`.
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
    ...     "period": pd.period_range("2026-03-02", periods=2, freq="W"),
    ...     "queue_name": ["Billing", "Billing"],
    ...     "closed": [40, 50], "reopened": [4, 3], "reopen_rate": [0.1, 0.06],
    ... })
    >>> fig = plot_reopen_rate(result)
    >>> [t.name for t in fig.data], fig.layout.yaxis.title.text
    (['Billing'], 'Reopen rate (%)')
    """
    require_columns(
        result,
        _REQUIRED,
        name="result",
        source="the result of dixa_analytics.reopen_rate(events)",
    )
    has_period = "period" in result.columns
    by = [col for col in result.columns if col not in (*_VALUES, "period")]
    if title is None:
        title = "Reopen rate" + (f" by {', '.join(c.replace('_', ' ') for c in by)}" if by else "")
    if result.empty:
        return no_data_figure(title, "reopen_rate")

    closed = result["closed"].astype("float64")
    reopened = result["reopened"].astype("float64")
    total_rate = reopened.sum() / closed.sum() if closed.sum() else float("nan")
    closed_text = format_count(closed.sum(), "closed conversation")
    subtitle = f"{int(reopened.sum()):,} of {closed_text} reopened" + (
        f" ({total_rate * 100:.1f} %)" if not np.isnan(total_rate) else ""
    )
    percent = result["reopen_rate"].astype("float64") * 100
    labels = group_labels(result, by) if by else pd.Series("All", index=result.index, dtype=object)
    incomplete = incomplete_flags(result)
    if has_period and ("complete" not in result.columns or result["complete"].isna().all()):
        # A result made by hand: its latest period has had the least time to be reopened.
        incomplete = (result["period"] == result["period"].max()).to_numpy()
    customdata = pd.DataFrame(
        {
            "when": period_names(result["period"], incomplete) if has_period else labels,
            "reopened": result["reopened"].astype("float64"),
            "closed": closed,
        }
    ).to_numpy(dtype=object)
    hover = (
        "<b>%{fullData.name}</b> %{customdata[0]}<br>reopen rate %{y:.1f} %"
        "<br>%{customdata[1]:,.0f} reopened of %{customdata[2]:,.0f} closed<extra></extra>"
    )
    fig = go.Figure()
    if has_period:
        x = period_starts(result["period"])
        opacity = np.where(incomplete, INCOMPLETE_OPACITY, 1.0)
        # Groups in order of first appearance keep the colours stable across calls.
        for i, group in enumerate(pd.unique(labels)):
            rows = (labels == group).to_numpy()
            fig.add_trace(
                go.Scatter(
                    x=x[rows].to_numpy(),
                    y=percent[rows].to_numpy(),
                    customdata=customdata[rows],
                    mode="lines+markers",
                    name=group,
                    line={"color": PALETTE[i % len(PALETTE)], "width": 2},
                    marker={"opacity": opacity[rows].tolist(), "size": 8},
                    hovertemplate=hover,
                )
            )
        fig.update_layout(
            base_layout(title, subtitle), xaxis_title="Period of first close (start date)"
        )
        mark_incomplete(fig, result["period"], incomplete, LATEST_PERIOD_NOTE)
        period_axis(fig, result["period"])
    else:
        fig.add_trace(
            go.Bar(
                x=labels.to_numpy(),
                y=percent.to_numpy(),
                customdata=customdata,
                name="Reopen rate",
                marker={"color": PALETTE[0]},
                text=[f"{v:.1f} %" for v in percent],
                textposition="outside",
                hovertemplate=hover.replace("%{fullData.name}", "%{x}").replace(
                    " %{customdata[0]}", ""
                ),
            )
        )
        fig.update_layout(base_layout(title, subtitle), xaxis_title=None, showlegend=False)
    fig.update_yaxes(title_text="Reopen rate (%)", rangemode="tozero", ticksuffix=" %")
    fig.add_annotation(**definition_annotation("reopen_rate"))
    return fig
