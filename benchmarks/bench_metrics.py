"""Benchmark: the five metrics together vs one ``sort_values`` of the same events frame.

Builds a seeded, realistic events frame (1,000,000 events over 100,000 conversations) with
numpy, then times ``handling_time``, ``first_response_time``, ``resolution_time``,
``reopen_rate`` and ``tag_trends`` run one after the other against a single
``events.sort_values(["conversation_id", "timestamp"])``. Prints both times and the ratio
(target: at most 10x). Run with ``python benchmarks/bench_metrics.py [--conversations N]``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
from _timing import best_of

from dixa_analytics.events import conform_events
from dixa_analytics.metrics import (
    first_response_time,
    handling_time,
    queue_wait_time,
    reopen_rate,
    resolution_time,
    tag_trends,
)

EVENTS_PER_CONVERSATION = 10
START = pd.Timestamp("2026-01-05", tz="UTC")

# Each conversation is ten steps; each step draws its activity type from a few choices.
STEPS: list[tuple[list[str], list[float]]] = [
    (["conversation_created_by_customer", "conversation_created_by_agent"], [0.85, 0.15]),
    (["conversation_offered", "message_added_by_customer"], [0.9, 0.1]),
    (
        ["conversation_assigned", "conversation_claimed", "conversation_offer_timeout"],
        [0.6, 0.3, 0.1],
    ),
    (["conversation_autoreply_sent", "message_added_by_customer"], [0.3, 0.7]),
    (["message_added_by_agent", "note_added"], [0.8, 0.2]),
    (["tag_added", "message_added_by_customer"], [0.7, 0.3]),
    (
        ["conversation_pending", "transfer_successful", "conversation_unassigned", "tag_added"],
        [0.4, 0.2, 0.1, 0.3],
    ),
    (["conversation_closed", "message_added_by_agent"], [0.85, 0.15]),
    (["conversation_reopened", "conversation_rated", "tag_removed"], [0.2, 0.5, 0.3]),
    (
        ["conversation_closed", "conversation_assigned", "message_added_by_customer"],
        [0.7, 0.1, 0.2],
    ),
]


def synthetic_events(conversations: int, *, seed: int = 20260105) -> pd.DataFrame:
    """A seeded events frame with ``EVENTS_PER_CONVERSATION`` events per conversation."""
    rng = np.random.default_rng(seed)
    n = conversations * EVENTS_PER_CONVERSATION
    conv = np.repeat(np.arange(1, conversations + 1), EVENTS_PER_CONVERSATION)
    step = np.tile(np.arange(EVENTS_PER_CONVERSATION), conversations)

    activity = np.empty(n, dtype=object)
    for i, (choices, weights) in enumerate(STEPS):
        at = step == i
        activity[at] = rng.choice(np.array(choices, dtype=object), size=at.sum(), p=weights)

    created = rng.uniform(0, 90 * 86_400, conversations)
    gaps = rng.exponential(1_800, n)
    gaps[step == 0] = 0
    offset = (
        np.repeat(created, EVENTS_PER_CONVERSATION)
        + np.cumsum(gaps)
        - np.repeat(np.cumsum(gaps)[step == 0], EVENTS_PER_CONVERSATION)
    )
    timestamp = START + pd.to_timedelta(np.round(offset * 1000), unit="ms")

    agents = np.array([f"agent-{i:03d}" for i in range(60)], dtype=object)
    agent = agents[rng.integers(0, len(agents), n)]
    is_transfer = activity == "transfer_successful"
    to_agent = is_transfer & (rng.random(n) < 0.5)
    about_agent = np.isin(activity, ["conversation_assigned", "conversation_claimed"]) | to_agent
    is_agent_author = np.isin(
        activity, ["conversation_claimed", "message_added_by_agent", "note_added"]
    )
    customers = np.char.add("customer-", (conv % 50_000).astype(str)).astype(object)
    tags = np.array([f"tag-{i:02d}" for i in range(30)], dtype=object)
    is_tag = np.isin(activity, ["tag_added", "tag_removed"])
    queues = np.array(["Sales", "Support", "Billing", "Returns", "VIP", "Onboarding"], dtype=object)
    queue = queues[rng.integers(0, len(queues), conversations)]

    frame = pd.DataFrame(
        {
            "event_id": np.char.add("ev-", np.arange(n).astype(str)),
            "conversation_id": conv,
            "timestamp": timestamp,
            "activity_type": activity,
            "author_id": np.where(is_agent_author, agent, customers),
            "agent_id": np.where(about_agent, agent, None),
            "destination_type": np.where(is_transfer, np.where(to_agent, "agent", "queue"), None),
            "tag": np.where(is_tag, tags[rng.zipf(1.6, n) % len(tags)], None),
            "queue_name": np.repeat(queue, EVENTS_PER_CONVERSATION),
        }
    )
    # Held to the events-frame contract (sorted, agents named), as events_frame makes it.
    return conform_events(frame)


def five_metrics(events: pd.DataFrame) -> None:
    handling_time(events)
    first_response_time(events)
    resolution_time(events)
    reopen_rate(events, freq="W")
    tag_trends(events, freq="W")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    began = time.perf_counter()
    events = synthetic_events(args.conversations)
    print(
        f"built {len(events):,} events / {events['conversation_id'].nunique():,} conversations "
        f"in {time.perf_counter() - began:.1f}s"
    )
    sort, _ = best_of(args.repeat, lambda: events.sort_values(["conversation_id", "timestamp"]))
    metrics, _ = best_of(args.repeat, lambda: five_metrics(events))
    print(f"one sort_values:              {sort:8.3f}s")
    print(f"five metrics together:        {metrics:8.3f}s")
    print(f"ratio metrics / sort:         {metrics / sort:8.2f}x  (target <= 10x)")
    for name, func in [
        ("handling_time(per='agent')", lambda: handling_time(events, per="agent")),
        ("queue_wait_time", lambda: queue_wait_time(events)),
    ]:
        print(f"  {name:<28}{best_of(args.repeat, func)[0]:8.3f}s")


if __name__ == "__main__":
    main()
