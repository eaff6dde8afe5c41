"""What the activity log's records say, each fact stated once.

The spellings of the record keys, the activity types the analyses react to (their
:class:`Kind`), the attribute columns each type carries, which transfer destinations name an
agent, and how an attribute key becomes a column. The reader, the frame, ``split_by_type`` and
the metrics all read these names from here (API reference, sections 3 and 6).
"""

from __future__ import annotations

import re
from enum import IntEnum
from functools import lru_cache

__all__ = [
    "AGENT_DESTINATION_TYPES",
    "EVENT_CORE_FIELDS",
    "IGNORED_ATTRIBUTE_KEYS",
    "RECORD_KEYS",
    "TAG_KEYS",
    "TIMESTAMP_KEYS",
    "TRANSFER_TYPES",
    "TYPE_COLUMNS",
    "Kind",
    "activity_type_name",
    "attribute_column",
    "is_agent_destination",
    "kind_of",
    "snake_case",
]

#: The record's timestamp, in order of preference: the spelling real data uses, the documented
#: misspelling (sic), and the Dixa API's camelCase.
TIMESTAMP_KEYS = ("activity_timestamp", "activity_timestmap", "activityTimestamp")
#: The spellings of the other fields of a record that the APIs use: the Integrations API's
#: snake_case and the Dixa API's camelCase (``id`` and ``author`` are the same in both).
RECORD_KEYS: dict[str, tuple[str, ...]] = {
    "conversation_id": ("conversation_id", "conversationId"),
    "activity_type": ("activity_type", "activityType"),
    "timestamp": TIMESTAMP_KEYS,
}
#: Attribute keys that are not data: the Dixa API's discriminator of the attribute variant.
IGNORED_ATTRIBUTE_KEYS = frozenset({"_type"})
#: Every documented spelling of the tag attribute, in order of preference.
TAG_KEYS = ("tag_name", "tag_added", "tag", "tag_removed")
# Attribute keys spelled differently in real data than in the docs.
_KEY_ALIASES = {"avatal_url": "avatar_url"}
#: Columns the events frame fills from the record itself (or from joins). An attribute key that
#: would land on one of them is kept as ``attr_<key>`` instead of overwriting it.
EVENT_CORE_FIELDS = frozenset(
    {
        "event_id",
        "conversation_id",
        "timestamp",
        "activity_type",
        "author_id",
        "author_name",
        "author_email",
        "author_is_agent",
        "queue_id",
        "queue_name",
        "channel",
        "attributes",
    }
)
#: Transfer destination types that name an agent rather than a queue (compared lower-case).
AGENT_DESTINATION_TYPES = frozenset({"agent", "user"})
#: The activity types of a transfer; only a successful one moves the conversation.
TRANSFER_TYPES = frozenset({"transfer_initiated", "transfer_failed", "transfer_successful"})


class Kind(IntEnum):
    """The activity types the analyses react to; every other type is ``OTHER``."""

    OTHER = 0
    CREATED_BY_CUSTOMER = 1
    CREATED_OTHER = 2  # conversation_created_by_agent and any other conversation_created_*
    REOPENED = 3
    PENDING = 4
    CLOSED = 5
    ASSIGNED = 6
    CLAIMED = 7
    UNASSIGNED = 8
    TRANSFERRED = 9  # transfer_successful only: initiated/failed transfers change nothing
    OFFERED = 10
    AGENT_MESSAGE = 11
    TAG_ADDED = 12
    RATED = 13
    RATING_OFFERED = 14
    RATING_SCHEDULED = 15
    RATING_WITHDRAWN = 16  # conversation_rating_unscheduled or _cancelled


_KINDS = {
    "conversation_created_by_customer": Kind.CREATED_BY_CUSTOMER,
    "conversation_reopened": Kind.REOPENED,
    "conversation_pending": Kind.PENDING,
    "conversation_closed": Kind.CLOSED,
    "conversation_assigned": Kind.ASSIGNED,
    "conversation_claimed": Kind.CLAIMED,
    "conversation_unassigned": Kind.UNASSIGNED,
    "transfer_successful": Kind.TRANSFERRED,
    "conversation_offered": Kind.OFFERED,
    "message_added_by_agent": Kind.AGENT_MESSAGE,
    "tag_added": Kind.TAG_ADDED,
    "conversation_rated": Kind.RATED,
    "conversation_rating_offered": Kind.RATING_OFFERED,
    "conversation_rating_scheduled": Kind.RATING_SCHEDULED,
    "conversation_rating_unscheduled": Kind.RATING_WITHDRAWN,
    "conversation_rating_cancelled": Kind.RATING_WITHDRAWN,
}

_TRANSFER_COLUMNS = (
    "agent_id",
    "agent_name",
    "destination_id",
    "destination_type",
    "destination_label",
    "transfer_type",
    "reason",
)
_AGENT_COLUMNS = ("agent_id", "agent_name", "agent_email", "agent_phone_number")
#: The attribute columns each activity type carries, from the reference's attribute variants
#: (section 3.3). Types without a variant carry none.
TYPE_COLUMNS: dict[str, tuple[str, ...]] = {
    "tag_added": ("tag",),
    "tag_removed": ("tag",),
    "conversation_created_by_customer": ("conversation_subject",),
    "conversation_created_by_agent": ("conversation_subject",),
    "message_added_by_customer": ("message_id", "from_endpoint", "avatar_url"),
    "message_added_by_agent": ("message_id", "from_endpoint", "avatar_url"),
    "note_added": ("message_id", "avatar_url", "note"),
    "conversation_offered": ("agent_names", "queue_label"),
    "conversation_assigned": ("agent_id", "agent_name"),
    "conversation_unassigned": _AGENT_COLUMNS,
    "transfer_initiated": _TRANSFER_COLUMNS,
    "transfer_failed": _TRANSFER_COLUMNS,
    "transfer_successful": _TRANSFER_COLUMNS,
    "conversation_claimed": ("agent_id", "agent_name", "claimed_from_label", "claimed_from_type"),
    "conversation_language_updated": ("language",),
    "conversation_autoreply_sent": ("template_name",),
    "conversation_rating_scheduled": ("rating_scheduled_time",),
    "conversation_rating_offered": (
        *_AGENT_COLUMNS,
        "user_id",
        "user_name",
        "user_email",
        "user_phone_number",
    ),
    "conversation_rated": (*_AGENT_COLUMNS, "score", "message"),
}

_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


@lru_cache(maxsize=4096)
def snake_case(key: str) -> str:
    """Return ``key`` in snake_case (``agentId`` → ``agent_id``; snake_case is kept).

    Examples
    --------
    >>> snake_case("destinationLabel"), snake_case("tag_name"), snake_case("HTMLBody")
    ('destination_label', 'tag_name', 'html_body')
    """
    return _CAMEL_BOUNDARY.sub("_", key.strip()).replace("-", "_").replace(" ", "_").lower()


def activity_type_name(label: str) -> str:
    """The snake_case name of an activity type in either spelling the APIs use.

    The Dixa API may write types in CamelCase (``ConversationClosed``); unknown types are
    kept, only respelled.

    Examples
    --------
    >>> activity_type_name("ConversationClosed"), activity_type_name("tag_added")
    ('conversation_closed', 'tag_added')
    """
    return snake_case(label)


def kind_of(label: object) -> Kind:
    """The :class:`Kind` of an activity type (either spelling); ``OTHER`` for the rest.

    Examples
    --------
    >>> kind_of("conversation_created_by_agent").name, kind_of("TransferSuccessful").name
    ('CREATED_OTHER', 'TRANSFERRED')
    """
    name = activity_type_name(str(label))
    if name in _KINDS:
        return _KINDS[name]
    if name.startswith("conversation_created"):
        return Kind.CREATED_OTHER
    return Kind.OTHER


def is_agent_destination(destination_type: object) -> bool:
    """Whether a transfer's destination type names an agent (any case, spaces ignored).

    Examples
    --------
    >>> is_agent_destination(" Agent"), is_agent_destination("queue"), is_agent_destination(None)
    (True, False, False)
    """
    return isinstance(destination_type, str) and (
        destination_type.strip().lower() in AGENT_DESTINATION_TYPES
    )


@lru_cache(maxsize=4096)
def attribute_column(key: str) -> str:
    """Return the events-frame column an activity-log attribute key goes to.

    Examples
    --------
    >>> attribute_column("tag_added"), attribute_column("avatal_url"), attribute_column("queueId")
    ('tag', 'avatar_url', 'attr_queue_id')
    """
    name = snake_case(str(key))
    if not name:  # a key "" must not become a column without a name
        return "attr_empty_key"
    if name in TAG_KEYS:
        return "tag"
    name = _KEY_ALIASES.get(name, name)
    return f"attr_{name}" if name in EVENT_CORE_FIELDS else name
