"""``dixa-analytics sync`` and ``--snapshot``: a snapshot written and read from the shell."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from dixa_analytics.cli import main

SUMMARY = re.compile(
    r"^synced (?P<path>\S+) as of 2026-04-06 00:00 UTC: (?P<new>[\d,]+) new and "
    r"(?P<updated>[\d,]+) updated conversations, (?P<events>[\d,]+) events, [\d,]+ requests "
    r"\((dixa-api|integrations)\) in [\d.]+ s$"
)


@pytest.fixture(scope="module")
def synced(tmp_path_factory) -> tuple:
    """A snapshot of the sandbox written by the command line, and what the command printed."""
    folder = tmp_path_factory.mktemp("cli") / "snapshot"
    printed = []
    for _ in range(2):
        with pytest.MonkeyPatch.context() as patch:
            patch.delenv("DIXA_API_KEY", raising=False)
            patch.delenv("DIXA_API_TOKEN", raising=False)
            # A module's fixture runs before the folder's per-test cache setting (conftest).
            patch.setenv("DIXA_CACHE", str(folder.parent / "cache.sqlite"))
            lines: list[str] = []
            patch.setattr("builtins.print", lambda *a, lines=lines, **k: lines.append(" ".join(a)))
            assert main(["sync", str(folder), "--sandbox", "--no-progress"]) == 0
            printed.append(lines)
    return folder, printed


def test_sync_prints_one_line_and_a_second_sync_finds_nothing_new(synced) -> None:
    folder, (first, second) = synced
    assert len(first) == len(second) == 1
    made, again = SUMMARY.match(first[0]), SUMMARY.match(second[0])
    assert made, first
    assert again, second
    assert made["path"] == str(folder)
    assert made["new"] == "2,000"
    assert made["updated"] == "0"
    assert again["new"] == "0"
    assert again["events"] == made["events"]


def test_fetch_from_a_snapshot_equals_the_fetch_from_the_sandbox(synced, tmp_path) -> None:
    folder, _ = synced
    from_snapshot, fetched = tmp_path / "a.parquet", tmp_path / "b.parquet"
    assert (
        main(["fetch", "activitylog", "--snapshot", str(folder), "--out", str(from_snapshot)]) == 0
    )
    assert main(["fetch", "activitylog", "--sandbox", "--no-progress", "--out", str(fetched)]) == 0
    pd.testing.assert_frame_equal(pd.read_parquet(from_snapshot), pd.read_parquet(fetched))


def test_metric_and_report_read_a_snapshot(synced, tmp_path, capsys) -> None:
    folder, _ = synced
    assert main(["metric", "reopen-rate", "--snapshot", str(folder), "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "closed,reopened,reopen_rate"
    out = tmp_path / "report.html"
    window = ["--start", "2026-02-01", "--end", "2026-03-01"]
    assert main(["report", "--snapshot", str(folder), *window, "--out", str(out)]) == 0
    assert "2026-02-01" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["metric", "resolution", "--snapshot", "{folder}", "--sandbox"], "pass one of them"),
        (["fetch", "teams", "--snapshot", "{folder}", "--out", "t.csv"], "not teams"),
        (["metric", "resolution", "--snapshot", "{folder}", "--start", "2020-01-01"], "holds"),
    ],
)
def test_bad_uses_of_a_snapshot_exit_2(synced, args, message, capsys) -> None:
    folder, _ = synced
    assert main([arg.format(folder=folder) for arg in args]) == 2
    assert message in capsys.readouterr().err


def test_a_folder_that_is_no_snapshot_is_one_line(tmp_path, capsys) -> None:
    assert main(["metric", "resolution", "--snapshot", str(tmp_path / "none")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("dixa-analytics: error: no snapshot at")
    assert err.count("\n") == 1


def test_a_first_sync_of_a_real_organisation_needs_a_start(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DIXA_API_TOKEN", "token")
    assert main(["sync", str(tmp_path / "snapshot")]) == 2
    assert "first sync needs start=" in capsys.readouterr().err
    assert not (tmp_path / "snapshot").exists()
