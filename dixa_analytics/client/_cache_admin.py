"""What the HTTP cache holds, and clearing it."""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import requests_cache

from dixa_analytics.client._cache_health import cache_problem, is_corruption
from dixa_analytics.client._cache_location import resolve_cache_path

__all__ = ["CacheInfo", "cache_info", "clear_cache"]

# Kind of a cached response, by its URL path; first match wins.
_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern))
    for kind, pattern in (
        ("users", r"/v1/users(/|$)"),
        ("queues", r"/v1/queues(/|$)"),
        ("tags", r"/v1/tags(/|$)"),
        ("endpoints", r"/v1/endpoints(/|$)"),
        ("activitylog", r"/v1/conversations/(\d+/)?activitylog$"),
        ("messages", r"/v1/conversations/\d+/messages$"),
        ("notes", r"/v1/conversations/\d+/notes$"),
        ("conversation", r"/v1/conversations/\d+$"),
        ("conversation_export", r"/v1/conversation_export$"),
        ("message_export", r"/v1/message_export$"),
    )
)


@dataclass(frozen=True)
class CacheInfo:
    """A summary of one cache file.

    Attributes
    ----------
    path : Path
        The SQLite file.
    exists : bool
        Whether the file exists (nothing else is filled in when it does not).
    size_bytes : int
        Size of the file on disk.
    responses : int
        Number of stored responses (of every API key).
    expired : int
        How many of them have expired (they are refreshed on next use).
    by_kind : dict of str to int
        Responses per kind: ``users``, ``queues``, ``tags``, ``endpoints``, ``activitylog``,
        ``messages``, ``notes``, ``conversation``, ``conversation_export``, ``other``.
    oldest, newest : datetime or None
        When the oldest and newest stored responses were fetched (UTC).
    corrupt : str or None
        What SQLite says is wrong when the file is damaged (nothing else is filled in then);
        :func:`clear_cache` removes it.
    """

    path: Path
    exists: bool
    size_bytes: int = 0
    responses: int = 0
    expired: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    oldest: dt.datetime | None = None
    newest: dt.datetime | None = None
    corrupt: str | None = None

    def __str__(self) -> str:
        if not self.exists:
            return f"cache: {self.path} (empty: no file)"
        if self.corrupt is not None:
            return (
                f"cache: {self.path}\nsize: {self.size_bytes / 1e6:.1f} MB\n"
                f"corrupt: {self.corrupt}; delete it with "
                f"`dixa-analytics cache clear --cache {self.path}`"
            )
        lines = [
            f"cache: {self.path}",
            f"size: {self.size_bytes / 1e6:.1f} MB",
            f"responses: {self.responses} ({self.expired} expired)",
        ]
        lines += [f"  {kind}: {count}" for kind, count in sorted(self.by_kind.items())]
        if self.oldest is not None and self.newest is not None:
            lines.append(f"oldest: {self.oldest:%Y-%m-%d %H:%M:%S} UTC")
            lines.append(f"newest: {self.newest:%Y-%m-%d %H:%M:%S} UTC")
        return "\n".join(lines)


def cache_info(path: str | os.PathLike[str] | None = None) -> CacheInfo:
    """Describe the HTTP cache file at ``path`` (default: the client's default location).

    A missing file is reported as empty and is not created; a damaged one as corrupt
    (``corrupt`` says what SQLite found), never as an error.

    Parameters
    ----------
    path : str or Path, optional
        The cache file, as passed to ``DixaClient(cache=...)``.

    Returns
    -------
    CacheInfo
        Size, number of responses per kind, oldest and newest.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> info = cache_info(pathlib.Path(tempfile.mkdtemp()) / "none.sqlite")
    >>> info.exists, info.responses
    (False, 0)
    """
    file = resolve_cache_path(path)
    if not file.is_file():
        return CacheInfo(path=file, exists=False)
    problem = cache_problem(file)
    if problem is None:
        try:
            return _summary(file)
        except sqlite3.DatabaseError as exc:  # damage that the quick check does not see
            if not is_corruption(exc):
                raise
            problem = str(exc)
    return CacheInfo(path=file, exists=True, size_bytes=_size(file), corrupt=problem)


def _summary(file: Path) -> CacheInfo:
    backend = requests_cache.SQLiteCache(file)
    try:
        kinds: Counter[str] = Counter()
        created: list[dt.datetime] = []
        expired = 0
        for response in backend.responses.values():
            kinds[_kind(response.url)] += 1
            created.append(response.created_at)
            expired += bool(response.is_expired)
    finally:
        backend.close()
    return CacheInfo(
        path=file,
        exists=True,
        size_bytes=_size(file),
        responses=sum(kinds.values()),
        expired=expired,
        by_kind=dict(kinds),
        oldest=_utc(min(created)) if created else None,
        newest=_utc(max(created)) if created else None,
    )


def clear_cache(path: str | os.PathLike[str] | None = None) -> int:
    """Delete the HTTP cache file at ``path`` (default: the client's default location).

    The file goes whatever state it is in, damaged or not.

    Returns
    -------
    int
        The number of responses it held (0 if there was no file, or it was damaged).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> clear_cache(pathlib.Path(tempfile.mkdtemp()) / "none.sqlite")
    0
    """
    file = resolve_cache_path(path)
    try:
        responses = cache_info(file).responses
    except sqlite3.Error:  # unreadable in some other way: it goes all the same
        responses = 0
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(file) + suffix).unlink(missing_ok=True)
    return responses


def _kind(url: str) -> str:
    path = url.split("?", 1)[0]
    for kind, pattern in _KINDS:
        if pattern.search(path):
            return kind
    return "other"


def _size(file: Path) -> int:
    return sum(
        Path(str(file) + suffix).stat().st_size
        for suffix in ("", "-wal", "-shm")
        if Path(str(file) + suffix).exists()
    )


def _utc(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)
