"""users, queues, tags, endpoints, conversations, messages and notes frames."""

from __future__ import annotations

import copy

import pandas as pd
import pytest

from dixa_analytics import SchemaError
from dixa_analytics.frames import (
    CONVERSATIONS,
    ENDPOINTS,
    MESSAGES,
    NOTES,
    QUEUES,
    TAGS,
    USERS,
    conversations_frame,
    endpoints_frame,
    messages_frame,
    notes_frame,
    queues_frame,
    tags_frame,
    users_frame,
)

# --- users ------------------------------------------------------------------------------


def test_users_full_minimal_and_hostile(assert_schema):
    records = [
        {
            "id": "a1",
            "email": "alex@company.com",
            "name": "Alex",
            "roles": ["Agent", "Admin"],
            "avatar_url": "https://a/1.png",
            "phone_number": "+4511111111",
        },
        {"id": "c1"},
        {
            "id": "c2",
            "name": "<img src=x onerror=alert(1)>",
            "roles": None,
            "avatal_url": "https://b",
            "unknown": {"deep": 1},
        },
        {"id": "c3", "name": "Zoë Ørsted", "roles": "Agent"},
    ]
    before = copy.deepcopy(records)
    users = users_frame(records)
    assert_schema(users, USERS)
    assert records == before
    assert list(users["user_id"]) == ["a1", "c1", "c2", "c3"]
    assert list(users["is_agent"]) == [True, False, False, True]
    assert list(users["roles"]) == [["Agent", "Admin"], [], [], ["Agent"]]
    assert users["avatar_url"].iloc[2] == "https://b"
    assert users["name"].iloc[2] == "<img src=x onerror=alert(1)>"
    assert users["name"].iloc[3] == "Zoë Ørsted"
    assert users[["email", "phone_number"]].iloc[1].isna().all()


def test_users_examples(examples, assert_schema):
    realistic = examples["GET /v1/users"]["response_200_realistic"]["data"]
    created = [examples["POST /v1/users"]["response_realistic"]["data"]]
    users = users_frame(realistic + created)
    assert_schema(users, USERS)
    assert list(users["is_agent"]) == [True, False]
    assert pd.isna(users["avatar_url"].iloc[0])


# --- queues, tags, endpoints ------------------------------------------------------------


def test_queues(assert_schema, examples):
    queues = queues_frame(
        [
            {"id": "q1", "name": "Support", "is_default": True, "priority": 0},
            {"id": "q2", "name": "Billing", "is_default": "false", "priority": "3"},
            {"id": "q3"},
        ]
    )
    assert_schema(queues, QUEUES)
    assert list(queues["is_default"].astype(object)) == [True, False, pd.NA]
    assert list(queues["priority"].astype(object)) == [0, 3, pd.NA]
    doc = examples["GET /v1/queues"]["response_200_doc_shape"]["data"]
    single = [examples["GET /v1/queues/{id}"]["response_200_doc_shape"]["data"]]
    assert_schema(queues_frame(doc + single), QUEUES)


def test_tags(assert_schema, examples):
    tags = tags_frame(
        [
            {"id": "t1", "name": "refund", "is_deactivated": False},
            {"id": "t2", "name": "old", "state": "Deactivated"},
            {"id": "t3", "name": "vip"},
        ]
    )
    assert_schema(tags, TAGS)
    assert list(tags["is_deactivated"].astype(object)) == [False, True, pd.NA]
    assert list(tags_frame(examples["GET /v1/tags"]["response_inferred"]["data"])["tag_name"]) == [
        "refund"
    ]


def test_endpoints(assert_schema, examples):
    endpoints = endpoints_frame(examples["GET /v1/endpoints"]["response_200_doc_shape"]["data"])
    assert_schema(endpoints, ENDPOINTS)
    assert list(endpoints["endpoint_type"]) == ["email_address", "phone_number"]
    assert list(endpoints["address"]) == ["support-dixa@email.dixa.io", "+4512345678"]
    assert endpoints["endpoint_id"].iloc[1] == "+4512345678"
    assert endpoints["spf_email"].iloc[0] == "support@dixa.com"


def test_endpoint_of_unknown_shape():
    with pytest.raises(SchemaError, match="endpoint record 0"):
        endpoints_frame([{"fax": {"number": "1"}}])


# --- conversations ----------------------------------------------------------------------

V1 = {
    "id": 101,
    "created_at": "2021-08-03T10:15:30:123Z",
    "requester_id": "c1",
    "channel": "widget_chat",
    "direction": "inbound",
    "queued_at": "2021-08-03T10:15:31.000+00:00",
    "queue_id": "q1",
    "status": "closed",
    "status_updated_at": "2021-08-03T12:15:30+02:00",
    "attributes": {"subject": "Parcel"},
    "assigned_to": "a1",
    "assigned_at": "2021-08-03T10:16:00Z",
}

EXPORT = {
    "id": 102,
    "created_at": 1600087304703,
    "initial_channel": "facebookmessenger",
    "requester_id": "c2",
    "requester_name": "Jane",
    "queue_id": "q2",
    "queue_name": "Export name",
    "closed_at": None,
    "status": "OPEN",
    "direction": "Outbound",
    "assignee_id": "a2",
    "assignee_name": "Sam",
    "tags": ["refund", "vip"],
    "ratings": [{"rating_score": 3}],
    "updated_at": 1600087404703,
}


def test_conversations_both_variants(assert_schema):
    records = [V1, EXPORT]
    before = copy.deepcopy(records)
    conversations = conversations_frame(
        records, queues=queues_frame([{"id": "q1", "name": "Support"}])
    )
    assert records == before
    assert_schema(conversations, CONVERSATIONS)
    v1, export = conversations.iloc[0], conversations.iloc[1]
    assert v1["created_at"] == pd.Timestamp("2021-08-03 10:15:30.123", tz="UTC")
    assert v1["closed_at"] == pd.Timestamp("2021-08-03 10:15:30", tz="UTC")
    assert (v1["assignee_id"], v1["subject"], v1["queue_name"]) == ("a1", "Parcel", "Support")
    assert export["created_at"] == pd.Timestamp(1600087304703, unit="ms", tz="UTC")
    assert (export["channel"], export["status"], export["direction"]) == (
        "facebook_messenger",
        "open",
        "outbound",
    )
    assert export["queue_name"] == "Export name"  # kept, not overwritten by the join
    assert export["tags"] == ["refund", "vip"]
    assert export["rating_score"] == 3
    assert pd.isna(export["closed_at"])


@pytest.mark.parametrize(
    ("channel", "expected"),
    [
        ("widgetchat", "widget_chat"),
        ("contactform", "contact_form"),
        ("facebookmessenger", "facebook_messenger"),
        ("voicemail", "voice_mail"),
        ("email", "email"),
        ("whatsapp", "whatsapp"),
        ("WidgetChat", "widget_chat"),
    ],
)
def test_export_channel_spellings(channel, expected):
    record = {"id": 1, "created_at": 0, "initial_channel": channel, "requester_id": "c"}
    assert conversations_frame([record])["channel"].iloc[0] == expected


def test_conversation_examples(examples, assert_schema):
    v1 = examples["GET /v1/conversations/{csid}"]["response_200_doc_shape"]["data"]
    created = examples["POST /v1/conversations"]["response_doc_shape"]["data"]
    requested = examples["GET /v1/users/{userId}/requested_conversations"][
        "response_200_doc_shape"
    ]["data"]
    export = examples["GET exports.dixa.io/v1/conversation_export"]["response_200_realistic"]
    conversations = conversations_frame([v1, created, *requested, *export])
    assert_schema(conversations, CONVERSATIONS)
    assert list(conversations["channel"]) == ["widget_chat", "callback", "widget_chat", "email"]
    assert conversations["created_at"].iloc[0] == pd.Timestamp("2015-11-30", tz="UTC")
    assert conversations["tags"].iloc[3] == ["refund"]
    assert conversations["rating_score"].iloc[3] == 5


def test_conversation_errors():
    with pytest.raises(SchemaError, match="'abc'"):
        conversations_frame([{"id": "abc", "created_at": 0}])
    with pytest.raises(SchemaError, match="created_at"):
        conversations_frame([{"id": 1, "created_at": "not a date"}])
    with pytest.raises(TypeError, match="list of dicts"):
        conversations_frame({"id": 1})


# --- messages and notes -------------------------------------------------------------------


def test_messages_attribute_variants(assert_schema):
    records = {
        5: [
            {
                "id": "m1",
                "created_at": "2021-08-03T10:15:30.123Z",
                "author_id": "c1",
                "channel": "email",
                "direction": "inbound",
                "attributes": {
                    "text": "Hi <b>there</b>",
                    "from_email": "jane@example.com",
                    "to_emails": ["a@x.io", "b@x.io"],
                    "is_automated_message": False,
                    "is_auto_reply": "true",
                },
            },
            {
                "id": "m2",
                "created_at": "2021-08-03T10:16:30Z",
                "author_id": "a1",
                "channel": "widgetchat",
                "attributes": {"to_emails": "a@x.io, c@x.io", "is_automated_message": "FALSE"},
            },
        ],
        6: [
            {
                "id": "m3",
                "created_at": "2021-08-03T10:17:30Z",
                "author_id": "a1",
                "channel": "phone",
                "attributes": None,
            }
        ],
    }
    before = copy.deepcopy(records)
    messages = messages_frame(records)
    assert records == before
    assert_schema(messages, MESSAGES)
    assert list(messages["conversation_id"]) == [5, 5, 6]
    assert list(messages["to_emails"]) == [["a@x.io", "b@x.io"], ["a@x.io", "c@x.io"], None]
    assert list(messages["is_automated_message"].astype(object)) == [False, False, pd.NA]
    assert list(messages["is_auto_reply"].astype(object)) == [True, pd.NA, pd.NA]
    assert messages["channel"].iloc[1] == "widget_chat"
    assert messages["text"].iloc[0] == "Hi <b>there</b>"


def test_messages_and_notes_examples(examples, assert_schema):
    doc = examples["GET /v1/conversations/{csid}/messages"]["response_200_doc_shape"]["data"]
    messages = messages_frame({1: doc})
    assert_schema(messages, MESSAGES)
    assert messages["to_emails"].iloc[0] == ["string"]
    notes = notes_frame(
        {1: examples["GET /v1/conversations/{csid}/notes"]["response_200_doc_shape"]["data"]}
    )
    assert_schema(notes, NOTES)
    assert notes["author_id"].iloc[0] == "string"


def test_notes(assert_schema):
    notes = notes_frame(
        {
            9: [
                {
                    "id": "n1",
                    "created_at": "2015-11-30T00:00:00:000Z",
                    "text": "ø",
                    "requester_id": "a1",
                },
                {"id": "n2", "created_at": "2015-11-30T00:01:00Z", "text": None, "author_id": "a2"},
            ]
        }
    )
    assert_schema(notes, NOTES)
    assert list(notes["author_id"]) == ["a1", "a2"]
    assert notes["created_at"].iloc[0] == pd.Timestamp("2015-11-30", tz="UTC")


@pytest.mark.parametrize("builder", [messages_frame, notes_frame])
def test_by_csid_errors(builder):
    with pytest.raises(TypeError, match="mapping of csid"):
        builder([{"id": "m1"}])
    with pytest.raises(TypeError, match="integer csids"):
        builder({"abc": []})
    with pytest.raises(SchemaError, match="no 'id'"):
        builder({1: [{"text": "x"}]})
    with pytest.raises(SchemaError, match="created_at"):
        builder({1: [{"id": "x", "created_at": "soon"}]})


# --- empty results ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("builder", "arg", "schema"),
    [
        (users_frame, [], USERS),
        (queues_frame, [], QUEUES),
        (tags_frame, [], TAGS),
        (endpoints_frame, [], ENDPOINTS),
        (conversations_frame, [], CONVERSATIONS),
        (messages_frame, {}, MESSAGES),
        (messages_frame, {1: []}, MESSAGES),
        (notes_frame, {}, NOTES),
    ],
)
def test_empty_results_have_the_schema(builder, arg, schema, assert_schema):
    frame = builder(arg)
    assert len(frame) == 0
    assert_schema(frame, schema)


@pytest.mark.parametrize(
    "builder", [users_frame, queues_frame, tags_frame, endpoints_frame, conversations_frame]
)
@pytest.mark.parametrize("bad", [None, "x", [1, 2], {"data": []}])
def test_reference_builders_reject_non_lists(builder, bad):
    with pytest.raises(TypeError, match="list of dicts"):
        builder(bad)


@pytest.mark.parametrize("builder", [users_frame, queues_frame, tags_frame])
def test_reference_records_need_an_id(builder):
    with pytest.raises(SchemaError, match="record 1"):
        builder([{"id": "x"}, {"name": "no id"}])
