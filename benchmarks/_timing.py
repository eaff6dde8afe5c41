"""Timing shared by the benchmarks: the best of several runs, the usual guard against a
shared machine's noise."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def best_of(repeat: int, func: Callable[[], T]) -> tuple[float, T]:
    """The fastest of ``repeat`` calls of ``func`` in seconds, and what the last call gave."""
    times: list[float] = []
    for _ in range(repeat):
        began = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - began)
    return min(times), result
