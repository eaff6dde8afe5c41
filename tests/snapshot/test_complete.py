"""A sync holds each log to its conversation's export record: a short log is read again past
the cache, and one still short fails the sync naming it, with nothing written."""

from __future__ import annotations

import pandas as pd
import pytest

import dixa_analytics as dxa
from dixa_analytics._errors import PartialFetchError, SchemaError
from dixa_analytics.sandbox import _api_routes as api_route
from dixa_analytics.sandbox import _routes as bulk_route
from dixa_analytics.snapshot import _sync as sync_module
from dixa_analytics.snapshot._layout import MANIFEST

SOURCES = ["integrations", "dixa-api"]


def _truth(org) -> dict[int, set[str]]:
    """Each conversation's event ids as of the sandbox's clock."""
    now = org.sb.now.timestamp() * 1000
    return {
        c["id"]: {
            e["id"] for e in org.sb.organisation.events_of(c["id"]) if e["timestamp_ms"] < now
        }
        for c in org.sb.organisation.conversations
        if c["created_at_ms"] < now
    }


def _assert_whole(snapshot: dxa.Snapshot, truth: dict[int, set[str]]) -> None:
    events = snapshot.events()
    got = {c: set(ids) for c, ids in events.groupby("conversation_id", observed=True)["event_id"]}
    assert got == {c: ids for c, ids in truth.items() if ids}


def _hide(org, monkeypatch, csids: set[int], *, times: int | None, half: bool = False) -> list:
    """Leave the events of ``csids`` (``half``: the second half of each one's log) out of
    activity-log answers: the first ``times`` answers that hold them (None: every one).
    Returns a list that grows with each answer cut."""
    events_of, served_events = org.sb.organisation.events_of, bulk_route.served_events
    cuts: list[int] = []
    # From which moment each conversation's events are left out.
    cutoff = {c: events_of(c)[len(events_of(c)) // 2 if half else 0]["timestamp_ms"] for c in csids}

    def hidden(event) -> bool:
        csid = event["conversation_id"]
        return csid in csids and event["timestamp_ms"] >= cutoff[csid]

    def cut(events, switches):
        events = served_events(events, switches)
        if any(map(hidden, events)) and (times is None or len(cuts) < times):
            cuts.append(1)
            return [e for e in events if not hidden(e)]
        return events

    # Where both APIs' activity logs take their events from.
    monkeypatch.setattr(bulk_route, "served_events", cut)
    monkeypatch.setattr(api_route, "served_events", cut)
    return cuts


def _some_closed(org, n: int) -> set[int]:
    now = org.sb.now.timestamp() * 1000
    closed = [
        c["id"]
        for c in org.sb.organisation.conversations
        # closed, and nothing happening to them after the sandbox's clock
        if c.get("closed_at_ms") and c["updated_at_ms"] < now
    ]
    return set(closed[5 : 5 + n])


@pytest.mark.parametrize("source", SOURCES)
def test_a_first_sync_fails_naming_conversations_whose_log_stays_empty(
    org, make_client, folder, monkeypatch, source
):
    hidden = _some_closed(org, 3)
    _hide(org, monkeypatch, hidden, times=None)
    with pytest.raises(PartialFetchError, match="incomplete") as caught:
        dxa.sync(folder, start="2026-01-01", client=make_client(), source=source)
    assert caught.value.missing == sorted(hidden)
    assert all(isinstance(caught.value.errors[c], SchemaError) for c in hidden)
    assert not (folder / MANIFEST).exists()

    # Once the server answers in full, the next sync is whole: nothing short was kept.
    monkeypatch.undo()
    snapshot = dxa.sync(folder, start="2026-01-01", client=make_client(), source=source)
    _assert_whole(snapshot, _truth(org))


def test_a_log_cut_short_once_is_mended_by_reading_it_again(org, make_client, folder, monkeypatch):
    # (The bulk log's pages are each answered anew, so a cut there is not "once": the
    # organisation-wide log shows the mending.)
    hidden = _some_closed(org, 1)
    cuts = _hide(org, monkeypatch, hidden, times=1, half=True)
    snapshot = dxa.sync(folder, start="2026-01-01", client=make_client(), source="dixa-api")
    assert cuts == [1]
    _assert_whole(snapshot, _truth(org))


@pytest.mark.parametrize("source", SOURCES)
def test_a_log_that_stays_short_fails_the_sync_instead_of_being_written(
    org, make_client, folder, monkeypatch, source
):
    hidden = _some_closed(org, 2)
    _hide(org, monkeypatch, hidden, times=None, half=True)
    with pytest.raises(PartialFetchError, match="Nothing was written") as caught:
        dxa.sync(folder, start="2026-01-01", client=make_client(), source=source)
    assert caught.value.missing == sorted(hidden)
    assert "its log holds no close" in str(caught.value.errors[min(hidden)])
    assert not (folder / MANIFEST).exists()

    monkeypatch.undo()
    snapshot = dxa.sync(folder, start="2026-01-01", client=make_client(), source=source)
    _assert_whole(snapshot, _truth(org))


@pytest.mark.parametrize("source", SOURCES)
def test_a_refresh_holds_the_changed_logs_to_their_records(
    org, make_client, folder, monkeypatch, source
):
    client = make_client()
    first = dxa.sync(folder, start="2026-01-01", client=client, source=source)
    org.sb.move_to(org.after.to_pydatetime())
    _hide(org, monkeypatch, {org.reopened}, times=None)
    with pytest.raises(PartialFetchError) as caught:
        dxa.sync(folder, client=client, source=source)
    assert org.reopened in caught.value.missing
    # The snapshot is as the first sync left it.
    again = dxa.open_snapshot(folder)
    assert again.as_of == first.as_of
    pd.testing.assert_frame_equal(again.events(), first.events())


@pytest.mark.parametrize("source", SOURCES)
def test_conversations_that_change_while_the_sync_runs_do_not_fail_it(
    org, make_client, folder, monkeypatch, source
):
    # The organisation moves on between the export and the logs, as it does during a pull
    # of hours: a conversation exported as closed is reopened by the time its log is read.
    exported = sync_module.export_window

    def then_time_passes(*args, **kwargs):
        records = exported(*args, **kwargs)
        org.sb.move_to(org.after.to_pydatetime())
        return records

    monkeypatch.setattr(sync_module, "export_window", then_time_passes)
    snapshot = dxa.sync(folder, start="2026-01-01", client=make_client(), source=source)
    assert org.reopened in set(snapshot.conversations()["conversation_id"])
