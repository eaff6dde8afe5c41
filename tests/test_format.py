"""Numbers for people, as the figures, the report and the command line show them."""

from __future__ import annotations

import pandas as pd
import pytest

from dixa_analytics._format import (
    ESTIMATE_COLUMNS,
    MISSING_LABEL,
    choose_unit,
    format_count,
    format_duration,
    format_number,
    format_percent,
    format_significant,
    humanize,
    is_duration,
    unit_name,
)
from dixa_analytics.metrics._summary import SUMMARY


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (45.0, "45.0 s"),
        (750.0, "12.5 min"),
        (11520.0, "3.2 h"),
        (3 * 86400.0, "3.0 d"),
        (None, "—"),
        (float("nan"), "—"),
    ],
)
def test_format_duration(seconds, text):
    assert format_duration(seconds) == text


def test_format_duration_fixed_unit():
    assert format_duration(7200.0, "minutes") == "120.0 min"


def test_format_percent_and_count():
    assert format_percent(0.0812) == "8.1 %"
    assert format_percent(None) == "—"
    assert format_count(1234567) == "1,234,567"
    assert format_count(pd.NA) == "—"


def test_choose_unit_boundaries():
    assert choose_unit(pd.Series([89 * 60.0])) == "minutes"
    assert choose_unit(pd.Series([91 * 60.0])) == "hours"
    assert choose_unit(pd.Series([49 * 3600.0])) == "days"
    assert choose_unit(pd.Series([], dtype="float64")) == "minutes"


def test_format_number_and_unspaced_percent():
    assert format_number(1467.04) == "1,467.0"
    assert format_number(float("nan")) == "—"
    assert format_percent(0.0599, spaced=False) == "6.0%"


def test_unit_names_short_and_long():
    assert [unit_name(u) for u in ("s", "min", "h", "d")] == ["seconds", "minutes", "hours", "days"]
    assert choose_unit(pd.Series([60.0]), "h") == "hours"
    with pytest.raises(ValueError, match="'h' \\(hours\\)"):
        unit_name("weeks")


def test_a_tiny_duration_in_a_large_unit_is_not_shown_as_zero():
    assert format_duration(60.0, "hours") == "<0.1 h"
    assert format_duration(180.0, "hours") == "0.1 h"
    assert format_duration(0.0, "days") == "0.0 d"


@pytest.mark.parametrize(
    ("value", "text"),
    [(1000.0, "1,000"), (1467.8, "1,468"), (123456.0, "123,456"), (0.001234, "0.00123"), (0, "0")],
)
def test_format_significant_is_never_scientific(value, text):
    assert format_significant(value) == text


SUMMARY_FRAME = pd.DataFrame(
    {
        "queue_name": pd.array(["Billing", "Sales", None], dtype="string"),
        "count": pd.array([12345, 3, 0], dtype="Int64"),
        "censored": pd.array([10, 3, 0], dtype="Int64"),
        "median_seconds": [7200.0, float("nan"), float("nan")],
        "median_ci_low": [600.0, float("nan"), float("nan")],
        "median_ci_high": [9000.0, float("nan"), float("nan")],
        "p90_seconds": [400000.0, float("nan"), float("nan")],
    }
)


def test_humanize_shows_one_unit_per_duration_column():
    shown = humanize(SUMMARY_FRAME)
    assert list(shown.columns) == [
        "queue_name",
        "count",
        "censored",
        "median (h)",
        "median_ci_low (h)",  # the interval follows the median's unit
        "median_ci_high (h)",
        "p90 (d)",
    ]
    assert shown.iloc[0].tolist() == ["Billing", "12,345", "10", "2.0 h", "0.2 h", "2.5 h", "4.6 d"]
    # A group whose estimates the curve never reaches, and a group with no rows.
    assert shown.iloc[1, 3:].tolist() == ["not reached"] * 4
    assert shown.iloc[2].tolist() == [MISSING_LABEL, "0", "0", "—", "—", "—", "—"]
    # The input is untouched.
    assert SUMMARY_FRAME["median_seconds"].iloc[0] == 7200.0


@pytest.mark.parametrize(("unit", "short"), [("min", "min"), ("hours", "h"), ("d", "d")])
def test_humanize_with_one_unit_for_every_column(unit, short):
    shown = humanize(SUMMARY_FRAME, unit=unit)
    durations = [c for c in shown.columns if "(" in c]
    assert durations
    assert all(c.endswith(f"({short})") for c in durations)
    assert all(v.endswith(f" {short}") for c in durations for v in shown[c].iloc[:1])


def test_humanize_rates_ids_periods_and_index():
    frame = pd.DataFrame(
        {
            "period": pd.period_range("2026-03", periods=2, freq="M"),
            "conversation_id": pd.array([123456, 7], dtype="Int64"),
            "closed": [1200, 3],
            "reopen_rate": [0.0599, float("nan")],
            "observed": [True, False],
        },
        index=["a", "b"],
    )
    shown = humanize(frame)
    assert shown.index.tolist() == ["a", "b"]
    assert shown["period"].tolist() == ["2026-03", "2026-04"]
    assert shown["conversation_id"].tolist() == [123456, 7]  # an identifier, not a count
    assert shown["closed"].tolist() == ["1,200", "3"]
    assert shown["reopen_rate"].tolist() == ["6.0%", "—"]
    assert shown["observed"].tolist() == [True, False]


def test_humanize_empty_and_bad_input():
    empty = humanize(SUMMARY_FRAME.iloc[:0])
    assert "median (min)" in empty.columns
    assert empty.empty
    with pytest.raises(TypeError, match="DataFrame"):
        humanize(SUMMARY_FRAME["count"])
    with pytest.raises(ValueError, match="unit must be"):
        humanize(SUMMARY_FRAME, unit="weeks")


def test_the_estimate_columns_are_the_summary_estimates():
    assert set(ESTIMATE_COLUMNS) == set(SUMMARY) - {"count", "censored"}
    assert all(is_duration(c) for c in SUMMARY if c not in ("count", "censored"))
