"""Writing a snapshot folder safely: one sync at a time, new files aside, the manifest last.

A sync writes every new file under ``.staging/``; :meth:`Staging.commit` moves them into place
(new names, which nothing reads yet), replaces the manifest in one rename, and only then
deletes the files the new manifest no longer names. A sync that fails, is interrupted or is
killed before that rename leaves the manifest, and so the snapshot, as it was; its staged
files are removed at once or by the next sync.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
from filelock import FileLock, Timeout

from dixa_analytics._errors import SnapshotError
from dixa_analytics.snapshot._layout import LOCK, MANIFEST, STAGING, file_name
from dixa_analytics.snapshot._manifest import Manifest, write_manifest

__all__ = ["Staging", "locked", "writable"]

# The files a sync writes (and so may delete): ``*.g0001.parquet`` in the folder, events/ and
# conversations/; anything else in the folder is left alone.
_OURS = re.compile(r"^(events/|conversations/)?[^/]+\.g\d{4,}\.parquet$")
_OUR_FOLDERS = ("", "events", "conversations")


def writable(folder: Path) -> bool:
    """Whether a sync may write into ``folder``: True for a snapshot, False for a new one.

    Raises
    ------
    SnapshotError
        If ``folder`` is a file, or a folder that holds other things and no snapshot.
    """
    if folder.exists() and not folder.is_dir():
        raise SnapshotError(f"{folder} is a file, not a snapshot folder; choose another path")
    if (folder / MANIFEST).is_file():
        return True
    if folder.is_dir():
        others = sorted(p.name for p in folder.iterdir() if p.name not in (LOCK, STAGING))
        if others:
            raise SnapshotError(
                f"{folder} is not a snapshot (no {MANIFEST}) and not empty (it holds "
                f"{', '.join(others[:5])}{'…' if len(others) > 5 else ''}); sync into a new or "
                "empty folder"
            )
    return False


@contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Hold ``folder`` for one sync; a second sync fails at once instead of interleaving.

    The lock is the operating system's (released when the process ends, however it ends), so
    a killed sync never leaves the folder locked.
    """
    folder.mkdir(parents=True, exist_ok=True)
    lock = FileLock(folder / LOCK, timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise SnapshotError(
            f"another sync is writing {folder} now; wait for it to finish, then sync again"
        ) from None
    try:
        yield
    finally:
        lock.release()


class Staging:
    """The new files of one sync, written aside until :meth:`commit` moves them in.

    Parameters
    ----------
    folder : Path
        The snapshot folder (held with :func:`locked`).
    generation : int
        The number in the new files' names.
    """

    def __init__(self, folder: Path, generation: int):
        self.folder = folder
        self.generation = generation
        self.root = folder / STAGING
        shutil.rmtree(self.root, ignore_errors=True)  # left by a sync that was killed
        self.root.mkdir()
        self._written: list[str] = []

    def write(self, frame: pd.DataFrame, kind: str, key: str | None = None) -> str:
        """Write ``frame`` as the new file of ``kind`` (and partition ``key``); its name."""
        name = file_name(kind, self.generation, key)
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        frame.to_parquet(path, index=False)
        self._written.append(name)
        return name

    def path(self, name: str) -> Path:
        """Where the file ``name`` is now: staged by this sync, or in the folder."""
        staged = self.root / name
        return staged if staged.exists() else self.folder / name

    def commit(self, manifest: Manifest) -> None:
        """Move the new files in, replace the manifest, then delete what it no longer names."""
        for name in self._written:
            target = self.folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self.root / name, target)
        write_manifest(self.folder, manifest)
        current = manifest.files()
        for sub in _OUR_FOLDERS:
            place = self.folder / sub
            for path in place.glob("*.parquet") if place.is_dir() else ():
                name = path.relative_to(self.folder).as_posix()
                if _OURS.match(name) and name not in current:
                    path.unlink(missing_ok=True)
        self.discard()

    def discard(self) -> None:
        """Remove the staged files (the snapshot stays as its manifest says)."""
        shutil.rmtree(self.root, ignore_errors=True)
