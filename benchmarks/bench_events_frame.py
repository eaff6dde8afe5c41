"""Benchmark: building the events frame vs ``pandas.json_normalize`` on the same raw events.

Synthesises realistic activity-log records (seeded RNG: uuid ids, about ten events per
conversation, a mix of activity types with their attributes, ``.mmmZ`` ISO timestamps), then
times, in one run:

* ``events_frame(records)``;
* ``pandas.json_normalize(records)`` followed by ``pandas.to_datetime`` of the timestamp column,

each the best of ``--repeat`` runs (so a busy machine skews neither side), and prints both
times, their ratio (target: events_frame at least 4x faster) and the memory of the events
frame per event (``memory_usage(deep=True).sum() / n``, target: at most 300).

Run::

    PYTHONPATH=. python benchmarks/bench_events_frame.py            # 1,000,000 events
    PYTHONPATH=. python benchmarks/bench_events_frame.py --events 100000
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import random
import time
import uuid

import pandas as pd

from dixa_analytics.events import events_frame

FIRST_NAMES = ["Alex", "Sam", "Maria", "Jonas", "Ida", "Noah", "Freja", "Omar", "Lea", "Kim"]
LAST_NAMES = ["Hansen", "Jensen", "Nielsen", "Larsen", "Berg", "Costa", "Novak", "Silva"]
QUEUES = ["Support", "Billing", "Returns", "VIP", "Technical"]
TAGS = ["refund", "shipping", "complaint", "order-status", "vip", "bug", "invoice", "spam"]
TEMPLATES = ["out-of-office", "received", "weekend"]
LANGUAGES = ["en", "da", "de", "sv"]


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _person(rng: random.Random, domain: str) -> dict:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    return {
        "id": _uuid(rng),
        "name": f"{first} {last}",
        "email": f"{first.lower()}.{last.lower()}{rng.randrange(1000)}@{domain}",
        "phone_number": None,
    }


def _iso(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def synthesise(n: int, *, seed: int = 7) -> list[dict]:
    """Return ``n`` raw activity-log records spread over about ``n / 10`` conversations.

    Records come as a fetch returns them: conversation by conversation in no particular csid
    order, a few events out of order within their conversation, and every record a fresh
    object from ``json.loads`` (no dicts or strings shared between records).
    """
    rng = random.Random(seed)
    agents = [_person(rng, "company.com") for _ in range(60)]
    start = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)
    records: list[dict] = []
    csids = rng.sample(range(100_000, 100_000 + 10 * n), k=n)  # more than enough, unique
    while len(records) < n:
        csid = csids.pop()
        customer = _person(rng, "example.com")
        agent = rng.choice(agents)
        moment = start + dt.timedelta(seconds=rng.randrange(90 * 86400))
        plan: list[tuple[str, dict | None, dict | None]] = [
            (
                "conversation_created_by_customer",
                customer,
                {"conversation_subject": f"Order #{rng.randrange(100_000)} {rng.choice(TAGS)}"},
            ),
            (
                "conversation_offered",
                None,
                {"agent_names": [agent["name"]], "queue_label": rng.choice(QUEUES)},
            ),
            ("conversation_assigned", None, {"agent_id": agent["id"], "agent_name": agent["name"]}),
            (
                "message_added_by_customer",
                customer,
                {"message_id": _uuid(rng), "from_endpoint": customer["email"], "avatal_url": None},
            ),
            ("tag_added", agent, {"tag_name": rng.choice(TAGS)}),
            (
                "message_added_by_agent",
                agent,
                {
                    "message_id": _uuid(rng),
                    "from_endpoint": "support@company.com",
                    "avatal_url": None,
                },
            ),
            (
                "note_added",
                agent,
                {"message_id": _uuid(rng), "note": "Checked the order", "avatal_url": None},
            ),
            ("conversation_autoreply_sent", None, {"template_name": rng.choice(TEMPLATES)}),
            ("conversation_language_updated", None, {"language": rng.choice(LANGUAGES)}),
            ("conversation_closed", agent, None),
        ]
        if rng.random() < 0.2:
            plan.insert(
                5,
                (
                    "transfer_successful",
                    agent,
                    {
                        "destination_id": rng.choice(agents)["id"],
                        "destination_type": "agent",
                        "destination_label": "Colleague",
                        "transfer_type": "agent",
                        "reason": None,
                    },
                ),
            )
        if rng.random() < 0.2:
            plan.append(("conversation_reopened", customer, {}))
        if rng.random() < 0.3:
            plan.append(
                (
                    "conversation_rated",
                    customer,
                    {"agent": agent, "score": rng.randint(1, 5), "message": None},
                )
            )
        for activity_type, author, attributes in plan:
            moment += dt.timedelta(milliseconds=rng.randrange(1_000, 900_000))
            records.append(
                {
                    "id": _uuid(rng),
                    "conversation_id": csid,
                    "activity_timestamp": _iso(moment),
                    "activity_type": activity_type,
                    "author": author,
                    "attributes": attributes,
                }
            )
    del records[n:]
    for index in rng.sample(range(n - 1), k=n // 50):  # 2% of events swapped with the next
        records[index], records[index + 1] = records[index + 1], records[index]
    return json.loads(json.dumps(records))


def _timed(func, repeat: int):
    """``func()`` and its best wall-clock time over ``repeat`` runs."""
    best = float("inf")
    for _ in range(repeat):
        result = None  # free the previous run's result before timing the next
        gc.collect()
        started = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - started)
    return result, best


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000, help="number of raw events")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3, help="runs per side; the best counts")
    args = parser.parse_args(argv)

    records = synthesise(args.events, seed=args.seed)
    frame, ours = _timed(lambda: events_frame(records), args.repeat)

    def baseline() -> pd.DataFrame:
        flat = pd.json_normalize(records)
        flat["activity_timestamp"] = pd.to_datetime(
            flat["activity_timestamp"], utc=True, format="ISO8601"
        )
        return flat

    _, theirs = _timed(baseline, args.repeat)
    per_event = frame.memory_usage(deep=True).sum() / len(frame)
    print(f"events:                          {len(records):>12,}")
    print(f"runs per side (best counts):     {args.repeat:>12}")
    print(f"events_frame seconds:            {ours:>12.2f}")
    print(f"json_normalize+to_datetime secs: {theirs:>12.2f}")
    print(f"speed ratio (target >= 4):       {theirs / ours:>12.2f}")
    print(f"bytes per event (target <= 300): {per_event:>12.1f}")


if __name__ == "__main__":
    main()
