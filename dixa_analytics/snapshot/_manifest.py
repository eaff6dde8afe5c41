"""A snapshot's manifest: its window, when it was taken, where from, and its current files.

The manifest is JSON, small enough to read at a glance::

    {"format": "dixa-analytics snapshot", "schema_version": 1,
     "window": {"start": "2026-01-01T00:00:00Z", "end": null},
     "as_of": "2026-12-04T15:40:00Z", "source": "dixa-api",
     "sources": {"integrations": "https://dev.dixa.io", ...},
     "partitions": {"2026-03": {"events": "events/2026-03.g0002.parquet", "events_rows": 25118,
                                "conversations": "...", "conversations_rows": 1702}, ...},
     "tables": {"users": {"file": "users.g0002.parquet", "rows": 61}, ...},
     "syncs": [{"as_of": ..., "conversations_new": 1702, "requests": 181, ...}, ...]}

``end: null`` means the window grows with every sync. URLs never carry a secret (the client
sends its secrets in headers). The manifest is written to a temporary file and renamed over
the old one, so a reader sees either the old manifest or the new, never half of one.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from dixa_analytics._errors import SnapshotError
from dixa_analytics._version import __version__
from dixa_analytics.snapshot._layout import FORMAT, MANIFEST, SCHEMA_VERSION

__all__ = ["Manifest", "Partition", "Table", "read_manifest", "write_manifest"]


@dataclass(frozen=True)
class Partition:
    """The files of one creation month: its events and its conversations."""

    events: str
    events_rows: int
    conversations: str
    conversations_rows: int


@dataclass(frozen=True)
class Table:
    """The file of a reference table (users, queues or tags)."""

    file: str
    rows: int


@dataclass(frozen=True)
class Manifest:
    """What a snapshot holds (see the module docstring for the JSON it is written as)."""

    start: pd.Timestamp
    end: pd.Timestamp | None
    as_of: pd.Timestamp
    source: str
    sources: dict[str, str]
    generation: int
    partitions: dict[str, Partition]
    tables: dict[str, Table]
    syncs: tuple[dict[str, Any], ...] = field(default=())

    def files(self) -> set[str]:
        """Every file the manifest names."""
        named = {table.file for table in self.tables.values()}
        for part in self.partitions.values():
            named |= {part.events, part.conversations}
        return named

    def with_sync(self, summary: dict[str, Any]) -> Manifest:
        """The manifest with one more sync in its history."""
        return replace(self, syncs=(*self.syncs, summary))

    def to_json(self) -> dict[str, Any]:
        """The manifest as JSON-ready data."""
        return {
            "format": FORMAT,
            "schema_version": SCHEMA_VERSION,
            "written_by": f"dixa-analytics {__version__}",
            "generation": self.generation,
            "window": {"start": _iso(self.start), "end": _iso(self.end)},
            "as_of": _iso(self.as_of),
            "source": self.source,
            "sources": dict(self.sources),
            "partitions": {key: vars(part) for key, part in sorted(self.partitions.items())},
            "tables": {name: vars(table) for name, table in sorted(self.tables.items())},
            "syncs": list(self.syncs),
        }


def _iso(moment: pd.Timestamp | None) -> str | None:
    if moment is None:
        return None
    return moment.tz_convert("UTC").isoformat().replace("+00:00", "Z")


def read_manifest(folder: Path) -> Manifest:
    """The manifest of the snapshot in ``folder``.

    Raises
    ------
    SnapshotError
        If ``folder`` holds no snapshot, its manifest is damaged or not a snapshot's, or it
        was written by a newer version of this library; the message says what to do.
    """
    path = folder / MANIFEST
    if not folder.is_dir():
        raise SnapshotError(
            f"no snapshot at {folder}: the folder does not exist. Create one with "
            f"dixa_analytics.sync({str(folder)!r}, start=...) or `dixa-analytics sync {folder} "
            "--start ...`"
        )
    if not path.is_file():
        raise SnapshotError(
            f"{folder} is not a snapshot (it has no {MANIFEST}); pass the folder a sync wrote, "
            "or sync into an empty folder"
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SnapshotError(
            f"{path} cannot be read ({exc}); the snapshot is damaged: sync into a new folder"
        ) from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise SnapshotError(f"{path} is not a dixa-analytics snapshot manifest")
    version = data.get("schema_version")
    if not isinstance(version, int) or version > SCHEMA_VERSION:
        raise SnapshotError(
            f"{folder} was written by {data.get('written_by', 'another version')} in snapshot "
            f"schema version {version!r}; this dixa-analytics ({__version__}) reads version "
            f"{SCHEMA_VERSION}: upgrade dixa-analytics to read it"
        )
    try:
        return _from_json(data)
    except (KeyError, TypeError, ValueError) as exc:
        raise SnapshotError(
            f"{path} is damaged ({type(exc).__name__}: {exc}); sync into a new folder"
        ) from exc


def _from_json(data: dict[str, Any]) -> Manifest:
    end = data["window"]["end"]
    return Manifest(
        start=pd.Timestamp(data["window"]["start"]),
        end=None if end is None else pd.Timestamp(end),
        as_of=pd.Timestamp(data["as_of"]),
        source=str(data["source"]),
        sources={str(k): str(v) for k, v in data["sources"].items()},
        generation=int(data["generation"]),
        partitions={
            str(key): Partition(
                events=str(part["events"]),
                events_rows=int(part["events_rows"]),
                conversations=str(part["conversations"]),
                conversations_rows=int(part["conversations_rows"]),
            )
            for key, part in data["partitions"].items()
        },
        tables={
            str(name): Table(file=str(table["file"]), rows=int(table["rows"]))
            for name, table in data["tables"].items()
        },
        syncs=tuple(dict(entry) for entry in data["syncs"]),
    )


def write_manifest(folder: Path, manifest: Manifest) -> None:
    """Replace the manifest in one step (write aside, flush to disk, rename over)."""
    path = folder / MANIFEST
    aside = folder / f".{MANIFEST}.tmp"
    with aside.open("w", encoding="utf-8") as handle:
        json.dump(manifest.to_json(), handle, indent=1)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(aside, path)
