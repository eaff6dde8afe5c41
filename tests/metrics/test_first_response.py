"""First response time: which events start and answer a conversation, and censoring."""

from __future__ import annotations

import pandas as pd

from dixa_analytics.metrics import first_response_time

BY_CUSTOMER = "conversation_created_by_customer"
BY_AGENT = "conversation_created_by_agent"
AGENT_MESSAGE = "message_added_by_agent"
CUSTOMER_MESSAGE = "message_added_by_customer"
CLOSED = "conversation_closed"


def test_first_agent_reply_answers(make_events, t0):
    events = make_events(
        [
            (1, 0, BY_CUSTOMER, {"author_id": "c1"}),
            (1, 2, CUSTOMER_MESSAGE, {"author_id": "c1"}),
            (1, 7, AGENT_MESSAGE, {"author_id": "a1", "author_name": "Ann"}),
            (1, 9, AGENT_MESSAGE, {"author_id": "a2", "author_name": "Bob"}),
        ]
    )
    row = first_response_time(events).iloc[0]
    assert row["started_at"] == t0
    assert row["responded_at"] == t0 + pd.Timedelta(minutes=7)
    assert row["response_seconds"] == 420
    assert row["observed"]
    assert (row["agent_id"], row["agent_name"]) == ("a1", "Ann")


def test_auto_reply_and_note_are_not_responses(make_events):
    events = make_events(
        [
            (1, 0, BY_CUSTOMER),
            (1, 1, "conversation_autoreply_sent"),
            (1, 2, "note_added", {"author_id": "a1"}),
            (1, 30, AGENT_MESSAGE, {"author_id": "a1"}),
        ]
    )
    assert first_response_time(events)["response_seconds"].tolist() == [1800.0]


def test_agent_created_and_creationless_conversations_are_left_out(make_events):
    events = make_events(
        [
            (1, 0, BY_AGENT),
            (1, 1, AGENT_MESSAGE),
            (2, 0, CUSTOMER_MESSAGE),  # first event not a creation
            (2, 3, AGENT_MESSAGE),
            (3, 0, BY_CUSTOMER),
            (3, 4, AGENT_MESSAGE),
        ]
    )
    assert first_response_time(events)["conversation_id"].tolist() == [3]


def test_no_reply_then_close_is_censored_at_close(make_events):
    events = make_events(
        [(1, 0, BY_CUSTOMER), (1, 45, CLOSED), (1, 60, "conversation_reopened"), (2, 90, BY_AGENT)]
    )
    row = first_response_time(events).iloc[0]
    assert row["response_seconds"] == 45 * 60
    assert not row["observed"]
    assert pd.isna(row["responded_at"])
    assert pd.isna(row["agent_id"])


def test_no_reply_still_open_runs_to_as_of(make_events, t0):
    events = make_events([(1, 0, BY_CUSTOMER), (1, 10, CUSTOMER_MESSAGE)])
    assert first_response_time(events)["response_seconds"].tolist() == [600.0]
    late = first_response_time(events, as_of=t0 + pd.Timedelta(hours=2))
    assert late["response_seconds"].tolist() == [7200.0]
    assert late["observed"].tolist() == [False]


def test_reply_after_as_of_is_ignored(make_events, t0):
    events = make_events([(1, 0, BY_CUSTOMER), (1, 50, AGENT_MESSAGE)])
    result = first_response_time(events, as_of=t0 + pd.Timedelta(minutes=20))
    assert result["response_seconds"].tolist() == [1200.0]
    assert result["observed"].tolist() == [False]


def test_reply_listed_before_creation_at_same_time_counts(make_events):
    # Events at one time go in lifecycle order, whatever order they are listed in: the
    # creation comes first, so the reply in the same second is a response after 0 s.
    events = make_events([(1, 0, AGENT_MESSAGE), (1, 0, BY_CUSTOMER), (1, 5, AGENT_MESSAGE)])
    assert first_response_time(events)["response_seconds"].tolist() == [0.0]
