"""Benchmark: the activity log of one window from each source, at Dixa's real rate limits.

Serves a sandbox organisation (20,000 conversations by default) whose rate limits are on, at
the documented rates (10 requests/s per token for the Integrations and the Dixa API, 10 per
minute for the Exports API), and fetches the activity log of its whole window twice with no
HTTP cache: once through the Integrations API (``source="integrations"``, ten conversations a
request) and once through the Dixa API (``source="dixa-api"``, the organisation-wide log,
10,000 events a request). Prints the requests and wall time of each and their ratios
(targets: Dixa API requests at most 1/20 of the Integrations path, wall time at least 10x
shorter), and checks that both frames are equal.

Run::

    PYTHONPATH=. python benchmarks/bench_sources.py                     # 20,000 conversations
    PYTHONPATH=. python benchmarks/bench_sources.py --conversations 2000
"""

from __future__ import annotations

import argparse
import time
from collections import Counter

import pandas as pd

from dixa_analytics import DixaClient, fetch_activitylog
from dixa_analytics.sandbox import Sandbox, Switches


def fetch(sandbox: Sandbox, client: DixaClient, source: str) -> tuple[pd.DataFrame, int, float]:
    org = sandbox.organisation
    sandbox.reset_counts()
    began = time.perf_counter()
    events = fetch_activitylog(start=org.start, end=org.end, source=source, client=client)
    return events, sandbox.request_count, time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=20_000)
    args = parser.parse_args()

    began = time.perf_counter()
    sandbox = Sandbox(seed=42, conversations=args.conversations)
    org = sandbox.organisation
    print(
        f"organisation: {len(org.conversations):,} conversations, {len(org.events):,} events "
        f"({time.perf_counter() - began:.1f} s to generate)"
    )
    with sandbox:
        # The sandbox limits at Dixa's documented rates; the clients keep to their defaults,
        # which are the same.
        sandbox.switches = Switches(rate_limit=True)
        common = {
            "exports_url": sandbox.exports_url,
            "cache": False,
            "progress": False,
        }
        integrations = DixaClient(sandbox.api_key, base_url=sandbox.base_url, **common)
        dixa_api = DixaClient(api_token=sandbox.api_token, api_url=sandbox.api_url, **common)
        slow, slow_requests, slow_seconds = fetch(sandbox, integrations, "integrations")
        by_path = Counter(r.path for r in sandbox.requests)
        throttled = sum(r.status == 429 for r in sandbox.requests)
        fast, fast_requests, fast_seconds = fetch(sandbox, dixa_api, "dixa-api")
        fast_by_path = Counter(r.path for r in sandbox.requests)
        fast_throttled = sum(r.status == 429 for r in sandbox.requests)
    pd.testing.assert_frame_equal(fast, slow)
    print(f"events fetched:                      {len(fast):,} (equal frames from both sources)")
    print(f"integrations API: requests           {slow_requests:,} ({throttled} answered 429)")
    print(f"                  wall time          {slow_seconds:8.1f} s")
    for path, count in by_path.most_common():
        print(f"                    {path:<36}{count:,}")
    print(f"dixa API:         requests           {fast_requests:,} ({fast_throttled} answered 429)")
    print(f"                  wall time          {fast_seconds:8.1f} s")
    for path, count in fast_by_path.most_common():
        print(f"                    {path:<36}{count:,}")
    print(
        f"requests ratio dixa/integrations:   {fast_requests / slow_requests:8.3f}"
        "  (target <= 0.05)"
    )
    print(
        f"wall time ratio integrations/dixa:   {slow_seconds / fast_seconds:8.1f}x  (target >= 10x)"
    )


if __name__ == "__main__":
    main()
