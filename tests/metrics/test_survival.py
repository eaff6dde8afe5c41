"""Kaplan–Meier summaries against lifelines and a textbook product limit, and their invariants.

lifelines is the reference for the semantics (median, percentile, the median's interval from
``confidence_interval_``). Its published metadata caps pandas below 3, so it is installed
without its dependencies where pandas 3 is (see ``.ci/run``); where it is absent those tests
skip, and the textbook comparison below (one Python loop per group, written from the formulas)
still runs.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dixa_analytics import connect, fetch_activitylog
from dixa_analytics.metrics import first_response_time, resolution_time, summarize_durations
from dixa_analytics.metrics._survival import Z_95
from dixa_analytics.sandbox import Sandbox

SETTINGS = settings(max_examples=80, deadline=None, derandomize=True)


def generated(seed: int, n: int = 400) -> pd.DataFrame:
    """Durations with many ties (whole minutes) and heavy censoring, in three queues."""
    rng = np.random.default_rng(seed)
    queue = rng.choice(np.array(["Billing", "Sales", "VIP"], dtype=object), n, p=[0.5, 0.3, 0.2])
    scale = np.where(queue == "Billing", 30.0, np.where(queue == "Sales", 90.0, 10.0))
    minutes = np.ceil(rng.exponential(scale))
    censor_at = np.ceil(rng.exponential(scale * rng.uniform(0.5, 2.0)))
    observed = minutes <= censor_at
    return pd.DataFrame(
        {
            "queue_name": queue,
            "response_seconds": 60.0 * np.where(observed, minutes, censor_at),
            "observed": observed,
        }
    )


def textbook(durations: np.ndarray, observed: np.ndarray) -> dict[str, float]:
    """Product limit, Greenwood variance and log-log band, one distinct time at a time."""
    s, greenwood = 1.0, 0.0
    found: dict[str, float] = {}
    for t in np.unique(durations):
        at_risk = int((durations >= t).sum())
        d = int(((durations == t) & observed).sum())
        if d == 0:
            continue
        s *= 1 - d / at_risk
        greenwood += d / (at_risk * (at_risk - d)) if at_risk > d else 0.0
        if 0 < s < 1:
            centre, spread = math.log(-math.log(s)), Z_95 * math.sqrt(greenwood) / math.log(s)
            low, high = math.exp(-math.exp(centre - spread)), math.exp(-math.exp(centre + spread))
        else:
            low = high = s
        for name, value in (
            ("median_seconds", s),
            ("p90_seconds", s + 0.4),
            ("median_ci_low", low),
            ("median_ci_high", high),
        ):
            if name not in found and value <= 0.5 + 1e-9:
                found[name] = float(t)
    return found


def expected_by_queue(frame: pd.DataFrame, estimate) -> pd.DataFrame:
    rows = []
    for queue, part in frame.groupby("queue_name", sort=True):
        got = estimate(part["response_seconds"].to_numpy(), part["observed"].to_numpy())
        rows.append({"queue_name": queue, **got})
    columns = ["median_seconds", "median_ci_low", "median_ci_high", "p90_seconds"]
    return (
        pd.DataFrame(rows)
        .reindex(columns=["queue_name", *columns])
        .astype({"queue_name": object, **dict.fromkeys(columns, float)})
    )


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_agrees_with_the_textbook_product_limit_by_group(seed):
    frame = generated(seed)
    got = summarize_durations(frame, by="queue_name")
    expected = expected_by_queue(frame, textbook)
    pd.testing.assert_frame_equal(got[expected.columns].astype({"queue_name": object}), expected)


def lifelines_estimates(durations: np.ndarray, observed: np.ndarray) -> dict[str, float]:
    lifelines = pytest.importorskip("lifelines")
    from lifelines.utils import median_survival_times, qth_survival_time

    with np.errstate():  # lifelines sets numpy's error state globally; put it back after
        fitter = lifelines.KaplanMeierFitter().fit(durations, observed)
        band = median_survival_times(fitter.confidence_interval_)
        values = {
            "median_seconds": fitter.median_survival_time_,
            "p90_seconds": qth_survival_time(0.1, fitter.survival_function_),
            "median_ci_low": band.iloc[0, 0],
            "median_ci_high": band.iloc[0, 1],
        }
    return {k: float("nan") if np.isinf(v) else float(v) for k, v in values.items()}


@pytest.mark.parametrize("seed", [11, 12, 13, 14, 15, 16])
def test_agrees_with_lifelines_by_group(seed):
    frame = generated(seed, n=300)
    got = summarize_durations(frame, by="queue_name")
    expected = expected_by_queue(frame, lifelines_estimates)
    pd.testing.assert_frame_equal(got[expected.columns].astype({"queue_name": object}), expected)


def test_agrees_with_lifelines_when_almost_everything_is_open():
    rng = np.random.default_rng(7)
    durations = np.ceil(rng.exponential(600.0, 500))
    observed = rng.random(500) < 0.08
    got = summarize_durations(pd.DataFrame({"x_seconds": durations, "observed": observed}))
    expected = lifelines_estimates(durations, observed)
    for name, value in expected.items():
        assert got[name].iloc[0] == pytest.approx(value, nan_ok=True), name


@pytest.fixture(scope="module")
def sandbox_events() -> pd.DataFrame:
    with (
        Sandbox(seed=3, conversations=400) as sandbox,
        connect(sandbox=sandbox, cache=False, progress=False) as client,
    ):
        org = sandbox.organisation
        return fetch_activitylog(start=org.start, end=org.end, client=client)


def test_agrees_with_lifelines_on_the_sandbox(sandbox_events):
    pytest.importorskip("lifelines")
    for result, seconds in (
        (first_response_time(sandbox_events), "response_seconds"),
        (resolution_time(sandbox_events), "full_resolution_seconds"),
    ):
        got = summarize_durations(result, seconds=seconds).iloc[0]
        expected = lifelines_estimates(
            result[seconds].to_numpy(dtype=float), result["observed"].to_numpy(dtype=bool)
        )
        for name, value in expected.items():
            assert got[name] == pytest.approx(value, nan_ok=True), (seconds, name)


durations_strategy = st.lists(
    st.tuples(st.integers(0, 30).map(float), st.booleans()), min_size=1, max_size=40
)


def quantiles(pairs: list[tuple[float, bool]]) -> tuple[float, float]:
    frame = pd.DataFrame(pairs, columns=["x_seconds", "observed"])
    summary = summarize_durations(frame)
    # "Not reached" is later than any duration.
    return tuple(
        math.inf if np.isnan(summary[c].iloc[0]) else summary[c].iloc[0]
        for c in ("median_seconds", "p90_seconds")
    )


@SETTINGS
@given(durations_strategy, st.integers(0, 31).map(float))
def test_adding_a_censored_row_never_lowers_a_quantile(pairs, at):
    before = quantiles(pairs)
    after = quantiles([*pairs, (at, False)])
    assert after[0] >= before[0]
    assert after[1] >= before[1]


@SETTINGS
@given(st.lists(st.integers(0, 50).map(float), min_size=1, max_size=60))
def test_all_observed_gives_the_empirical_quantiles(values):
    frame = pd.DataFrame({"x_seconds": values, "observed": True})
    row = summarize_durations(frame).astype({"count": float, "censored": float}).iloc[0]
    ordered = np.sort(values)
    # The smallest value whose empirical distribution reaches q (numpy's "inverted_cdf").
    for name, q in (("median_seconds", 0.5), ("p90_seconds", 0.9)):
        rank = math.ceil(round(q * len(values), 9))
        assert row[name] == ordered[rank - 1], name
        assert row[name] == np.quantile(values, q, method="inverted_cdf"), name


@SETTINGS
@given(durations_strategy)
def test_the_median_lies_in_its_interval(pairs):
    frame = pd.DataFrame(pairs, columns=["x_seconds", "observed"])
    row = summarize_durations(frame).astype({"count": float, "censored": float}).iloc[0]
    if not np.isnan(row["median_seconds"]):
        assert row["median_ci_low"] <= row["median_seconds"]
        high = row["median_ci_high"]
        assert np.isnan(high) or high >= row["median_seconds"]


def test_an_estimate_landing_exactly_on_the_share_counts_as_reaching_it():
    # 1…80 s, all observed: S(40) = 40/80 = 0.5 exactly, so the median is 40 s, as the
    # empirical quantile says. lifelines multiplies in floating point and reads
    # 0.5000000000000002 there, so it answers 41 s: the one place where the two differ.
    durations = np.arange(1.0, 81.0)
    frame = pd.DataFrame({"x_seconds": durations, "observed": True})
    assert summarize_durations(frame)["median_seconds"].iloc[0] == 40.0
    assert np.quantile(durations, 0.5, method="inverted_cdf") == 40.0
    lifelines = pytest.importorskip("lifelines")
    with np.errstate():
        fitter = lifelines.KaplanMeierFitter().fit(durations, np.ones(80, dtype=bool))
    assert fitter.survival_function_.loc[40.0].iloc[0] == pytest.approx(0.5, abs=1e-12)
    assert fitter.median_survival_time_ == 41.0
