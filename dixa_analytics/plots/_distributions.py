"""How a distribution of durations is drawn: histograms (log-spaced when durations span
decades) and boxes per group, with censored durations always told apart from observed ones."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dixa_analytics._format import format_significant
from dixa_analytics.plots._style import CENSORED_COLOUR, OBSERVED_COLOUR, PALETTE, PLAIN_NUMBER

__all__ = ["boxes", "histogram", "log_histogram", "tail_cut", "wants_log_axis"]

BINS_PER_DECADE = 6


def wants_log_axis(values: pd.Series, *, zeros: bool = False) -> bool:
    """Whether the positive values span more than two orders of magnitude.

    With ``zeros=False`` any zero rules a log axis out (a box cannot start at log 0).
    """
    positive = values[values > 0]
    if positive.empty or (not zeros and len(positive) < len(values)):
        return False
    return float(positive.max()) / float(positive.min()) > 100


def tail_cut(values: pd.Series, reference: float | None) -> float | None:
    """Return ``reference`` as the axis end when longer values would squash the chart.

    Censored durations of conversations left open for weeks would otherwise stretch the axis
    so far that the observed distribution, the part that matters, becomes a sliver.
    """
    if reference is None or pd.isna(reference) or reference <= 0:
        return None
    return float(reference) if float(values.max()) > 1.5 * float(reference) else None


def log_histogram(values: pd.Series, observed: pd.Series, short: str) -> go.Figure:
    """Stacked bars over log-spaced bins (six per decade), for durations spanning decades.

    Zero durations are counted in the first bar.
    """
    median = float(values[observed].median()) if observed.any() else None
    positive = values[values > 0]
    steps = np.log10([positive.min(), positive.max()]) * BINS_PER_DECADE
    edges = 10 ** (np.arange(np.floor(steps[0]), np.ceil(steps[1]) + 1) / BINS_PER_DECADE)
    values = values.clip(lower=edges[0])
    ranges = [
        f"{format_significant(lo)}–{format_significant(hi)} {short}"
        for lo, hi in itertools.pairwise(edges)
    ]
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
                hovertemplate=f"%{{customdata}}<br>%{{y:,.0f}} {kind.lower()}<extra></extra>",
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


def histogram(
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
                hovertemplate=f"%{{x}} {short}<br>%{{y:,.0f}} {kind.lower()}<extra></extra>",
            )
        )
    # The hover's bin range, e.g. "1,000–1,050 min" (plotly would abbreviate it).
    fig.update_xaxes(hoverformat=PLAIN_NUMBER)
    if median is not None:
        _median_line(fig, median, f"{median:,.1f} {short}")
    return fig


def boxes(
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
