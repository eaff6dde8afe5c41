"""The frame's order: repeated events dropped, sorted by conversation and time, whatever the
order and repeats the records came in."""

from __future__ import annotations

import copy

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dixa_analytics import first_response_time
from dixa_analytics.events import conform_events, events_frame, lifecycle_rank

TYPES = [
    "conversation_created_by_customer",
    "tag_added",
    "conversation_closed",
    "note_added",
    "conversation_claimed",
    "transfer_successful",
    "something_new",
]


@st.composite
def streams(draw):
    count = draw(st.integers(min_value=0, max_value=25))
    records = []
    for index in range(count):
        attributes = draw(
            st.one_of(
                st.none(),
                st.just({}),
                st.fixed_dictionaries({"tag_name": st.text(max_size=5)}),
                st.fixed_dictionaries(
                    {
                        "destination_type": st.sampled_from(["agent", "queue"]),
                        "destination_id": st.text(min_size=1, max_size=3),
                    }
                ),
            )
        )
        author = draw(
            st.one_of(st.none(), st.fixed_dictionaries({"id": st.sampled_from(["a1", "c1"])}))
        )
        second = draw(st.integers(min_value=0, max_value=5))
        records.append(
            {
                "id": f"e{index}",
                "conversation_id": draw(st.integers(min_value=1, max_value=3)),
                draw(
                    st.sampled_from(["activity_timestamp", "activity_timestmap"])
                ): f"2021-01-01T00:00:0{second}"
                + draw(st.sampled_from([".000Z", "Z", ":000Z", "+00:00"])),
                "activity_type": draw(st.sampled_from(TYPES)),
                "author": author,
                "attributes": attributes,
            }
        )
    duplicates = draw(st.lists(st.sampled_from(records), max_size=5)) if records else []
    shuffled = draw(st.permutations(records + [copy.deepcopy(d) for d in duplicates]))
    return records, list(shuffled)


@settings(max_examples=60, deadline=None)
@given(streams())
def test_order_and_duplicates_do_not_change_the_frame(stream):
    records, shuffled = stream
    expected = events_frame(records)
    got = events_frame(shuffled)
    # The same frame row for row, whatever order the records came in.
    pd.testing.assert_frame_equal(got, expected, check_categorical=False)
    assert got["event_id"].is_unique
    ranks = got["activity_type"].map(lifecycle_rank).astype(int)
    keys = list(zip(got["conversation_id"], got["timestamp"], ranks, got["event_id"], strict=True))
    assert keys == sorted(keys)
    claimed = got[got["activity_type"] == "conversation_claimed"]
    assert (claimed["agent_id"].fillna("-") == claimed["author_id"].fillna("-")).all()


@pytest.mark.parametrize("order", [[0, 1, 2, 3], [3, 2, 1, 0], [2, 0, 3, 1]])
def test_events_at_one_time_follow_the_lifecycle(order, make_event):
    moment = "2026-03-02T10:00:00Z"
    records = [
        make_event("e4", 7, moment, "conversation_reopened"),
        make_event("e3", 7, moment, "conversation_closed"),
        make_event("e2", 7, moment, "message_added_by_agent"),
        make_event("e1", 7, moment, "conversation_created_by_customer"),
    ]
    events = events_frame([records[i] for i in order])
    assert list(events["activity_type"]) == [
        "conversation_created_by_customer",
        "message_added_by_agent",
        "conversation_closed",
        "conversation_reopened",
    ]
    # A hand-built frame in another order is put in the same order by the contract.
    shuffled = events.iloc[::-1].reset_index(drop=True)
    assert list(conform_events(shuffled)["event_id"]) == list(events["event_id"])


def test_a_reply_in_the_second_of_creation_is_a_first_response_whatever_the_order(make_event):
    moment = "2026-03-02T10:00:00Z"
    author = {"id": "agent-1", "name": "Ann"}
    records = [
        make_event("m", 7, moment, "message_added_by_agent", author=author),
        make_event("a", 7, moment, "conversation_assigned", attributes={"agent_id": "agent-1"}),
        make_event("c", 7, moment, "conversation_created_by_customer"),
    ]
    for order in ([0, 1, 2], [2, 1, 0], [1, 2, 0]):
        result = first_response_time(events_frame([records[i] for i in order]))
        assert result["observed"].tolist() == [True]
        assert result["response_seconds"].tolist() == [0.0]
