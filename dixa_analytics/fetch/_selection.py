"""What a fetch asks for: a client, csids or a creation window, and batches of csids.

Batches are made for the cache as much as for the API: closed conversations (kept for good)
and open ones (asked again) never share a batch, and closed csids go in blocks of consecutive
ids so that any window asks for the same blocks again.
"""

from __future__ import annotations

import contextlib
import numbers
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import pandas as pd

from dixa_analytics._dates import DateLike, date_window
from dixa_analytics.client import DixaClient, conversation_expiry, is_closed

__all__ = ["aligned", "chunks", "coerce_csids", "selection", "status_batches", "using"]


@contextlib.contextmanager
def using(client: DixaClient | None) -> Iterator[DixaClient]:
    """Yield ``client``, or a default one built now and closed afterwards."""
    if client is not None:
        if not isinstance(client, DixaClient):
            raise TypeError(f"client must be a DixaClient, not {type(client).__name__}")
        yield client
        return
    owned = DixaClient()
    try:
        yield owned
    finally:
        owned.close()


def selection(
    csids: Iterable[int] | None, start: DateLike | None, end: DateLike | None
) -> tuple[list[int] | None, tuple[pd.Timestamp, pd.Timestamp] | None]:
    """Validate "csids xor window" and coerce whichever was given."""
    has_window = start is not None or end is not None
    if csids is not None and has_window:
        raise ValueError("pass either csids or start/end, not both")
    if csids is not None:
        return coerce_csids(csids), None
    if start is None or end is None:
        raise ValueError(
            "pass csids=[...] or both start= and end= (a creation window [start, end), "
            "e.g. start='2026-03-01', end='2026-04-01')"
        )
    return None, date_window(start, end)


def coerce_csids(csids: Iterable[int]) -> list[int]:
    """Sorted unique conversation ids from ints or strings of digits."""
    if isinstance(csids, str | bytes | Mapping) or not isinstance(csids, Iterable):
        if isinstance(csids, numbers.Integral) and not isinstance(csids, bool):
            csids = [csids]  # type: ignore[list-item]
        else:
            raise TypeError(
                f"csids must be a list of conversation ids (ints), not {type(csids).__name__}"
            )
    out: set[int] = set()
    for value in csids:
        if isinstance(value, bool) or not isinstance(value, numbers.Integral | str):
            # Floats and missing values come from pandas columns that had gaps.
            from_pandas = value is None or value is pd.NA or isinstance(value, numbers.Real)
            hint = (
                "; drop missing values and convert floats first, e.g. "
                "series.dropna().astype('int64')"
                if from_pandas and not isinstance(value, bool)
                else ""
            )
            raise TypeError(f"csids must hold ints (conversation ids), not {value!r}{hint}")
        if isinstance(value, str):
            # isdigit() alone also accepts "²" and Arabic-Indic digits, which int() reads
            # differently or not at all.
            if not (value.strip().isascii() and value.strip().isdigit()):
                raise ValueError(f"csid {value!r} is not a conversation id; pass an int")
            value = int(value.strip())
        if int(value) <= 0:
            raise ValueError(f"csid {value!r} is not a conversation id (they are positive ints)")
        out.add(int(value))
    return sorted(out)


def chunks(items: Sequence[int], size: int) -> list[list[int]]:
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def status_batches(
    csids: Sequence[int], status: Mapping[int, object], size: int
) -> list[tuple[list[int], Any]]:
    """Batches of closed csids (cached for good) and of open ones (asked again), each sorted."""
    closed = [c for c in csids if is_closed(status.get(c))]
    live = [c for c in csids if not is_closed(status.get(c))]
    return [(ids, conversation_expiry("closed")) for ids in aligned(closed, size)] + [
        (ids, conversation_expiry("open")) for ids in chunks(live, size)
    ]


def aligned(csids: Sequence[int], size: int) -> list[list[int]]:
    """Sorted csids in blocks of ``size`` consecutive ids (``csid // size``).

    A block holds the same csids whichever window asks for it, so a narrower window after a
    wider one finds the cached answers of its whole blocks (csids are numbered in order of
    creation, so a window's conversations fill their blocks; only the blocks cut by its edges
    differ). Csids too sparse for that, where blocks would take more than twice the requests,
    are packed ``size`` to a batch instead.
    """
    blocks: dict[int, list[int]] = {}
    for csid in csids:
        blocks.setdefault(csid // size, []).append(csid)
    if len(blocks) > 2 * -(-len(csids) // size):
        return chunks(csids, size)
    return list(blocks.values())
