"""Numbers and times that do not fit the declared dtypes: a clear error or NA, never a crash.

Huge integers (beyond int64), epoch milliseconds and ISO dates beyond what a nanosecond
timestamp holds, and digit characters that are not ASCII all come from hostile or corrupt
payloads; they must give a SchemaError/TypeError naming the record, or NA where the frame
already turns unreadable values of that column into NA.
"""

from __future__ import annotations

import pandas as pd
import pytest

from dixa_analytics import SchemaError
from dixa_analytics.events import EVENTS, events_frame
from dixa_analytics.frames import CONVERSATIONS, conversations_frame, messages_frame, notes_frame

HUGE = 2**70


def test_huge_conversation_id_of_an_event_names_the_record(make_event):
    records = [make_event("e1", HUGE, "2021-01-01T00:00:00Z", "tag_added")]
    with pytest.raises(SchemaError, match=r"record 0 \(id 'e1'\).*conversation_id"):
        events_frame(records)


@pytest.mark.parametrize("csid", ["²", "--5", "١٢"])
def test_non_ascii_or_malformed_digits_are_not_csids(make_event, csid):
    with pytest.raises(SchemaError, match="conversation_id"):
        events_frame([make_event("e1", csid, "2021-01-01T00:00:00Z", "tag_added")])
    with pytest.raises(SchemaError, match="expected an integer csid"):
        conversations_frame([{"id": csid, "created_at": 0}])


@pytest.mark.parametrize("stamp", [10**30, 10**17, "9999-01-01T00:00:00Z", "1500-01-01T00:00:00Z"])
def test_event_time_out_of_range_names_the_record(make_event, stamp):
    records = [make_event("e1", 1, stamp, "tag_added")]
    with pytest.raises(SchemaError, match=r"record 0 \(id 'e1'\)"):
        events_frame(records)


@pytest.mark.parametrize("stamp", [10**30, 10**17, "9999-01-01T00:00:00Z"])
def test_conversation_time_out_of_range_names_the_record(stamp):
    with pytest.raises(SchemaError, match=r"unreadable created_at: 7"):
        conversations_frame([{"id": 7, "created_at": stamp}])
    with pytest.raises(SchemaError, match=r"unreadable closed_at: 7"):
        conversations_frame([{"id": 7, "created_at": 0, "closed_at": stamp}])


def test_many_unreadable_times_are_listed_with_how_many_more():
    records = [{"id": csid, "created_at": "not a time"} for csid in range(1, 8)]
    with pytest.raises(SchemaError, match=r"created_at: 1: 'not a time', .* and 2 more$"):
        conversations_frame(records)


def test_message_and_note_time_out_of_range_names_the_record():
    message = {"id": "m1", "created_at": 10**30, "author_id": "u1", "channel": "email"}
    with pytest.raises(SchemaError, match="'m1'"):
        messages_frame({7: [message]})
    with pytest.raises(SchemaError, match="'n1'"):
        notes_frame({7: [{"id": "n1", "created_at": "9999-01-01T00:00:00Z"}]})


def test_huge_conversation_id_of_a_conversation_or_message_key():
    with pytest.raises(SchemaError, match="expected an integer csid"):
        conversations_frame([{"id": HUGE, "created_at": 0}])
    with pytest.raises(TypeError, match="integer csids"):
        messages_frame({HUGE: [{"id": "m1", "created_at": 0}]})


def test_huge_integer_attribute_is_na_like_other_unreadable_numbers(make_event, assert_schema):
    records = [
        make_event(
            "e1", 1, "2021-01-01T00:00:00Z", "conversation_rated", attributes={"score": HUGE}
        ),
        make_event("e2", 1, "2021-01-01T00:01:00Z", "conversation_rated", attributes={"score": 4}),
    ]
    events = events_frame(records)
    assert_schema(events, EVENTS, extra=True)
    assert pd.isna(events["score"].iloc[0])
    assert events["score"].iloc[1] == 4


def test_large_integers_within_int64_keep_every_digit(make_event):
    big = 2**62 + 1  # not exactly representable as a float64
    record = make_event("e1", 1, "2021-01-01T00:00:00Z", "rated", attributes={"score": big})
    events = events_frame([record])
    assert events["score"].iloc[0] == big
    conversations = conversations_frame([{"id": 7, "created_at": 0, "rating_score": big}])
    assert conversations["rating_score"].iloc[0] == big


@pytest.mark.parametrize("other", [None, 3, 2.5])
def test_huge_integer_in_an_undeclared_attribute_is_kept_as_is(make_event, other):
    records = [
        make_event("e1", 1, "2021-01-01T00:00:00Z", "custom", attributes={"ticket": HUGE + 1}),
        make_event("e2", 1, "2021-01-01T00:01:00Z", "custom", attributes={"ticket": other}),
    ]
    value = events_frame(records)["ticket"].iloc[0]
    assert type(value) is int
    assert value == HUGE + 1


def test_huge_rating_score_is_na(assert_schema):
    conversations = conversations_frame([{"id": 7, "created_at": 0, "rating_score": HUGE}])
    assert_schema(conversations, CONVERSATIONS)
    assert pd.isna(conversations["rating_score"].iloc[0])
