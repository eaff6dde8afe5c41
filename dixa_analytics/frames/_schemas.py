"""The reference frames' declared columns: users, queues, tags, teams, endpoints,
conversations, messages and notes (the events frame's are in :mod:`dixa_analytics.events`)."""

from __future__ import annotations

from dixa_analytics.frames._dtypes import BOOL, INT, OBJECT, STRING, UTC, Schema

__all__ = ["CONVERSATIONS", "ENDPOINTS", "MESSAGES", "NOTES", "QUEUES", "TAGS", "TEAMS", "USERS"]

USERS: Schema = {
    "user_id": STRING,
    "name": STRING,
    "email": STRING,
    "phone_number": STRING,
    "roles": OBJECT,  # list of role names; [] for end users
    "is_agent": BOOL,
    "avatar_url": STRING,
}

QUEUES: Schema = {
    "queue_id": STRING,
    "queue_name": STRING,
    "is_default": BOOL,
    "priority": INT,
}

TAGS: Schema = {
    "tag_id": STRING,
    "tag_name": STRING,
    "is_deactivated": BOOL,
}

TEAMS: Schema = {
    "team_id": STRING,
    "team_name": STRING,
}

ENDPOINTS: Schema = {
    "endpoint_id": STRING,  # email endpoint id; the number itself for phone endpoints
    "endpoint_type": STRING,  # "email_address" or "phone_number"
    "address": STRING,  # internal e-mail address or E.164 number
    "spf_email": STRING,
}

CONVERSATIONS: Schema = {
    "conversation_id": INT,
    "created_at": UTC,
    "channel": STRING,
    "direction": STRING,
    "status": STRING,
    "queue_id": STRING,
    "queue_name": STRING,
    "assignee_id": STRING,
    "assignee_name": STRING,
    "requester_id": STRING,
    "requester_name": STRING,
    "requester_email": STRING,
    "subject": STRING,
    "queued_at": UTC,
    "assigned_at": UTC,
    "closed_at": UTC,
    "updated_at": UTC,
    "tags": OBJECT,  # list of tag names
    "rating_score": INT,
}

MESSAGES: Schema = {
    "message_id": STRING,
    "conversation_id": INT,
    "created_at": UTC,
    "author_id": STRING,
    "channel": STRING,
    "direction": STRING,
    "text": STRING,
    "from_email": STRING,
    "to_emails": OBJECT,
    "is_automated_message": BOOL,
    "is_auto_reply": BOOL,
}

NOTES: Schema = {
    "note_id": STRING,
    "conversation_id": INT,
    "created_at": UTC,
    "author_id": STRING,
    "text": STRING,
}
