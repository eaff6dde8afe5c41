"""Handling time: hand-computed timelines for every rule of the state machine."""

from __future__ import annotations

import pandas as pd
import pytest

from dixa_analytics.metrics import HANDLING_AGENT, HANDLING_CONVERSATION, handling_time

CREATED = "conversation_created_by_customer"
ASSIGNED = "conversation_assigned"
UNASSIGNED = "conversation_unassigned"
CLAIMED = "conversation_claimed"
PENDING = "conversation_pending"
CLOSED = "conversation_closed"
REOPENED = "conversation_reopened"
TRANSFER = "transfer_successful"


def a(agent: str) -> dict:
    return {"agent_id": agent, "agent_name": agent.upper()}


def one(result: pd.DataFrame) -> pd.Series:
    assert len(result) == 1
    return result.iloc[0]


def test_assigned_then_closed(make_events):
    events = make_events([(1, 0, CREATED), (1, 5, ASSIGNED, a("a1")), (1, 35, CLOSED)])
    row = one(handling_time(events))
    assert row["handling_seconds"] == 30 * 60
    assert row["observed"]
    assert (row["agent_id"], row["agent_name"]) == ("a1", "A1")


def test_close_without_assignment_counts_nothing(make_events):
    events = make_events([(1, 0, CREATED), (1, 20, CLOSED)])
    row = one(handling_time(events))
    assert row["handling_seconds"] == 0
    assert row["observed"]
    assert pd.isna(row["agent_id"])
    assert handling_time(events, per="agent").empty


def test_reopened_twice_counts_each_open_stretch_with_kept_assignee(make_events):
    events = make_events(
        [
            (1, 0, CREATED),
            (1, 10, ASSIGNED, a("a1")),
            (1, 20, CLOSED),  # 10 min
            (1, 100, REOPENED),
            (1, 130, CLOSED),  # 30 min, closing kept a1
            (1, 200, REOPENED),
            (1, 205, CLOSED),  # 5 min
        ]
    )
    row = one(handling_time(events))
    assert row["handling_seconds"] == 45 * 60
    assert row["observed"]
    assert row["agent_id"] == "a1"


def test_unassign_and_reassign(make_events):
    events = make_events(
        [
            (1, 0, CREATED),
            (1, 10, ASSIGNED, a("a1")),
            (1, 20, UNASSIGNED, {"agent_id": "a1"}),  # 10 min to a1
            (1, 50, ASSIGNED, a("a2")),
            (1, 65, CLOSED),  # 15 min to a2
        ]
    )
    assert one(handling_time(events))["handling_seconds"] == 25 * 60
    split = handling_time(events, per="agent")
    assert split["agent_id"].tolist() == ["a1", "a2"]
    assert split["agent_name"].tolist() == ["A1", "A2"]
    assert split["handling_seconds"].tolist() == [600.0, 900.0]
    assert split["observed"].tolist() == [True, True]


def test_pending_while_assigned_is_not_counted(make_events):
    events = make_events(
        [
            (1, 0, CREATED),
            (1, 0, ASSIGNED, a("a1")),
            (1, 10, PENDING),  # 10 min open
            (1, 70, REOPENED),  # pending hour not counted
            (1, 75, CLOSED),  # 5 min open
        ]
    )
    assert one(handling_time(events))["handling_seconds"] == 15 * 60


def test_claim_credits_the_author(make_events):
    events = make_events(
        [
            (1, 0, CREATED),
            (1, 4, CLAIMED, {"author_id": "a7", "author_name": "Ann"}),
            (1, 10, CLOSED),
        ]
    )
    row = one(handling_time(events))
    assert row["handling_seconds"] == 6 * 60
    assert (row["agent_id"], row["agent_name"]) == ("a7", "Ann")


def test_transfer_to_queue_unassigns_then_transfer_to_agent_assigns(make_events):
    events = make_events(
        [
            (1, 0, CREATED),
            (1, 0, ASSIGNED, a("a1")),
            (1, 10, TRANSFER, {"destination_type": "queue", "destination_id": "q2"}),
            (
                1,
                40,
                TRANSFER,
                {"destination_type": "agent", "destination_id": "a2", "agent_id": "a2"},
            ),
            (1, 50, CLOSED),
        ]
    )
    split = handling_time(events, per="agent")
    assert dict(zip(split["agent_id"], split["handling_seconds"], strict=True)) == {
        "a1": 600.0,
        "a2": 600.0,
    }
    assert one(handling_time(events))["handling_seconds"] == 20 * 60


def test_transfer_to_user_without_agent_column_uses_destination(make_events):
    events = make_events(
        [
            (1, 0, CREATED),
            (1, 0, TRANSFER, {"destination_type": "User", "destination_id": "u9"}),
            (1, 8, CLOSED),
        ]
    )
    assert handling_time(events, per="agent")["agent_id"].tolist() == ["u9"]


def test_transfer_without_destination_type_trusts_only_a_named_agent(make_events):
    # The destination id of an untyped transfer may be a queue's: it must not become an agent.
    events = make_events(
        [
            (1, 0, CREATED),
            (1, 0, ASSIGNED, a("a1")),
            (1, 10, TRANSFER, {"destination_id": "q9", "destination_label": "Queue 9"}),
            (1, 20, TRANSFER, {"destination_id": "a2", "agent_id": "a2"}),
            (1, 30, CLOSED),
        ]
    )
    split = handling_time(events, per="agent")
    assert dict(zip(split["agent_id"], split["handling_seconds"], strict=True)) == {
        "a1": 600.0,
        "a2": 600.0,
    }


def test_first_event_not_a_creation_is_open_from_it(make_events):
    events = make_events([(1, 0, ASSIGNED, a("a1")), (1, 12, CLOSED)])
    assert one(handling_time(events))["handling_seconds"] == 12 * 60


def test_still_open_and_assigned_runs_to_as_of(make_events, t0):
    events = make_events([(1, 0, CREATED), (1, 10, ASSIGNED, a("a1")), (2, 30, CREATED)])
    result = handling_time(events)  # as_of = latest event, minute 30
    assert result["handling_seconds"].tolist() == [20 * 60, 0.0]
    assert result["observed"].tolist() == [False, False]
    later = handling_time(events, as_of=t0 + pd.Timedelta(minutes=70))
    assert later["handling_seconds"].tolist() == [60 * 60, 0.0]


def test_events_after_as_of_are_ignored(make_events, t0):
    events = make_events([(1, 0, CREATED), (1, 10, ASSIGNED, a("a1")), (1, 40, CLOSED)])
    row = one(handling_time(events, as_of=t0 + pd.Timedelta(minutes=25)))
    assert row["handling_seconds"] == 15 * 60
    assert not row["observed"]


def test_assignment_naming_no_agent_changes_nothing(make_events):
    events = make_events(
        [(1, 0, CREATED), (1, 0, ASSIGNED, a("a1")), (1, 5, ASSIGNED), (1, 9, CLOSED)]
    )
    assert handling_time(events, per="agent")["handling_seconds"].tolist() == [540.0]


def test_per_agent_two_agents_sum_to_total_and_keep_queue(make_events):
    queue = {"queue_name": "Sales"}
    events = make_events(
        [
            (1, 0, CREATED, queue),
            (1, 1, ASSIGNED, {**a("a1"), **queue}),
            (1, 4, ASSIGNED, {**a("a2"), **queue}),
            (1, 10, ASSIGNED, {**a("a1"), **queue}),
            (1, 11, CLOSED, queue),
        ]
    )
    split = handling_time(events, per="agent")
    assert list(split.columns) == list(HANDLING_AGENT)
    assert split["handling_seconds"].tolist() == [240.0, 360.0]
    assert split["queue_name"].tolist() == ["Sales", "Sales"]
    assert split["handling_seconds"].sum() == one(handling_time(events))["handling_seconds"]


def test_results_sorted_by_conversation_and_typed(make_events):
    events = make_events([(9, 0, CREATED), (2, 0, CREATED), (5, 0, ASSIGNED, a("x"))])
    result = handling_time(events)
    assert result["conversation_id"].tolist() == [2, 5, 9]
    assert result.dtypes.to_dict() == {
        c: pd.api.types.pandas_dtype(d) for c, d in HANDLING_CONVERSATION.items()
    }


def test_rejects_unknown_per(make_events):
    with pytest.raises(ValueError, match="per must be"):
        handling_time(make_events([]), per="queue")
