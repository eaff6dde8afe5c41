"""Event frames for report tests: a realistic handful of conversations over four weeks.

Agent, queue and tag names and subjects can be swapped for markup payloads, so the tests can
check that nothing from the data reaches the page unescaped.
"""

from __future__ import annotations

import pandas as pd
import pytest

from dixa_analytics.events import EVENTS
from dixa_analytics.frames import conform

START = pd.Timestamp("2026-03-02 08:00", tz="UTC")  # a Monday
AS_OF = pd.Timestamp("2026-03-30 00:00", tz="UTC")

PAYLOADS = {
    "agent": "<script>alert('agent')</script>",
    "queue": "<script>alert('queue')</script>",
    "tag": "<script>alert('tag')</script>",
    "subject": "<img src=x onerror=alert('subject')>",
}


def make_events(*, payloads: bool = False, conversations: int = 16) -> pd.DataFrame:
    """Build the events of ``conversations`` conversations, four per week for four weeks.

    Every conversation is created by a customer, offered to a queue, assigned (or claimed),
    answered and closed, with variations: some are reopened, the last three stay open, the
    "rising" tag is only added in the last two weeks.
    """
    agents = [("a1", "Ana Berg"), ("a2", PAYLOADS["agent"] if payloads else "Bo Lund")]
    queues = [("q1", "Support"), ("q2", PAYLOADS["queue"] if payloads else "Billing")]
    rising = PAYLOADS["tag"] if payloads else "outage"
    rows: list[dict] = []

    def add(cid: int, at: pd.Timestamp, kind: str, **extra: object) -> None:
        rows.append(
            {
                "event_id": f"e{len(rows)}",
                "conversation_id": cid,
                "timestamp": at,
                "activity_type": kind,
                **extra,
            }
        )

    for i in range(conversations):
        cid = 100 + i
        agent_id, agent_name = agents[i % 2]
        queue_id, queue_name = queues[(i // 2) % 2]
        t = START + pd.Timedelta(days=7 * (i // 4) + i % 4, hours=i % 3)
        ctx = {"queue_id": queue_id, "queue_name": queue_name}
        subject = PAYLOADS["subject"] if payloads and i % 2 else f"Question {i}"
        add(
            cid,
            t,
            "conversation_created_by_customer",
            author_id=f"c{i}",
            author_name=f"Customer {i}",
            author_is_agent=False,
            conversation_subject=subject,
            **ctx,
        )
        add(cid, t + pd.Timedelta(minutes=1), "conversation_offered", queue_label=queue_name, **ctx)
        if i % 4 == 3:
            add(
                cid,
                t + pd.Timedelta(minutes=3 + i),
                "conversation_claimed",
                author_id=agent_id,
                author_name=agent_name,
                author_is_agent=True,
                **ctx,
            )
        else:
            add(
                cid,
                t + pd.Timedelta(minutes=3 + i),
                "conversation_assigned",
                agent_id=agent_id,
                agent_name=agent_name,
                **ctx,
            )
        tags = ["billing"] if i % 2 == 0 else ["bug"]
        if i >= conversations // 2:
            tags.append(rising)
        for k, tag in enumerate(tags):
            add(cid, t + pd.Timedelta(minutes=4, seconds=k), "tag_added", tag=tag, **ctx)
        if i >= conversations - 3:
            continue  # still open at as_of: censored everywhere
        agent = {"author_id": agent_id, "author_name": agent_name, "author_is_agent": True}
        add(cid, t + pd.Timedelta(minutes=10 + 7 * i), "message_added_by_agent", **agent, **ctx)
        closed = t + pd.Timedelta(hours=1 + i)
        add(cid, closed, "conversation_closed", **agent, **ctx)
        if i % 5 == 0:
            add(cid, closed + pd.Timedelta(days=1), "conversation_reopened", **ctx)
            add(cid, closed + pd.Timedelta(days=1, hours=2), "conversation_closed", **agent, **ctx)
    return conform(pd.DataFrame(rows), EVENTS)


# Test modules are imported with --import-mode=importlib, so they reach these through fixtures.


@pytest.fixture(scope="session")
def events_of():
    """The :func:`make_events` builder."""
    return make_events


@pytest.fixture(scope="session")
def as_of() -> pd.Timestamp:
    return AS_OF


@pytest.fixture(scope="session")
def start() -> pd.Timestamp:
    return START


@pytest.fixture(scope="session")
def payloads() -> dict[str, str]:
    return PAYLOADS
