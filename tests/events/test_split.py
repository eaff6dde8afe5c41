"""split_by_type: one frame per activity type, holding only its columns."""

from __future__ import annotations

import pandas as pd
import pytest

from dixa_analytics.events import (
    CORE_EVENT_COLUMNS,
    EVENTS,
    TYPE_COLUMNS,
    events_frame,
    split_by_type,
)


@pytest.fixture
def mixed(make_event):
    agent = {"id": "a1", "name": "Alex", "email": "a@x"}
    return events_frame(
        [
            make_event(
                "e1",
                1,
                "2021-01-01T00:00:00Z",
                "conversation_created_by_customer",
                attributes={"conversation_subject": "Hi"},
            ),
            make_event(
                "e2", 1, "2021-01-01T00:01:00Z", "tag_added", attributes={"tag_name": "vip"}
            ),
            make_event(
                "e3",
                1,
                "2021-01-01T00:02:00Z",
                "conversation_assigned",
                attributes={"agent_id": "a1", "agent_name": "Alex"},
            ),
            make_event(
                "e4",
                1,
                "2021-01-01T00:03:00Z",
                "transfer_failed",
                attributes={"destination_id": "q1", "destination_type": "queue"},
            ),
            make_event("e5", 1, "2021-01-01T00:04:00Z", "conversation_closed"),
            make_event(
                "e6",
                1,
                "2021-01-01T00:05:00Z",
                "conversation_rated",
                attributes={"agent": agent, "score": 5},
            ),
            make_event("e7", 2, "2021-01-01T00:05:00Z", "mystery", attributes={"colour": "red"}),
            make_event("e8", 2, "2021-01-01T00:06:00Z", "tag_added", attributes={"tag": "late"}),
        ]
    )


def test_split_by_type_columns(mixed):
    parts = split_by_type(mixed)
    assert list(parts) == sorted(mixed["activity_type"].astype(str).unique())
    core = list(CORE_EVENT_COLUMNS)
    assert list(parts["conversation_closed"].columns) == core
    assert list(parts["tag_added"].columns) == [*core[:8], "tag", *core[8:]]
    assert list(parts["conversation_assigned"].columns) == [
        *core[:8],
        "agent_id",
        "agent_name",
        *core[8:],
    ]
    assert set(parts["transfer_failed"].columns) == set(core) | set(TYPE_COLUMNS["transfer_failed"])
    assert set(parts["conversation_rated"].columns) == set(core) | {
        "agent_id",
        "agent_name",
        "agent_email",
        "agent_phone_number",
        "score",
        "message",
    }
    # an unknown type keeps the columns it fills
    assert list(parts["mystery"].columns) == [*core, "colour"]
    assert list(parts["tag_added"]["tag"]) == ["vip", "late"]


def test_split_by_type_keeps_rows_dtypes_and_index(mixed):
    parts = split_by_type(mixed)
    assert sum(len(p) for p in parts.values()) == len(mixed)
    tags = parts["tag_added"]
    assert list(tags.index) == list(mixed.index[mixed["activity_type"] == "tag_added"])
    for name in tags.columns:
        assert tags[name].dtype == mixed[name].dtype


def test_split_by_type_empty_and_bad_input():
    assert split_by_type(events_frame([])) == {}
    with pytest.raises(TypeError, match="events_frame"):
        split_by_type(pd.DataFrame({"x": [1]}))


def test_split_by_type_does_not_mutate(mixed):
    before = mixed.copy(deep=True)
    split_by_type(mixed)
    pd.testing.assert_frame_equal(mixed, before)


def test_type_columns_are_declared_columns():
    declared = set(EVENTS)
    for columns in TYPE_COLUMNS.values():
        assert set(columns) <= declared
