"""A snapshot written from frames already in hand (a generator, another store), no requests."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from dixa_analytics._dates import DateLike, to_utc
from dixa_analytics._errors import SnapshotError
from dixa_analytics.events import conform_events
from dixa_analytics.frames import CONVERSATIONS, QUEUES, TAGS, USERS, conform
from dixa_analytics.snapshot._layout import TABLES, partition_keys
from dixa_analytics.snapshot._manifest import Manifest, Partition, Table
from dixa_analytics.snapshot._snapshot import Snapshot
from dixa_analytics.snapshot._store import Staging, locked, writable

__all__ = ["write_snapshot"]


def write_snapshot(
    path: str | Path,
    parts: Iterable[tuple[pd.DataFrame, pd.DataFrame]],
    *,
    users: pd.DataFrame,
    queues: pd.DataFrame,
    tags: pd.DataFrame,
    start: DateLike,
    end: DateLike | None = None,
    as_of: DateLike,
) -> Snapshot:
    """Write a new snapshot from frames, one creation month at a time.

    For data that does not come from a sync: each part is written and let go, so memory holds
    one month of events at a time. A later :func:`~dixa_analytics.sync` of the folder refreshes
    it from Dixa like any snapshot.

    Parameters
    ----------
    path : str or Path
        A new or empty folder.
    parts : iterable of (events, conversations)
        Per creation month (UTC), an events frame holding every event of its conversations,
        and a conversations frame of those conversations; one pair per month.
    users, queues, tags : pandas.DataFrame
        The reference frames (as from ``fetch_users``, ``fetch_queues``, ``fetch_tags``).
    start, end : str, date, datetime or Timestamp
        The creation window the parts cover (``end=None``: up to ``as_of``, growing).
    as_of : str, date, datetime or Timestamp
        The moment the data was taken; the metrics measure at it.

    Returns
    -------
    Snapshot

    Raises
    ------
    SnapshotError
        If ``path`` is not a new or empty folder.
    ValueError
        If a part's conversations span months, or two parts share one.

    Examples
    --------
    >>> import tempfile
    >>> from dixa_analytics.frames import empty
    >>> from dixa_analytics.events import EVENTS
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     snapshot = write_snapshot(tmp, [], users=empty(USERS), queues=empty(QUEUES),
    ...         tags=empty(TAGS), start="2026-01-01", as_of="2026-02-01")
    ...     snapshot.events().columns.equals(empty(EVENTS).columns)
    True
    """
    folder = Path(path)
    if writable(folder):
        raise SnapshotError(f"{folder} holds a snapshot already; sync it, or write a new folder")
    lo = to_utc(start, name="start")
    hi = None if end is None else to_utc(end, name="end")
    moment = to_utc(as_of, name="as_of")
    with locked(folder):
        staging = Staging(folder, 1)
        try:
            tables = {
                name: Table(staging.write(conform(frame, schema), name), len(frame))
                for name, frame, schema in zip(
                    TABLES, (users, queues, tags), (USERS, QUEUES, TAGS), strict=True
                )
            }
            partitions: dict[str, Partition] = {}
            for events, conversations in parts:
                keys = set(partition_keys(conversations["created_at"]))
                if len(keys) != 1 or next(iter(keys)) in partitions:
                    raise ValueError(
                        "each part holds the conversations of one creation month, and no two "
                        f"parts the same month; got months {sorted(keys)} after "
                        f"{sorted(partitions)}"
                    )
                (key,) = keys
                held = conform_events(events)
                ordered = conversations.sort_values("conversation_id", ignore_index=True)
                partitions[key] = Partition(
                    staging.write(held, "events", key),
                    len(held),
                    staging.write(conform(ordered, CONVERSATIONS), "conversations", key),
                    len(ordered),
                )
            manifest = Manifest(
                start=lo,
                end=hi,
                as_of=moment,
                source="frames",
                sources={},
                generation=1,
                partitions=partitions,
                tables=tables,
            )
            staging.commit(manifest)
        except BaseException:
            staging.discard()
            raise
    return Snapshot(folder, manifest)
