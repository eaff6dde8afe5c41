"""CSAT and backlog plots: scores and shares over periods, the backlog stacked by group."""

from __future__ import annotations

import pandas as pd
import pytest

from dixa_analytics.events import conform_events
from dixa_analytics.frames import STRING, conform
from dixa_analytics.metrics import BACKLOG, CATALOGUE, CSAT, backlog, csat
from dixa_analytics.plots import figure, plot_backlog, plot_csat
from dixa_analytics.plots._backlog import INCOMPLETE_PERIOD_NOTE

WEEKS = pd.period_range("2026-03-02", periods=2, freq="W")


def csat_result(**columns) -> pd.DataFrame:
    front = {"period": WEEKS.dtype, "agent_name": STRING}
    schema = {**{k: v for k, v in front.items() if k in columns}, **CSAT}
    return conform(pd.DataFrame(columns), schema)


def test_csat_draws_mean_and_satisfied_share_per_group():
    result = csat_result(
        period=list(WEEKS) * 2,
        agent_name=["Alex", "Alex", "<b>Bea</b>", "<b>Bea</b>"],
        ratings=[4, 0, 2, 6],
        mean_score=[4.5, float("nan"), 3.0, 4.0],
        satisfied=[4, 0, 1, 5],
        satisfied_share=[1.0, float("nan"), 0.5, 5 / 6],
        unscored=[1, 2, 0, 0],
        offered=[5, 2, 2, 6],
        responded=[5, 2, 2, 6],
        response_rate=[1.0, 1.0, 1.0, 1.0],
    )
    fig = plot_csat(result)
    # A period without a scored rating is not drawn as a zero.
    bea = "&lt;b&gt;Bea&lt;/b&gt;"  # names are shown, not interpreted
    assert [t.name for t in fig.data] == ["Alex", "Alex", bea, bea]
    alex_mean, alex_share = fig.data[0], fig.data[1]
    assert list(alex_mean.y) == [4.5]
    assert list(alex_share.y) == [100.0]
    assert fig.data[2].y.tolist() == [3.0, 4.0]
    assert fig.layout.yaxis.title.text == "Mean score (1-5)"
    assert fig.layout.yaxis2.title.text == "Satisfied (%)"
    assert "12 ratings" in fig.layout.title.text
    assert "83.3 % satisfied" in fig.layout.title.text
    assert "without a score" in alex_mean.hovertemplate


def test_csat_without_periods_is_bars_and_without_ratings_says_no_data():
    result = csat_result(
        agent_name=["Alex"], ratings=[3], mean_score=[4.0], satisfied=[2],
        satisfied_share=[2 / 3], unscored=[0], offered=[3], responded=[3], response_rate=[1.0],
    )  # fmt: skip
    fig = plot_csat(result)
    assert [t.type for t in fig.data] == ["bar", "bar"]
    empty = plot_csat(csat_result(ratings=[], mean_score=[]))
    assert any(a.text == "No data" for a in empty.layout.annotations)


def test_csat_refuses_another_metrics_result():
    with pytest.raises(ValueError, match=r"dixa_analytics\.csat"):
        plot_csat(pd.DataFrame({"closed": [1]}))


def backlog_result(**columns) -> pd.DataFrame:
    schema = {"period": pd.PeriodDtype("D"), "queue_name": STRING, **BACKLOG}
    return conform(pd.DataFrame(columns), {k: v for k, v in schema.items() if k in columns})


def test_backlog_is_stacked_by_group_and_marks_an_unfinished_period():
    days = pd.period_range("2026-03-02", periods=2, freq="D")
    result = backlog_result(
        period=list(days.repeat(2)),
        queue_name=["Billing", "Sales"] * 2,
        open=[3, 1, 4, 0],
        created=[3, 1, 2, 0],
        closed=[0, 0, 1, 1],
        reopened=[0, 0, 0, 0],
        complete=[True, True, False, False],
    )
    fig = plot_backlog(result)
    assert fig.layout.barmode == "stack"
    assert [t.name for t in fig.data] == ["Billing", "Sales"]
    assert fig.data[0].y.tolist() == [3.0, 4.0]
    assert list(fig.data[0].marker.opacity) == [1.0, 0.45]
    assert any(a.text == INCOMPLETE_PERIOD_NOTE for a in fig.layout.annotations)
    assert "4 conversations open at the end" in fig.layout.title.text


def test_the_report_draws_them_through_the_catalogue():
    events = conform_events(
        pd.DataFrame(
            {
                "conversation_id": [1, 1],
                "timestamp": pd.to_datetime(["2026-03-02 09:00", "2026-03-02 09:05"], utc=True),
                "activity_type": ["conversation_created_by_customer", "conversation_rated"],
                "queue_name": ["Sales", None],
                "score": [None, 5],
            }
        )
    )
    fig = figure(CATALOGUE["csat"], csat(events, freq="D"))
    assert fig.layout.yaxis.title.text == "Mean score (1-5)"
    fig = figure(CATALOGUE["backlog"], backlog(events, by="queue_name"))
    assert fig.layout.barmode == "stack"
