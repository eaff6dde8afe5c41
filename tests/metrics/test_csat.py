"""CSAT: the latest rating counts, missing scores apart, offers and the response rate."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dixa_analytics.events import events_frame
from dixa_analytics.metrics import CSAT, csat

RATED = "conversation_rated"
OFFERED = "conversation_rating_offered"
SCHEDULED = "conversation_rating_scheduled"
DAY = 24 * 60


def rated(score, agent=None, name=None, **extra):
    return {"score": score, "agent_id": agent, "agent_name": name, **extra}


@pytest.fixture
def events(make_events):
    sales, support = {"queue_name": "Sales"}, {"queue_name": "Support"}
    return make_events(
        [
            (1, 0, "conversation_created_by_customer", sales),
            (1, 10, OFFERED, {"agent_id": "a1", "agent_name": "Alex"}),
            (1, 20, RATED, rated(2, "a1", "Alex")),
            (1, 8 * DAY, RATED, rated(5, "a1", "Alex")),  # re-rated a week later: this counts
            (2, 0, "conversation_created_by_customer", support),
            (2, 10, OFFERED, {"agent_id": "a2", "agent_name": "Bea"}),
            (2, 30, RATED, rated(None, "a2", "Bea")),  # no score: unscored, never zero
            (3, 0, "conversation_created_by_customer", support),
            (3, 10, OFFERED, {"agent_id": "a2", "agent_name": "Bea"}),  # never answered
            (4, 0, "conversation_created_by_customer", sales),
            (4, 5, RATED, rated(4, "a2", "Bea")),  # rated with no offer in the log
            (5, 0, "conversation_created_by_customer", sales),
            (5, 5, RATED, rated(3, "a1", "Alex")),
            (5, 6, RATED, rated(None, "a1", "Alex")),  # the latest rating has no score
        ]
    )


def test_pooled(events):
    result = csat(events)
    assert list(result.columns) == list(CSAT)
    row = result.iloc[0].to_dict()
    # Latest ratings: 5 (conv 1), none (2), 4 (4), none (5).
    assert row["ratings"] == 2
    assert row["mean_score"] == 4.5
    assert row["satisfied"] == 2
    assert row["satisfied_share"] == 1.0
    assert row["unscored"] == 2
    # Offers: conversations 1, 2, 3; 1 and 2 answered.
    assert (row["offered"], row["responded"]) == (3, 2)
    assert row["response_rate"] == pytest.approx(2 / 3)


def test_a_re_rating_counts_in_the_period_of_the_latest_rating(events):
    result = csat(events, freq="W")
    weeks = ["2026-03-02/2026-03-08", "2026-03-09/2026-03-15"]
    assert result["period"].astype(str).tolist() == weeks
    first, second = result.iloc[0], result.iloc[1]
    assert (first["ratings"], first["unscored"], first["mean_score"]) == (1, 2, 4.0)
    assert (second["ratings"], second["mean_score"], second["offered"]) == (1, 5.0, 0)
    assert pd.isna(second["response_rate"])  # no offers in that week: no rate, not zero
    assert result["ratings"].sum() == csat(events)["ratings"].iloc[0]


def test_by_the_rated_agent(events):
    result = csat(events, by="agent_name").set_index("agent_name")
    assert result.loc["Alex", "ratings"] == 1
    assert result.loc["Alex", "unscored"] == 1
    assert result.loc["Bea", "ratings"] == 1
    assert result.loc["Bea", "unscored"] == 1
    # Bea was offered twice (conversations 2 and 3) and answered once.
    assert result.loc["Bea", "offered"] == 2
    assert result.loc["Bea", "response_rate"] == 0.5
    assert result["ratings"].dtype == "Int64"


def test_by_queue_uses_the_conversations_last_queue(events):
    result = csat(events, by="queue_name").set_index("queue_name")
    assert result.loc["Sales", "ratings"] == 2
    assert result.loc["Sales", "mean_score"] == 4.5
    assert result.loc["Support", "ratings"] == 0
    assert np.isnan(result.loc["Support", "mean_score"])
    assert result.loc["Support", "offered"] == 2


def test_scores_off_the_scale_or_not_numbers_are_unscored(make_events):
    events = make_events(
        [
            (1, 0, RATED, rated(0)),
            (2, 0, RATED, rated(7)),
            (3, 0, RATED, rated(5)),
        ]
    )
    result = csat(events).iloc[0]
    assert (result["ratings"], result["unscored"], result["mean_score"]) == (1, 2, 5.0)


def test_scheduled_ratings_stand_in_for_offers_unless_withdrawn(make_events):
    events = make_events(
        [
            (1, 0, SCHEDULED),
            (1, 60, RATED, rated(5)),
            (2, 0, SCHEDULED),
            (2, 5, "conversation_rating_unscheduled"),  # withdrawn: never offered
            (3, 0, SCHEDULED),  # offered, not answered
            (4, 0, SCHEDULED),
            (4, 60, OFFERED),  # the offer itself is logged: it counts, once
        ]
    )
    result = csat(events).iloc[0]
    assert (result["offered"], result["responded"]) == (3, 1)


def test_every_spelling_of_the_rating_is_read():
    base = {"conversation_id": 1, "author": None}
    records = [
        {**base, "id": "e1", "activity_timestamp": "2026-03-02T09:00:00.000Z",
         "activity_type": "conversation_rated",
         "attributes": {"agent": {"id": "a1", "name": "Alex"}, "score": 4, "message": "ok"}},
        {**base, "conversation_id": 2, "id": "e2", "activityTimestamp": "2026-03-02T09:00:00.000Z",
         "activityType": "ConversationRated",
         "attributes": {"_type": "ConversationRated", "agent": {"id": "a2", "name": "Bea"},
                        "score": "2"}},
        {**base, "conversation_id": 3, "id": "e3", "activity_timestmap": "2026-03-02T09:00:00:000Z",
         "activity_type": "ConversationRatingOffered",
         "attributes": {"agent": {"id": "a2", "name": "Bea"}, "user": {"id": "c1"}}},
    ]  # fmt: skip
    result = csat(events_frame(records), by="agent_id").set_index("agent_id")
    assert result.loc["a1", "mean_score"] == 4.0
    assert result.loc["a2", "mean_score"] == 2.0
    assert result.loc["a2", "offered"] == 1


def test_no_ratings_give_the_declared_empty_result(make_events):
    events = make_events([(1, 0, "conversation_created_by_customer")])
    for result in (csat(events), csat(events, freq="D", by="queue_name")):
        assert result.empty
        assert list(result.columns[-len(CSAT) :]) == list(CSAT)
        assert [str(t) for t in result[list(CSAT)].dtypes] == [str(t) for t in CSAT.values()]


def test_bad_options_are_refused(events):
    with pytest.raises(ValueError, match="csat groups by agent_id, agent_name, queue_name"):
        csat(events, by="tag")
    with pytest.raises(ValueError, match="multiple of a period"):
        csat(events, freq="2W")


def test_the_input_is_not_modified(events):
    before = events.copy()
    csat(events, freq="D", by=["queue_name", "agent_id"])
    pd.testing.assert_frame_equal(events, before)
