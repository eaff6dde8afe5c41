"""Snapshots: a window of the activity log kept as Parquet, reopened in seconds, refreshed by
what changed, read a partition at a time or on Dask.

:mod:`._layout` says where a snapshot keeps what (partitions by creation month, files by
generation), :mod:`._manifest` what it holds, :mod:`._store` how a sync writes it safely (one
at a time, new files aside, the manifest last) and :mod:`._read` how its files come back as
the frames that were written. :mod:`._sync` writes and refreshes a snapshot from Dixa;
:mod:`._write` writes one from frames in hand; :mod:`._snapshot` reads one.
"""

from dixa_analytics.snapshot._snapshot import Snapshot, open_snapshot
from dixa_analytics.snapshot._sync import BULK_CHUNK, OVERLAP, sync
from dixa_analytics.snapshot._write import write_snapshot

__all__ = ["BULK_CHUNK", "OVERLAP", "Snapshot", "open_snapshot", "sync", "write_snapshot"]
