"""Reopen rate: cohort of first closes, periods, by= grouping and window=."""

from __future__ import annotations

import pandas as pd
import pytest

from dixa_analytics.metrics import reopen_rate

CREATED = "conversation_created_by_customer"
CLOSED = "conversation_closed"
REOPENED = "conversation_reopened"
DAY = 24 * 60


@pytest.fixture
def events(make_events):
    sales, support = {"queue_name": "Sales"}, {"queue_name": "Support"}
    return make_events(
        [
            (1, 0, CREATED, sales),
            (1, 10, CLOSED),
            (1, 3 * DAY, REOPENED),  # 3 days after the first close
            (1, 3 * DAY + 5, CLOSED),
            (1, 4 * DAY, REOPENED),  # reopened twice: still one conversation
            (2, 0, CREATED, support),
            (2, 30, CLOSED),
            (3, 0, CREATED),
            (3, 6 * DAY, CLOSED, sales),  # first close on Sunday 2026-03-08
            (3, 6 * DAY + 60, REOPENED, {"queue_name": "Support"}),  # last value wins
            (4, 0, CREATED, sales),  # never closed: not in the cohort
            (5, 0, REOPENED),  # reopen before any close: not a reopening
            (5, 8 * DAY, CLOSED),
        ]
    )


def test_pooled(events):
    result = reopen_rate(events)
    assert list(result.columns) == ["closed", "reopened", "reopen_rate", "complete"]
    assert result.iloc[0].tolist() == [4, 2, 0.5, True]


def test_weekly_periods(events):
    result = reopen_rate(events, freq="W")
    assert result["period"].dtype == pd.PeriodDtype("W-SUN")
    assert result["period"].astype(str).tolist() == [
        "2026-03-02/2026-03-08",
        "2026-03-09/2026-03-15",
    ]
    assert result["closed"].tolist() == [3, 1]
    assert result["reopened"].tolist() == [2, 0]


def test_by_uses_last_non_null_value(events):
    result = reopen_rate(events, by="queue_name")
    assert result["queue_name"].tolist()[:2] == ["Sales", "Support"]
    assert pd.isna(result["queue_name"].iloc[2])
    assert result["closed"].tolist() == [1, 2, 1]
    assert result["reopened"].tolist() == [1, 1, 0]
    assert result["queue_name"].dtype == events["queue_name"].dtype


def test_period_and_by_together(events):
    result = reopen_rate(events, freq="W", by=["queue_name"])
    assert list(result.columns) == [
        "period",
        "queue_name",
        "closed",
        "reopened",
        "reopen_rate",
        "complete",
    ]
    assert result["closed"].sum() == 4


def test_window(events):
    assert reopen_rate(events, window="3D")["reopened"].tolist() == [2]
    assert reopen_rate(events, window=pd.Timedelta(hours=2))["reopened"].tolist() == [1]
    assert reopen_rate(events, window="30min")["reopened"].tolist() == [0]


def test_nothing_closed_gives_no_rows(make_events):
    result = reopen_rate(make_events([(1, 0, CREATED)]), freq="W")
    assert result.empty
    assert list(result.columns) == ["period", "closed", "reopened", "reopen_rate", "complete"]
    assert result["complete"].dtype == "boolean"


def test_bad_window_and_missing_by_column(events):
    with pytest.raises(ValueError, match="window"):
        reopen_rate(events, window="soon")
    with pytest.raises(ValueError, match="customer_tier"):
        reopen_rate(events, by="customer_tier")
