"""Invariants of the metrics over generated event streams (hypothesis).

The strategy draws small organisations: conversations of one to eight events of every type
the metrics react to (and some they ignore), with null agents, authors and tags, ties in
time, conversations whose first event is not a creation, and one-event conversations.
"""

from __future__ import annotations

import inspect

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dixa_analytics import metrics
from dixa_analytics.events import EVENTS, lifecycle_rank
from dixa_analytics.frames import conform
from dixa_analytics.metrics import (
    first_response_time,
    handling_time,
    over_partitions,
    queue_wait_time,
    reopen_rate,
    resolution_time,
    summarize_durations,
    tag_trends,
)

T0 = pd.Timestamp("2026-03-02 09:00", tz="UTC")
CREATIONS = ["conversation_created_by_customer", "conversation_created_by_agent"]
TYPES = [
    *CREATIONS,
    "conversation_offered",
    "conversation_assigned",
    "conversation_claimed",
    "transfer_successful",
    "transfer_initiated",
    "conversation_unassigned",
    "conversation_pending",
    "conversation_closed",
    "conversation_reopened",
    "message_added_by_agent",
    "message_added_by_customer",
    "note_added",
    "conversation_autoreply_sent",
    "tag_added",
    "tag_removed",
    "conversation_rated",
    "conversation_rating_offered",
]
AGENTS = st.sampled_from([None, "a1", "a2", "a3"])
SETTINGS = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)


@st.composite
def event_streams(draw, *, distinct: bool = False) -> pd.DataFrame:
    """An events frame; with ``distinct``, no two events of a conversation share a time."""
    rows = []
    for conv in range(1, draw(st.integers(0, 6)) + 1):
        size = draw(st.integers(1, 8))
        seconds = st.integers(0, 4 * 86_400 if distinct else 1_800)
        times = draw(st.lists(seconds, min_size=size, max_size=size, unique=distinct))
        types = draw(st.lists(st.sampled_from(TYPES), min_size=size, max_size=size))
        if draw(st.booleans()):
            types[0] = draw(st.sampled_from(CREATIONS))
            # Move the earliest time to the creation (a swap keeps times distinct).
            first = times.index(min(times))
            times[0], times[first] = times[first], times[0]
        for offset, activity in zip(times, types, strict=True):
            rows.append(
                {
                    "event_id": f"c{conv}-{len(rows)}",
                    "conversation_id": conv,
                    "timestamp": T0 + pd.Timedelta(seconds=offset),
                    "activity_type": activity,
                    "author_id": draw(AGENTS),
                    "agent_id": draw(AGENTS),
                    "destination_type": draw(st.sampled_from([None, "agent", "queue", "user"])),
                    "destination_id": draw(AGENTS),
                    "tag": draw(st.sampled_from([None, "billing", "bug"])),
                    "queue_name": draw(st.sampled_from([None, "Sales", "Support"])),
                    "score": draw(st.sampled_from([None, 1, 3, 4, 5])),
                }
            )
    return conform(pd.DataFrame(rows), EVENTS)


def in_lifecycle_order(events: pd.DataFrame) -> pd.DataFrame:
    """The events in the contract's order: by conversation and time, events at the same time
    by lifecycle rank, then event id (never by the order they came in)."""
    ranked = events.assign(_rank=events["activity_type"].astype(object).map(lifecycle_rank))
    ordered = ranked.sort_values(["conversation_id", "timestamp", "_rank", "event_id"])
    return ordered.drop(columns="_rank")


def reference_handling(events: pd.DataFrame) -> dict[tuple[int, str], float]:
    """The handling-time definition replayed event by event: seconds per conversation/agent."""
    out: dict[tuple[int, str], float] = {}
    as_of = events["timestamp"].max()
    ordered = in_lifecycle_order(events)
    for conv, rows in ordered.groupby("conversation_id", sort=True):
        state, agent, since = "open", None, None
        for row in rows.itertuples():
            if agent is not None and state == "open":
                key = (conv, agent)
                out[key] = out.get(key, 0.0) + (row.timestamp - since).total_seconds()
            elif agent is not None:
                out.setdefault((conv, agent), 0.0)
            kind = row.activity_type
            if kind.startswith("conversation_created") or kind == "conversation_reopened":
                state = "open"
            elif kind == "conversation_pending":
                state = "pending"
            elif kind == "conversation_closed":
                state = "closed"
            elif kind == "conversation_assigned" and not pd.isna(row.agent_id):
                agent = row.agent_id
            elif kind == "conversation_claimed":
                claimer = row.author_id if not pd.isna(row.author_id) else row.agent_id
                agent = claimer if not pd.isna(claimer) else agent
            elif kind == "conversation_unassigned":
                agent = None
            elif kind == "transfer_successful":
                if pd.isna(row.destination_type):  # only an agent the event names
                    named = row.agent_id
                elif row.destination_type in ("agent", "user"):
                    named = row.agent_id if not pd.isna(row.agent_id) else row.destination_id
                else:
                    named = None
                agent = None if pd.isna(named) else named
            since = row.timestamp
        if agent is not None:
            key = (conv, agent)
            extra = (as_of - since).total_seconds() if state == "open" else 0.0
            out[key] = out.get(key, 0.0) + extra
    return out


def last_status_closed(events: pd.DataFrame) -> pd.Series:
    status = {
        "conversation_closed": True,
        "conversation_reopened": False,
        "conversation_pending": False,
        **dict.fromkeys(CREATIONS, False),
    }
    ordered = in_lifecycle_order(events)
    flags = ordered["activity_type"].astype(str).map(status).astype("boolean")
    return flags.groupby(ordered["conversation_id"]).last().fillna(False).astype(bool)


def all_metrics(events: pd.DataFrame) -> list[pd.DataFrame]:
    return [
        handling_time(events),
        handling_time(events, per="agent"),
        first_response_time(events),
        resolution_time(events),
        queue_wait_time(events),
        reopen_rate(events, freq="D", by="queue_name"),
        reopen_rate(events, window="1h"),
        tag_trends(events, freq="D"),
    ]


@SETTINGS
@given(event_streams())
def test_handling_matches_the_event_by_event_definition(events):
    split = handling_time(events, per="agent")
    columns = (split["conversation_id"], split["agent_id"], split["handling_seconds"])
    got = {(int(c), a): s for c, a, s in zip(*columns, strict=True)}
    expected = reference_handling(events)
    assert got.keys() == expected.keys()
    for key, value in expected.items():
        assert got[key] == value


@SETTINGS
@given(event_streams())
def test_durations_are_non_negative_and_observed_means_closed(events):
    closed = last_status_closed(events)
    handling = handling_time(events)
    resolution = resolution_time(events)
    assert handling["conversation_id"].tolist() == sorted(events["conversation_id"].unique())
    assert resolution["conversation_id"].tolist() == handling["conversation_id"].tolist()
    for frame in (handling, resolution):
        assert frame["observed"].tolist() == closed.reindex(frame["conversation_id"]).tolist()
    assert (handling["handling_seconds"] >= 0).all()
    assert (resolution["first_resolution_seconds"] >= 0).all()
    assert (resolution["full_resolution_seconds"] >= resolution["first_resolution_seconds"]).all()
    assert (first_response_time(events)["response_seconds"] >= 0).all()
    assert (queue_wait_time(events)["wait_seconds"] >= 0).all()
    for frame in (handling, resolution):
        assert frame.notna()[[c for c in frame if c.endswith("seconds")]].all().all()


@SETTINGS
@given(event_streams())
def test_per_agent_handling_adds_up_to_conversation_total(events):
    total = handling_time(events).set_index("conversation_id")["handling_seconds"]
    split = handling_time(events, per="agent").groupby("conversation_id")["handling_seconds"].sum()
    np.testing.assert_allclose(split.reindex(total.index, fill_value=0.0), total, atol=1e-6)


@SETTINGS
@given(event_streams())
def test_rates_and_shares_are_proportions(events):
    for rates in (reopen_rate(events), reopen_rate(events, freq="D", by="queue_name")):
        assert (rates["reopened"] <= rates["closed"]).all()
        assert rates["reopen_rate"].between(0, 1).all()
    closed_ever = events.loc[events["activity_type"] == "conversation_closed", "conversation_id"]
    assert reopen_rate(events)["closed"].sum() == closed_ever.nunique()
    trends = tag_trends(events, freq="D")
    assert trends["share"].between(0, 1).all()
    assert (trends["conversations"] <= trends["cohort_size"]).all()


@SETTINGS
@given(event_streams(distinct=True), st.randoms(use_true_random=False))
def test_invariant_to_row_order(events, random):
    order = list(range(len(events)))
    random.shuffle(order)
    shuffled = events.iloc[order]
    for before, after in zip(all_metrics(events), all_metrics(shuffled), strict=True):
        pd.testing.assert_frame_equal(before, after)


@SETTINGS
@given(event_streams(), st.data())
def test_invariant_to_duplicated_events(events, data):
    again = data.draw(st.lists(st.integers(0, max(len(events) - 1, 0)), max_size=len(events)))
    doubled = pd.concat([events, events.iloc[again]])  # repeated index labels too
    for before, after in zip(all_metrics(events), all_metrics(doubled), strict=True):
        pd.testing.assert_frame_equal(before, after)


@SETTINGS
@given(event_streams())
def test_summaries_count_every_row(events):
    result = handling_time(events, per="agent")
    summary = summarize_durations(result, by="agent_id")
    assert summary["count"].sum() == len(result)
    assert summary["censored"].sum() == (~result["observed"]).sum()


OFFICE = metrics.BusinessHours({"mon-fri": "09:00-17:00"}, tz="Europe/Copenhagen")


@SETTINGS
@given(event_streams(distinct=True))
def test_business_hours_never_exceed_wall_clock(events):
    for metric, columns in (
        (first_response_time, ["response_seconds"]),
        (queue_wait_time, ["wait_seconds"]),
        (resolution_time, ["first_resolution_seconds", "full_resolution_seconds"]),
    ):
        wall = metric(events)
        open_ = metric(events, business_hours=OFFICE)
        for column in columns:
            assert (open_[column] >= 0).all()
            assert (open_[column] <= wall[column] + 1e-6).all()
        assert open_.drop(columns=columns).equals(wall.drop(columns=columns))


@SETTINGS
@given(event_streams())
def test_backlog_is_the_running_balance_and_csat_counts_are_consistent(events):
    result = metrics.backlog(events, "D")
    flow = (result["created"] + result["reopened"] - result["closed"]).cumsum()
    assert result["open"].tolist() == flow.tolist()
    assert (result["open"] >= 0).all()
    scores = metrics.csat(events, freq="D")
    assert (scores["satisfied"] <= scores["ratings"]).all()
    assert (scores["responded"] <= scores["offered"]).all()


PARTED = [
    ("handling_time", {}),
    ("handling_time", {"per": "agent"}),
    ("first_response_time", {}),
    ("resolution_time", {}),
    ("queue_wait_time", {}),
    ("reopen_rate", {"freq": "D", "by": "queue_name"}),
    ("reopen_rate", {"window": "1h"}),
    ("reopen_rate", {"freq": "D", "window": "1h"}),
    ("tag_trends", {"freq": "D", "top": 2}),
    ("csat", {"freq": "D", "by": "queue_name"}),
    ("csat", {"by": "agent_id"}),
    ("backlog", {"freq": "D", "by": "queue_name"}),
    ("backlog", {}),
    ("first_response_time", {"business_hours": OFFICE}),
    ("resolution_time", {"business_hours": OFFICE}),
]


@SETTINGS
@given(event_streams(), st.integers(1, 4), st.randoms(use_true_random=False))
def test_over_partitions_equals_the_metric_in_memory(events, count, random):
    # Whole conversations dealt to parts at random (ties in time keep their input order).
    part_of = {conv: random.randrange(count) for conv in events["conversation_id"].unique()}
    labels = events["conversation_id"].map(part_of)
    parts = [events[labels == part] for part in range(count)]
    as_of = T0 + pd.Timedelta(days=5)
    for name, options in PARTED:
        metric = getattr(metrics, name)
        if "as_of" in inspect.signature(metric).parameters:
            options = {**options, "as_of": as_of}
        whole = metric(events, **options)
        parted = over_partitions(name, parts, **options)
        pd.testing.assert_frame_equal(parted, whole, obj=f"{name} {options}")
