"""Plot of CSAT: mean score and satisfied share over periods, one line per group."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dixa_analytics._format import format_count
from dixa_analytics.frames import require_columns
from dixa_analytics.plots._style import (
    INCOMPLETE_NOTE,
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

__all__ = ["plot_csat"]

_VALUES = (
    "ratings",
    "mean_score",
    "satisfied",
    "satisfied_share",
    "unscored",
    "offered",
    "responded",
    "response_rate",
)
_VALUES_AND_COMPLETE = (*_VALUES, "complete")


@fill_doc
def plot_csat(result: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """Plot CSAT: the mean score (1-5) above, the satisfied share (%) below.

    With a ``period`` column (``csat(events, freq=...)``) each group is a line over the
    periods' start dates; without one, each group is a horizontal bar, mean score on the left
    and satisfied share on the right (so twenty agents' names stay readable). The hover text
    gives the number of scored ratings behind each point (and the unscored ones), so a mean of
    two ratings is not read as one of two hundred. Every other column besides CSAT's own is a
    ``by`` column (``agent_name``, ``queue_name``…), labelled by its values joined with " · ".
    Incomplete periods (``complete`` False: the window or ``as_of`` cuts them) are shaded,
    their points faded, with a note saying why.

    Parameters
    ----------
    result : pandas.DataFrame
        The result of :func:`dixa_analytics.csat`.
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
    >>> from dixa_analytics.metrics import CSAT
    >>> from dixa_analytics.frames import conform
    >>> result = pd.concat([pd.DataFrame({
    ...     "period": pd.period_range("2026-03-02", periods=2, freq="W"),
    ...     "queue_name": ["Billing", "Billing"]}), conform(pd.DataFrame({
    ...     "ratings": [10, 12], "mean_score": [4.2, 3.9], "satisfied": [8, 8],
    ...     "satisfied_share": [0.8, 0.667], "unscored": [1, 0]}), CSAT)], axis=1)
    >>> fig = plot_csat(result)
    >>> [t.name for t in fig.data], fig.layout.yaxis.title.text
    (['Billing', 'Billing'], 'Mean score (1-5)')
    """
    require_columns(
        result, _VALUES, name="result", source="the result of dixa_analytics.csat(events)"
    )
    has_period = "period" in result.columns
    by = [col for col in result.columns if col not in (*_VALUES_AND_COMPLETE, "period")]
    if title is None:
        title = "CSAT" + (f" by {', '.join(c.replace('_', ' ') for c in by)}" if by else "")
    rows = result[result["ratings"].fillna(0) > 0]
    if rows.empty:
        return no_data_figure(title, "csat")

    ratings = rows["ratings"].astype("float64")
    satisfied = rows["satisfied"].astype("float64")
    mean = (rows["mean_score"].astype("float64") * ratings).sum() / ratings.sum()
    subtitle = (
        f"{format_count(ratings.sum(), 'rating')}, mean {mean:.2f} · "
        f"{satisfied.sum() / ratings.sum() * 100:.1f} % satisfied (4 or 5)"
    )
    labels = group_labels(rows, by) if by else pd.Series("All", index=rows.index, dtype=object)
    customdata = pd.DataFrame(
        {
            "when": period_names(rows["period"], incomplete_flags(rows)) if has_period else labels,
            "ratings": ratings,
            "unscored": rows["unscored"].astype("float64"),
            "satisfied": satisfied,
        }
    ).to_numpy(dtype=object)
    hover = (
        "<b>%{fullData.name}</b> %{customdata[0]}<br>{value}"
        "<br>%{customdata[3]:,.0f} satisfied of %{customdata[1]:,.0f} ratings"
        " (%{customdata[2]:,.0f} without a score)<extra></extra>"
    )
    if not has_period:
        return _bars(rows, labels, customdata, hover, base_layout(title, subtitle))
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08)
    x = period_starts(rows["period"])
    opacity = np.where(incomplete_flags(rows), INCOMPLETE_OPACITY, 1.0)
    for i, group in enumerate(pd.unique(labels)):
        mask = (labels == group).to_numpy()
        colour = PALETTE[i % len(PALETTE)]
        for row, column, value in (
            (1, "mean_score", "mean score %{y:.2f}"),
            (2, "satisfied_share", "satisfied %{y:.1f} %"),
        ):
            y = rows[column].astype("float64") * (100 if row == 2 else 1)
            common = {
                "x": x[mask].to_numpy(),
                "y": y[mask].to_numpy(),
                "customdata": customdata[mask],
                "name": group,
                "legendgroup": group,
                "showlegend": row == 1,
                "hovertemplate": hover.replace("{value}", value),
            }
            trace = go.Scatter(
                mode="lines+markers",
                line={"color": colour, "width": 2},
                marker={"opacity": opacity[mask].tolist(), "size": 8},
                **common,
            )
            fig.add_trace(trace, row=row, col=1)
    # Two panels stacked: tall enough that each axis title fits beside its own panel.
    fig.update_layout(base_layout(title, subtitle), height=560)
    fig.update_yaxes(title_text="Mean score (1-5)", range=[1, 5.1], row=1, col=1)
    fig.update_yaxes(title_text="Satisfied (%)", range=[0, 105], ticksuffix=" %", row=2, col=1)
    fig.update_xaxes(title_text="Period of the rating (start date)", row=2, col=1)
    mark_incomplete(fig, rows["period"], incomplete_flags(rows), INCOMPLETE_NOTE, row="all", col=1)
    period_axis(fig, rows["period"])  # both subplots' x axes
    fig.add_annotation(**definition_annotation("csat"))
    return fig


def _bars(
    rows: pd.DataFrame,
    labels: pd.Series,
    customdata: np.ndarray,
    hover: str,
    layout: dict,
) -> go.Figure:
    """One horizontal bar per group: mean score (left), satisfied share (right), the groups
    named once on the shared axis, top to bottom in the result's order; no legend needed."""
    fig = make_subplots(rows=1, cols=2, shared_yaxes=True, horizontal_spacing=0.05)
    names = labels.astype(str).to_numpy()
    for col, column, value, scale in (
        (1, "mean_score", "mean score %{x:.2f}", 1),
        (2, "satisfied_share", "satisfied %{x:.1f} %", 100),
    ):
        fig.add_trace(
            go.Bar(
                orientation="h",
                x=(rows[column].astype("float64") * scale).to_numpy(),
                y=names,
                customdata=customdata,
                marker={"color": PALETTE[0]},
                name="Mean score" if col == 1 else "Satisfied",
                showlegend=False,
                hovertemplate=hover.replace("%{fullData.name}", "%{y}").replace("{value}", value),
            ),
            row=1,
            col=col,
        )
    fig.update_layout(layout)
    # A readable row per group, however many agents there are.
    fig.update_layout(height=max(360, 170 + 26 * len(names)))
    fig.update_yaxes(autorange="reversed", automargin=True, row=1, col=1)
    fig.update_xaxes(title_text="Mean score (1-5)", range=[1, 5.1], row=1, col=1)
    fig.update_xaxes(title_text="Satisfied (%)", range=[0, 105], ticksuffix=" %", row=1, col=2)
    fig.add_annotation(**definition_annotation("csat"))
    return fig
