"""Faults that must never leave a fetch silently incomplete, or poison the cache."""

from __future__ import annotations

import pytest

import dixa_analytics.fetch._events as events_module
from dixa_analytics._errors import SchemaError
from dixa_analytics.cli import main
from dixa_analytics.client import LoneSurrogateWarning
from dixa_analytics.fetch import fetch_activitylog
from dixa_analytics.sandbox import Switches

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
