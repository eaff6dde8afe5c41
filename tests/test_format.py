"""Numbers for people, as the figures, the report and the command line show them."""

from __future__ import annotations

import pandas as pd
import pytest

from dixa_analytics._format import (
    choose_unit,
    format_count,
    format_duration,
    format_number,
    format_percent,
)


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
