"""Plot of tag trends: one share line per tag over the creation periods."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dixa_analytics._format import format_count
from dixa_analytics.frames import require_columns
from dixa_analytics.plots._style import (
    INCOMPLETE_NOTE,
    INCOMPLETE_OPACITY,
    PALETTE,
    base_layout,
    definition_annotation,
    fill_doc,
    incomplete_flags,
    label,
    mark_incomplete,
    no_data_figure,
    period_axis,
    period_names,
    period_starts,
)

__all__ = ["plot_tag_trends"]

_COLUMNS = ("period", "tag", "conversations", "cohort_size", "share")


@fill_doc
def plot_tag_trends(
    result: pd.DataFrame, *, top: int | None = 8, title: str | None = None
) -> go.Figure:
    """Plot each tag's share of the conversations created per period, one line per tag.

    Incomplete periods (``complete`` False: the window or ``as_of`` cuts them) are shaded,
    their points faded, with a note saying why.

    Parameters
    ----------
    result : pandas.DataFrame
        The result of :func:`dixa_analytics.tag_trends`.
    top : int or None
        Draw only the ``top`` tags added to most conversations over all periods (ties by tag
        name); ``None`` draws every tag. Lines are ordered from most to least used.
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
    >>> periods = pd.period_range("2026-03-02", periods=2, freq="W")
    >>> result = pd.DataFrame({
    ...     "period": periods.repeat(2), "tag": ["billing", "bug"] * 2,
    ...     "conversations": [5, 1, 4, 3], "cohort_size": [20, 20, 25, 25],
    ...     "share": [0.25, 0.05, 0.16, 0.12],
    ... })
    >>> fig = plot_tag_trends(result, top=1)
    >>> [t.name for t in fig.data], fig.layout.yaxis.title.text
    (['billing'], 'Share of conversations (%)')
    """
    require_columns(
        result,
        _COLUMNS,
        name="result",
        source="the result of dixa_analytics.tag_trends(events)",
    )
    if top is not None and (isinstance(top, bool) or not isinstance(top, int) or top < 1):
        raise ValueError(f"top must be a positive int or None, not {top!r}")
    frame = result.loc[result["tag"].notna()]
    if frame.empty:
        return no_data_figure("Tag trends" if title is None else title, "tag_trends")

    totals = frame.groupby("tag", observed=True, sort=True)["conversations"].sum()
    ranked = sorted(totals.index, key=lambda tag: (-totals[tag], tag))
    tags = ranked if top is None else ranked[:top]
    if title is None:
        # Only claim a "top N" when tags were left out, and never more tags than drawn.
        title = "Tag trends" if len(tags) == len(ranked) else f"Tag trends (top {len(tags)} tags)"
    cohorts = frame.drop_duplicates("period")["cohort_size"].astype("float64").sum()
    subtitle = f"share of the {format_count(cohorts, 'conversation')} created in each period"
    x = period_starts(frame["period"])
    incomplete = incomplete_flags(frame)
    opacity = np.where(incomplete, INCOMPLETE_OPACITY, 1.0)
    fig = go.Figure()
    for i, tag in enumerate(tags):
        rows = (frame["tag"] == tag).to_numpy()
        part = frame.loc[rows]
        customdata = pd.DataFrame(
            {
                "period": period_names(part["period"], incomplete[rows]),
                "conversations": part["conversations"].astype("float64"),
                "cohort": part["cohort_size"].astype("float64"),
            }
        ).to_numpy(dtype=object)
        fig.add_trace(
            go.Scatter(
                x=x[rows].to_numpy(),
                y=(part["share"].astype("float64") * 100).to_numpy(),
                customdata=customdata,
                mode="lines+markers",
                name=label(tag),
                line={"color": PALETTE[i % len(PALETTE)], "width": 2},
                marker={"opacity": opacity[rows].tolist(), "size": 8},
                hovertemplate=(
                    "<b>%{fullData.name}</b> %{customdata[0]}<br>share %{y:.1f} %"
                    "<br>%{customdata[1]:,.0f} of %{customdata[2]:,.0f} conversations"
                    "<extra></extra>"
                ),
            )
        )
    fig.update_layout(
        base_layout(title, subtitle),
        xaxis_title="Period of creation (start date)",
        legend={"orientation": "v", "y": 1.0, "yanchor": "top", "x": 1.02, "xanchor": "left"},
    )
    fig.update_yaxes(title_text="Share of conversations (%)", rangemode="tozero", ticksuffix=" %")
    mark_incomplete(fig, frame["period"], incomplete, INCOMPLETE_NOTE)
    period_axis(fig, frame["period"])
    fig.add_annotation(**definition_annotation("tag_trends"))
    return fig
