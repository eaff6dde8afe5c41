"""The Dixa API's organisation-wide activity log: every event in a time window.

The log is asked for window by window: calendar months (at most 31 days), split in halves
when the API refuses one as too long. Each window's pages follow ``meta.next``, 10,000
events a page. A window that ended before now never changes, so its pages are cached for
good; a window still open is asked again.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd
from tqdm.auto import tqdm

from dixa_analytics._errors import BadRequestError
from dixa_analytics.client import FINAL, LIVE, DixaClient

__all__ = ["EVENTS_PAGE_LIMIT", "event_windows", "read_events", "read_windows"]

#: Events per page of the organisation-wide log (what tap-dixa asks for).
EVENTS_PAGE_LIMIT = 10_000
_SMALLEST_WINDOW = pd.Timedelta(days=1)

Record = dict[str, Any]
Window = tuple[pd.Timestamp, pd.Timestamp]


def event_windows(start: pd.Timestamp, end: pd.Timestamp) -> list[Window]:
    """``[start, end)`` cut at the turn of each calendar month (UTC).

    Windows are aligned to months, not to ``start``, so a wider or narrower fetch later asks
    for the same whole months again and finds them in the cache.

    Examples
    --------
    >>> lo, hi = pd.Timestamp("2026-01-20", tz="UTC"), pd.Timestamp("2026-03-02", tz="UTC")
    >>> [(a.date().isoformat(), b.date().isoformat()) for a, b in event_windows(lo, hi)]
    [('2026-01-20', '2026-02-01'), ('2026-02-01', '2026-03-01'), ('2026-03-01', '2026-03-02')]
    """
    cuts = pd.date_range(start.normalize(), end, freq="MS", tz="UTC")
    bounds = [start, *(cut for cut in cuts if start < cut < end), end]
    return list(itertools.pairwise(bounds))


def _rfc3339(moment: pd.Timestamp) -> str:
    return moment.tz_convert("UTC").strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def read_events(
    client: DixaClient,
    start: pd.Timestamp,
    end: pd.Timestamp,
    *,
    desc: str = "events",
    refresh: bool = False,
) -> list[Record]:
    """Every raw event of the organisation whose time is in ``[start, end)``.

    Windows are fetched side by side (``client.max_workers``); a progress bar counts events
    and pages. Raises what the client raises (a :class:`~dixa_analytics.PartialFetchError`
    does not apply: a window is not a set of conversations, so a failed window fails the
    fetch). ``refresh`` asks even for windows the cache holds as final.
    """
    bar = tqdm(desc=desc, unit="event", disable=not client.progress)
    lock = threading.Lock()
    pages = [0]

    def counted(records: list[Record]) -> None:
        with lock:
            pages[0] += 1
            bar.update(len(records))
            bar.set_postfix(pages=pages[0], refresh=False)

    try:
        return read_windows(client, event_windows(start, end), on_page=counted, refresh=refresh)
    finally:
        bar.close()


def read_windows(
    client: DixaClient,
    windows: Sequence[Window],
    *,
    on_page: Callable[[list[Record]], None] | None = None,
    refresh: bool = False,
) -> list[Record]:
    """Every raw event of the given time windows, in window order (fetched side by side).

    ``on_page(records)`` is called with each page as it comes; ``refresh`` asks even for
    windows the cache holds as final.
    """
    now = pd.Timestamp(client.now())

    def fetch(window: Window) -> list[Record]:
        return _window(client, window, now, on_page or (lambda records: None), refresh)

    parts = client.map(fetch, windows, ids=None, desc="event windows", unit="window")
    return [record for part in parts for record in part]


def _window(
    client: DixaClient,
    window: Window,
    now: pd.Timestamp,
    counted: Callable[[list], None],
    refresh: bool,
) -> list[Record]:
    lo, hi = window
    params = {
        "fromDatetime": _rfc3339(lo),
        "toDatetime": _rfc3339(hi),
        "pageLimit": EVENTS_PAGE_LIMIT,
    }
    try:
        return client.get_list(
            "/v1/conversations/activitylog",
            params,
            api="dixa-api",
            expire_after=FINAL if hi <= now else LIVE,
            on_page=counted,
            refresh=refresh,
        )
    except BadRequestError:
        if hi - lo <= _SMALLEST_WINDOW:
            raise
    # The API refused the window (its longest span is not documented): ask in two halves.
    middle = (lo + (hi - lo) / 2).ceil("D")
    middle = middle if lo < middle < hi else lo + (hi - lo) / 2
    return _window(client, (lo, middle), now, counted, refresh) + _window(
        client, (middle, hi), now, counted, refresh
    )
