"""The :class:`DixaClient`: one configured, cached, throttled HTTP session per organisation."""

from __future__ import annotations

import datetime as dt
import os
import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import requests
import requests_cache
from tqdm.auto import tqdm

from dixa_analytics._errors import (
    AuthenticationError,
    DixaError,
    PartialFetchError,
    SchemaError,
)
from dixa_analytics.client._cache_keys import namespaced_key_fn
from dixa_analytics.client._cache_location import caching_disabled, resolve_cache_path
from dixa_analytics.client._cache_policy import DEFAULT_EXPIRY, URL_EXPIRY, Expiry
from dixa_analytics.client._paging import collect_pages, envelope_data
from dixa_analytics.client._throttle import TokenBucket
from dixa_analytics.client._transport import RetryPolicy, ThrottledAdapter, Transport

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_EXPORTS_URL",
    "DEFAULT_EXPORT_RATE_LIMIT",
    "DEFAULT_RATE_LIMIT",
    "DixaClient",
]

T = TypeVar("T")
R = TypeVar("R")

DEFAULT_BASE_URL = "https://integrations.dixa.io"
DEFAULT_EXPORTS_URL = "https://exports.dixa.io"
#: Dixa's documented per-key limit: 10 requests per second, bursts of 4.
DEFAULT_RATE_LIMIT = 10.0
DEFAULT_BURST = 4
#: The Exports API allows 10 requests per minute.
DEFAULT_EXPORT_RATE_LIMIT = 10 / 60
DEFAULT_EXPORT_BURST = 1

_USER_AGENT = "dixa-analytics-python"

# Keys at least this long are redacted wherever they occur (real Dixa tokens are far longer);
# shorter ones, test keys, only as whole words.
_LONG_KEY_LENGTH = 16


class DixaClient:
    """A connection to one Dixa organisation: auth, HTTP cache, throttle, retries, paging.

    Every ``fetch_*`` function takes ``client=``; build one client and pass it around, or let
    each call build a default one from the environment.

    Parameters
    ----------
    api_key : str, optional
        The Integrations API token. Defaults to the ``DIXA_API_KEY`` environment variable; the
        client refuses to start without one. The key is never stored in the cache, logs,
        exception messages or ``repr``.
    base_url : str, optional
        Integrations API root. Defaults to ``DIXA_BASE_URL``, else ``https://integrations.dixa.io``.
    exports_url : str, optional
        Exports API root. Defaults to ``DIXA_EXPORTS_URL``, else ``https://exports.dixa.io``.
    cache : str, Path, None or False
        SQLite file of the HTTP cache. ``None``: ``DIXA_CACHE`` (``off`` disables caching),
        else ``./data/dixa-cache.sqlite`` when ``./data`` exists, else the user cache
        directory. ``False``: no caching.
        Entries of different API keys never mix (they are namespaced by a salted hash of the key).
    progress : bool
        Show tqdm progress bars on fetches that take many requests.
    timeout : float
        Seconds to wait for a connection and for each read (always finite).
    max_retries : int
        Retries of a request after 429, 5xx, timeouts, dropped connections or a broken body.
    rate_limit, burst : float, int
        Integrations API throttle: requests per second and burst size (Dixa's documented
        per-key limit by default: 10/s, bursts of 4).
    export_rate_limit, export_burst : float, int
        Exports API throttle in requests per second (10 per minute by default).
    max_workers : int
        Concurrent requests for independent batches (they share one throttle).
    backoff : float
        First retry delay in seconds; doubles on every retry (with jitter), capped at 30 s.
    max_retry_after : float
        Longest ``Retry-After`` (seconds) to wait out; a server asking for longer (e.g. a
        daily quota) makes the request fail at once (:class:`RateLimitError` for a 429).
    sleep : callable, optional
        Sleep function used between retries and by the throttle (by default a sleep that an
        interrupted fetch cuts short; tests pass one that moves a fake clock instead of waiting).
    seed : int, optional
        Seed of the retry jitter.
    refresh : bool
        Ask the API again even for what the cache holds as final (a closed conversation's
        log, messages and notes; an export window in the past), and store the new answers.
        Use it once when conversations may have been reopened since they were cached: later
        clients read the refreshed entries.

    Raises
    ------
    AuthenticationError
        If no API key is given and ``DIXA_API_KEY`` is unset or empty.
    ValueError
        If the key holds a line break, control or non-ASCII character (the message never
        quotes it), or another argument is out of range.

    Examples
    --------
    >>> client = DixaClient("my-token", base_url="http://127.0.0.1:9", cache=False)
    >>> client
    DixaClient(base_url='http://127.0.0.1:9', exports_url='https://exports.dixa.io', cache=False)
    >>> "my-token" in repr(client)
    False
    >>> client.close()
    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        exports_url: str | None = None,
        cache: str | os.PathLike[str] | bool | None = None,
        progress: bool = True,
        timeout: float = 30.0,
        max_retries: int = 5,
        rate_limit: float = DEFAULT_RATE_LIMIT,
        burst: int = DEFAULT_BURST,
        export_rate_limit: float = DEFAULT_EXPORT_RATE_LIMIT,
        export_burst: int = DEFAULT_EXPORT_BURST,
        max_workers: int = 4,
        backoff: float = 0.5,
        max_retry_after: float = 300.0,
        sleep: Callable[[float], None] | None = None,
        seed: int | None = None,
        refresh: bool = False,
    ):
        key = api_key if api_key is not None else os.environ.get("DIXA_API_KEY", "")
        if not isinstance(key, str):
            raise TypeError(f"api_key must be a string, not {type(key).__name__}")
        key = key.strip()
        if not key:
            raise AuthenticationError(
                "No Dixa API key: set the DIXA_API_KEY environment variable or pass "
                "api_key= to DixaClient (create a token under Settings → Integrations → API tokens)"
            )
        if not (key.isascii() and key.isprintable()):
            # requests would reject such a header with an error quoting the whole value, and
            # the key must never reach a message; it also cannot be a real token.
            raise ValueError(
                "api_key holds a line break, control or non-ASCII character; pass the token "
                "exactly as Dixa shows it (check DIXA_API_KEY for a stray newline)"
            )
        for name, value in (
            ("timeout", timeout),
            ("backoff", backoff),
            ("max_retry_after", max_retry_after),
        ):
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                raise ValueError(f"{name} must be a positive number of seconds, not {value!r}")
        for name, value in (("max_retries", max_retries), ("max_workers", max_workers)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"{name} must be a non-negative integer, not {value!r}")
        if max_workers < 1:
            raise ValueError("max_workers must be at least 1")

        self._key = key
        self.base_url = _root(base_url, "DIXA_BASE_URL", DEFAULT_BASE_URL)
        self.exports_url = _root(exports_url, "DIXA_EXPORTS_URL", DEFAULT_EXPORTS_URL)
        self.progress = bool(progress)
        self.refresh = bool(refresh)
        self.max_workers = max_workers
        self.cache_path: Path | None = (
            None
            if cache is False or (cache is None and caching_disabled())
            else resolve_cache_path(None if cache is True else cache)
        )
        # In a worker thread of map(): the event that says its fetch was interrupted.
        self._worker = threading.local()
        wait = sleep if sleep is not None else self._pause
        # One token of each burst stays unused: requests reach the server a few milliseconds
        # apart from when they were sent, and that slack keeps a server-side bucket of the same
        # size from ever running dry.
        self.throttle = TokenBucket(rate_limit, max(1, burst - 1), sleep=wait)
        self.export_throttle = TokenBucket(export_rate_limit, max(1, export_burst - 1), sleep=wait)
        self.session = self._build_session()
        self.transport = Transport(
            self.session,
            timeout=float(timeout),
            retry=RetryPolicy(
                max_retries=max_retries,
                backoff=float(backoff),
                max_retry_after=float(max_retry_after),
            ),
            sleep=wait,
            seed=seed,
            redact=self._redact,
            on_retry_after=self._hold_back,
            fallback_retry_after=self._rate_limited_wait,
        )

    # -- construction -----------------------------------------------------------------------

    def _build_session(self) -> requests.Session:
        session: requests.Session
        if self.cache_path is None:
            session = requests.Session()
        else:
            self.cache_path.parent.mkdir(parents=True, exist_ok=True)
            session = requests_cache.CachedSession(
                backend=requests_cache.SQLiteCache(self.cache_path),
                expire_after=DEFAULT_EXPIRY,
                urls_expire_after=dict(URL_EXPIRY),
                allowable_methods=("GET",),
                allowable_codes=(200,),
                key_fn=namespaced_key_fn(self._key),
            )
        session.headers["User-Agent"] = _USER_AGENT
        # Longest prefix wins in requests, so the exports root (possibly under the base URL,
        # as in the sandbox) keeps its own throttle.
        session.mount(self.base_url + "/", ThrottledAdapter(self.throttle))
        session.mount(self.exports_url + "/", ThrottledAdapter(self.export_throttle))
        return session

    def __repr__(self) -> str:
        cache = str(self.cache_path) if self.cache_path is not None else False
        return (
            f"DixaClient(base_url={self.base_url!r}, exports_url={self.exports_url!r}, "
            f"cache={cache!r})"
        )

    def close(self) -> None:
        """Close the HTTP session and the cache's database connection."""
        self.session.close()

    def __enter__(self) -> DixaClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def now(self) -> dt.datetime:
        """The current time (UTC), which decides whether a window still touches the present."""
        return dt.datetime.now(dt.UTC)

    # -- requests ----------------------------------------------------------------------------

    def get_object(
        self, path: str, params: Mapping[str, Any] | None = None, *, expire_after: Expiry | None
    ) -> dict[str, Any]:
        """GET one Integrations API object and return its ``data`` (e.g. a conversation)."""
        url = self.base_url + path
        payload, response = self._get(url, params, expire_after=expire_after)
        return self._checked(envelope_data, payload, response, url=url, many=False)

    def get_list(
        self,
        path: str,
        params: Mapping[str, Any] | None = None,
        *,
        expire_after: Expiry | None,
        keep: Callable[[list[dict[str, Any]]], bool] | None = None,
    ) -> list[dict[str, Any]]:
        """GET an Integrations API list, following ``paging.next_page``; return every item.

        ``keep(items)`` says, once every page is in, whether the answer may stay in the cache
        (e.g. not when it looks incomplete): if not, every page is removed from it, those read
        from it included (an earlier, interrupted run may have stored the first pages).
        """
        responses: list[requests.Response] = []

        def get(url: str, query: Mapping[str, Any] | None) -> Any:
            payload, response = self._get(url, query, expire_after=expire_after)
            self._checked(envelope_data, payload, response, url=url, many=True)
            responses.append(response)
            return payload

        records = collect_pages(get, self.base_url + path, params, root=self.base_url)
        if keep is not None and not keep(records):
            for response in responses:
                self.transport.evict(response)
        return records

    def get_export(
        self,
        path: str,
        params: Mapping[str, Any],
        *,
        expire_after: Expiry,
        settle: Callable[[list[dict[str, Any]]], Expiry] | None = None,
    ) -> list[dict[str, Any]]:
        """GET an Exports API endpoint (a bare JSON array of records).

        ``settle(records)`` may decide a different expiry once the records are known (e.g. a
        past window whose conversations are all closed becomes final); the stored entry is
        updated accordingly.
        """
        url = self.exports_url + path
        headers = {"Authorization": f"Bearer {self._key}"}
        payload, response = self._get(url, params, expire_after=expire_after, headers=headers)
        if not (isinstance(payload, list) and all(isinstance(r, dict) for r in payload)):
            self.transport.evict(response)
            raise SchemaError(f"GET {url} did not return a JSON array of records", url=url)
        if settle is not None and not getattr(response, "from_cache", False):
            expiry = settle(payload)
            if expiry != expire_after:
                self._set_expiry(response, expiry)
        return payload

    def map(
        self,
        func: Callable[[T], R],
        items: Sequence[T],
        *,
        ids: Callable[[T], Iterable[int]] | None,
        desc: str,
        unit: str,
    ) -> list[R]:
        """Run ``func`` over independent ``items`` with ``max_workers`` threads, in order.

        Every item is attempted. Authentication failures stop everything; if some items still
        fail after their retries, :class:`PartialFetchError` names the csids (``ids(item)``)
        that are missing. When all of them fail, or items carry no csids (``ids=None``), the
        first error is raised as it is. An interrupt (Ctrl-C, a notebook's stop button) or an
        authentication failure stops the workers: those waiting for the throttle or a retry
        stop at once, the others once their request on the wire is answered, without asking
        for another page. The progress bar counts items, named ``unit``.
        """
        results: list[Any] = [None] * len(items)
        errors: dict[int, DixaError] = {}
        bar = tqdm(
            total=len(items), desc=desc, unit=unit, disable=not self.progress or len(items) < 2
        )
        lock = threading.Lock()

        def run(index: int) -> None:
            try:
                results[index] = func(items[index])
            except AuthenticationError:
                raise
            except DixaError as exc:
                with lock:
                    errors[index] = exc
            finally:
                bar.update(1)

        try:
            if self.max_workers == 1 or len(items) < 2:
                for index in range(len(items)):
                    run(index)
            else:
                # This fetch's own stop signal: an interrupt stops its workers, not those of
                # another fetch on the same client.
                stop = threading.Event()

                def work(index: int) -> None:
                    self._worker.stop = stop
                    run(index)

                pool = ThreadPoolExecutor(max_workers=self.max_workers)
                try:
                    futures = [pool.submit(work, i) for i in range(len(items))]
                    for future in futures:
                        future.result()
                except BaseException:
                    stop.set()
                    try:
                        pool.shutdown(wait=True, cancel_futures=True)
                    except KeyboardInterrupt:
                        # A second Ctrl-C: leave the requests on the wire to finish alone.
                        pool.shutdown(wait=False, cancel_futures=True)
                        raise
                    raise
                pool.shutdown()
        finally:
            bar.close()
        if errors:
            if ids is None or len(errors) == len(items):
                raise errors[min(errors)]
            by_csid = {c: err for index, err in errors.items() for c in ids(items[index])}
            raise PartialFetchError(
                f"{len(errors)} of {len(items)} requests for {desc} failed after retries "
                f"(first: {errors[min(errors)]}).",
                missing=by_csid,
                errors=by_csid,
            )
        return results

    # -- internals ---------------------------------------------------------------------------

    def _get(
        self,
        url: str,
        params: Mapping[str, Any] | None,
        *,
        expire_after: Expiry | None,
        headers: Mapping[str, str] | None = None,
    ) -> tuple[Any, requests.Response]:
        self._stop_if_interrupted()  # e.g. before the next page of an interrupted fetch
        return self.transport.get_json(
            url,
            params=params,
            headers=headers if headers is not None else {"Authorization": self._key},
            expire_after=expire_after if self.cache_path is not None else None,
            refresh=self.refresh and self.cache_path is not None,
        )

    def _checked(self, check: Callable[..., Any], payload: Any, response: Any, **kw: Any) -> Any:
        try:
            return check(payload, **kw)
        except DixaError:
            self.transport.evict(response)
            raise

    def _set_expiry(self, response: requests.Response, expiry: Expiry) -> None:
        def expire(cache: Any, key: str) -> None:
            stored = cache.responses.get(key)
            if stored is not None:
                stored.expires = requests_cache.get_expiration_datetime(expiry)
                cache.responses[key] = stored

        self.transport.edit_cache(response, expire)

    def _bucket_for(self, url: str) -> TokenBucket:
        return self.export_throttle if url.startswith(self.exports_url + "/") else self.throttle

    def _hold_back(self, url: str, seconds: float) -> None:
        self._bucket_for(url).pause(seconds)

    def _pause(self, seconds: float) -> None:
        """Sleep; a worker of an interrupted fetch stops instead."""
        stop = getattr(self._worker, "stop", None)
        if stop is None:
            time.sleep(seconds)
        elif stop.wait(seconds):
            raise _Stopped

    def _stop_if_interrupted(self) -> None:
        stop = getattr(self._worker, "stop", None)
        if stop is not None and stop.is_set():
            raise _Stopped

    def _rate_limited_wait(self, url: str, retry: int) -> float:
        """After a 429 without ``Retry-After``: the API's token interval, doubled per retry.

        At the Exports API's 10 requests/minute that is 6 s, 12 s, 24 s …, which outlasts a
        per-minute window, where the usual sub-second backoff would spend every retry in it.
        """
        return 2.0**retry / self._bucket_for(url).rate

    def _redact(self, text: str) -> str:
        if not self._key:
            return text
        if len(self._key) >= _LONG_KEY_LENGTH:
            # Every occurrence: a server may echo the key glued to other text ("key…is unknown").
            return text.replace(self._key, "***")
        # Too short to be a real token (a test key): only whole occurrences, so that it does not
        # garble every word that holds its letters.
        return re.sub(rf"(?<![A-Za-z0-9]){re.escape(self._key)}(?![A-Za-z0-9])", "***", text)


class _Stopped(Exception):
    """Raised in a worker thread of an interrupted fetch; nothing reads it."""


def _root(value: str | None, env: str, default: str) -> str:
    root = value if value is not None else (os.environ.get(env, "").strip() or default)
    if not isinstance(root, str) or "://" not in root:
        raise ValueError(
            f"{env.lower().removeprefix('dixa_')} must be an http(s) URL, not {root!r}"
        )
    return root.rstrip("/")
