"""Figures in notebooks: setup_notebook's renderer, and nothing changed outside a kernel."""

from __future__ import annotations

import re

import plotly.graph_objects as go
import plotly.io as pio

import dixa_analytics as dxa
from dixa_analytics.plots._notebook import NOTEBOOK_RENDERER, _OfflineHtml


def test_outside_a_kernel_it_changes_nothing() -> None:
    before = pio.renderers.default
    dxa.setup_notebook()
    assert pio.renderers.default == before
    assert NOTEBOOK_RENDERER not in pio.renderers


def test_a_figure_as_html_draws_itself_and_loads_nothing() -> None:
    fig = go.Figure(go.Bar(x=["Support", "Billing"], y=[3, 5]))
    html = _OfflineHtml().to_mimebundle(fig.to_dict())["text/html"]
    div = re.search(r'<div id="([^"]+)" class="plotly-graph-div"', html)
    assert div is not None
    assert re.search(rf'Plotly\.newPlot\(\s*"{div[1]}"', html)
    assert '"Billing"' in html
    assert "<script src" not in html  # no MathJax, no plotly.js from a CDN
    assert "plotly.js v" not in html  # plotly.js comes once, from setup_notebook's own output
