"""Raw conversation records → flat columns: conversations (``/v1/conversations/{csid}``
objects and Exports API records), messages and notes (per conversation, and the Exports
API's ``message_export`` records).

Pure functions over dicts, as :mod:`._records`. Variants handled: ``initial_channel``
spellings such as ``widgetchat``, upper-case ``status``; message flags as booleans or
``"true"``/``"false"`` strings, ``to_emails`` (or an export's ``to``) as a string or a list.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dixa_analytics._errors import SchemaError
from dixa_analytics.frames._records import (
    EXPORT_CHANNELS,
    as_integer,
    first,
    record_columns,
    record_label,
    require_keys,
    require_records,
    sub,
    to_bool,
)

__all__ = [
    "conversation_columns",
    "exported_message_columns",
    "message_columns",
    "note_columns",
]


def _channel(value: object) -> object:
    if not isinstance(value, str):
        return value
    key = value.strip().lower()
    return EXPORT_CHANNELS.get(key, key)


def _lower(value: object) -> object:
    return value.strip().lower() if isinstance(value, str) else value


def _tag_names(record: Mapping[str, Any]) -> list[str] | None:
    tags = record.get("tags")
    if isinstance(tags, list):
        return [str(t.get("name") if isinstance(t, Mapping) else t) for t in tags]
    info = record.get("tags_info")
    if isinstance(info, list):
        return [str(t.get("name")) for t in info if isinstance(t, Mapping)]
    return None


def _rating_score(record: Mapping[str, Any]) -> int | None:
    score = as_integer(record.get("rating_score"))
    if score is None and isinstance(record.get("ratings"), list):
        scores = [as_integer(sub(r, "rating_score")) for r in record["ratings"]]
        scores = [s for s in scores if s is not None]
        score = scores[-1] if scores else None
    return score


def _closed_at(record: Mapping[str, Any]) -> object:
    if record.get("closed_at") is not None:
        return record["closed_at"]
    # The /v1 object has no closed_at; a closed conversation's status changed when it closed.
    if _lower(record.get("status")) == "closed":
        return record.get("status_updated_at")
    return None


def conversation_columns(records: Sequence[Mapping[str, Any]]) -> dict[str, list]:
    """Columns of ``/v1/conversations/{csid}`` objects and/or Exports conversation records.

    Timestamps are left raw (ISO strings in any documented form, or epoch milliseconds).

    Examples
    --------
    >>> cols = conversation_columns([{"id": 1, "created_at": 1600087304703,
    ...     "initial_channel": "widgetchat", "requester_id": "u1", "status": "Closed"}])
    >>> cols["channel"], cols["status"]
    (['widget_chat'], ['closed'])
    """
    require_records(records, "conversation records")
    require_keys(records, ("id",), "conversation")
    attrs = [
        r.get("attributes") if isinstance(r.get("attributes"), Mapping) else {} for r in records
    ]
    columns = record_columns(
        records,
        {
            "conversation_id": lambda r: r.get("id"),
            "created_at": first("created_at"),
            "channel": lambda r: _channel(first("channel", "initial_channel")(r)),
            "direction": lambda r: _lower(r.get("direction")),
            "status": lambda r: _lower(r.get("status")),
            "queue_id": first("queue_id"),
            "queue_name": first("queue_name"),
            "assignee_id": first("assignee_id", "assigned_to"),
            "assignee_name": first("assignee_name"),
            "requester_id": first("requester_id"),
            "requester_name": first("requester_name"),
            "requester_email": first("requester_email"),
            "subject": first("subject"),
            "queued_at": first("queued_at"),
            "assigned_at": first("assigned_at"),
            "closed_at": _closed_at,
            "updated_at": first("updated_at"),
            "tags": _tag_names,
            "rating_score": _rating_score,
        },
    )
    columns["subject"] = [
        s if s is not None else a.get("subject")
        for s, a in zip(columns["subject"], attrs, strict=True)
    ]
    for index, value in enumerate(columns["conversation_id"]):
        csid = as_integer(value)
        if csid is None:
            raise SchemaError(
                f"conversation {record_label(records[index], index)} has id {value!r}; "
                "expected an integer csid"
            )
        columns["conversation_id"][index] = csid
    return columns


def _emails(value: object) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list | tuple):
        return [str(v) for v in value if v is not None]
    return [str(value)]


def _by_conversation(
    records_by_csid: Mapping[Any, Sequence[Mapping[str, Any]]], what: str
) -> tuple[list[int], list[Mapping[str, Any]]]:
    if not isinstance(records_by_csid, Mapping):
        raise TypeError(
            f"{what} must be a mapping of csid -> list of records, "
            f"not {type(records_by_csid).__name__}"
        )
    csids: list[int] = []
    flat: list[Mapping[str, Any]] = []
    for key, records in records_by_csid.items():
        csid = as_integer(key)
        if csid is None:
            raise TypeError(f"{what} keys must be integer csids, got {key!r}")
        require_records(records, f"{what}[{key!r}]")
        require_keys(records, ("id",), what.rstrip("s"))
        csids.extend([csid] * len(records))
        flat.extend(records)
    return csids, flat


def message_columns(records_by_csid: Mapping[int, Sequence[Mapping[str, Any]]]) -> dict[str, list]:
    """Columns of ``GET /v1/conversations/{csid}/messages`` records, keyed by csid.

    Examples
    --------
    >>> cols = message_columns({5: [{"id": "m1", "attributes": {"to_emails": "a@x.io",
    ...     "is_auto_reply": "false"}}]})
    >>> cols["conversation_id"], cols["to_emails"], cols["is_auto_reply"]
    ([5], [['a@x.io']], [False])
    """
    csids, records = _by_conversation(records_by_csid, "messages")
    attrs = [
        r.get("attributes") if isinstance(r.get("attributes"), Mapping) else {} for r in records
    ]
    columns = record_columns(
        records,
        {
            "message_id": first("id"),
            "created_at": first("created_at"),
            "author_id": first("author_id"),
            "channel": lambda r: _channel(r.get("channel")),
            "direction": lambda r: _lower(r.get("direction")),
        },
    )
    columns["conversation_id"] = csids
    columns["text"] = [a.get("text") for a in attrs]
    columns["from_email"] = [a.get("from_email") for a in attrs]
    columns["to_emails"] = [_emails(a.get("to_emails")) for a in attrs]
    columns["is_automated_message"] = [to_bool(a.get("is_automated_message")) for a in attrs]
    columns["is_auto_reply"] = [to_bool(a.get("is_auto_reply")) for a in attrs]
    return columns


def note_columns(records_by_csid: Mapping[int, Sequence[Mapping[str, Any]]]) -> dict[str, list]:
    """Columns of ``GET /v1/conversations/{csid}/notes`` records, keyed by csid.

    The documented example names the note's author ``requester_id``; it becomes ``author_id``.

    Examples
    --------
    >>> note_columns({5: [{"id": "n1", "text": "hi", "requester_id": "a1"}]})["author_id"]
    ['a1']
    """
    csids, records = _by_conversation(records_by_csid, "notes")
    columns = record_columns(
        records,
        {
            "note_id": first("id"),
            "created_at": first("created_at"),
            "author_id": first("author_id", "requester_id"),
            "text": first("text"),
        },
    )
    columns["conversation_id"] = csids
    return columns


def exported_message_columns(records: Sequence[Mapping[str, Any]]) -> dict[str, list]:
    """Columns of the Exports API's ``message_export`` records (one conversation's or many).

    The record names its author by name and e-mail only: ``author_id`` is left empty (a
    frame can fill it from the users, see :func:`~dixa_analytics.frames.exported_messages_frame`),
    and ``author_email`` is kept for that. ``is_auto_reply`` is not exported.

    Examples
    --------
    >>> cols = exported_message_columns([{"id": "m1", "csid": 5, "created_at": 1600087304703,
    ...     "initial_channel": "widgetchat", "direction": "Inbound", "to": "a@x.io"}])
    >>> cols["conversation_id"], cols["channel"], cols["direction"], cols["to_emails"]
    ([5], ['widget_chat'], ['inbound'], [['a@x.io']])
    """
    require_records(records, "message export records")
    require_keys(records, ("id", "csid"), "message export")
    columns = record_columns(
        records,
        {
            "message_id": first("id"),
            "conversation_id": first("csid"),
            "created_at": first("created_at"),
            "author_id": lambda r: None,
            "author_email": first("author_email"),
            "channel": lambda r: _channel(r.get("initial_channel")),
            "direction": lambda r: _lower(r.get("direction")),
            "text": first("text"),
            "from_email": first("from"),
            "to_emails": lambda r: _emails(r.get("to")),
            "is_automated_message": lambda r: to_bool(r.get("is_automated_message")),
            "is_auto_reply": lambda r: None,
        },
    )
    for index, value in enumerate(columns["conversation_id"]):
        csid = as_integer(value)
        if csid is None:
            raise SchemaError(
                f"message export {record_label(records[index], index)} has csid {value!r}; "
                "expected an integer"
            )
        columns["conversation_id"][index] = csid
    return columns
