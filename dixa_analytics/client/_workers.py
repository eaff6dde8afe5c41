"""Independent requests run side by side, every one attempted, failures named by csid."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from tqdm.auto import tqdm

from dixa_analytics._errors import AuthenticationError, DixaError, PartialFetchError

__all__ = ["run_all"]

T = TypeVar("T")
R = TypeVar("R")


def run_all(
    func: Callable[[T], R],
    items: Sequence[T],
    *,
    ids: Callable[[T], Iterable[int]] | None,
    desc: str,
    unit: str,
    max_workers: int,
    progress: bool,
    worker: threading.local,
) -> list[R]:
    """Run ``func`` over independent ``items`` with ``max_workers`` threads, in order.

    Every item is attempted. Authentication failures stop everything; if some items still
    fail after their retries, :class:`PartialFetchError` names the csids (``ids(item)``)
    that are missing (its ``results`` holds those of the items that were fetched, in order).
    When all of them fail, or items carry no csids (``ids=None``), the first error is raised
    as it is. An interrupt (Ctrl-C, a notebook's stop button) or an
    authentication failure stops the workers: each worker thread finds this fetch's stop
    signal in ``worker.stop``, so those waiting for the throttle or a retry stop at once, the
    others once their request on the wire is answered, without asking for another page. The
    progress bar counts items, named ``unit``.
    """
    results: list[Any] = [None] * len(items)
    errors: dict[int, DixaError] = {}
    bar = tqdm(total=len(items), desc=desc, unit=unit, disable=not progress or len(items) < 2)
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
        partial = PartialFetchError(
            f"{len(errors)} of {len(items)} requests for {desc} failed after retries "
            f"(first: {errors[min(errors)]}).",
            missing=by_csid,
            errors=by_csid,
        )
        partial.results = [r for index, r in enumerate(results) if index not in errors]
        raise partial
    return results
