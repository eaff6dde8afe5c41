"""Public ``fetch_*`` functions: transport + normalise + frames.

Each function takes keyword ``client=`` (a :class:`~dixa_analytics.DixaClient`; by default one
is built from the environment for the call and closed afterwards) and returns a frame with the
columns and dtypes declared in :mod:`dixa_analytics._schemas`, empty results included.

Request economy: conversations are looked up through the Exports API (``conversation_export``
by creation window, or by ``csids`` in batches), never one request per conversation; activity
logs come from the bulk endpoint in batches of at most 10 csids. A conversation's status in its
export record decides whether its activity log, messages and notes are cached for good (closed)
or asked again on every fetch (open); closed and open conversations go in separate batches.
Every conversation has events, so a batch whose answer leaves one out is not cached, and a
warning names the conversations that came back without events.
"""

from __future__ import annotations

import contextlib
import numbers
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import pandas as pd

from dixa_analytics import _normalise as norm
from dixa_analytics._dates import DateLike, date_window, split_window, to_epoch_ms
from dixa_analytics._errors import NotFoundError, listing
from dixa_analytics._frames import (
    conversations_frame,
    endpoints_frame,
    events_frame,
    messages_frame,
    notes_frame,
    queues_frame,
    tags_frame,
    users_frame,
)
from dixa_analytics.client import (
    RECENT_EXPORT_EXPIRY,
    DixaClient,
    conversation_expiry,
    export_expiry,
    is_closed,
)

__all__ = [
    "ACTIVITYLOG_BATCH",
    "EXPORT_CSIDS_BATCH",
    "fetch_activitylog",
    "fetch_conversations",
    "fetch_endpoints",
    "fetch_messages",
    "fetch_notes",
    "fetch_queues",
    "fetch_tags",
    "fetch_users",
]

#: The bulk activity log refuses more than 10 csids per request (HTTP 422).
ACTIVITYLOG_BATCH = 10
#: csids per ``conversation_export?csids=`` lookup (keeps URLs well under common limits).
EXPORT_CSIDS_BATCH = 100
#: ``GET /v1/users`` accepts up to 200 items per page.
USERS_PAGE_LIMIT = 200
ENDPOINT_TYPES = ("email_address", "phone_number")

Record = dict[str, Any]


@contextlib.contextmanager
def _using(client: DixaClient | None) -> Iterator[DixaClient]:
    """Yield ``client``, or a default one built now and closed afterwards."""
    if client is not None:
        if not isinstance(client, DixaClient):
            raise TypeError(f"client must be a DixaClient, not {type(client).__name__}")
        yield client
        return
    owned = DixaClient()
    try:
        yield owned
    finally:
        owned.close()


def fetch_users(*, client: DixaClient | None = None) -> pd.DataFrame:
    """Fetch every user of the organisation (agents and end users).

    Parameters
    ----------
    client : DixaClient, optional
        Connection to use; default: one built from the environment.

    Returns
    -------
    pandas.DataFrame
        One row per user: ``user_id``, ``name``, ``email``, ``phone_number``, ``roles`` (list),
        ``is_agent``, ``avatar_url``. Cached for ``REFERENCE_DATA_EXPIRY``.

    Examples
    --------
    >>> from dixa_analytics.sandbox import Sandbox
    >>> with Sandbox(seed=1, conversations=20) as sb:
    ...     client = DixaClient(sb.api_key, base_url=sb.base_url, cache=False, progress=False)
    ...     users = fetch_users(client=client)
    >>> users.columns[:3].tolist()
    ['user_id', 'name', 'email']
    """
    with _using(client) as c:
        return users_frame(c.get_list("/v1/users", {"limit": USERS_PAGE_LIMIT}, expire_after=None))


def fetch_queues(*, client: DixaClient | None = None) -> pd.DataFrame:
    """Fetch every queue: ``queue_id``, ``queue_name``, ``is_default``, ``priority``.

    Examples
    --------
    >>> from dixa_analytics.sandbox import Sandbox
    >>> with Sandbox(seed=1, conversations=20) as sb:
    ...     client = DixaClient(sb.api_key, base_url=sb.base_url, cache=False, progress=False)
    ...     queues = fetch_queues(client=client)
    >>> queues.columns.tolist()
    ['queue_id', 'queue_name', 'is_default', 'priority']
    """
    with _using(client) as c:
        return queues_frame(c.get_list("/v1/queues", expire_after=None))


def fetch_tags(*, client: DixaClient | None = None) -> pd.DataFrame:
    """Fetch every tag: ``tag_id``, ``tag_name``, ``is_deactivated``.

    Examples
    --------
    >>> from dixa_analytics.sandbox import Sandbox
    >>> with Sandbox(seed=1, conversations=20) as sb:
    ...     client = DixaClient(sb.api_key, base_url=sb.base_url, cache=False, progress=False)
    ...     tags = fetch_tags(client=client)
    >>> tags.columns.tolist()
    ['tag_id', 'tag_name', 'is_deactivated']
    """
    with _using(client) as c:
        return tags_frame(c.get_list("/v1/tags", expire_after=None))


def fetch_endpoints(type: str | None = None, *, client: DixaClient | None = None) -> pd.DataFrame:
    """Fetch the organisation's e-mail and/or phone endpoints.

    Parameters
    ----------
    type : {"email_address", "phone_number"}, optional
        Only endpoints of this type; both types when omitted.
    client : DixaClient, optional
        Connection to use.

    Returns
    -------
    pandas.DataFrame
        ``endpoint_id``, ``endpoint_type``, ``address``, ``spf_email``.

    Examples
    --------
    >>> from dixa_analytics.sandbox import Sandbox
    >>> with Sandbox(seed=1, conversations=20) as sb:
    ...     client = DixaClient(sb.api_key, base_url=sb.base_url, cache=False, progress=False)
    ...     phones = fetch_endpoints("phone_number", client=client)
    >>> set(phones["endpoint_type"]) <= {"phone_number"}
    True
    """
    if type is None:
        types: Sequence[str] = ENDPOINT_TYPES
    elif type in ENDPOINT_TYPES:
        types = (type,)
    else:
        raise ValueError(f"type must be one of {', '.join(ENDPOINT_TYPES)} or None, not {type!r}")
    with _using(client) as c:
        records = [
            record
            for kind in types
            for record in c.get_list("/v1/endpoints", {"type": kind}, expire_after=None)
        ]
        return endpoints_frame(records)


def fetch_conversations(
    csids: Iterable[int] | None = None,
    *,
    start: DateLike | None = None,
    end: DateLike | None = None,
    client: DixaClient | None = None,
) -> pd.DataFrame:
    """Fetch conversations by id, or every conversation created in ``[start, end)``.

    Both ways go through the Exports API's ``conversation_export``: by ``csids`` in batches of
    ``EXPORT_CSIDS_BATCH`` (one request for up to 100 conversations instead of one each), or by
    creation window split into pieces of at most 31 days.

    Parameters
    ----------
    csids : iterable of int, optional
        Conversation ids (ints or strings of digits). Give either ``csids`` or a window.
    start, end : str, date, datetime or Timestamp, optional
        Creation window, half-open; naive values are UTC.
    client : DixaClient, optional
        Connection to use.

    Returns
    -------
    pandas.DataFrame
        One row per conversation, sorted by ``conversation_id``: ``conversation_id``,
        ``created_at``, ``channel``, ``direction``, ``status``, ``queue_id``, ``queue_name``,
        ``assignee_id``, ``assignee_name``, ``requester_id``, … ``closed_at`` (see
        ``dixa_analytics._schemas.CONVERSATIONS``).

    Raises
    ------
    ValueError
        If neither or both of ``csids`` and a window are given, or the window is reversed.
    NotFoundError
        If some csids do not exist.

    Examples
    --------
    >>> from dixa_analytics.sandbox import Sandbox
    >>> with Sandbox(seed=1, conversations=20) as sb:
    ...     client = DixaClient(sb.api_key, base_url=sb.base_url, exports_url=sb.exports_url,
    ...                         cache=False, progress=False)
    ...     convs = fetch_conversations(start="2026-03-01", end="2026-03-31", client=client)
    >>> bool(convs["created_at"].between("2026-03-01", "2026-03-31").all())
    True
    """
    by_csids, window = _selection(csids, start, end)
    with _using(client) as c:
        if by_csids is not None:
            records = _export_by_csids(c, by_csids)
        else:
            assert window is not None
            records = _export_window(c, *window)
        return conversations_frame(records)


def fetch_messages(csids: Iterable[int], *, client: DixaClient | None = None) -> pd.DataFrame:
    """Fetch the messages of the given conversations (one request per conversation).

    Messages of closed conversations are cached for good; open ones are asked again each time.

    Returns
    -------
    pandas.DataFrame
        One row per message: ``message_id``, ``conversation_id``, ``created_at``,
        ``author_id``, ``channel``, ``direction``, ``text``, ``from_email``, ``to_emails``,
        ``is_automated_message``, ``is_auto_reply``.

    Raises
    ------
    PartialFetchError
        If some conversations' messages could not be fetched; ``.missing`` lists them.

    Examples
    --------
    >>> from dixa_analytics.sandbox import Sandbox
    >>> with Sandbox(seed=1, conversations=20) as sb:
    ...     client = DixaClient(sb.api_key, base_url=sb.base_url, exports_url=sb.exports_url,
    ...                         cache=False, progress=False)
    ...     csid = sb.organisation.conversations[0]["id"]
    ...     messages = fetch_messages([csid], client=client)
    >>> messages["conversation_id"].unique().tolist() == [csid]
    True
    """
    return _per_conversation(csids, client, "messages", messages_frame)


def fetch_notes(csids: Iterable[int], *, client: DixaClient | None = None) -> pd.DataFrame:
    """Fetch the internal notes of the given conversations (one request per conversation).

    Returns
    -------
    pandas.DataFrame
        One row per note: ``note_id``, ``conversation_id``, ``created_at``, ``author_id``,
        ``text``.

    Examples
    --------
    >>> from dixa_analytics.sandbox import Sandbox
    >>> with Sandbox(seed=1, conversations=20) as sb:
    ...     client = DixaClient(sb.api_key, base_url=sb.base_url, exports_url=sb.exports_url,
    ...                         cache=False, progress=False)
    ...     notes = fetch_notes([sb.organisation.conversations[0]["id"]], client=client)
    >>> notes.columns[:3].tolist()
    ['note_id', 'conversation_id', 'created_at']
    """
    return _per_conversation(csids, client, "notes", notes_frame)


def fetch_activitylog(
    csids: Iterable[int] | None = None,
    *,
    start: DateLike | None = None,
    end: DateLike | None = None,
    keep_raw: bool = False,
    client: DixaClient | None = None,
) -> pd.DataFrame:
    """Fetch activity-log events, exploded and joined with users, queues and conversations.

    With ``start``/``end``: every event of the conversations **created** in ``[start, end)``,
    found through the Exports API first. Events come from the bulk activity log in batches of
    at most 10 csids, fetched concurrently (``client.max_workers``) under the client's throttle.

    Parameters
    ----------
    csids : iterable of int, optional
        Conversation ids. Give either ``csids`` or a window.
    start, end : str, date, datetime or Timestamp, optional
        Creation window of the conversations, half-open.
    keep_raw : bool
        Keep each event's raw ``attributes`` dict in an ``attributes`` column.
    client : DixaClient, optional
        Connection to use.

    Returns
    -------
    pandas.DataFrame
        The events frame (see ``events_frame``): one row per event, sorted by
        ``conversation_id`` and ``timestamp``, duplicates removed.

    Raises
    ------
    PartialFetchError
        If some batches failed after their retries; ``.missing`` names their csids.

    Warns
    -----
    UserWarning
        If the answer holds no event of some conversations (every conversation has at least
        its creation): it names them. Their batch is not cached, so the next fetch asks again.

    Examples
    --------
    >>> from dixa_analytics.sandbox import Sandbox
    >>> with Sandbox(seed=1, conversations=20) as sb:
    ...     client = DixaClient(sb.api_key, base_url=sb.base_url, exports_url=sb.exports_url,
    ...                         cache=False, progress=False)
    ...     events = fetch_activitylog(start="2026-03-01", end="2026-03-31", client=client)
    >>> bool(events["conversation_id"].is_monotonic_increasing)
    True
    """
    by_csids, window = _selection(csids, start, end)
    with _using(client) as c:
        if by_csids is not None:
            conversations = _export_by_csids(c, by_csids)
        else:
            assert window is not None
            conversations = _export_window(c, *window)
        status = {int(r["id"]): r.get("status") for r in conversations}
        batches = _status_batches(sorted(status), status, ACTIVITYLOG_BATCH)
        without_events: list[int] = []

        def fetch(batch: tuple[list[int], Any]) -> list[Record]:
            ids, expiry = batch

            def complete(records: list[Record]) -> bool:
                absent = set(ids) - norm.record_csids(records)
                without_events.extend(absent)  # list.extend is atomic: safe across workers
                return not absent

            params = {"csids": ",".join(str(i) for i in ids)}
            return c.get_list(
                "/v1/conversations/activitylog", params, expire_after=expiry, keep=complete
            )

        try:
            pages = c.map(
                fetch, batches, ids=lambda batch: batch[0], desc="activity log", unit="batch"
            )
        except BaseException as exc:  # the warning must not replace the error: it rides along
            if without_events:
                exc.add_note(_without_events(without_events, len(status)))
            raise
        if without_events:
            warnings.warn(_without_events(without_events, len(status)), stacklevel=2)
        records = [record for page in pages for record in page]
        return events_frame(
            records,
            users=fetch_users(client=c),
            queues=fetch_queues(client=c),
            conversations=conversations_frame(conversations),
            keep_raw=keep_raw,
        )


# -- helpers ---------------------------------------------------------------------------------


def _without_events(csids: Sequence[int], total: int) -> str:
    return (
        f"the activity log holds no events of {len(csids)} of {total} conversations: csids "
        f"{listing(sorted(csids), 10)}. Every conversation has events, so the answer may be "
        "incomplete; it was not cached, and the next fetch asks again."
    )


def _selection(
    csids: Iterable[int] | None, start: DateLike | None, end: DateLike | None
) -> tuple[list[int] | None, tuple[pd.Timestamp, pd.Timestamp] | None]:
    """Validate "csids xor window" and coerce whichever was given."""
    has_window = start is not None or end is not None
    if csids is not None and has_window:
        raise ValueError("pass either csids or start/end, not both")
    if csids is not None:
        return _coerce_csids(csids), None
    if start is None or end is None:
        raise ValueError(
            "pass csids=[...] or both start= and end= (a creation window [start, end), "
            "e.g. start='2026-03-01', end='2026-04-01')"
        )
    return None, date_window(start, end)


def _coerce_csids(csids: Iterable[int]) -> list[int]:
    """Sorted unique conversation ids from ints or strings of digits."""
    if isinstance(csids, str | bytes | Mapping) or not isinstance(csids, Iterable):
        if isinstance(csids, numbers.Integral) and not isinstance(csids, bool):
            csids = [csids]  # type: ignore[list-item]
        else:
            raise TypeError(
                f"csids must be a list of conversation ids (ints), not {type(csids).__name__}"
            )
    out: set[int] = set()
    for value in csids:
        if isinstance(value, bool) or not isinstance(value, numbers.Integral | str):
            # Floats and missing values come from pandas columns that had gaps.
            from_pandas = value is None or value is pd.NA or isinstance(value, numbers.Real)
            hint = (
                "; drop missing values and convert floats first, e.g. "
                "series.dropna().astype('int64')"
                if from_pandas and not isinstance(value, bool)
                else ""
            )
            raise TypeError(f"csids must hold ints (conversation ids), not {value!r}{hint}")
        if isinstance(value, str):
            # isdigit() alone also accepts "²" and Arabic-Indic digits, which int() reads
            # differently or not at all.
            if not (value.strip().isascii() and value.strip().isdigit()):
                raise ValueError(f"csid {value!r} is not a conversation id; pass an int")
            value = int(value.strip())
        if int(value) <= 0:
            raise ValueError(f"csid {value!r} is not a conversation id (they are positive ints)")
        out.add(int(value))
    return sorted(out)


def _chunks(items: Sequence[int], size: int) -> list[list[int]]:
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def _status_batches(
    csids: Sequence[int], status: Mapping[int, object], size: int
) -> list[tuple[list[int], Any]]:
    """Batches of closed csids (cached for good) and of open ones (asked again), each sorted."""
    closed = [c for c in csids if is_closed(status.get(c))]
    live = [c for c in csids if not is_closed(status.get(c))]
    return [(ids, conversation_expiry("closed")) for ids in _aligned(closed, size)] + [
        (ids, conversation_expiry("open")) for ids in _chunks(live, size)
    ]


def _aligned(csids: Sequence[int], size: int) -> list[list[int]]:
    """Sorted csids in blocks of ``size`` consecutive ids (``csid // size``).

    A block holds the same csids whichever window asks for it, so a narrower window after a
    wider one finds the cached answers of its whole blocks (csids are numbered in order of
    creation, so a window's conversations fill their blocks; only the blocks cut by its edges
    differ). Csids too sparse for that, where blocks would take more than twice the requests,
    are packed ``size`` to a batch instead.
    """
    blocks: dict[int, list[int]] = {}
    for csid in csids:
        blocks.setdefault(csid // size, []).append(csid)
    if len(blocks) > 2 * -(-len(csids) // size):
        return _chunks(csids, size)
    return list(blocks.values())


def _export_window(client: DixaClient, start: pd.Timestamp, end: pd.Timestamp) -> list[Record]:
    """Export records of conversations created in ``[start, end)``, in ≤31-day pieces."""
    now = client.now()
    pieces = list(split_window(start, end))
    lo_ms, hi_ms = to_epoch_ms(start), to_epoch_ms(end)

    def fetch(piece: tuple[pd.Timestamp, pd.Timestamp]) -> list[Record]:
        lo, hi = piece
        window_end = hi.to_pydatetime()
        return client.get_export(
            "/v1/conversation_export",
            {"created_after": to_epoch_ms(lo), "created_before": to_epoch_ms(hi)},
            expire_after=RECENT_EXPORT_EXPIRY,
            settle=lambda records: export_expiry(records, window_end=window_end, now=now),
        )

    records: dict[int, Record] = {}
    for piece_records in client.map(fetch, pieces, ids=None, desc="conversations", unit="window"):
        for record in piece_records:
            csid = int(record["id"])
            # The Exports API does not document whether bounds are inclusive: keep [start, end).
            if lo_ms <= int(record.get("created_at") or lo_ms) < hi_ms:
                records[csid] = record
    return [records[k] for k in sorted(records)]


def _export_by_csids(client: DixaClient, csids: Sequence[int]) -> list[Record]:
    """Export records of the given conversations, ``EXPORT_CSIDS_BATCH`` per request."""
    now = client.now()

    def fetch(batch: list[int]) -> list[Record]:
        return client.get_export(
            "/v1/conversation_export",
            {"csids": ",".join(str(c) for c in batch)},
            expire_after=RECENT_EXPORT_EXPIRY,
            settle=lambda records: export_expiry(records, window_end=None, now=now),
        )

    batches = _chunks(csids, EXPORT_CSIDS_BATCH)
    found: dict[int, Record] = {}
    pieces = client.map(fetch, batches, ids=lambda batch: batch, desc="conversations", unit="batch")
    for batch_records in pieces:
        for record in batch_records:
            found[int(record["id"])] = record
    missing = [c for c in csids if c not in found]
    if missing:
        raise NotFoundError(f"no such conversation(s): {listing(missing, 20)}")
    return [found[c] for c in csids]


def _per_conversation(
    csids: Iterable[int], client: DixaClient | None, what: str, build: Any
) -> pd.DataFrame:
    ids = _coerce_csids(csids)
    with _using(client) as c:
        status = {int(r["id"]): r.get("status") for r in _export_by_csids(c, ids)} if ids else {}
        batches = _status_batches(ids, status, 1)

        def fetch(batch: tuple[list[int], Any]) -> list[Record]:
            (csid,), expiry = batch
            return c.get_list(f"/v1/conversations/{csid}/{what}", expire_after=expiry)

        results = c.map(fetch, batches, ids=lambda batch: batch[0], desc=what, unit="conv")
        return build(
            {batch[0][0]: records for batch, records in zip(batches, results, strict=True)}
        )
