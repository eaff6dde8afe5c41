"""summarize_durations: Kaplan–Meier statistics by default, observed-only on request, with
count and censored count."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dixa_analytics.metrics import (
    OBSERVED_SUMMARY,
    SUMMARY,
    handling_time,
    resolution_time,
    summarize_durations,
)


def test_stats_over_observed_rows_when_asked():
    result = pd.DataFrame(
        {
            "wait_seconds": [10.0, 20.0, 30.0, 40.0, 1000.0],
            "observed": pd.array([True, True, True, True, False], dtype="boolean"),
        }
    )
    row = summarize_durations(result, estimator="observed").iloc[0]
    assert (row["count"], row["censored"]) == (5, 1)
    assert row["observed_mean_seconds"] == 25
    assert row["observed_median_seconds"] == 25
    assert row["observed_p90_seconds"] == pytest.approx(37.0)


def test_kaplan_meier_counts_the_open_rows_as_at_least_that_long():
    # Six observed short waits and four still waiting after an hour: observed-only says the
    # p90 is under a minute, the product limit that 90 % is not reached yet.
    result = pd.DataFrame(
        {
            "response_seconds": [10.0, 20.0, 30.0, 40.0, 50.0, 60.0] + [3600.0] * 4,
            "observed": [True] * 6 + [False] * 4,
        }
    )
    km = summarize_durations(result).to_dict("records")[0]
    observed = summarize_durations(result, estimator="observed")
    assert observed["observed_p90_seconds"].iloc[0] < 60
    assert km["median_seconds"] == 50.0  # S drops to 0.5 at the fifth of ten
    assert np.isnan(km["p90_seconds"])  # S stays at 0.4
    assert km["median_ci_low"] <= km["median_seconds"]
    assert np.isnan(km["median_ci_high"])  # the band's upper curve never drops to 0.5


def test_a_censored_row_at_an_event_time_is_still_at_risk_there():
    # At 10 s one ends and one is censored: both are at risk, so S(10) = 1 - 1/4 (not 1 - 1/3).
    result = pd.DataFrame(
        {"x_seconds": [10.0, 10.0, 20.0, 30.0], "observed": [True, False, True, True]}
    )
    row = summarize_durations(result).iloc[0]
    # S(10) = 3/4, S(20) = 3/4 · 1/2 = 3/8: the median is at 20 s, the p90 at 30 s (S = 0).
    assert (row["median_seconds"], row["p90_seconds"]) == (20.0, 30.0)


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
    assert out["median_seconds"].tolist()[:2] == [1.0, 5.0]
    assert np.isnan(out["median_seconds"].iloc[2])  # nothing observed in the null group
    observed = summarize_durations(result, by="agent_id", estimator="observed")
    assert list(observed.columns) == ["agent_id", *OBSERVED_SUMMARY]
    assert observed["observed_mean_seconds"].tolist()[:2] == [1.0, 5.0]
    assert np.isnan(observed["observed_mean_seconds"].iloc[2])


def test_by_several_columns():
    result = pd.DataFrame(
        {
            "queue_name": ["q1", "q1", "q2", "q2"],
            "agent_id": ["a", "b", "a", "a"],
            "x_seconds": [1.0, 2.0, 3.0, 4.0],
            "observed": [True, True, True, True],
        }
    )
    out = summarize_durations(result, by=["queue_name", "agent_id"])
    groups = out[["queue_name", "agent_id"]].to_numpy().tolist()
    assert groups == [["q1", "a"], ["q1", "b"], ["q2", "a"]]
    assert out["median_seconds"].tolist() == [1.0, 2.0, 3.0]


@pytest.mark.parametrize("estimator", ["kaplan-meier", "observed"])
def test_empty_result_gives_one_zero_row(make_events, estimator):
    out = summarize_durations(handling_time(make_events([])), estimator=estimator)
    assert out["count"].tolist() == [0]
    assert out["censored"].tolist() == [0]
    assert out.iloc[:, 2:].isna().all().all()
    assert out.dtypes.astype(str).tolist() == ["Int64", "Int64"] + ["float64"] * (out.shape[1] - 2)


def test_missing_seconds_are_counted_but_not_estimated():
    result = pd.DataFrame({"x_seconds": [np.nan, 5.0], "observed": [True, True]})
    row = summarize_durations(result).iloc[0]
    assert (row["count"], row["median_seconds"]) == (2, 5.0)


def test_ambiguous_seconds_column_needs_seconds(make_events):
    frame = resolution_time(make_events([(1, 0, "conversation_closed")]))
    with pytest.raises(ValueError, match="seconds="):
        summarize_durations(frame)
    out = summarize_durations(frame, seconds="full_resolution_seconds")
    assert out["count"].tolist() == [1]


def test_bad_by():
    with pytest.raises(ValueError, match="queue"):
        summarize_durations(pd.DataFrame({"x_seconds": [1.0]}), by="queue")


def test_bad_estimator_names_the_choices():
    with pytest.raises(ValueError, match="'kaplan-meier', 'observed'"):
        summarize_durations(pd.DataFrame({"x_seconds": [1.0]}), estimator="km")
