"""Rules every metric shares: schemas, empty input, validation, duplicates, purity."""

from __future__ import annotations

import inspect

import pandas as pd
import pytest

import dixa_analytics.metrics as metrics
from dixa_analytics.frames import STRING
from dixa_analytics.metrics import (
    DEFINITIONS,
    FIRST_RESPONSE,
    HANDLING_AGENT,
    HANDLING_CONVERSATION,
    QUEUE_WAIT,
    REOPEN_RATE,
    RESOLUTION,
    TAG_TRENDS,
    first_response_time,
    handling_time,
    queue_wait_time,
    reopen_rate,
    resolution_time,
    tag_trends,
)

CALLS = {
    "handling_time": (lambda e: handling_time(e), HANDLING_CONVERSATION),
    "handling_time_agent": (lambda e: handling_time(e, per="agent"), HANDLING_AGENT),
    "first_response_time": (first_response_time, FIRST_RESPONSE),
    "resolution_time": (resolution_time, RESOLUTION),
    "queue_wait_time": (queue_wait_time, QUEUE_WAIT),
    "reopen_rate": (lambda e: reopen_rate(e), REOPEN_RATE),
    "reopen_rate_period": (
        lambda e: reopen_rate(e, freq="W", by="queue_name"),
        {"period": pd.PeriodDtype("W-SUN"), "queue_name": STRING, **REOPEN_RATE},
    ),
    "tag_trends": (
        lambda e: tag_trends(e),
        {"period": pd.PeriodDtype("W-SUN"), **TAG_TRENDS},
    ),
}


def dtypes(schema) -> dict:
    return {col: pd.api.types.pandas_dtype(dtype) for col, dtype in schema.items()}


def sample(make_events):
    return make_events(
        [
            (2, 0, "conversation_created_by_customer", {"queue_name": "Sales"}),
            (2, 1, "conversation_offered"),
            (2, 2, "conversation_assigned", {"agent_id": "a1"}),
            (2, 3, "tag_added", {"tag": "billing"}),
            (2, 4, "message_added_by_agent", {"author_id": "a1"}),
            (2, 9, "conversation_closed"),
            (1, 5, "conversation_created_by_customer"),
            (1, 6, "something_new_from_the_api"),
        ]
    )


@pytest.mark.parametrize("name", CALLS)
def test_schema_on_data_and_on_empty_input(name, make_events):
    call, schema = CALLS[name]
    assert call(sample(make_events)).dtypes.to_dict() == dtypes(schema)
    empty = call(make_events([]))
    assert empty.empty
    assert empty.dtypes.to_dict() == dtypes(schema)


@pytest.mark.parametrize("name", CALLS)
def test_input_is_not_mutated(name, make_events):
    events = sample(make_events).iloc[::-1]
    before = events.copy(deep=True)
    CALLS[name][0](events)
    pd.testing.assert_frame_equal(events, before)


@pytest.mark.parametrize("name", CALLS)
def test_missing_required_columns_are_named(name, make_events):
    events = sample(make_events).drop(columns=["timestamp", "activity_type"])
    with pytest.raises(ValueError, match="timestamp, activity_type"):
        CALLS[name][0](events)


@pytest.mark.parametrize("name", CALLS)
def test_not_a_frame(name):
    with pytest.raises(TypeError, match="DataFrame"):
        CALLS[name][0]([{"conversation_id": 1}])


def test_only_used_columns_are_needed(make_events):
    minimal = sample(make_events)[["conversation_id", "timestamp", "activity_type", "agent_id"]]
    result = handling_time(minimal)
    assert result["handling_seconds"].tolist() == [0.0, 420.0]
    assert result["queue_name"].isna().all()
    assert result["agent_name"].isna().all()
    assert len(resolution_time(minimal[["conversation_id", "timestamp", "activity_type"]])) == 2


def test_duplicated_events_count_once(make_events):
    events = make_events(
        [
            (1, 0, "conversation_created_by_customer"),
            (1, 5, "conversation_closed"),
            (1, 10, "conversation_reopened"),
            (1, 20, "conversation_assigned", {"agent_id": "a1"}),
        ]
    )
    # The close fetched twice, the second copy after the reopening: a duplicate, not a close.
    late_copy = events.iloc[[1]].assign(timestamp=events["timestamp"].iloc[3])
    doubled = pd.concat([events, late_copy], ignore_index=True)
    assert resolution_time(doubled)["observed"].tolist() == [False]
    assert handling_time(doubled)["observed"].tolist() == [False]


def test_string_activity_type_and_camel_case_spelling(make_events):
    events = sample(make_events)
    events["activity_type"] = (
        events["activity_type"]
        .astype("string")
        .replace({"conversation_closed": "ConversationClosed"})
    )
    assert resolution_time(events)["observed"].tolist() == [False, True]


def test_as_of_accepts_strings(make_events):
    result = resolution_time(sample(make_events), as_of="2026-03-02T09:07:00Z")
    assert result["observed"].tolist() == [False, False]
    assert result["full_resolution_seconds"].tolist() == [120.0, 420.0]


def test_definitions_cover_every_metric_and_are_in_the_docstrings():
    assert set(DEFINITIONS) == {
        "handling_time",
        "first_response_time",
        "resolution_time",
        "queue_wait_time",
        "reopen_rate",
        "tag_trends",
        "csat",
        "backlog",
    }
    for name, text in DEFINITIONS.items():
        doc = " ".join(inspect.getdoc(getattr(metrics, name)).split())
        assert " ".join(text.split()) in doc
        assert "{definition}" not in doc


def test_public_names():
    assert sorted(metrics.__all__) == [
        "BACKLOG",
        "BusinessHours",
        "CATALOGUE",
        "CSAT",
        "DEFINITIONS",
        "ESTIMATORS",
        "FIRST_RESPONSE",
        "HANDLING_AGENT",
        "HANDLING_CONVERSATION",
        "Metric",
        "OBSERVED_SUMMARY",
        "PLAIN_DEFINITIONS",
        "QUEUE_WAIT",
        "REOPEN_RATE",
        "REPORT_PERIOD",
        "RESOLUTION",
        "SLA",
        "SUMMARY",
        "TAG_TRENDS",
        "View",
        "backlog",
        "check_freq",
        "csat",
        "first_response_time",
        "handling_time",
        "metric_named",
        "over_partitions",
        "queue_wait_time",
        "reopen_rate",
        "resolution_time",
        "sla_attainment",
        "summarize_durations",
        "tag_trends",
    ]


@pytest.mark.parametrize("metric", [reopen_rate, tag_trends])
@pytest.mark.parametrize(
    ("freq", "message"),
    [("2W", "multiple of a period.*use 'W'"), ("14D", "use 'D'"), ("fortnight", "not a pandas")],
)
def test_freq_must_be_one_pandas_period(make_events, metric, freq: str, message: str) -> None:
    # "2W" would label one-week periods as two-week ones instead of making two-week buckets.
    with pytest.raises(ValueError, match=message):
        metric(sample(make_events), freq=freq)
