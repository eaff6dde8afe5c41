"""plot_survival: 1 − Kaplan–Meier step lines with bands, per group."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dixa_analytics import plot_survival, summarize_durations


def result() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "conversation_id": range(1, 8),
            "response_seconds": [600.0, 1800.0, 1800.0, 7200.0, 9000.0, 400.0, 800.0],
            "observed": [True, True, False, True, False, False, False],
            "queue_name": pd.array(["A", "A", "A", "A", "A", "B", None], dtype="string"),
        }
    )


def curves(fig):
    return [t for t in fig.data if t.showlegend is not False]


def test_one_step_line_per_group_with_a_band():
    fig = plot_survival(result(), by="queue_name", unit="minutes")
    lines = curves(fig)
    assert [t.name for t in lines] == ["A (n=5)", "B (none answered)", "(not set) (none answered)"]
    assert len(fig.data) == 9  # each line with its band's two edges
    assert all(t.line.shape == "hv" for t in fig.data)
    a = lines[0]
    # Starts at 0 % at t = 0, steps up to 1 - S at each duration (minutes on the axis).
    assert a.x.tolist() == [0, 10, 30, 120, 150]
    assert a.y.tolist() == pytest.approx([0, 0.2, 0.4, 0.7, 0.7])
    assert list(lines[1].y) == [0, 0]  # no answer yet: flat at 0 %
    assert fig.layout.yaxis.tickformat == ".0%"


def test_the_curve_reaches_the_summary_median():
    frame = result()
    fig = plot_survival(frame)
    line = curves(fig)[0]
    median = summarize_durations(frame)["median_seconds"].iloc[0]
    first = np.flatnonzero(np.asarray(line.y) >= 0.5)[0]
    assert float(line.customdata[first][4]) == median  # the exact seconds
    assert line.x[first] == median / 3600  # on an hours axis: the p90 is 2.5 h


def test_band_contains_the_curve_and_hover_has_exact_values():
    fig = plot_survival(result())
    high, low, line = fig.data
    assert all(lo <= y <= hi for lo, y, hi in zip(low.y, line.y, high.y, strict=True))
    assert low.fill == "tonexty"
    assert "%{y:.1%}" in line.hovertemplate
    assert line.customdata[1][0] == "6.7 min"  # the shortest: 400 s
    # Numbers stay numbers, for the hover's formats (%{customdata[1]:.1%}).
    assert line.customdata[1][4] == 400.0
    assert line.customdata[1][3] == 7  # all seven at risk at 400 s
    assert line.customdata[1][1] <= line.y[1] <= line.customdata[1][2]
    assert '"customdata":[["' in fig.to_json().replace(" ", "")
    assert isinstance(fig.to_plotly_json()["data"][2]["customdata"][1][1], float)


def test_a_wide_range_gets_a_log_axis_and_a_target_line():
    frame = pd.DataFrame(
        {
            "conversation_id": range(1, 6),
            "response_seconds": [30.0, 300.0, 3000.0, 30000.0, 90000.0],
            "observed": [True, True, True, False, True],
        }
    )
    fig = plot_survival(frame, target="1h")
    assert fig.layout.xaxis.type == "log"
    assert "log scale" in fig.layout.xaxis.title.text
    assert curves(fig)[0].x[0] == 30 / 3600  # starts at the shortest duration, not 0
    assert fig.layout.shapes[0].x0 == 1.0  # one hour on an hours axis
    assert fig.layout.annotations[0].text == "target 1 h"


def test_resolution_days_axis_and_title():
    frame = pd.DataFrame(
        {
            "conversation_id": [1, 2, 3],
            "first_resolution_seconds": [1.0, 2.0, 3.0],
            "full_resolution_seconds": [3 * 86400.0, 5 * 86400.0, 9 * 86400.0],
            "observed": [True, True, False],
        }
    )
    fig = plot_survival(frame, seconds="full_resolution_seconds")
    assert fig.layout.xaxis.title.text == "Full resolution time (d)"
    assert fig.layout.title.text.startswith("Share resolved within t")


def test_empty_and_bad_input():
    empty = plot_survival(result().iloc[:0])
    assert empty.layout.annotations[0].text == "No data"
    with pytest.raises(ValueError, match="queue"):
        plot_survival(result(), by="queue")
    with pytest.raises(TypeError):
        plot_survival([1, 2])
