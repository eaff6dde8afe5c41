"""No figure writes a number in scientific notation, in its hover texts or on its axes.

Run on a sandbox organisation whose conversations stay open for weeks (many abandoned, many
pending, first replies waiting for the office to open), so that durations span decades and
reach the thousands of minutes, where ``1e+03–1.47e+03 min`` used to appear.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

import dixa_analytics as dxa
from dixa_analytics.metrics import CATALOGUE
from dixa_analytics.plots import figure
from dixa_analytics.report._compute import compute_report
from dixa_analytics.sandbox import Sandbox

# Python's "1e+03" and d3's "1e+3": a mantissa, an "e", a signed exponent.
SCIENTIFIC = re.compile(r"\d(?:\.\d+)?[eE][+-]\d+")
PLACEHOLDER = re.compile(r"%\{([^}:]+)(?::([^}]*))?\}")
# d3 formats that never write an exponent: fixed point, percent, integer.
FIXED = re.compile(r",?\.?\d*~?[fd%]")
TEXT_KEYS = ("text", "hovertext", "hovertemplate", "name", "ticktext", "customdata")


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    with (
        Sandbox(seed=11, conversations=400, abandon=0.3, pending=0.6, office_hours=0.9) as sb,
        dxa.connect(sandbox=sb, cache=False, progress=False) as client,
    ):
        org = sb.organisation
        return dxa.fetch_activitylog(start=org.start, end=org.end, client=client)


def report_figures(events: pd.DataFrame) -> list[go.Figure]:
    """The report's figures, as it draws them."""
    data = compute_report(events)
    return [
        figure(metric, result, **dict(view.figure))
        for metric in CATALOGUE.values()
        for view, result in zip(metric.views, data.results[metric.name], strict=True)
    ]


def more_figures(events: pd.DataFrame) -> list[go.Figure]:
    """The public duration plots, also in small units where the numbers get large."""
    resolution = dxa.resolution_time(events)
    first = dxa.first_response_time(events)
    return [
        dxa.plot_resolution(resolution, unit="minutes"),
        dxa.plot_resolution(resolution, which="first", unit="s"),
        dxa.plot_resolution(resolution, by="queue_name", unit="min"),
        dxa.plot_first_response(first, unit="min"),
        dxa.plot_handling_time(dxa.handling_time(events, per="agent"), by="agent_name"),
        dxa.plot_queue_wait(dxa.queue_wait_time(events), unit="s"),
        dxa.plot_survival(resolution, seconds="full_resolution_seconds", unit="min"),
        dxa.plot_survival(first, by="queue_name", target="1h", unit="s"),
    ]


@pytest.fixture(scope="module")
def figures(events) -> list[go.Figure]:
    return report_figures(events) + more_figures(events)


def texts(node: object, key: str = "") -> Iterator[tuple[str, str]]:
    """Every text the figure shows: (key, text) for titles, names, hover texts, tick texts,
    annotations and text custom data (colours and the template are not shown as text)."""
    if isinstance(node, dict):
        for k, value in node.items():
            if k != "template" and "color" not in k:
                yield from texts(value, k)
    elif isinstance(node, list | tuple | np.ndarray):
        for value in np.asarray(node, dtype=object).ravel():
            yield from texts(value, key)
    elif isinstance(node, str) and key in (*TEXT_KEYS, ""):
        yield key, node


def test_the_report_figures_have_long_durations(events) -> None:
    drawn = report_figures(events)
    assert len(drawn) >= 11
    log_axes = [f for f in drawn if f.layout.xaxis.type == "log"]
    assert len(log_axes) >= 3  # durations spanning decades: the log-binned histograms


def test_no_text_of_any_figure_is_in_scientific_notation(figures) -> None:
    shown = [(key, text) for fig in figures for key, text in texts(fig.to_plotly_json())]
    assert any("1,000" in text for _, text in shown)  # bin ranges reach the thousands
    scientific = [(key, text) for key, text in shown if SCIENTIFIC.search(text)]
    assert scientific == []


def _values(trace: go.BaseTraceType, field: str) -> list | None:
    """The values a hover placeholder reads from ``trace`` (None: a name, always text)."""
    if field.startswith("fullData."):
        return None
    match = re.fullmatch(r"(\w+)(?:\[(\d+)\])?", field)
    values = getattr(trace, match.group(1), None)
    if values is None:
        return []
    array = np.asarray(values, dtype=object)
    if match.group(2) is not None:
        array = array[:, int(match.group(2))]
    return list(array.ravel())


def test_every_number_in_a_hover_text_has_a_plain_format(figures) -> None:
    """Plotly formats a number without a format its own way ("1.2k", "1e+3"): each numeric
    placeholder states a fixed-point one, or its axis does (a histogram's bin range)."""
    checked = 0
    for fig in figures:
        for trace in fig.data:
            for field, spec in PLACEHOLDER.findall(trace.hovertemplate or ""):
                checked += 1
                if spec:
                    assert FIXED.fullmatch(spec), (trace.name, field, spec)
                    continue
                values = _values(trace, field)
                if values is None or all(isinstance(v, str) for v in values):
                    continue
                assert (trace.type, field) == ("histogram", "x"), (trace.name, field)
                assert FIXED.fullmatch(fig.layout.xaxis.hoverformat or ""), trace.name
    assert checked > 50


def test_every_axis_writes_its_numbers_in_full(figures) -> None:
    for fig in figures:
        template = fig.layout.template.layout
        assert template.xaxis.exponentformat == "none"
        assert template.yaxis.exponentformat == "none"
        for axis in [*fig.select_xaxes(), *fig.select_yaxes()]:
            assert axis.exponentformat in (None, "none")
            assert not SCIENTIFIC.search(" ".join(map(str, axis.ticktext or ())))
