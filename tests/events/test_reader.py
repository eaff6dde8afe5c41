"""The reader: records in the shape the API sends are read; any other shape is refused with an
error naming the record and the field."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dixa_analytics import SchemaError
from dixa_analytics.events import events_frame
from dixa_analytics.events._reader import read_attributes, read_core


def test_hostile_attribute_values_are_read_by_their_column(make_event):
    # Attribute shapes are the reference's best guesses, so their values are read leniently.
    records = [
        make_event(
            "e1",
            12,
            "2021-01-01T00:00:00Z",
            "tag_added",
            author={"id": "42", "name": "<script>alert(1)</script>", "email": None},
            attributes={"tag_name": 7, "score": "5", "agent_names": "solo"},
        ),
        make_event(
            "e2",
            12.0,  # a whole float is still a csid
            "2021-01-01T00:01:00Z",
            "conversation_rated",
            attributes={"score": "not a number", "language": "日本語"},
        ),
    ]
    events = events_frame(records)
    assert list(events["conversation_id"]) == [12, 12]
    assert events["author_name"].iloc[0] == "<script>alert(1)</script>"
    assert events["tag"].iloc[0] == "7"
    assert events["score"].iloc[0] == 5
    assert pd.isna(events["score"].iloc[1])
    assert events["agent_names"].iloc[0] == ["solo"]
    assert events["language"].iloc[1] == "日本語"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("id", 5, r"id 5 \(int\); expected text"),
        ("id", float("nan"), r"id nan \(float\); expected text"),
        ("conversation_id", "12", r"conversation_id '12' \(str\); expected an integer csid"),
        ("conversation_id", 12.5, r"conversation_id 12.5 \(float\)"),
        ("conversation_id", True, r"conversation_id True \(bool\)"),
        ("conversation_id", 2**60, r"conversation_id 1152921504606846976 \(int\)"),
        ("activity_type", 7, "activity_type of type int; expected a string"),
        ("activity_timestamp", 1609459200000, r"activity_timestamp 1609459200000 \(int\)"),
        ("author", "Alex", "author of type str; expected an object or null"),
        ("author", ["a1", "Alex"], "author of type list"),
        ("author", {"id": 42}, r"author.id 42 \(int\); expected text"),
        ("attributes", "vip", "attributes of type str"),
    ],
)
def test_core_fields_of_another_kind_name_the_record_and_field(make_event, field, value, message):
    # The core fields are documented: a record that breaks them is refused, never guessed at.
    records = [make_event("e0", 1, "2021-01-01T00:00:00Z", "x")] * 2
    records = [records[0], {**records[1], "id": "bad", field: value}]
    with pytest.raises(SchemaError, match=r"activity-log record 1 \(id .*\) has " + message):
        events_frame(records)


# --- errors -----------------------------------------------------------------------------


@pytest.mark.parametrize("records", [None, {"data": []}, "events", 3])
def test_records_must_be_a_list(records):
    with pytest.raises(TypeError, match="list of dicts"):
        events_frame(records)


def test_records_must_be_dicts(make_event):
    with pytest.raises(TypeError, match="item 1"):
        events_frame([make_event("e1", 1, "2021-01-01T00:00:00Z", "x"), "oops"])


@pytest.mark.parametrize("missing", ["id", "conversation_id", "activity_type"])
def test_missing_required_field_names_the_record(make_event, missing):
    records = [
        make_event("e1", 1, "2021-01-01T00:00:00Z", "x"),
        make_event("e2", 1, "2021-01-01T00:00:00Z", "x"),
    ]
    del records[1][missing]
    with pytest.raises(SchemaError, match=f"record 1.*{missing}"):
        events_frame(records)


@pytest.mark.parametrize("stamp", ["yesterday", "2021-13-45T00:00:00Z", None, ""])
def test_unreadable_or_missing_timestamp_names_the_record(make_event, stamp):
    records = [make_event("e1", 1, "2021-01-01T00:00:00Z", "x"), make_event("bad", 1, stamp, "x")]
    with pytest.raises(SchemaError, match="record 1 \\(id 'bad'\\)"):
        events_frame(records)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("conversation_id", "abc"),
        ("conversation_id", True),
        ("author", "Alex"),
        ("attributes", ["tag"]),
    ],
)
def test_wrong_shapes_raise_schema_error(make_event, field, value):
    record = make_event("e1", 1, "2021-01-01T00:00:00Z", "x", attributes={"a": 1})
    record[field] = value
    with pytest.raises(SchemaError, match="record 0"):
        events_frame([record])


@pytest.mark.parametrize("attributes", [{"a": 1}, None])
@pytest.mark.parametrize("activity_type", [["tag_added"], {"a": 1}, 7, 7.5, True])
def test_activity_type_that_is_not_text_is_a_schema_error(make_event, activity_type, attributes):
    record = make_event("e1", 1, "2021-01-01T00:00:00Z", "x", attributes=attributes)
    record["activity_type"] = activity_type
    with pytest.raises(SchemaError, match=r"record 0.*activity_type of type"):
        events_frame([record])


def test_two_keys_of_a_record_with_different_values_are_an_error(make_event):
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
    # Neither value can be told right: silently keeping one would hide the other.
    with pytest.raises(SchemaError, match=r"record 0 \(id 'e1'.*'first' and 'second'"):
        read_attributes([record, other])
    assert read_core([record, other])["timestamp"].to_pylist() == ["2021-01-01T00:00:00Z"] * 2


def test_key_spellings_sharing_a_record(make_event):
    def tagged(event_id, attributes):
        return make_event(event_id, 1, "2021-01-01T00:00:00Z", "tag_added", attributes=attributes)

    records = [
        tagged("e1", {"tag_name": "a"}),
        tagged("e2", {"tag": "c", "tag_name": "c"}),  # both set, to the same value
        tagged("e3", {"tag_name": None, "tag": "d"}),  # a None gives way to the other key
        tagged("e4", {"tag": "e"}),
    ]
    rows, values = read_attributes(records)["tag"]
    got = dict(zip(rows.tolist(), values, strict=True))
    assert got == {0: "a", 1: "c", 2: "d", 3: "e"}


def test_keys_in_order_first_met_and_csids_as_int64(make_event):
    records = [
        make_event("e1", 5, "2021-01-01T00:00:00Z", "x", attributes={"zeta": 1}),
        make_event("e2", 2**53, "2021-01-01T00:00:00Z", "y", attributes={"alpha": "a", "zeta": 2}),
    ]
    assert list(read_attributes(records)) == ["zeta", "alpha"]
    csids = read_core(records)["conversation_id"]
    assert csids.dtype == "int64"
    assert csids.tolist() == [5, 2**53]


# --- any JSON at all: a frame or an error naming the record, never anything else -------------

_json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**64), max_value=2**64),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=3),
)
_json = st.recursive(
    _json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=2), st.dictionaries(st.text(max_size=3), inner, max_size=2)
    ),
    max_leaves=4,
)
_good = {
    "id": st.sampled_from(["e1", "e2"]),
    "conversation_id": st.sampled_from([1, 2]),
    "activity_type": st.sampled_from(["tag_added", "conversation_claimed"]),
    "activity_timestamp": st.just("2021-01-01T00:00:00Z"),
    "author": st.one_of(st.none(), st.fixed_dictionaries({"id": st.just("a1")})),
    "attributes": st.one_of(st.none(), st.fixed_dictionaries({"tag_name": st.just("vip")})),
}


@st.composite
def _records(draw):
    records = []
    for _ in range(draw(st.integers(1, 3))):
        record = {key: draw(value) for key, value in _good.items()}
        for key in draw(st.lists(st.sampled_from([*_good, "activity_timestmap"]), max_size=2)):
            record[key] = draw(_json)  # one field of any JSON kind
        records.append(record)
    return records


@settings(max_examples=300, deadline=None, derandomize=True)
@given(_records())
def test_any_json_gives_a_frame_or_an_error_naming_the_record(records):
    try:
        events = events_frame(records)
    except SchemaError as error:
        message = str(error)
    else:
        assert_documented(events, records)
        return
    assert re.search(r"activity-log record \d+|activity-log records without", message), message


def assert_documented(events: pd.DataFrame, records: list[dict]) -> None:
    """A frame was made: then every record was in the documented shape."""
    for record in records:
        assert isinstance(record["id"], str)
        assert isinstance(record["conversation_id"], int | float)
        assert not isinstance(record["conversation_id"], bool)
        assert float(record["conversation_id"]).is_integer()
        assert isinstance(record["activity_type"], str)
    assert set(events["event_id"]) == {r["id"] for r in records}


# --- the Dixa API's camelCase records --------------------------------------------------------


def _camel(record: dict) -> dict:
    """A record as the Dixa API writes it: camelCase keys, a CamelCase type, ``_type``."""
    kind = record["activity_type"]
    stamp = record.get("activity_timestamp") or record["activity_timestmap"]
    out = {
        "id": record["id"],
        "conversationId": record["conversation_id"],
        "activityTimestamp": stamp.replace("Z", "Z[GMT]") if stamp.endswith("Z") else stamp,
        "activityType": "".join(part.capitalize() for part in kind.split("_")),
        "author": record["author"],
    }
    attributes = record["attributes"]
    if attributes:

        def camel(key: str) -> str:
            head, *rest = key.split("_")
            return head + "".join(part.capitalize() for part in rest)

        def keys(value):
            return (
                {camel(k): keys(v) for k, v in value.items()} if isinstance(value, dict) else value
            )

        out["attributes"] = {"_type": out["activityType"], **keys(attributes)}
    return out


def test_camel_case_records_give_the_same_frame(full_log):
    snake = events_frame(full_log)
    camel = events_frame([_camel(r) for r in full_log])
    pd.testing.assert_frame_equal(camel, snake)
    mixed = events_frame([_camel(r) if i % 2 else r for i, r in enumerate(full_log)])
    pd.testing.assert_frame_equal(mixed, snake)


def test_a_camel_case_record_with_a_bad_csid_is_named_by_its_key(full_log):
    records = [_camel(r) for r in full_log[:2]]
    records[1]["conversationId"] = "12"
    with pytest.raises(SchemaError, match=r"record 1 \(id .*\) has conversationId '12' \(str\)"):
        events_frame(records)
