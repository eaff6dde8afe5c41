"""Whether the HTTP cache file is a sound SQLite database, and the error when it is not.

A cache file can be damaged by a full disk, a copy cut short or a bad sector. SQLite then says
"file is not a database" or "database disk image is malformed"; such a file never heals by
itself (retrying does not help), so it is reported at once as a
:class:`~dixa_analytics._errors.CorruptCacheError` naming the file and the remedy.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

from dixa_analytics._errors import CorruptCacheError

__all__ = ["cache_problem", "corrupt_cache_error", "is_corruption"]

# What SQLite says of a damaged file (as opposed to a busy or locked one).
_DAMAGE = ("malformed", "not a database", "file is encrypted", "disk image")


def is_corruption(exc: BaseException) -> bool:
    """Whether ``exc`` is SQLite saying that the file itself is damaged.

    Examples
    --------
    >>> is_corruption(sqlite3.DatabaseError("database disk image is malformed"))
    True
    >>> is_corruption(sqlite3.OperationalError("database is locked"))
    False
    """
    return isinstance(exc, sqlite3.DatabaseError) and any(
        words in str(exc).lower() for words in _DAMAGE
    )


def corrupt_cache_error(path: str | os.PathLike[str], problem: object) -> CorruptCacheError:
    """The error of a damaged cache file, naming it and what to do.

    Examples
    --------
    >>> print(corrupt_cache_error("/tmp/c.sqlite", "file is not a database"))  # doctest: +ELLIPSIS
    the HTTP cache file /tmp/c.sqlite is damaged (file is not a database); delete it with ...
    """
    return CorruptCacheError(
        f"the HTTP cache file {path} is damaged ({problem}); delete it with "
        f"`dixa-analytics cache clear --cache {path}` (or dxa.clear_cache({str(path)!r})) and "
        "fetch again: it only holds copies of Dixa's answers, which are asked for again",
        path=str(path),
    )


def cache_problem(path: str | os.PathLike[str]) -> str | None:
    """What is wrong with the SQLite file at ``path``, or None when it reads as sound.

    The file is opened read-only and checked with ``PRAGMA quick_check`` (every page, no
    index cross-check): it costs one read of the file.

    Examples
    --------
    >>> import tempfile
    >>> bad = Path(tempfile.mkdtemp()) / "c.sqlite"
    >>> _ = bad.write_bytes(b"not a database at all" * 100)
    >>> cache_problem(bad)
    'file is not a database'
    """
    uri = Path(path).resolve().as_uri() + "?mode=ro"
    try:
        with contextlib.closing(sqlite3.connect(uri, uri=True)) as db:
            rows = db.execute("PRAGMA quick_check").fetchall()
    except sqlite3.DatabaseError as exc:
        if not is_corruption(exc):  # busy, locked, unreadable: not damage
            raise
        return str(exc)
    problems = [str(row[0]) for row in rows if row[0] != "ok"]
    return "; ".join(problems[:3]) or None
