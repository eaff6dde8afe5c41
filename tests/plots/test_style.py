"""Shared formatting helpers and the public surface of the plots package."""

from __future__ import annotations

import pandas as pd
import pytest

import dixa_analytics.plots as plots
from dixa_analytics._format import choose_unit, format_count, format_duration, format_percent
from dixa_analytics.plots._style import label, nice_bin_size


def test_public_names():
    assert sorted(plots.__all__) == [
        "duration_figure",
        "figure",
        "plot_first_response",
        "plot_handling_time",
        "plot_queue_wait",
        "plot_reopen_rate",
        "plot_resolution",
        "plot_tag_trends",
    ]
    for name in plots.__all__:
        doc = getattr(plots, name).__doc__
        assert "{" + "by}" not in doc
        assert "{" + "returns}" not in doc


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


def test_label_escapes_markup_and_names_missing():
    assert label("a & <b>") == "a &amp; &lt;b&gt;"
    assert label(pd.NA) == "(none)"


@pytest.mark.parametrize(("span", "size"), [(100.0, 5.0), (30.0, 1.0), (0.0, 1.0), (7.0, 0.5)])
def test_nice_bin_size(span, size):
    assert nice_bin_size(span) == size
