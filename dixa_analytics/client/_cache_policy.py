"""How long each kind of Dixa response stays in the HTTP cache — the policy as data.

==============================================  =========================  =====================
response                                        why                        expiry
==============================================  =========================  =====================
users, agents, end users, teams, queues, tags,  reference data             REFERENCE_DATA_EXPIRY
endpoints
activity log, messages, notes: closed conv.     final once closed          FINAL (never)
activity log, messages, notes: open conv.       live                       LIVE (not cached)
activity log without events of a requested      may be incomplete          not cached
conversation
conversation_export, window ended before now,   final                      FINAL (never)
every conversation in it closed
conversation_export, window touching now, or    still changing             RECENT_EXPORT_EXPIRY
holding open conversations
conversation_export by csids                    as a past window           FINAL or RECENT
anything else                                   not named                  DEFAULT_EXPIRY (LIVE)
==============================================  =========================  =====================

A conversation's status comes from its export record (or its ``/v1/conversations/{csid}``
object); closed and open conversations are requested in separate batches so that warm runs
reuse the closed ones. A conversation reopened after it was cached as closed is only seen again
once its export record is refreshed, i.e. when its window still touches the present or still
holds open conversations, or when a client made with ``refresh=True`` asks again for
everything (requests-cache's ``force_refresh``) and stores the new answers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from requests_cache import DO_NOT_CACHE, NEVER_EXPIRE

__all__ = [
    "CLOSED_STATUSES",
    "DEFAULT_EXPIRY",
    "FINAL",
    "LIVE",
    "RECENT_EXPORT_EXPIRY",
    "REFERENCE_DATA_EXPIRY",
    "URL_EXPIRY",
    "Expiry",
    "conversation_expiry",
    "export_expiry",
    "is_closed",
]

Expiry = int | dt.timedelta

#: Kept until the cache is cleared.
FINAL: Expiry = NEVER_EXPIRE
#: Never stored: asked again on every fetch.
LIVE: Expiry = DO_NOT_CACHE
#: Users, queues, tags and endpoints: renamed or added now and then, not minute by minute.
REFERENCE_DATA_EXPIRY: Expiry = dt.timedelta(hours=6)
#: Export answers that may still change (window touching now, or open conversations in it).
RECENT_EXPORT_EXPIRY: Expiry = dt.timedelta(minutes=15)
#: Requests the policy does not name are not cached.
DEFAULT_EXPIRY: Expiry = LIVE

#: Per-URL-pattern expiry (requests-cache ``urls_expire_after`` glob patterns). Per-conversation
#: and export requests pass their own expiry, decided by the functions below.
URL_EXPIRY: Mapping[str, Expiry] = {
    "*/v1/users": REFERENCE_DATA_EXPIRY,
    # The Dixa API lists agents and end users apart: the end users alone can be hundreds of
    # pages for a large organisation, not to be asked for on every run.
    "*/v1/agents": REFERENCE_DATA_EXPIRY,
    "*/v1/endusers": REFERENCE_DATA_EXPIRY,
    "*/v1/teams": REFERENCE_DATA_EXPIRY,
    "*/v1/queues": REFERENCE_DATA_EXPIRY,
    "*/v1/tags": REFERENCE_DATA_EXPIRY,
    "*/v1/endpoints": REFERENCE_DATA_EXPIRY,
}

#: Export / conversation ``status`` values (compared lower-case) after which nothing changes.
CLOSED_STATUSES = frozenset({"closed"})


def is_closed(status: object) -> bool:
    """Whether a conversation ``status`` (any casing) means it is closed.

    Examples
    --------
    >>> is_closed("Closed"), is_closed("pending"), is_closed(None)
    (True, False, False)
    """
    return isinstance(status, str) and status.strip().lower() in CLOSED_STATUSES


def conversation_expiry(status: object) -> Expiry:
    """Expiry of a conversation's activity log, messages or notes given its status.

    Examples
    --------
    >>> conversation_expiry("closed") == FINAL, conversation_expiry("open") == LIVE
    (True, True)
    """
    return FINAL if is_closed(status) else LIVE


def export_expiry(
    records: Iterable[Mapping[str, Any]], *, window_end: dt.datetime | None, now: dt.datetime
) -> Expiry:
    """Expiry of a ``conversation_export`` answer, decided once its records are known.

    Parameters
    ----------
    records : iterable of dict
        The export records (each with a ``status``).
    window_end : datetime or None
        End of the ``created_*`` window asked for; ``None`` for a lookup by csids.
    now : datetime
        The current time (tz-aware).

    Examples
    --------
    >>> now = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
    >>> past = dt.datetime(2026, 4, 1, tzinfo=dt.UTC)
    >>> export_expiry([{"status": "closed"}], window_end=past, now=now) == FINAL
    True
    >>> export_expiry([{"status": "open"}], window_end=past, now=now) == RECENT_EXPORT_EXPIRY
    True
    """
    if window_end is not None and window_end > now:
        return RECENT_EXPORT_EXPIRY
    if all(is_closed(record.get("status")) for record in records):
        return FINAL
    return RECENT_EXPORT_EXPIRY
