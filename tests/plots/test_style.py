"""What the plots share (labels, bins) and the public surface of the plots package."""

from __future__ import annotations

import pandas as pd
import pytest

import dixa_analytics.plots as plots
from dixa_analytics.plots._style import label, nice_bin_size


def test_public_names():
    assert sorted(plots.__all__) == [
        "duration_figure",
        "figure",
        "plot_backlog",
        "plot_csat",
        "plot_first_response",
        "plot_handling_time",
        "plot_queue_wait",
        "plot_reopen_rate",
        "plot_resolution",
        "plot_survival",
        "plot_tag_trends",
        "setup_notebook",
    ]
    for name in plots.__all__:
        doc = getattr(plots, name).__doc__
        assert "{" + "by}" not in doc
        assert "{" + "returns}" not in doc


def test_label_escapes_markup_and_names_missing():
    assert label("a & <b>") == "a &amp; &lt;b&gt;"
    assert label(pd.NA) == "(not set)"


@pytest.mark.parametrize(("span", "size"), [(100.0, 5.0), (30.0, 1.0), (0.0, 1.0), (7.0, 0.5)])
def test_nice_bin_size(span, size):
    assert nice_bin_size(span) == size
