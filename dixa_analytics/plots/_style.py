"""What every plot shares: colours, layout, labels, parameter docs.

Numbers and durations are written by :mod:`dixa_analytics._format`, as in the report and on the
command line. User-controlled strings (queue, agent and tag names) go through :func:`label`
before they reach a figure: plotly renders a subset of HTML in legends, titles and hover text,
so a name like ``<b>VIP</b>`` must be shown, not interpreted.
"""

from __future__ import annotations

import functools
import html
import math
import textwrap
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from dixa_analytics._format import MISSING_LABEL
from dixa_analytics.metrics import DEFINITIONS, PLAIN_DEFINITIONS

__all__ = [
    "CENSORED_COLOUR",
    "INCOMPLETE_NOTE",
    "INCOMPLETE_OPACITY",
    "OBSERVED_COLOUR",
    "PALETTE",
    "PLAIN_NUMBER",
    "base_layout",
    "definition",
    "definition_annotation",
    "fill_doc",
    "group_labels",
    "incomplete_flags",
    "label",
    "mark_incomplete",
    "nice_bin_size",
    "no_data_figure",
    "period_axis",
    "period_names",
    "period_starts",
]

#: How opaque a point or bar of an incomplete period is drawn (complete ones: 1).
INCOMPLETE_OPACITY = 0.45
#: The note of a figure with incomplete periods, saying why they are faded.
INCOMPLETE_NOTE = "shaded, faded: incomplete period<br>(the window or as_of cuts it)"
_SHADE = "#8a94a3"
_DAY_MS = 86_400_000

OBSERVED_COLOUR = "#3b6fd8"
CENSORED_COLOUR = "#e0912f"
# Colour-blind-safe qualitative palette (Okabe–Ito, without black/yellow which read poorly).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#999999", "#332288")

# A d3 number format for hover values that span decades (bin edges): thousands separated, at
# most two decimals, never scientific notation.
PLAIN_NUMBER = ",.2~f"

FONT = "-apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"

_F = TypeVar("_F", bound=Callable[..., Any])

# Parameter docs shared by the plot functions, written once and filled into their docstrings.
PARAM_DOCS: dict[str, str] = {
    "by": """by : str, optional
        A column of ``result`` to compare groups by, e.g. ``"queue_name"`` or ``"agent_name"``:
        one box per group (observed durations), censored durations drawn as crosses on top.
        Missing group values are shown as "(not set)". Default: one distribution for everything.""",
    "unit": """unit : {"auto", "seconds", "minutes", "hours", "days"}
        Display unit (or its short name: "s", "min", "h", "d"). ``"auto"`` picks minutes,
        hours or days from the median duration.""",
    "title": """title : str, optional
        Figure title; a descriptive default names the metric and the unit.""",
    "returns": """plotly.graph_objects.Figure
        A new figure (never shown). An empty ``result`` gives a figure with a "No data"
        annotation instead of an error.""",
    "raises": """ValueError
        If ``result`` lacks a column the plot needs; the message names the missing columns
        and the metric function whose result fits.
    TypeError
        If ``result`` is not a pandas DataFrame.""",
}


def fill_doc(func: _F) -> _F:
    """Replace ``{by}``, ``{unit}``… placeholders in ``func``'s docstring by :data:`PARAM_DOCS`."""
    doc = func.__doc__ or ""
    for key, text in PARAM_DOCS.items():
        doc = doc.replace("{" + key + "}", text)
    func.__doc__ = doc
    return func


def label(value: object) -> str:
    """Return a user-controlled value as safe figure text (HTML-escaped; nulls as "(not set)").

    Examples
    --------
    >>> label("<b>VIP</b>")
    '&lt;b&gt;VIP&lt;/b&gt;'
    >>> label(None)
    '(not set)'
    """
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return MISSING_LABEL
    # Quotes stay as they are: plotly text is never an attribute value.
    return html.escape(str(value), quote=False)


def group_labels(frame: pd.DataFrame, columns: Iterable[str]) -> pd.Series:
    """Return one escaped display label per row, joining several group columns with " · "."""
    columns = list(columns)
    parts = [frame[col].astype(object).map(label) for col in columns]
    out = parts[0]
    for part in parts[1:]:
        out = out + " · " + part
    return out.astype(object)


def definition(metric: str) -> str:
    """Return the plain-text definition of a metric, as the metrics state it."""
    return DEFINITIONS[metric]


def _wrapped(text: str) -> str:
    return "<br>".join(textwrap.wrap(html.escape(text, quote=False), width=70))


def definition_annotation(metric: str) -> dict[str, Any]:
    """Return a layout annotation "definition" whose hover text is the metric in one plain
    sentence (bold), then its exact definition."""
    return {
        "text": "<u>definition</u>",
        "hovertext": (
            f"<b>{_wrapped(PLAIN_DEFINITIONS[metric])}</b><br><br>"
            f"Exact definition: {_wrapped(definition(metric))}"
        ),
        "showarrow": False,
        "xref": "paper",
        "yref": "paper",
        "x": 1.0,
        "y": 1.0,
        "xanchor": "right",
        "yanchor": "bottom",
        "yshift": 10,
        "font": {"size": 12, "color": "#5b6472"},
        "hoverlabel": {"bgcolor": "white", "font": {"size": 12}},
    }


@functools.cache
def _template() -> go.layout.Template:
    """plotly_white, with every axis' numbers written out in full: "1,000", never "1k" or
    "1e+3" (durations in minutes reach the thousands, and log axes span decades)."""
    template = go.layout.Template(pio.templates["plotly_white"])
    for axis in (template.layout.xaxis, template.layout.yaxis):
        axis.update(exponentformat="none", separatethousands=True)
    return template


def base_layout(title: str, subtitle: str | None = None, **extra: Any) -> dict[str, Any]:
    """Return the shared layout: clean white template, system font, title with a small subtitle.

    ``subtitle`` may hold several lines separated by ``<br>``; the top margin grows with them.
    """
    text = title if not subtitle else f"{title}<br><sup>{subtitle}</sup>"
    lines = 0 if not subtitle else subtitle.count("<br>") + 1
    layout: dict[str, Any] = {
        "template": _template(),
        "title": {"text": text, "x": 0.0, "xanchor": "left", "font": {"size": 17}},
        "font": {"family": FONT, "size": 13, "color": "#1f2933"},
        "colorway": list(PALETTE),
        "margin": {"l": 60, "r": 24, "t": 64 + 16 * lines, "b": 96},
        # Below the axis title, where it cannot collide with the subtitle or the data.
        "legend": {"orientation": "h", "yanchor": "top", "y": -0.2, "x": 0.0, "xanchor": "left"},
        "hoverlabel": {"font": {"family": FONT}},
    }
    layout.update(extra)
    return layout


def no_data_figure(title: str, metric: str | None = None) -> go.Figure:
    """Return a figure holding only ``title`` and a centred "No data" annotation."""
    fig = go.Figure(layout=base_layout(title))
    fig.add_annotation(
        text="No data",
        showarrow=False,
        xref="paper",
        yref="paper",
        x=0.5,
        y=0.5,
        font={"size": 18, "color": "#7b8794"},
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    if metric is not None:
        fig.add_annotation(**definition_annotation(metric))
    return fig


def period_starts(periods: pd.Series) -> pd.Series:
    """Return the start timestamp of each period (for a date x axis)."""
    if isinstance(periods.dtype, pd.PeriodDtype):
        return periods.dt.start_time
    # Periods held in an object column (e.g. after a concat with mixed frequencies).
    return pd.Series([p.start_time for p in periods], index=periods.index)


def nice_bin_size(span: float, bins: int = 30) -> float:
    """Return a round bin width (1, 2 or 5 times a power of ten) giving about ``bins`` bins."""
    if not span > 0 or math.isinf(span):
        return 1.0
    raw = span / bins
    power = 10 ** math.floor(math.log10(raw))
    for step in (1, 2, 5, 10):
        if raw <= step * power:
            return float(step * power)
    return float(10 * power)


def incomplete_flags(result: pd.DataFrame) -> np.ndarray:
    """Per row, whether its period is incomplete (``complete`` is False). A missing value, or
    no ``complete`` column (a result made by hand), claims nothing: the row is not marked."""
    if "complete" not in result.columns:
        return np.zeros(len(result), dtype=bool)
    return ~result["complete"].fillna(True).astype(bool).to_numpy()


def mark_incomplete(
    fig: go.Figure,
    periods: pd.Series,
    incomplete: np.ndarray,
    note: str = INCOMPLETE_NOTE,
    **where: Any,
) -> None:
    """Shade the incomplete periods' spans on ``fig`` and say why, above the plot at its left
    (the definition link is at its right), with room made for the note in the top margin.

    ``where`` is passed to ``add_vrect`` (``row="all"`` on a figure of subplots). The points
    or bars themselves are faded by their traces (:data:`INCOMPLETE_OPACITY`).
    """
    cut = pd.Series(periods[incomplete].unique())
    if cut.empty:
        return
    for start, end in zip(period_starts(cut), period_ends(cut), strict=True):
        fig.add_vrect(
            x0=start, x1=end, fillcolor=_SHADE, opacity=0.15, line_width=0, layer="below", **where
        )
    fig.add_annotation(
        x=0,
        xref="paper",
        y=1,
        yref="paper",
        xanchor="left",
        yanchor="bottom",
        align="left",
        text=note,
        showarrow=False,
        font={"size": 11, "color": "#5b6472"},
    )
    # Above the plot, not over its data: the top margin grows by the note's lines.
    top = fig.layout.margin.t if fig.layout.margin.t is not None else 80
    fig.update_layout(margin_t=top + 15 * (note.count("<br>") + 1))


def period_ends(periods: pd.Series) -> pd.Series:
    """The start of the period after each (the end of its span on a date axis)."""
    return pd.Series([(p + 1).start_time for p in periods], index=periods.index)


def period_axis(fig: go.Figure, periods: pd.Series) -> None:
    """Put the x ticks of a weekly or monthly axis on the periods' own starts.

    Plotly's automatic date ticks fall on Sundays, whatever day the weeks start on; a week
    (Monday to Sunday by default) is labelled by its first day instead, every ``n`` weeks
    (or months) so that about a dozen ticks show.
    """
    dtype = periods.dtype
    if not isinstance(dtype, pd.PeriodDtype) or periods.empty:
        return
    first, last = periods.min(), periods.max()
    count = (last - first).n + 1
    step = max(1, math.ceil(count / 12))
    offset = dtype.freq
    if isinstance(offset, pd.offsets.Week):
        dtick: int | str = step * 7 * _DAY_MS
        tickformat = "%b %d"
    elif isinstance(offset, pd.offsets.MonthEnd | pd.offsets.QuarterEnd):
        dtick = f"M{step * (3 if isinstance(offset, pd.offsets.QuarterEnd) else 1)}"
        tickformat = "%b %Y"
    else:
        return  # days (or finer): plotly's own ticks are on day starts
    fig.update_xaxes(tick0=first.start_time.isoformat(), dtick=dtick, tickformat=tickformat)


def period_names(periods: pd.Series, incomplete: np.ndarray) -> pd.Series:
    """Each period as text for hover labels, " (incomplete)" after those that are."""
    names = periods.astype(str)
    return names.where(~incomplete, names + " (incomplete)")
