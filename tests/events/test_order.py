"""The frame's order: repeated events dropped, sorted by conversation and time, whatever the
order and repeats the records came in."""

from __future__ import annotations

import copy

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from dixa_analytics.events import (
    events_frame,
)

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
    by = ["conversation_id", "timestamp", "event_id"]
    pd.testing.assert_frame_equal(
        got.sort_values(by).reset_index(drop=True),
        expected.sort_values(by).reset_index(drop=True),
        check_categorical=False,
    )
    assert got["event_id"].is_unique
    keys = list(zip(got["conversation_id"], got["timestamp"], strict=True))
    assert keys == sorted(keys)
    # ties keep input order: in the unshuffled stream, record numbers rise within a tie
    numbers = expected["event_id"].str[1:].astype(int)
    rises = numbers.groupby(
        [expected["conversation_id"], expected["timestamp"]]
    ).is_monotonic_increasing
    assert rises.all()
    claimed = got[got["activity_type"] == "conversation_claimed"]
    assert (claimed["agent_id"].fillna("-") == claimed["author_id"].fillna("-")).all()
