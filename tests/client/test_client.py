"""The client: settings from the environment, the key kept secret, interrupts, cache failures,
refused connections."""

import io
import json
import socket
import time
from collections.abc import Callable

import pytest
import requests
import urllib3

from dixa_analytics._errors import AuthenticationError, DixaConnectionError, SchemaError
from dixa_analytics.client._cache_location import default_cache_path, resolve_cache_path
from dixa_analytics.client._client import DixaClient
from dixa_analytics.client._throttle import TokenBucket
from dixa_analytics.client._transport import ThrottledAdapter


def test_client_reads_environment_at_construction(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("DIXA_API_KEY", "env-secret-key")
    monkeypatch.setenv("DIXA_BASE_URL", "http://127.0.0.1:1/")
    monkeypatch.setenv("DIXA_EXPORTS_URL", "http://127.0.0.1:2")
    monkeypatch.setenv("DIXA_CACHE", str(tmp_path / "env-cache.sqlite"))
    with DixaClient() as client:
        assert client.base_url == "http://127.0.0.1:1"
        assert client.exports_url == "http://127.0.0.1:2"
        assert client.cache_path == tmp_path / "env-cache.sqlite"
        assert "env-secret-key" not in repr(client)


@pytest.mark.parametrize("word", ["off", "0", "False", "no", "none"])
def test_dixa_cache_off_disables_caching(tmp_path, monkeypatch, word: str) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DIXA_CACHE", word)
    with DixaClient("k", base_url="http://127.0.0.1:9", progress=False) as client:
        assert client.cache_path is None
        assert "cache=False" in repr(client)
    assert list(tmp_path.iterdir()) == []  # no file named after the word
    # There is no default file then: the cache commands must not fall back to the usual one.
    with pytest.raises(ValueError, match="caching is off"):
        default_cache_path()
    with pytest.raises(ValueError, match="no file; to disable caching pass cache=False"):
        resolve_cache_path(word)


def test_client_without_key_says_how_to_set_one(monkeypatch) -> None:
    monkeypatch.delenv("DIXA_API_KEY", raising=False)
    with pytest.raises(AuthenticationError, match=r"DIXA_API_KEY.*api_key="):
        DixaClient(cache=False)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"timeout": 0}, "timeout"),
        ({"timeout": None}, "timeout"),
        ({"max_retries": -1}, "max_retries"),
        ({"max_workers": 0}, "max_workers"),
        ({"base_url": "integrations.dixa.io"}, "URL"),
    ],
)
def test_client_rejects_bad_settings(kwargs: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        DixaClient("k", cache=False, **kwargs)


def test_nothing_written_without_cache(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    with DixaClient("k", cache=False):
        pass
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("key", ["secret-one\nsecret-two", "secret\r\nx", "secret\tx", "sécret"])
def test_client_rejects_unsendable_key_without_quoting_it(key: str) -> None:
    # requests would refuse the header with an error quoting the whole value.
    with pytest.raises(ValueError, match="DIXA_API_KEY") as info:
        DixaClient(key, cache=False)
    assert "secret" not in str(info.value)
    assert "écret" not in str(info.value)


def test_non_transient_request_errors_stay_in_the_error_tree() -> None:
    from requests.adapters import BaseAdapter

    from dixa_analytics import DixaClient, DixaError

    class Redirecting(BaseAdapter):
        def send(self, request, **kwargs):
            raise requests.exceptions.TooManyRedirects("Exceeded 30 redirects.")

        def close(self):
            pass

    # Loopback base URL: the adapter answers before any socket would be opened.
    client = DixaClient("key-123", base_url="http://127.0.0.1:9", cache=False, progress=False)
    client.session.mount(client.base_url + "/", Redirecting())
    with pytest.raises(DixaError, match="TooManyRedirects") as caught:
        client.get_list("/v1/queues", expire_after=None)
    assert "key-123" not in str(caught.value)
    client.close()


class _Scripted(ThrottledAdapter):
    """Answers through the throttle with the next ``(status, body)`` of a script (the last one
    repeats), counting the requests it sent."""

    def __init__(self, bucket: TokenBucket, *answers: tuple[int, bytes]) -> None:
        super().__init__(bucket)
        self.answers = answers
        self.sent = 0

    def send(self, request, *args, **kwargs):
        self.bucket.acquire()
        status, body = self.answers[min(self.sent, len(self.answers) - 1)]
        self.sent += 1
        response = requests.Response()
        response.url, response.request, response.status_code = request.url, request, status
        response._content = body
        return response


def test_429_without_retry_after_waits_for_the_apis_token_interval() -> None:
    from dixa_analytics import DixaClient

    waits: list[float] = []
    client = DixaClient(
        "key-123",
        base_url="http://127.0.0.1:9",
        exports_url="http://127.0.0.1:9/exports",
        cache=False,
        progress=False,
        sleep=waits.append,
        backoff=0.01,
    )
    # Two bare 429s (no Retry-After, as the Exports API documents), then a record.
    slow_down = (429, b'{"message": "slow down"}')
    adapter = _Scripted(client.export_throttle, slow_down, slow_down, (200, b"[]"))
    client.session.mount(client.exports_url + "/", adapter)
    params = {"created_after": 0, "created_before": 1}
    assert client.get_export("/v1/conversation_export", params, expire_after=0) == []
    assert adapter.sent == 3
    # 10 requests/minute: each bare 429 held the export throttle back by at least one token
    # interval (6 s), growing per retry, instead of the 0.01 s backoff.
    assert len(waits) == 2
    assert waits[0] >= 6.0
    assert waits[1] > waits[0]
    client.close()


def test_redaction_replaces_the_key_not_its_letters_inside_words() -> None:
    from dixa_analytics import DixaClient

    client = DixaClient("x", base_url="http://127.0.0.1:9", cache=False, progress=False)
    text = "GET /v1/conversation_export failed; Authorization: x; bearer:x"
    assert (
        client.credentials.redact(text)
        == "GET /v1/conversation_export failed; Authorization: ***; bearer:***"
    )
    client.close()


def test_redaction_of_a_real_length_key_also_inside_words() -> None:
    from dixa_analytics import DixaClient

    key = "sandbox-46d24076fa30f18a9c0e7b21"
    client = DixaClient(key, base_url="http://127.0.0.1:9", cache=False, progress=False)
    assert (
        client.credentials.redact(f"token {key}is unknown; x{key}") == "token ***is unknown; x***"
    )
    client.close()


def _client_answering(
    key: str, status: int, body: dict | Callable[[str], dict], **options: object
) -> DixaClient:
    """A client whose every request gets ``status`` with the JSON ``body`` (or ``body(url)``),
    in which "<key>" becomes the request's Authorization header (as a server echoing it would
    write it)."""
    from requests.adapters import BaseAdapter

    class Answering(BaseAdapter):
        def send(self, request, **kwargs):
            response = requests.Response()
            response.url, response.request, response.status_code = request.url, request, status
            answer = body(request.url) if callable(body) else body
            text = json.dumps(answer).replace("<key>", request.headers["Authorization"])
            response._content = text.encode()
            # What requests-cache reads when it stores the response.
            response.raw = urllib3.HTTPResponse(
                body=io.BytesIO(response._content), status=status, request_url=request.url
            )
            return response

        def close(self):
            pass

    settings: dict = {"base_url": "http://127.0.0.1:9", "cache": False, "progress": False}
    client = DixaClient(key, **{**settings, **options})
    client.session.mount(client.base_url + "/", Answering())
    return client


def test_an_answer_not_kept_leaves_none_of_its_pages_in_the_cache(tmp_path) -> None:
    def pages(url: str) -> dict:
        last = url.endswith("p=2")
        return {
            "data": [{"id": 2 if last else 1}],
            "paging": {"next_page": None if last else "/v1/queues?p=2"},
        }

    client = _client_answering("k" * 20, 200, pages, cache=tmp_path / "c.sqlite")
    assert len(client.get_list("/v1/queues", expire_after=None)) == 2
    assert client.session.cache.responses.count() == 2
    # The same answer, now read from the cache and found incomplete: both pages go.
    assert len(client.get_list("/v1/queues", expire_after=None, keep=lambda items: False)) == 2
    assert client.session.cache.responses.count() == 0
    client.close()


def test_echoed_key_is_redacted_before_the_message_is_cut() -> None:
    from dixa_analytics import BadRequestError

    key = "sandbox-46d24076fa30f18a9c0e7b21"
    # The key sits where a 200-character excerpt would cut it.
    client = _client_answering(key, 400, {"message": "x" * 180 + " token <key>"})
    with pytest.raises(BadRequestError) as caught:
        client.get_list("/v1/queues", expire_after=None)
    assert key[:13] not in str(caught.value)  # what a cut before redaction left behind
    assert "***" in str(caught.value)
    client.close()


@pytest.mark.parametrize("key", ["key", "127", "v1"])
def test_a_short_wrong_key_garbles_neither_the_url_nor_the_hint(key: str) -> None:
    client = _client_answering(key, 401, {"message": "unknown token <key>"})
    with pytest.raises(AuthenticationError) as caught:
        client.get_list("/v1/queues", expire_after=None)
    message = str(caught.value)
    assert message.startswith("GET http://127.0.0.1:9/v1/queues returned HTTP 401")
    assert "unknown token ***" in message  # what the server echoed is still redacted
    assert "the API key is missing, wrong or revoked; set DIXA_API_KEY or pass api_key=" in message
    client.close()


def test_an_interrupt_stops_the_workers_waiting_for_the_throttle() -> None:
    # One request every 2 s: the first worker's request goes out, the others wait 2 s and 4 s.
    client = DixaClient(
        "k" * 20, base_url="http://127.0.0.1:9", cache=False, progress=False,
        rate_limit=0.5, burst=2, max_workers=4,
    )  # fmt: skip
    adapter = _Scripted(client.throttle, (200, b'{"data": []}'))
    client.session.mount(client.base_url + "/", adapter)

    def fetch(item: int) -> object:
        if item == 0:
            while adapter.sent == 0:  # interrupted once the others are on their way
                time.sleep(0.01)
            raise KeyboardInterrupt
        return client.get_list("/v1/queues", expire_after=None)

    with pytest.raises(KeyboardInterrupt):
        client.map(fetch, range(4), ids=None, desc="queues", unit="req")
    assert adapter.sent == 1  # the waiting workers stopped instead of sending after the interrupt
    # The client is usable again afterwards (after one token interval, not the stopped waits),
    # also for a new fetch with several workers.
    assert client.get_list("/v1/queues", expire_after=None) == []
    client.throttle.rate = 1000.0
    assert client.map(lambda i: i, range(3), ids=None, desc="again", unit="req") == [0, 1, 2]
    client.close()


def test_an_interrupt_stops_a_worker_between_pages() -> None:
    from requests.adapters import BaseAdapter

    client = DixaClient("k" * 20, base_url="http://127.0.0.1:9", cache=False, progress=False)

    class Pages(BaseAdapter):
        """Five pages; the first is answered only once the fetch has been interrupted."""

        sent = 0

        def send(self, request, **kwargs):
            self.sent += 1
            while self.sent == 1 and not client._worker.stop.is_set():
                time.sleep(0.01)  # the request is on the wire when the interrupt comes
            after = f"/q?p={self.sent}" if self.sent < 5 else None
            page = {"data": [{"id": self.sent}], "paging": {"next_page": after}}
            response = requests.Response()
            response.url, response.request, response.status_code = request.url, request, 200
            response._content = json.dumps(page).encode()
            return response

        def close(self):
            pass

    adapter = Pages()
    client.session.mount(client.base_url + "/", adapter)

    def fetch(item: int) -> object:
        if item == 0:
            while adapter.sent == 0:
                time.sleep(0.01)
            raise KeyboardInterrupt
        return client.get_list("/q", expire_after=None)

    with pytest.raises(KeyboardInterrupt):
        client.map(fetch, range(2), ids=None, desc="pages", unit="req")
    assert adapter.sent == 1  # the page on the wire was answered; no further page was asked
    client.close()


@pytest.mark.parametrize("failures", [1, 9])
def test_a_failing_cache_file_is_retried_then_reported(monkeypatch, failures: int) -> None:
    import sqlite3

    from dixa_analytics import DixaError

    client = _client_answering("k" * 20, 200, {"data": [{"id": "q1"}]}, sleep=lambda s: None)
    get = client.session.get
    calls = []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) <= failures:
            raise sqlite3.DatabaseError("no more rows available")
        return get(*args, **kwargs)

    monkeypatch.setattr(client.session, "get", flaky)
    if failures <= client.transport.retry.max_retries:
        assert client.get_list("/v1/queues", expire_after=None) == [{"id": "q1"}]
    else:
        with pytest.raises(DixaError, match=r"cache file failed .*no more rows available"):
            client.get_list("/v1/queues", expire_after=None)
    client.close()


def test_a_failing_cache_edit_is_retried(tmp_path, monkeypatch) -> None:
    import sqlite3

    # A body of the wrong shape is evicted from the cache; the first delete fails.
    client = _client_answering(
        "k" * 20, 200, {"data": "not a list"}, cache=tmp_path / "c.sqlite", sleep=lambda s: None
    )
    cache = client.session.cache
    delete, calls = cache.delete, []

    def flaky_delete(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise sqlite3.DatabaseError("another row available")
        return delete(*args, **kwargs)

    monkeypatch.setattr(cache, "delete", flaky_delete)
    with pytest.raises(SchemaError, match="not a list of objects"):
        client.get_list("/v1/queues", expire_after=None)
    assert len(calls) == 2
    assert cache.responses.count() == 0  # the bad body was not kept
    client.close()


def _client_of_a_refused_port(**options: object) -> tuple[DixaClient, list[float]]:
    """A client whose both APIs point at a port nothing listens on, and the waits it sleeps."""
    # Bind, read the number, close: nothing listens there afterwards.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        root = f"http://127.0.0.1:{probe.getsockname()[1]}"
    waits: list[float] = []
    client = DixaClient(
        "key-123",
        base_url=root,
        exports_url=root,
        cache=False,
        progress=False,
        sleep=waits.append,
        **options,
    )
    return client, waits


def test_a_refused_connection_is_retried_briefly() -> None:
    client, _ = _client_of_a_refused_port(max_retries=5)
    with pytest.raises(DixaConnectionError, match=r"gave up after 2 retries"):
        client.get_list("/v1/queues", expire_after=None)
    client.close()


def test_a_refused_connection_gives_its_throttle_token_back() -> None:
    client, waits = _client_of_a_refused_port()
    params = {"created_after": "2026-01-01", "created_before": "2026-01-02"}
    with pytest.raises(
        DixaConnectionError, match=r"cannot connect \(.*refused\); check the URL.*gave up after 2"
    ):
        client.get_export("/v1/conversation_export", params, expire_after=0)
    client.close()
    # Only the retry backoff was waited: no request reached the server, so the Exports API's
    # 10-per-minute throttle (6 s per token) was never drawn down.
    assert len(waits) == 2
    assert max(waits) < 6.0


def test_a_client_needs_a_key_or_a_token_and_says_both(monkeypatch) -> None:
    monkeypatch.delenv("DIXA_API_KEY", raising=False)
    monkeypatch.delenv("DIXA_API_TOKEN", raising=False)
    with pytest.raises(AuthenticationError, match=r"DIXA_API_TOKEN .* or DIXA_API_KEY"):
        DixaClient(cache=False)
    monkeypatch.setenv("DIXA_API_TOKEN", "token-from-env")
    client = DixaClient(cache=False, progress=False)
    assert client.sources == ("dixa-api",)
    assert "token-from-env" not in repr(client)
    assert repr(client).startswith("DixaClient(sources=['dixa-api'], api_url='https://dev.dixa.io'")
    both = DixaClient("key", api_token="token", cache=False)
    assert both.sources == ("dixa-api", "integrations")
    assert both.credentials.redact("key and token") == "*** and ***"
    for made in (client, both):
        made.close()


def test_each_api_keeps_its_own_throttle_behind_one_host() -> None:
    # One proxy for every API: the Exports API's 10 a minute must not slow the others.
    client = DixaClient(
        "key", api_token="t", base_url="http://proxy", exports_url="http://proxy", cache=False
    )
    for api in ("integrations", "exports", "dixa-api"):
        client._current.api = api
        assert client._bucket() is client.throttles[api]
    assert client.throttles["exports"].rate < client.throttles["integrations"].rate
    client.close()
