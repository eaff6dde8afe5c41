"""The pre-flight plan of a pull: requests, time, share of the daily quota, and asking first."""

from __future__ import annotations

import io
import math
import re

import pytest

import dixa_analytics as dxa
import dixa_analytics.fetch._plan as plan_module
from dixa_analytics.cli import main

from ..conftest import END, START


def test_the_plan_counts_windows_and_batches_of_the_sandbox(sb, make_client, served) -> None:
    client = make_client(export_rate_limit=10 / 60, export_burst=1, rate_limit=10.0, burst=4)
    plan = dxa.plan_fetch(start=START, end=END, client=client)
    inside = [c for c in sb.organisation.conversations]
    assert plan.export_requests == 1
    assert plan.conversations == len(inside)
    assert plan.source == "integrations"
    assert plan.activitylog_requests == math.ceil(len(inside) / 10)
    assert plan.requests == 1 + math.ceil(len(inside) / 10)
    assert plan.quota_share == pytest.approx(plan.requests / 864_000)
    assert not plan.needs_confirmation
    assert len(served()) == 1  # one export window asked; the fetch finds it in the cache
    sb.reset_counts()
    dxa.fetch_activitylog(start=START, end=END, client=client)
    assert not served(path="/conversation_export")


def test_the_progress_bars_say_how_long_the_pull_takes_at_the_rate_limits(
    make_client, capsys
) -> None:
    client = make_client(
        export_rate_limit=10 / 60, export_burst=1, rate_limit=10.0, burst=4, progress=True
    )
    dxa.fetch_activitylog(start=START, end=END, client=client)
    bars = capsys.readouterr().err
    # Before the first batch is in, the bar states its plan: the batches beyond the burst
    # at 10 a second.
    first = re.search(r"activity log:\s+0%\|[^|]*\| 0/(\d+) \[[^]]*, (plan[^]]*)\]", bars)
    assert first, bars[-500:]
    batches = int(first.group(1))
    assert first.group(2) == f"plan: about {math.ceil((batches - 4) / 10)} s at 10/s"


def test_a_window_of_a_century_needs_confirmation(make_client) -> None:
    client = make_client(export_rate_limit=10 / 60, export_burst=1)
    plan = dxa.plan_fetch(start="1970-01-01", end="2100-01-01", conversations=0, client=client)
    assert plan.export_requests == 1532
    assert plan.seconds > 2 * 3600
    assert plan.needs_confirmation
    assert "2 h 33 min" in str(plan)


def test_the_plan_refuses_a_bad_count(make_client) -> None:
    with pytest.raises(ValueError, match="non-negative integer"):
        dxa.plan_fetch(start=START, end=END, conversations=-1, client=make_client())
    with pytest.raises(ValueError, match="what must be one of activitylog, conversations"):
        dxa.plan_fetch(start=START, end=END, what="messages", client=make_client())


def test_plans_of_conversations_alone_and_of_events_by_time(sb, make_client) -> None:
    client = make_client(export_rate_limit=10 / 60, export_burst=1, api_token=sb.api_token)
    century = {"start": "1970-01-01", "end": "2100-01-01", "client": client}
    conversations = dxa.plan_fetch(**century, what="conversations", conversations=0)
    assert (conversations.export_requests, conversations.activitylog_requests) == (1532, 0)
    assert conversations.source == "exports"
    assert conversations.needs_confirmation
    assert str(conversations).startswith("about 1,532 requests (1,532 export windows for")
    events = dxa.plan_fetch(**century, what="events", conversations=0)
    # No export: one organisation-wide log request per month of the window.
    assert (events.export_requests, events.activitylog_requests) == (0, 130 * 12)
    assert events.source == "dixa-api"
    assert "export windows" not in str(events)
    inside = len(sb.organisation.conversations)
    sampled = dxa.plan_fetch(start=START, end=END, what="events", client=client)
    assert sampled.conversations == inside
    # START..END crosses into April: two monthly windows, and pages of 10,000 events.
    assert START[:7] != END[:7]
    assert sampled.activitylog_requests == 2 + math.ceil(15 * inside / 10_000)


@pytest.fixture
def on_sandbox(sb, monkeypatch, tmp_path):
    monkeypatch.setenv("DIXA_API_KEY", sb.api_key)
    monkeypatch.setenv("DIXA_BASE_URL", sb.base_url)
    monkeypatch.setenv("DIXA_EXPORTS_URL", sb.exports_url)
    monkeypatch.setenv("DIXA_CACHE", str(tmp_path / "cache.sqlite"))
    for name in ("DIXA_API_TOKEN", "DIXA_API_URL"):
        monkeypatch.delenv(name, raising=False)
    return sb


@pytest.mark.parametrize("kind", ["activitylog", "conversations"])
def test_a_century_from_the_command_line_stops_before_it_starts(kind, on_sandbox, tmp_path, capsys):
    out = tmp_path / "events.csv"
    argv = ["fetch", kind, "--start", "1970-01-01", "--end", "2100-01-01"]
    assert main([*argv, "--out", str(out), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "pass --yes" in err
    assert "1,532 export windows" in err
    assert on_sandbox.request_count <= 1  # the plan's one export window, nothing more
    assert not out.exists()


@pytest.mark.parametrize(
    "command", ["fetch", "fetch conversations", "fetch events", "metric", "report", "sync"]
)
def test_a_big_pull_goes_ahead_with_yes_only(command, on_sandbox, monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(plan_module, "CONFIRM_SECONDS", -1.0)  # every pull is "big"
    monkeypatch.setenv("DIXA_API_TOKEN", on_sandbox.api_token)
    monkeypatch.setenv("DIXA_API_URL", on_sandbox.api_url)
    window = ["--start", START, "--end", END]
    argv = {
        "fetch": ["fetch", "activitylog", *window, "--out", str(tmp_path / "e.csv")],
        "fetch conversations": [
            "fetch",
            "conversations",
            *window,
            "--out",
            str(tmp_path / "c.csv"),
        ],
        "fetch events": ["fetch", "events", *window, "--out", str(tmp_path / "e.csv")],
        "metric": ["metric", "first-response", *window],
        "report": ["report", *window, "--out", str(tmp_path / "r.html")],
        "sync": ["sync", str(tmp_path / "snap"), *window],
    }[command] + ["--no-progress"]
    assert main(argv) == 2
    assert "pass --yes" in capsys.readouterr().err
    assert not [r for r in on_sandbox.requests if r.path.endswith("/activitylog")]
    assert len(on_sandbox.requests) <= 1  # at most the plan's one export window
    assert main([*argv, "--yes"]) == 0
    assert "plan: about" in capsys.readouterr().err


@pytest.mark.parametrize(("answer", "code"), [("y\n", 0), ("n\n", 2), ("\n", 2)])
def test_at_a_terminal_the_user_is_asked(answer, code, on_sandbox, monkeypatch, tmp_path):
    monkeypatch.setattr(plan_module, "CONFIRM_SECONDS", -1.0)

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr("sys.stdin", Terminal(answer))
    argv = ["fetch", "activitylog", "--start", START, "--end", END]
    assert main([*argv, "--out", str(tmp_path / "e.csv"), "--no-progress"]) == code
