"""Figures by period fade and shade their incomplete periods, say why, and tick weeks on
their Mondays."""

from __future__ import annotations

import pandas as pd
import pytest

import dixa_analytics as dxa
from dixa_analytics.frames import conform
from dixa_analytics.metrics import CSAT
from dixa_analytics.plots._style import INCOMPLETE_NOTE, INCOMPLETE_OPACITY

WEEKS = pd.period_range("2026-02-23", periods=4, freq="W")
COMPLETE = [False, True, True, False]


def reopen() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "period": WEEKS,
            "closed": [2, 40, 50, 10],
            "reopened": [0, 4, 3, 0],
            "reopen_rate": [0.0, 0.1, 0.06, 0.0],
            "complete": pd.array(COMPLETE, dtype="boolean"),
        }
    )


def tags() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "period": WEEKS,
            "tag": ["billing"] * 4,
            "conversations": [1, 5, 4, 1],
            "cohort_size": [9, 20, 25, 6],
            "share": [0.11, 0.25, 0.16, 0.17],
            "complete": pd.array(COMPLETE, dtype="boolean"),
        }
    )


def csat() -> pd.DataFrame:
    values = conform(
        pd.DataFrame(
            {
                "ratings": [1, 10, 12, 2],
                "mean_score": [5.0, 4.2, 3.9, 1.0],
                "satisfied": [1, 8, 8, 0],
                "satisfied_share": [1.0, 0.8, 0.667, 0.0],
                "unscored": [0, 1, 0, 0],
                "complete": COMPLETE,
            }
        ),
        CSAT,
    )
    return pd.concat([pd.DataFrame({"period": WEEKS}), values], axis=1)


def backlog() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "period": WEEKS,
            "open": [1, 3, 4, 2],
            "created": [1, 20, 22, 5],
            "closed": [0, 18, 21, 7],
            "reopened": [0, 0, 0, 0],
            "complete": pd.array(COMPLETE, dtype="boolean"),
        }
    )


FIGURES = [
    (dxa.plot_reopen_rate, reopen),
    (dxa.plot_tag_trends, tags),
    (dxa.plot_csat, csat),
    (dxa.plot_backlog, backlog),
]


@pytest.mark.parametrize(("plot", "result"), FIGURES, ids=lambda f: f.__name__)
def test_incomplete_periods_are_faded_shaded_and_explained(plot, result):
    fig = plot(result())
    expected = [INCOMPLETE_OPACITY if not c else 1.0 for c in COMPLETE]
    assert list(fig.data[0].marker.opacity) == expected
    # A shaded span per incomplete period (on each subplot), from its start to the next's.
    spans = sorted({(pd.Timestamp(s.x0), pd.Timestamp(s.x1)) for s in fig.layout.shapes})
    assert spans == [
        (WEEKS[0].start_time, WEEKS[1].start_time),
        (WEEKS[3].start_time, (WEEKS[3] + 1).start_time),
    ]
    notes = [a.text for a in fig.layout.annotations]
    assert any("incomplete period" in (text or "") for text in notes)
    assert "complete" not in [t.name for t in fig.data]  # not read as a group column
    # The hover text names an incomplete period as such.
    assert str(fig.data[0].customdata[0][0]) == "2026-02-23/2026-03-01 (incomplete)"
    assert str(fig.data[0].customdata[1][0]) == "2026-03-02/2026-03-08"


@pytest.mark.parametrize(("plot", "result"), FIGURES, ids=lambda f: f.__name__)
def test_week_ticks_fall_on_the_weeks_own_mondays(plot, result):
    fig = plot(result())
    axes = [fig.layout[name] for name in fig.layout if name.startswith("xaxis")]
    for axis in axes:
        tick0 = pd.Timestamp(axis.tick0)
        assert tick0 == WEEKS[0].start_time
        assert tick0.day_name() == "Monday"
        assert axis.dtick == 7 * 24 * 3600 * 1000


def test_complete_periods_draw_no_note():
    whole = reopen().assign(complete=pd.array([True] * 4, dtype="boolean"))
    fig = dxa.plot_tag_trends(tags().assign(complete=whole["complete"]))
    assert not fig.layout.shapes
    assert INCOMPLETE_NOTE not in [a.text for a in fig.layout.annotations]
    assert set(fig.data[0].marker.opacity) == {1.0}
