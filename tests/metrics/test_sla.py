"""sla_attainment: met, breached and pending against a target, by group and period."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from dixa_analytics.metrics import SLA, first_response_time, handling_time, sla_attainment


def result() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "started_at": pd.to_datetime(
                ["2026-03-02", "2026-03-03", "2026-03-04", "2026-03-10", "2026-03-11"], utc=True
            ),
            "response_seconds": [3600.0, 3601.0, 5000.0, 120.0, 60.0],
            # Met at exactly the target; breached; still waiting past it; pending; met.
            "observed": [True, True, False, False, True],
            "queue_name": pd.array(["a", "a", "b", None, "b"], dtype="string"),
        }
    )


def test_met_breached_pending_and_attainment():
    out = sla_attainment(result(), "1h")
    assert out.to_dict("records") == [
        {"met": 2, "breached": 2, "pending": 1, "attainment": 0.5, "complete": True}
    ]
    assert out.dtypes.astype(str).tolist() == ["Int64", "Int64", "Int64", "float64", "boolean"]


def test_by_group_and_period_of_the_start():
    out = sla_attainment(result(), pd.Timedelta(hours=1), by="queue_name", freq="W")
    assert list(out.columns) == ["period", "queue_name", *SLA]
    assert out["period"].astype(str).tolist() == [
        "2026-03-02/2026-03-08",
        "2026-03-02/2026-03-08",
        "2026-03-09/2026-03-15",
        "2026-03-09/2026-03-15",
    ]
    assert out["queue_name"].dtype == "string"
    assert out["met"].tolist() == [1, 0, 1, 0]
    assert out["breached"].tolist() == [1, 1, 0, 0]
    assert out["pending"].tolist() == [0, 0, 0, 1]
    assert np.isnan(out["attainment"].iloc[3])  # nothing decided yet in the null queue


@pytest.mark.parametrize("target", ["30min", dt.timedelta(minutes=30), np.timedelta64(30, "m")])
def test_target_forms(target):
    assert sla_attainment(result(), target)["met"].tolist() == [1]


@pytest.mark.parametrize(
    ("target", "error", "message"),
    [
        (3600, TypeError, "has no unit"),
        ("soon", ValueError, "like '1h'"),
        ("0s", ValueError, "positive"),
        ("-1h", ValueError, "positive"),
        ([1], TypeError, "not list"),
    ],
)
def test_bad_targets_are_refused(target, error, message):
    with pytest.raises(error, match=message):
        sla_attainment(result(), target)


def test_a_period_needs_a_start(make_events):
    handling = handling_time(make_events([(1, 0, "conversation_created_by_customer")]))
    with pytest.raises(ValueError, match="handling time has no start"):
        sla_attainment(handling, "1h", freq="W")
    with pytest.raises(ValueError, match="period alias"):
        sla_attainment(result(), "1h", freq="fortnight")


def test_empty_result_gives_one_zero_row(make_events):
    out = sla_attainment(first_response_time(make_events([])), "1h")
    assert out[["met", "breached", "pending"]].to_numpy().tolist() == [[0, 0, 0]]
    assert np.isnan(out["attainment"].iloc[0])
    assert sla_attainment(first_response_time(make_events([])), "1h", freq="D").empty


def test_every_row_is_counted_once(make_events):
    events = make_events(
        [
            (1, 0, "conversation_created_by_customer"),
            (1, 30, "message_added_by_agent"),
            (2, 0, "conversation_created_by_customer"),
            (2, 90, "message_added_by_agent"),
            (3, 10, "conversation_created_by_customer"),
            (4, 200, "conversation_created_by_customer"),
        ]
    )
    frt = first_response_time(events)
    out = sla_attainment(frt, "1h")
    assert out[["met", "breached", "pending"]].to_numpy().sum() == len(frt)
    # 3 has waited 190 min at as_of (past the hour: breached), 4 not a minute (pending).
    assert out.to_dict("records")[0] == {
        "met": 1,
        "breached": 2,
        "pending": 1,
        "attainment": 1 / 3,
        "complete": True,
    }
