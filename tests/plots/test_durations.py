"""Duration plots: traces, units, censored items, groups, hover text, empty and bad input."""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go
import pytest

from dixa_analytics.frames import conform, empty
from dixa_analytics.metrics import (
    DEFINITIONS,
    FIRST_RESPONSE,
    HANDLING_AGENT,
    HANDLING_CONVERSATION,
    PLAIN_DEFINITIONS,
    QUEUE_WAIT,
    RESOLUTION,
)
from dixa_analytics.plots import (
    plot_first_response,
    plot_handling_time,
    plot_queue_wait,
    plot_resolution,
)


def handling(seconds, observed, queues=None, agents=None) -> pd.DataFrame:
    n = len(seconds)
    return conform(
        pd.DataFrame(
            {
                "conversation_id": range(1, n + 1),
                "handling_seconds": seconds,
                "observed": observed,
                "queue_name": queues or ["Support"] * n,
                "agent_name": agents or ["Ana"] * n,
            }
        ),
        HANDLING_CONVERSATION,
    )


def title_text(fig: go.Figure) -> str:
    return fig.layout.title.text


def hover_parts(fig: go.Figure) -> tuple[str, str]:
    """The definition note's hover text: its plain sentence (bold) and its exact definition."""
    (note,) = [a for a in fig.layout.annotations if a.text == "<u>definition</u>"]
    plain, exact = note.hovertext.split("<br><br>")
    assert plain.startswith("<b>")
    assert plain.endswith("</b>")
    assert exact.startswith("Exact definition: ")
    plain, exact = plain[3:-4], exact.removeprefix("Exact definition: ")
    return tuple(html.unescape(text.replace("<br>", " ")) for text in (plain, exact))


def definition_hover(fig: go.Figure) -> str:
    return hover_parts(fig)[1]


def test_histogram_separates_observed_and_censored():
    result = handling([600.0, 1200.0, 1800.0, 900.0], [True, True, True, False])
    fig = plot_handling_time(result)
    assert [t.type for t in fig.data] == ["histogram", "histogram"]
    assert [t.name for t in fig.data] == ["Observed (n=3)", "Censored (n=1)"]
    observed, censored = fig.data
    assert list(observed.x) == [10.0, 20.0, 30.0]  # minutes
    assert list(censored.x) == [15.0]
    assert censored.marker.pattern.shape == "/"
    assert not observed.marker.pattern.shape
    assert observed.xbins == censored.xbins  # same bins, so the stack lines up
    assert fig.layout.barmode == "stack"
    assert fig.layout.xaxis.title.text == "Handling time (min)"
    assert fig.layout.yaxis.title.text == "Conversations"
    assert "4 conversations, 1 censored" in title_text(fig)
    assert "min" in observed.hovertemplate
    assert "observed" in observed.hovertemplate


def test_subtitle_of_one_conversation_is_singular():
    fig = plot_handling_time(handling([600.0], [False]))
    assert "1 conversation, 1 censored" in title_text(fig)


def test_median_line_marks_observed_median():
    fig = plot_handling_time(handling([600.0, 1200.0, 1800.0], [True, True, True]))
    (line,) = fig.layout.shapes
    assert line.x0 == line.x1 == 20.0
    assert any("median of observed: 20.0 min" in (a.text or "") for a in fig.layout.annotations)


@pytest.mark.parametrize(
    ("seconds", "unit", "label", "first"),
    [
        ([30.0, 90.0, 120.0], "auto", "min", 0.5),
        ([7200.0, 10800.0], "auto", "h", 2.0),
        ([3 * 86400.0, 5 * 86400.0], "auto", "d", 3.0),
        ([7200.0, 10800.0], "minutes", "min", 120.0),
        ([7200.0, 10800.0], "seconds", "s", 7200.0),
        ([7200.0, 10800.0], "days", "d", 7200.0 / 86400),
    ],
)
def test_unit_choice_scales_values_and_axis_title(seconds, unit, label, first):
    fig = plot_handling_time(handling(seconds, [True] * len(seconds)), unit=unit)
    assert fig.layout.xaxis.title.text == f"Handling time ({label})"
    assert fig.data[0].x[0] == pytest.approx(first)


def test_unknown_unit_is_rejected():
    with pytest.raises(ValueError, match="unit must be"):
        plot_handling_time(handling([60.0], [True]), unit="weeks")


def test_long_censored_tail_goes_to_a_last_bar():
    seconds = [60.0 * m for m in range(10, 30)] + [200 * 60.0]  # one left open for long
    fig = plot_handling_time(handling(seconds, [True] * 20 + [False]))
    observed, censored = fig.data
    edge = observed.xbins.end - observed.xbins.size
    assert max(censored.x) < observed.xbins.end  # drawn, in the last bar
    assert censored.x[0] >= edge
    assert "the last bar holds the 2 longest" in title_text(fig)
    assert observed.xbins.end < 40  # minutes: the axis is not stretched to 200


def test_by_group_draws_one_box_per_group_and_censored_crosses():
    result = handling(
        [600.0, 1200.0, 300.0, 900.0, 2400.0],
        [True, True, True, True, False],
        queues=["Billing", "Billing", "Sales", "Billing", None],
    )
    fig = plot_handling_time(result, by="queue_name")
    boxes = [t for t in fig.data if t.type == "box"]
    assert [b.name for b in boxes] == ["Billing", "(not set)", "Sales"]  # largest group first
    assert list(boxes[0].x) == [10.0, 20.0, 15.0]
    assert len(boxes[1].x) == 0  # its only conversation is censored
    (crosses,) = [t for t in fig.data if t.type == "scatter"]
    assert crosses.name == "Censored (lower bound)"
    assert list(crosses.x) == [40.0]
    assert list(crosses.y) == ["(not set)"]
    assert "n = 3 (0 censored)" in boxes[0].hovertemplate
    assert "n = 1 (1 censored)" in boxes[1].hovertemplate
    assert "%{median" in boxes[0].hovertemplate
    assert fig.layout.title.text.startswith("Handling time by queue name")
    assert list(fig.layout.yaxis.categoryarray) == ["Sales", "(not set)", "Billing"]


def test_by_group_without_censored_has_no_cross_trace():
    result = handling([600.0, 1200.0], [True, True], queues=["A", "B"])
    fig = plot_handling_time(result, by="queue_name")
    assert [t.type for t in fig.data] == ["box", "box"]


def test_group_names_are_escaped():
    result = handling([600.0], [True], agents=["<b>Boss</b>"])
    fig = plot_handling_time(result, by="agent_name")
    assert fig.data[0].name == "&lt;b&gt;Boss&lt;/b&gt;"
    assert "<b>Boss</b>" not in fig.to_json()


def test_per_agent_frame_counts_pairs():
    result = conform(
        pd.DataFrame(
            {
                "conversation_id": [1, 1, 2],
                "agent_id": ["a1", "a2", "a1"],
                "agent_name": ["Ana", "Bo", "Ana"],
                "handling_seconds": [600.0, 300.0, 900.0],
                "observed": [True, True, True],
            }
        ),
        HANDLING_AGENT,
    )
    fig = plot_handling_time(result, by="agent_name")
    assert [t.name for t in fig.data] == ["Ana", "Bo"]
    assert "3 agent–conversation pairs" in title_text(fig)


def test_definition_is_one_hover_away():
    fig = plot_handling_time(handling([600.0], [True]))
    assert hover_parts(fig) == (PLAIN_DEFINITIONS["handling_time"], DEFINITIONS["handling_time"])


def test_first_response_resolution_and_queue_wait():
    first = conform(
        pd.DataFrame({"conversation_id": [1], "response_seconds": [120.0], "observed": [True]}),
        FIRST_RESPONSE,
    )
    fig = plot_first_response(first)
    assert fig.layout.xaxis.title.text == "First response time (min)"
    assert definition_hover(fig) == DEFINITIONS["first_response_time"]

    resolution = conform(
        pd.DataFrame(
            {
                "conversation_id": [1, 2],
                "first_resolution_seconds": [3600.0, 600.0],
                "full_resolution_seconds": [7200.0, 600.0],
                "observed": [True, False],
            }
        ),
        RESOLUTION,
    )
    full = plot_resolution(resolution)
    assert full.layout.xaxis.title.text == "Full resolution time (min)"
    assert sorted(full.data[0].x) == [120.0]
    first_close = plot_resolution(resolution, which="first", unit="minutes")
    assert first_close.layout.xaxis.title.text == "First resolution time (min)"
    assert list(first_close.data[0].x) == [60.0]
    assert definition_hover(full) == DEFINITIONS["resolution_time"]
    with pytest.raises(ValueError, match="which must be"):
        plot_resolution(resolution, which="last")

    wait = conform(
        pd.DataFrame({"conversation_id": [1], "wait_seconds": [30.0], "observed": [True]}),
        QUEUE_WAIT,
    )
    assert plot_queue_wait(wait).layout.xaxis.title.text == "Queue wait time (min)"


@pytest.mark.parametrize(
    ("plot", "schema"),
    [
        (plot_handling_time, HANDLING_CONVERSATION),
        (plot_first_response, FIRST_RESPONSE),
        (plot_resolution, RESOLUTION),
        (plot_queue_wait, QUEUE_WAIT),
    ],
)
def test_empty_result_gives_no_data_figure(plot, schema):
    fig = plot(empty(schema))
    assert len(fig.data) == 0
    assert "No data" in [a.text for a in fig.layout.annotations]
    fig = plot(empty(schema), by="queue_name")
    assert "No data" in [a.text for a in fig.layout.annotations]


@pytest.mark.parametrize(
    ("plot", "producer"),
    [
        (plot_handling_time, "handling_time"),
        (plot_first_response, "first_response_time"),
        (plot_resolution, "resolution_time"),
        (plot_queue_wait, "queue_wait_time"),
    ],
)
def test_missing_columns_name_the_metric_to_use(plot, producer):
    frame = pd.DataFrame({"conversation_id": [1], "whatever": [2.0]})
    with pytest.raises(ValueError, match=rf"observed.*dixa_analytics\.{producer}\(events\)"):
        plot(frame)


def test_unknown_by_column_is_named():
    with pytest.raises(ValueError, match="team"):
        plot_handling_time(handling([60.0], [True]), by="team")


def test_not_a_frame_is_a_type_error():
    with pytest.raises(TypeError, match="DataFrame"):
        plot_handling_time([1, 2, 3])


def test_input_is_not_modified():
    result = handling([600.0, 1200.0], [True, False], queues=["A", None])
    before = result.copy()
    plot_handling_time(result, by="queue_name")
    plot_handling_time(result)
    pd.testing.assert_frame_equal(result, before)


def test_by_group_uses_a_log_axis_for_wide_spreads():
    result = handling([30.0, 600.0, 86400.0, 7 * 86400.0], [True] * 4, queues=["A", "A", "B", "B"])
    fig = plot_handling_time(result, by="queue_name")
    assert fig.layout.xaxis.type == "log"
    assert fig.layout.xaxis.title.text == "Handling time (h, log scale)"
    with_zero = handling([0.0, 600.0, 7 * 86400.0], [True] * 3)
    assert plot_handling_time(with_zero, by="queue_name").layout.xaxis.type != "log"


def test_histogram_uses_log_bins_for_wide_spreads():
    seconds = [30.0, 45.0, 600.0, 3600.0, 86400.0, 7 * 86400.0]
    fig = plot_handling_time(handling(seconds, [True] * 5 + [False]))
    assert fig.layout.xaxis.type == "log"
    assert fig.layout.xaxis.title.text == "Handling time (min, log scale)"
    observed, censored = fig.data
    assert [t.type for t in fig.data] == ["bar", "bar"]
    assert sum(observed.y) == 5
    assert sum(censored.y) == 1
    # contiguous log-spaced bins that cover every value
    edges = [*observed.x, observed.x[-1] + observed.width[-1]]
    assert edges[0] <= 0.5
    assert edges[-1] >= 7 * 1440
    assert all(
        a + w == pytest.approx(b)
        for a, w, b in zip(observed.x, observed.width, edges[1:], strict=True)
    )
    assert observed.hovertemplate.startswith("%{customdata}<br>")
    assert observed.customdata[0].endswith(" min")


def test_log_histogram_counts_zeros_in_first_bar_and_places_the_median():
    seconds = [0.0, 60.0, 600.0, 6000.0, 600000.0]
    fig = plot_handling_time(handling(seconds, [True] * 5), unit="minutes")
    observed = fig.data[0]
    assert observed.y[0] == 2  # the zero and the one-minute conversation
    assert "the first bar includes 1 of zero length" in title_text(fig)
    (line,) = fig.layout.shapes
    low, high = fig.layout.xaxis.range
    assert line.xref == "paper"
    assert low + line.x0 * (high - low) == pytest.approx(1.0)  # log10(10 min)
