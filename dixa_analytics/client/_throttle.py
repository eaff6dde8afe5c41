"""Client-side rate limiting: a thread-safe token bucket shared by every worker of a client.

Dixa answers 429 once a key goes over its rate limit; staying under the documented rate on the
client side is cheaper than being told off and backing off. One :class:`TokenBucket` guards each
API host (Integrations and Exports have different limits), and every thread of a client takes
its tokens from the same bucket.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

__all__ = ["TokenBucket"]


class TokenBucket:
    """Allow ``rate`` requests per second on average, with bursts of up to ``burst``.

    Tokens refill continuously. :meth:`acquire` reserves the next token under a lock and then
    sleeps outside it, so concurrent callers are spaced out rather than released together.

    Parameters
    ----------
    rate : float
        Sustained requests per second (``10 / 60`` for ten per minute). Must be positive.
    burst : int
        Bucket capacity: how many requests may go out back to back after a quiet spell.
    clock, sleep : callable, optional
        Monotonic clock and sleep function; injectable so tests can move time instead of waiting.

    Examples
    --------
    >>> bucket = TokenBucket(rate=10.0, burst=2)
    >>> [round(bucket.reserve(), 3) for _ in range(3)]  # two free tokens, then wait 1/rate
    [0.0, 0.0, 0.1]
    """

    def __init__(
        self,
        rate: float,
        burst: int = 1,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        if isinstance(rate, bool) or not isinstance(rate, int | float) or rate <= 0:
            raise ValueError(f"rate must be a positive number of requests per second, not {rate!r}")
        if isinstance(burst, bool) or not isinstance(burst, int) or burst < 1:
            raise ValueError(f"burst must be a positive integer, not {burst!r}")
        self.rate = float(rate)
        self.burst = burst
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._tokens = float(burst)
        self._updated = clock()

    def __repr__(self) -> str:
        return f"TokenBucket(rate={self.rate:g}/s, burst={self.burst})"

    def reserve(self) -> float:
        """Take one token and return how many seconds the caller must wait before using it."""
        with self._lock:
            self._refill()
            self._tokens -= 1.0
            # A negative balance is a queue of reservations: each waits for its token to refill.
            return max(0.0, -self._tokens / self.rate)

    def acquire(self) -> None:
        """Block until the caller may send one request."""
        wait = self.reserve()
        if wait > 0:
            try:
                self._sleep(wait)
            except BaseException:
                # Interrupted while waiting: the request is not sent, so its token is not spent.
                self.refund()
                raise

    def refund(self) -> None:
        """Give back a token whose request never reached the server (refused, or interrupted).

        Examples
        --------
        >>> bucket = TokenBucket(rate=1.0, burst=1, clock=lambda: 0.0)
        >>> bucket.reserve(), bucket.refund(), bucket.reserve()
        (0.0, None, 0.0)
        """
        with self._lock:
            self._refill()
            self._tokens = min(float(self.burst), self._tokens + 1.0)

    def pause(self, seconds: float) -> None:
        """Hold every caller back for ``seconds`` (the server said ``Retry-After``)."""
        with self._lock:
            self._refill()
            # Go into debt for ``seconds``: callers queue up behind the pause and leave it
            # spaced at the sustained rate, not all at once.
            self._tokens = min(self._tokens, -max(0.0, seconds) * self.rate)

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(self.burst, self._tokens + (now - self._updated) * self.rate)
        self._updated = now
