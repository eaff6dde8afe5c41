"""The events-frame contract: a frame from events_frame passes untouched, any other is put in
the same order (and given the same agents) by the same functions."""

from __future__ import annotations

import pandas as pd
import pytest

from dixa_analytics.events import _contract as contract
from dixa_analytics.events import conform_events, events_frame, ordered_events
from dixa_analytics.metrics import handling_time, resolution_time

CORE = ["event_id", "conversation_id", "timestamp", "activity_type"]


@pytest.fixture
def events(full_log):
    return events_frame(full_log)


def test_a_frame_from_events_frame_is_not_ordered_again(events, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("an events frame was sorted again")

    monkeypatch.setattr(contract, "event_order", refuse)
    ordered = ordered_events(events, ["agent_id", "queue_name"], use="a test")
    pd.testing.assert_frame_equal(ordered.frame[CORE], events[CORE])
    assert ordered.conversation_ids.tolist() == events["conversation_id"].tolist()
    assert ordered.ns.tolist() == events["timestamp"].array.asi8.tolist()
    # Its agents were derived when it was built: the contract leaves them as they are.
    pd.testing.assert_series_equal(ordered.frame["agent_id"], events["agent_id"])
    handling_time(events)  # the metrics go through the same check


def test_another_order_and_repeats_give_the_same_ordered_frame(events):
    shuffled = pd.concat([events.iloc[::-1], events.iloc[[2, 5]]])
    columns = ["agent_id", "agent_name", "tag"]
    expected = ordered_events(events, columns, use="a test").frame
    got = ordered_events(shuffled, columns, use="a test").frame
    pd.testing.assert_frame_equal(got, expected)


def test_rows_without_a_conversation_or_time_cannot_be_placed(events):
    holes = events.copy()
    holes.loc[0, "conversation_id"] = pd.NA
    holes.loc[1, "timestamp"] = pd.NaT
    ordered = ordered_events(holes, [], use="a test")
    assert len(ordered.frame) == len(events) - 2
    assert ordered.frame["event_id"].tolist() == events["event_id"].iloc[2:].tolist()


def test_missing_key_columns_are_named_with_what_to_pass(events):
    with pytest.raises(ValueError, match=r"events \(for a test\) lacks column\(s\) timestamp"):
        ordered_events(events.drop(columns="timestamp"), [], use="a test")
    with pytest.raises(TypeError, match="DataFrame"):
        ordered_events([{"conversation_id": 1}], [], use="a test")


def _agent(record: dict, field: str) -> str | None:
    attributes = record["attributes"] or {}
    return attributes.get(f"agent_{field}") or (attributes.get("agent") or {}).get(field)


def test_a_hand_built_frame_conforms_to_what_events_frame_makes(full_log, events):
    # The same events as a plain table, in another order, without the derived agents.
    table = pd.DataFrame(
        {
            "event_id": [r["id"] for r in full_log],
            "conversation_id": [r["conversation_id"] for r in full_log],
            "timestamp": [r.get("activity_timestamp") or r["activity_timestmap"] for r in full_log],
            "activity_type": [r["activity_type"] for r in full_log],
            "author_id": [(r["author"] or {}).get("id") for r in full_log],
            "author_name": [(r["author"] or {}).get("name") for r in full_log],
            "agent_id": [_agent(r, "id") for r in full_log],
            "agent_name": [_agent(r, "name") for r in full_log],
            "destination_type": [(r["attributes"] or {}).get("destination_type") for r in full_log],
            "destination_id": [(r["attributes"] or {}).get("destination_id") for r in full_log],
            "destination_label": [
                (r["attributes"] or {}).get("destination_label") for r in full_log
            ],
        }
    ).iloc[::-1]
    conformed = conform_events(table)
    columns = [*CORE, "author_id", "agent_id", "agent_name"]
    pd.testing.assert_frame_equal(
        conformed[columns], events[columns], check_categorical=False, check_dtype=False
    )
    assert conformed.dtypes[columns].astype(str).tolist() == (
        events.dtypes[columns].astype(str).tolist()
    )
    pd.testing.assert_frame_equal(handling_time(conformed), handling_time(events))
    pd.testing.assert_frame_equal(resolution_time(conformed), resolution_time(events))


def test_conform_events_respells_camel_case_types_and_leaves_its_input_alone():
    table = pd.DataFrame(
        {
            "conversation_id": [1, 1],
            "timestamp": pd.to_datetime(["2026-03-02 09:00", "2026-03-02 09:05"], utc=True),
            "activity_type": ["ConversationCreatedByCustomer", "ConversationClosed"],
        }
    )
    before = table.copy()
    conformed = conform_events(table)
    assert conformed["activity_type"].tolist() == [
        "conversation_created_by_customer",
        "conversation_closed",
    ]
    assert str(conformed["activity_type"].dtype) == "category"
    pd.testing.assert_frame_equal(table, before)
