"""Where the HTTP cache lives when nobody says otherwise.

Resolution order for ``cache=None``: the ``DIXA_CACHE`` environment variable; else
``./data/dixa-cache.sqlite`` when the current directory has a ``data/`` folder (a checkout of
this project, or an analysis folder laid out the same way); else ``dixa-cache.sqlite`` in the
user cache directory (``platformdirs.user_cache_dir("dixa-analytics")``). ``DIXA_CACHE`` set to
``off`` (or ``0``, ``false``, ``no``, ``none``) disables caching, as ``cache=False`` does.
Everything is read when called, never at import.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

__all__ = [
    "CACHE_ENV",
    "CACHE_FILENAME",
    "caching_disabled",
    "default_cache_path",
    "means_off",
    "resolve_cache_path",
    "sandbox_cache_path",
]

CACHE_ENV = "DIXA_CACHE"
CACHE_FILENAME = "dixa-cache.sqlite"
_APP_NAME = "dixa-analytics"
# DIXA_CACHE values (compared lower-case) that turn caching off instead of naming a file.
_OFF = frozenset({"0", "false", "no", "none", "off"})


def caching_disabled() -> bool:
    """Whether ``DIXA_CACHE`` turns caching off (``off``, ``0``, ``false``, ``no``, ``none``).

    Examples
    --------
    >>> import os
    >>> os.environ["DIXA_CACHE"] = "OFF"
    >>> caching_disabled()
    True
    >>> del os.environ["DIXA_CACHE"]
    """
    return means_off(os.environ.get(CACHE_ENV, ""))


def means_off(value: str) -> bool:
    """Whether a cache setting (``DIXA_CACHE``, ``--cache``) turns caching off.

    Examples
    --------
    >>> means_off(" Off"), means_off("data/cache.sqlite")
    (True, False)
    """
    return value.strip().lower() in _OFF


def default_cache_path() -> Path:
    """Return the default cache file (see the module docstring for the order).

    Raises
    ------
    ValueError
        If ``DIXA_CACHE`` turns caching off: there is no default file then, and falling back
        to the usual one would let ``cache clear`` delete a cache nobody named.

    Examples
    --------
    >>> default_cache_path().name.endswith(".sqlite")
    True
    """
    if caching_disabled():
        raise ValueError(
            f"caching is off ({CACHE_ENV}={os.environ[CACHE_ENV].strip()}), so there is no "
            "default cache file; name one (cache=PATH, or --cache PATH on the command line)"
        )
    env = os.environ.get(CACHE_ENV, "").strip()
    if env:
        return _with_suffix(Path(env).expanduser())
    data = Path.cwd() / "data"
    if data.is_dir():
        return data / CACHE_FILENAME
    return Path(platformdirs.user_cache_dir(_APP_NAME)) / CACHE_FILENAME


def resolve_cache_path(cache: str | os.PathLike[str] | None) -> Path:
    """Return the cache file for a ``cache=`` argument that is a path or ``None``.

    An existing directory holds the cache as ``dixa-cache.sqlite``; any other path without a
    suffix gets ``.sqlite``, as requests-cache would add it.

    Raises
    ------
    ValueError
        If ``cache`` is None while ``DIXA_CACHE`` turns caching off, or is a word such as
        ``"off"`` rather than a path.

    Examples
    --------
    >>> resolve_cache_path("/nonexistent/dixa").name
    'dixa.sqlite'
    """
    if cache is None:
        return default_cache_path()
    if isinstance(cache, str) and means_off(cache):
        raise ValueError(f"cache={cache!r} names no file; to disable caching pass cache=False")
    if isinstance(cache, bool) or not isinstance(cache, str | os.PathLike):
        raise TypeError(
            f"cache must be a path to a SQLite file, None for the default location or False to "
            f"disable caching, not {type(cache).__name__}"
        )
    return _with_suffix(Path(cache).expanduser())


def sandbox_cache_path(identity: str) -> Path:
    """The cache file of the embedded sandbox whose ``cache_identity`` is ``identity``.

    It sits beside the default cache file (see :func:`default_cache_path`), apart from it, as
    ``dixa-<identity>.sqlite``: repeated queries of the same sandbox organisation reuse it, and
    the files of other identities there (an older version's, another seed's) are removed, so
    that the sandbox's answers take the room of one organisation, not one per run.

    Raises
    ------
    ValueError
        If ``DIXA_CACHE`` turns caching off, as :func:`default_cache_path` does.

    Examples
    --------
    >>> import os, tempfile
    >>> os.environ["DIXA_CACHE"] = tempfile.mkdtemp()
    >>> sandbox_cache_path("sandbox-0123abcd").name
    'dixa-sandbox-0123abcd.sqlite'
    >>> del os.environ["DIXA_CACHE"]
    """
    if not identity.startswith("sandbox-") or not identity[8:].isalnum():
        raise ValueError(f"not a sandbox cache identity: {identity!r}")
    path = default_cache_path().parent / f"dixa-{identity}.sqlite"
    if path.parent.is_dir():
        for old in path.parent.glob("dixa-sandbox-*.sqlite*"):
            # The database and its -wal/-shm/-journal companions of any other identity.
            if not old.name.startswith(path.name):
                old.unlink(missing_ok=True)
    return path


def _with_suffix(path: Path) -> Path:
    if path.is_dir():  # a folder to keep the cache in
        return path / CACHE_FILENAME
    return path if path.suffix else path.with_name(path.name + ".sqlite")
