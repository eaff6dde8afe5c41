"""The vocabulary: key spellings, attribute columns, activity-type names and kinds."""

from __future__ import annotations

import pytest

from dixa_analytics.events._vocabulary import attribute_column, snake_case


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("agentId", "agent_id"),
        ("destinationLabel", "destination_label"),
        ("tag_name", "tag_name"),
        ("HTMLBody", "html_body"),
        ("ratingScheduledTime", "rating_scheduled_time"),
        ("SLA", "sla"),
    ],
)
def test_snake_case(key, expected):
    assert snake_case(key) == expected


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("tag_name", "tag"),
        ("tagAdded", "tag"),
        ("tag_removed", "tag"),
        ("avatal_url", "avatar_url"),
        ("activity_type", "attr_activity_type"),
        ("queueName", "attr_queue_name"),
        ("note", "note"),
    ],
)
def test_attribute_column(key, expected):
    assert attribute_column(key) == expected
