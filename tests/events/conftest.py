"""Fixtures of the events tests: a conversation's whole activity log, out of order."""

from __future__ import annotations

import pytest

AGENT = {"id": "a1", "name": "Alex Agent", "email": "alex@company.com", "phone_number": None}
CUSTOMER = {"id": "c1", "name": "Jane Customer", "email": "jane@example.com", "phone_number": "+45"}


@pytest.fixture
def full_log(make_event):
    """A conversation's life with one event of most documented types, out of order."""
    e = make_event
    return [
        e(
            "e05",
            10,
            "2026-03-02T09:05:00.000Z",
            "conversation_assigned",
            attributes={"agent_id": "a1", "agent_name": "Alex Agent"},
        ),
        e(
            "e01",
            10,
            "2026-03-02T09:00:00.000Z",
            "conversation_created_by_customer",
            author=CUSTOMER,
            attributes={"conversation_subject": "Where is my order?"},
        ),
        e(
            "e02",
            10,
            "2026-03-02T09:01:00Z",
            "message_added_by_customer",
            author=CUSTOMER,
            attributes={
                "message_id": "m1",
                "from_endpoint": "jane@example.com",
                "avatal_url": None,
            },
        ),
        e(
            "e03",
            10,
            "2026-03-02T09:02:00:000Z",
            "conversation_offered",
            attributes={"agent_names": ["Alex Agent", "Sam"], "queue_label": "Support"},
            spelling="activity_timestmap",
        ),
        e(
            "e06",
            10,
            "2026-03-02T10:06:00+01:00",
            "tag_added",
            author=AGENT,
            attributes={"tag_name": "refund"},
        ),
        e(
            "e07",
            10,
            "2026-03-02T09:07:00.000+00:00",
            "tag_removed",
            author=AGENT,
            attributes={"tag_removed": "refund"},
        ),
        e(
            "e08",
            10,
            "2026-03-02T09:08:00.000Z",
            "conversation_unassigned",
            attributes={"agent": AGENT},
        ),
        e(
            "e09",
            10,
            "2026-03-02T09:09:00.000Z",
            "conversation_claimed",
            author=AGENT,
            attributes={"claimed_from_label": "Support", "claimed_from_type": "queue"},
        ),
        e(
            "e10",
            10,
            "2026-03-02T09:10:00.000Z",
            "transfer_successful",
            author=AGENT,
            attributes={
                "destination_id": "a2",
                "destination_type": "agent",
                "destination_label": "Sam Second",
                "transfer_type": "agent",
                "reason": None,
            },
        ),
        e(
            "e11",
            10,
            "2026-03-02T09:11:00.000Z",
            "transfer_successful",
            author=AGENT,
            attributes={
                "destination_id": "q9",
                "destination_type": "queue",
                "destination_label": "Billing",
                "transfer_type": "queue",
            },
        ),
        e(
            "e12",
            10,
            "2026-03-02T09:12:00.000Z",
            "note_added",
            author=AGENT,
            attributes={"message_id": "n1", "note": "<b>VIP</b>", "avatar_url": "https://x/a.png"},
        ),
        e(
            "e13",
            10,
            "2026-03-02T09:13:00.000Z",
            "conversation_closed",
            author=AGENT,
            attributes=None,
        ),
        e(
            "e14",
            10,
            "2026-03-02T09:14:00.000Z",
            "conversation_rated",
            author=CUSTOMER,
            attributes={"agent": AGENT, "score": 4, "message": "Thanks"},
        ),
        e(
            "e15",
            10,
            "2026-03-02T09:15:00.000Z",
            "conversation_rating_scheduled",
            attributes={"rating_scheduled_time": "2026-03-03T09:00:00.000Z"},
        ),
        e(
            "e16",
            10,
            "2026-03-02T09:16:00.000Z",
            "conversation_language_updated",
            attributes={"language": "da"},
        ),
        e(
            "e17",
            10,
            "2026-03-02T09:17:00.000Z",
            "conversation_autoreply_sent",
            attributes={"template_name": "received"},
        ),
    ]
