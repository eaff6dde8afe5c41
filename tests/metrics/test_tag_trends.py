"""Tag trends: creation cohorts, one count per conversation and tag, the full grid, top=."""

from __future__ import annotations

import pandas as pd
import pytest

from dixa_analytics.metrics import tag_trends

CREATED = "conversation_created_by_customer"
ADDED, REMOVED = "tag_added", "tag_removed"
DAY = 24 * 60


def tag(name: str) -> dict:
    return {"tag": name}


@pytest.fixture
def events(make_events):
    return make_events(
        [
            # week of 2026-03-02 (Mon) to 2026-03-08
            (1, 0, CREATED),
            (1, 1, ADDED, tag("billing")),
            (1, 2, ADDED, tag("billing")),  # same tag twice: once
            (2, DAY, CREATED),
            (2, DAY + 1, ADDED, tag("bug")),
            (2, DAY + 2, REMOVED, tag("bug")),  # removed later: still counts
            (3, 2 * DAY, CREATED),
            # week of 2026-03-30 to 2026-04-05: crosses into April
            (4, 28 * DAY, CREATED),
            (4, 35 * DAY, ADDED, tag("billing")),  # added later: counts in creation week
            (5, 30 * DAY, "message_added_by_customer"),  # 2026-04-01; no creation: first event
            (5, 30 * DAY + 1, ADDED, tag("refund")),
        ]
    )


def test_weekly_grid_with_zeros(events):
    result = tag_trends(events)
    assert list(result.columns) == [
        "period",
        "tag",
        "conversations",
        "cohort_size",
        "share",
        "complete",
    ]
    assert result["period"].dtype == pd.PeriodDtype("W-SUN")
    assert (
        result["period"].astype(str).tolist()
        == ["2026-03-02/2026-03-08"] * 3 + ["2026-03-30/2026-04-05"] * 3
    )
    assert result["tag"].tolist() == ["billing", "bug", "refund"] * 2
    assert result["conversations"].tolist() == [1, 1, 0, 1, 0, 1]
    assert result["cohort_size"].tolist() == [3, 3, 3, 2, 2, 2]
    assert result["share"].tolist() == pytest.approx([1 / 3, 1 / 3, 0, 0.5, 0, 0.5])


def test_monthly_periods_split_the_crossing_week(events):
    result = tag_trends(events, freq="M")
    months = result.drop_duplicates("period")
    assert months["period"].astype(str).tolist() == ["2026-03", "2026-04"]
    assert months["cohort_size"].tolist() == [4, 1]


def test_top_keeps_most_used_tags(events):
    assert tag_trends(events, top=1)["tag"].unique().tolist() == ["billing"]
    # bug and refund tie on one conversation each; the tie goes by name
    assert sorted(tag_trends(events, top=2)["tag"].unique()) == ["billing", "bug"]


def test_pooled_cohort(events):
    result = tag_trends(events, freq=None)
    assert list(result.columns) == ["tag", "conversations", "cohort_size", "share", "complete"]
    assert result["conversations"].tolist() == [2, 1, 1]
    assert result["cohort_size"].tolist() == [5, 5, 5]


def test_bad_top(events):
    with pytest.raises(ValueError, match="top"):
        tag_trends(events, top=0)
