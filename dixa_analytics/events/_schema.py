"""The events frame's declared columns and dtypes."""

from __future__ import annotations

from dixa_analytics.frames import BOOL, CATEGORY, INT, OBJECT, STRING, UTC, Schema

__all__ = ["AS_OF", "EVENTS", "EVENTS_SOURCE", "EVENT_ATTRIBUTES", "LIST_COLUMNS", "WINDOW"]

#: The key of ``DataFrame.attrs`` under which an events frame may carry its ``as_of``: the
#: moment its data was taken (a snapshot's sync), as ISO text so that ``to_parquet`` can keep
#: it (pandas writes ``attrs`` as JSON). The metrics measure at it by default.
AS_OF = "dixa_analytics.as_of"

#: The key of ``DataFrame.attrs`` under which an events frame may carry the creation window
#: its conversations were selected by: ``[start, end]`` as ISO text (``end`` None for a window
#: that runs up to now). By-period metrics mark the periods the window cuts as incomplete.
WINDOW = "dixa_analytics.window"

#: What to pass where the events frame is expected (for error messages).
EVENTS_SOURCE = (
    "the frame returned by dixa_analytics.fetch_activitylog or dixa_analytics.events_frame"
)

# Exploded attribute fields of the activity log, by their snake_case column name. Nested
# objects (``agent``, ``user``: id, name, email, phone_number) become ``<key>_<field>``; every
# documented tag key spelling becomes ``tag``; ``avatal_url`` (sic, seen in real data)
# becomes ``avatar_url``. Keys not listed here are appended after these columns.
# Free-text and label fields are categorical: most rows of the events frame are null in most
# of these columns, and a null category code takes 1 byte where a null string takes 8, which
# keeps a million events within a few hundred MB. Ids stay strings.
EVENT_ATTRIBUTES: Schema = {
    "conversation_subject": CATEGORY,
    "message_id": STRING,
    "from_endpoint": CATEGORY,
    "avatar_url": CATEGORY,
    "note": CATEGORY,
    "agent_names": OBJECT,  # list of the names the conversation was offered to
    "queue_label": CATEGORY,
    "destination_id": STRING,
    "destination_type": CATEGORY,
    "destination_label": CATEGORY,
    "transfer_type": CATEGORY,
    "reason": CATEGORY,
    "claimed_from_label": CATEGORY,
    "claimed_from_type": CATEGORY,
    "language": CATEGORY,
    "template_name": CATEGORY,
    "rating_scheduled_time": UTC,
    "score": INT,
    "message": CATEGORY,
    # Every field of the documented agent/user objects is declared, so that the columns do not
    # depend on which event types a window holds (agent_id/agent_name are core columns).
    "agent_email": CATEGORY,
    "agent_phone_number": CATEGORY,
    "user_id": STRING,
    "user_name": CATEGORY,
    "user_email": CATEGORY,
    "user_phone_number": CATEGORY,
}

#: Attribute columns holding a list of text per event (Python lists: pandas reads those back
#: from Parquet, as it cannot read an arrow list column's dtype back).
LIST_COLUMNS = frozenset({"agent_names"})

EVENTS: Schema = {
    "event_id": STRING,
    "conversation_id": INT,
    "timestamp": UTC,
    "activity_type": CATEGORY,
    "author_id": STRING,
    "author_name": STRING,
    "author_email": STRING,
    "author_is_agent": BOOL,
    "tag": STRING,
    "agent_id": STRING,
    "agent_name": STRING,
    "queue_id": STRING,
    "queue_name": STRING,
    "channel": CATEGORY,  # the conversation's channel, joined from conversations
    **EVENT_ATTRIBUTES,
}
