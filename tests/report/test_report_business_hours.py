"""The report's business-hours switch, its CSAT section and its backlog figure."""

from __future__ import annotations

import re

import pandas as pd
import pytest

import dixa_analytics as dxa
from dixa_analytics.events import EVENTS
from dixa_analytics.frames import conform
from dixa_analytics.report import build_report, summarize_report

HOURS = dxa.BusinessHours({"mon-fri": "09:00-17:00"}, tz="Europe/Copenhagen")


def section(page: str, anchor: str) -> str:
    match = re.search(rf'<section class="metric" id="{anchor}".*?</section>', page, re.S)
    assert match, anchor
    return match.group(0)


def test_waits_are_measured_in_business_hours_and_the_report_says_so(events_of, as_of):
    events = events_of()
    page = build_report(events, as_of=as_of, business_hours=HOURS)
    assert "waits in business hours" in page
    assert "mon-fri 09:00-17:00 (Europe/Copenhagen)" in page
    for anchor in ("first-response", "queue-wait", "resolution"):
        assert "measured in business hours" in section(page, anchor)
    assert "measured in business hours" not in section(page, "handling-time")
    assert "business hours" not in build_report(events, as_of=as_of)


def test_the_summary_in_business_hours_is_the_metrics(events_of, as_of):
    events = events_of()
    wall = summarize_report(events, as_of=as_of)
    open_ = summarize_report(events, as_of=as_of, business_hours=HOURS)
    direct = dxa.summarize_durations(
        dxa.resolution_time(events, as_of=as_of, business_hours=HOURS),
        seconds="full_resolution_seconds",
    )
    assert open_["full_resolution"]["median_seconds"] == direct["median_seconds"].iloc[0]
    assert open_["full_resolution"]["median_seconds"] < wall["full_resolution"]["median_seconds"]
    assert open_["handling"] == wall["handling"]  # agent work time stays wall-clock
    assert open_["reopen_rate"] == wall["reopen_rate"]


def test_the_csat_section_states_its_totals(events_of, as_of):
    events = events_of()
    rated = pd.DataFrame(
        {
            "event_id": ["r1", "r2", "r3", "o1"],
            "conversation_id": [100, 101, 101, 102],
            "timestamp": pd.to_datetime(
                ["2026-03-03", "2026-03-04", "2026-03-05", "2026-03-05"], utc=True
            ),
            "activity_type": [
                "conversation_rated",
                "conversation_rated",
                "conversation_rated",
                "conversation_rating_offered",
            ],
            "score": [5, 1, None, None],
            "agent_name": ["Ana Berg", "Bo Lund", "Bo Lund", "Bo Lund"],
        }
    )
    # Both as plain objects, then typed once: no concat of typed all-missing columns.
    combined = pd.concat([events.astype(object), rated.astype(object)], ignore_index=True)
    page = build_report(conform(combined, EVENTS), as_of=as_of)
    csat = section(page, "csat")
    assert "Mean score 5.00 of 1 rating" in csat
    assert "1 rating without a score" in csat
    assert "response rate 0.0 % of 1 offer" in csat
    assert dxa.DEFINITIONS["csat"][:60] in csat


def test_no_ratings_say_so(events_of, as_of):
    page = build_report(events_of(), as_of=as_of)
    assert "No conversation_rated events in this window." in section(page, "csat")
    assert "plotly-graph-div" in section(page, "backlog")


def test_a_schedule_of_the_wrong_type_is_refused(events_of):
    with pytest.raises(ValueError, match="business_hours must be"):
        build_report(events_of(), business_hours="mon-fri 9-5")
