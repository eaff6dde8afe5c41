"""sync: a snapshot equals a fresh fetch, first and after the organisation moved on, and a
refresh asks only for what changed."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

import dixa_analytics as dxa
from dixa_analytics.sandbox import Sandbox
from dixa_analytics.snapshot import OVERLAP

from .conftest import END, START, client_on

SOURCES = ["integrations", "dixa-api"]


def fresh(make_client, snapshot: dxa.Snapshot, source: str) -> dict[str, pd.DataFrame]:
    """What an uncached fetch of the snapshot's window gives now."""
    client = make_client(cache=False)
    start, _ = snapshot.window
    return {
        "events": dxa.fetch_activitylog(
            start=start, end=snapshot.as_of, source=source, client=client
        ),
        "conversations": dxa.fetch_conversations(start=start, end=snapshot.as_of, client=client),
        "users": dxa.fetch_users(client=client),
        "queues": dxa.fetch_queues(client=client),
        "tags": dxa.fetch_tags(client=client),
    }


def assert_same_as_a_fresh_fetch(make_client, snapshot: dxa.Snapshot, source: str) -> None:
    expected = fresh(make_client, snapshot, source)
    got = {
        "events": snapshot.events(),
        "conversations": snapshot.conversations(),
        "users": snapshot.users(),
        "queues": snapshot.queues(),
        "tags": snapshot.tags(),
    }
    for name, frame in expected.items():
        pd.testing.assert_frame_equal(got[name], frame, obj=name)
    # Opened again from the folder: the same.
    pd.testing.assert_frame_equal(dxa.open_snapshot(snapshot.path).events(), expected["events"])


@pytest.mark.parametrize("source", SOURCES)
def test_a_snapshot_equals_a_fresh_fetch_first_and_after_the_organisation_moved_on(
    org, make_client, folder, source
):
    client = make_client()
    first = dxa.sync(folder, start="2026-01-01", client=client, source=source)
    assert first.as_of == org.before
    assert first.source == source
    assert_same_as_a_fresh_fetch(make_client, first, source)
    before = first.events()
    reopened_before = before[before["conversation_id"] == org.reopened]
    assert reopened_before["activity_type"].iloc[-1] == "conversation_closed"

    org.sb.move_to(org.after.to_pydatetime())
    second = dxa.sync(folder, client=client, source=source)
    assert second.as_of == org.after
    assert_same_as_a_fresh_fetch(make_client, second, source)
    after = second.events()
    # The conversation cached as closed shows the events since, its reopening among them.
    reopened_after = after[after["conversation_id"] == org.reopened]
    assert "conversation_reopened" in set(reopened_after["activity_type"])
    assert len(reopened_after) > len(reopened_before)
    summary = second.syncs[-1]
    new_ids = set(after["conversation_id"]) - set(before["conversation_id"])
    assert summary["conversations_new"] == len(new_ids) > 0
    assert summary["conversations_updated"] >= 1
    assert summary["events"] == len(after)
    assert [s["as_of"] for s in second.syncs] == [first.syncs[0]["as_of"], summary["as_of"]]


def test_a_refresh_fetches_again_only_the_logs_of_changed_conversations(
    org, make_client, folder, query_csids
):
    client = make_client()
    first = dxa.sync(folder, start="2026-01-01", client=client, source="integrations")
    org.sb.move_to(org.after.to_pydatetime())
    org.sb.reset_counts()
    second = dxa.sync(folder, client=client, source="integrations")
    asked = [
        csid
        for request in org.sb.requests
        if request.path.endswith("/conversations/activitylog")
        for csid in query_csids(request)
    ]
    conversations = second.conversations()
    changed = conversations[
        conversations["updated_at"].ge(first.as_of - OVERLAP)
        | conversations["created_at"].ge(first.as_of - OVERLAP)
    ]
    assert sorted(asked) == sorted(changed["conversation_id"])
    assert org.reopened in asked
    summary = second.syncs[-1]
    assert summary["requests"] == len(org.sb.requests)
    # Ten logs a request, plus a handful for exports and reference tables.
    assert summary["requests"] <= len(changed) / 10 + 10 < first.syncs[0]["requests"]


def test_a_refresh_with_nothing_new_asks_a_few_requests_and_changes_nothing(
    org, make_client, folder
):
    client = make_client()
    first = dxa.sync(folder, start="2026-01-01", client=client)
    events = first.events()
    again = dxa.sync(folder, client=client)
    assert again.syncs[-1]["conversations_new"] == 0
    # Conversations updated in the hour before the first sync are asked for again (the
    # overlap), but they did not change since: not reported as updated.
    assert again.syncs[-1]["conversations_updated"] == 0
    assert again.syncs[-1]["requests"] <= 10
    pd.testing.assert_frame_equal(again.events(), events)


def test_a_fixed_window_does_not_grow(org, make_client, folder):
    # A window that ended before the clock: later syncs refresh it, they do not extend it.
    start, end = pd.Timestamp("2026-01-01", tz="UTC"), org.before - pd.Timedelta(days=3)
    client = make_client()
    first = dxa.sync(folder, start=start, end=end, client=client)
    assert first.window == (start, end)
    org.sb.move_to(org.after.to_pydatetime())
    second = dxa.sync(folder, client=client)
    assert second.conversations()["created_at"].lt(end).all()
    assert second.syncs[-1]["conversations_new"] == 0
    expected = dxa.fetch_activitylog(start=start, end=end, client=make_client(cache=False))
    pd.testing.assert_frame_equal(second.events(), expected)


def test_a_refresh_lists_the_agents_and_adds_new_authors_without_listing_every_end_user(
    org, make_client, folder
):
    client = make_client()
    first = dxa.sync(folder, start="2026-01-01", client=client, source="dixa-api")
    org.sb.move_to(org.after.to_pydatetime())
    # Customers the first sync did not know (as if they signed up since): taken out of its
    # users file, they must come back from the events that name them.
    authors = fresh(make_client, first, "dixa-api")["events"]
    later = authors[authors["timestamp"] > first.as_of]
    newcomers = set(later.loc[later["author_is_agent"] == False, "author_id"])  # noqa: E712
    assert newcomers
    (path,) = folder.glob("users.g*.parquet")
    users = pd.read_parquet(path)
    users[~users["user_id"].isin(newcomers)].to_parquet(path)
    org.sb.reset_counts()
    second = dxa.sync(folder, client=client, source="dixa-api")
    assert not [r for r in org.sb.requests if r.path.endswith("/endusers")]
    got = second.users().set_index("user_id")
    assert newcomers <= set(got.index)
    assert not got.loc[sorted(newcomers), "is_agent"].any()
    named = later.drop_duplicates("author_id").set_index("author_id")["author_name"]
    assert (got.loc[sorted(newcomers), "name"] == named.loc[sorted(newcomers)]).all()
    pd.testing.assert_frame_equal(second.events(), fresh(make_client, second, "dixa-api")["events"])


def test_a_dixa_api_refresh_finds_new_conversations_in_the_log_itself(
    org, make_client, folder, monkeypatch
):
    # An API whose export by update leaves out conversations never updated since creation:
    # the refresh must still find the new ones, from their creation events in the log.
    from dixa_analytics.frames import conversations_frame
    from dixa_analytics.snapshot import _sync

    exported = _sync.export_window

    def updated_only(client, start, end, *, by="created"):
        records = exported(client, start, end, by=by)
        if by != "updated":
            return records
        created = conversations_frame(records)["created_at"] if records else []
        return [r for r, at in zip(records, created, strict=True) if at < start]

    monkeypatch.setattr(_sync, "export_window", updated_only)
    client = make_client()
    first = dxa.sync(folder, start="2026-01-01", client=client, source="dixa-api")
    before = len(first.conversations())
    org.sb.move_to(org.after.to_pydatetime())
    second = dxa.sync(folder, client=client, source="dixa-api")
    assert second.syncs[-1]["conversations_new"] == len(second.conversations()) - before > 0
    assert_same_as_a_fresh_fetch(make_client, second, "dixa-api")


def test_conversations_asked_again_for_the_overlap_are_not_reported_as_updated(tmp_path):
    # The first sync runs ten minutes after a conversation changed: the next sync asks for it
    # again (it is in the hour before the last sync), but it has not changed since.
    with Sandbox(seed=7, conversations=150, start=START, end=END) as sb:
        times = sorted(e["timestamp_ms"] for e in sb.organisation.events)  # the whole truth
        changed_at = times[len(times) // 2]
        later = next(t for t in times if t > changed_at + 3_600_000)

        def at(ms: int) -> dt.datetime:
            return pd.Timestamp(ms + 600_000, unit="ms", tz="UTC").to_pydatetime()

        sb.move_to(at(changed_at))
        client = client_on(sb, cache=tmp_path / "cache.sqlite")
        folder = tmp_path / "snapshot"
        events = dxa.sync(folder, start="2026-01-01", client=client).events()
        again = dxa.sync(folder, client=client)
        assert again.syncs[-1]["conversations_new"] == 0
        assert again.syncs[-1]["conversations_updated"] == 0
        pd.testing.assert_frame_equal(again.events(), events)
        # ... while one that changes after the last sync is.
        sb.move_to(at(later))
        third = dxa.sync(folder, client=client)
        assert third.syncs[-1]["conversations_new"] + third.syncs[-1]["conversations_updated"] >= 1
        client.close()
