"""The ``complete`` column of every by-period result: periods cut by the window's edges, by
``as_of`` or by an unfinished reopen window are marked, on frames written by hand."""

from __future__ import annotations

import pandas as pd
import pytest

import dixa_analytics as dxa
from dixa_analytics.events import AS_OF, EVENTS, WINDOW
from dixa_analytics.frames import empty
from dixa_analytics.metrics import over_partitions

CREATED = "conversation_created_by_customer"
CLOSED = "conversation_closed"
REOPENED = "conversation_reopened"
RATED = "conversation_rated"
TAGGED = "tag_added"
AGENT = "message_added_by_agent"
DAY = 24 * 60  # minutes; T0 is Monday 2026-03-02 09:00 UTC
WEEKS = ["2026-02-23/2026-03-01", "2026-03-02/2026-03-08", "2026-03-09/2026-03-15"]


def by_period(result: pd.DataFrame) -> dict[str, bool]:
    """Each period's ``complete``, of the weeks above (the backlog runs on to ``as_of``)."""
    pairs = zip(result["period"].astype(str), result["complete"], strict=True)
    return {p: bool(c) for p, c in pairs if p in WEEKS or "/" not in p}


@pytest.fixture
def two_weeks(make_events):
    """Conversations created, tagged, rated and closed on Monday 2 and Wednesday 11 March."""
    return make_events(
        [
            (1, 0, CREATED),
            (1, 1, TAGGED, {"tag": "billing"}),
            (1, 5, AGENT),
            (1, 60, CLOSED),
            (1, 61, RATED, {"score": 5}),
            (2, 9 * DAY, CREATED),
            (2, 9 * DAY + 1, TAGGED, {"tag": "billing"}),
            (2, 9 * DAY + 90, AGENT),
            (2, 9 * DAY + 120, CLOSED),
            (2, 9 * DAY + 121, RATED, {"score": 2}),
        ]
    )


@pytest.mark.parametrize(
    "compute",
    [
        lambda e: dxa.tag_trends(e, freq="W"),
        lambda e: dxa.reopen_rate(e, freq="W"),
        lambda e: dxa.csat(e, freq="W"),
        lambda e: dxa.backlog(e, "W"),
        lambda e: dxa.sla_attainment(dxa.first_response_time(e), "1h", freq="W"),
    ],
    ids=["tag_trends", "reopen_rate", "csat", "backlog", "sla_attainment"],
)
def test_a_hand_built_frame_covers_its_first_day_to_its_latest_event(two_weeks, compute):
    # The first event is on a Monday: its week is whole; the latest (Wednesday) cuts the next.
    assert by_period(compute(two_weeks)) == {WEEKS[1]: True, WEEKS[2]: False}
    # Carried as_of at the end of the second week: both weeks are whole.
    later = two_weeks.copy()
    later.attrs[AS_OF] = "2026-03-16T00:00:00+00:00"
    assert by_period(compute(later)) == {WEEKS[1]: True, WEEKS[2]: True}
    # A window starting on Wednesday 4 March cuts the first week.
    windowed = later.copy()
    windowed.attrs[WINDOW] = ["2026-03-04T00:00:00+00:00", "2026-04-01T00:00:00+00:00"]
    assert by_period(compute(windowed)) == {WEEKS[1]: False, WEEKS[2]: True}
    # A window ending on Friday 13 March cuts the second week, whatever as_of says.
    windowed.attrs[WINDOW] = ["2026-03-02T00:00:00+00:00", "2026-03-13T00:00:00+00:00"]
    assert by_period(compute(windowed)) == {WEEKS[1]: True, WEEKS[2]: False}


def test_a_window_starting_mid_week_marks_the_week_before_it(make_events):
    # The case: a view of 2026-03-01..04-01 holds a 2026-02-23/03-01 week (Sunday 1).
    sunday = -DAY - 8 * 60  # Sunday 1 March, 01:00
    events = make_events(
        [
            (1, sunday, CREATED),
            (1, sunday + 1, TAGGED, {"tag": "billing"}),
            (1, sunday + 30, CLOSED),
            (2, 0, CREATED),
        ]
    )
    assert events["timestamp"].min() == pd.Timestamp("2026-03-01 01:00", tz="UTC")
    events.attrs[WINDOW] = ["2026-03-01T00:00:00+00:00", "2026-04-01T00:00:00+00:00"]
    events.attrs[AS_OF] = "2026-04-05T00:00:00+00:00"
    assert by_period(dxa.tag_trends(events, freq="W"))[WEEKS[0]] is False
    assert by_period(dxa.reopen_rate(events, freq="W")) == {WEEKS[0]: False}
    assert by_period(dxa.backlog(events, "W"))[WEEKS[0]] is False
    # Without the window, the data starts at midnight of its first day: Sunday is whole.
    del events.attrs[WINDOW]
    assert by_period(dxa.reopen_rate(events, freq="D")) == {"2026-03-01": True}


def test_a_mid_week_first_event_leaves_its_week_incomplete(make_events):
    events = make_events([(1, 2 * DAY, CREATED), (1, 2 * DAY + 5, CLOSED), (2, 10 * DAY, CREATED)])
    events.attrs[AS_OF] = "2026-03-20T00:00:00+00:00"
    assert by_period(dxa.reopen_rate(events, freq="W")) == {WEEKS[1]: False}
    # By day, the first event's own day is whole.
    assert by_period(dxa.reopen_rate(events, freq="D")) == {"2026-03-04": True}


def test_a_reopen_window_not_yet_elapsed_leaves_the_period_incomplete(make_events):
    events = make_events(
        [
            (1, 0, CREATED),
            (1, 60, CLOSED),
            (1, 2 * DAY, REOPENED),
            (2, 9 * DAY, CREATED),  # the latest event: Wednesday 11 March, 09:00
        ]
    )
    # The week of 2 March ended on the 9th; as_of is on the 11th.
    assert by_period(dxa.reopen_rate(events, freq="W", window="1D")) == {WEEKS[1]: True}
    assert by_period(dxa.reopen_rate(events, freq="W", window="7D")) == {WEEKS[1]: False}
    assert by_period(dxa.reopen_rate(events, freq="W")) == {WEEKS[1]: True}
    # Pooled, the window must have elapsed since the end of the data.
    assert dxa.reopen_rate(events, window="1D")["complete"].tolist() == [False]
    events.attrs[AS_OF] = "2026-03-20T00:00:00+00:00"
    events.attrs[WINDOW] = ["2026-03-02T00:00:00+00:00", "2026-03-16T00:00:00+00:00"]
    assert dxa.reopen_rate(events, window="1D")["complete"].tolist() == [True]
    assert by_period(dxa.reopen_rate(events, freq="W", window="7D")) == {WEEKS[1]: True}


def test_sla_attainment_infers_the_span_of_a_result_made_by_hand():
    result = pd.DataFrame(
        {
            "started_at": pd.to_datetime(
                ["2026-03-02 10:00", "2026-03-09 10:00", "2026-03-11 10:00"], utc=True
            ),
            "response_seconds": [60.0, 60.0, 7200.0],
            "observed": [True, True, True],
        }
    )
    out = dxa.sla_attainment(result, "1h", freq="W")
    assert by_period(out) == {WEEKS[1]: True, WEEKS[2]: False}
    assert out["complete"].dtype == "boolean"
    # Pending rows stay pending, whatever the period.
    assert out["pending"].tolist() == [0, 0]


def test_duration_results_carry_the_span_of_their_events(two_weeks):
    windowed = two_weeks.copy()
    windowed.attrs[WINDOW] = ["2026-03-01T00:00:00+00:00", "2026-04-01T00:00:00+00:00"]
    for metric in (dxa.first_response_time, dxa.resolution_time):
        result = metric(windowed)
        assert result.attrs[WINDOW] == ["2026-03-01T00:00:00+00:00", "2026-04-01T00:00:00+00:00"]
        assert pd.Timestamp(result.attrs[AS_OF]) == two_weeks["timestamp"].max()
    hand = dxa.first_response_time(two_weeks)
    assert pd.Timestamp(hand.attrs[WINDOW][0]) == pd.Timestamp("2026-03-02", tz="UTC")


@pytest.mark.parametrize(
    "compute",
    [
        lambda e: dxa.tag_trends(e, freq="W"),
        lambda e: dxa.tag_trends(e, freq=None),
        lambda e: dxa.reopen_rate(e, freq="W"),
        lambda e: dxa.reopen_rate(e),
        lambda e: dxa.csat(e, freq="D", by="queue_name"),
        lambda e: dxa.sla_attainment(dxa.first_response_time(e), "1h", freq="W"),
    ],
)
def test_empty_results_declare_complete_as_boolean(compute):
    result = compute(empty(EVENTS))
    assert result.empty
    assert result["complete"].dtype == "boolean"


@pytest.mark.parametrize(
    ("name", "options"),
    [
        ("reopen_rate", {"freq": "W", "window": "7D"}),
        ("reopen_rate", {"window": "1D"}),
        ("tag_trends", {"freq": "W"}),
        ("csat", {"freq": "W"}),
        ("backlog", {"freq": "W", "as_of": "2026-03-12"}),
    ],
)
def test_parts_put_together_know_the_span_of_all_of_them(two_weeks, name, options):
    # Each part alone starts on its own first day: together they start on the earliest.
    parts = [two_weeks[two_weeks["conversation_id"] == c] for c in (2, 1)]
    whole = getattr(dxa, name)(two_weeks, **options)
    pd.testing.assert_frame_equal(over_partitions(name, parts, **options), whole)
    assert not whole["complete"].all()
    windowed = [part.copy() for part in parts]
    for part in windowed:
        part.attrs[WINDOW] = ["2026-03-04T00:00:00+00:00", "2026-04-01T00:00:00+00:00"]
    together = over_partitions(name, windowed, **options)
    assert not together["complete"].iloc[0]


def test_a_malformed_window_in_attrs_is_refused_clearly(two_weeks):
    two_weeks.attrs[WINDOW] = "2026-03-01"
    with pytest.raises(ValueError, match=r"must be \[start, end\].*fix or delete it"):
        dxa.tag_trends(two_weeks)
