"""events_frame: every documented payload variant, order and duplicates, the reference's
examples, categories."""

from __future__ import annotations

import copy

import pandas as pd
import pytest

from dixa_analytics.events import EVENTS, events_frame


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


def test_duplicates_removed_keeping_first_and_ties_sorted_by_event_id(make_event):
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
    # Three tags at one time share a lifecycle rank: they go by event id, whatever came first.
    assert list(events["event_id"]) == ["a", "c", "x1", "x2", "b"]
    assert list(events["tag"].iloc[1:4]) == ["tie-third", "tie-second", "first"]
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
    # Two spellings of one type are one category (categories are sorted).
    assert list(events["activity_type"].cat.categories) == [
        "conversation_closed",
        "conversation_created_by_customer",
    ]


def test_categories_are_those_of_the_kept_rows_in_output_order(make_event):
    t0, t1 = "2021-01-01T00:00:00Z", "2021-01-01T00:01:00Z"
    records = [
        make_event("b", 2, t0, "conversation_closed", attributes={"language": "de"}),
        make_event("a", 1, t1, "tag_added", attributes={"language": "en"}),
        make_event("a", 1, t0, "note_added", attributes={"language": "fr"}),  # a dropped repeat
    ]
    events = events_frame(records)
    # Not "note_added" or "fr": only the kept rows' values, sorted.
    assert list(events["activity_type"].cat.categories) == ["conversation_closed", "tag_added"]
    assert list(events["language"].cat.categories) == ["de", "en"]
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
