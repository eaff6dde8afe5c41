"""Benchmark: first response in business hours vs wall-clock, 1,000,000 conversations.

Builds a seeded events frame of 1,000,000 customer conversations (created, offered, answered
by an agent, closed: 4,000,000 events) spread over a year, then times
``first_response_time(events)`` against ``first_response_time(events,
business_hours=BusinessHours(...))`` with a weekday schedule in Europe/Copenhagen (two
intervals a day, holidays, two DST changes). Prints both times and the ratio (target: at most
3x). Run with ``python benchmarks/bench_business_hours.py [--conversations N]``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
from _timing import best_of

from dixa_analytics import BusinessHours, first_response_time
from dixa_analytics.events import conform_events

START = pd.Timestamp("2026-01-01", tz="UTC")
TYPES = (
    "conversation_created_by_customer",
    "conversation_offered",
    "message_added_by_agent",
    "conversation_closed",
)
HOURS = BusinessHours(
    {"mon-thu": ["08:00-12:00", "12:30-17:00"], "fri": "08:00-15:00", "sat": "10:00-13:00"},
    tz="Europe/Copenhagen",
    holidays=["2026-04-02", "2026-04-03", "2026-04-06", "2026-12-24", "2026-12-25"],
)


def synthetic_events(conversations: int, *, seed: int = 20260101) -> pd.DataFrame:
    """A seeded events frame: four events per conversation, created over one year."""
    rng = np.random.default_rng(seed)
    steps = len(TYPES)
    created = rng.uniform(0, 365 * 86_400, conversations)
    gaps = np.column_stack(
        [
            np.zeros(conversations),
            rng.exponential(60, conversations),  # offered
            rng.lognormal(np.log(1_800), 1.5, conversations),  # the first reply
            rng.exponential(4 * 3_600, conversations),  # closed
        ]
    )
    offset = (created[:, None] + np.cumsum(gaps, axis=1)).ravel()
    frame = pd.DataFrame(
        {
            "event_id": np.char.add("ev-", np.arange(conversations * steps).astype(str)),
            "conversation_id": np.repeat(np.arange(1, conversations + 1), steps),
            "timestamp": START + pd.to_timedelta(np.round(offset * 1000), unit="ms"),
            "activity_type": pd.Categorical(np.tile(np.array(TYPES, dtype=object), conversations)),
        }
    )
    return conform_events(frame)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    began = time.perf_counter()
    events = synthetic_events(args.conversations)
    print(
        f"built {len(events):,} events / {args.conversations:,} conversations "
        f"in {time.perf_counter() - began:.1f}s"
    )
    wall, _ = best_of(args.repeat, lambda: first_response_time(events))
    business, _ = best_of(args.repeat, lambda: first_response_time(events, business_hours=HOURS))
    print(f"first_response_time, wall-clock:      {wall:8.3f}s")
    print(f"first_response_time, business hours:  {business:8.3f}s")
    print(f"ratio business / wall-clock:          {business / wall:8.2f}x  (target <= 3x)")


if __name__ == "__main__":
    main()
