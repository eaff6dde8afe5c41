"""summarize_durations: statistics over observed rows, with count and censored count."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dixa_analytics.metrics import SUMMARY, handling_time, resolution_time, summarize_durations


def test_stats_over_observed_rows():
    result = pd.DataFrame(
        {
            "wait_seconds": [10.0, 20.0, 30.0, 40.0, 1000.0],
            "observed": pd.array([True, True, True, True, False], dtype="boolean"),
        }
    )
    row = summarize_durations(result).iloc[0]
    assert (row["count"], row["censored"]) == (5, 1)
    assert row["mean_seconds"] == 25
    assert row["median_seconds"] == 25
    assert row["p90_seconds"] == pytest.approx(37.0)


def test_by_groups_keep_nulls_and_dtypes():
    result = pd.DataFrame(
        {
            "agent_id": pd.array(["b", "a", None, "a"], dtype="string"),
            "handling_seconds": [5.0, 1.0, 7.0, 3.0],
            "observed": [True, True, False, False],
        }
    )
    out = summarize_durations(result, by="agent_id")
    assert list(out.columns) == ["agent_id", *SUMMARY]
    assert out["agent_id"].dtype == result["agent_id"].dtype
    assert out["agent_id"].tolist()[:2] == ["a", "b"]
    assert out["count"].tolist() == [2, 1, 1]
    assert out["censored"].tolist() == [1, 0, 1]
    assert out["mean_seconds"].tolist()[:2] == [1.0, 5.0]
    assert np.isnan(out["mean_seconds"].iloc[2])  # nothing observed in the null group


def test_empty_result_gives_one_zero_row(make_events):
    out = summarize_durations(handling_time(make_events([])))
    assert out["count"].tolist() == [0]
    assert out["censored"].tolist() == [0]
    assert out["median_seconds"].isna().all()
    assert out.dtypes.astype(str).tolist() == ["Int64", "Int64", "float64", "float64", "float64"]


def test_ambiguous_seconds_column_needs_seconds(make_events):
    frame = resolution_time(make_events([(1, 0, "conversation_closed")]))
    with pytest.raises(ValueError, match="seconds="):
        summarize_durations(frame)
    out = summarize_durations(frame, seconds="full_resolution_seconds")
    assert out["count"].tolist() == [1]


def test_bad_by():
    with pytest.raises(ValueError, match="queue"):
        summarize_durations(pd.DataFrame({"x_seconds": [1.0]}), by="queue")
