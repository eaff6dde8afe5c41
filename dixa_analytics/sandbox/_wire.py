"""Render canonical records into the wire format, applying the rendering switches.

Canonical records hold integer epoch milliseconds; the Integrations API writes timestamps
as strings in one of the documented forms, the Exports API as integer milliseconds. Per-record
choices ("mixed" switches, shares) hash the record id with CRC-32 so they never depend on
Python's randomised ``hash``.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from dixa_analytics.sandbox._switches import Switches

if TYPE_CHECKING:
    from dixa_analytics.sandbox._organisation import Organisation

__all__ = [
    "DOCUMENTED_TYPES",
    "EXPORT_CHANNELS",
    "LONE_SURROGATE",
    "OLD_TYPES",
    "choose",
    "export_conversation",
    "export_message",
    "format_timestamp",
    "iso_ms",
    "render_conversation",
    "render_event",
    "render_message",
    "render_note",
    "share",
    "with_zone_name",
]

OLD_TYPES = frozenset(
    {
        "tag_added",
        "tag_removed",
        "conversation_created_by_customer",
        "conversation_created_by_agent",
        "conversation_closed",
        "conversation_pending",
        "conversation_reopened",
        "note_added",
        "message_added_by_customer",
        "message_added_by_agent",
    }
)
DOCUMENTED_TYPES = OLD_TYPES | {
    "conversation_assigned",
    "conversation_offered",
    "conversation_offer_rejected",
    "conversation_offer_timeout",
    "conversation_offer_accepted",
    "transfer_initiated",
    "transfer_failed",
    "transfer_successful",
    "conversation_language_updated",
    "followup_added",
    "followup_removed",
    "followup_expired",
    "conversation_autoreply_sent",
    "conversation_rating_scheduled",
    "conversation_rating_unscheduled",
    "conversation_rating_cancelled",
    "conversation_rated",
    "conversation_claimed",
    "conversation_unassigned",
}

# The Exports API spells channels without underscores (reference 4.2).
EXPORT_CHANNELS = {
    "widget_chat": "widgetchat",
    "phone": "phone",
    "voice_mail": "voicemail",
    "email": "email",
    "contact_form": "contactform",
    "callback": "callback",
    "facebook_messenger": "facebookmessenger",
}

_FORMS = ("iso_ms", "iso_seconds", "colon_ms", "offset")
_TIMESTAMP_FIELDS = ("activity_timestmap", "activity_timestamp")
_TAG_KEYS = ("tag_name", "tag_added", "tag")
_MISSING = ("null", "absent", "empty")
_TAG_TYPES = frozenset({"tag_added", "tag_removed"})
_COUNTRIES = ("DK", "DE", "SE", "GB", "NL")
#: Half an emoji (the high surrogate of U+1F600): valid in JSON as ``"\\ud83d"``, but no text.
LONE_SURROGATE = "\ud83d"


def iso_ms(ms: int) -> str:
    """Return epoch milliseconds as ``YYYY-MM-DDTHH:MM:SS.mmmZ`` (UTC).

    Examples
    --------
    >>> iso_ms(1600087304703)
    '2020-09-14T12:41:44.703Z'
    """
    seconds, milli = divmod(ms, 1000)
    t = time.gmtime(seconds)
    return (
        f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}T"
        f"{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d}.{milli:03d}Z"
    )


def _bucket(key: str, salt: str) -> int:
    return zlib.crc32(f"{salt}:{key}".encode())


def share(key: str, salt: str, fraction: float) -> bool:
    """Whether record ``key`` falls in the ``fraction`` of records a switch picks (by hash)."""
    return fraction > 0 and (_bucket(key, salt) % 10_000) < fraction * 10_000


def choose(choice: str, options: tuple[str, ...], key: str, salt: str) -> str:
    """``choice`` itself, or for ``"mixed"`` one of ``options`` picked by the record's hash."""
    if choice != "mixed":
        return choice
    return options[_bucket(key, salt) % len(options)]


def with_zone_name(stamp: str | None, fraction: float, key: str) -> str | None:
    """``stamp`` with the zone's name after it (``...Z[GMT]``) for ``fraction`` of records.

    Examples
    --------
    >>> with_zone_name("2021-12-01T12:46:36.581Z", 1.0, "e1")
    '2021-12-01T12:46:36.581Z[GMT]'
    """
    if stamp is None or not share(key, "zone", fraction):
        return stamp
    return stamp + "[GMT]"


def format_timestamp(stamp: str | None, form: str, key: str = "") -> str | None:
    """Rewrite an ``iso_ms`` timestamp string in another documented form.

    Parameters
    ----------
    stamp : str or None
        A timestamp as written by :func:`iso_ms`; None stays None.
    form : str
        ``"iso_ms"``, ``"iso_seconds"``, ``"colon_ms"``, ``"offset"`` or ``"mixed"``.
    key : str
        Record id used to pick the form when ``form="mixed"``.

    Examples
    --------
    >>> format_timestamp("2020-09-14T12:41:44.703Z", "colon_ms")
    '2020-09-14T12:41:44:703Z'
    >>> format_timestamp("2020-09-14T12:41:44.703Z", "offset")
    '2020-09-14T12:41:44.703+00:00'
    """
    if stamp is None:
        return None
    form = choose(form, _FORMS, key, "form")
    if form == "iso_ms":
        return stamp
    if form == "iso_seconds":
        return stamp[:19] + "Z"
    if form == "colon_ms":
        return f"{stamp[:19]}:{stamp[20:23]}Z"
    return stamp[:23] + "+00:00"


def render_event(event: Mapping[str, Any], switches: Switches) -> dict[str, Any]:
    """Return one canonical activity-log event as served, with ``switches`` applied."""
    event_id = event["id"]
    stamp = format_timestamp(iso_ms(event["timestamp_ms"]), switches.timestamp_form, event_id)
    stamp = with_zone_name(stamp, switches.zone_suffix, event_id)
    out: dict[str, Any] = {"id": event_id, "conversation_id": event["conversation_id"]}
    field = switches.timestamp_field
    if field == "both":
        out["activity_timestmap"] = stamp
        out["activity_timestamp"] = stamp
    else:
        out[choose(field, _TIMESTAMP_FIELDS, event_id, "field")] = stamp
    activity_type = event["activity_type"]
    out["activity_type"] = activity_type
    author = event["author"]
    out["author"] = None if share(event_id, "author", switches.null_authors) else author
    attributes = event["attributes"]
    if attributes and share(event_id, "attributes", switches.null_attributes):
        attributes = None
    if not attributes:
        missing = choose(switches.missing_attributes, _MISSING, event_id, "missing")
        if missing == "null":
            out["attributes"] = None
        elif missing == "empty":
            out["attributes"] = {}
        return out
    if activity_type in _TAG_TYPES and share(event_id, "surrogate", switches.lone_surrogates):
        attributes = {**attributes, "tag_name": attributes["tag_name"] + LONE_SURROGATE}
    if activity_type in _TAG_TYPES and switches.tag_key != "tag_name":
        key = choose(switches.tag_key, _TAG_KEYS, event_id, "tag")
        attributes = {key: attributes["tag_name"]}
    out["attributes"] = attributes
    return out


def _ms_to_wire(ms: int | None, form: str, key: str) -> str | None:
    return None if ms is None else format_timestamp(iso_ms(ms), form, key)


def render_conversation(conv: Mapping[str, Any], switches: Switches) -> dict[str, Any]:
    """Return a canonical conversation as ``GET /v1/conversations/{csid}`` serves it."""
    form, key = switches.timestamp_form, str(conv["id"])
    attributes: dict[str, Any] = {"subject": conv["subject"]}
    if conv["language"] is not None:
        attributes["language"] = conv["language"]
    return {
        "id": conv["id"],
        "created_at": _ms_to_wire(conv["created_at_ms"], form, key),
        "requester_id": conv["requester_id"],
        "channel": conv["channel"],
        "direction": conv["direction"],
        "queued_at": _ms_to_wire(conv["queued_at_ms"], form, key),
        "queue_id": conv["queue_id"],
        "status": conv["status"],
        "status_updated_at": _ms_to_wire(conv["status_updated_at_ms"], form, key),
        "attributes": attributes,
        "assigned_to": conv["assignee_id"],
        "assigned_at": _ms_to_wire(conv["assigned_at_ms"], form, key),
    }


def render_message(message: Mapping[str, Any], switches: Switches) -> dict[str, Any]:
    """Return a stored message with its ``created_at`` in the switched form."""
    if switches.timestamp_form == "iso_ms":
        return dict(message)
    out = dict(message)
    out["created_at"] = format_timestamp(message["created_at"], switches.timestamp_form, out["id"])
    return out


render_note = render_message


def export_conversation(conv: Mapping[str, Any], org: Organisation) -> dict[str, Any]:
    """Return a canonical conversation as a ``conversation_export`` record (ms integers)."""
    requester = org.user(conv["requester_id"]) or {}
    assignee = org.user(conv["assignee_id"]) if conv["assignee_id"] else None
    queue = org.queue(conv["queue_id"]) if conv["queue_id"] else None
    channel = conv["channel"]
    endpoint = conv["endpoint"]
    email_endpoint = endpoint.get("email_address") if endpoint else None
    phone_endpoint = endpoint.get("phone_number") if endpoint else None
    phone_id = phone_endpoint["phone_number"] if phone_endpoint else None
    is_outbound = conv["direction"] == "outbound"
    rating = conv["rating"]
    tags_info = [org.tag_by_name(name) for name in conv["tags"]]
    closed = conv["status"] == "closed"
    return {
        "id": conv["id"],
        "created_at": conv["created_at_ms"],
        "initial_channel": EXPORT_CHANNELS.get(channel, channel),
        "requester_id": conv["requester_id"],
        "requester_name": requester.get("name"),
        "requester_email": requester.get("email"),
        "requester_additional_emails": [],
        "requester_phone_number": requester.get("phone_number"),
        "requester_additional_phone_numbers": [],
        "queued_at": conv["queued_at_ms"],
        "queue_id": conv["queue_id"],
        "queue_name": queue["name"] if queue else None,
        "closed_at": conv["closed_at_ms"],
        "rating_score": rating["rating_score"] if rating else None,
        "rating_message": rating["rating_message"] if rating else None,
        "ratings": [rating] if rating else [],
        "direction": conv["direction"],
        "assigned_at": conv["assigned_at_ms"],
        "assignee_id": assignee["id"] if assignee else None,
        "assignee_name": assignee["name"] if assignee else None,
        "assignee_email": assignee["email"] if assignee else None,
        "assignee_phone_number": assignee["phone_number"] if assignee else None,
        "to_provisioned_phone_number_id": phone_id if not is_outbound else None,
        "to_provisioned_phone_number_name": "Main line" if phone_id and not is_outbound else None,
        "from_provisioned_phone_number_id": phone_id if is_outbound else None,
        "from_provisioned_phone_number_name": "Main line" if phone_id and is_outbound else None,
        "total_duration": (
            (conv["closed_at_ms"] - conv["created_at_ms"]) // 1000 if closed else None
        ),
        "handling_duration": conv["handling_seconds"],
        "dixa_email_integration_id": (
            email_endpoint["internal_email_address"] if email_endpoint else None
        ),
        "dixa_email_integration_sender_name": org.name if email_endpoint else None,
        "forwarding_email": email_endpoint["spf_email"] if email_endpoint else None,
        "facebook_page_id": "fb-page-1" if channel == "facebook_messenger" else None,
        "facebook_page_name": org.name if channel == "facebook_messenger" else None,
        "widget_id": "widget-1" if channel == "widget_chat" else None,
        "widget_name": "Website chat" if channel == "widget_chat" else None,
        "conversation_wrapup_notes": [note["text"] for note in org.notes.get(conv["id"], [])],
        "transferee_name": conv["transferee_name"],
        "transferee_number": None,
        "transfer_time": conv["transfer_time_ms"],
        "originating_country": _COUNTRIES[_bucket(conv["requester_id"], "country") % 5],
        "updated_at": conv["updated_at_ms"],
        "last_message_created_at": conv["last_message_at_ms"],
        "status": conv["status"],
        "subject": conv["subject"],
        "anonymized_at": None,
        "tags": list(conv["tags"]),
        "tags_info": [
            {"id": tag["id"], "name": tag["name"], "is_deactivated": tag["is_deactivated"]}
            for tag in tags_info
        ],
        "custom_fields": [],
    }


def export_message(
    message: Mapping[str, Any], conv: Mapping[str, Any], org: Organisation, created_ms: int
) -> dict[str, Any]:
    """Return a stored message as a ``message_export`` record (ms integers)."""
    author = org.user(message["author_id"]) or {}
    attributes = message["attributes"]
    channel = conv["channel"]
    is_phone = channel in ("phone", "callback", "voice_mail")
    return {
        "id": message["id"],
        "csid": conv["id"],
        "created_at": created_ms,
        "initial_channel": EXPORT_CHANNELS.get(channel, channel),
        "author_name": author.get("name"),
        "author_email": author.get("email"),
        "direction": message["direction"],
        "text": attributes.get("text"),
        "from_phone_number": attributes.get("a_phone_number"),
        "to_phone_number": attributes.get("b_phone_number"),
        "duration": 30 + _bucket(message["id"], "duration") % 900 if is_phone else None,
        "recording_url": (
            f"https://recordings.sandbox.invalid/{message['id']}.mp3"
            if channel in ("phone", "callback")
            else None
        ),
        "voicemail_url": (
            f"https://recordings.sandbox.invalid/{message['id']}.mp3"
            if channel == "voice_mail"
            else None
        ),
        "from": attributes.get("from_email"),
        "to": attributes.get("to_emails"),
        "cc": attributes.get("cc_email", []),
        "bcc": [],
        "attached_files": [],
        "is_automated_message": attributes.get("is_automated_message", False),
        "chat_input_question": None,
        "chat_input_answer": None,
        "chat_menu_text": None,
    }
