"""Benchmark: Kaplan–Meier summary by queue vs the observed-only summary of the same frame.

Builds a seeded first-response result of 1,000,000 conversations in six queues (whole
seconds, so durations tie as real ones do; about 15 % still waiting, censored at their time so
far), then times ``summarize_durations(result, by="queue_name")`` (Kaplan–Meier median, its
95 % interval and p90) against ``estimator="observed"`` (mean, median and p90 of the observed
rows), best of ``--repeat`` each. Prints both and the ratio (target: at most 3x). Run with
``python benchmarks/bench_summary.py [--conversations N]``.
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd
from _timing import best_of

from dixa_analytics.frames import conform
from dixa_analytics.metrics import FIRST_RESPONSE, summarize_durations

QUEUES = ["Sales", "Support", "Billing", "Returns", "VIP", "Onboarding"]


def synthetic_result(conversations: int, *, seed: int = 20260105) -> pd.DataFrame:
    """A first-response result: lognormal waits per queue, some still waiting at as_of."""
    rng = np.random.default_rng(seed)
    queue = rng.integers(0, len(QUEUES), conversations)
    wait = np.round(rng.lognormal(7.0 + 0.3 * queue, 1.4))
    waited_so_far = np.round(rng.exponential(40_000.0, conversations))
    observed = wait <= waited_so_far
    started = pd.Timestamp("2026-01-05", tz="UTC") + pd.to_timedelta(
        rng.uniform(0, 90 * 86_400, conversations).round(), unit="s"
    )
    frame = pd.DataFrame(
        {
            "conversation_id": np.arange(1, conversations + 1),
            "started_at": started,
            "response_seconds": np.where(observed, wait, waited_so_far),
            "observed": observed,
            "queue_name": np.array(QUEUES, dtype=object)[queue],
        }
    )
    return conform(frame, FIRST_RESPONSE)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    result = synthetic_result(args.conversations)
    censored = int((~result["observed"]).sum())
    print(f"built {len(result):,} conversations, {censored:,} censored, {len(QUEUES)} queues")
    timings = {}
    for by in ("queue_name", None):
        km, _ = best_of(args.repeat, lambda by=by: summarize_durations(result, by=by))
        observed, _ = best_of(
            args.repeat, lambda by=by: summarize_durations(result, by=by, estimator="observed")
        )
        timings[by] = (km, observed)
        label = f"by={by!r}"
        print(f"{label:<18} kaplan-meier {km:7.3f}s   observed {observed:7.3f}s   ", end="")
        print(f"ratio {km / observed:5.2f}x")
    km, observed = timings["queue_name"]
    print(f"ratio kaplan-meier / observed, by queue: {km / observed:.2f}x  (target <= 3x)")
    summary = summarize_durations(result, by="queue_name")
    print(summary.to_string(index=False))


if __name__ == "__main__":
    main()
