"""Render canonical records as the Dixa API (``dev.dixa.io``) writes them: camelCase keys.

The organisation-wide activity log's records (reference section 6): ``id``,
``conversationId``, ``activityTimestamp``, ``activityType`` (CamelCase or the legacy
snake_case names), ``author`` (``id``, ``name``, ``email``, ``phoneNumber``) and
``attributes`` in camelCase with a PascalCase ``_type`` discriminator; and the reference
lists (agents, end users, queues, tags, teams).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dixa_analytics.sandbox._switches import Switches
from dixa_analytics.sandbox._wire import choose, iso_ms, share, with_zone_name

__all__ = [
    "camel_case",
    "pascal_case",
    "render_agent",
    "render_api_event",
    "render_end_user",
    "render_queue",
    "render_tag",
    "render_team",
]

_TYPE_SPELLINGS = ("camel", "snake")
_TAG_TYPES = frozenset({"tag_added", "tag_removed"})


def camel_case(name: str) -> str:
    """``agent_phone_number`` → ``agentPhoneNumber``.

    Examples
    --------
    >>> camel_case("avatal_url"), camel_case("tag_name")
    ('avatalUrl', 'tagName')
    """
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def pascal_case(name: str) -> str:
    """``conversation_closed`` → ``ConversationClosed``.

    Examples
    --------
    >>> pascal_case("transfer_successful")
    'TransferSuccessful'
    """
    return "".join(part.capitalize() for part in name.split("_"))


def _camel_keys(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {camel_case(str(k)): _camel_keys(v) for k, v in value.items()}
    return value


def render_api_event(event: Mapping[str, Any], switches: Switches) -> dict[str, Any]:
    """Return one canonical activity-log event as the organisation-wide log serves it."""
    event_id = event["id"]
    kind = event["activity_type"]
    spelling = choose(switches.api_activity_types, _TYPE_SPELLINGS, event_id, "api-type")
    stamp = with_zone_name(iso_ms(event["timestamp_ms"]), switches.zone_suffix, event_id)
    author = event["author"]
    if author is not None and share(event_id, "author", switches.null_authors):
        author = None
    out: dict[str, Any] = {
        "id": event_id,
        "conversationId": event["conversation_id"],
        "activityTimestamp": stamp,
        "activityType": pascal_case(kind) if spelling == "camel" else kind,
        "author": _camel_keys(author),
    }
    attributes = event["attributes"]
    if attributes and not share(event_id, "attributes", switches.null_attributes):
        if kind in _TAG_TYPES:
            # The Dixa API names the tag "tag" (reference section 3.3).
            attributes = {"tag": attributes["tag_name"]}
        out["attributes"] = {"_type": pascal_case(kind), **_camel_keys(attributes)}
    return out


def render_agent(user: Mapping[str, Any]) -> dict[str, Any]:
    """An agent as ``GET /v1/agents`` lists it."""
    return {
        "id": user["id"],
        "displayName": user["name"],
        "email": user["email"],
        "phoneNumber": user["phone_number"],
        "avatarUrl": user["avatar_url"],
        "roles": list(user["roles"]),
    }


def render_end_user(user: Mapping[str, Any]) -> dict[str, Any]:
    """An end user (customer) as ``GET /v1/endusers`` lists them."""
    return {
        "id": user["id"],
        "displayName": user["name"],
        "email": user["email"],
        "phoneNumber": user["phone_number"],
        "avatarUrl": user["avatar_url"],
    }


def render_queue(queue: Mapping[str, Any]) -> dict[str, Any]:
    """A queue as ``GET /v1/queues`` of the Dixa API lists it."""
    return {
        "id": queue["id"],
        "name": queue["name"],
        "isDefault": queue["is_default"],
        "priority": queue["priority"],
    }


def render_tag(tag: Mapping[str, Any]) -> dict[str, Any]:
    """A tag as ``GET /v1/tags`` of the Dixa API lists it (its state, not a flag)."""
    return {
        "id": tag["id"],
        "name": tag["name"],
        "state": "Inactive" if tag["is_deactivated"] else "Active",
    }


def render_team(team: Mapping[str, Any]) -> dict[str, Any]:
    """A team as ``GET /v1/teams`` lists it."""
    return {"id": team["id"], "name": team["name"]}
