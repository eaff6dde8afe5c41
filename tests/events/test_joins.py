"""events_frame's joins: authors that are agents, each conversation's queue and channel."""

from __future__ import annotations

import pandas as pd
import pytest

from dixa_analytics.events import events_frame
from dixa_analytics.frames import conversations_frame, queues_frame, users_frame


def row(frame: pd.DataFrame, event_id: str) -> pd.Series:
    return frame.set_index("event_id").loc[event_id]


def test_joins_author_is_agent_and_queues(full_log):
    users = users_frame(
        [
            {"id": "a1", "name": "Alex Agent", "roles": ["Agent"]},
            {"id": "c1", "name": "Jane Customer", "roles": []},
        ]
    )
    queues = queues_frame([{"id": "q1", "name": "Support"}])
    conversations = conversations_frame(
        [
            {
                "id": 10,
                "created_at": 1772441000000,
                "initial_channel": "email",
                "requester_id": "c1",
                "queue_id": "q1",
                "queue_name": "Old name",
            }
        ]
    )
    events = events_frame(full_log, users=users, queues=queues, conversations=conversations)
    flags = events.set_index("event_id")["author_is_agent"]
    assert flags.loc[["e06", "e01"]].tolist() == [True, False]  # agent, customer
    assert pd.isna(flags["e05"])  # no author
    assert set(events["queue_id"]) == {"q1"}
    assert set(events["queue_name"]) == {"Support"}
    assert str(events["author_is_agent"].dtype) == "boolean"


def test_join_without_queues_uses_the_conversation_queue_name(make_event):
    conversations = pd.DataFrame(
        {"conversation_id": [1], "queue_id": ["q1"], "queue_name": ["Billing"]}
    )
    events = events_frame(
        [
            make_event("e1", 1, "2021-01-01T00:00:00Z", "x"),
            make_event("e2", 2, "2021-01-01T00:00:00Z", "x"),
        ],
        conversations=conversations,
    )
    assert events["queue_name"].iloc[0] == "Billing"
    assert pd.isna(events["queue_name"].iloc[1])
    assert pd.isna(events["queue_id"].iloc[1])


def test_users_with_roles_only_and_raw_lists(make_event):
    record = make_event("e1", 1, "2021-01-01T00:00:00Z", "x", author={"id": "a1"})
    raw_users = [{"id": "a1", "roles": ["Admin"]}]
    assert bool(events_frame([record], users=raw_users)["author_is_agent"].iloc[0])
    roles_only = pd.DataFrame({"user_id": ["a1"], "roles": [[]]})
    assert not events_frame([record], users=roles_only)["author_is_agent"].iloc[0]


def test_join_arguments_are_not_mutated(full_log):
    users = users_frame([{"id": "a1", "roles": ["Agent"]}])
    before = users.copy(deep=True)
    events_frame(full_log, users=users)
    pd.testing.assert_frame_equal(users, before)


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"users": "a1"}, TypeError),
        ({"users": pd.DataFrame({"name": ["x"]})}, ValueError),
        ({"conversations": pd.DataFrame({"conversation_id": [1]})}, ValueError),
        ({"queues": pd.DataFrame({"queue_id": ["q"]})}, ValueError),
    ],
)
def test_bad_join_arguments(make_event, kwargs, error):
    with pytest.raises(error, match="frame"):
        events_frame([make_event("e1", 1, "2021-01-01T00:00:00Z", "x")], **kwargs)
