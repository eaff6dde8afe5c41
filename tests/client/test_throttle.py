"""The throttle (token bucket), the retry backoff and Retry-After parsing."""

import random
import threading

import pytest

from dixa_analytics.client._throttle import TokenBucket
from dixa_analytics.client._transport import RetryPolicy, _retry_after_seconds
from dixa_analytics.fetch import fetch_activitylog


class FakeClock:
    """Time that only moves when slept through."""

    def __init__(self) -> None:
        self.now = 0.0
        self.lock = threading.Lock()

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        with self.lock:
            self.now += seconds


def test_token_bucket_allows_burst_then_spaces_requests() -> None:
    clock = FakeClock()
    bucket = TokenBucket(rate=10.0, burst=4, clock=clock, sleep=clock.sleep)
    waits = [bucket.reserve() for _ in range(6)]
    assert waits[:4] == [0.0, 0.0, 0.0, 0.0]
    assert waits[4] == pytest.approx(0.1)
    assert waits[5] == pytest.approx(0.2)


def test_token_bucket_sustained_rate_matches_configuration() -> None:
    clock = FakeClock()
    bucket = TokenBucket(rate=5.0, burst=1, clock=clock, sleep=clock.sleep)
    for _ in range(51):
        bucket.acquire()
    # 1 free token, then 50 more at 5 per second.
    assert clock.now == pytest.approx(10.0)


def test_token_bucket_pause_holds_everyone_back() -> None:
    clock = FakeClock()
    bucket = TokenBucket(rate=10.0, burst=4, clock=clock, sleep=clock.sleep)
    bucket.pause(2.0)
    assert bucket.reserve() == pytest.approx(2.1)
    assert bucket.reserve() == pytest.approx(2.2)


def test_token_bucket_is_thread_safe() -> None:
    clock = FakeClock()
    bucket = TokenBucket(rate=100.0, burst=1, clock=clock, sleep=lambda s: None)
    waits: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(50):
            wait = bucket.reserve()
            with lock:
                waits.append(wait)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # With the clock frozen every reservation queues behind the previous one: all distinct.
    assert sorted(round(w, 6) for w in waits) == [round(i / 100, 6) for i in range(200)]


@pytest.mark.parametrize("rate", [0, -1, True, "10"])
def test_token_bucket_rejects_bad_rate(rate: object) -> None:
    with pytest.raises(ValueError, match="rate"):
        TokenBucket(rate=rate)  # type: ignore[arg-type]


def test_retry_policy_doubles_and_caps_with_jitter_in_range() -> None:
    policy = RetryPolicy(backoff=0.5, max_backoff=4.0, jitter=0.5)
    rng = random.Random(3)
    delays = [policy.delay(n, rng) for n in range(6)]
    for n, delay in enumerate(delays):
        base = min(4.0, 0.5 * 2**n)
        assert base * 0.5 <= delay <= base


@pytest.mark.parametrize(
    ("value", "expected"), [("3", 3.0), ("0.5", 0.5), ("-2", 0.0), (None, None), ("soon", None)]
)
def test_retry_after_parsing(value: str | None, expected: float | None) -> None:
    assert _retry_after_seconds(value) == expected


def test_retry_after_http_date_in_the_past_is_zero() -> None:
    assert _retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0


def test_one_root_for_both_apis_keeps_each_api_at_its_own_limit(sb, make_client, sleeps) -> None:
    # A proxy serving the Integrations and the Exports API at one root: each request still
    # takes its own API's throttle, so the Integrations API is not held to 10 a minute.
    client = make_client(
        base_url=sb.base_url,
        exports_url=sb.base_url,
        export_rate_limit=10 / 60,
        export_burst=1,
    )
    org = sb.organisation
    events = fetch_activitylog(start=org.start, end=org.end, client=client)
    assert set(events["conversation_id"]) == {c["id"] for c in org.conversations}
    exports = [r for r in sb.requests if r.path.endswith("/conversation_export")]
    assert exports
    assert all(not r.path.startswith("/exports") for r in exports)  # through the one root
    # Integrations requests waited for no Exports API token (6 s each at 10 a minute).
    assert not [s for s in sleeps.calls if s >= 1.0]
