"""Business hours: the schedule, its open seconds (DST, holidays, nights) and the durations."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dixa_analytics as dxa
from dixa_analytics.metrics import BusinessHours

CPH = "Europe/Copenhagen"
HOUR = 3600.0
CREATED = "conversation_created_by_customer"


def utc(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


def local(text: str, tz: str = CPH) -> pd.Timestamp:
    return pd.Timestamp(text).tz_localize(tz).tz_convert("UTC")


def seconds(hours: BusinessHours, start: pd.Timestamp, end: pd.Timestamp) -> float:
    return float(hours.open_seconds(start, end)[0])


# -- the schedule ---------------------------------------------------------------------------


def test_days_ranges_and_lists_are_read_case_insensitively():
    hours = BusinessHours(
        {"MON-Thu": ["08:00-12:00", "13:00-16:00"], "friday": "08:00-12:00"}, tz="UTC"
    )
    assert hours.weekly() == {
        "mon-thu": ["08:00-12:00", "13:00-16:00"],
        "fri": ["08:00-12:00"],
    }
    # A range may wrap over the weekend.
    assert BusinessHours({"fri-mon": "10:00-11:00"}, tz="UTC").weekly() == {
        "mon": ["10:00-11:00"],
        "fri-sun": ["10:00-11:00"],
    }


@pytest.mark.parametrize(
    ("weekly", "tz", "message"),
    [
        ({"mon": "17:00-08:00"}, "UTC", "end before they start"),
        ({"mon": "09:00-09:00"}, "UTC", "end before they start"),
        ({"mon": "8-5"}, "UTC", "not 'HH:MM-HH:MM'"),
        ({"mon": "25:00-26:00"}, "UTC", "not a time of day"),
        ({"mon": "09:60-10:00"}, "UTC", "not a time of day"),
        ({"mon": 9}, "UTC", "not 'HH:MM-HH:MM'"),
        ({"funday": "09:00-17:00"}, "UTC", "unknown day 'funday'"),
        ({"mon-fri": "09:00-17:00", "fri": "16:00-18:00"}, "UTC", "open hours of fri overlap"),
        ({"mon": ["09:00-12:00", "11:00-13:00"]}, "UTC", "overlap"),
        ({}, "UTC", "no open hours"),
        ({"mon": []}, "UTC", "no open hours"),
        ({"mon": "09:00-17:00"}, "Mars/Olympus", "unknown time zone 'Mars/Olympus'"),
        ({"mon": "09:00-17:00"}, "", "IANA time zone"),
        ("mon-fri 9-5", "UTC", "weekly must map days"),
    ],
)
def test_bad_specs_say_what_is_wrong(weekly, tz, message):
    with pytest.raises(ValueError, match=message):
        BusinessHours(weekly, tz=tz)


def test_bad_holidays_are_refused():
    with pytest.raises(ValueError, match="holiday 'christmas' is not a date"):
        BusinessHours({"mon": "09:00-17:00"}, tz="UTC", holidays=["christmas"])
    with pytest.raises(ValueError, match="has a time of day"):
        BusinessHours({"mon": "09:00-17:00"}, tz="UTC", holidays=[dt.datetime(2026, 12, 24, 12)])


def test_no_holidays_may_be_written_as_none():
    config = {"weekly": {"mon": "09:00-17:00"}, "tz": "UTC", "holidays": None}
    assert BusinessHours.from_dict(config).holidays == ()


def test_adjacent_intervals_do_not_overlap():
    hours = BusinessHours({"mon": ["09:00-12:00", "12:00-24:00"]}, tz="UTC")
    assert seconds(hours, utc("2026-03-02"), utc("2026-03-03")) == 15 * HOUR


def test_repr_and_a_config_file_round_trip(tmp_path):
    hours = BusinessHours(
        {"mon-fri": "09:00-17:00", "sat": "10:00-12:00"},
        tz=CPH,
        holidays=["2026-12-25", dt.date(2026, 12, 24)],
    )
    assert repr(hours) == (
        "BusinessHours({'mon-fri': '09:00-17:00', 'sat': '10:00-12:00'}, "
        "tz='Europe/Copenhagen', holidays=['2026-12-24', '2026-12-25'])"
    )
    path = tmp_path / "hours.json"
    path.write_text(json.dumps(hours.to_dict()))
    again = BusinessHours.from_dict(json.loads(path.read_text()))
    assert again == hours
    assert again.to_dict() == hours.to_dict()


def test_from_dict_refuses_unknown_and_missing_keys():
    with pytest.raises(ValueError, match=r"unknown key\(s\) \['holiday'\]"):
        BusinessHours.from_dict({"weekly": {"mon": "09:00-10:00"}, "tz": "UTC", "holiday": []})
    with pytest.raises(ValueError, match=r"missing \['tz'\]"):
        BusinessHours.from_dict({"weekly": {"mon": "09:00-10:00"}})
    with pytest.raises(ValueError, match="must be an object"):
        BusinessHours.from_dict(["mon"])


# -- open seconds ---------------------------------------------------------------------------

WEEKDAYS = BusinessHours({"mon-fri": "09:00-17:00"}, tz=CPH)


def test_a_friday_evening_ticket_answered_on_monday_waited_minutes():
    # Friday 2026-03-06 18:00 to Monday 09:20, Copenhagen time: 20 open minutes.
    start, end = local("2026-03-06 18:00"), local("2026-03-09 09:20")
    assert seconds(WEEKDAYS, start, end) == 20 * 60


def test_spans_starting_and_ending_outside_open_hours():
    # 06:00 to 20:00 on one weekday holds the whole day's 8 hours.
    assert seconds(WEEKDAYS, local("2026-03-03 06:00"), local("2026-03-03 20:00")) == 8 * HOUR
    # Night to night across two weekdays: two whole days.
    assert seconds(WEEKDAYS, local("2026-03-02 22:00"), local("2026-03-04 23:00")) == 16 * HOUR
    # Entirely in a closed night, or a weekend: nothing.
    assert seconds(WEEKDAYS, local("2026-03-03 18:00"), local("2026-03-04 08:59")) == 0
    assert seconds(WEEKDAYS, local("2026-03-07 09:00"), local("2026-03-08 17:00")) == 0


def test_zero_length_and_reversed_spans():
    at = local("2026-03-03 10:00")
    assert seconds(WEEKDAYS, at, at) == 0
    assert seconds(WEEKDAYS, local("2026-03-03 12:00"), at) == -2 * HOUR


def test_overnight_hours_are_two_intervals():
    nights = BusinessHours({"mon-fri": ["00:00-06:00", "22:00-24:00"]}, tz="UTC")
    # Monday 23:00 to Tuesday 05:00: one hour before midnight, five after.
    assert seconds(nights, utc("2026-03-02 23:00"), utc("2026-03-03 05:00")) == 6 * HOUR


def test_holidays_are_closed_all_day():
    hours = BusinessHours({"mon-fri": "09:00-17:00"}, tz=CPH, holidays=["2026-12-24"])
    # Wednesday 23rd 16:00 to Friday 25th 10:00: Wed 1 h + Fri 1 h, Thursday is a holiday.
    assert seconds(hours, local("2026-12-23 16:00"), local("2026-12-25 10:00")) == 2 * HOUR
    assert seconds(WEEKDAYS, local("2026-12-23 16:00"), local("2026-12-25 10:00")) == 10 * HOUR


def test_open_hours_follow_local_time_across_dst():
    # Copenhagen moves from UTC+1 to UTC+2 on Sunday 2026-03-29.
    friday = WEEKDAYS.open_seconds(utc("2026-03-27 07:30"), utc("2026-03-27 08:30"))
    monday = WEEKDAYS.open_seconds(utc("2026-03-30 06:30"), utc("2026-03-30 07:30"))
    # 09:00 local is 08:00 UTC before the change and 07:00 UTC after it.
    assert friday.tolist() == [0.5 * HOUR]
    assert monday.tolist() == [0.5 * HOUR]
    # Over the change itself an all-day schedule counts the real (23 h) day.
    always = BusinessHours({"mon-sun": "00:00-24:00"}, tz=CPH)
    day = always.open_seconds(local("2026-03-29 00:00"), local("2026-03-30 00:00"))
    assert day.tolist() == [23 * HOUR]
    autumn = always.open_seconds(local("2026-10-25 00:00"), local("2026-10-26 00:00"))
    assert autumn.tolist() == [25 * HOUR]


def test_edges_in_the_skipped_and_repeated_hours():
    # 02:30 does not exist on 2026-03-29 in Copenhagen: the interval starts at 03:00.
    hours = BusinessHours({"sun": "02:30-04:00"}, tz=CPH)
    spring = hours.open_seconds(utc("2026-03-28"), utc("2026-03-30"))
    assert spring.tolist() == [1 * HOUR]
    # 02:30 happens twice on 2026-10-25: from its first pass to 04:00 is 2.5 hours.
    autumn = hours.open_seconds(utc("2026-10-24"), utc("2026-10-26"))
    assert autumn.tolist() == [2.5 * HOUR]


def test_naive_times_are_utc_and_nat_is_refused():
    hours = BusinessHours({"mon-fri": "09:00-17:00"}, tz="UTC")
    assert hours.open_seconds("2026-03-02 08:00", "2026-03-02 10:00").tolist() == [HOUR]
    with pytest.raises(ValueError, match="not NaT"):
        hours.open_seconds([pd.NaT], ["2026-03-02"])


def reference_open_seconds(hours: BusinessHours, start: pd.Timestamp, end: pd.Timestamp) -> float:
    """The definition walked day by day with the standard library."""
    zone = ZoneInfo(hours.tz)
    week = hours.weekly()
    by_day: dict[int, list[str]] = {}
    names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    for key, intervals in week.items():
        first, _, last = key.partition("-")
        a = names.index(first)
        b = names.index(last) if last else a
        for day in range(a, b + 1):
            by_day[day] = intervals
    total = 0.0
    day = start.tz_convert(zone).date() - dt.timedelta(days=1)
    while day <= end.tz_convert(zone).date() + dt.timedelta(days=1):
        if day not in hours.holidays:
            for text in by_day.get(day.weekday(), []):
                lo_text, hi_text = text.split("-")
                lo = pd.Timestamp(f"{day} {lo_text}").tz_localize(zone)
                until = pd.Timedelta(hours=int(hi_text[:2]), minutes=int(hi_text[3:]))
                hi = (pd.Timestamp(day) + until).tz_localize(zone)
                overlap = min(end, hi) - max(start, lo)
                total += max(overlap.total_seconds(), 0.0)
        day += dt.timedelta(days=1)
    return total


@settings(max_examples=200, deadline=None, derandomize=True)
@given(
    st.integers(0, 400 * 24 * 60),
    st.integers(0, 20 * 24 * 60),
    st.sampled_from(["Europe/Copenhagen", "America/New_York", "Australia/Sydney", "UTC"]),
)
def test_open_seconds_match_the_day_by_day_definition(start_minute, length, tz):
    hours = BusinessHours(
        {"mon-thu": ["08:30-12:00", "13:00-17:15"], "fri": "08:00-15:00", "sat": "10:00-14:00"},
        tz=tz,
        holidays=["2026-04-03", "2026-12-25"],
    )
    start = utc("2026-01-01") + pd.Timedelta(minutes=start_minute)
    end = start + pd.Timedelta(minutes=length)
    assert seconds(hours, start, end) == pytest.approx(reference_open_seconds(hours, start, end))


def test_many_spans_at_once_are_vectorised():
    rng = np.random.default_rng(7)
    starts = utc("2026-01-01") + pd.to_timedelta(rng.integers(0, 90 * 86400, 500), unit="s")
    ends = starts + pd.to_timedelta(rng.integers(0, 10 * 86400, 500), unit="s")
    together = WEEKDAYS.open_seconds(starts, ends)
    one_by_one = [seconds(WEEKDAYS, a, b) for a, b in zip(starts, ends, strict=True)]
    assert together.tolist() == pytest.approx(one_by_one)


# -- durations in business hours ------------------------------------------------------------

UTC_HOURS = BusinessHours({"mon-fri": "09:00-17:00"}, tz="UTC")


@pytest.fixture
def weekend_events(make_events):
    # T0 is Monday 2026-03-02 09:00 UTC; minute 4 * 1440 + 480 is Friday 17:00.
    friday_evening = 4 * 1440 + 540  # Friday 18:00
    monday_morning = 7 * 1440 + 20  # Monday 09:20
    return make_events(
        [
            (1, friday_evening, CREATED),
            (1, friday_evening + 1, "conversation_offered"),
            (1, monday_morning, "conversation_assigned", {"agent_id": "a1"}),
            (1, monday_morning + 5, "message_added_by_agent", {"author_id": "a1"}),
            (1, monday_morning + 40, "conversation_closed"),
            (2, 0, CREATED),  # Monday 09:00, never answered: censored at as_of
            (2, 1, "conversation_offered"),
        ]
    )


def test_durations_count_open_seconds_only(weekend_events):
    as_of = utc("2026-03-10 10:00")  # Tuesday
    wall = dxa.first_response_time(weekend_events, as_of=as_of)
    open_ = dxa.first_response_time(weekend_events, as_of=as_of, business_hours=UTC_HOURS)
    wall_seconds = [(2 * 1440 + 15 * 60 + 25) * 60.0, 8 * 86400.0 + 3600]
    assert wall["response_seconds"].tolist() == wall_seconds
    # Friday 18:00 → Monday 09:25 is 25 open minutes; Monday 09:00 → next Tuesday 10:00 is
    # six weekdays of 8 hours and one hour.
    assert open_["response_seconds"].tolist() == [25 * 60.0, (6 * 8 + 1) * HOUR]
    assert open_["observed"].tolist() == [True, False]
    assert open_.drop(columns="response_seconds").equals(wall.drop(columns="response_seconds"))

    wait = dxa.queue_wait_time(weekend_events, as_of=as_of, business_hours=UTC_HOURS)
    assert wait["wait_seconds"].tolist() == [20 * 60.0, (6 * 8 + 1) * HOUR - 60]

    resolution = dxa.resolution_time(weekend_events, as_of=as_of, business_hours=UTC_HOURS)
    assert resolution["first_resolution_seconds"].tolist() == [60 * 60.0, (6 * 8 + 1) * HOUR]
    assert resolution["full_resolution_seconds"].tolist() == [60 * 60.0, (6 * 8 + 1) * HOUR]


def test_handling_time_stays_wall_clock():
    import inspect

    assert "business_hours" not in inspect.signature(dxa.handling_time).parameters


def test_a_business_hours_argument_of_the_wrong_type_is_refused(weekend_events):
    with pytest.raises(ValueError, match=r"business_hours must be a dxa\.BusinessHours"):
        dxa.first_response_time(weekend_events, business_hours={"mon-fri": "09:00-17:00"})


def test_empty_events_give_the_declared_empty_result(make_events):
    empty = make_events([])
    result = dxa.resolution_time(empty, business_hours=UTC_HOURS)
    assert result.empty
    assert list(result.columns) == list(dxa.resolution_time(empty).columns)
