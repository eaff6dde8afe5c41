"""Reopen rate and tag trend plots: lines per group over periods, percent axes, hover counts."""

from __future__ import annotations

import pandas as pd
import pytest

from dixa_analytics.frames import STRING, conform, empty
from dixa_analytics.metrics import REOPEN_RATE, TAG_TRENDS
from dixa_analytics.plots import plot_reopen_rate, plot_tag_trends
from dixa_analytics.plots._rates import LATEST_PERIOD_NOTE
from dixa_analytics.plots._style import base_layout

WEEKS = pd.period_range("2026-03-02", periods=3, freq="W")
PERIOD = WEEKS.dtype


def reopen(**columns) -> pd.DataFrame:
    schema = {
        **({"period": PERIOD} if "period" in columns else {}),
        **({"queue_name": STRING} if "queue_name" in columns else {}),
        **REOPEN_RATE,
    }
    return conform(pd.DataFrame(columns), schema)


def test_reopen_rate_lines_per_group_over_period_starts():
    result = reopen(
        period=list(WEEKS) * 2,
        queue_name=["Billing"] * 3 + ["Sales"] * 3,
        closed=[10, 20, 0, 5, 5, 5],
        reopened=[1, 5, 0, 0, 1, 2],
        reopen_rate=[0.1, 0.25, float("nan"), 0.0, 0.2, 0.4],
    )
    fig = plot_reopen_rate(result)
    assert [t.name for t in fig.data] == ["Billing", "Sales"]
    billing = fig.data[0]
    assert [pd.Timestamp(x) for x in billing.x] == list(WEEKS.start_time)
    assert billing.y[:2] == pytest.approx([10.0, 25.0])  # percent
    assert fig.layout.yaxis.title.text == "Reopen rate (%)"
    assert fig.layout.yaxis.ticksuffix == " %"
    # hover carries the period and the numerator and denominator
    assert list(billing.customdata[1]) == ["2026-03-09/2026-03-15", 5.0, 20.0]
    assert "reopened of" in billing.hovertemplate
    assert "closed" in billing.hovertemplate
    assert "9 of 45 closed conversations reopened (20.0 %)" in fig.layout.title.text
    assert fig.layout.title.text.startswith("Reopen rate by queue name")
    # The latest period, whose conversations have had the least time to be reopened, says so.
    (note,) = [a for a in fig.layout.annotations if a.text == LATEST_PERIOD_NOTE]
    # Above the plot at its left, never over the data or cut off by the figure's edge, with
    # the top margin grown for its two lines.
    assert (note.xref, note.x, note.xanchor) == ("paper", 0, "left")
    assert (note.yref, note.y, note.yanchor) == ("paper", 1, "bottom")
    assert fig.layout.margin.t >= base_layout("t", "s")["margin"]["t"] + 30


def test_reopen_rate_without_groups_is_one_line():
    result = reopen(
        period=list(WEEKS), closed=[4, 4, 2], reopened=[1, 0, 1], reopen_rate=[0.25, 0.0, 0.5]
    )
    fig = plot_reopen_rate(result)
    assert [t.name for t in fig.data] == ["All"]
    assert fig.data[0].mode == "lines+markers"


def test_reopen_rate_without_periods_is_bars_per_group():
    result = reopen(
        queue_name=["<i>VIP</i>", "Sales"], closed=[8, 4], reopened=[2, 1], reopen_rate=[0.25, 0.25]
    )
    fig = plot_reopen_rate(result)
    (bars,) = fig.data
    assert bars.type == "bar"
    assert LATEST_PERIOD_NOTE not in [a.text for a in fig.layout.annotations]
    assert list(bars.x) == ["&lt;i&gt;VIP&lt;/i&gt;", "Sales"]
    assert list(bars.text) == ["25.0 %", "25.0 %"]


def test_reopen_rate_overall_single_row():
    fig = plot_reopen_rate(reopen(closed=[10], reopened=[1], reopen_rate=[0.1]))
    assert list(fig.data[0].x) == ["All"]
    assert list(fig.data[0].y) == [10.0]


def test_reopen_rate_empty_and_bad_input():
    fig = plot_reopen_rate(empty(REOPEN_RATE))
    assert len(fig.data) == 0
    assert "No data" in [a.text for a in fig.layout.annotations]
    with pytest.raises(ValueError, match=r"reopen_rate.*dixa_analytics\.reopen_rate\(events\)"):
        plot_reopen_rate(pd.DataFrame({"closed": [1], "reopened": [0]}))


def tags_frame() -> pd.DataFrame:
    tags = ["billing", "bug", "<script>x</script>"]
    counts = {"billing": [5, 6, 7], "bug": [1, 0, 2], "<script>x</script>": [0, 3, 9]}
    cohort = [20, 25, 30]
    rows = [
        {
            "period": week,
            "tag": tag,
            "conversations": counts[tag][i],
            "cohort_size": cohort[i],
            "share": counts[tag][i] / cohort[i],
        }
        for i, week in enumerate(WEEKS)
        for tag in tags
    ]
    return conform(pd.DataFrame(rows), {"period": PERIOD, **TAG_TRENDS})


def test_tag_trends_one_line_per_top_tag_in_usage_order():
    fig = plot_tag_trends(tags_frame(), top=2)
    assert [t.name for t in fig.data] == ["billing", "&lt;script&gt;x&lt;/script&gt;"]
    billing = fig.data[0]
    assert billing.y == pytest.approx([25.0, 24.0, 7 / 30 * 100])
    assert list(billing.customdata[0]) == ["2026-03-02/2026-03-08", 5.0, 20.0]
    assert "conversations" in billing.hovertemplate
    assert fig.layout.yaxis.title.text == "Share of conversations (%)"
    assert "75 conversations" in fig.layout.title.text
    assert "<script>" not in fig.to_json()


def test_tag_trends_top_none_draws_every_tag():
    assert len(plot_tag_trends(tags_frame(), top=None).data) == 3


def test_tag_trends_rejects_bad_top_and_bad_frames():
    with pytest.raises(ValueError, match="top must be"):
        plot_tag_trends(tags_frame(), top=0)
    with pytest.raises(ValueError, match=r"period.*dixa_analytics\.tag_trends\(events\)"):
        plot_tag_trends(empty(TAG_TRENDS))


def test_tag_trends_empty():
    fig = plot_tag_trends(conform(pd.DataFrame(), {"period": PERIOD, **TAG_TRENDS}))
    assert len(fig.data) == 0
    assert "No data" in [a.text for a in fig.layout.annotations]


def test_rate_plots_do_not_modify_input():
    frame = tags_frame()
    before = frame.copy()
    plot_tag_trends(frame)
    pd.testing.assert_frame_equal(frame, before)


def test_tag_trends_title_names_only_the_tags_drawn():
    # Three tags in the frame: the default top=8 leaves none out, so no "top 8" claim.
    assert plot_tag_trends(tags_frame()).layout.title.text.startswith("Tag trends<")
    assert plot_tag_trends(tags_frame(), top=2).layout.title.text.startswith(
        "Tag trends (top 2 tags)"
    )
