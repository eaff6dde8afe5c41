"""The :class:`DixaClient`: one configured, cached, throttled HTTP session per organisation."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import requests
import requests_cache

from dixa_analytics._errors import DixaError, SchemaError
from dixa_analytics.client._cache_health import corrupt_cache_error, is_corruption
from dixa_analytics.client._cache_keys import namespaced_key_fn
from dixa_analytics.client._cache_location import caching_disabled, resolve_cache_path
from dixa_analytics.client._cache_policy import DEFAULT_EXPIRY, URL_EXPIRY, Expiry
from dixa_analytics.client._credentials import DIXA_API, EXPORTS, INTEGRATIONS, Credentials
from dixa_analytics.client._paging import collect_pages, envelope_data
from dixa_analytics.client._throttle import TokenBucket
from dixa_analytics.client._transport import RetryPolicy, ThrottledAdapter, Transport
from dixa_analytics.client._workers import GiveUp, run_all

__all__ = [
    "DEFAULT_API_URL",
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
DEFAULT_API_URL = "https://dev.dixa.io"
#: Dixa's documented per-token limit: 10 requests per second, bursts of 4.
DEFAULT_RATE_LIMIT = 10.0
DEFAULT_BURST = 4
#: The Exports API allows 10 requests per minute.
DEFAULT_EXPORT_RATE_LIMIT = 10 / 60
DEFAULT_EXPORT_BURST = 1

_USER_AGENT = "dixa-analytics-python"


class DixaClient:
    """A connection to one Dixa organisation: auth, HTTP cache, throttle, retries, paging.

    Every ``fetch_*`` function takes ``client=``; build one client and pass it around, or let
    each call build a default one from the environment.

    Parameters
    ----------
    api_key : str, optional
        An Integrations API token (``integrations.dixa.io``). Defaults to ``DIXA_API_KEY``.
    api_token : str, optional
        A Dixa API token (``dev.dixa.io``, the successor API). Defaults to
        ``DIXA_API_TOKEN``. The client needs at least one of the two, may have both, and
        uses the one each request's API takes (the Exports API takes either); see
        :attr:`sources`. Secrets are never stored in the cache, logs, exception messages or
        ``repr``.
    base_url : str, optional
        Integrations API root. Defaults to ``DIXA_BASE_URL``, else ``https://integrations.dixa.io``.
    exports_url : str, optional
        Exports API root. Defaults to ``DIXA_EXPORTS_URL``, else ``https://exports.dixa.io``.
    api_url : str, optional
        Dixa API root. Defaults to ``DIXA_API_URL``, else ``https://dev.dixa.io``.
    cache : str, Path, None or False
        SQLite file of the HTTP cache. ``None``: ``DIXA_CACHE`` (``off`` disables caching),
        else ``./data/dixa-cache.sqlite`` when ``./data`` exists, else the user cache
        directory. ``False``: no caching. Entries of different secrets never mix (they are
        namespaced by a salted hash of the secret).
    cache_identity : str, optional
        A stable name for the server behind the three root URLs, used in cache keys in place
        of their host and port, so that a server listening on a new port each run (the
        embedded sandbox: :attr:`Sandbox.cache_identity
        <dixa_analytics.sandbox.Sandbox.cache_identity>`) finds its cached answers again.
        It must change whenever what the server answers may change. ``None`` (default): the
        URLs themselves, as for any real organisation.
    name : str, optional
        What the client talks to, in words, for its ``repr`` (``connect`` names the sandbox
        and its organisation this way); by default the hosts are named.
    progress : bool
        Show tqdm progress bars on fetches that take many requests.
    timeout : float
        Seconds to wait for a connection and for each read (always finite).
    max_retries : int
        Retries of a request after 429, 5xx, timeouts, dropped connections or a broken body.
    rate_limit, burst : float, int
        Integrations API throttle: requests per second and burst size (Dixa's documented
        per-token limit by default: 10/s, bursts of 4).
    export_rate_limit, export_burst : float, int
        Exports API throttle in requests per second (10 per minute by default).
    api_rate_limit, api_burst : float, int
        Dixa API throttle (10/s, bursts of 4, by default). Each API has its own throttle,
        whichever host serves it.
    max_workers : int
        Concurrent requests for independent batches (they share one throttle).
    give_up_after_batches, give_up_after_seconds : int, float
        The fetch-wide breaker against an API that stays down: once this many batches in a
        row failed after all their retries, or nothing succeeded for this many seconds while
        requests kept failing, a fetch stops asking and raises
        :class:`~dixa_analytics.PartialFetchError` naming every csid not fetched (3 batches,
        120 s by default; a request already on the wire may add up to ``timeout``).
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
    clock : callable, optional
        Returns "now" (an aware datetime), which decides what is in the past and so final;
        by default the wall clock. A client of a sandbox whose clock moves takes the
        sandbox's.

    Raises
    ------
    AuthenticationError
        If neither a key nor a token is given or set in the environment.
    CorruptCacheError
        If the cache file is damaged (now, or when a request reads a damaged part of it):
        the message names the file and how to delete it.
    ValueError
        If a secret holds a line break, control or non-ASCII character (the message never
        quotes it), or another argument is out of range.

    Examples
    --------
    >>> client = DixaClient("my-token", base_url="http://127.0.0.1:9", cache=False)
    >>> client
    DixaClient(sources=['integrations'], base_url='http://127.0.0.1:9', cache=False)
    >>> "my-token" in repr(client)
    False
    >>> client.close()
    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        api_token: str | None = None,
        base_url: str | None = None,
        exports_url: str | None = None,
        api_url: str | None = None,
        cache: str | os.PathLike[str] | bool | None = None,
        cache_identity: str | None = None,
        name: str | None = None,
        progress: bool = True,
        timeout: float = 30.0,
        max_retries: int = 5,
        rate_limit: float = DEFAULT_RATE_LIMIT,
        burst: int = DEFAULT_BURST,
        export_rate_limit: float = DEFAULT_EXPORT_RATE_LIMIT,
        export_burst: int = DEFAULT_EXPORT_BURST,
        api_rate_limit: float = DEFAULT_RATE_LIMIT,
        api_burst: int = DEFAULT_BURST,
        max_workers: int = 4,
        give_up_after_batches: int = 3,
        give_up_after_seconds: float = 120.0,
        backoff: float = 0.5,
        max_retry_after: float = 300.0,
        sleep: Callable[[float], None] | None = None,
        seed: int | None = None,
        refresh: bool = False,
        clock: Callable[[], dt.datetime] | None = None,
    ):
        self.credentials = Credentials.of(api_key, api_token)
        self.name = name
        self.cache_identity = cache_identity
        self._clock = clock
        for setting, value in (
            ("timeout", timeout),
            ("backoff", backoff),
            ("max_retry_after", max_retry_after),
            ("give_up_after_seconds", give_up_after_seconds),
        ):
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                raise ValueError(f"{setting} must be a positive number of seconds, not {value!r}")
        for setting, value in (
            ("max_retries", max_retries),
            ("max_workers", max_workers),
            ("give_up_after_batches", give_up_after_batches),
        ):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"{setting} must be a non-negative integer, not {value!r}")
        if max_workers < 1 or give_up_after_batches < 1:
            setting = "max_workers" if max_workers < 1 else "give_up_after_batches"
            raise ValueError(f"{setting} must be at least 1")

        self.base_url = _root(base_url, "DIXA_BASE_URL", DEFAULT_BASE_URL)
        self.exports_url = _root(exports_url, "DIXA_EXPORTS_URL", DEFAULT_EXPORTS_URL)
        self.api_url = _root(api_url, "DIXA_API_URL", DEFAULT_API_URL)
        self.progress = bool(progress)
        self.refresh = bool(refresh)
        self.max_workers = max_workers
        self.give_up = GiveUp(
            batches=give_up_after_batches,
            seconds=float(give_up_after_seconds),
            troubles=lambda: self.transport.failures,
        )
        self.cache_path: Path | None = (
            None
            if cache is False or (cache is None and caching_disabled())
            else resolve_cache_path(None if cache is True else cache)
        )
        # In a worker thread of map(): the event that says its fetch was interrupted.
        self._worker = threading.local()
        # Per thread, the API of the request being sent: it chooses the throttle.
        self._current = threading.local()
        # Lists that the answers read are added to, while a fetch records them (recording()).
        self._recordings: list[list[requests.Response]] = []
        self._recordings_lock = threading.Lock()
        wait = sleep if sleep is not None else self._pause
        # One token of each burst stays unused: requests reach the server a few milliseconds
        # apart from when they were sent, and that slack keeps a server-side bucket of the same
        # size from ever running dry.
        self.throttles = {
            INTEGRATIONS: TokenBucket(rate_limit, max(1, burst - 1), sleep=wait),
            EXPORTS: TokenBucket(export_rate_limit, max(1, export_burst - 1), sleep=wait),
            DIXA_API: TokenBucket(api_rate_limit, max(1, api_burst - 1), sleep=wait),
        }
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
            redact=self.credentials.redact,
            on_retry_after=self._hold_back,
            fallback_retry_after=self._rate_limited_wait,
            cache_path=self.cache_path,
        )

    # -- construction -----------------------------------------------------------------------

    def _build_session(self) -> requests.Session:
        session: requests.Session
        if self.cache_path is None:
            session = requests.Session()
        else:
            self.cache_path.parent.mkdir(parents=True, exist_ok=True)
            try:
                backend = requests_cache.SQLiteCache(self.cache_path)
            except sqlite3.DatabaseError as exc:
                if is_corruption(exc):
                    raise corrupt_cache_error(self.cache_path, exc) from exc
                raise
            session = requests_cache.CachedSession(
                backend=backend,
                expire_after=DEFAULT_EXPIRY,
                urls_expire_after=dict(URL_EXPIRY),
                allowable_methods=("GET",),
                allowable_codes=(200,),
                key_fn=namespaced_key_fn(self._stable_roots()),
            )
        session.headers["User-Agent"] = _USER_AGENT
        # One adapter for every host: the throttle is chosen by the request's API, not by
        # its URL, so APIs behind one host (a proxy) still keep their own limits.
        self._adapter = ThrottledAdapter(self._bucket)
        session.mount("http://", self._adapter)
        session.mount("https://", self._adapter)
        return session

    def _stable_roots(self) -> dict[str, str]:
        """Each root URL's stable name in cache keys (none without a ``cache_identity``)."""
        if self.cache_identity is None:
            return {}
        apis = (INTEGRATIONS, EXPORTS, DIXA_API)
        return {self.root(api): f"{self.cache_identity}/{api}" for api in apis}

    @property
    def requests_sent(self) -> int:
        """How many requests this client has sent to Dixa (retries included; cache hits not).

        Examples
        --------
        >>> DixaClient("key", cache=False).requests_sent
        0
        """
        return self._adapter.sent

    @property
    def throttle(self) -> TokenBucket:
        """The Integrations API's throttle."""
        return self.throttles[INTEGRATIONS]

    @property
    def export_throttle(self) -> TokenBucket:
        """The Exports API's throttle."""
        return self.throttles[EXPORTS]

    @property
    def sources(self) -> tuple[str, ...]:
        """The sources of the activity log this client can read: ``"dixa-api"`` with a Dixa
        API token, ``"integrations"`` with an Integrations API key (cheapest first)."""
        return self.credentials.sources

    def root(self, api: str) -> str:
        """The root URL of ``api`` (``"integrations"``, ``"dixa-api"`` or ``"exports"``)."""
        return {INTEGRATIONS: self.base_url, DIXA_API: self.api_url, EXPORTS: self.exports_url}[api]

    def __repr__(self) -> str:
        cache = str(self.cache_path) if self.cache_path is not None else False
        roots = ", ".join(
            f"{name}={self.root(api)!r}"
            for name, api in (("api_url", DIXA_API), ("base_url", INTEGRATIONS))
            if api in self.sources
        )
        name = f"name={self.name!r}, " if self.name else ""
        return f"DixaClient({name}sources={list(self.sources)}, {roots}, cache={cache!r})"

    def close(self) -> None:
        """Close the HTTP session and the cache's database connection."""
        self.session.close()

    def __enter__(self) -> DixaClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def now(self) -> dt.datetime:
        """The current time (UTC), which decides whether a window still touches the present."""
        return self._clock() if self._clock is not None else dt.datetime.now(dt.UTC)

    # -- requests ----------------------------------------------------------------------------

    def get_object(
        self,
        path: str,
        params: Mapping[str, Any] | None = None,
        *,
        expire_after: Expiry | None,
        api: str = INTEGRATIONS,
    ) -> dict[str, Any]:
        """GET one object and return its ``data`` (e.g. a conversation)."""
        url = self.root(api) + path
        payload, response = self._get(url, params, api=api, expire_after=expire_after)
        return self._checked(envelope_data, payload, response, url=url, many=False)

    def get_list(
        self,
        path: str,
        params: Mapping[str, Any] | None = None,
        *,
        expire_after: Expiry | None,
        api: str = INTEGRATIONS,
        keep: Callable[[list[dict[str, Any]]], bool] | None = None,
        on_page: Callable[[list[dict[str, Any]]], None] | None = None,
        refresh: bool = False,
    ) -> list[dict[str, Any]]:
        """GET a list of ``api``, following its pages; return every item.

        Pages are followed through ``paging.next_page`` (Integrations API) or ``meta.next``
        (Dixa API); a list whose paging is neither is an error. ``keep(items)`` says, once
        every page is in, whether the answer may stay in the cache (e.g. not when it looks
        incomplete): if not, every page is removed from it, those read from it included (an
        earlier, interrupted run may have stored the first pages). ``on_page(items)`` is
        called with each page's items as it comes (for progress). ``refresh`` asks the API even
        if the cache holds an answer it takes as final, and stores the new one.
        """
        responses: list[requests.Response] = []
        root = self.root(api)

        def get(url: str, query: Mapping[str, Any] | None) -> Any:
            payload, response = self._get(
                url, query, api=api, expire_after=expire_after, refresh=refresh
            )
            data = self._checked(envelope_data, payload, response, url=url, many=True)
            responses.append(response)
            if on_page is not None:
                on_page(data)
            return payload

        records = collect_pages(get, root + path, params, root=root)
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
        payload, response = self._get(url, params, api=EXPORTS, expire_after=expire_after)
        if not (isinstance(payload, list) and all(isinstance(r, dict) for r in payload)):
            self.transport.evict(response)
            raise SchemaError(f"GET {url} did not return a JSON array of records", url=url)
        if settle is not None and not getattr(response, "from_cache", False):
            expiry = settle(payload)
            if expiry != expire_after:
                self._set_expiry(response, expiry)
        return payload

    @contextlib.contextmanager
    def recording(self) -> Iterator[list[requests.Response]]:
        """Collect the answers read inside the block (from the network or the cache), in
        every worker thread, so that :meth:`forget` can remove them from the cache later
        (e.g. when they could not be turned into a frame)."""
        answers: list[requests.Response] = []
        with self._recordings_lock:
            self._recordings.append(answers)
        try:
            yield answers
        finally:
            with self._recordings_lock:
                self._recordings.remove(answers)

    def forget(self, answers: Iterable[requests.Response]) -> None:
        """Remove ``answers`` from the cache, so that the next fetch asks for them again."""
        for response in answers:
            self.transport.evict(response)

    def map(
        self,
        func: Callable[[T], R],
        items: Sequence[T],
        *,
        ids: Callable[[T], Iterable[int]] | None,
        desc: str,
        unit: str,
        note: str | None = None,
    ) -> list[R]:
        """Run ``func`` over independent ``items`` with ``max_workers`` threads, in order.

        Every item is attempted, unless the API keeps failing (see ``give_up_after_*``);
        failures are reported as :func:`._workers.run_all` says (a :class:`PartialFetchError`
        naming the csids ``ids(item)`` that are missing). An interrupt stops the workers.
        The progress bar counts items, named ``unit``, and shows ``note`` (the plan) beside.
        """
        return run_all(
            func,
            items,
            ids=ids,
            desc=desc,
            unit=unit,
            note=note,
            max_workers=self.max_workers,
            progress=self.progress,
            worker=self._worker,
            give_up=self.give_up,
        )

    # -- internals ---------------------------------------------------------------------------

    def _get(
        self,
        url: str,
        params: Mapping[str, Any] | None,
        *,
        api: str,
        expire_after: Expiry | None,
        refresh: bool = False,
    ) -> tuple[Any, requests.Response]:
        self._stop_if_interrupted()  # e.g. before the next page of an interrupted fetch
        self._current.api = api
        payload, response = self.transport.get_json(
            url,
            params=params,
            headers=self.credentials.header(api),
            expire_after=expire_after if self.cache_path is not None else None,
            refresh=(self.refresh or refresh) and self.cache_path is not None,
        )
        if self._recordings:
            with self._recordings_lock:
                for answers in self._recordings:
                    answers.append(response)
        return payload, response

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

    def _bucket(self) -> TokenBucket:
        """The throttle of the request this thread is sending."""
        return self.throttles[getattr(self._current, "api", INTEGRATIONS)]

    def _hold_back(self, url: str, seconds: float) -> None:
        self._bucket().pause(seconds)

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
        return 2.0**retry / self._bucket().rate


class _Stopped(Exception):
    """Raised in a worker thread of an interrupted fetch; nothing reads it."""


def _root(value: str | None, env: str, default: str) -> str:
    root = value if value is not None else (os.environ.get(env, "").strip() or default)
    scheme, sep, host = root.partition("://") if isinstance(root, str) else ("", "", "")
    if not sep or scheme.lower() not in ("http", "https") or not host.strip("/"):
        name = env.lower().removeprefix("dixa_")
        raise ValueError(
            f"{name} ({env}) must be an http:// or https:// URL such as {default!r}, not {root!r}"
        )
    return root.rstrip("/")
