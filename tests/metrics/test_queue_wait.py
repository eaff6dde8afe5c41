"""Queue wait: from first offer to first assignment or claim, censored like first response."""

from __future__ import annotations

import pandas as pd

from dixa_analytics.metrics import queue_wait_time

CREATED = "conversation_created_by_customer"
OFFERED = "conversation_offered"


def test_offer_to_assignment_and_claim(make_events, t0):
    events = make_events(
        [
            (1, 0, CREATED),
            (1, 1, OFFERED),
            (1, 3, OFFERED),
            (1, 6, "conversation_assigned", {"agent_id": "a1"}),
            (2, 0, CREATED),
            (2, 2, "conversation_claimed", {"author_id": "a2"}),  # before any offer
            (2, 4, OFFERED),
            (2, 10, "conversation_claimed", {"author_id": "a2"}),
        ]
    )
    result = queue_wait_time(events)
    assert result["offered_at"].tolist() == [t0 + pd.Timedelta(minutes=m) for m in (1, 4)]
    assert result["wait_seconds"].tolist() == [300.0, 360.0]
    assert result["observed"].tolist() == [True, True]


def test_never_offered_is_left_out(make_events):
    events = make_events([(1, 0, CREATED), (1, 1, "conversation_assigned", {"agent_id": "a"})])
    assert queue_wait_time(events).empty


def test_censored_at_first_close_after_offer_else_as_of(make_events, t0):
    events = make_events(
        [
            (1, 0, "conversation_closed"),  # before the offer: does not censor it
            (1, 1, OFFERED),
            (1, 11, "conversation_closed"),
            (2, 0, OFFERED),
            (2, 2, "transfer_successful", {"destination_type": "agent", "agent_id": "a"}),
        ]
    )
    result = queue_wait_time(events, as_of=t0 + pd.Timedelta(minutes=20))
    assert result["wait_seconds"].tolist() == [600.0, 1200.0]
    assert result["observed"].tolist() == [False, False]
    assert result["assigned_at"].isna().all()
