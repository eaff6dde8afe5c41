"""What a new user trips over, caught before anything is fetched: a queue in another case or
misspelt, ``--start`` alone, an output path that cannot be written."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import dixa_analytics as dxa
from dixa_analytics.cli import main
from dixa_analytics.cli._queues import match_queues


@pytest.fixture
def fetches(monkeypatch) -> list[dict]:
    """The activity-log fetches the command makes (recorded, then made as usual)."""
    calls: list[dict] = []
    fetch = dxa.fetch_activitylog

    def recording(*args, **kwargs):
        calls.append(kwargs)
        return fetch(*args, **kwargs)

    monkeypatch.setattr(dxa, "fetch_activitylog", recording)
    return calls


def _meta(page: Path) -> str:
    return re.search(r'<p class="meta">(.*?)</p>', page.read_text(encoding="utf-8")).group(1)


def test_a_queue_matches_whatever_its_case(tmp_path) -> None:
    out = tmp_path / "r.html"
    args = ["report", "--sandbox", "--queue", "billing", "--queue", " vip ", "--queue", "VIP"]
    assert main([*args, "--out", str(out), "--no-progress"]) == 0
    assert _meta(out).startswith("<strong>only queues Billing, VIP</strong> · ")


def test_an_unknown_queue_stops_before_the_activity_log_naming_the_queues(
    tmp_path, fetches, capsys
) -> None:
    out = tmp_path / "r.html"
    code = main(["report", "--sandbox", "--queue", "Bill", "--out", str(out), "--no-progress"])
    assert code == 2
    err = capsys.readouterr().err.strip()
    assert err == (
        "dixa-analytics: error: --queue: no queue named 'Bill'; the queues are: Billing, "
        "Returns & Exchanges, Support, Technical, VIP"
    )
    assert fetches == []
    assert not out.exists()


def test_queues_of_a_snapshot_match_the_same_way(tmp_path, capsys) -> None:
    folder = tmp_path / "snap"
    sync = ["sync", str(folder), "--sandbox", "--start", "2026-03-23", "--end", "2026-03-30"]
    assert main([*sync, "--no-progress"]) == 0
    out = tmp_path / "r.html"
    assert main(["report", "--snapshot", str(folder), "--queue", "SUPPORT", "--out", str(out)]) == 0
    assert _meta(out).startswith("<strong>only queue Support</strong> · ")
    capsys.readouterr()
    assert main(["report", "--snapshot", str(folder), "--queue", "nope", "--out", str(out)]) == 2
    assert "no queue named 'nope'; the queues are: Billing" in capsys.readouterr().err


def test_two_queues_differing_only_by_case_need_the_exact_spelling() -> None:
    assert match_queues(["vip"], ["VIP", "vip"]) == ["vip"]
    with pytest.raises(ValueError, match="'Vip' could be any of 'VIP', 'vip'"):
        match_queues(["Vip"], ["VIP", "vip"])


def _json_metric(*window: str) -> list[dict]:
    """``metric reopen-rate --freq M`` on the sandbox, as JSON rows."""
    return main(["metric", "reopen-rate", "--freq", "M", "--format", "json", "--sandbox", *window])


def test_start_alone_means_up_to_now(capsys) -> None:
    # The sandbox's now is its organisation's end, 2026-04-06.
    assert _json_metric("--start", "2026-03-01", "--no-progress") == 0
    alone = json.loads(capsys.readouterr().out)
    assert _json_metric("--start", "2026-03-01", "--end", "2026-04-06", "--no-progress") == 0
    assert alone == json.loads(capsys.readouterr().out)
    assert [row["period"] for row in alone] == ["2026-03", "2026-04"]


@pytest.mark.parametrize(
    ("window", "message"),
    [
        (["--end", "2026-03-01"], "--end needs --start"),
        (["--start", "2026-05-01"], "--start 2026-05-01 is not before now (2026-04-06 00:00 UTC)"),
    ],
)
def test_a_window_that_cannot_be_is_bad_input(window, message, fetches, capsys) -> None:
    assert _json_metric(*window) == 2
    err = capsys.readouterr().err
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert fetches == []


def _unwritable(tmp_path: Path, suffix: str) -> list[tuple[str, str]]:
    """Output paths that cannot be written, and what the error says about each."""
    (tmp_path / f"folder{suffix}").mkdir()
    paths = [
        (str(tmp_path / "missing" / f"out{suffix}"), "does not exist"),
        (str(tmp_path / f"folder{suffix}"), "is a directory"),
        (str(tmp_path), "is a directory"),
    ]
    if Path("/sys/kernel").is_dir():  # Linux: sysfs refuses new files, even to root
        paths.append((f"/sys/kernel/out{suffix}", "/sys/kernel"))
    return paths


@pytest.mark.parametrize(
    "command", [["report", "--sandbox"], ["fetch", "activitylog", "--sandbox"]]
)
def test_an_output_that_cannot_be_written_stops_before_fetching(
    command, tmp_path, fetches, capsys
) -> None:
    for path, message in _unwritable(tmp_path, ".html" if command[0] == "report" else ".csv"):
        assert main([*command, "--out", path]) == 2, path
        err = capsys.readouterr().err.strip()
        assert err.startswith("dixa-analytics: error: --out"), err
        assert message in err, err
        assert len(err.splitlines()) == 1
    assert fetches == []
    assert not (tmp_path / "missing").exists()
