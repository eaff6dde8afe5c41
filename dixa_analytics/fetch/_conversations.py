"""Conversations through the Exports API (by creation window or by csids), and their messages
and notes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from dixa_analytics._dates import DateLike, split_window, to_epoch_ms
from dixa_analytics._errors import NotFoundError, listing
from dixa_analytics.client import (
    FINAL,
    LIVE,
    RECENT_EXPORT_EXPIRY,
    DixaClient,
    export_expiry,
)
from dixa_analytics.client._credentials import EXPORTS
from dixa_analytics.fetch._estimate import pace_note
from dixa_analytics.fetch._reference import fetch_users
from dixa_analytics.fetch._selection import (
    chunks,
    coerce_csids,
    selection,
    status_batches,
    using,
)
from dixa_analytics.frames import (
    conversations_frame,
    exported_messages_frame,
    messages_frame,
    notes_frame,
)

__all__ = [
    "EXPORT_CSIDS_BATCH",
    "export_by_csids",
    "export_selected",
    "export_window",
    "fetch_conversations",
    "fetch_messages",
    "fetch_notes",
]

#: csids per ``conversation_export?csids=`` lookup (keeps URLs well under common limits).
EXPORT_CSIDS_BATCH = 100

Record = dict[str, Any]


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
    by_csids, window = selection(csids, start, end)
    with using(client) as c:
        return conversations_frame(export_selected(c, by_csids, window))


def export_selected(
    client: DixaClient,
    csids: list[int] | None,
    window: tuple[pd.Timestamp, pd.Timestamp] | None,
) -> list[Record]:
    """Export records of ``csids``, or else of the conversations created in ``window`` (the
    two halves of :func:`~._selection.selection`)."""
    if csids is not None:
        return export_by_csids(client, csids)
    assert window is not None
    return export_window(client, *window)


def fetch_messages(
    csids: Iterable[int] | None = None,
    *,
    start: DateLike | None = None,
    end: DateLike | None = None,
    client: DixaClient | None = None,
) -> pd.DataFrame:
    """Fetch the messages of the given conversations, or every message sent in a window.

    By ``csids``: one Integrations API request per conversation; messages of closed
    conversations are cached for good, open ones are asked again each time. By
    ``start``/``end``: the Exports API's ``message_export``, every message **created** in
    ``[start, end)``, in pieces of at most 31 days (a handful of requests for a month of
    messages, where one request per conversation could take thousands); pieces that ended
    in the past are cached for good.

    Parameters
    ----------
    csids : iterable of int, optional
        Conversation ids. Give either ``csids`` or a window.
    start, end : str, date, datetime or Timestamp, optional
        Window of the messages' creation, half-open.
    client : DixaClient, optional
        Connection to use.

    Returns
    -------
    pandas.DataFrame
        One row per message: ``message_id``, ``conversation_id``, ``created_at``,
        ``author_id``, ``channel``, ``direction``, ``text``, ``from_email``, ``to_emails``,
        ``is_automated_message``, ``is_auto_reply`` (missing by window: not exported; and
        ``author_id`` by window is the user with the author's e-mail).

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
    ...     march = fetch_messages(start="2026-03-01", end="2026-04-01", client=client)
    >>> messages["conversation_id"].unique().tolist() == [csid]
    True
    >>> bool(march["created_at"].between("2026-03-01", "2026-04-01", inclusive="left").all())
    True
    """
    if csids is not None:
        if start is not None or end is not None:
            raise ValueError("pass either csids or start/end, not both")
        return _per_conversation(csids, client, "messages", messages_frame)
    _, window = selection(None, start, end)
    assert window is not None
    with using(client) as c:
        records = _message_export(c, *window)
        return exported_messages_frame(records, users=fetch_users(client=c))


def _message_export(client: DixaClient, start: pd.Timestamp, end: pd.Timestamp) -> list[Record]:
    """``message_export`` records created in ``[start, end)``, in ≤31-day pieces."""
    now = pd.Timestamp(client.now())
    lo_ms, hi_ms = to_epoch_ms(start), to_epoch_ms(end)

    def fetch(piece: tuple[pd.Timestamp, pd.Timestamp]) -> list[Record]:
        lo, hi = piece
        return client.get_export(
            "/v1/message_export",
            {"created_after": to_epoch_ms(lo), "created_before": to_epoch_ms(hi)},
            # Messages are not edited: a piece that ended before now is final.
            expire_after=FINAL if hi <= now else RECENT_EXPORT_EXPIRY,
        )

    pieces = client.map(fetch, list(split_window(start, end)), ids=None, desc="messages",
                        unit="window")  # fmt: skip
    found: dict[str, Record] = {}
    for piece in pieces:
        for record in piece:
            # The Exports API does not document whether bounds are inclusive: keep [start, end).
            if lo_ms <= int(record.get("created_at") or lo_ms) < hi_ms:
                found[str(record["id"])] = record
    return list(found.values())


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


def export_window(
    client: DixaClient, start: pd.Timestamp, end: pd.Timestamp, *, by: str = "created"
) -> list[Record]:
    """Export records of conversations created (or ``by="updated"``: updated) in
    ``[start, end)``, in ≤31-day pieces, sorted by csid.

    Windows of creation are cached as the export's records allow (for good once past and
    closed); windows of update are always asked anew, since a conversation updated again
    leaves the window it was in.
    """
    now = client.now()
    pieces = list(split_window(start, end))
    lo_ms, hi_ms = to_epoch_ms(start), to_epoch_ms(end)

    def fetch(piece: tuple[pd.Timestamp, pd.Timestamp]) -> list[Record]:
        lo, hi = piece
        window_end = hi.to_pydatetime()
        params = {f"{by}_after": to_epoch_ms(lo), f"{by}_before": to_epoch_ms(hi)}
        if by != "created":
            return client.get_export("/v1/conversation_export", params, expire_after=LIVE)
        return client.get_export(
            "/v1/conversation_export",
            params,
            expire_after=RECENT_EXPORT_EXPIRY,
            settle=lambda records: export_expiry(records, window_end=window_end, now=now),
        )

    records: dict[int, Record] = {}
    windows = client.map(
        fetch,
        pieces,
        ids=None,
        desc="conversations",
        unit="window",
        note=pace_note(client, EXPORTS, len(pieces)),
    )
    for piece_records in windows:
        for record in piece_records:
            csid = int(record["id"])
            # The Exports API does not document whether bounds are inclusive: keep [start, end).
            if by != "created" or lo_ms <= int(record.get("created_at") or lo_ms) < hi_ms:
                records[csid] = record
    return [records[k] for k in sorted(records)]


def export_by_csids(
    client: DixaClient, csids: Sequence[int], *, must_exist: bool = True
) -> list[Record]:
    """Export records of the given conversations, ``EXPORT_CSIDS_BATCH`` per request.

    A csid the export does not know is a :class:`NotFoundError`, unless ``must_exist`` is
    False (then only the conversations found are returned, in the order asked).
    """
    now = client.now()

    def fetch(batch: list[int]) -> list[Record]:
        return client.get_export(
            "/v1/conversation_export",
            {"csids": ",".join(str(c) for c in batch)},
            expire_after=RECENT_EXPORT_EXPIRY,
            settle=lambda records: export_expiry(records, window_end=None, now=now),
        )

    batches = chunks(csids, EXPORT_CSIDS_BATCH)
    found: dict[int, Record] = {}
    pieces = client.map(
        fetch,
        batches,
        ids=lambda batch: batch,
        desc="conversations",
        unit="batch",
        note=pace_note(client, EXPORTS, len(batches)),
    )
    for batch_records in pieces:
        for record in batch_records:
            found[int(record["id"])] = record
    missing = [c for c in csids if c not in found]
    if missing and must_exist:
        raise NotFoundError(f"no such conversation(s): {listing(missing, 20)}")
    return [found[c] for c in csids if c in found]


def _per_conversation(
    csids: Iterable[int], client: DixaClient | None, what: str, build: Any
) -> pd.DataFrame:
    ids = coerce_csids(csids)
    with using(client) as c:
        status = {int(r["id"]): r.get("status") for r in export_by_csids(c, ids)} if ids else {}
        batches = status_batches(ids, status, 1)

        def fetch(batch: tuple[list[int], Any]) -> list[Record]:
            (csid,), expiry = batch
            return c.get_list(f"/v1/conversations/{csid}/{what}", expire_after=expiry)

        results = c.map(fetch, batches, ids=lambda batch: batch[0], desc=what, unit="conv")
        return build(
            {batch[0][0]: records for batch, records in zip(batches, results, strict=True)}
        )
