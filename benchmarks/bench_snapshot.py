"""Benchmark: snapshots, against the HTTP cache and at the size of a large organisation's year.

Three measurements, each printed with its ratio and target:

``open``
    A sandbox organisation (20,000 conversations by default) fetched once through the HTTP
    cache, then the same window fetched warm (best of 2) and read from a snapshot synced from
    that cache (best of 3). Target: the snapshot at least 20x faster; the frames are equal.
``refresh``
    For each source: a snapshot synced with the sandbox's clock two days before its end, the
    clock moved one day on (about 1% of the conversations created or updated), synced again.
    Target: the refresh asks at most 5% of the requests of the first sync.
``scale``
    A snapshot of ``--events`` events (25,000,000 by default: a year of a 1,000,000-plus
    conversation organisation) written straight from the sandbox's generator (one month
    generated, repeated month after month with its times moved on), with no HTTP; then, in a
    fresh process, every metric of the catalogue over the snapshot partition by partition,
    with its peak resident memory (target: at most 6 GB), against one
    ``sort_values(["conversation_id", "timestamp"])`` of a sample of at least 5,000,000 of the
    same events in memory, scaled to all of them.

Run::

    PYTHONPATH=. python benchmarks/bench_snapshot.py                  # all three
    PYTHONPATH=. python benchmarks/bench_snapshot.py open refresh     # the quick ones
    PYTHONPATH=. python benchmarks/bench_snapshot.py scale --events 5000000
"""

from __future__ import annotations

import argparse
import itertools
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
from _timing import best_of

import dixa_analytics as dxa
from dixa_analytics.events import events_frame
from dixa_analytics.frames import conversations_frame, queues_frame, tags_frame, users_frame
from dixa_analytics.sandbox import Sandbox, Switches, generate_organisation
from dixa_analytics.sandbox._wire import export_conversation, render_event
from dixa_analytics.snapshot import write_snapshot

FAST = {
    "rate_limit": 1000.0,
    "burst": 50,
    "export_rate_limit": 1000.0,
    "export_burst": 50,
    "api_rate_limit": 1000.0,
    "api_burst": 50,
    "progress": False,
}
SAMPLE_EVENTS = 5_000_000
EVENTS_PER_CONVERSATION = 15.1  # the generator's average, measured


def client_on(sandbox: Sandbox, **settings: object) -> dxa.DixaClient:
    return dxa.DixaClient(
        sandbox.api_key,
        api_token=sandbox.api_token,
        base_url=sandbox.base_url,
        exports_url=sandbox.exports_url,
        api_url=sandbox.api_url,
        clock=lambda: sandbox.now,
        **(FAST | settings),
    )


def bench_open(conversations: int, folder: Path) -> None:
    with Sandbox(seed=42, conversations=conversations) as sandbox:
        org = sandbox.organisation
        window = {"start": org.start, "end": org.end, "source": "integrations"}
        with client_on(sandbox, cache=folder / "cache.sqlite") as client:
            began = time.perf_counter()
            dxa.fetch_activitylog(**window, client=client)
            cold = time.perf_counter() - began
            warm, fetched = best_of(2, lambda: dxa.fetch_activitylog(**window, client=client))
            dxa.sync(folder / "snapshot", start=org.start, end=org.end, client=client)
    opened, events = best_of(3, lambda: dxa.open_snapshot(folder / "snapshot").events())
    pd.testing.assert_frame_equal(events, fetched)
    print(f"open: {len(events):,} events of {conversations:,} conversations (equal frames)")
    print(f"  cold fetch                       {cold:8.2f} s")
    print(f"  warm fetch through the cache     {warm:8.2f} s  (best of 2)")
    print(f"  open_snapshot(...).events()      {opened:8.2f} s  (best of 3)")
    print(f"  snapshot vs warm fetch           {warm / opened:8.1f}x faster  (target >= 20x)")


def bench_refresh(conversations: int, folder: Path) -> None:
    for source in ("integrations", "dixa-api"):
        with Sandbox(seed=42, conversations=conversations) as sandbox:
            org = sandbox.organisation
            first_at = pd.Timestamp(org.end) - pd.Timedelta(days=2)
            sandbox.move_to(first_at.to_pydatetime())
            path = folder / f"refresh-{source}"
            with client_on(sandbox, cache=False) as client:
                first = dxa.sync(path, start=org.start, client=client, source=source)
                sandbox.move_to((first_at + pd.Timedelta(days=1)).to_pydatetime())
                second = dxa.sync(path, client=client, source=source)
        full, again = first.syncs[-1], second.syncs[-1]
        changed = again["conversations_new"] + again["conversations_updated"]
        total = len(second.conversations())
        print(
            f"refresh ({source}): {changed:,} of {total:,} conversations created or updated "
            f"({changed / total:.1%})"
        )
        print(f"  first sync                       {full['requests']:8,} requests")
        print(f"  refresh a day later              {again['requests']:8,} requests")
        print(
            f"  refresh / first sync             {again['requests'] / full['requests']:8.3f}"
            "  (target <= 0.05)"
        )


def months(events: int) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """Enough months from 2025-01 to hold ``events`` events at the generator's rate."""
    per_month = min(events, 2_100_000)
    count = max(1, round(events / per_month))
    starts = pd.date_range("2025-01-01", periods=count + 1, freq="MS", tz="UTC")
    return list(itertools.pairwise(starts))


def generated_parts(windows, events: int, counts: list[int]):
    """Per month, events and conversations: the first month's generated organisation, and
    for each later month the same one moved on by whole months (csids and event ids made
    unique), since generating twelve organisations costs half an hour on this machine."""
    first, last = windows[0]
    org = generate_organisation(
        seed=42,
        conversations=round(events / EVENTS_PER_CONVERSATION / len(windows)),
        start=first.date(),
        end=last.date(),
    )
    switches = Switches()
    records = [render_event(event, switches) for event in org.events]
    conversations = conversations_frame([export_conversation(c, org) for c in org.conversations])
    month = events_frame(
        records,
        users=users_frame(org.users),
        queues=queues_frame(org.queues),
        conversations=conversations,
    )
    del records, org
    for number in range(len(windows)):
        frame, convs = month.copy(), conversations.copy()
        offset = number * 100_000_000
        frame["conversation_id"] += offset
        convs["conversation_id"] += offset
        frame["event_id"] = frame["event_id"] + f"-{number}"
        for table in (frame, convs):
            for column in table.columns:
                if isinstance(table[column].dtype, pd.DatetimeTZDtype):
                    table[column] = table[column] + pd.DateOffset(months=number)
        counts.append(len(frame))
        yield frame, convs


_METRICS_SCRIPT = """
import json, resource, sys, time
import dixa_analytics as dxa
from dixa_analytics.metrics import CATALOGUE
snapshot = dxa.open_snapshot(sys.argv[1])
began = time.perf_counter()
rows = {name: len(snapshot.metric(name)) for name in CATALOGUE}
seconds = time.perf_counter() - began
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"seconds": seconds, "peak": peak, "rows": rows}))
"""

_SORT_SCRIPT = """
import json, sys, time
import pandas as pd
import dixa_analytics as dxa
snapshot = dxa.open_snapshot(sys.argv[1])
parts, size = [], 0
for part in snapshot.partitions():
    parts.append(part)
    size += len(part)
    if size >= int(sys.argv[2]):
        break
events = pd.concat(parts, ignore_index=True)
times = []
for _ in range(3):
    began = time.perf_counter()
    events.sort_values(["conversation_id", "timestamp"])
    times.append(time.perf_counter() - began)
print(json.dumps({"seconds": min(times), "events": len(events)}))
"""


def bench_scale(events: int, folder: Path) -> None:
    windows = months(events)
    counts: list[int] = []
    began = time.perf_counter()
    snapshot = write_snapshot(
        folder / "scale",
        generated_parts(windows, events, counts),
        users=users_frame([]),
        queues=queues_frame([]),
        tags=tags_frame([]),
        start=windows[0][0],
        end=windows[-1][1],
        as_of=windows[-1][1],
    )
    written = time.perf_counter() - began
    total = sum(counts)
    size = sum(p.stat().st_size for p in snapshot.path.rglob("*.parquet"))
    print(
        f"scale: {total:,} events in {len(windows)} monthly partitions, generated and written "
        f"in {written:.0f} s ({size / 1e9:.2f} GB of Parquet)"
    )
    metrics = _run(_METRICS_SCRIPT, str(snapshot.path))
    sort = _run(_SORT_SCRIPT, str(snapshot.path), str(SAMPLE_EVENTS))
    scaled = sort["seconds"] * total / sort["events"]
    print(
        f"  every metric ({len(metrics['rows'])}), partition by partition "
        f"{metrics['seconds']:8.1f} s"
    )
    print(f"  peak resident memory             {metrics['peak'] / 2**30:8.2f} GB  (target <= 6)")
    print(
        f"  one sort of {sort['events']:,} events     {sort['seconds']:8.2f} s, scaled to "
        f"{total:,}: {scaled:.1f} s"
    )
    print(f"  metrics / one sort               {metrics['seconds'] / scaled:8.1f}x")


def _run(script: str, *args: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", script, *args], check=True, capture_output=True, text=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("parts", nargs="*", choices=["open", "refresh", "scale"], default=[])
    parser.add_argument("--conversations", type=int, default=20_000)
    parser.add_argument("--events", type=int, default=25_000_000)
    args = parser.parse_args()
    chosen = args.parts or ["open", "refresh", "scale"]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if "open" in chosen:
            bench_open(args.conversations, folder)
        if "refresh" in chosen:
            bench_refresh(args.conversations, folder)
        if "scale" in chosen:
            bench_scale(args.events, folder)


if __name__ == "__main__":
    main()
