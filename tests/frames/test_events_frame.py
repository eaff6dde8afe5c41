"""events_frame: every documented payload variant, order and duplicates, joins, errors."""

from __future__ import annotations

import copy

import pandas as pd
import pytest

from dixa_analytics import SchemaError
from dixa_analytics.events import EVENTS, events_frame
from dixa_analytics.frames import conversations_frame, queues_frame, users_frame

AGENT = {"id": "a1", "name": "Alex Agent", "email": "alex@company.com", "phone_number": None}
CUSTOMER = {"id": "c1", "name": "Jane Customer", "email": "jane@example.com", "phone_number": "+45"}


@pytest.fixture
def full_log(make_event):
    """A conversation's life with one event of most documented types, out of order."""
    e = make_event
    return [
        e(
            "e05",
            10,
            "2026-03-02T09:05:00.000Z",
            "conversation_assigned",
            attributes={"agent_id": "a1", "agent_name": "Alex Agent"},
        ),
        e(
            "e01",
            10,
            "2026-03-02T09:00:00.000Z",
            "conversation_created_by_customer",
            author=CUSTOMER,
            attributes={"conversation_subject": "Where is my order?"},
        ),
        e(
            "e02",
            10,
            "2026-03-02T09:01:00Z",
            "message_added_by_customer",
            author=CUSTOMER,
            attributes={
                "message_id": "m1",
                "from_endpoint": "jane@example.com",
                "avatal_url": None,
            },
        ),
        e(
            "e03",
            10,
            "2026-03-02T09:02:00:000Z",
            "conversation_offered",
            attributes={"agent_names": ["Alex Agent", "Sam"], "queue_label": "Support"},
            spelling="activity_timestmap",
        ),
        e(
            "e06",
            10,
            "2026-03-02T10:06:00+01:00",
            "tag_added",
            author=AGENT,
            attributes={"tag_name": "refund"},
        ),
        e(
            "e07",
            10,
            "2026-03-02T09:07:00.000+00:00",
            "tag_removed",
            author=AGENT,
            attributes={"tag_removed": "refund"},
        ),
        e(
            "e08",
            10,
            "2026-03-02T09:08:00.000Z",
            "conversation_unassigned",
            attributes={"agent": AGENT},
        ),
        e(
            "e09",
            10,
            "2026-03-02T09:09:00.000Z",
            "conversation_claimed",
            author=AGENT,
            attributes={"claimed_from_label": "Support", "claimed_from_type": "queue"},
        ),
        e(
            "e10",
            10,
            "2026-03-02T09:10:00.000Z",
            "transfer_successful",
            author=AGENT,
            attributes={
                "destination_id": "a2",
                "destination_type": "agent",
                "destination_label": "Sam Second",
                "transfer_type": "agent",
                "reason": None,
            },
        ),
        e(
            "e11",
            10,
            "2026-03-02T09:11:00.000Z",
            "transfer_successful",
            author=AGENT,
            attributes={
                "destination_id": "q9",
                "destination_type": "queue",
                "destination_label": "Billing",
                "transfer_type": "queue",
            },
        ),
        e(
            "e12",
            10,
            "2026-03-02T09:12:00.000Z",
            "note_added",
            author=AGENT,
            attributes={"message_id": "n1", "note": "<b>VIP</b>", "avatar_url": "https://x/a.png"},
        ),
        e(
            "e13",
            10,
            "2026-03-02T09:13:00.000Z",
            "conversation_closed",
            author=AGENT,
            attributes=None,
        ),
        e(
            "e14",
            10,
            "2026-03-02T09:14:00.000Z",
            "conversation_rated",
            author=CUSTOMER,
            attributes={"agent": AGENT, "score": 4, "message": "Thanks"},
        ),
        e(
            "e15",
            10,
            "2026-03-02T09:15:00.000Z",
            "conversation_rating_scheduled",
            attributes={"rating_scheduled_time": "2026-03-03T09:00:00.000Z"},
        ),
        e(
            "e16",
            10,
            "2026-03-02T09:16:00.000Z",
            "conversation_language_updated",
            attributes={"language": "da"},
        ),
        e(
            "e17",
            10,
            "2026-03-02T09:17:00.000Z",
            "conversation_autoreply_sent",
            attributes={"template_name": "received"},
        ),
    ]


def row(frame: pd.DataFrame, event_id: str) -> pd.Series:
    return frame.set_index("event_id").loc[event_id]


def test_full_log_columns_dtypes_and_values(full_log, assert_schema):
    events = events_frame(full_log)
    assert_schema(events, EVENTS, extra=True)
    # every field of the documented agent object is declared: no column depends on the data
    assert list(events.columns) == list(EVENTS)
    assert events["agent_phone_number"].isna().all()
    assert list(events["event_id"]) == [
        f"e{i:02d}" for i in [1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]
    ]
    assert row(events, "e01")["conversation_subject"] == "Where is my order?"
    assert row(events, "e01")["author_email"] == "jane@example.com"
    assert row(events, "e02")["message_id"] == "m1"
    assert row(events, "e03")["agent_names"] == ["Alex Agent", "Sam"]
    assert row(events, "e03")["queue_label"] == "Support"
    assert row(events, "e06")["tag"] == "refund"
    assert row(events, "e07")["tag"] == "refund"
    assert row(events, "e12")["avatar_url"] == "https://x/a.png"
    assert row(events, "e12")["note"] == "<b>VIP</b>"
    assert row(events, "e14")["score"] == 4
    assert row(events, "e14")["agent_email"] == "alex@company.com"
    assert row(events, "e15")["rating_scheduled_time"] == pd.Timestamp("2026-03-03 09:00", tz="UTC")
    assert row(events, "e16")["language"] == "da"
    assert row(events, "e17")["template_name"] == "received"
    assert pd.isna(row(events, "e13")["author_is_agent"])


@pytest.mark.parametrize(
    ("event_id", "agent_id", "agent_name"),
    [
        ("e05", "a1", "Alex Agent"),  # assigned: attributes agent_id / agent_name
        ("e08", "a1", "Alex Agent"),  # unassigned: attributes.agent
        ("e09", "a1", "Alex Agent"),  # claimed: the author
        ("e10", "a2", "Sam Second"),  # transfer to an agent: the destination
        ("e14", "a1", "Alex Agent"),  # rated: attributes.agent
    ],
)
def test_agent_the_event_is_about(full_log, event_id, agent_id, agent_name):
    got = row(events_frame(full_log), event_id)
    assert (got["agent_id"], got["agent_name"]) == (agent_id, agent_name)


def test_transfer_to_a_queue_names_no_agent(full_log):
    got = row(events_frame(full_log), "e11")
    assert pd.isna(got["agent_id"])
    assert pd.isna(got["agent_name"])
    assert got["destination_type"] == "queue"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021-08-03T10:15:30.123Z", "2021-08-03 10:15:30.123"),
        ("2021-08-03T10:15:30Z", "2021-08-03 10:15:30"),
        ("2015-11-30T00:00:00:000Z", "2015-11-30 00:00:00"),
        ("2015-11-30T00:00:00:250Z", "2015-11-30 00:00:00.250"),
        ("2021-08-03T10:15:30.123+00:00", "2021-08-03 10:15:30.123"),
        ("2021-08-03T12:15:30+02:00", "2021-08-03 10:15:30"),
        ("2021-08-03T05:15:30.5-05:00", "2021-08-03 10:15:30.5"),
        ("2021-08-03T12:15:30+0200", "2021-08-03 10:15:30"),
        ("2021-08-03 10:15:30", "2021-08-03 10:15:30"),  # no offset: taken as UTC
    ],
)
@pytest.mark.parametrize("spelling", ["activity_timestamp", "activity_timestmap"])
def test_timestamp_forms_and_spellings(make_event, text, expected, spelling):
    events = events_frame([make_event("e1", 1, text, "conversation_closed", spelling=spelling)])
    assert events["timestamp"].iloc[0] == pd.Timestamp(expected, tz="UTC")
    assert str(events["timestamp"].dtype) == "datetime64[ns, UTC]"


def test_mixed_timestamp_forms_in_one_batch(make_event):
    stamps = ["2015-11-30T00:00:00:000Z", "2015-11-30T00:00:01Z", "2015-11-30 00:00:02"]
    records = [make_event(f"e{i}", 1, s, "x") for i, s in enumerate(stamps)]
    seconds = events_frame(records)["timestamp"].dt.second.tolist()
    assert seconds == [0, 1, 2]


def test_correct_spelling_wins_when_both_present(make_event):
    record = make_event("e1", 1, "2021-01-01T00:00:00Z", "conversation_closed")
    record["activity_timestmap"] = "1999-01-01T00:00:00Z"
    assert events_frame([record])["timestamp"].iloc[0].year == 2021


@pytest.mark.parametrize("key", ["tag_name", "tag_added", "tag", "tag_removed", "tagName"])
def test_every_tag_key_spelling_becomes_tag(make_event, key):
    events = events_frame(
        [make_event("e1", 1, "2021-01-01T00:00:00Z", "tag_added", attributes={key: "vip"})]
    )
    assert events["tag"].iloc[0] == "vip"
    assert "tag_name" not in events.columns
    assert "tag_added" not in events.columns


@pytest.mark.parametrize("key", ["avatal_url", "avatar_url", "avatarUrl"])
def test_avatar_spellings(make_event, key):
    record = make_event(
        "e1", 1, "2021-01-01T00:00:00Z", "note_added", attributes={key: "https://a"}
    )
    events = events_frame([record])
    assert events["avatar_url"].iloc[0] == "https://a"
    assert "avatal_url" not in events.columns


def test_null_absent_and_empty_author_and_attributes(make_event):
    records = [
        make_event(
            "e1", 1, "2021-01-01T00:00:00Z", "conversation_closed", author=None, attributes=None
        ),
        {
            "id": "e2",
            "conversation_id": 1,
            "activity_timestamp": "2021-01-01T00:01:00Z",
            "activity_type": "conversation_pending",
        },
        make_event(
            "e3", 1, "2021-01-01T00:02:00Z", "conversation_reopened", author={}, attributes={}
        ),
        make_event(
            "e4", 1, "2021-01-01T00:03:00Z", "followup_added", author={"id": None, "name": None}
        ),
    ]
    events = events_frame(records)
    assert len(events) == 4
    assert (
        events[["author_id", "author_name", "author_email", "tag", "agent_id"]].isna().all().all()
    )


def test_unknown_types_and_keys_are_kept(make_event, assert_schema):
    records = [
        make_event(
            "e1",
            1,
            "2021-01-01T00:00:00Z",
            "conversation_reserved",
            attributes={"reservedUntil": "tomorrow", "weirdCount": 3, "SLA": True},
        ),
        make_event(
            "e2",
            1,
            "2021-01-01T00:01:00Z",
            "brand_new_type",
            attributes={"user": {"id": "u9", "name": "Üla", "email": "u@x"}},
        ),
        make_event(
            "e3",
            1,
            "2021-01-01T00:02:00Z",
            "conversation_rating_offered",
            attributes={"agent": {"id": "a1", "name": "Alex", "phoneNumber": "+1"}},
        ),
    ]
    events = events_frame(records)
    assert_schema(events, EVENTS, extra=True)
    extras = list(events.columns[len(EVENTS) :])
    assert set(extras) == {"reserved_until", "weird_count", "sla"}
    assert list(events["activity_type"]) == [
        "conversation_reserved",
        "brand_new_type",
        "conversation_rating_offered",
    ]
    assert events["reserved_until"].iloc[0] == "tomorrow"
    assert str(events["weird_count"].dtype) == "Int64"
    assert str(events["sla"].dtype) == "boolean"
    assert (events["user_id"].iloc[1], events["user_name"].iloc[1]) == ("u9", "Üla")
    assert events["agent_id"].iloc[2] == "a1"
    assert events["agent_phone_number"].iloc[2] == "+1"
    assert events["user_email"].iloc[1] == "u@x"


def test_attribute_key_colliding_with_a_core_column_is_prefixed(make_event):
    record = make_event("e1", 1, "2021-01-01T00:00:00Z", "x", attributes={"queue_id": "q-attr"})
    events = events_frame([record])
    assert pd.isna(events["queue_id"].iloc[0])
    assert events["attr_queue_id"].iloc[0] == "q-attr"


def test_attribute_channel_does_not_overwrite_the_joined_channel(make_event):
    record = make_event("e1", 1, "2021-01-01T00:00:00Z", "x", attributes={"channel": "sms"})
    conversations = pd.DataFrame({"conversation_id": [1], "queue_id": ["q1"], "channel": ["email"]})
    events = events_frame([record], conversations=conversations)
    assert events["channel"].iloc[0] == "email"
    assert events["attr_channel"].iloc[0] == "sms"


def test_duplicates_removed_keeping_first_and_sorted_stably(make_event):
    t0, t1 = "2021-01-01T00:00:00Z", "2021-01-01T00:01:00Z"
    records = [
        make_event("b", 2, t0, "conversation_closed"),
        make_event("x2", 1, t1, "tag_added", attributes={"tag_name": "first"}),
        make_event("x1", 1, t1, "tag_added", attributes={"tag_name": "tie-second"}),
        make_event("a", 1, t0, "conversation_created_by_customer"),
        make_event("x2", 1, t1, "tag_added", attributes={"tag_name": "duplicate"}),
        make_event("c", 1, t1, "tag_added", attributes={"tag_name": "tie-third"}),
    ]
    events = events_frame(records)
    assert list(events["event_id"]) == ["a", "x2", "x1", "c", "b"]
    assert list(events["tag"].iloc[1:4]) == ["first", "tie-second", "tie-third"]
    assert list(events["conversation_id"]) == [1, 1, 1, 1, 2]
    assert isinstance(events.index, pd.RangeIndex)


def test_same_events_in_any_order_give_the_same_frame(full_log):
    expected = events_frame(full_log)
    shuffled = list(reversed(full_log)) + full_log[:3]
    pd.testing.assert_frame_equal(events_frame(shuffled), expected, check_categorical=False)


def test_input_is_not_mutated(full_log):
    before = copy.deepcopy(full_log)
    events_frame(full_log, keep_raw=True)
    assert full_log == before


def test_keep_raw_adds_a_copy_of_the_attributes(full_log):
    events = events_frame(full_log, keep_raw=True)
    assert events.columns[-1] == "attributes"
    raw = row(events, "e06")["attributes"]
    assert raw == {"tag_name": "refund"}
    raw["tag_name"] = "changed"
    assert full_log[4]["attributes"] == {"tag_name": "refund"}
    assert "attributes" not in events_frame(full_log).columns


def test_empty_input_has_the_schema(assert_schema):
    assert_schema(events_frame([]), EVENTS)
    raw = events_frame([], keep_raw=True)
    assert list(raw.columns) == [*EVENTS, "attributes"]


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


def test_nan_in_a_text_attribute_is_null(make_event):
    records = [
        make_event("e1", 1, "2021-01-01T00:00:00Z", "tag_added", attributes={"tag_name": "vip"}),
        make_event(
            "e2", 1, "2021-01-01T00:01:00Z", "tag_added", attributes={"tag_name": float("nan")}
        ),
    ]
    events = events_frame(records)
    assert str(events["tag"].dtype) == str(EVENTS["tag"])
    assert events["tag"].iloc[0] == "vip"
    assert pd.isna(events["tag"].iloc[1])


# --- joins ------------------------------------------------------------------------------


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


# --- the reference's examples -------------------------------------------------------------


def test_reference_activity_log_examples(examples, assert_schema):
    doc = examples["GET /v1/conversations/activitylog"]["response_200_doc_shape"]["data"]
    realistic = examples["GET /v1/conversations/{csid}/activitylog"]["response_realistic_inferred"][
        "data"
    ]
    events = events_frame(doc + realistic)
    assert_schema(events, EVENTS)
    assert list(events["conversation_id"]) == [0, 12345, 12345, 12345, 12345]
    assert events["tag"].iloc[0] == "string"
    assert events["timestamp"].iloc[0] == pd.Timestamp("2015-11-30", tz="UTC")
    assigned = events[events["activity_type"] == "conversation_assigned"].iloc[0]
    assert assigned["agent_name"] == "Alex Agent"
    offered = events[events["activity_type"] == "conversation_offered"].iloc[0]
    assert offered["agent_names"] == ["Alex Agent"]
    assert offered["queue_label"] == "Support"


@pytest.mark.parametrize("attributes", [{"a": 1}, None])
@pytest.mark.parametrize("activity_type", [["tag_added"], {"a": 1}, 7, 7.5, True])
def test_activity_type_that_is_not_text_is_a_schema_error(make_event, activity_type, attributes):
    record = make_event("e1", 1, "2021-01-01T00:00:00Z", "x", attributes=attributes)
    record["activity_type"] = activity_type
    with pytest.raises(SchemaError, match=r"record 0.*activity_type of type"):
        events_frame([record])


def test_camel_case_activity_types_are_respelled(make_event):
    records = [
        make_event("e1", 1, "2021-01-01T00:00:00Z", "ConversationCreatedByCustomer"),
        make_event("e2", 1, "2021-01-01T00:01:00Z", "conversation_closed"),
        make_event("e3", 1, "2021-01-01T00:02:00Z", "ConversationClosed"),
    ]
    events = events_frame(records)
    assert events["activity_type"].tolist() == [
        "conversation_created_by_customer",
        "conversation_closed",
        "conversation_closed",
    ]
    assert list(events["activity_type"].cat.categories) == [
        "conversation_created_by_customer",
        "conversation_closed",
    ]


def test_categories_are_those_of_the_kept_rows_in_output_order(make_event):
    t0, t1 = "2021-01-01T00:00:00Z", "2021-01-01T00:01:00Z"
    records = [
        make_event("b", 2, t0, "conversation_closed", attributes={"language": "de"}),
        make_event("a", 1, t1, "tag_added", attributes={"language": "en"}),
        make_event("a", 1, t0, "note_added", attributes={"language": "fr"}),  # a dropped repeat
    ]
    events = events_frame(records)
    assert list(events["activity_type"].cat.categories) == ["tag_added", "conversation_closed"]
    assert list(events["language"].cat.categories) == ["en", "de"]
    assert events["activity_type"].value_counts().to_dict() == {
        "tag_added": 1,
        "conversation_closed": 1,
    }


def test_a_dropped_repeat_does_not_change_a_column_dtype(make_event):
    t0 = "2021-01-01T00:00:00Z"
    kept = make_event("e1", 1, t0, "x", attributes={"extra": 1, "score": 4})
    repeat = make_event("e1", 1, t0, "x", attributes={"extra": 2.5, "score": 2**64})
    events = events_frame([kept, repeat])
    assert str(events["extra"].dtype) == "Int64"
    assert events["extra"].tolist() == [1]
    assert events["score"].tolist() == [4]
