"""Resolution time: first and full resolution, censoring, creation time."""

from __future__ import annotations

import pandas as pd

from dixa_analytics.metrics import resolution_time

CREATED = "conversation_created_by_customer"
CLOSED = "conversation_closed"
REOPENED = "conversation_reopened"


def test_reopened_twice_first_and_full(make_events, t0):
    events = make_events(
        [
            (1, 0, CREATED),
            (1, 10, CLOSED),
            (1, 20, REOPENED),
            (1, 30, CLOSED),
            (1, 40, REOPENED),
            (1, 60, CLOSED),
        ]
    )
    row = resolution_time(events).iloc[0]
    assert row["created_at"] == t0
    assert (row["first_resolution_seconds"], row["full_resolution_seconds"]) == (600, 3600)
    assert row["observed"]


def test_reopened_and_still_open_runs_full_to_as_of(make_events, t0):
    events = make_events([(1, 0, CREATED), (1, 10, CLOSED), (1, 20, REOPENED)])
    row = resolution_time(events, as_of=t0 + pd.Timedelta(minutes=50)).iloc[0]
    assert (row["first_resolution_seconds"], row["full_resolution_seconds"]) == (600, 3000)
    assert not row["observed"]


def test_never_closed_runs_both_to_as_of(make_events):
    events = make_events([(1, 0, CREATED), (1, 10, "conversation_pending"), (2, 25, CREATED)])
    result = resolution_time(events)
    assert result["first_resolution_seconds"].tolist() == [1500.0, 0.0]
    assert result["full_resolution_seconds"].tolist() == [1500.0, 0.0]
    assert result["observed"].tolist() == [False, False]


def test_creation_is_first_created_event_else_first_event(make_events, t0):
    events = make_events(
        [
            (1, 0, "conversation_offered"),
            (1, 5, "conversation_created_by_agent"),
            (1, 20, CLOSED),
            (2, 3, "message_added_by_customer"),
            (2, 13, CLOSED),
        ]
    )
    result = resolution_time(events)
    assert result["created_at"].tolist() == [
        t0 + pd.Timedelta(minutes=5),
        t0 + pd.Timedelta(3, "m"),
    ]
    assert result["full_resolution_seconds"].tolist() == [900.0, 600.0]


def test_close_after_as_of_is_ignored(make_events, t0):
    events = make_events([(1, 0, CREATED), (1, 30, CLOSED)])
    row = resolution_time(events, as_of=t0 + pd.Timedelta(minutes=10)).iloc[0]
    assert row["full_resolution_seconds"] == 600
    assert not row["observed"]


def test_close_before_creation_is_not_a_resolution(make_events):
    # Out-of-order data (a close stamped before the creation) must not give a negative time.
    events = make_events([(1, 0, CLOSED), (1, 10, CREATED), (1, 40, CLOSED)])
    row = resolution_time(events).iloc[0]
    assert (row["first_resolution_seconds"], row["full_resolution_seconds"]) == (1800, 1800)
    assert row["observed"]
