"""Fetching through the HTTP cache and the client-side throttle, against the sandbox.

1. Cold vs warm ``fetch_activitylog`` of a window that ended in the past: time and requests
   of each run, and the speed-up the cache gives.
2. A cold fetch against a sandbox that enforces Dixa's documented rate limit (10 requests per
   second, bursts of 4) with the client throttled to the same limit: the measured request
   rate, and how many 429s the sandbox sent and how many reached the caller (both should be 0).

Run: ``PYTHONPATH=. python benchmarks/bench_fetch.py``
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from dixa_analytics._errors import RateLimitError
from dixa_analytics.client._client import DixaClient
from dixa_analytics.fetch import fetch_activitylog, fetch_conversations
from dixa_analytics.sandbox import Sandbox, Switches

CONVERSATIONS = 1500
THROTTLED_CONVERSATIONS = 400
RATE, BURST = 10.0, 4


def cold_vs_warm(cache: Path) -> None:
    with Sandbox(seed=42, conversations=CONVERSATIONS) as sb:
        org = sb.organisation
        window = (org.start, org.end)

        def run() -> tuple[float, int, int]:
            sb.reset_counts()
            # The sandbox is not rate limited here: measure the cache, not the throttle.
            client = DixaClient(
                sb.api_key,
                base_url=sb.base_url,
                exports_url=sb.exports_url,
                cache=cache,
                progress=False,
                rate_limit=10_000.0,
                burst=100,
                export_rate_limit=100.0,
                export_burst=10,
            )
            with client:
                started = time.perf_counter()
                events = fetch_activitylog(start=window[0], end=window[1], client=client)
                return time.perf_counter() - started, sb.request_count, len(events)

        cold_s, cold_n, rows = run()
        warm_s, warm_n, warm_rows = run()
        assert warm_rows == rows
        still_open = sum(c["status"] != "closed" for c in org.conversations)
        print(f"cold vs warm: {CONVERSATIONS} conversations, {rows} events")
        print(f"  cold: {cold_s:7.2f} s  {cold_n:5d} requests")
        print(f"  warm: {warm_s:7.2f} s  {warm_n:5d} requests ({still_open} open conversations)")
        print(f"  warm/cold time ratio: {warm_s / cold_s:.3f}  (speed-up x{cold_s / warm_s:.1f})")


def throttled(cache: Path) -> None:
    switches = Switches(rate_limit=True, integrations_per_second=RATE, integrations_burst=BURST)
    with Sandbox(seed=7, conversations=THROTTLED_CONVERSATIONS, switches=switches) as sb:
        org = sb.organisation
        client = DixaClient(
            sb.api_key,
            base_url=sb.base_url,
            exports_url=sb.exports_url,
            cache=cache,
            progress=False,
            rate_limit=RATE,
            burst=BURST,
        )
        reached_user = 0
        with client:
            # Warm the export first (10 requests/minute): time the Integrations API only.
            fetch_conversations(start=org.start, end=org.end, client=client)
            sb.reset_counts()
            started = time.perf_counter()
            try:
                fetch_activitylog(start=org.start, end=org.end, client=client)
            except RateLimitError:
                reached_user += 1
            elapsed = time.perf_counter() - started
        integrations = [r for r in sb.requests if not r.path.startswith("/exports")]
        assert len(integrations) == len(sb.requests), "the export should have been cached"
        too_many = sum(r.status == 429 for r in sb.requests)
        # The burst goes out at once; the rest at the sustained rate.
        rate = (len(integrations) - (BURST - 1)) / elapsed
        print(f"throttled cold fetch: {THROTTLED_CONVERSATIONS} conversations")
        print(f"  {len(integrations)} Integrations API requests in {elapsed:.2f} s")
        print(f"  measured rate {rate:.2f}/s vs limit {RATE:.0f}/s: ratio {rate / RATE:.3f}")
        print(f"  429s sent by the sandbox: {too_many}; 429s reaching the caller: {reached_user}")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        cold_vs_warm(Path(tmp) / "bench.sqlite")
        throttled(Path(tmp) / "throttled.sqlite")


if __name__ == "__main__":
    main()
