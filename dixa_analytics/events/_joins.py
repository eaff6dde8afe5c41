"""The events frame's joins: whether an author is an agent, each conversation's queue and
channel."""

from __future__ import annotations

from typing import Any

import pandas as pd

from dixa_analytics.frames import (
    BOOL,
    INT,
    STRING,
    lookup,
    queue_table,
    require_columns,
    users_frame,
)

__all__ = ["author_is_agent", "join_conversations", "joined"]


def author_is_agent(users: pd.DataFrame | list, author_id: pd.Series) -> Any:
    """Per event, whether its author is an agent (a non-empty role list); NA if unknown."""
    if isinstance(users, list):
        users = users_frame(users)
    users = require_columns(users, ("user_id",), name="users", source="a frame from users_frame()")
    if "is_agent" in users.columns:
        flags = users["is_agent"].astype(BOOL)
    elif "roles" in users.columns:
        flags = users["roles"].map(lambda roles: bool(roles) if isinstance(roles, list) else pd.NA)
    else:
        raise ValueError("users lacks 'is_agent' and 'roles'; pass a frame from users_frame()")
    table = pd.DataFrame({"user_id": users["user_id"].astype(STRING), "flag": flags.astype(BOOL)})
    return lookup(table, "user_id", "flag", author_id)


def join_conversations(
    frame: pd.DataFrame, conversations: pd.DataFrame | None, queues: pd.DataFrame | None
) -> None:
    """Give each event (in place: ``frame`` is the builder's own) its conversation's
    ``queue_id``, ``queue_name`` and ``channel``, and name queues from ``queues``."""
    if conversations is not None:
        conversations = require_columns(
            conversations,
            ("conversation_id", "queue_id"),
            name="conversations",
            source="a frame from conversations_frame()",
        )
        table = conversations.assign(conversation_id=conversations["conversation_id"].astype(INT))
        csids = frame["conversation_id"]
        frame["queue_id"] = lookup(table, "conversation_id", "queue_id", csids)
        for name in ("queue_name", "channel"):
            if name in table.columns:
                frame[name] = lookup(table, "conversation_id", name, csids)
    if queues is not None:
        names = pd.Series(
            lookup(queue_table(queues), "queue_id", "queue_name", frame["queue_id"].astype(STRING)),
            index=frame.index,
        )
        frame["queue_name"] = names.fillna(frame["queue_name"].astype(STRING))


def joined(
    frame: pd.DataFrame,
    users: pd.DataFrame | list | None,
    queues: pd.DataFrame | list | None,
    conversations: pd.DataFrame | None,
) -> None:
    """Make every join the arguments allow, in place on ``frame`` (the builder's own)."""
    if users is not None:
        frame["author_is_agent"] = author_is_agent(users, frame["author_id"])
    if conversations is not None or queues is not None:
        join_conversations(frame, conversations, queues)
