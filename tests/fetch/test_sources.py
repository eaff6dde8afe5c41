"""The activity log from either source: the Integrations API's per-conversation log and the
Dixa API's organisation-wide log give the same frame, whatever the spelling of the records."""

from __future__ import annotations

import time

import pandas as pd
import pytest

from dixa_analytics import (
    AuthenticationError,
    fetch_activitylog,
    fetch_events,
    fetch_queues,
    fetch_tags,
    fetch_teams,
    fetch_users,
)
from dixa_analytics.fetch import _orgwide, activitylog_requests
from dixa_analytics.fetch._sources import choose_source
from dixa_analytics.sandbox import Switches


@pytest.fixture
def integrations(make_client, sb):
    return make_client()


@pytest.fixture
def dixa_api(make_client, sb):
    return make_client(api_key="", api_token=sb.api_token)


def _window(sb):
    return sb.organisation.start, sb.organisation.end


@pytest.mark.parametrize(
    "switches",
    [
        Switches(),
        Switches(api_activity_types="snake"),
        Switches(api_activity_types="mixed", zone_suffix=0.5, null_authors=0.2),
        Switches(api_activity_types="mixed", out_of_order=True, duplicate_events=True),
    ],
    ids=["camel", "snake", "mixed-zones-null-authors", "shuffled-repeats"],
)
def test_both_sources_give_the_same_frame(sb, integrations, dixa_api, switches):
    sb.switches = switches
    start, end = _window(sb)
    by_conversation = fetch_activitylog(start=start, end=end, client=integrations)
    by_time = fetch_activitylog(start=start, end=end, client=dixa_api)
    assert len(by_time) == len(sb.organisation.events)
    pd.testing.assert_frame_equal(by_time, by_conversation)


def test_requests_of_each_source(sb, integrations, dixa_api, served):
    start, end = (pd.Timestamp(t) for t in _window(sb))
    fetch_activitylog(start=start, end=end, client=integrations)
    bulk = len(served(path="/v1/conversations/activitylog"))
    sb.reset_counts()
    fetch_activitylog(start=start, end=end, client=dixa_api)
    organisation_wide = len(served(path="/v1/conversations/activitylog"))
    assert bulk >= -(-len(sb.organisation.conversations) // 10)  # ten conversations a request
    # Every month from the window's start up to now, one page each (so for a window this
    # small and old "auto" would take the other source; see test_auto_takes_the_cheaper_source).
    now = pd.Timestamp(dixa_api.now())
    assert organisation_wide == len(_orgwide.event_windows(start, now))


def test_events_are_selected_by_their_time(sb, dixa_api):
    org = sb.organisation
    lo, hi = pd.Timestamp("2026-04-01", tz="UTC"), pd.Timestamp("2026-04-03", tz="UTC")
    events = fetch_events(lo, hi, client=dixa_api)
    lo_ms, hi_ms = lo.value // 10**6, hi.value // 10**6
    truth = [e["id"] for e in org.events if lo_ms <= e["timestamp_ms"] < hi_ms]
    assert sorted(events["event_id"]) == sorted(truth)
    # Conversations created before the window still bring their events inside it, joined.
    created = {c["id"]: c["created_at_ms"] for c in org.conversations}
    earlier = events[events["conversation_id"].map(lambda c: created[c] < lo_ms)]
    assert len(earlier)
    assert earlier["channel"].notna().all()


def test_pages_are_followed_by_their_key(sb, dixa_api, served, monkeypatch):
    monkeypatch.setattr(_orgwide, "EVENTS_PAGE_LIMIT", 40)
    start, end = _window(sb)
    events = fetch_events(start, end, client=dixa_api)
    assert len(events) == len(sb.organisation.events)
    pages = served(path="/v1/conversations/activitylog")
    assert len(pages) > len(sb.organisation.events) // 40
    assert sum("pageKey=" in r.query for r in pages) == len(pages) - 2  # two windows


def test_a_window_the_api_refuses_is_asked_for_in_halves(sb, dixa_api, served):
    sb.switches = Switches(max_window_days=2)
    start, end = _window(sb)
    events = fetch_events(start, end, client=dixa_api)
    assert len(events) == len(sb.organisation.events)
    assert served(status=400), "the API refused the month-long windows"
    assert all(r.status in (200, 400) for r in served(path="/v1/conversations/activitylog"))


def test_each_api_refuses_the_other_kind_of_token(sb, make_client):
    wrong_token = make_client(api_key="", api_token=sb.api_key)
    with pytest.raises(AuthenticationError, match="Dixa API takes a Dixa API token"):
        fetch_events("2026-04-01", "2026-04-02", client=wrong_token)
    wrong_key = make_client(api_key=sb.api_token)
    with pytest.raises(AuthenticationError, match="Integrations API takes an Integrations"):
        fetch_users(client=wrong_key)


def test_a_source_without_its_secret_is_named(dixa_api, integrations):
    with pytest.raises(AuthenticationError, match="DIXA_API_KEY"):
        fetch_activitylog(
            start="2026-04-01", end="2026-04-02", source="integrations", client=dixa_api
        )
    with pytest.raises(AuthenticationError, match="DIXA_API_TOKEN"):
        fetch_events("2026-04-01", "2026-04-02", client=integrations)
    with pytest.raises(AuthenticationError, match="DIXA_API_TOKEN"):
        fetch_teams(client=integrations)
    with pytest.raises(ValueError, match="source must be one of auto, dixa-api, integrations"):
        fetch_activitylog(start="2026-04-01", end="2026-04-02", source="api", client=integrations)


def test_429_from_the_dixa_api_is_waited_out(sb, make_client, served):
    sb.switches = Switches(rate_limit=True, api_per_second=2.0, api_burst=1)
    waited: list[float] = []

    def sleep(seconds: float) -> None:
        waited.append(seconds)
        time.sleep(seconds)

    client = make_client(api_key="", api_token=sb.api_token, sleep=sleep)
    events = fetch_events(*_window(sb), client=client)
    assert len(events) == len(sb.organisation.events)
    assert served(status=429), "the unthrottled client should have been told to wait"
    # The sandbox's Retry-After is whole seconds; the throttle holds back for what is left.
    assert max(waited) > 0.9


def test_an_interrupted_pull_resumes_from_the_cache(sb, make_client, served, monkeypatch):
    monkeypatch.setattr(_orgwide, "EVENTS_PAGE_LIMIT", 40)
    start, end = _window(sb)
    sb.switches = Switches(error_every=5, error_burst=1)
    failing = make_client(api_key="", api_token=sb.api_token, max_retries=0, max_workers=1)
    with pytest.raises(Exception, match="503"):
        fetch_events(start, end, client=failing)
    asked_before = {r.query for r in served(status=200, path="/v1/conversations/activitylog")}
    sb.switches = Switches()
    sb.reset_counts()
    resumed = make_client(api_key="", api_token=sb.api_token)
    events = fetch_events(start, end, client=resumed)
    assert len(events) == len(sb.organisation.events)
    asked_again = {r.query for r in served(path="/v1/conversations/activitylog")}
    assert asked_before
    assert not asked_before & asked_again


def test_reference_data_is_the_same_from_either_api(sb, integrations, dixa_api):
    for fetch in (fetch_users, fetch_queues, fetch_tags):
        pd.testing.assert_frame_equal(fetch(client=dixa_api), fetch(client=integrations))
    teams = fetch_teams(client=dixa_api)
    assert teams["team_name"].tolist() == [t["name"] for t in sb.organisation.teams]


def test_auto_takes_the_cheaper_source(sb, make_client, monkeypatch):
    both = make_client(api_token=sb.api_token)
    lo, hi = pd.Timestamp("2026-03-01", tz="UTC"), pd.Timestamp("2026-03-08", tz="UTC")
    monkeypatch.setattr(both, "now", lambda: hi.to_pydatetime())
    assert choose_source(both, "auto", conversations=500, start=lo, end=hi) == "dixa-api"
    # A short window long ago: few conversations, but every event since would be read.
    monkeypatch.setattr(both, "now", lambda: (hi + pd.Timedelta(days=3650)).to_pydatetime())
    assert choose_source(both, "auto", conversations=5, start=lo, end=hi) == "integrations"
    assert activitylog_requests(5, lo, hi, hi)["integrations"] == 1
