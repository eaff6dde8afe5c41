"""Exceptions raised by dixa-analytics.

Every failure that comes from talking to Dixa, or from the snapshots kept of it, is a
:class:`DixaError`; bad arguments are
plain :class:`ValueError` / :class:`TypeError` that say what to pass instead. The tree::

    DixaError
    ├── AuthenticationError      401/403: missing, wrong or revoked API key
    ├── NotFoundError            404: unknown csid, user, queue or endpoint
    ├── BadRequestError          400/422: the API refused the parameters
    ├── RateLimitError           429 still returned after every retry
    ├── ServerError              5xx still returned after every retry
    ├── DixaConnectionError      timeouts / dropped connections after every retry
    ├── SchemaError              a body that is not the JSON shape the API documents
    ├── PartialFetchError        some ids could not be fetched; names them
    ├── SnapshotError            a snapshot folder that cannot be read or written now
    └── CorruptCacheError        the HTTP cache file is damaged; names it and the remedy

HTTP status codes map to these classes in one place, :func:`error_for_status`. Messages never
contain the API key.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

__all__ = [
    "AuthenticationError",
    "BadRequestError",
    "CorruptCacheError",
    "DixaConnectionError",
    "DixaError",
    "NotFoundError",
    "PartialFetchError",
    "RateLimitError",
    "SchemaError",
    "ServerError",
    "SnapshotError",
    "error_for_status",
    "listing",
]

T = TypeVar("T")


def listing(items: Sequence[T], limit: int, describe: Callable[[T], str] = str) -> str:
    """The first ``limit`` items described and comma-separated, then how many were left out.

    Examples
    --------
    >>> listing([3, 5, 8, 13], 2)
    '3, 5 and 2 more'
    """
    shown = ", ".join(describe(item) for item in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


class DixaError(Exception):
    """Base class of every error raised while talking to Dixa.

    Attributes
    ----------
    status : int or None
        The HTTP status code behind the error, when there was one.
    url : str or None
        The URL (without credentials) of the request that failed.
    """

    def __init__(self, message: str, *, status: int | None = None, url: str | None = None):
        super().__init__(message)
        self.status = status
        self.url = url


class AuthenticationError(DixaError):
    """The API key is missing, wrong or lacks access (HTTP 401/403)."""


class NotFoundError(DixaError):
    """The requested object does not exist (HTTP 404)."""


class BadRequestError(DixaError):
    """The API rejected the request's parameters (HTTP 400/422)."""


class RateLimitError(DixaError):
    """HTTP 429 was still returned after every retry."""


class ServerError(DixaError):
    """HTTP 5xx was still returned after every retry."""


class DixaConnectionError(DixaError):
    """The host could not be reached, timed out or dropped the connection after every retry."""


class SchemaError(DixaError):
    """A response body was not the JSON shape the API documents (even after retries)."""


class PartialFetchError(DixaError):
    """Some of the requested conversations could not be fetched.

    Nothing is dropped silently: the ids that failed are listed, with the error of each.

    Attributes
    ----------
    missing : list of int
        The csids whose data could not be fetched, or came back incomplete.
    errors : dict of int to DixaError
        The error that stopped each missing csid.
    frame : pandas.DataFrame or None
        What was fetched, as the frame the call returns, without the missing csids (set by
        the ``fetch_*`` functions; None from the lower-level building blocks).
    """

    def __init__(
        self,
        message: str,
        *,
        missing: Iterable[int],
        errors: Mapping[int, Any],
        frame: Any = None,
    ):
        self.missing = sorted(int(c) for c in missing)
        self.errors = dict(errors)
        self.frame = frame
        # The raw results of the items that were fetched (list, in item order), for the
        # layer above to make its frame of; None when nothing was kept.
        self.results: list[Any] | None = None
        super().__init__(f"{message} Missing csids: {listing(self.missing, 20)}.")


class SnapshotError(DixaError):
    """A snapshot folder that cannot be used as asked: not a snapshot, written by a newer
    version, damaged, or being written by another sync. The message says which and what to
    do."""


class CorruptCacheError(DixaError):
    """The HTTP cache file is damaged (truncated, overwritten, not a database).

    The message names the file and the remedy: delete it (``dixa-analytics cache clear
    --cache PATH`` or ``clear_cache(PATH)``, which work whatever state it is in) and fetch
    again; it only holds copies of Dixa's answers.

    Attributes
    ----------
    path : str
        The damaged cache file.
    """

    def __init__(self, message: str, *, path: str, url: str | None = None):
        super().__init__(message, url=url)
        self.path = path


_STATUS_ERRORS: dict[int, type[DixaError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: AuthenticationError,
    404: NotFoundError,
    422: BadRequestError,
    429: RateLimitError,
}


def error_for_status(status: int, message: str, *, url: str | None = None) -> DixaError:
    """Return the :class:`DixaError` subclass instance for an HTTP error status.

    Parameters
    ----------
    status : int
        HTTP status code (4xx or 5xx).
    message : str
        Human-readable explanation, already free of credentials.
    url : str, optional
        The request URL, without credentials.

    Examples
    --------
    >>> type(error_for_status(404, "no such conversation")).__name__
    'NotFoundError'
    >>> type(error_for_status(503, "unavailable")).__name__
    'ServerError'
    """
    cls = _STATUS_ERRORS.get(status, ServerError if status >= 500 else DixaError)
    return cls(message, status=status, url=url)
