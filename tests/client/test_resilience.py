"""Throttling, retries, error mapping and partial failures against a misbehaving sandbox."""

from __future__ import annotations

import http.server
import json
import threading
import time
from collections.abc import Iterator

import pandas as pd
import pytest

from dixa_analytics._errors import (
    AuthenticationError,
    BadRequestError,
    DixaConnectionError,
    NotFoundError,
    PartialFetchError,
    RateLimitError,
    SchemaError,
    ServerError,
)
from dixa_analytics.client._client import DixaClient
from dixa_analytics.fetch import (
    fetch_activitylog,
    fetch_conversations,
    fetch_messages,
    fetch_queues,
    fetch_users,
)
from dixa_analytics.sandbox import Switches


def test_client_throttle_matching_the_server_limit_sees_no_429(sb, make_client, served) -> None:
    sb.switches = Switches(rate_limit=True, integrations_per_second=20.0, integrations_burst=4)
    client = make_client(cache=False, rate_limit=20.0, burst=4, max_workers=4, sleep=time.sleep)
    csids = [c["id"] for c in sb.organisation.conversations]
    sb.reset_counts()
    started = time.monotonic()
    messages = fetch_messages(csids, client=client)
    elapsed = time.monotonic() - started
    n = len(served(path="/messages"))
    assert n == len(csids)
    assert served(status=429) == []
    # 36 requests at 20/s after a burst of 3: the throttle really spaced them out.
    assert elapsed >= (n - 3) / 20.0 * 0.9
    assert len(messages) == sum(len(v) for k, v in sb.organisation.messages.items() if k in csids)


def test_429_is_retried_after_retry_after(sb, make_client, served) -> None:
    sb.switches = Switches(rate_limit=True, integrations_per_second=5.0, integrations_burst=2)
    waited: list[float] = []

    def sleep(seconds: float) -> None:
        waited.append(seconds)
        time.sleep(seconds)

    csids = [c["id"] for c in sb.organisation.conversations[:6]]
    messages = fetch_messages(csids, client=make_client(cache=False, sleep=sleep))
    assert sorted(messages["message_id"]) == sorted(
        m["id"] for c in csids for m in sb.organisation.messages.get(c, [])
    )
    assert served(status=429), "the unthrottled client should have been told to wait"
    assert max(waited) >= 1.0  # the sandbox's Retry-After is whole seconds


@pytest.mark.parametrize(
    "switches",
    [
        Switches(error_every=3, error_burst=2, error_status=503),
        Switches(error_every=4, error_status=500),
        Switches(drop_every=3),
        Switches(truncate_every=2),
    ],
    ids=["503-bursts", "500", "dropped", "truncated"],
)
def test_transient_faults_are_retried(sb, make_client, sleeps, switches) -> None:
    sb.switches = switches
    org = sb.organisation
    # One worker: the fault counter then hits the same request at most error_burst times.
    client = make_client(max_workers=1)
    events = fetch_activitylog(start=org.start, end=org.end, client=client)
    assert sorted(events["event_id"]) == sorted(e["id"] for e in org.events)
    assert sleeps.calls, "faults were injected, so there must have been retries"
    assert all(0 < s <= 30 for s in sleeps.calls)


def test_slow_responses_time_out_and_are_retried(sb, make_client, sleeps, served) -> None:
    sb.switches = Switches(slow_every=2, slow_seconds=0.6)
    queues = fetch_queues(client=make_client(timeout=0.25, cache=False))
    users = fetch_users(client=make_client(timeout=0.25, cache=False))
    assert len(queues) == len(sb.organisation.queues)
    assert len(users) == len(sb.organisation.users)
    assert sleeps.calls


def test_wrong_key_is_an_authentication_error_without_the_key(sb, make_client) -> None:
    with pytest.raises(AuthenticationError) as info:
        fetch_users(client=make_client(api_key="sandbox-not-a-real-key-123"))
    assert info.value.status == 401
    assert "sandbox-not-a-real-key-123" not in str(info.value)
    assert "DIXA_API_KEY" in str(info.value)


def test_error_statuses_map_to_the_error_tree(sb, make_client) -> None:
    client = make_client(cache=False)
    with pytest.raises(NotFoundError) as not_found:
        client.get_object("/v1/conversations/999999", expire_after=None)
    assert not_found.value.status == 404
    with pytest.raises(BadRequestError) as bad:
        client.get_list("/v1/users", {"limit": 500}, expire_after=None)
    assert bad.value.status == 400
    eleven = ",".join(str(c["id"]) for c in sb.organisation.conversations[:11])
    with pytest.raises(BadRequestError) as too_many:
        client.get_list("/v1/conversations/activitylog", {"csids": eleven}, expire_after=None)
    assert too_many.value.status == 422
    assert sb.request_count == 3  # client errors are not retried


def test_rate_limit_error_after_retries(sb, make_client, sleeps) -> None:
    sb.switches = Switches(rate_limit=True, integrations_per_second=0.01, integrations_burst=1)
    client = make_client(cache=False, max_retries=2)
    fetch_queues(client=client)
    with pytest.raises(RateLimitError, match="2 retries") as info:
        fetch_queues(client=client)
    assert info.value.status == 429
    assert len(sleeps.calls) == 2
    assert min(sleeps.calls) >= 1.0


def test_server_error_after_retries(sb, make_client, sleeps, served) -> None:
    # Requests 4, 5 and 6 fail: the fourth call's first try and both its retries.
    sb.switches = Switches(error_every=4, error_burst=3, error_status=502)
    client = make_client(cache=False, max_retries=2)
    for _ in range(3):
        fetch_queues(client=client)
    with pytest.raises(ServerError, match="2 retries") as info:
        fetch_queues(client=client)
    assert info.value.status == 502
    assert len(served(status=502, path="/v1/queues")) == 3
    assert len(sleeps.calls) == 2


def test_connection_error_after_retries(make_client, sleeps) -> None:
    with pytest.raises(DixaConnectionError, match=r"cannot connect .* \(gave up after 1 retry\)$"):
        fetch_queues(client=make_client(base_url="http://127.0.0.1:9", max_retries=1))
    assert len(sleeps.calls) == 1


def test_broken_body_every_time_is_a_schema_error_and_not_cached(sb, make_client, tmp_path) -> None:
    sb.switches = Switches(truncate_every=1)
    path = tmp_path / "bad.sqlite"
    with pytest.raises(SchemaError, match="not valid JSON"):
        fetch_queues(client=make_client(cache=path, max_retries=2))
    sb.switches = Switches()
    sb.reset_counts()
    assert len(fetch_queues(client=make_client(cache=path))) == len(sb.organisation.queues)
    assert sb.request_count == 1  # nothing broken had been kept


def test_a_batch_that_keeps_failing_is_named(sb, make_client, served, query_csids) -> None:
    # One worker and no retries make the injected 503 land on one known batch.
    sb.switches = Switches(error_every=3, error_status=503)
    org = sb.organisation
    with pytest.raises(PartialFetchError) as info:
        fetch_activitylog(
            start=org.start, end=org.end, client=make_client(max_workers=1, max_retries=0)
        )
    failed = sorted(c for r in served(status=503, path="/activitylog") for c in query_csids(r))
    assert failed
    assert info.value.missing == failed
    assert set(info.value.errors) == set(failed)
    assert str(failed[0]) in str(info.value)


@pytest.fixture
def looping_server() -> Iterator[str]:
    """A server whose paging always points at the same next page."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = json.dumps(
                {
                    "data": [{"id": "q1", "name": "Q"}],
                    "paging": {"next_page": "/v1/queues?after=q1"},
                }
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_paging_loop_is_detected_over_http(looping_server) -> None:
    client = DixaClient("k", base_url=looping_server, cache=False, progress=False)
    with client, pytest.raises(SchemaError, match="paging loop"):
        fetch_queues(client=client)


EVERYTHING_ON = Switches(
    timestamp_field="mixed",
    timestamp_form="mixed",
    tag_key="mixed",
    null_authors=0.2,
    missing_attributes="mixed",
    out_of_order=True,
    duplicate_events=True,
    page_size=7,
    rate_limit=True,
    integrations_per_second=40.0,
    integrations_burst=4,
    exports_per_minute=600.0,
    exports_burst=2,
    error_every=9,
    error_burst=1,
    slow_every=29,
    slow_seconds=0.4,
    drop_every=17,
    truncate_every=19,
)


def test_every_variant_and_fault_still_gives_the_exact_events(sb, make_client, served) -> None:
    sb.switches = EVERYTHING_ON
    org = sb.organisation
    client = make_client(
        rate_limit=40.0,
        burst=4,
        export_rate_limit=10.0,
        export_burst=2,
        timeout=0.3,
        backoff=0.01,
        max_retries=8,
        sleep=time.sleep,
    )
    events = fetch_activitylog(start=org.start, end=org.end, client=client)
    assert served(status=429) == []
    assert served(status=503), "faults were injected"

    truth = pd.DataFrame(org.events)
    assert len(events) == len(truth)
    assert events["event_id"].is_unique
    merged = events.merge(truth, left_on="event_id", right_on="id", validate="one_to_one")
    assert len(merged) == len(truth)
    assert (merged["conversation_id_x"] == merged["conversation_id_y"]).all()
    expected_ts = pd.to_datetime(merged["timestamp_ms"], unit="ms", utc=True)
    # Second-precision timestamp forms drop the milliseconds.
    assert ((merged["timestamp"] - expected_ts).abs() < pd.Timedelta(seconds=1)).all()
    assert (merged["activity_type_x"].astype(str) == merged["activity_type_y"]).all()
    # Sorted by conversation, then time.
    assert events["conversation_id"].is_monotonic_increasing
    tagged = merged[merged["activity_type_y"].isin(["tag_added", "tag_removed"])]
    assert not tagged.empty
    assert (tagged["tag"] == tagged["attributes"].map(lambda a: a["tag_name"])).all()
    assigned = merged[merged["activity_type_y"] == "conversation_assigned"]
    assert not assigned.empty
    assert (assigned["agent_id"] == assigned["attributes"].map(lambda a: a["agent_id"])).all()
    queue_of = {c["id"]: c["queue_id"] for c in org.conversations}
    expected_queue = [queue_of[c] for c in merged["conversation_id_y"]]
    got_queue = [None if pd.isna(q) else q for q in merged["queue_id"]]
    assert got_queue == expected_queue


def test_retry_after_beyond_the_limit_fails_at_once(sb, make_client, served, sleeps) -> None:
    # One export per 100 minutes: the second request is told to wait 6000 s.
    sb.switches = Switches(rate_limit=True, exports_per_minute=0.01, exports_burst=1)
    client = make_client(cache=False)  # default max_retry_after: 300 s
    start, end = sb.organisation.start, sb.organisation.end
    fetch_conversations(start=start, end=end, client=client)
    sb.reset_counts()
    with pytest.raises(RateLimitError, match=r"wait 6,000 s.*max_retry_after=300") as info:
        fetch_conversations(start=start, end=end, client=client)
    assert sb.api_key not in str(info.value)
    assert len(served(status=429)) == 1  # not retried
    assert all(seconds <= 300.0 for seconds in sleeps.calls)
