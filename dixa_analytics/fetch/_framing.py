"""Answers turned into a frame, or removed from the cache when they cannot be.

An answer the client read may be well-formed JSON that still cannot become a frame (a field of
the wrong kind, text no encoder takes). Left in the cache as final, it would make every later
fetch fail the same way even after the server is fixed; so when building the frame fails, the
answers it was built from are removed from the cache and the failure is a
:class:`~dixa_analytics._errors.SchemaError` (a fault of the answer, not of the caller's input).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import pandas as pd
import requests

from dixa_analytics._errors import DixaError, SchemaError
from dixa_analytics.client import DixaClient
from dixa_analytics.events import events_frame

__all__ = ["framed", "framed_events"]

T = TypeVar("T")

_FORGOTTEN = "they were removed from the HTTP cache, so the next fetch asks for them again"


def framed(
    client: DixaClient,
    answers: Iterable[requests.Response],
    build: Callable[[], T],
    *,
    what: str,
) -> T:
    """``build()``; if it fails, remove ``answers`` from the cache and raise a SchemaError.

    Raises
    ------
    SchemaError
        If ``build`` fails: the message names ``what`` was built and why it failed.
    """
    try:
        return build()
    except DixaError as exc:
        client.forget(answers)
        exc.add_note(f"The answers {what} was built from could not be used: {_FORGOTTEN}.")
        raise
    except Exception as exc:
        client.forget(answers)
        raise SchemaError(
            f"the answers of {what} could not be turned into a frame "
            f"({type(exc).__name__}: {exc}); {_FORGOTTEN}"
        ) from exc


def framed_events(client: DixaClient, read: Callable[[], list[dict[str, Any]]]) -> pd.DataFrame:
    """The events frame of the records ``read()`` returns (e.g. ``bulk_log``), its answers
    removed from the cache if they cannot be made into one (see :func:`framed`)."""
    with client.recording() as answers:
        records = read()
    return framed(client, answers, lambda: events_frame(records), what="the activity log")
