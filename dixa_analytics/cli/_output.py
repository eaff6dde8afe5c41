"""Where a command writes its result: output paths checked before any request, and frames
written as Parquet (dtypes kept) or CSV."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "FORMULA_STARTS",
    "FRAME_SUFFIXES",
    "REPORT_SUFFIXES",
    "guarded",
    "output_path",
    "write_frame",
    "writing",
]

FRAME_SUFFIXES = (".parquet", ".csv")
REPORT_SUFFIXES = (".html", ".htm")
#: What a spreadsheet (Excel, Sheets, LibreOffice) takes for the start of a formula in a CSV
#: cell: such text cells are written with a ``'`` before them, which shows them as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def output_path(value: str, *, suffixes: tuple[str, ...], option: str = "--out") -> Path:
    """Check an output path before any work is done, so a typo does not cost a whole fetch.

    Parameters
    ----------
    value : str
        The path as given on the command line (``~`` is expanded).
    suffixes : tuple of str
        The accepted suffixes, lower case.
    option : str, default "--out"
        The option named in error messages.

    Returns
    -------
    pathlib.Path
        The path to write.

    Raises
    ------
    ValueError
        If the suffix is not accepted, the path is a directory or a symbolic link (writing
        would overwrite whatever it points to), its directory does not exist or is not
        writable, or the file cannot be opened for writing there (tried without changing it).

    Examples
    --------
    >>> output_path("report.html", suffixes=REPORT_SUFFIXES).name
    'report.html'
    >>> output_path("no/such/dir/report.html", suffixes=REPORT_SUFFIXES)
    Traceback (most recent call last):
    ...
    ValueError: --out: the directory 'no/such/dir' does not exist; create it or choose another path
    """
    path = Path(value).expanduser()
    if path.is_dir() and not path.is_symlink():
        raise ValueError(f"{option} {value!r} is a directory; give a file name")
    if path.suffix.lower() not in suffixes:
        raise ValueError(f"{option} must end in {' or '.join(suffixes)}, not {path.name!r}")
    if path.is_symlink():
        raise ValueError(
            f"{option} {value!r} is a symbolic link (to {os.readlink(path)!r}); writing would "
            "overwrite its target, so give the target's own path or remove the link"
        )
    if path.is_dir():
        raise ValueError(f"{option} {value!r} is a directory; give a file name")
    if not path.parent.is_dir():
        raise ValueError(
            f"{option}: the directory {str(path.parent)!r} does not exist; create it or choose "
            "another path"
        )
    if not os.access(path.parent, os.W_OK):
        raise ValueError(f"{option}: the directory {str(path.parent)!r} is not writable")
    if path.exists() and not os.access(path, os.W_OK):
        raise ValueError(
            f"{option}: the file {value!r} exists and is not writable; make it writable, "
            "remove it or choose another path"
        )
    _try_writing(path, value, option)
    return path


def _try_writing(path: Path, value: str, option: str) -> None:
    """Open ``path`` for writing without changing it, so that a place that looks writable but
    is not (``/sys``, ``/proc``, a read-only mount; a superuser passes ``os.access``) is found
    before the fetch. A file created for the test is removed again."""
    try:
        if path.exists():
            with path.open("ab"):
                pass
        else:
            with path.open("xb"):
                pass
            path.unlink()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise ValueError(
            f"{option}: cannot write {value!r} ({reason}); choose another path"
        ) from exc


@contextmanager
def writing(path: Path) -> Iterator[Path]:
    """Turn a failure to write ``path`` into a one-line error naming it.

    :func:`output_path` checks the path before the fetch, but the file can still become
    unwritable (or the disk fill up) by the time the result is written.

    Parameters
    ----------
    path : pathlib.Path
        The file about to be written.

    Yields
    ------
    pathlib.Path
        ``path``.

    Raises
    ------
    OSError
        If writing fails, with a message naming ``path`` and the reason.

    Examples
    --------
    >>> with writing(Path("no/such/r.html")) as path:
    ...     path.write_text("<html></html>")
    Traceback (most recent call last):
    ...
    OSError: could not write 'no/such/r.html': No such file or directory; fix this or ...
    """
    try:
        yield path
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise OSError(
            f"could not write {str(path)!r}: {reason}; fix this or choose another path"
        ) from exc


def _is_list(value: object) -> bool:
    return isinstance(value, list | tuple | np.ndarray)


def guarded(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells that a spreadsheet would run as a formula (they
    start with one of :data:`FORMULA_STARTS`) begin with ``'``; numbers are left alone.

    A name or tag such as ``=HYPERLINK(...)`` from a customer would otherwise run when the
    CSV is opened in Excel or Sheets (CSV injection).

    Examples
    --------
    >>> guarded(pd.DataFrame({"tag": ["=1+1", "vip"], "n": [-1, 2]})).to_dict("list")
    {'tag': ["'=1+1", 'vip'], 'n': [-1, 2]}
    """
    out = frame.copy()
    for col in out.columns:
        dtype = out[col].dtype
        if pd.api.types.is_object_dtype(dtype) or isinstance(
            dtype, pd.StringDtype | pd.CategoricalDtype
        ):
            values = out[col].astype(object)
            if any(isinstance(v, str) and v.startswith(FORMULA_STARTS) for v in values):
                out[col] = pd.Series(
                    [_as_text(v) for v in values], index=values.index, dtype=object
                )
    return out


def _as_text(value: object) -> object:
    """A cell a spreadsheet would run as a formula, with ``'`` first; any other as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_frame(frame: pd.DataFrame, path: Path, *, guard: bool = True) -> Path:
    """Write ``frame`` as Parquet (dtypes kept) or CSV (lists as JSON text).

    An empty frame is written too: as its header row (CSV) or its schema (Parquet). In CSV,
    text cells that a spreadsheet would take for a formula get a ``'`` first (:func:`guarded`)
    unless ``guard`` is False.
    """
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        frame.to_parquet(path, index=False)
    elif suffix == ".csv":
        out = frame.copy()
        for col in out.columns:
            # ``Series.map`` of an empty column keeps its dtype (string, datetime), which
            # cannot be reduced with ``any``; iterating the values has no dtype to trip on.
            if any(_is_list(value) for value in out[col]):
                out[col] = out[col].map(lambda v: json.dumps(list(v)) if _is_list(v) else v)
        (guarded(out) if guard else out).to_csv(path, index=False)
    else:
        raise ValueError(f"--out must end in {' or '.join(FRAME_SUFFIXES)}, not {path.name!r}")
    return path
