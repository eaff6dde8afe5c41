"""One GET with retries, backoff, throttling and error mapping; returns parsed JSON.

This layer knows HTTP and JSON only. It retries what is worth retrying — 429 (waiting as long
as ``Retry-After`` says), 5xx, 408, timeouts, dropped connections and bodies that are not valid
JSON (a truncated body is evicted from the cache first, so it is never served again) — with
exponential backoff and jitter, and maps whatever is left to the :mod:`dixa_analytics._errors`
tree through :func:`~dixa_analytics._errors.error_for_status`. A failure of the cache file
itself (SQLite, e.g. while another process writes to it) is retried the same way, unless the
file is damaged (:class:`~dixa_analytics._errors.CorruptCacheError` at once). Text that
is valid JSON but no valid text (a lone surrogate) is repaired as it is read
(:mod:`._text_repair`).
"""

from __future__ import annotations

import email.utils
import json
import logging
import os
import random
import sqlite3
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import requests
import urllib3
from requests.adapters import HTTPAdapter

from dixa_analytics._errors import (
    DixaConnectionError,
    DixaError,
    RateLimitError,
    SchemaError,
    error_for_status,
)
from dixa_analytics.client._cache_health import corrupt_cache_error, is_corruption
from dixa_analytics.client._cache_policy import Expiry
from dixa_analytics.client._text_repair import repair_text
from dixa_analytics.client._throttle import TokenBucket

__all__ = ["RetryPolicy", "ThrottledAdapter", "Transport"]

logger = logging.getLogger("dixa_analytics")

#: Statuses worth asking again: rate limited, request timeout, and every server error.
RETRY_STATUSES = frozenset({408, 429})
#: Retries of a connection that was refused or whose host did not resolve: a server restarting
#: answers again within seconds, while a wrong or unreachable host should be said quickly.
REFUSED_RETRIES = 2
#: Longest message excerpt of an error body kept in exception messages.
_BODY_EXCERPT = 200


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to retry a failed request.

    The ``n``-th retry waits ``min(max_backoff, backoff * 2**n)`` seconds, scaled by a random
    factor in ``[1 - jitter, 1]`` so concurrent workers do not retry in lockstep, or as long as
    the server's ``Retry-After`` says if that is longer. A ``Retry-After`` above
    ``max_retry_after`` seconds (a quota that resets hours later) is not waited out: the
    request fails at once, so a session never hangs silently.

    Examples
    --------
    >>> policy = RetryPolicy(backoff=1.0, jitter=0.0)
    >>> [policy.delay(n, random.Random(0)) for n in range(4)]
    [1.0, 2.0, 4.0, 8.0]
    """

    max_retries: int = 5
    backoff: float = 0.5
    max_backoff: float = 30.0
    jitter: float = 0.5
    max_retry_after: float = 300.0

    def delay(self, attempt: int, rng: random.Random) -> float:
        """Seconds to wait before retry number ``attempt`` (0-based)."""
        base = min(self.max_backoff, self.backoff * 2.0**attempt)
        return base * (1.0 - self.jitter * rng.random())


class ThrottledAdapter(HTTPAdapter):
    """An HTTP adapter that takes a token from a :class:`TokenBucket` before each real send.

    Mounted on the session, it throttles exactly the requests that go over the network:
    cache hits never reach the adapter, so they cost no token. ``bucket`` is the bucket
    itself, or a function that picks the bucket of the request being sent (each API has its
    own, whatever host serves it). :attr:`sent` counts the requests that reached a server
    (retries included).
    """

    def __init__(self, bucket: TokenBucket | Callable[[], TokenBucket], **kwargs: Any):
        super().__init__(**kwargs)
        self._choose = (lambda: bucket) if isinstance(bucket, TokenBucket) else bucket
        self.sent = 0
        self._count_lock = threading.Lock()

    @property
    def bucket(self) -> TokenBucket:
        """The bucket of the request being sent."""
        return self._choose()

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> Any:
        bucket = self.bucket
        bucket.acquire()
        try:
            response = super().send(request, *args, **kwargs)
        except requests.ConnectionError as exc:
            # A connection never made cost the API nothing; without the refund, each retry of
            # an unreachable host would wait a whole Exports API token interval (6 s).
            if _is_refused(exc):
                bucket.refund()
            else:
                self._count()
            raise
        self._count()
        return response

    def _count(self) -> None:
        with self._count_lock:
            self.sent += 1


class Transport:
    """GET JSON through a (cached) session with retries and error mapping.

    Parameters
    ----------
    session : requests.Session
        Usually a requests-cache ``CachedSession`` with throttled adapters mounted.
    timeout : float
        Seconds to wait for the connection and for each read; always finite.
    retry : RetryPolicy
        Retry budget and backoff.
    sleep : callable
        Sleep function used between retries (injectable for tests).
    seed : int, optional
        Seed of the jitter's random generator.
    redact : callable
        Removes secrets from text that goes into exceptions and logs.
    on_retry_after : callable, optional
        Called with ``(url, seconds)`` when a 429 says how long to wait; it must make the next
        request wait that long (the client pauses the API's throttle, which holds back every
        worker, not just the one that was told). Without it the retry itself waits.
    fallback_retry_after : callable, optional
        Called with ``(url, retry_number)`` for a 429 that carries no ``Retry-After`` (the
        Exports API documents none); its answer is used as if the server had sent it, when
        longer than the usual backoff.
    cache_path : path, optional
        The session's cache file, named when it turns out to be damaged.
    """

    def __init__(
        self,
        session: requests.Session,
        *,
        timeout: float,
        retry: RetryPolicy,
        sleep: Callable[[float], None] = time.sleep,
        seed: int | None = None,
        redact: Callable[[str], str] = str,
        on_retry_after: Callable[[str, float], None] | None = None,
        fallback_retry_after: Callable[[str, int], float] | None = None,
        cache_path: os.PathLike[str] | None = None,
    ):
        self.session = session
        self.cache_path = cache_path
        #: Requests that failed so far (each retry counts): a fetch that sees it grow while
        #: nothing succeeds knows the API is unwell.
        self.failures = 0
        self.timeout = timeout
        self.retry = retry
        self._sleep = sleep
        self._rng = random.Random(seed)
        self._rng_lock = threading.Lock()
        self._redact = redact
        self._on_retry_after = on_retry_after
        self._fallback_retry_after = fallback_retry_after

    def get_json(
        self,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        expire_after: Expiry | None = None,
        refresh: bool = False,
    ) -> tuple[Any, requests.Response]:
        """GET ``url`` and return ``(parsed JSON body, response)``.

        ``expire_after`` is how long the cache keeps the answer; ``refresh`` sends the request
        even when the cache holds an answer, and replaces it (both need a cached session).

        Raises
        ------
        DixaError
            The subclass matching the final failure (see :mod:`dixa_analytics._errors`).
        """
        cache_options: dict[str, Any] = {}
        if expire_after is not None:
            cache_options["expire_after"] = expire_after
        if refresh:
            cache_options["force_refresh"] = True
        failure: DixaError | None = None
        wait = 0.0
        refused = 0
        for attempt in range(self.retry.max_retries + 1):
            if failure is not None:
                self.failures += 1
            if failure is not None and wait > 0:
                self._sleep(wait)
            wait = self._backoff(attempt)
            try:
                response = self.session.get(
                    url,
                    params=params,
                    headers=headers,
                    timeout=self.timeout,
                    **cache_options,
                )
            except sqlite3.Error as exc:
                if is_corruption(exc):  # a damaged file never heals: say so at once
                    raise corrupt_cache_error(self.cache_path or "", exc) from exc
                # Nothing was stored, so asking again is safe.
                failure = _cache_failure(url, exc)
                logger.debug("retrying after %s", failure)
                continue
            except requests.RequestException as exc:
                if isinstance(exc, ValueError):  # a malformed URL: bad input, not a fault
                    raise
                if not _is_transient(exc):
                    raise DixaError(
                        f"GET {_safe_url(url)} failed: {type(exc).__name__}: "
                        f"{self._redact(str(exc))}",
                        url=_safe_url(url),
                    ) from exc
                failure = DixaConnectionError(
                    f"GET {_safe_url(url)} failed: {self._redact(_connection_problem(exc))}",
                    url=_safe_url(url),
                )
                if _is_refused(exc):
                    refused += 1
                    if refused > REFUSED_RETRIES:
                        break
                logger.debug("retrying after %s", failure)
                continue
            status = response.status_code
            if status == 200:
                try:
                    payload = json.loads(response.content)
                except (ValueError, UnicodeDecodeError):
                    # A truncated or garbled body must never be served from the cache again.
                    self.evict(response)
                    failure = SchemaError(
                        f"GET {_safe_url(response.url)} returned a body that is not valid JSON "
                        f"({len(response.content)} bytes)",
                        status=status,
                        url=_safe_url(response.url),
                    )
                    logger.debug("retrying after %s", failure)
                    continue
                return repair_text(response.content, payload), response
            failure = error_for_status(
                status, self._describe(response), url=_safe_url(response.url)
            )
            if status not in RETRY_STATUSES and status < 500:
                raise failure
            retry_after = _retry_after_seconds(response.headers.get("Retry-After"))
            if retry_after is None and status == 429 and self._fallback_retry_after is not None:
                retry_after = max(wait, self._fallback_retry_after(response.url, attempt))
            if retry_after is not None and retry_after > self.retry.max_retry_after:
                raise type(failure)(
                    f"{failure} (the server asks to wait {retry_after:,.0f} s, longer than "
                    f"max_retry_after={self.retry.max_retry_after:g} s; try again later)",
                    status=status,
                    url=failure.url,
                )
            if retry_after is not None and status == 429 and self._on_retry_after is not None:
                # The throttle holds back this request and every other one to the same API.
                self._on_retry_after(response.url, retry_after)
                wait = 0.0
            elif retry_after is not None:
                wait = max(wait, retry_after)
            logger.debug("retrying after %s", failure)
        assert failure is not None
        self.failures += 1
        if isinstance(failure, RateLimitError | DixaConnectionError | SchemaError) or (
            failure.status is not None and failure.status >= 500
        ):
            failure = type(failure)(
                f"{failure} (gave up after {attempt} {'retry' if attempt == 1 else 'retries'})",
                status=failure.status,
                url=failure.url,
            )
        raise failure

    def evict(self, response: requests.Response) -> None:
        """Remove ``response`` from the cache (e.g. its JSON had the wrong shape)."""
        self.edit_cache(response, lambda cache, key: cache.delete(key))

    def edit_cache(self, response: requests.Response, edit: Callable[[Any, str], None]) -> None:
        """Apply ``edit(cache, key)`` to the stored entry of ``response``, if it has one.

        A failure of the cache file is retried with backoff, then raised as a
        :class:`DixaError` saying what to do.
        """
        key = getattr(response, "cache_key", None)
        cache = getattr(self.session, "cache", None)
        if not key or cache is None:
            return
        for attempt in range(self.retry.max_retries + 1):
            try:
                edit(cache, key)
                return
            except sqlite3.Error as exc:
                if is_corruption(exc):
                    raise corrupt_cache_error(self.cache_path or "", exc) from exc
                failure = _cache_failure(response.url, exc)
                logger.debug("retrying after %s", failure)
                if attempt == self.retry.max_retries:
                    raise failure from exc
                self._sleep(self._backoff(attempt))

    def _backoff(self, attempt: int) -> float:
        with self._rng_lock:
            return self.retry.delay(attempt, self._rng)

    def _describe(self, response: requests.Response) -> str:
        detail = ""
        try:
            body = json.loads(response.content)
        except (ValueError, UnicodeDecodeError):
            body = None
        if isinstance(body, dict) and isinstance(body.get("message"), str):
            # Redacted before it is cut, so that a cut cannot leave part of the key behind.
            detail = ": " + self._redact(body["message"])[:_BODY_EXCERPT]
        # Only what the server or the HTTP library wrote is redacted: the URL (which never
        # holds the key) and the hint are ours, and a short wrong key such as "key" or "127"
        # must not garble them.
        reason = _STATUS_HINTS.get(response.status_code, "")
        return f"GET {_safe_url(response.url)} returned HTTP {response.status_code}{detail}{reason}"


def _cache_failure(url: str, exc: sqlite3.Error) -> DixaError:
    # requests-cache shares one SQLite connection between threads; while another process
    # writes the same file it can fail with odd errors ("no more rows available").
    return DixaError(
        f"GET {_safe_url(url)}: the HTTP cache file failed ({type(exc).__name__}: {exc}); "
        "several processes writing one cache file at once can cause this: give each its own "
        "cache=, or try again",
        url=_safe_url(url),
    )


_STATUS_HINTS = {
    401: " (the API key is missing, wrong or revoked; set DIXA_API_KEY or pass api_key=)",
    403: " (the API key has no access to this resource)",
}


def _is_transient(exc: requests.RequestException) -> bool:
    """Timeouts, refused/dropped connections and bodies cut off mid-stream."""
    return isinstance(
        exc,
        requests.Timeout
        | requests.ConnectionError
        | requests.exceptions.ChunkedEncodingError
        | requests.exceptions.ContentDecodingError,
    )


def _is_refused(exc: requests.RequestException) -> bool:
    """A connection that was never made (refused, or the host name did not resolve)."""
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(exc, requests.ConnectionError) and isinstance(
        reason, urllib3.exceptions.NewConnectionError
    )


def _connection_problem(exc: requests.RequestException) -> str:
    """What went wrong with the connection, in one short line."""
    if _is_refused(exc):
        # urllib3 wraps the socket error in pool details ("HTTPConnection(host=..): Failed to
        # establish a new connection: [Errno 111] Connection refused"); keep what it says.
        reason = str(exc.args[0].reason)
        reason = reason.partition("): ")[2] or reason
        reason = reason.removeprefix("Failed to establish a new connection: ")
        return (
            f"cannot connect ({reason}); check the URL (DIXA_API_URL / DIXA_BASE_URL / "
            "DIXA_EXPORTS_URL) and the network"
        )
    return f"{type(exc).__name__}: {exc}"


def _retry_after_seconds(value: str | None) -> float | None:
    """Parse ``Retry-After`` (delta seconds or an HTTP date); ``None`` if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _safe_url(url: str | None) -> str:
    """The URL without any userinfo part (credentials never travel in the URL, but be sure)."""
    if not url:
        return ""
    scheme, sep, rest = url.partition("://")
    host, slash, path = rest.partition("/")
    return f"{scheme}{sep}{host.rpartition('@')[2]}{slash}{path}"
