"""Plot of the backlog: open conversations at each period's end, stacked by group."""

from __future__ import annotations

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
    group_labels,
    incomplete_flags,
    mark_incomplete,
    no_data_figure,
    period_axis,
    period_names,
    period_starts,
)

__all__ = ["INCOMPLETE_PERIOD_NOTE", "plot_backlog"]

INCOMPLETE_PERIOD_NOTE = INCOMPLETE_NOTE

_VALUES = ("open", "created", "closed", "reopened", "complete")


@fill_doc
def plot_backlog(result: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """Plot the conversations open at each period's end, as bars stacked by group.

    Every column besides the backlog's own and ``period`` is a ``by`` column (``queue_name``…):
    one colour per group, labelled by its values joined with " · ". The hover text gives the
    period's created, closed and reopened counts; an incomplete period (``complete`` False:
    measured before its end, at ``as_of``, or starting before the window) is shaded and
    drawn lighter, with a note saying why.

    Parameters
    ----------
    result : pandas.DataFrame
        The result of :func:`dixa_analytics.backlog`.
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
    ...     "period": pd.period_range("2026-03-02", periods=2, freq="D").repeat(2),
    ...     "queue_name": ["Billing", "Sales"] * 2,
    ...     "open": [3, 1, 4, 0], "created": [3, 1, 2, 0], "closed": [0, 0, 1, 1],
    ...     "reopened": [0, 0, 0, 0], "complete": [True, True, False, False]})
    >>> fig = plot_backlog(result)
    >>> [t.name for t in fig.data], fig.layout.barmode
    (['Billing', 'Sales'], 'stack')
    """
    require_columns(
        result, _VALUES, name="result", source="the result of dixa_analytics.backlog(events)"
    )
    require_columns(result, ["period"], name="result", source="dixa_analytics.backlog(events)")
    by = [col for col in result.columns if col not in (*_VALUES, "period")]
    if title is None:
        title = "Backlog" + (f" by {', '.join(c.replace('_', ' ') for c in by)}" if by else "")
    if result.empty:
        return no_data_figure(title, "backlog")

    x = period_starts(result["period"])
    last = result["period"] == result["period"].max()
    latest_open = int(result.loc[last, "open"].astype("float64").sum())
    created = result["created"].astype("float64").sum()
    closed = result["closed"].astype("float64").sum()
    subtitle = (
        f"{format_count(latest_open, 'conversation')} open at the end · "
        f"{created:,.0f} created, {closed:,.0f} closes in all"
    )
    labels = group_labels(result, by) if by else pd.Series("All", index=result.index, dtype=object)
    customdata = pd.DataFrame(
        {
            "period": period_names(result["period"], incomplete_flags(result)),
            **{c: result[c].astype("float64") for c in ("created", "closed", "reopened")},
        }
    ).to_numpy(dtype=object)
    incomplete = incomplete_flags(result)
    fig = go.Figure()
    for i, group in enumerate(pd.unique(labels)):
        rows = (labels == group).to_numpy()
        fig.add_trace(
            go.Bar(
                x=x[rows].to_numpy(),
                y=result.loc[rows, "open"].astype("float64").to_numpy(),
                customdata=customdata[rows],
                name=group,
                marker={
                    "color": PALETTE[i % len(PALETTE)],
                    "opacity": [INCOMPLETE_OPACITY if c else 1.0 for c in incomplete[rows]],
                },
                hovertemplate=(
                    "<b>%{fullData.name}</b> %{customdata[0]}<br>%{y:,.0f} open at the end"
                    "<br>%{customdata[1]:,.0f} created, %{customdata[2]:,.0f} closed, "
                    "%{customdata[3]:,.0f} reopened<extra></extra>"
                ),
            )
        )
    fig.update_layout(
        base_layout(title, subtitle), barmode="stack", xaxis_title="Period (start date)"
    )
    fig.update_yaxes(title_text="Open conversations", rangemode="tozero")
    mark_incomplete(fig, result["period"], incomplete, INCOMPLETE_PERIOD_NOTE)
    period_axis(fig, result["period"])
    fig.add_annotation(**definition_annotation("backlog"))
    return fig
