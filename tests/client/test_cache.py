"""The HTTP cache: what is reused, what is refreshed, and what never reaches the file."""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import json

import pandas as pd
import pytest
import requests_cache

from dixa_analytics._errors import CorruptCacheError, PartialFetchError
from dixa_analytics.cli import _cache as cache_cli
from dixa_analytics.cli import main
from dixa_analytics.client._cache_admin import cache_info, clear_cache
from dixa_analytics.client._cache_location import resolve_cache_path
from dixa_analytics.client._cache_policy import RECENT_EXPORT_EXPIRY
from dixa_analytics.fetch import fetch_activitylog, fetch_conversations, fetch_messages, fetch_users
from dixa_analytics.sandbox import Switches


def test_warm_fetch_only_asks_for_open_conversations(sb, make_client, served, query_csids) -> None:
    org = sb.organisation
    open_ids = {c["id"] for c in org.conversations if c["status"] != "closed"}
    assert open_ids, "the fixture organisation must hold open conversations"
    cold = fetch_activitylog(start=org.start, end=org.end, client=make_client())
    cold_count = sb.request_count
    sb.reset_counts()

    warm = fetch_activitylog(start=org.start, end=org.end, client=make_client())
    requests = sb.requests
    assert 0 < len(requests) < cold_count
    # Only the open conversations' activity log went over the wire again ...
    assert {r.path for r in requests} == {"/v1/conversations/activitylog"}
    asked = {c for r in requests for c in query_csids(r)}
    assert asked == open_ids
    # ... and the result is the same.
    assert warm["event_id"].tolist() == cold["event_id"].tolist()


def test_closed_conversations_cost_nothing_on_a_warm_run(sb, make_client) -> None:
    closed = [c["id"] for c in sb.organisation.conversations if c["status"] == "closed"][:15]
    first = fetch_activitylog(closed, client=make_client())
    fetch_messages(closed[:3], client=make_client())
    sb.reset_counts()
    again = fetch_activitylog(closed, client=make_client())
    fetch_messages(closed[:3], client=make_client())
    assert sb.request_count == 0
    assert again.equals(first)


def test_a_narrower_window_reuses_the_closed_conversations_of_a_wider_one(
    sb, make_client, query_csids
) -> None:
    org = sb.organisation
    fetch_activitylog(start=org.start, end=org.end, client=make_client())
    sb.reset_counts()
    narrower = fetch_activitylog(start="2026-03-29", end="2026-04-03", client=make_client())
    closed = {c["id"] for c in org.conversations if c["status"] == "closed"}
    inside = set(narrower["conversation_id"])
    asked_closed = [
        r for r in sb.requests if r.path.endswith("/activitylog") and set(query_csids(r)) & closed
    ]
    # Only the blocks of ten csids cut by the window's two edges are asked again.
    assert len(inside & closed) > 10
    assert len(asked_closed) <= 2


def test_refresh_sees_a_change_the_cache_holds_as_final(sb, make_client) -> None:
    org = sb.organisation
    closed = next(c for c in org.conversations if c["status"] == "closed")
    # An event that leaves the conversation's status alone, so its export record still holds.
    last = [
        e
        for e in org.events_of(closed["id"])
        if e["activity_type"] not in ("conversation_closed", "conversation_reopened")
    ][-1]
    fetch_activitylog([closed["id"]], client=make_client())
    # The conversation changes after its closed log was cached.
    original = last["activity_type"]
    last["activity_type"] = "conversation_language_updated"

    def type_of(events):
        return events.loc[events["event_id"] == last["id"], "activity_type"].item()

    try:
        sb.reset_counts()
        stale = fetch_activitylog([closed["id"]], client=make_client())
        assert sb.request_count == 0
        assert type_of(stale) == original

        fresh = fetch_activitylog([closed["id"]], client=make_client(refresh=True))
        assert sb.request_count > 0
        assert type_of(fresh) == "conversation_language_updated"

        # The refreshed answer replaced the cached one for the clients that follow.
        sb.reset_counts()
        after = fetch_activitylog([closed["id"]], client=make_client())
        assert sb.request_count == 0
        assert type_of(after) == "conversation_language_updated"
    finally:
        last["activity_type"] = original


def test_an_answer_missing_a_conversation_is_asked_again_named_and_not_kept(
    sb, make_client, monkeypatch, query_csids
) -> None:
    org = sb.organisation
    closed = [c["id"] for c in org.conversations if c["status"] == "closed"][:10]
    left_out = closed[4]
    events_of = org.events_of
    # A server fault: a 200 answer without any event of one requested conversation.
    monkeypatch.setattr(org, "events_of", lambda c: [] if c == left_out else events_of(c))
    with pytest.raises(PartialFetchError, match=rf"no events of 1 of 10 .*csids {left_out}\b"):
        fetch_activitylog(closed, client=make_client())
    asked = [r for r in sb.requests if r.path.endswith("/activitylog")]
    assert sum(left_out in query_csids(r) for r in asked) >= 2  # asked again before giving up

    # Once the server answers in full, the next fetch asks again and gets every event ...
    monkeypatch.setattr(org, "events_of", events_of)
    sb.reset_counts()
    full = fetch_activitylog(closed, client=make_client())
    assert left_out in {c for r in sb.requests for c in query_csids(r)}
    assert (full["conversation_id"] == left_out).sum() == len(events_of(left_out))
    # ... and keeps it: the run after that asks for nothing.
    sb.reset_counts()
    again = fetch_activitylog(closed, client=make_client())
    assert not [r for r in sb.requests if r.path.endswith("/activitylog")]
    assert again.equals(full)


def test_a_missing_conversation_is_named_on_the_error_when_other_batches_fail(
    sb, make_client, monkeypatch
) -> None:
    org = sb.organisation
    closed = [c["id"] for c in org.conversations if c["status"] == "closed"][:20]
    # Every answer lacks the conversations' events, and every third request fails.
    monkeypatch.setattr(org, "events_of", lambda c: [])
    sb.switches = Switches(error_every=3, error_status=503)
    with pytest.raises(PartialFetchError) as caught:
        fetch_activitylog(closed, client=make_client(max_workers=1, max_retries=0))
    # Those whose batch failed and those answered without events: every one is named.
    assert caught.value.missing == sorted(closed)
    kinds = {type(error).__name__ for error in caught.value.errors.values()}
    assert kinds == {"ServerError", "SchemaError"}
    assert "no events of" in str(caught.value)


def test_open_conversation_messages_are_refreshed(sb, make_client, served) -> None:
    open_id = next(c["id"] for c in sb.organisation.conversations if c["status"] != "closed")
    fetch_messages([open_id], client=make_client())
    sb.reset_counts()
    fetch_messages([open_id], client=make_client())
    assert [r.path for r in sb.requests] == [f"/v1/conversations/{open_id}/messages"]


def test_cache_disabled_always_asks(sb, make_client) -> None:
    client = make_client(cache=False)
    fetch_users(client=client)
    first = sb.request_count
    fetch_users(client=client)
    assert sb.request_count == 2 * first > 0


def test_two_organisations_share_a_file_without_mixing(sb, make_client, tmp_path) -> None:
    key2, org2 = sb.add_organisation(seed=5, conversations=12)
    path = tmp_path / "shared.sqlite"
    users1 = fetch_users(client=make_client(cache=path))
    users2 = fetch_users(client=make_client(cache=path, api_key=key2))
    assert sorted(users1["user_id"]) == sorted(u["id"] for u in sb.organisation.users)
    assert sorted(users2["user_id"]) == sorted(u["id"] for u in org2.users)
    assert set(users1["user_id"]).isdisjoint(users2["user_id"])
    sb.reset_counts()
    # Both are now cached side by side.
    assert fetch_users(client=make_client(cache=path, api_key=key2)).equals(users2)
    assert fetch_users(client=make_client(cache=path)).equals(users1)
    assert sb.request_count == 0


def test_the_key_never_reaches_the_cache_file(sb, make_client, tmp_path) -> None:
    path = tmp_path / "secret.sqlite"
    org = sb.organisation
    client = make_client(cache=path)
    fetch_activitylog(start=org.start, end=org.end, client=client)
    client.close()
    raw = path.read_bytes()
    key = sb.api_key.encode()
    for needle in (
        key,
        key.hex().encode(),
        base64.b64encode(key),
        base64.b64encode(b"bearer:" + key),
    ):
        assert needle not in raw
    backend = requests_cache.SQLiteCache(path)
    try:
        stored = list(backend.responses.values())
        assert stored
        for response in stored:
            header = response.request.headers.get("Authorization")
            assert header in (None, "REDACTED"), header
    finally:
        backend.close()


def test_cache_info_and_clear(sb, make_client, tmp_path, capsys) -> None:
    path = tmp_path / "info.sqlite"
    org = sb.organisation
    client = make_client(cache=path)
    fetch_activitylog(start=org.start, end=org.end, client=client)
    client.close()
    info = cache_info(path)
    assert info.exists
    assert info.size_bytes > 0
    assert info.by_kind["users"] >= 1
    assert info.by_kind["conversation_export"] == 1
    closed = sum(c["status"] == "closed" for c in org.conversations)
    assert info.by_kind["activitylog"] >= -(-closed // 10)
    assert info.responses == sum(info.by_kind.values())
    assert info.oldest is not None
    assert info.oldest <= info.newest

    parser = argparse.ArgumentParser()
    cache_cli.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["cache", "info", "--cache", str(path)])
    assert args.run(args) == 0
    out = capsys.readouterr().out
    assert str(path) in out
    assert "activitylog" in out
    args = parser.parse_args(["cache", "clear", "--cache", str(path)])
    assert args.run(args) == 0
    assert f"{info.responses} responses removed" in capsys.readouterr().out
    assert not path.exists()
    assert clear_cache(path) == 0
    assert not cache_info(path).exists
    assert not path.exists()
    args = parser.parse_args(["cache", "clear", "--cache", str(path)])
    assert args.run(args) == 0
    assert "nothing to clear" in capsys.readouterr().out


def test_a_cache_directory_holds_the_default_file_name(tmp_path) -> None:
    assert resolve_cache_path(tmp_path) == tmp_path / "dixa-cache.sqlite"
    assert resolve_cache_path(tmp_path / "mine") == tmp_path / "mine.sqlite"
    assert resolve_cache_path(tmp_path / "mine.db") == tmp_path / "mine.db"


def test_cached_bodies_are_all_valid_json(sb, make_client, tmp_path) -> None:
    from dixa_analytics.sandbox import Switches

    sb.switches = Switches(truncate_every=3)
    path = tmp_path / "truncated.sqlite"
    org = sb.organisation
    client = make_client(cache=path)
    events = fetch_activitylog(start=org.start, end=org.end, client=client)
    assert sorted(events["event_id"]) == sorted(e["id"] for e in org.events)
    client.close()
    backend = requests_cache.SQLiteCache(path)
    try:
        for response in backend.responses.values():
            json.loads(response.content)
    finally:
        backend.close()


def _expiries(path, part: str) -> list:
    """Expiry of each cached response whose URL holds ``part``."""
    backend = requests_cache.SQLiteCache(path)
    try:
        return [r.expires for r in backend.responses.values() if part in r.url]
    finally:
        backend.close()


def test_past_export_is_final_only_when_all_its_conversations_are_closed(
    sb, make_client, tmp_path
) -> None:
    org = sb.organisation
    first_open = min(c["created_at_ms"] for c in org.conversations if c["status"] != "closed")
    closed_end = pd.Timestamp(first_open, unit="ms", tz="UTC")
    assert closed_end > org.start

    settled = tmp_path / "settled.sqlite"
    fetch_conversations(start=org.start, end=closed_end, client=make_client(cache=settled))
    assert _expiries(settled, "conversation_export") == [None]  # never expires

    recent = tmp_path / "recent.sqlite"
    fetch_conversations(start=org.start, end=org.end, client=make_client(cache=recent))
    (expires,) = _expiries(recent, "conversation_export")
    assert expires is not None
    assert expires - dt.datetime.now(dt.UTC) <= RECENT_EXPORT_EXPIRY


def _damaged(raw: bytes, how: str) -> bytes:
    if how == "garbage":
        return b"this is no SQLite database, whatever its name says\n" * 200
    if how == "truncated":
        return raw[: len(raw) // 3]
    # Overwritten in the middle: the header is sound, some pages are not.
    return raw[:4096] + b"\xff" * 8192 + raw[4096 + 8192 :]


@pytest.mark.parametrize("how", ["garbage", "truncated", "middle"])
def test_a_corrupt_cache_is_named_and_the_command_line_alone_recovers(
    sb, make_client, tmp_path, monkeypatch, capsys, how
) -> None:
    path = tmp_path / "damaged.sqlite"
    org = sb.organisation
    client = make_client(cache=path)
    expected = fetch_activitylog(start=org.start, end=org.end, client=client)
    client.close()
    path.write_bytes(_damaged(path.read_bytes(), how))

    with pytest.raises(CorruptCacheError, match="cache clear") as caught:
        fetch_activitylog(start=org.start, end=org.end, client=make_client(cache=path))
    assert caught.value.path == str(path)
    assert str(path) in str(caught.value)

    # As a user of the command line would see it: one line naming the file and the remedy.
    monkeypatch.setenv("DIXA_API_KEY", sb.api_key)
    monkeypatch.setenv("DIXA_BASE_URL", sb.base_url)
    monkeypatch.setenv("DIXA_EXPORTS_URL", sb.exports_url)
    out = tmp_path / "events.csv"
    window = ["--start", str(org.start.date()), "--end", str(org.end.date())]
    fetch = ["fetch", "activitylog", *window, "--out", str(out), "--cache", str(path)]
    assert main([*fetch, "--no-progress"]) == 1
    err = capsys.readouterr().err
    assert str(path) in err
    assert "cache clear" in err
    assert main(["cache", "info", "--cache", str(path)]) == 0
    assert "corrupt" in capsys.readouterr().out
    assert main(["cache", "clear", "--cache", str(path)]) == 0
    assert "damaged" in capsys.readouterr().out
    assert not path.exists()
    assert main([*fetch, "--no-progress"]) == 0
    again = fetch_activitylog(start=org.start, end=org.end, client=make_client(cache=path))
    assert again.equals(expected)
