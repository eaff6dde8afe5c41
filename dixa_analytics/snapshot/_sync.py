"""Writing a snapshot from Dixa, and bringing it up to date (:func:`sync`).

A first sync walks the window month by month: conversations from the Exports API, then their
events, from the source that costs fewer requests (:func:`~dixa_analytics.fetch.choose_source`):

* the Integrations API's bulk log, a partition at a time, in chunks of
  :data:`BULK_CHUNK` conversations;
* the Dixa API's organisation-wide log, a few days at a time, each day's events written aside
  to the partition of their conversation and put together once every day is in.

Either way memory holds a partition or a few days of events, never the whole window, and
each log is held to its conversation's export record (:mod:`._complete`).

A later sync asks the Exports API which conversations were **updated** since the last one
(from :data:`OVERLAP` before it, for events written late), and fetches only what changed:
either the conversations created since too, and the whole logs of both again, asking past the
HTTP cache (a closed conversation may have been reopened); or the organisation-wide log since
the last sync, whose creation events name the new conversations. Only the partitions that
changed are written again (all of them when users or queues were renamed, since the events
carry those joins).
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd
from tqdm.auto import tqdm

from dixa_analytics._dates import DateLike, split_window, to_utc
from dixa_analytics.client import DixaClient
from dixa_analytics.events import EVENTS
from dixa_analytics.fetch import (
    bulk_log,
    choose_source,
    event_windows,
    export_by_csids,
    export_window,
    fetch_agents,
    fetch_queues,
    fetch_tags,
    fetch_users,
    framed_events,
    read_windows,
    using,
)
from dixa_analytics.frames import (
    CONVERSATIONS,
    QUEUES,
    USERS,
    conversations_frame,
    empty,
    users_frame,
)
from dixa_analytics.snapshot._assemble import assembled
from dixa_analytics.snapshot._complete import Assemble, LogCheck
from dixa_analytics.snapshot._layout import MANIFEST, TABLES, month_windows, partition_keys
from dixa_analytics.snapshot._manifest import Manifest, Partition, Table, read_manifest
from dixa_analytics.snapshot._read import read_frame
from dixa_analytics.snapshot._snapshot import Snapshot
from dixa_analytics.snapshot._store import Staging, locked, writable

__all__ = ["BULK_CHUNK", "OVERLAP", "sync"]

#: How far before the last sync a refresh looks for changes: events written late, and
#: clocks that disagree a little, are not missed.
OVERLAP = pd.Timedelta(hours=1)
#: Conversations whose logs a first sync holds as raw records at once (Integrations API).
BULK_CHUNK = 20_000
_DAY = pd.Timedelta(days=1)

Record = dict[str, Any]


def sync(
    path: str | Path,
    *,
    start: DateLike | None = None,
    end: DateLike | None = None,
    client: DixaClient | None = None,
    source: str = "auto",
) -> Snapshot:
    """Write a snapshot of a window into ``path``, or bring the one there up to date.

    The first sync of a folder needs ``start``: it writes every conversation created from
    ``start`` up to ``end`` (by default: up to now, and growing with every later sync), their
    events, users, queues and tags. A later sync of the folder needs only the path: it adds
    the conversations created since, and fetches again the events of those updated since, so
    its requests grow with what changed, not with the size of the snapshot.

    Parameters
    ----------
    path : str or Path
        The snapshot folder: new or empty for a first sync.
    start, end : str, date, datetime or Timestamp, optional
        Creation window of the conversations, half-open (naive values are UTC). Only for the
        first sync; a later one may repeat them, not change them.
    client : DixaClient, optional
        Connection to use; by default one from the environment.
    source : {"auto", "dixa-api", "integrations"}
        Where the events come from (see :func:`~dixa_analytics.fetch_activitylog`).

    Returns
    -------
    Snapshot
        The snapshot as this sync left it.

    Raises
    ------
    SnapshotError
        If ``path`` is neither a snapshot nor an empty folder, was written by a newer version,
        or another sync is writing it now.
    ValueError
        If a first sync has no ``start``, the window is empty or in the future, or a later
        sync asks for another window.
    PartialFetchError
        If a conversation's activity log still looks incomplete when read again past the
        cache (held to its export record as ``fetch_activitylog`` holds it): ``missing``
        names them. Nothing is written; the next sync finds the rest in the cache.
    DixaError
        What the client raises; the snapshot is left as it was.

    Notes
    -----
    Crash safety: new files are written aside and the manifest is replaced last, in one
    rename; a sync that fails or is interrupted (Ctrl-C, a killed process) leaves the
    previous snapshot readable and unchanged, and its HTTP cache lets the next sync resume.

    Examples
    --------
    >>> import tempfile
    >>> from dixa_analytics.sandbox import Sandbox
    >>> with Sandbox(seed=1, conversations=30) as sb, tempfile.TemporaryDirectory() as tmp:
    ...     client = DixaClient(sb.api_key, base_url=sb.base_url, exports_url=sb.exports_url,
    ...                         cache=False, progress=False)
    ...     snapshot = sync(tmp, start="2026-03-01", end="2026-04-01", client=client)
    ...     again = sync(tmp, client=client)  # nothing changed: a few requests
    >>> snapshot.syncs[0]["conversations_new"], again.syncs[-1]["conversations_new"]
    (11, 0)
    """
    folder = Path(path)
    if not writable(folder) and start is None:
        raise ValueError(
            f"{folder} holds no snapshot yet: its first sync needs start= (and end= for a "
            "window that does not grow)"
        )
    with locked(folder), using(client) as c:
        previous = read_manifest(folder) if (folder / MANIFEST).is_file() else None
        as_of = pd.Timestamp(c.now()).tz_convert("UTC").floor("ms")
        began, sent = time.monotonic(), c.requests_sent
        staging = Staging(folder, 1 if previous is None else previous.generation + 1)
        try:
            with _quiet(c) as progress:
                if previous is None:
                    lo, hi = _first_window(start, end, as_of)
                    manifest, found = _first(c, staging, lo, hi, as_of, source, progress)
                else:
                    _same_window(previous, start, end)
                    manifest, found = _refresh(c, staging, previous, as_of, source, progress)
            found |= {"requests": c.requests_sent - sent, "seconds": time.monotonic() - began}
            manifest = manifest.with_sync({"as_of": _iso(as_of), **found})
            staging.commit(manifest)
        except BaseException:
            staging.discard()
            raise
    return Snapshot(folder, manifest)


# -- windows -------------------------------------------------------------------------------


def _first_window(
    start: DateLike | None, end: DateLike | None, as_of: pd.Timestamp
) -> tuple[pd.Timestamp, pd.Timestamp | None]:
    assert start is not None  # checked by sync() before the folder is locked
    lo = to_utc(start, name="start")
    hi = None if end is None else to_utc(end, name="end")
    if lo >= as_of:
        raise ValueError(f"start={start!r} is not in the past; nothing has been created since")
    if hi is not None and hi <= lo:
        raise ValueError(f"end={end!r} must be later than start={start!r}")
    return lo, hi


def _same_window(previous: Manifest, start: DateLike | None, end: DateLike | None) -> None:
    asked_start = None if start is None else to_utc(start, name="start")
    asked_end = None if end is None else to_utc(end, name="end")
    if (asked_start is not None and asked_start != previous.start) or (
        asked_end is not None and asked_end != previous.end
    ):
        held = f"{previous.start:%Y-%m-%d %H:%M} → " + (
            "now (growing)" if previous.end is None else f"{previous.end:%Y-%m-%d %H:%M}"
        )
        raise ValueError(
            f"this snapshot holds the window {held}; a sync only refreshes it (pass just the "
            "path). For another window, sync into another folder"
        )


def _day_windows(lo: pd.Timestamp, hi: pd.Timestamp) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """``[lo, hi)`` cut at each midnight (UTC), so windows repeat from sync to sync."""
    first = min(lo.normalize() + _DAY, hi)
    return [(lo, first), *split_window(first, hi, max_span=_DAY)] if lo < hi else []


def _iso(moment: pd.Timestamp) -> str:
    return moment.isoformat().replace("+00:00", "Z")


# -- progress ------------------------------------------------------------------------------


@contextmanager
def _quiet(client: DixaClient) -> Iterator[bool]:
    """Silence the client's own progress bars for the sync's; yield whether to show those."""
    shown = client.progress
    client.progress = False
    try:
        yield shown
    finally:
        client.progress = shown


# -- reference tables ----------------------------------------------------------------------


def _reference(
    c: DixaClient, staging: Staging, users: pd.DataFrame | None = None
) -> tuple[dict[str, pd.DataFrame], dict]:
    frames = {
        "users": fetch_users(client=c) if users is None else users,
        "queues": fetch_queues(client=c),
        "tags": fetch_tags(client=c),
    }
    tables = {name: Table(staging.write(frames[name], name), len(frames[name])) for name in TABLES}
    return frames, tables


def _users_now(
    c: DixaClient, staging: Staging, previous: Manifest, events: pd.DataFrame
) -> pd.DataFrame | None:
    """The users for a refresh without listing every end user again, when the Dixa API can
    list the agents alone (None: list everyone, as the Integrations API must).

    The end users' list grows with the customer base, hundreds of pages for a large
    organisation, where a refresh should cost what changed: the agents are listed (a page or
    two, cached for hours like every reference list), the end users known are kept, and the
    authors of new events who are neither are added as end users, with the name and email
    their events carry.
    """
    if "dixa-api" not in c.sources:
        return None
    agents = fetch_agents(client=c)
    known = read_frame(staging.path(previous.tables["users"].file), USERS)
    end_users = known[~known["is_agent"].fillna(False) & ~known["user_id"].isin(agents["user_id"])]
    authors = events.dropna(subset=["author_id"]).drop_duplicates("author_id")
    newcomers = authors[
        ~authors["author_id"].isin(agents["user_id"]) & ~authors["author_id"].isin(known["user_id"])
    ]
    added = users_frame(
        [
            {
                "id": row.author_id,
                "name": _text(row.author_name),
                "email": _text(row.author_email),
                "roles": [],
            }
            for row in newcomers.itertuples()
        ]
    )
    return pd.concat([agents, end_users, added], ignore_index=True)


def _text(value: object) -> str | None:
    return None if pd.isna(value) else str(value)


def _joins_changed(previous: Manifest, staging: Staging, frames: dict[str, pd.DataFrame]) -> bool:
    """Whether users' agent flags or queues' names changed (the events carry both)."""
    for name, schema, key, value in (
        ("users", USERS, "user_id", "is_agent"),
        ("queues", QUEUES, "queue_id", "queue_name"),
    ):
        old = read_frame(staging.path(previous.tables[name].file), schema, columns=[key, value])
        # Rows added since are new users or queues: only the events since can name them.
        new = frames[name].loc[frames[name][key].isin(old[key]), [key, value]]
        if not _same_rows(old, new, key):
            return True
    return False


def _same_rows(a: pd.DataFrame, b: pd.DataFrame, key: str) -> bool:
    a = a.sort_values(key, ignore_index=True)
    b = b.sort_values(key, ignore_index=True)
    # As text, so that a flag or name read back from the file and one fetched now compare equal
    # whatever their storage; missing values compare equal to each other.
    return a.astype("string").equals(b.astype("string"))


# -- the first sync ------------------------------------------------------------------------


def _first(
    c: DixaClient,
    staging: Staging,
    lo: pd.Timestamp,
    end: pd.Timestamp | None,
    as_of: pd.Timestamp,
    source: str,
    progress: bool,
) -> tuple[Manifest, dict[str, Any]]:
    hi = end if end is not None else as_of
    frames, tables = _reference(c, staging)
    wanted: dict[str, list[Record]] = {}  # per partition: each conversation's id and status
    conversation_files: dict[str, tuple[str, int]] = {}
    months = month_windows(lo, hi)
    for key, a, b in tqdm(months, desc="conversations", unit="month", disable=not progress):
        records = export_window(c, a, b)
        if records:
            frame = conversations_frame(records)
            conversation_files[key] = (staging.write(frame, "conversations", key), len(frame))
            wanted[key] = [{"id": int(r["id"]), "status": r.get("status")} for r in records]
    total = sum(map(len, wanted.values()))
    chosen = choose_source(c, source, conversations=total, start=lo, end=hi)
    if chosen == "integrations":
        log: _BulkLog | _OrganisationLog = _BulkLog(c, wanted, progress)
        check = LogCheck(c, chosen, as_of)
    else:
        log = _OrganisationLog(c, staging, wanted, (lo, as_of), progress)
        check = LogCheck(c, chosen, as_of, log.windows)
    partitions = {}
    for key, (conversation_file, count) in conversation_files.items():
        conversations = read_frame(staging.path(conversation_file), CONVERSATIONS)
        part = check.checked(log.pieces(key), conversations, _assembler(frames))
        partitions[key] = Partition(
            staging.write(part, "events", key), len(part), conversation_file, count
        )
    log.close()
    check.raise_if_short(total)
    manifest = Manifest(
        start=lo,
        end=end,
        as_of=as_of,
        source=chosen,
        sources=_sources(c),
        generation=staging.generation,
        partitions=partitions,
        tables=tables,
    )
    found = {"source": chosen, "conversations_new": total, "conversations_updated": 0}
    return manifest, found | {"events": sum(p.events_rows for p in partitions.values())}


def _joins(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    return {"users": frames["users"], "queues": frames["queues"]}


def _assembler(frames: dict[str, pd.DataFrame]) -> Assemble:
    """A partition's events frame from its pieces and conversations, joined with ``frames``."""

    def assemble(pieces: Sequence[pd.DataFrame], conversations: pd.DataFrame) -> pd.DataFrame:
        return assembled(pieces, conversations=conversations, **_joins(frames))

    return assemble


def _sources(c: DixaClient) -> dict[str, str]:
    return {"integrations": c.base_url, "exports": c.exports_url, "dixa-api": c.api_url}


class _BulkLog:
    """Each partition's events from the Integrations API's bulk log, read when asked for, in
    chunks of :data:`BULK_CHUNK` conversations."""

    def __init__(self, c: DixaClient, wanted: dict[str, list[Record]], progress: bool):
        self.c, self.wanted = c, wanted
        total = sum(map(len, wanted.values()))
        self.bar = tqdm(total=total, desc="activity log", unit="conversation", disable=not progress)

    def pieces(self, key: str) -> list[pd.DataFrame]:
        records = self.wanted[key]
        pieces = []
        for at in range(0, len(records), BULK_CHUNK):
            chunk = records[at : at + BULK_CHUNK]
            pieces.append(framed_events(self.c, partial(bulk_log, self.c, chunk)))
            self.bar.update(len(chunk))
        return pieces

    def close(self) -> None:
        self.bar.close()


class _OrganisationLog:
    """Each partition's events from the Dixa API's organisation-wide log.

    The log is read first, a few days at a time (``client.max_workers`` days side by side);
    each day's events are written aside, to the partition of their conversation, so memory
    holds a few days of events, not the window's.
    """

    def __init__(
        self,
        c: DixaClient,
        staging: Staging,
        wanted: dict[str, list[Record]],
        window: tuple[pd.Timestamp, pd.Timestamp],
        progress: bool,
    ):
        self.aside = staging.root / "pieces"
        partition_of = pd.Series(
            [key for key, records in wanted.items() for _ in records],
            index=pd.Index([r["id"] for records in wanted.values() for r in records], dtype=int),
            dtype=object,
        )
        self.windows = windows = _day_windows(*window)  # a short log is read again by these
        step = max(1, c.max_workers)
        with tqdm(desc="events", unit="event", disable=not progress) as bar:
            for at in range(0, len(windows), step):
                group = windows[at : at + step]
                read = partial(read_windows, c, group, on_page=lambda page: bar.update(len(page)))
                frame = framed_events(c, read)
                keys = frame["conversation_id"].astype("int64").map(partition_of)
                inside = keys.notna()
                for key, rows in frame[inside].groupby(keys[inside], sort=False):
                    place = self.aside / str(key)
                    place.mkdir(parents=True, exist_ok=True)
                    rows.to_parquet(place / f"{at:08d}.parquet", index=False)

    def pieces(self, key: str) -> list[pd.DataFrame]:
        files = sorted((self.aside / key).glob("*.parquet"))
        pieces = [read_frame(path, EVENTS) for path in files]
        for path in files:
            path.unlink()  # the disk holds one copy of the events at a time
        return pieces

    def close(self) -> None:
        """Nothing to let go: each partition's pieces were removed as they were read."""


# -- a later sync --------------------------------------------------------------------------


def _refresh(
    c: DixaClient,
    staging: Staging,
    previous: Manifest,
    as_of: pd.Timestamp,
    source: str,
    progress: bool,
) -> tuple[Manifest, dict[str, Any]]:
    since = previous.as_of - OVERLAP
    hi = previous.end if previous.end is not None else as_of
    known = _known_csids(staging, previous)
    window = (previous.start, hi)
    changed = _exported(c, since, as_of, window, by="updated")
    chosen = choose_source(c, source, conversations=len(changed), start=since, end=as_of)
    if chosen == "integrations":
        check = LogCheck(c, chosen, as_of)
        changed |= _exported(c, since, as_of, window, by="created")
        fresh = framed_events(
            c, lambda: bulk_log(c, list(changed.values()), refresh=True) if changed else []
        )
    else:
        check = LogCheck(c, chosen, as_of, _day_windows(previous.start, as_of))
        # Whole months, not days: a refresh holds what happened since the last sync anyway.
        fresh = framed_events(c, lambda: read_windows(c, event_windows(since, as_of)))
        # The log itself names the conversations created since: no export by creation.
        wanted = known | set(changed) | _created_in(fresh, window)
        fresh = fresh[fresh["conversation_id"].isin(wanted)]
        # Events of a conversation the export did not report as updated: ask for its record.
        unreported = sorted(set(fresh["conversation_id"].tolist()) - set(changed))
        found = export_by_csids(c, unreported, must_exist=False) if unreported else []
        changed |= _inside(found, window)
    frames, tables = _reference(c, staging, _users_now(c, staging, previous, fresh))
    updated = conversations_frame([changed[k] for k in sorted(changed)])
    keys = partition_keys(updated["created_at"])
    everything = _joins_changed(previous, staging, frames)
    partitions = dict(previous.partitions)
    touched = sorted(set(keys)) if not everything else sorted(set(keys) | set(partitions))
    for key in tqdm(touched, desc="partitions", unit="partition", disable=not progress):
        mine = updated[keys.to_numpy() == key]
        ids = mine["conversation_id"]
        old = partitions.get(key)
        conversations = _read_or_empty(staging, old and old.conversations, CONVERSATIONS)
        conversations = pd.concat(
            [conversations[~conversations["conversation_id"].isin(ids)], mine],
            ignore_index=True,
        ).sort_values("conversation_id", kind="stable", ignore_index=True)
        events = _read_or_empty(staging, old and old.events, EVENTS)
        if chosen == "integrations":  # whole logs again: they replace the old ones
            events = events[~events["conversation_id"].isin(ids)]
        new_events = fresh[fresh["conversation_id"].isin(ids)]
        part = check.checked([events, new_events], conversations, _assembler(frames), only=ids)
        partitions[key] = Partition(
            staging.write(part, "events", key),
            len(part),
            staging.write(conversations, "conversations", key),
            len(conversations),
        )
    check.raise_if_short(len(changed))
    manifest = Manifest(
        start=previous.start,
        end=previous.end,
        as_of=as_of,
        source=chosen,
        sources=_sources(c),
        generation=staging.generation,
        partitions=partitions,
        tables=tables,
        syncs=previous.syncs,
    )
    new = len(set(changed) - known)
    # Conversations asked for again only because they fall in the overlap before the last
    # sync are not news: count those whose record says they changed since it.
    since_last = updated["updated_at"].isna() | (updated["updated_at"] >= previous.as_of)
    again = updated["conversation_id"].isin(list(known)).to_numpy()
    found = {
        "source": chosen,
        "conversations_new": new,
        "conversations_updated": int((since_last.to_numpy() & again).sum()),
        "events": sum(p.events_rows for p in partitions.values()),
    }
    return manifest, found


def _read_or_empty(staging: Staging, name: str | None, schema: dict) -> pd.DataFrame:
    return read_frame(staging.path(name), schema) if name else empty(schema)


def _known_csids(staging: Staging, previous: Manifest) -> set[int]:
    known: set[int] = set()
    for part in previous.partitions.values():
        ids = read_frame(
            staging.path(part.conversations), CONVERSATIONS, columns=["conversation_id"]
        )
        known.update(ids["conversation_id"].tolist())
    return known


def _exported(
    c: DixaClient,
    since: pd.Timestamp,
    as_of: pd.Timestamp,
    window: tuple[pd.Timestamp, pd.Timestamp],
    *,
    by: str,
) -> dict[int, Record]:
    """Export records of the window's conversations created or updated in ``[since, as_of)``."""
    return _inside(export_window(c, since, as_of, by=by), window)


def _inside(records: list[Record], window: tuple[pd.Timestamp, pd.Timestamp]) -> dict[int, Record]:
    """The records of conversations created in ``window``, by csid."""
    if not records:
        return {}
    created = conversations_frame(records)["created_at"]
    inside = (created >= window[0]) & (created < window[1])
    return {int(r["id"]): r for r, keep in zip(records, inside.tolist(), strict=True) if keep}


def _created_in(events: pd.DataFrame, window: tuple[pd.Timestamp, pd.Timestamp]) -> set[int]:
    """Conversations whose creation event falls in ``window``."""
    created = events["activity_type"].astype("string").str.startswith("conversation_created")
    when = events["timestamp"]
    mine = created.fillna(False).astype(bool) & (when >= window[0]) & (when < window[1])
    return set(events.loc[mine, "conversation_id"].tolist())
