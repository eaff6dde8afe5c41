"""A repeated ``--sandbox`` query reads its cache: one file of its own beside the default cache,
which does not grow from run to run."""

from __future__ import annotations

import os
from pathlib import Path

import requests_cache

from dixa_analytics.cli import main

QUERY = ["metric", "first-response", "--by", "queue", "--sandbox", "--no-progress"]


def _cached_answers(path: Path) -> int:
    backend = requests_cache.SQLiteCache(path)
    try:
        return len(backend.responses)
    finally:
        backend.close()


def test_a_repeated_sandbox_query_is_served_from_its_cache(tmp_path, capsys) -> None:
    folder = Path(os.environ["DIXA_CACHE"]).parent  # the tests' default cache (conftest)
    stale = folder / "dixa-sandbox-0000older0000.sqlite"
    stale.write_bytes(b"an older version's answers")

    assert main(QUERY) == 0
    first = capsys.readouterr().out
    files = sorted(folder.glob("dixa-sandbox-*.sqlite"))
    assert len(files) == 1
    assert files[0] != stale  # the older identity's file is gone
    cached = _cached_answers(files[0])
    size = files[0].stat().st_size
    assert cached > 5

    assert main(QUERY) == 0
    assert capsys.readouterr().out == first
    assert sorted(folder.glob("dixa-sandbox-*.sqlite")) == files
    assert _cached_answers(files[0]) == cached  # nothing new was stored ...
    assert files[0].stat().st_size == size  # ... so the file did not grow
    assert not Path(os.environ["DIXA_CACHE"]).exists()  # real data's cache untouched


def test_cache_off_keeps_no_sandbox_file(tmp_path, monkeypatch, capsys) -> None:
    folder = Path(os.environ["DIXA_CACHE"]).parent
    assert main([*QUERY, "--cache", "off"]) == 0
    assert capsys.readouterr().out
    assert not list(folder.glob("dixa-sandbox-*"))
