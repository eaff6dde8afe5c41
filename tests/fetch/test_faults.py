"""Faults that must never leave a fetch silently incomplete, or poison the cache."""

from __future__ import annotations

import threading
import time

import pytest

import dixa_analytics.fetch._events as events_module
from dixa_analytics._errors import PartialFetchError, SchemaError, ServerError
from dixa_analytics.cli import main
from dixa_analytics.client import DixaClient, LoneSurrogateWarning
from dixa_analytics.fetch import fetch_activitylog
from dixa_analytics.sandbox import Sandbox, Switches
from dixa_analytics.sandbox._wire import share

from ..conftest import END, START


def _tagged(org) -> list[int]:
    """Conversations with a tag event (their tag names carry the lone surrogate)."""
    return sorted(
        {
            e["conversation_id"]
            for c in org.conversations
            for e in org.events_of(c["id"])
            if e["activity_type"] in ("tag_added", "tag_removed")
        }
    )


def test_a_lone_surrogate_in_a_tag_is_replaced_and_said_once(sb, make_client) -> None:
    sb.switches = Switches(lone_surrogates=1.0)
    with pytest.warns(LoneSurrogateWarning, match=r"U\+FFFD") as caught:
        events = fetch_activitylog(start=START, end=END, client=make_client())
    assert any(w.category is LoneSurrogateWarning for w in caught)
    tags = events["tag"].dropna().astype(str)
    assert len(tags) > 0
    assert tags.str.endswith("\ufffd").all()
    assert set(events["conversation_id"]) == {c["id"] for c in sb.organisation.conversations}
    # The frame is whole text: it can be written anywhere.
    events["tag"].astype(str).str.encode("utf-8")


def test_a_lone_surrogate_does_not_fail_the_command_line(sb, monkeypatch, tmp_path) -> None:
    sb.switches = Switches(lone_surrogates=1.0)
    monkeypatch.setenv("DIXA_API_KEY", sb.api_key)
    monkeypatch.setenv("DIXA_BASE_URL", sb.base_url)
    monkeypatch.setenv("DIXA_EXPORTS_URL", sb.exports_url)
    monkeypatch.setenv("DIXA_CACHE", str(tmp_path / "cache.sqlite"))
    out = tmp_path / "events.parquet"
    argv = ["fetch", "activitylog", "--start", START, "--end", END, "--out", str(out)]
    with pytest.warns(LoneSurrogateWarning):
        code = main([*argv, "--no-progress"])
    assert code == 0
    assert out.stat().st_size > 0


def test_answers_that_cannot_become_a_frame_leave_the_cache(
    sb, make_client, monkeypatch, served
) -> None:
    closed = [c["id"] for c in sb.organisation.conversations if c["status"] == "closed"][:10]
    build = events_module.events_frame

    def broken(*args, **kwargs):
        raise UnicodeEncodeError("utf-8", "\ud83d", 0, 1, "surrogates not allowed")

    monkeypatch.setattr(events_module, "events_frame", broken)
    with pytest.raises(SchemaError, match="removed from the HTTP cache"):
        fetch_activitylog(closed, client=make_client())

    # Fixed: the next fetch asks for the logs again instead of reading the failed answers.
    monkeypatch.setattr(events_module, "events_frame", build)
    sb.reset_counts()
    events = fetch_activitylog(closed, client=make_client())
    assert served(path="/activitylog")
    assert set(events["conversation_id"]) == set(closed)


def _truth(org) -> dict[int, set[str]]:
    return {c["id"]: {e["id"] for e in org.events_of(c["id"])} for c in org.conversations}


def _empty(org, fraction: float) -> list[int]:
    """The csids the sandbox's ``empty_logs`` switch leaves out of activity-log answers."""
    return sorted(c["id"] for c in org.conversations if share(str(c["id"]), "empty", fraction))


def _use_sandbox(sb, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("DIXA_API_KEY", sb.api_key)
    monkeypatch.setenv("DIXA_BASE_URL", sb.base_url)
    monkeypatch.setenv("DIXA_EXPORTS_URL", sb.exports_url)
    monkeypatch.setenv("DIXA_CACHE", str(tmp_path / "cache.sqlite"))


def test_conversations_answered_without_events_are_an_error_naming_them(
    sb, make_client, query_csids, served
) -> None:
    sb.switches = Switches(empty_logs=0.2)
    org = sb.organisation
    empty = _empty(org, 0.2)
    assert empty
    with pytest.raises(PartialFetchError) as caught:
        fetch_activitylog(start=START, end=END, client=make_client())
    assert caught.value.missing == empty
    assert all(isinstance(caught.value.errors[c], SchemaError) for c in empty)
    # Each was asked for again before giving up.
    asked = [c for r in served(path="/activitylog") for c in query_csids(r)]
    assert all(asked.count(c) >= 2 for c in empty)
    # The others ride on the error, whole.
    frame = caught.value.frame
    truth = _truth(org)
    assert set(frame["conversation_id"]) == set(truth) - set(empty)
    for csid, rows in frame.groupby("conversation_id", observed=True):
        assert set(rows["event_id"]) == truth[csid]

    # Nothing incomplete was kept: once the server answers in full, the fetch is whole.
    sb.switches = Switches()
    events = fetch_activitylog(start=START, end=END, client=make_client())
    assert set(events["conversation_id"]) == set(truth)


def test_a_log_cut_short_by_paging_is_asked_again_past_the_cache_then_named(
    sb, make_client, served
) -> None:
    org = sb.organisation
    truth = _truth(org)
    client = make_client()
    # Cached whole first: the cut answers must be asked for past the cache, not read from it.
    whole = fetch_activitylog(start=START, end=END, client=client)
    sb.switches = Switches(page_size=5, end_paging_after=2)
    with pytest.raises(PartialFetchError, match="incomplete even when asked again") as caught:
        fetch_activitylog(start=START, end=END, client=make_client(refresh=True))
    missing = set(caught.value.missing)
    assert missing
    frame = caught.value.frame
    # No conversation is silently short: those kept are whole, the others are named.
    kept = set(frame["conversation_id"])
    assert kept | missing == set(truth)
    for csid, rows in frame.groupby("conversation_id", observed=True):
        assert set(rows["event_id"]) == truth[csid], csid
    # ... and the cut answers were not kept: a healthy server gives the whole log again.
    sb.switches = Switches()
    assert fetch_activitylog(start=START, end=END, client=make_client()).equals(whole)


def test_a_log_cut_short_once_is_mended_by_asking_again(
    sb, make_client, monkeypatch, served, query_csids
) -> None:
    org = sb.organisation
    closed = [c["id"] for c in org.conversations if c["status"] == "closed"][:10]
    cut = closed[3]
    events_of = org.events_of
    calls = []

    def cut_once(csid):
        events = events_of(csid)
        if csid == cut and not calls:
            calls.append(csid)
            return events[: len(events) // 2]  # a log cut short, once
        return events

    monkeypatch.setattr(org, "events_of", cut_once)
    events = fetch_activitylog(closed, client=make_client())
    assert calls
    truth = {e["id"] for c in closed for e in events_of(c)}
    assert set(events["event_id"]) == truth
    # The short first answer (a batch of ten, cached as final) was not kept: the next run
    # asks for that batch once more (its pages), and the run after that finds everything in
    # the cache.
    sb.reset_counts()
    assert set(fetch_activitylog(closed, client=make_client())["event_id"]) == truth
    asked = [query_csids(r) for r in served(path="/activitylog")]
    assert asked
    assert all(cut in csids for csids in asked)  # only the batch that came back short
    sb.reset_counts()
    assert set(fetch_activitylog(closed, client=make_client())["event_id"]) == truth
    assert not served(path="/activitylog")


def test_incomplete_answers_make_the_command_line_fail_naming_them(
    sb, monkeypatch, tmp_path, capsys
) -> None:
    sb.switches = Switches(empty_logs=0.2)
    _use_sandbox(sb, monkeypatch, tmp_path)
    out = tmp_path / "events.csv"
    argv = ["fetch", "activitylog", "--start", START, "--end", END, "--out", str(out)]
    assert main([*argv, "--no-progress"]) == 1
    err = capsys.readouterr().err
    assert str(_empty(sb.organisation, 0.2)[0]) in err
    assert not out.exists()


@pytest.fixture(scope="module")
def big_sandbox():
    """An organisation of a few hundred conversations: forty-odd batches of activity log."""
    with Sandbox(seed=5, conversations=400, start="2026-03-01", end="2026-03-29") as sandbox:
        yield sandbox


def test_an_api_that_stays_down_is_given_up_on_naming_every_csid(
    big_sandbox, tmp_path, sleeps
) -> None:
    sb = big_sandbox
    sb.switches = Switches(down="activitylog")
    sb.reset_counts()
    client = DixaClient(
        sb.api_key,
        base_url=sb.base_url,
        exports_url=sb.exports_url,
        cache=tmp_path / "c.sqlite",
        progress=False,
        max_retries=2,
        sleep=sleeps,
        rate_limit=1000.0,
        burst=50,
        export_rate_limit=1000.0,
        export_burst=50,
    )
    with client, pytest.raises(PartialFetchError, match="gave up after 3 requests in a row"):
        fetch_activitylog(start="2026-03-01", end="2026-03-29", client=client)
    csids = sorted(c["id"] for c in sb.organisation.conversations)
    batches = -(-len(csids) // 10)
    asked = [r for r in sb.requests if r.path.endswith("/activitylog")]
    # A few batches' retries (those in flight when it gave up), not every batch's.
    assert len(asked) <= (3 + client.max_workers) * (1 + 2) < batches * (1 + 2)


def test_an_api_that_stays_down_ends_the_command_line_within_the_bound(
    big_sandbox, monkeypatch, tmp_path, capsys
) -> None:
    sb = big_sandbox
    sb.switches = Switches(down="activitylog")
    _use_sandbox(sb, monkeypatch, tmp_path)
    out = tmp_path / "events.csv"
    argv = ["fetch", "activitylog", "--start", "2026-03-01", "--end", "2026-03-29"]
    started = time.monotonic()
    assert main([*argv, "--out", str(out), "--no-progress"]) == 1
    elapsed = time.monotonic() - started
    err = capsys.readouterr().err
    assert "Missing csids:" in err
    assert str(min(c["id"] for c in sb.organisation.conversations)) in err
    assert elapsed < 120  # default retries and backoff, against a dead activity log


def test_when_every_batch_fails_the_error_still_names_the_csids(sb, make_client) -> None:
    sb.switches = Switches(down="activitylog")
    closed = [c["id"] for c in sb.organisation.conversations if c["status"] == "closed"][:15]
    with pytest.raises(PartialFetchError) as caught:
        fetch_activitylog(closed, client=make_client(max_retries=1))
    assert caught.value.missing == sorted(closed)


def test_a_server_that_hangs_is_given_up_on_after_the_time_bound() -> None:
    from dixa_analytics.client._workers import GiveUp, run_all

    failures = [0]
    worker = threading.local()

    def hanging(item: int) -> int:
        # Each request times out after 0.2 s, ten times, then the item fails.
        for _ in range(10):
            failures[0] += 1
            stop = getattr(worker, "stop", None)
            if stop is not None and stop.wait(0.2):
                raise RuntimeError("stopped")
        raise ServerError("timed out after every retry")

    started = time.monotonic()
    with pytest.raises(PartialFetchError, match=r"nothing succeeded for 0\.5 s") as caught:
        run_all(
            hanging,
            list(range(8)),
            ids=lambda item: [item],
            desc="activity log",
            unit="batch",
            max_workers=4,
            progress=False,
            worker=worker,
            give_up=GiveUp(batches=100, seconds=0.5, troubles=lambda: failures[0]),
        )
    assert time.monotonic() - started < 1.5  # not the 2 s x 2 rounds every retry would take
    assert caught.value.missing == list(range(8))
