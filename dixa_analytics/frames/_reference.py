"""Typed frames of the reference data: users, queues, tags, endpoints, conversations, messages
and notes.

Each function flattens raw records with :mod:`._records`, builds every column in its declared
dtype (:mod:`._schemas`) and never mutates its input; an empty input gives the declared columns
and dtypes too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from dixa_analytics._errors import SchemaError, listing
from dixa_analytics.frames._columns import build_frame
from dixa_analytics.frames._conversation_records import (
    conversation_columns,
    exported_message_columns,
    message_columns,
    note_columns,
)
from dixa_analytics.frames._dtypes import STRING, require_columns
from dixa_analytics.frames._records import (
    endpoint_columns,
    queue_columns,
    tag_columns,
    team_columns,
    user_columns,
)
from dixa_analytics.frames._schemas import (
    CONVERSATIONS,
    ENDPOINTS,
    MESSAGES,
    NOTES,
    QUEUES,
    TAGS,
    TEAMS,
    USERS,
)
from dixa_analytics.frames._timestamps import utc_array

__all__ = [
    "conversations_frame",
    "endpoints_frame",
    "exported_messages_frame",
    "lookup",
    "messages_frame",
    "notes_frame",
    "queue_table",
    "queues_frame",
    "tags_frame",
    "teams_frame",
    "users_frame",
]


def users_frame(records: list[dict]) -> pd.DataFrame:
    """Users (agents and end users) as a frame.

    Parameters
    ----------
    records : list of dict
        ``GET /v1/users`` records.

    Returns
    -------
    pandas.DataFrame
        One row per record: ``user_id``, ``name``, ``email``, ``phone_number``, ``roles``
        (list of role names, ``[]`` when absent), ``is_agent`` (the role list is non-empty),
        ``avatar_url``.

    Examples
    --------
    >>> users_frame([{"id": "u1", "name": "Alex", "roles": ["Agent"]}])[["user_id", "is_agent"]]
      user_id  is_agent
    0      u1      True
    """
    return build_frame(user_columns(records), USERS)


def queues_frame(records: list[dict]) -> pd.DataFrame:
    """Queues as a frame: ``queue_id``, ``queue_name``, ``is_default``, ``priority``.

    Examples
    --------
    >>> queues_frame([{"id": "q1", "name": "Support", "is_default": True, "priority": 0}])
      queue_id queue_name  is_default  priority
    0       q1    Support        True         0
    """
    return build_frame(queue_columns(records), QUEUES)


def tags_frame(records: list[dict]) -> pd.DataFrame:
    """Tags as a frame: ``tag_id``, ``tag_name``, ``is_deactivated`` (NA when not stated).

    Examples
    --------
    >>> tags_frame([{"id": "t1", "name": "refund", "is_deactivated": False}])
      tag_id tag_name  is_deactivated
    0     t1   refund           False
    """
    return build_frame(tag_columns(records), TAGS)


def teams_frame(records: list[dict]) -> pd.DataFrame:
    """Teams as a frame: ``team_id``, ``team_name``.

    Examples
    --------
    >>> teams_frame([{"id": "t1", "name": "Tier 1"}])
      team_id team_name
    0      t1    Tier 1
    """
    return build_frame(team_columns(records), TEAMS)


def endpoints_frame(records: list[dict]) -> pd.DataFrame:
    """Endpoints (one-key union objects) as a frame.

    Returns
    -------
    pandas.DataFrame
        ``endpoint_id`` (the number itself for phone endpoints), ``endpoint_type``
        (``email_address`` / ``phone_number``), ``address`` (internal e-mail address or the
        number), ``spf_email``.

    Examples
    --------
    >>> endpoints_frame([{"phone_number": {"phone_number": "+4512345678"}}])["endpoint_type"][0]
    'phone_number'
    """
    return build_frame(endpoint_columns(records), ENDPOINTS)


def conversations_frame(records: list[dict], *, queues: pd.DataFrame | None = None) -> pd.DataFrame:
    """Conversations as a frame, from ``/v1/conversations/{csid}`` objects or export records.

    Parameters
    ----------
    records : list of dict
        ``GET /v1/conversations/{csid}`` objects (ISO timestamps in any documented form,
        ``assigned_to``, ``attributes``) and/or Exports API ``conversation_export`` records
        (epoch-millisecond timestamps, ``initial_channel``); both may be mixed.
    queues : pandas.DataFrame, optional
        A :func:`queues_frame`; fills ``queue_name`` where the record has only ``queue_id``.

    Returns
    -------
    pandas.DataFrame
        The CONVERSATIONS schema: ``channel`` uses the Channel enum spelling (``widgetchat``
        → ``widget_chat``; unknown values kept, lower-cased), ``status`` and ``direction``
        are lower-cased, ``tags`` is the list of tag names (NA when the record has none),
        ``closed_at`` of a /v1 object is its ``status_updated_at`` when it is closed.

    Raises
    ------
    TypeError
        If ``records`` is not a list of dicts.
    SchemaError
        If a record has no integer ``id`` or an unreadable timestamp.

    Examples
    --------
    >>> out = conversations_frame([{"id": 7, "created_at": "2015-11-30T00:00:00:000Z",
    ...     "channel": "email", "requester_id": "u1", "direction": "inbound"}])
    >>> int(out.loc[0, "conversation_id"]), out.loc[0, "channel"], str(out.loc[0, "created_at"])
    (7, 'email', '2015-11-30 00:00:00+00:00')
    """
    columns = conversation_columns(records)
    _check_times(columns, ("created_at", "queued_at", "assigned_at", "closed_at", "updated_at"),
                 "conversation", columns["conversation_id"])  # fmt: skip
    frame = build_frame(columns, CONVERSATIONS)
    if queues is not None and len(frame):
        names = lookup(queue_table(queues), "queue_id", "queue_name", frame["queue_id"])
        frame["queue_name"] = frame["queue_name"].fillna(pd.Series(names, index=frame.index))
    return frame


def _check_times(
    columns: Mapping[str, Sequence[Any]], names: Sequence[str], what: str, ids: Sequence[Any]
) -> None:
    for name in names:
        values = columns[name]
        bad = np.flatnonzero(utc_array(values)[1])
        if bad.size:
            shown = listing(bad, 5, lambda i, values=values: f"{ids[i]!r}: {values[i]!r}")
            raise SchemaError(f"{what} records with an unreadable {name}: {shown}")


def messages_frame(records_by_csid: Mapping[int, list[dict]]) -> pd.DataFrame:
    """Messages of several conversations as one frame.

    Parameters
    ----------
    records_by_csid : mapping of int to list of dict
        csid → ``GET /v1/conversations/{csid}/messages`` records.

    Returns
    -------
    pandas.DataFrame
        The MESSAGES schema. ``text``, ``from_email``, ``to_emails`` (always a list; a
        comma-separated string is split), ``is_automated_message`` and ``is_auto_reply``
        (booleans or ``"true"``/``"false"`` strings) come from the message's attributes.

    Examples
    --------
    >>> message = {"id": "m1", "created_at": "2021-08-03T10:15:30Z", "author_id": "u1",
    ...     "channel": "email", "attributes": {"is_automated_message": "true"}}
    >>> out = messages_frame({7: [message]})
    >>> int(out.loc[0, "conversation_id"]), bool(out.loc[0, "is_automated_message"])
    (7, True)
    """
    columns = message_columns(records_by_csid)
    _check_times(columns, ("created_at",), "message", columns["message_id"])
    return build_frame(columns, MESSAGES)


def exported_messages_frame(
    records: list[dict], *, users: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Messages as a frame, from the Exports API's ``message_export`` records.

    Parameters
    ----------
    records : list of dict
        ``message_export`` records (each with ``csid`` and ``created_at`` in epoch ms).
    users : pandas.DataFrame, optional
        A :func:`users_frame`: the export names each author by e-mail only, so
        ``author_id`` is the user with that e-mail (compared case-insensitively); without
        it, or for an e-mail no user has, ``author_id`` is missing.

    Returns
    -------
    pandas.DataFrame
        The MESSAGES schema, sorted by ``conversation_id`` then ``created_at``.
        ``is_auto_reply`` is missing (not exported).

    Examples
    --------
    >>> out = exported_messages_frame([{"id": "m1", "csid": 7, "created_at": 1600087304703,
    ...     "initial_channel": "email", "author_email": "A@x.io"}],
    ...     users=users_frame([{"id": "u1", "email": "a@x.io"}]))
    >>> out.loc[0, "author_id"], str(out.loc[0, "created_at"])
    ('u1', '2020-09-14 12:41:44.703000+00:00')
    """
    columns = exported_message_columns(records)
    _check_times(columns, ("created_at",), "message export", columns["message_id"])
    emails = columns.pop("author_email")
    frame = build_frame(columns, MESSAGES)
    if users is not None and len(frame):
        users = require_columns(
            users, ("user_id", "email"), name="users", source="a frame from users_frame()"
        )
        table = pd.DataFrame(
            {"email": users["email"].astype(STRING).str.lower(), "user_id": users["user_id"]}
        )
        found = lookup(table, "email", "user_id", pd.Series(emails, dtype=STRING).str.lower())
        frame["author_id"] = pd.Series(found, index=frame.index, dtype=STRING)
    return frame.sort_values(["conversation_id", "created_at"], kind="stable", ignore_index=True)


def notes_frame(records_by_csid: Mapping[int, list[dict]]) -> pd.DataFrame:
    """Internal notes of several conversations as one frame.

    Parameters
    ----------
    records_by_csid : mapping of int to list of dict
        csid → ``GET /v1/conversations/{csid}/notes`` records.

    Returns
    -------
    pandas.DataFrame
        ``note_id``, ``conversation_id``, ``created_at``, ``author_id`` (the documented
        example's ``requester_id``), ``text``.

    Examples
    --------
    >>> notes_frame({7: [{"id": "n1", "created_at": "2021-08-03T10:15:30Z", "text": "Call back",
    ...     "requester_id": "a1"}]})[["note_id", "author_id"]]
      note_id author_id
    0      n1        a1
    """
    columns = note_columns(records_by_csid)
    _check_times(columns, ("created_at",), "note", columns["note_id"])
    return build_frame(columns, NOTES)


def queue_table(queues: pd.DataFrame | list) -> pd.DataFrame:
    """A queues frame from a frame with ``queue_id`` and ``queue_name``, or raw queue records."""
    if isinstance(queues, list):
        return queues_frame(queues)
    return require_columns(
        queues, ("queue_id", "queue_name"), name="queues", source="a frame from queues_frame()"
    )


def lookup(table: pd.DataFrame, key: str, value: str, keys: pd.Series) -> Any:
    """``table[value]`` for each of ``keys`` by ``table[key]`` (first row wins); NA if absent."""
    table = table[table[key].notna()].drop_duplicates(key)
    index = pd.Index(table[key].astype(keys.dtype))
    positions = index.get_indexer(keys)
    return table[value].array.take(positions, allow_fill=True)
