"""Benchmark: generate a 100,000-conversation organisation and serve one activity-log page.

Run with ``PYTHONPATH=. python benchmarks/bench_generate.py``; prints seconds, events per
second, and the ratio of the large to a small generation (linear scaling gives ~50).
"""

from __future__ import annotations

import resource
import time

from dixa_analytics.sandbox import generate_organisation


def _timed(conversations: int) -> tuple[float, int]:
    started = time.perf_counter()
    org = generate_organisation(seed=42, conversations=conversations)
    return time.perf_counter() - started, len(org.events)


def main() -> None:
    small_seconds, small_events = _timed(2_000)
    big_seconds, big_events = _timed(100_000)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports KiB
    print(f"2k conversations:   {small_seconds:6.2f} s, {small_events:>9,} events")
    rate = big_events / big_seconds
    print(
        f"100k conversations: {big_seconds:6.2f} s, {big_events:>9,} events ({rate:,.0f} events/s)"
    )
    print(f"peak resident memory of the process: {peak / 2**20:,.0f} MiB")
    print(f"ratio 100k/2k time: {big_seconds / small_seconds:.1f} (size ratio 50)")


if __name__ == "__main__":
    main()
