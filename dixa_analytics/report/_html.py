"""The report's HTML pieces: escaping, tables, cards, sections and figures.

Every piece of text that comes from the data (names, tags, subjects, the title) is escaped here
(control characters such as NUL, which HTML does not allow, become U+FFFD); figure JSON is
embedded with ``<``, ``>`` and ``&`` written as ``\\u`` escapes so no string inside it can
close the ``<script>`` element. Figure ids are numbered in document order, so the same inputs
give the same page.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Sequence

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from dixa_analytics.metrics import Metric

__all__ = ["Figures", "card", "escape", "figure_grid", "section", "table", "when"]

FIGURE_CONFIG = {"responsive": True, "displaylogo": False}
# Characters that could end a <script> element or start an HTML construct inside it; in JSON
# they only occur inside strings, where the \u form means the same thing.
_SCRIPT_SAFE = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


def escape(value: object) -> str:
    """HTML-escape any value for text or attribute context.

    Control characters that HTML does not allow in text (NUL and the other C0 controls but
    tab, line feed and carriage return) become U+FFFD, as a browser would show them.

    Examples
    --------
    >>> escape('<b>"VIP"\\x00</b>') == '&lt;b&gt;&quot;VIP&quot;\\ufffd&lt;/b&gt;'
    True
    """
    return html.escape(_NOT_HTML.sub("\ufffd", str(value)), quote=True)


# C0 controls but \t, \n and \r, and DEL: not allowed as text in an HTML document.
_NOT_HTML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def when(ts: pd.Timestamp | None) -> str:
    return "—" if ts is None else ts.strftime("%Y-%m-%d %H:%M UTC")


class Figures:
    """Numbers figures in document order and renders each as a div plus its script."""

    def __init__(self) -> None:
        self.count = 0

    def render(self, fig: go.Figure) -> str:
        self.count += 1
        div_id = f"figure-{self.count}"
        spec = pio.to_json(fig, validate=False).translate(_SCRIPT_SAFE)
        config = json.dumps(FIGURE_CONFIG)
        return (
            f'<div class="figure plotly-graph-div" id="{div_id}"></div>\n'
            # Drawn once the page is laid out, so each figure takes its grid cell's width.
            f'<script>document.addEventListener("DOMContentLoaded", function () {{ var f = {spec}; '
            f'Plotly.newPlot("{div_id}", f.data, f.layout, {config}); }});</script>'
        )


def table(
    columns: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    numeric: Iterable[int] = (),
    groups: Sequence[tuple[str, int]] | None = None,
    text: Iterable[int] = (),
    empty: str = "No data.",
) -> str:
    """Render an HTML table; every header and cell is escaped here."""
    numeric, text = set(numeric), set(text)
    rows = list(rows)
    if not rows:
        return f'<p class="empty">{escape(empty)}</p>'

    def cls(i: int) -> str:
        return ' class="num"' if i in numeric else (' class="text"' if i in text else "")

    head = ""
    if groups:
        head += (
            '<tr class="group">'
            + "".join(f'<th colspan="{span}">{escape(name)}</th>' for name, span in groups)
            + "</tr>"
        )
    heads = "".join(f"<th{cls(i)}>{escape(c)}</th>" for i, c in enumerate(columns))
    head += f"<tr>{heads}</tr>"
    body = "".join(
        "<tr>" + "".join(f"<td{cls(i)}>{escape(v)}</td>" for i, v in enumerate(row)) + "</tr>"
        for row in rows
    )
    return (
        f'<div class="table-scroll"><table><thead>{head}</thead><tbody>{body}</tbody></table></div>'
    )


def card(label: str, value: str, detail: str, *, metric: Metric | None) -> str:
    tip = f' title="{escape(metric.plain_definition)}"' if metric else ""
    link = f' · <a href="#{metric.anchor}">definition</a>' if metric else ""
    return (
        f'<div class="card"{tip}><div class="label">{escape(label)}</div>'
        f'<div class="value">{escape(value)}</div>'
        f'<div class="detail">{detail}{link}</div></div>'
    )


def section(anchor: str, title: str, text: str, *parts: str, definition: str | None = None) -> str:
    """A titled section: ``text`` in plain words first, then the exact ``definition`` (if any)
    folded behind "Exact definition", then ``parts``."""
    exact = (
        ""
        if definition is None
        else '<details class="definition"><summary>Exact definition</summary>'
        f"<p>{escape(definition)}</p></details>"
    )
    return (
        f'<section class="metric" id="{escape(anchor)}"><h2>{escape(title)}</h2>'
        f'<p class="plain">{escape(text)}</p>{exact}' + "".join(parts) + "</section>"
    )


def figure_grid(figures: Figures, *figs: go.Figure) -> str:
    return '<div class="figures">' + "".join(figures.render(f) for f in figs) + "</div>"
