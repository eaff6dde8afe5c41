"""Independent requests run side by side, every one attempted, failures named by csid.

A fetch-wide breaker bounds how long a fetch goes on against an API that stays down: once a
few items in a row have failed after all their retries, or no item has succeeded for a while
as requests kept failing, the items not yet fetched are not asked for, and the error names
their csids with the others.
"""

from __future__ import annotations

import concurrent.futures
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from tqdm.auto import tqdm

from dixa_analytics._errors import (
    AuthenticationError,
    DixaConnectionError,
    DixaError,
    PartialFetchError,
    RateLimitError,
    SchemaError,
    ServerError,
)

__all__ = ["GiveUp", "run_all"]

T = TypeVar("T")
R = TypeVar("R")

# Failures that say the API is unwell (as opposed to a request it refuses, such as a 404).
_OUTAGE = (ServerError, DixaConnectionError, RateLimitError, SchemaError)
# How often the waiting thread looks at the breaker's clock.
_POLL_SECONDS = 0.25


@dataclass(frozen=True)
class GiveUp:
    """When a fetch stops asking an API that keeps failing.

    Attributes
    ----------
    batches : int
        Give up after this many items (batches, windows) in a row failed after all their
        retries.
    seconds : float
        Give up when no item has succeeded for this long while requests kept failing (a
        server that hangs until each request times out).
    troubles : callable
        Returns how many requests have failed so far (retries included): the clock only runs
        while it grows.
    """

    batches: int = 3
    seconds: float = 120.0
    troubles: Callable[[], int] = lambda: 0


class _Breaker:
    """Counts failures in a row and time without progress; says when to give up."""

    def __init__(self, rule: GiveUp):
        self.rule = rule
        self.lock = threading.Lock()
        self.in_a_row = 0
        self.last_progress = time.monotonic()
        self.troubles_then = rule.troubles()
        self.reason: str | None = None

    def succeeded(self) -> None:
        with self.lock:
            self.in_a_row = 0
            self.last_progress = time.monotonic()
            self.troubles_then = self.rule.troubles()

    def failed(self, exc: DixaError) -> None:
        with self.lock:
            if not isinstance(exc, _OUTAGE):
                return
            self.in_a_row += 1
            if self.reason is None and self.in_a_row >= self.rule.batches:
                self.reason = (
                    f"{self.in_a_row} requests in a row failed after all their retries "
                    f"(give_up_after_batches={self.rule.batches})"
                )

    def check(self) -> str | None:
        """The reason to give up now, if there is one."""
        with self.lock:
            if (
                self.reason is None
                and self.rule.troubles() > self.troubles_then
                and time.monotonic() - self.last_progress > self.rule.seconds
            ):
                self.reason = (
                    f"nothing succeeded for {self.rule.seconds:g} s while requests kept "
                    f"failing (give_up_after_seconds={self.rule.seconds:g})"
                )
            return self.reason


def run_all(
    func: Callable[[T], R],
    items: Sequence[T],
    *,
    ids: Callable[[T], Iterable[int]] | None,
    desc: str,
    unit: str,
    max_workers: int,
    progress: bool,
    note: str | None = None,
    worker: threading.local,
    give_up: GiveUp | None = None,
) -> list[R]:
    """Run ``func`` over independent ``items`` with ``max_workers`` threads, in order.

    Every item is attempted, unless the API keeps failing (``give_up``, see :class:`GiveUp`):
    then the items not yet asked for are left out. Authentication failures stop everything;
    if some items fail, :class:`PartialFetchError` names the csids (``ids(item)``) that are
    missing, even when every item failed (its ``results`` holds those of the items that were
    fetched, in order). When items carry no csids (``ids=None``), or every failure is the
    API refusing the request itself (a 400 or 404, not an outage), the first error is raised
    as it is. An interrupt (Ctrl-C, a notebook's stop button), an authentication failure or
    giving up stops the workers: each worker thread finds this fetch's stop signal in
    ``worker.stop``, so those waiting for the throttle or a retry stop at once, the others
    once their request on the wire is answered, without asking for another page. The
    progress bar counts items, named ``unit``, with ``note`` (e.g. the plan) beside them.
    """
    results: list[Any] = [None] * len(items)
    errors: dict[int, DixaError] = {}
    breaker = _Breaker(give_up or GiveUp())
    bar = tqdm(total=len(items), desc=desc, unit=unit, disable=not progress or len(items) < 2)
    if note:
        bar.set_postfix_str(note)
    lock = threading.Lock()
    done: set[int] = set()

    def run(index: int) -> None:
        if breaker.check() is not None:
            return  # not asked: named below with the others
        try:
            results[index] = func(items[index])
        except AuthenticationError:
            raise
        except DixaError as exc:
            with lock:
                errors[index] = exc
            breaker.failed(exc)
        except Exception:
            if breaker.check() is None:
                raise
            return  # stopped because the fetch gave up
        else:
            breaker.succeeded()
        finally:
            bar.update(1)
        with lock:
            done.add(index)

    try:
        if max_workers == 1 or len(items) < 2:
            for index in range(len(items)):
                run(index)
        else:
            # This fetch's own stop signal: an interrupt stops its workers, not those of
            # another fetch on the same client.
            stop = threading.Event()

            def work(index: int) -> None:
                worker.stop = stop
                run(index)

            pool = ThreadPoolExecutor(max_workers=max_workers)
            try:
                futures = [pool.submit(work, i) for i in range(len(items))]
                pending = set(futures)
                while pending:
                    finished, pending = concurrent.futures.wait(
                        pending, timeout=_POLL_SECONDS, return_when="FIRST_COMPLETED"
                    )
                    for future in finished:
                        future.result()
                    if breaker.check() is not None:
                        stop.set()  # workers waiting for a retry or the throttle stop now
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
    given_up = breaker.check()
    skipped = [index for index in range(len(items)) if index not in done]
    if not errors and not skipped:
        return results
    first = errors[min(errors)] if errors else None
    refused = all(not isinstance(e, _OUTAGE) for e in errors.values())
    if first is None and ids is None:  # stopped while the first items were still asked
        raise DixaError(f"{desc}: gave up after {given_up}; the API seems down, try again later")
    if first is not None and (ids is None or (not skipped and refused)):
        raise first
    assert ids is not None
    by_csid: dict[int, DixaError] = {}
    for index in skipped:
        not_asked = DixaError(f"not asked: the fetch gave up after {given_up}")
        by_csid.update(dict.fromkeys(ids(items[index]), not_asked))
    by_csid.update({c: err for index, err in errors.items() for c in ids(items[index])})
    message = f"{len(errors)} of {len(items)} requests for {desc} failed after retries"
    if first is not None:
        message += f" (first: {first})"
    if skipped:
        message += (
            f"; gave up after {given_up}, so {len(skipped)} more were not asked: the API "
            "seems down, try again later"
        )
    partial = PartialFetchError(message + ".", missing=by_csid, errors=by_csid)
    partial.results = [r for i, r in enumerate(results) if i in done and i not in errors]
    raise partial
