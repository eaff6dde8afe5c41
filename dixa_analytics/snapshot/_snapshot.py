"""A snapshot opened for reading: its events by window and queue, partition by partition, on
Dask, and its reference tables."""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from dixa_analytics._dates import DateLike, to_utc
from dixa_analytics._errors import listing
from dixa_analytics._format import format_count
from dixa_analytics.events import AS_OF, EVENTS, WINDOW
from dixa_analytics.frames import CONVERSATIONS, QUEUES, TAGS, USERS, empty
from dixa_analytics.metrics import Metric, metric_named, over_partitions
from dixa_analytics.snapshot._assemble import in_order, only_used_categories
from dixa_analytics.snapshot._layout import month_windows
from dixa_analytics.snapshot._manifest import Manifest, read_manifest
from dixa_analytics.snapshot._read import read_frame

__all__ = ["Snapshot", "open_snapshot", "read_part"]

_SELECTING = ["conversation_id", "created_at", "queue_id", "queue_name"]


@dataclass(frozen=True)
class _Part:
    """One partition's share of a selection: its events file, and the conversations wanted
    from it (None: all of them)."""

    key: str
    events: Path
    csids: tuple[int, ...] | None


def read_part(
    path: str | Path,
    csids: Iterable[int] | None,
    as_of: pd.Timestamp,
    window: tuple[pd.Timestamp, pd.Timestamp] | None = None,
) -> pd.DataFrame:
    """The events of one partition file (of ``csids`` only, when given), measured at
    ``as_of``, carrying the creation ``window`` they were selected by (when given). A
    module-level function, so Dask workers can run it."""
    events = read_frame(Path(path), EVENTS)
    if csids is not None:
        kept = events[events["conversation_id"].isin(list(csids))].reset_index(drop=True)
        events = only_used_categories(kept)  # as a fetch of just these conversations
    events.attrs[AS_OF] = as_of.isoformat()
    if window is not None:
        events.attrs[WINDOW] = [moment.isoformat() for moment in window]
    return events


class Snapshot:
    """A snapshot folder: the activity log and reference tables of a window, as of one sync.

    Made by :func:`~dixa_analytics.sync` or :func:`open_snapshot`. Reading is cheap: each
    method reads only the Parquet files it needs. Metrics over its events measure at
    :attr:`as_of` (the time the sync began), not at the latest event.

    Examples
    --------
    >>> import dixa_analytics as dxa
    >>> snapshot = dxa.open_snapshot("data/snapshot")  # doctest: +SKIP
    >>> events = snapshot.events("2026-03-01", "2026-04-01", queues=["Support"])  # doctest: +SKIP
    >>> snapshot.metric("resolution_time", start="2026-03-01")  # doctest: +SKIP
    """

    def __init__(self, path: Path, manifest: Manifest):
        self.path = path
        self._manifest = manifest

    @property
    def as_of(self) -> pd.Timestamp:
        """When the last sync began: what the snapshot knows is true as of then."""
        return self._manifest.as_of

    @property
    def window(self) -> tuple[pd.Timestamp, pd.Timestamp | None]:
        """The creation window of its conversations; an end of None grows with each sync."""
        return self._manifest.start, self._manifest.end

    @property
    def source(self) -> str:
        """Where the last sync read the activity log: ``"integrations"`` or ``"dixa-api"``."""
        return self._manifest.source

    @property
    def syncs(self) -> list[dict[str, Any]]:
        """Every sync so far, oldest first: its time, what it found and what it cost."""
        return [dict(entry) for entry in self._manifest.syncs]

    def __repr__(self) -> str:
        m = self._manifest
        end = "now (growing)" if m.end is None else _day(m.end)
        conversations = sum(p.conversations_rows for p in m.partitions.values())
        events = sum(p.events_rows for p in m.partitions.values())
        return (
            f"<Snapshot {self.path}: conversations created {_day(m.start)} → {end}, as of "
            f"{m.as_of:%Y-%m-%d %H:%M} UTC; {format_count(conversations)} conversations, "
            f"{format_count(events)} events in {len(m.partitions)} partitions; source "
            f"{m.source}>"
        )

    # -- events ------------------------------------------------------------------------------

    def events(
        self,
        start: DateLike | None = None,
        end: DateLike | None = None,
        *,
        queues: str | Iterable[str] | None = None,
    ) -> pd.DataFrame:
        """The events of the conversations created in ``[start, end)``, as one frame.

        The same frame as :func:`~dixa_analytics.fetch_activitylog` gives for the window at
        the time of the sync: columns, dtypes and order.

        Parameters
        ----------
        start, end : str, date, datetime or Timestamp, optional
            Creation window of the conversations (half-open); by default the snapshot's.
        queues : str or iterable of str, optional
            Only conversations in these queues (names or ids).

        Returns
        -------
        pandas.DataFrame
            The events frame; ``attrs["dixa_analytics.as_of"]`` holds :attr:`as_of` (ISO
            text, kept by ``to_parquet``), which the metrics measure at, and
            ``attrs["dixa_analytics.window"]`` the creation window (``start``, ``end``, or
            the snapshot's own), whose edges the by-period metrics mark as incomplete.

        Raises
        ------
        ValueError
            If the window reaches outside the snapshot's, or a queue is unknown.
        """
        parts = list(self.partitions(start, end, queues=queues))
        if not parts:
            events = empty(EVENTS)
        elif len(parts) == 1:
            events = parts[0]
        else:
            events = in_order(parts)
        events.attrs[AS_OF] = self.as_of.isoformat()
        events.attrs[WINDOW] = [moment.isoformat() for moment in self._bounds(start, end)]
        return events

    def partitions(
        self,
        start: DateLike | None = None,
        end: DateLike | None = None,
        *,
        queues: str | Iterable[str] | None = None,
    ) -> Iterator[pd.DataFrame]:
        """The events of :meth:`events`, one partition (creation month) at a time.

        Each part holds every event of its conversations, so only one part need be in memory
        at a time; see :func:`~dixa_analytics.metrics.over_partitions`.
        """
        window = self._bounds(start, end)
        for part in self._selection(start, end, queues):
            yield read_part(part.events, part.csids, self.as_of, window)

    def metric(
        self,
        metric: str | Metric,
        *,
        start: DateLike | None = None,
        end: DateLike | None = None,
        queues: str | Iterable[str] | None = None,
        **options: Any,
    ) -> pd.DataFrame:
        """A metric over the snapshot's events, one partition in memory at a time.

        Exactly what the metric gives over :meth:`events` in memory, measured at
        :attr:`as_of` unless ``as_of=`` says otherwise.

        Parameters
        ----------
        metric : str or Metric
            By function or command name (``"handling_time"``, ``"reopen-rate"``).
        start, end, queues
            As for :meth:`events`.
        **options
            The metric's options (``per=``, ``freq=``, ``by=``, ``top=``, ``as_of=``…).
        """
        chosen = metric if isinstance(metric, Metric) else metric_named(metric)
        if "as_of" in inspect.signature(chosen.compute).parameters:
            options.setdefault("as_of", self.as_of)
        return over_partitions(chosen, self.partitions(start, end, queues=queues), **options)

    def to_dask(
        self,
        start: DateLike | None = None,
        end: DateLike | None = None,
        *,
        queues: str | Iterable[str] | None = None,
    ) -> Any:
        """The events of :meth:`events` as a ``dask.dataframe``, one partition per month.

        Every Dask partition holds whole conversations, so the metric functions run on each
        (:func:`~dixa_analytics.metrics.over_partitions` with ``as_of=snapshot.as_of``).
        Only the declared columns of the events frame are kept (partitions may differ in the
        rest). Needs the ``dask`` extra: ``pip install "dixa-analytics[dask]"``.
        """
        try:
            import dask.dataframe as dd
        except ImportError as exc:
            raise ImportError(
                'Snapshot.to_dask needs Dask: pip install "dixa-analytics[dask]"'
            ) from exc
        parts = self._selection(start, end, queues)
        meta = empty(EVENTS)
        if not parts:
            return dd.from_pandas(meta, npartitions=1)
        return dd.from_map(
            _declared_part,
            [str(part.events) for part in parts],
            [part.csids for part in parts],
            as_of=self.as_of,
            window=self._bounds(start, end),
            meta=meta,
            enforce_metadata=False,
        )

    # -- reference tables --------------------------------------------------------------------

    def conversations(
        self,
        start: DateLike | None = None,
        end: DateLike | None = None,
        *,
        queues: str | Iterable[str] | None = None,
    ) -> pd.DataFrame:
        """The conversations created in ``[start, end)`` (by default all), by csid."""
        frames = []
        for part in self._selection(start, end, queues):
            conversations = read_frame(self._file(part.key, "conversations"), CONVERSATIONS)
            if part.csids is not None:
                conversations = conversations[conversations["conversation_id"].isin(part.csids)]
            frames.append(conversations)
        if not frames:
            return empty(CONVERSATIONS)
        whole = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
        return whole.sort_values("conversation_id", kind="stable", ignore_index=True)

    def users(self) -> pd.DataFrame:
        """The users (agents and end users) at the time of the sync."""
        return read_frame(self.path / self._manifest.tables["users"].file, USERS)

    def queues(self) -> pd.DataFrame:
        """The queues at the time of the sync."""
        return read_frame(self.path / self._manifest.tables["queues"].file, QUEUES)

    def tags(self) -> pd.DataFrame:
        """The tags at the time of the sync."""
        return read_frame(self.path / self._manifest.tables["tags"].file, TAGS)

    # -- selection ---------------------------------------------------------------------------

    def _file(self, key: str, kind: str) -> Path:
        part = self._manifest.partitions[key]
        return self.path / (part.events if kind == "events" else part.conversations)

    def _selection(
        self, start: DateLike | None, end: DateLike | None, queues: str | Iterable[str] | None
    ) -> list[_Part]:
        lo, hi = self._bounds(start, end)
        wanted = self._queue_ids(queues)
        keys = {key for key, _, _ in month_windows(lo, hi)} if hi > lo else set()
        parts = []
        for key in sorted(keys & set(self._manifest.partitions)):
            found = read_frame(self._file(key, "conversations"), CONVERSATIONS, columns=_SELECTING)
            keep = found["created_at"].ge(lo) & found["created_at"].lt(hi)
            if wanted is not None:
                keep &= found["queue_id"].isin(wanted) | found["queue_name"].isin(wanted)
            keep = keep.fillna(False).astype(bool)
            if not keep.any():
                continue
            csids = None if keep.all() else tuple(found.loc[keep, "conversation_id"].tolist())
            parts.append(_Part(key, self._file(key, "events"), csids))
        return parts

    def _bounds(
        self, start: DateLike | None, end: DateLike | None
    ) -> tuple[pd.Timestamp, pd.Timestamp]:
        m = self._manifest
        covered_end = m.end if m.end is not None else m.as_of
        lo = m.start if start is None else to_utc(start, name="start")
        hi = covered_end if end is None else to_utc(end, name="end")
        if lo < m.start or (m.end is not None and hi > m.end):
            raise ValueError(
                f"the snapshot holds conversations created {_day(m.start)} → "
                f"{'now' if m.end is None else _day(m.end)}, not all of {_day(lo)} → "
                f"{_day(hi)}; sync a snapshot of the wider window (in another folder)"
            )
        return lo, max(hi, lo)

    def _queue_ids(self, queues: str | Iterable[str] | None) -> set[str] | None:
        if queues is None:
            return None
        wanted = {queues} if isinstance(queues, str) else {str(q) for q in queues}
        table = self.queues()
        known = set(table["queue_id"].dropna()) | set(table["queue_name"].dropna())
        unknown = sorted(wanted - known)
        if unknown:
            raise ValueError(
                f"unknown queue(s) {listing(unknown, 10)}; the snapshot's queues are "
                f"{listing(sorted(set(table['queue_name'].dropna())), 20)}"
            )
        return wanted


def _declared_part(
    path: str,
    csids: tuple[int, ...] | None,
    as_of: pd.Timestamp,
    window: tuple[pd.Timestamp, pd.Timestamp],
) -> pd.DataFrame:
    """A Dask partition: the events frame's declared columns only (every partition has them)."""
    return read_part(path, csids, as_of, window)[list(EVENTS)]


def _day(moment: pd.Timestamp) -> str:
    return f"{moment:%Y-%m-%d}" if moment == moment.normalize() else f"{moment:%Y-%m-%d %H:%M}"


def open_snapshot(path: str | Path) -> Snapshot:
    """Open the snapshot a sync wrote in ``path``, to read its events and tables.

    Parameters
    ----------
    path : str or Path
        The snapshot folder.

    Returns
    -------
    Snapshot

    Raises
    ------
    SnapshotError
        If ``path`` holds no snapshot, a damaged one, or one written by a newer version.

    Examples
    --------
    >>> import dixa_analytics as dxa
    >>> from dixa_analytics.sandbox import Sandbox
    >>> import tempfile
    >>> with Sandbox(seed=1, conversations=30) as sb, tempfile.TemporaryDirectory() as tmp:
    ...     client = dxa.DixaClient(sb.api_key, base_url=sb.base_url,
    ...                             exports_url=sb.exports_url, cache=False, progress=False)
    ...     _ = dxa.sync(tmp, start="2026-03-01", end="2026-04-01", client=client)
    ...     snapshot = open_snapshot(tmp)
    ...     events = snapshot.events()
    >>> events["conversation_id"].nunique()
    11
    """
    folder = Path(path)
    return Snapshot(folder, read_manifest(folder))
