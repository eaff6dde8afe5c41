"""split_by_type, the pure normalisers, and invariants of events_frame over generated streams."""

from __future__ import annotations

import copy

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dixa_analytics.events import (
    CORE_EVENT_COLUMNS,
    EVENTS,
    TYPE_COLUMNS,
    events_frame,
    split_by_type,
)
from dixa_analytics.events._reader import read_attributes, read_core
from dixa_analytics.events._vocabulary import attribute_column, snake_case
from dixa_analytics.frames import to_bool

# --- split_by_type ------------------------------------------------------------------------


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


# --- normalisers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("agentId", "agent_id"),
        ("destinationLabel", "destination_label"),
        ("tag_name", "tag_name"),
        ("HTMLBody", "html_body"),
        ("ratingScheduledTime", "rating_scheduled_time"),
        ("SLA", "sla"),
    ],
)
def test_snake_case(key, expected):
    assert snake_case(key) == expected


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("tag_name", "tag"),
        ("tagAdded", "tag"),
        ("tag_removed", "tag"),
        ("avatal_url", "avatar_url"),
        ("activity_type", "attr_activity_type"),
        ("queueName", "attr_queue_name"),
        ("note", "note"),
    ],
)
def test_attribute_column(key, expected):
    assert attribute_column(key) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, True),
        ("true", True),
        (" False ", False),
        ("1", True),
        (0, False),
        (None, None),
        ("maybe", None),
        ([], None),
    ],
)
def test_to_bool(value, expected):
    assert to_bool(value) is expected


def test_activity_columns_first_key_of_a_record_wins(make_event):
    record = make_event(
        "e1",
        1,
        "2021-01-01T00:00:00Z",
        "tag_added",
        attributes={"tag": "first", "tag_name": "second"},
    )
    other = make_event(
        "e2", 1, "2021-01-01T00:00:00Z", "tag_added", attributes={"tag_name": "only"}
    )
    rows, values = read_attributes([record, other])["tag"]
    assert dict(zip(rows.tolist(), values, strict=True)) == {0: "first", 1: "only"}
    assert read_core([record, other])["timestamp"].to_pylist() == ["2021-01-01T00:00:00Z"] * 2


def test_activity_columns_key_spellings_sharing_a_record(make_event):
    def tagged(event_id, attributes):
        return make_event(event_id, 1, "2021-01-01T00:00:00Z", "tag_added", attributes=attributes)

    records = [
        tagged("e1", {"tag_name": "a"}),
        tagged("e2", {"tag": "b", "tag_name": "c"}),  # tag_name was met first in the input
        tagged("e3", {"tag_name": None, "tag": "d"}),  # a None gives way to the other key
        tagged("e4", {"tag": "e"}),
    ]
    rows, values = read_attributes(records)["tag"]
    got = dict(zip(rows.tolist(), values, strict=True))
    assert got == {0: "a", 1: "c", 2: "d", 3: "e"}


def test_activity_columns_keys_in_order_first_met_and_csids_as_int64(make_event):
    records = [
        make_event("e1", 5, "2021-01-01T00:00:00Z", "x", attributes={"zeta": 1}),
        make_event("e2", 2**53, "2021-01-01T00:00:00Z", "y", attributes={"alpha": "a", "zeta": 2}),
    ]
    assert list(read_attributes(records)) == ["zeta", "alpha"]
    csids = read_core(records)["conversation_id"]
    assert csids.dtype == "int64"
    assert csids.tolist() == [5, 2**53]


# --- invariants over generated event streams -----------------------------------------------

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
