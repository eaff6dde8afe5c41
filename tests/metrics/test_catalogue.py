"""The metric catalogue: one declaration per metric, which the report, the command line, the
figures and the docs read."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import dixa_analytics as dxa
from dixa_analytics.cli._query import METRICS, compute_metric
from dixa_analytics.frames import FLOAT, conform
from dixa_analytics.metrics import (
    CATALOGUE,
    DEFINITIONS,
    PLAIN_DEFINITIONS,
    Metric,
    View,
    metric_named,
)
from dixa_analytics.plots import figure
from dixa_analytics.report import build_report, summarize_report

README = Path(__file__).parents[2] / "README.md"


@pytest.fixture
def events(make_events):
    return make_events(
        [
            (1, 0, "conversation_created_by_customer", {"queue_name": "Sales"}),
            (1, 1, "conversation_offered"),
            (1, 2, "conversation_assigned", {"agent_id": "a1", "agent_name": "Alex"}),
            (1, 3, "tag_added", {"tag": "billing"}),
            (1, 4, "message_added_by_agent", {"author_id": "a1", "author_name": "Alex"}),
            (1, 9, "conversation_closed"),
            (1, 20, "conversation_reopened"),
            (2, 5, "conversation_created_by_customer", {"queue_name": "Support"}),
            (2, 6, "conversation_offered"),
        ]
    )


def test_every_public_metric_is_declared_once():
    names = [m.name for m in CATALOGUE.values()]
    assert names == list(CATALOGUE)
    for metric in CATALOGUE.values():
        assert getattr(dxa, metric.name) is metric.compute
        assert DEFINITIONS[metric.name] == metric.definition
        assert PLAIN_DEFINITIONS[metric.name] == metric.plain_definition
    for field in ("command", "key", "anchor"):
        values = [getattr(m, field) for m in CATALOGUE.values()]
        assert len(set(values)) == len(values), field


@pytest.mark.parametrize("name", list(CATALOGUE))
def test_each_result_has_its_declared_columns_and_dtypes(name, events):
    metric = CATALOGUE[name]
    result = metric.compute(events)
    declared = list(metric.schema)
    assert list(result.columns[-len(declared) :]) == declared
    expected = conform(pd.DataFrame(), metric.schema).dtypes
    assert result[declared].dtypes.equals(expected)
    for column in metric.durations:
        assert metric.schema[column] == FLOAT


def test_metrics_are_found_by_function_or_command_name():
    assert metric_named("resolution") is CATALOGUE["resolution_time"]
    assert metric_named("resolution_time") is CATALOGUE["resolution_time"]
    with pytest.raises(ValueError, match="no metric named 'speed'; the metrics are first-resp"):
        metric_named("speed")


def test_the_command_line_and_the_report_show_every_metric(events):
    assert tuple(m.command for m in CATALOGUE.values()) == METRICS
    page = build_report(events)
    for metric in CATALOGUE.values():
        assert f'id="{metric.anchor}"' in page
    summary = summarize_report(events)
    for metric in CATALOGUE.values():
        if metric.kind == "duration":
            assert set(summary[metric.key]) == {
                "count",
                "censored",
                "median_seconds",
                "median_ci_low",
                "median_ci_high",
                "p90_seconds",
            }


def test_the_readme_defines_every_metric():
    if not README.exists():
        pytest.skip(f"README not found at {README}")
    table = README.read_text(encoding="utf-8")
    for metric in CATALOGUE.values():
        # Its name, its sentence in plain words, then its exact definition.
        row = rf"^\| {re.escape(metric.title.lower())} \| {re.escape(metric.plain_definition)} \| "
        assert re.search(row, table, re.M), metric.name


@pytest.mark.parametrize("name", list(CATALOGUE))
def test_each_metric_says_in_one_plain_sentence_what_it_measures(name):
    plain = CATALOGUE[name].plain_definition
    # One sentence, short enough to read at a glance, free of event names.
    assert plain.endswith(".")
    assert ". " not in plain
    assert len(plain) <= 200
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", plain), plain
    assert plain != CATALOGUE[name].definition


def test_handling_time_says_it_is_wall_clock_time_not_work():
    plain = PLAIN_DEFINITIONS["handling_time"]
    assert plain.startswith("Wall-clock time a conversation was open and assigned")
    assert "nights and weekends included" in plain
    assert "not how long they worked on it" in plain


def _longest_gap(events: pd.DataFrame, *, as_of=None) -> pd.DataFrame:
    """A made-up duration metric: each conversation's longest pause between two events."""
    ordered = events.sort_values(["conversation_id", "timestamp"])
    gaps = ordered.groupby("conversation_id")["timestamp"].diff().dt.total_seconds()
    result = gaps.groupby(ordered["conversation_id"]).max().fillna(0.0)
    return pd.DataFrame(
        {
            "conversation_id": result.index.astype("Int64"),
            "gap_seconds": result.to_numpy(dtype=float),
            "observed": np.ones(len(result), dtype=bool),
        }
    )


def test_a_new_metric_is_one_function_and_one_entry(events, monkeypatch):
    gap = Metric(
        name="longest_gap",
        command="longest-gap",
        key="longest_gap",
        title="Longest gap",
        compute=_longest_gap,
        schema={"conversation_id": "Int64", "gap_seconds": FLOAT, "observed": "boolean"},
        definition="The longest pause between two events of a conversation, in seconds.",
        plain_definition="The longest time a conversation went without anything happening.",
        kind="duration",
        seconds="gap_seconds",
        card="longest gap",
        options=frozenset({"by"}),
        views=(View(),),
    )
    monkeypatch.setitem(CATALOGUE, gap.name, gap)
    monkeypatch.setitem(DEFINITIONS, gap.name, gap.definition)
    monkeypatch.setitem(PLAIN_DEFINITIONS, gap.name, gap.plain_definition)

    page = build_report(events)
    assert 'id="longest-gap"' in page
    assert "Median longest gap" in page
    assert "The longest time a conversation went without anything happening." in page
    # Gaps of 1 and 11 minutes, all observed: the Kaplan–Meier median is the smaller one,
    # where the share still going drops to one half.
    assert summarize_report(events)["longest_gap"]["median_seconds"] == 60
    assert compute_metric("longest-gap", events)["count"].tolist() == [2]
    assert figure(gap, _longest_gap(events)).layout.xaxis.title.text == "Longest gap (min)"
