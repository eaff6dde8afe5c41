"""Fixtures for the metric tests: events frames written by hand, minute by minute.

Rows are ``(conversation_id, minute, activity_type)`` or ``(conversation_id, minute,
activity_type, {column: value, ...})``; minutes count from ``T0`` (a Monday, 09:00 UTC).
Frames go through ``conform(..., EVENTS)`` so they have the events frame's exact dtypes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd
import pytest

from dixa_analytics.events import EVENTS
from dixa_analytics.frames import conform

T0 = pd.Timestamp("2026-03-02 09:00", tz="UTC")

Row = tuple


def build_events(rows: Sequence[Row]) -> pd.DataFrame:
    records = []
    for i, row in enumerate(rows):
        conv, minute, activity = row[:3]
        extra = row[3] if len(row) > 3 else {}
        records.append(
            {
                "event_id": f"e{i}",
                "conversation_id": conv,
                "timestamp": T0 + pd.Timedelta(minutes=minute),
                "activity_type": activity,
                **extra,
            }
        )
    return conform(pd.DataFrame(records), EVENTS)


@pytest.fixture
def make_events() -> Callable[[Sequence[Row]], pd.DataFrame]:
    """Build an events frame from ``(conversation_id, minute, activity_type[, extra])``."""
    return build_events


@pytest.fixture
def t0() -> pd.Timestamp:
    return T0
