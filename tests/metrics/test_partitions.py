"""over_partitions: which moment each part is measured at, and no parts at all."""

from __future__ import annotations

import pandas as pd
import pytest

from dixa_analytics.events import AS_OF
from dixa_analytics.metrics import RESOLUTION, over_partitions, resolution_time


@pytest.fixture
def parts(make_events) -> list[pd.DataFrame]:
    events = make_events(
        [
            (1, 0, "conversation_created_by_customer"),
            (1, 5, "conversation_closed"),
            (2, 1, "conversation_created_by_customer"),
            (3, 2, "conversation_created_by_customer"),
        ]
    )
    return [events[events["conversation_id"] == conv] for conv in (1, 2, 3)]


def test_every_part_is_measured_at_the_first_parts_as_of(parts, t0):
    as_of = t0 + pd.Timedelta(hours=1)
    marked = [part.copy() for part in parts]
    marked[0].attrs[AS_OF] = as_of.isoformat()
    result = over_partitions("resolution_time", marked)
    # Each open conversation is censored at the same moment, not at its own last event.
    assert result["full_resolution_seconds"].tolist() == [300.0, 3540.0, 3480.0]
    expected = resolution_time(pd.concat(parts), as_of=as_of)
    pd.testing.assert_frame_equal(result, expected)


def test_a_metric_measured_at_as_of_needs_one(parts):
    with pytest.raises(ValueError, match="pass as_of="):
        over_partitions("resolution", parts)


def test_a_rate_needs_no_as_of(parts):
    result = over_partitions("reopen_rate", parts)
    assert result["closed"].tolist() == [1]


def test_no_parts_give_the_declared_empty_result():
    result = over_partitions("resolution_time", [], as_of="2026-03-02")
    assert result.empty
    assert result.dtypes.astype(str).to_dict() == {
        column: str(dtype) for column, dtype in RESOLUTION.items()
    }
