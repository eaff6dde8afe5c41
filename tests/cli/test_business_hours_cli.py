"""The command line's CSAT and backlog metrics and its --business-hours switch."""

from __future__ import annotations

import json
import re

import pytest

from dixa_analytics.cli import main

SCHEDULE = {"weekly": {"mon-fri": "08:00-17:00"}, "tz": "Europe/Copenhagen", "holidays": []}


@pytest.fixture
def hours_file(tmp_path):
    path = tmp_path / "hours.json"
    path.write_text(json.dumps(SCHEDULE), encoding="utf-8")
    return path


def json_rows(capsys, *args: str) -> list[dict]:
    assert main(["metric", *args, "--sandbox", "--format", "json", "--no-progress"]) == 0
    return json.loads(capsys.readouterr().out)


def test_first_response_in_business_hours(capsys, hours_file):
    wall = json_rows(capsys, "first-response", "--by", "queue")
    open_ = json_rows(
        capsys, "first-response", "--by", "queue", "--business-hours", str(hours_file)
    )
    assert [r["queue_name"] for r in open_] == [r["queue_name"] for r in wall]
    assert [r["count"] for r in open_] == [r["count"] for r in wall]
    # Nights and weekends no longer count: every queue's median wait shrinks.
    for a, b in zip(open_, wall, strict=True):
        assert a["median_seconds"] < b["median_seconds"]


def test_csat_and_backlog_from_the_shell(capsys):
    rows = json_rows(capsys, "csat", "--by", "agent")
    assert {"agent_name", "ratings", "mean_score", "satisfied_share", "response_rate"} <= set(
        rows[0]
    )
    assert all(1 <= r["mean_score"] <= 5 for r in rows if r["ratings"])
    assert main(["metric", "backlog", "--sandbox", "--freq", "W", "--format", "csv",
                 "--no-progress"]) == 0  # fmt: skip
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "period,open,created,closed,reopened,complete"
    assert lines[-1].endswith(",False")  # the sandbox's last week is cut by as_of


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"weekly": {"mon": "17:00-08:00"}, "tz": "UTC"}', "end before they start"),
        ('{"weekly": {"mon": "09:00-17:00"}, "tz": "Mars/Base"}', "unknown time zone"),
        ('{"weekly": {"mon": "09:00-17:00"}}', "missing ['tz']"),
        ("mon-fri 9-5", "is not JSON"),
    ],
)
def test_a_bad_schedule_file_is_bad_input_before_any_request(content, message, tmp_path, capsys):
    path = tmp_path / "hours.json"
    path.write_text(content, encoding="utf-8")
    # No key and no --sandbox: a fetch would fail otherwise, so the file is read first.
    assert main(["metric", "resolution", "--business-hours", str(path)]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert str(path) in err
    assert len(err.strip().splitlines()) == 1


def test_business_hours_apply_to_waits_only(capsys, hours_file):
    assert main(["metric", "handling-time", "--business-hours", str(hours_file)]) == 2
    assert "--business-hours applies to first-response, resolution, queue-wait" in (
        capsys.readouterr().err
    )
    # Refused for csat before the (missing) file is read.
    assert main(["metric", "csat", "--business-hours", "nope.json"]) == 2
    assert "applies to" in capsys.readouterr().err


def test_report_in_business_hours(tmp_path, hours_file):
    out = tmp_path / "r.html"
    args = ["report", "--sandbox", "--business-hours", str(hours_file), "--out", str(out)]
    assert main([*args, "--no-progress"]) == 0
    page = out.read_text(encoding="utf-8")
    meta = re.search(r'<p class="meta">(.*?)</p>', page).group(1)
    assert "waits in business hours" in meta
    assert 'id="csat"' in page
    assert 'id="backlog"' in page
