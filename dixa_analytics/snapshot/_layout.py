"""Where a snapshot keeps what: partitions by creation month, file names by generation.

A snapshot folder holds ``manifest.json`` and Parquet files::

    manifest.json                  what the snapshot holds; written last by every sync
    events/2026-03.g0002.parquet   every event of the conversations created in March 2026
    conversations/2026-03.g0002.parquet
    users.g0002.parquet, queues.g0002.parquet, tags.g0002.parquet

A conversation belongs to the month (UTC) it was created in, so all its events sit in one
partition, however long it stays open. Each sync writes new files under a new generation
number and only the manifest says which are current, so a sync that stops half-way leaves
the snapshot as it was.
"""

from __future__ import annotations

import itertools

import pandas as pd

__all__ = [
    "FORMAT",
    "LOCK",
    "MANIFEST",
    "SCHEMA_VERSION",
    "STAGING",
    "TABLES",
    "file_name",
    "month_windows",
    "partition_keys",
]

#: What a manifest says it is.
FORMAT = "dixa-analytics snapshot"
#: The layout this version writes and reads; a newer one is refused, not misread.
SCHEMA_VERSION = 1
MANIFEST = "manifest.json"
#: Held by a sync for as long as it writes (hidden, so readers of the folder skip it).
LOCK = ".sync.lock"
#: Where a sync writes its files before they are moved into place (hidden, as above).
STAGING = ".staging"
#: The reference tables kept whole, one file each.
TABLES = ("users", "queues", "tags")


def partition_keys(created_at: pd.Series) -> pd.Series:
    """The partition of each conversation: its creation month (UTC) as ``"YYYY-MM"``.

    Examples
    --------
    >>> stamps = pd.Series(pd.to_datetime(["2026-03-31 23:59", "2026-04-01 00:00"], utc=True))
    >>> partition_keys(stamps).tolist()
    ['2026-03', '2026-04']
    """
    return pd.to_datetime(created_at, utc=True).dt.strftime("%Y-%m")


def month_windows(
    start: pd.Timestamp, end: pd.Timestamp
) -> list[tuple[str, pd.Timestamp, pd.Timestamp]]:
    """``[start, end)`` cut at the turn of each month: ``(key, lo, hi)`` per partition.

    Examples
    --------
    >>> lo, hi = pd.Timestamp("2026-01-20", tz="UTC"), pd.Timestamp("2026-03-02", tz="UTC")
    >>> [key for key, _, _ in month_windows(lo, hi)]
    ['2026-01', '2026-02', '2026-03']
    """
    cuts = pd.date_range(start.normalize(), end, freq="MS", tz="UTC")
    bounds = [start, *(cut for cut in cuts if start < cut < end), end]
    return [(lo.strftime("%Y-%m"), lo, hi) for lo, hi in itertools.pairwise(bounds)]


def file_name(kind: str, generation: int, key: str | None = None) -> str:
    """A file's path inside the folder, e.g. ``events/2026-03.g0002.parquet``.

    Examples
    --------
    >>> file_name("events", 2, "2026-03"), file_name("users", 2)
    ('events/2026-03.g0002.parquet', 'users.g0002.parquet')
    """
    stem = f"{kind}/{key}" if key is not None else kind
    return f"{stem}.g{generation:04d}.parquet"
