"""The command line end to end: exit codes, one-line errors, and real runs on the sandbox."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dixa_analytics import connect, fetch_activitylog, resolution_time, summarize_durations
from dixa_analytics.cli import main
from dixa_analytics.cli._output import write_frame
from dixa_analytics.cli._query import BY_COLUMNS, METRICS, compute_metric, render
from dixa_analytics.events import EVENTS
from dixa_analytics.frames import CATEGORY, CONVERSATIONS, QUEUES, conform, empty
from dixa_analytics.metrics import CATALOGUE
from dixa_analytics.sandbox import Sandbox


@pytest.mark.parametrize("command", ["report", "metric handling-time", "fetch users --out u.csv"])
def test_without_key_or_sandbox_says_how_to_set_one(command, capsys) -> None:
    assert main(command.split()) == 2
    err = capsys.readouterr().err
    assert "DIXA_API_KEY" in err
    assert "--sandbox" in err
    assert len(err.strip().splitlines()) == 1


def test_bad_dates_exit_2_with_one_line(capsys) -> None:
    code = main(
        ["metric", "reopen-rate", "--sandbox", "--start", "2026-04-01", "--end", "2026-03-01"]
    )
    assert code == 2
    err = capsys.readouterr().err.strip()
    assert "must be after start" in err
    assert "Traceback" not in err


def test_unparseable_date_exit_2(capsys) -> None:
    assert main(["report", "--sandbox", "--start", "yesterday-ish", "--end", "2026-03-01"]) == 2
    assert "is not an ISO date" in capsys.readouterr().err


def test_unreachable_host_exit_1_without_traceback(monkeypatch, capsys, tmp_path) -> None:
    monkeypatch.setenv("DIXA_API_KEY", "not-a-real-key")
    monkeypatch.setenv("DIXA_BASE_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("DIXA_EXPORTS_URL", "http://127.0.0.1:9")
    code = main(
        [
            "report",
            "--start",
            "2026-03-01",
            "--end",
            "2026-03-08",
            "--out",
            str(tmp_path / "r.html"),
            "--no-progress",
        ]
    )
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("dixa-analytics: error:")
    assert "Traceback" not in err
    assert "not-a-real-key" not in err


def test_metric_table_on_the_sandbox(capsys) -> None:
    code = main(["metric", "first-response", "--sandbox", "--by", "queue", "--no-progress"])
    assert code == 0
    out = capsys.readouterr().out
    header = out.splitlines()[0].split()
    assert header[:3] == ["queue_name", "count", "censored"]
    assert "Support" in out


def test_metric_json_and_csv(capsys) -> None:
    assert (
        main(
            [
                "metric",
                "reopen-rate",
                "--sandbox",
                "--freq",
                "M",
                "--format",
                "json",
                "--no-progress",
            ]
        )
        == 0
    )
    rows = json.loads(capsys.readouterr().out)
    assert {"period", "closed", "reopened", "reopen_rate", "complete"} <= set(rows[0])
    assert all(0 <= row["reopen_rate"] <= 1 for row in rows)
    assert {type(row["complete"]) for row in rows} == {bool}
    assert (
        main(
            ["metric", "tag-trends", "--sandbox", "--top", "3", "--format", "csv", "--no-progress"]
        )
        == 0
    )
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "period,tag,conversations,cohort_size,share,complete"
    assert len({line.split(",")[1] for line in lines[1:]}) == 3


def test_fetch_parquet_keeps_dtypes(tmp_path, capsys) -> None:
    out = tmp_path / "queues.parquet"
    assert main(["fetch", "queues", "--sandbox", "--out", str(out), "--no-progress"]) == 0
    frame = pd.read_parquet(out)
    assert list(frame.columns) == list(QUEUES)
    assert str(frame["priority"].dtype) == "Int64"
    assert "wrote" in capsys.readouterr().out


@pytest.mark.parametrize("flag", [[], ["--refresh"]])
def test_refresh_reaches_the_client(flag, tmp_path, monkeypatch) -> None:
    from dixa_analytics.cli import _target

    clients = []
    real_connect = _target.connect

    def recording_connect(**kwargs):
        clients.append(real_connect(**kwargs))
        return clients[-1]

    monkeypatch.setattr(_target, "connect", recording_connect)
    out = tmp_path / "tags.csv"
    assert main(["fetch", "tags", "--sandbox", "--out", str(out), "--no-progress", *flag]) == 0
    assert [client.refresh for client in clients] == [bool(flag)]


def test_fetch_rejects_unknown_suffix(tmp_path, capsys) -> None:
    assert main(["fetch", "tags", "--sandbox", "--out", str(tmp_path / "t.xlsx")]) == 2
    assert ".parquet or .csv" in capsys.readouterr().err


def test_report_with_unknown_queue_is_bad_input(tmp_path, capsys) -> None:
    args = ["report", "--sandbox", "--queue", "Nope", "--out", str(tmp_path / "r.html")]
    assert main([*args, "--no-progress"]) == 2
    assert "Nope" in capsys.readouterr().err


def test_report_of_some_queues_says_so_in_its_header(tmp_path) -> None:
    out = tmp_path / "r.html"
    args = ["report", "--sandbox", "--queue", "Returns & Exchanges", "--queue", "VIP"]
    assert main([*args, "--out", str(out), "--no-progress"]) == 0
    meta = re.search(r'<p class="meta">(.*?)</p>', out.read_text(encoding="utf-8")).group(1)
    assert meta.startswith("<strong>only queues Returns &amp; Exchanges, VIP</strong> · ")


def test_report_sla_targets_from_the_shell(tmp_path) -> None:
    out = tmp_path / "r.html"
    args = ["report", "--sandbox", "--sla", "first-response=30min", "--sla", "resolution=off"]
    assert main([*args, "--out", str(out), "--no-progress"]) == 0
    page = out.read_text(encoding="utf-8")
    assert "First response within 30 min" in page
    assert "Full resolution within" not in page


def test_demo_runs_as_a_user_would(tmp_path) -> None:
    out = tmp_path / "demo.html"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "dixa_analytics",
            "demo",
            "--out",
            str(out),
            "--conversations",
            "300",
            "--no-progress",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    for label in ("conversations", "events", "first response", "handling time", "reopen rate"):
        assert label in done.stdout
    assert "95 % CI" in done.stdout
    assert "SLA first response  " in done.stdout
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "Plotly" in html


def test_sandbox_runs_leave_the_default_cache_alone(tmp_path, capsys) -> None:
    # The sandbox's port changes every run, so its responses could never be reused.
    out = tmp_path / "tags.csv"
    assert main(["fetch", "tags", "--sandbox", "--out", str(out), "--no-progress"]) == 0
    assert out.is_file()
    assert not (tmp_path / "cache.sqlite").exists()


def test_cache_off_writes_no_cache_file(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "tags.csv"
    assert main(["fetch", "tags", "--sandbox", "--cache", "off", "--out", str(out)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tags.csv"]  # no off.sqlite


@pytest.mark.parametrize("action", ["info", "clear"])
def test_cache_commands_touch_no_file_when_caching_is_off(
    tmp_path, monkeypatch, capsys, action: str
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data").mkdir()
    default = tmp_path / "data" / "dixa-cache.sqlite"
    default.write_bytes(b"")  # the usual default file must survive
    monkeypatch.setenv("DIXA_CACHE", "off")
    assert main(["cache", action]) == 2
    assert "caching is off (DIXA_CACHE=off)" in capsys.readouterr().err
    assert default.exists()


def test_parquet_of_an_empty_window_keeps_the_category_columns(tmp_path) -> None:
    # Daily files are often read together: an empty day must not turn categories into objects.
    path = write_frame(empty(EVENTS), tmp_path / "empty.parquet")
    back = pd.read_parquet(path)
    categories = [name for name, dtype in EVENTS.items() if dtype == CATEGORY]
    assert categories
    assert {str(back[name].dtype) for name in categories} == {"category"}


def test_parquet_with_list_columns_reads_back(tmp_path) -> None:
    events = conform(
        pd.DataFrame(
            {
                "conversation_id": [1, 1],
                "timestamp": pd.to_datetime(["2026-03-02 09:00", "2026-03-02 09:01"], utc=True),
                "activity_type": ["conversation_created_by_customer", "conversation_offered"],
                "agent_names": [None, ["Ann", "Bo"]],
            }
        ),
        EVENTS,
    )
    path = write_frame(events, tmp_path / "events.parquet")
    back = pd.read_parquet(path)
    assert list(back.columns) == list(EVENTS)
    assert str(back["conversation_id"].dtype) == "Int64"
    assert str(back["timestamp"].dtype) == "datetime64[ns, UTC]"
    assert back["agent_names"].isna().tolist() == [True, False]
    assert list(back["agent_names"][1]) == ["Ann", "Bo"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["handling-time", "--freq", "W"], "--freq applies to"),
        (["reopen-rate", "--freq", "fortnightly"], "not a pandas period alias"),
        (["tag-trends", "--freq", "2W"], "--freq '2W' is a multiple of a period"),
        (["first-response", "--top", "3"], "--top"),
        (["tag-trends", "--top", "0"], "--top"),
        (["tag-trends", "--by", "queue"], "--by applies to"),
        (["reopen-rate", "--estimator", "observed"], "--estimator applies to durations"),
    ],
)
def test_metric_options_are_checked_before_any_request(args, message, capsys) -> None:
    # No key and no --sandbox: reaching the fetch would fail differently, so the option
    # check must come first.
    assert main(["metric", *args]) == 2
    assert message in capsys.readouterr().err


@pytest.fixture(scope="module")
def sandbox_events() -> pd.DataFrame:
    with (
        Sandbox(seed=5, conversations=150) as sandbox,
        connect(sandbox=sandbox, cache=False, progress=False) as client,
    ):
        org = sandbox.organisation
        return fetch_activitylog(start=org.start, end=org.end, client=client)


# Every metric alone and by each grouping it takes (tag-trends takes none).
METRIC_GROUPINGS = [
    (name, by)
    for name in METRICS
    for by in [None, *sorted(BY_COLUMNS)]
    if by is None or name != "tag-trends"
]


@pytest.mark.parametrize(("name", "by"), METRIC_GROUPINGS)
def test_every_metric_and_grouping_renders(sandbox_events, name, by) -> None:
    frame = compute_metric(name, sandbox_events, by=by)
    assert len(frame) > 0
    if by is not None:
        assert BY_COLUMNS[by] in frame.columns
    table = render(frame, "table")
    assert table.splitlines()[0].split()[0] == frame.columns[0]
    assert len(json.loads(render(frame, "json"))) == len(frame)


def test_resolution_summarises_full_resolution(sandbox_events) -> None:
    result = resolution_time(sandbox_events)
    full = summarize_durations(result, seconds="full_resolution_seconds")
    first = summarize_durations(result, seconds="first_resolution_seconds")
    assert full["p90_seconds"].iloc[0] != first["p90_seconds"].iloc[0]  # reopens differ
    pd.testing.assert_frame_equal(compute_metric("resolution", sandbox_events), full)
    observed = summarize_durations(result, seconds="full_resolution_seconds", estimator="observed")
    pd.testing.assert_frame_equal(
        compute_metric("resolution", sandbox_events, estimator="observed"), observed
    )


def test_resolution_from_the_shell(capsys) -> None:
    assert main(["metric", "resolution", "--sandbox", "--no-progress"]) == 0
    # Durations in a human unit, named in the header: "median (h)".
    header = re.sub(r" \((min|h|d)\)", "", capsys.readouterr().out.splitlines()[0]).split()
    assert header == ["count", "censored", "median", "median_ci_low", "median_ci_high", "p90"]
    assert (
        main(["metric", "resolution", "--sandbox", "--no-progress", "--estimator", "observed"]) == 0
    )
    header = re.sub(r" \((min|h|d)\)", "", capsys.readouterr().out.splitlines()[0]).split()
    assert header == ["count", "censored", "observed_mean", "observed_median", "observed_p90"]


def test_rates_print_as_percentages() -> None:
    frame = pd.DataFrame({"closed": [734], "reopened": [44], "reopen_rate": [44 / 734]})
    assert render(frame, "table").splitlines()[1].split() == ["734", "44", "6.0%"]
    assert json.loads(render(frame, "json"))[0]["reopen_rate"] == pytest.approx(44 / 734)


def test_an_estimate_not_reached_reads_so_in_tables_and_null_in_data() -> None:
    frame = pd.DataFrame(
        {
            "count": pd.array([5, 0], dtype="Int64"),
            "censored": pd.array([4, 0], dtype="Int64"),
            "median_seconds": [120.0, np.nan],
            "median_ci_low": [60.0, np.nan],
            "median_ci_high": [np.nan, np.nan],
            "p90_seconds": [np.nan, np.nan],
        }
    )
    lines = render(frame, "table").splitlines()
    assert lines[1].split() == ["5", "4", "2.0", "min", "1.0", "min", *["not", "reached"] * 2]
    assert lines[2].split() == ["0", "0", "—", "—", "—", "—"]  # no rows: nothing to reach
    assert json.loads(render(frame, "json"))[0]["p90_seconds"] is None


def test_metric_help_says_each_metric_in_plain_words(capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["metric", "--help"])
    assert exit_.value.code == 0
    out = " ".join(capsys.readouterr().out.split())
    for metric in CATALOGUE.values():
        assert f"{metric.command} {metric.plain_definition}" in out


def test_a_missing_group_reads_not_set_in_tables_and_null_in_data() -> None:
    frame = pd.DataFrame(
        {"queue_name": pd.array(["Billing", None], dtype="string"), "closed": [3, 2]}
    )
    assert render(frame, "table").splitlines()[2].split() == ["(not", "set)", "2"]
    assert json.loads(render(frame, "json"))[1]["queue_name"] is None


def test_an_empty_window_says_so_on_stderr(capsys) -> None:
    args = ["metric", "reopen-rate", "--sandbox", "--start", "2020-01-01", "--end", "2020-02-01"]
    assert main([*args, "--no-progress"]) == 0
    captured = capsys.readouterr()
    assert "no conversations created in [2020-01-01, 2020-02-01)" in captured.err
    assert "default window" not in captured.err
    args = ["metric", "reopen-rate", "--sandbox", "--start", "2020-01-01T06:00", "--end"]
    assert main([*args, "2020-01-01T18:00", "--no-progress"]) == 0
    assert "[2020-01-01T06:00:00+00:00, 2020-01-01T18:00:00+00:00)" in capsys.readouterr().err
    assert main(["metric", "reopen-rate", "--sandbox", "--no-progress"]) == 0
    assert "note" not in capsys.readouterr().err


@pytest.mark.parametrize(
    ("kind", "schema"), [("activitylog", EVENTS), ("conversations", CONVERSATIONS)]
)
def test_fetch_of_an_empty_window_writes_the_csv_header(kind, schema, tmp_path, capsys) -> None:
    out = tmp_path / f"{kind}.csv"
    args = ["fetch", kind, "--sandbox", "--start", "2020-01-01", "--end", "2020-01-02"]
    assert main([*args, "--out", str(out), "--no-progress"]) == 0
    assert "no conversations created in [2020-01-01, 2020-01-02)" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8").splitlines() == [",".join(schema)]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["report", "--out", "{missing}/r.html"], "does not exist"),
        (["fetch", "users", "--out", "{missing}/u.csv"], "does not exist"),
        (["demo", "--out", "{missing}/d.html"], "does not exist"),
        (["report", "--out", "{tmp}/folder.html"], "is a directory"),
        (["report", "--out", "{tmp}/r.txt"], "must end in .html or .htm"),
        (["report", "--sla", "first-response=soon"], "SLA target of first-response"),
        (["report", "--sla", "speed=1h"], "no metric named 'speed'"),
        (["report", "--sla", "first-response"], "--sla takes METRIC=TARGET"),
        (["demo", "--sla", "reopen-rate=1h"], "applies to a duration"),
    ],
)
def test_output_path_is_checked_before_anything_is_fetched(args, message, tmp_path, capsys):
    # No key and no --sandbox: the output check must come first to be the error shown.
    (tmp_path / "folder.html").mkdir()
    filled = [a.format(missing=tmp_path / "no" / "such", tmp=tmp_path) for a in args]
    assert main(filled) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "DIXA_API_KEY" not in err


def test_an_existing_read_only_output_file_is_refused_before_anything_is_fetched(
    tmp_path, monkeypatch, capsys
) -> None:
    locked = tmp_path / "locked.html"
    locked.write_text("old report", encoding="utf-8")
    locked.chmod(0o444)
    if os.access(locked, os.W_OK):
        # Root may write to any file whatever its mode, so say the file is read-only.
        real_access = os.access

        def access(path, mode, **kwargs) -> bool:
            if Path(path) == locked and mode & os.W_OK:
                return False
            return real_access(path, mode, **kwargs)

        monkeypatch.setattr(os, "access", access)
    # No key and no --sandbox: the output check must come first to be the error shown.
    assert main(["report", "--out", str(locked)]) == 2
    err = capsys.readouterr().err
    assert "exists and is not writable" in err
    assert str(locked) in err
    assert "DIXA_API_KEY" not in err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("command", ["report", "fetch"])
def test_a_failed_write_after_the_fetch_is_one_line_naming_the_file(
    command, tmp_path, monkeypatch, capsys
) -> None:
    # The output is checked before the fetch, but can still become unwritable during it:
    # here a directory appears in its place, which not even root can write as a file.
    import dixa_analytics as dxa
    from dixa_analytics.cli import _query, _snapshot

    out = tmp_path / ("r.html" if command == "report" else "tags.csv")

    def occupying(fetch):
        def fetch_then_occupy(*args, **kwargs):
            result = fetch(*args, **kwargs)
            out.mkdir()
            return result

        return fetch_then_occupy

    if command == "report":
        # Both report and metric read the window's events through _snapshot.window_events.
        monkeypatch.setattr(_snapshot.dxa, "fetch_activitylog", occupying(dxa.fetch_activitylog))
        args = ["report", "--sandbox", "--out", str(out)]
    else:
        monkeypatch.setitem(_query.FETCHERS, "tags", occupying(_query.FETCHERS["tags"]))
        args = ["fetch", "tags", "--sandbox", "--out", str(out)]
    assert main([*args, "--no-progress"]) == 1
    err = capsys.readouterr().err
    assert f"could not write {str(out)!r}: Is a directory" in err
    assert "Errno" not in err
    assert len(err.strip().splitlines()) == 1


def test_window_on_reference_data_is_refused(tmp_path, capsys) -> None:
    args = ["fetch", "users", "--start", "2026-01-01", "--end", "2026-02-01"]
    assert main([*args, "--out", str(tmp_path / "u.csv")]) == 2
    assert "--start/--end apply to activitylog and conversations" in capsys.readouterr().err


def test_debug_is_accepted_after_the_command(monkeypatch) -> None:
    with pytest.raises(ValueError, match="DIXA_API_KEY"):
        main(["metric", "handling-time", "--debug"])
    with pytest.raises(ValueError, match="DIXA_API_KEY"):
        main(["--debug", "metric", "handling-time"])

    # A nested command too: its failure shows the traceback instead of the one-line message.
    def broken(path):
        raise RuntimeError("unreadable cache")

    monkeypatch.setattr("dixa_analytics.cli._cache.cache_info", broken)
    assert main(["cache", "info"]) == 1
    with pytest.raises(RuntimeError, match="unreadable cache"):
        main(["cache", "info", "--debug"])


def test_both_sources_print_the_same_metric(capsys) -> None:
    printed = {}
    for source in ("dixa-api", "integrations"):
        code = main(["metric", "resolution", "--by", "queue", "--sandbox", "--source", source,
                     "--no-progress", "--format", "csv"])  # fmt: skip
        assert code == 0
        printed[source] = capsys.readouterr().out
    assert printed["dixa-api"] == printed["integrations"]
    assert printed["dixa-api"].count("\n") > 2


def test_fetch_events_of_a_week_from_the_sandbox(tmp_path, capsys) -> None:
    out = tmp_path / "week.parquet"
    code = main(["fetch", "events", "--sandbox", "--start", "2026-03-02", "--end", "2026-03-09",
                 "--no-progress", "--out", str(out)])  # fmt: skip
    assert code == 0
    events = pd.read_parquet(out)
    assert events["timestamp"].between("2026-03-02", "2026-03-09", inclusive="left").all()


def test_sandbox_switches_that_do_not_exist_are_bad_usage(capsys) -> None:
    assert main(["sandbox", "--faults", "speed=11"]) == 2
    assert "not name=value of a switch" in capsys.readouterr().err


def test_the_metric_table_marks_the_weeks_a_mid_week_window_cuts(capsys) -> None:
    args = ["metric", "csat", "--sandbox", "--freq", "W", "--start", "2026-03-04"]
    assert main([*args, "--end", "2026-03-25", "--no-progress"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[-1] == "complete"
    flags = {line.split()[0]: line.split()[-1] for line in lines[1:]}
    # Wednesday 4 March to Wednesday 25 March: the first and last weeks are cut.
    assert flags["2026-03-02/2026-03-08"] == "False"
    assert flags["2026-03-09/2026-03-15"] == "True"
    assert flags["2026-03-23/2026-03-29"] == "False"
