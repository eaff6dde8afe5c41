"""What the cache keeps and for how long, and where its file lives."""

import datetime as dt

import pytest

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
