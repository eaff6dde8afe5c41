"""What the cache keeps and for how long, and where its file lives."""

import datetime as dt

import pandas as pd
import pytest

import dixa_analytics as dxa
from dixa_analytics.client._cache_location import default_cache_path, resolve_cache_path
from dixa_analytics.client._cache_policy import (
    FINAL,
    LIVE,
    RECENT_EXPORT_EXPIRY,
    conversation_expiry,
    export_expiry,
)


def test_cache_policy_by_status_and_window() -> None:
    now = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
    past, future = now - dt.timedelta(days=1), now + dt.timedelta(days=1)
    assert conversation_expiry("closed") == FINAL
    assert conversation_expiry("Closed") == FINAL
    for status in ("open", "pending", "awaiting_pending", None):
        assert conversation_expiry(status) == LIVE
    closed = [{"status": "closed"}, {"status": "CLOSED"}]
    assert export_expiry(closed, window_end=past, now=now) == FINAL
    assert export_expiry([], window_end=past, now=now) == FINAL
    assert export_expiry(closed, window_end=future, now=now) == RECENT_EXPORT_EXPIRY
    assert export_expiry([*closed, {"status": "open"}], window_end=past, now=now) == (
        RECENT_EXPORT_EXPIRY
    )
    assert export_expiry(closed, window_end=None, now=now) == FINAL


def test_cache_location_order(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DIXA_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert "dixa-analytics" in str(default_cache_path())
    (tmp_path / "data").mkdir()
    assert default_cache_path() == tmp_path / "data" / "dixa-cache.sqlite"
    monkeypatch.setenv("DIXA_CACHE", str(tmp_path / "elsewhere"))
    assert default_cache_path() == tmp_path / "elsewhere.sqlite"
    assert resolve_cache_path(tmp_path / "c.sqlite") == tmp_path / "c.sqlite"
    with pytest.raises(TypeError, match="cache must be"):
        resolve_cache_path(3)  # type: ignore[arg-type]


@pytest.mark.parametrize("source", ["dixa-api", "integrations"])
def test_reference_lists_are_read_from_the_cache_within_their_expiry(
    source, sb, make_client, served
) -> None:
    # The Dixa API's end users alone can be hundreds of pages: not asked for on every run.
    secrets = {"api_token": sb.api_token} if source == "dixa-api" else {}
    first = make_client(**secrets)
    # (Teams come from the Dixa API only.)
    lists = [dxa.fetch_users, dxa.fetch_queues, dxa.fetch_tags]
    lists += [dxa.fetch_teams] if source == "dixa-api" else []
    frames = [fetch(client=first) for fetch in lists]
    assert served()
    sb.reset_counts()
    again = make_client(**secrets)
    for fetch, frame in zip(lists, frames, strict=True):
        pd.testing.assert_frame_equal(fetch(client=again), frame)
    assert not served()
