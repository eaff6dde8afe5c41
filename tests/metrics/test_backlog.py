"""Backlog: open conversations at each period's end against a timeline built by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from dixa_analytics.metrics import BACKLOG, backlog

CREATED = "conversation_created_by_customer"
CLOSED = "conversation_closed"
REOPENED = "conversation_reopened"
PENDING = "conversation_pending"
DAY = 24 * 60  # T0 is Monday 2026-03-02 09:00 UTC


@pytest.fixture
def events(make_events):
    sales, support = {"queue_name": "Sales"}, {"queue_name": "Support"}
    return make_events(
        [
            (1, 0, CREATED, sales),  # Mon: created
            (1, 60, CLOSED),  # Mon: closed
            (1, 2 * DAY, REOPENED),  # Wed: reopened
            (1, 2 * DAY + 30, CLOSED),  # Wed: closed again
            (1, 2 * DAY + 31, CLOSED),  # a second close of a closed one: not a close
            (2, 10, CREATED, support),  # Mon
            (2, DAY, PENDING),  # Tue: pending is still open
            (2, 4 * DAY, CLOSED),  # Fri
            (3, 2 * DAY, CREATED, sales),  # Wed, open to the end
            # Nothing happens on Thursday: it still appears.
            (4, 4 * DAY + 5, CREATED, support),  # Fri
            (4, 4 * DAY + 6, "message_added_by_agent"),
        ]
    )


def test_daily_backlog_matches_the_timeline(events):
    result = backlog(events)
    assert list(result.columns) == ["period", *BACKLOG]
    assert result["period"].astype(str).tolist() == [
        "2026-03-02",
        "2026-03-03",
        "2026-03-04",
        "2026-03-05",
        "2026-03-06",
    ]
    assert result["open"].tolist() == [1, 1, 2, 2, 2]
    assert result["created"].tolist() == [2, 0, 1, 0, 1]
    assert result["closed"].tolist() == [1, 0, 1, 0, 1]
    assert result["reopened"].tolist() == [0, 0, 1, 0, 0]
    # as_of is the last event (Friday 09:06): Friday is measured before its end.
    assert result["complete"].tolist() == [True, True, True, True, False]


def test_open_is_the_running_balance_of_the_flows(events):
    result = backlog(events, by="queue_name")
    for _, group in result.groupby("queue_name"):
        flow = (group["created"] + group["reopened"] - group["closed"]).cumsum()
        assert group["open"].tolist() == flow.tolist()


def test_by_queue_every_group_has_every_period(events):
    result = backlog(events, by="queue_name")
    assert list(result.columns) == ["period", "queue_name", *BACKLOG]
    assert len(result) == 5 * 2
    wide = result.pivot(index="period", columns="queue_name", values="open")
    assert wide["Sales"].tolist() == [0, 0, 1, 1, 1]
    assert wide["Support"].tolist() == [1, 1, 1, 1, 1]
    assert result["queue_name"].dtype == events["queue_name"].dtype


def test_as_of_cuts_the_events_and_extends_the_axis(events):
    result = backlog(events, "D", as_of="2026-03-03 12:00")
    assert result["open"].tolist() == [1, 1]
    assert result["complete"].tolist() == [True, False]
    later = backlog(events, "D", as_of="2026-03-09 00:00")
    # Saturday to Monday have no events: the axis still runs to as_of.
    assert later["period"].astype(str).tolist()[-3:] == ["2026-03-07", "2026-03-08", "2026-03-09"]
    assert later["open"].tolist()[-3:] == [2, 2, 2]
    assert later["complete"].tolist()[-2:] == [True, False]


def test_weekly_periods(events):
    result = backlog(events, "W")
    assert result[["open", "created", "closed", "reopened"]].iloc[0].tolist() == [2, 4, 3, 1]


def test_no_events_give_the_declared_empty_result(make_events):
    result = backlog(make_events([]), "W", by="queue_name")
    assert result.empty
    assert list(result.columns) == ["period", "queue_name", *BACKLOG]
    assert str(result["period"].dtype) == "period[W-SUN]"


def test_bad_options_are_refused(events):
    with pytest.raises(ValueError, match="multiple of a period"):
        backlog(events, "2D")
    with pytest.raises(ValueError, match="tag_name"):
        backlog(events, by="tag_name")


def test_the_input_is_not_modified(events):
    before = events.copy()
    backlog(events, "D", by="queue_name")
    pd.testing.assert_frame_equal(events, before)
