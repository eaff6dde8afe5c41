"""Small holes a hostile user (or hostile data) could use: formulas in CSV, symlinked outputs,
NUL in the report, non-HTTP URLs, attribute keys that collide or have no name."""

from __future__ import annotations

import csv

import pytest

from dixa_analytics._errors import SchemaError
from dixa_analytics.cli import main
from dixa_analytics.client import DixaClient
from dixa_analytics.events import events_frame


@pytest.fixture
def on_sandbox(sb, monkeypatch):
    monkeypatch.setenv("DIXA_API_KEY", sb.api_key)
    monkeypatch.setenv("DIXA_BASE_URL", sb.base_url)
    monkeypatch.setenv("DIXA_EXPORTS_URL", sb.exports_url)
    return sb


def _cells(path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def test_csv_cells_that_a_spreadsheet_would_run_are_written_as_text(
    on_sandbox, monkeypatch, tmp_path
) -> None:
    tag = on_sandbox.organisation.tags[0]
    monkeypatch.setitem(tag, "name", '=HYPERLINK("http://evil.example","click")')
    out = tmp_path / "tags.csv"
    assert main(["fetch", "tags", "--out", str(out), "--no-progress"]) == 0
    cells = [cell for row in _cells(out) for cell in row]
    assert '\'=HYPERLINK("http://evil.example","click")' in cells
    assert not any(cell.startswith(("=", "+", "@")) for cell in cells)

    raw = tmp_path / "raw.csv"
    assert main(["fetch", "tags", "--out", str(raw), "--raw-csv", "--no-progress"]) == 0
    assert '=HYPERLINK("http://evil.example","click")' in {c for r in _cells(raw) for c in r}


def test_metric_csv_on_stdout_is_guarded_too(on_sandbox, monkeypatch, capsys) -> None:
    queue = on_sandbox.organisation.queues[0]
    monkeypatch.setitem(queue, "name", "@SUM(1+1)")
    argv = ["metric", "handling-time", "--by", "queue", "--format", "csv", "--no-progress"]
    window = ["--start", "2026-03-27", "--end", "2026-04-06"]
    assert main([*argv, *window]) == 0
    out = capsys.readouterr().out
    assert "'@SUM(1+1)" in out
    assert "\n@SUM" not in out


def test_an_output_that_is_a_symbolic_link_is_refused(on_sandbox, tmp_path, capsys) -> None:
    target = tmp_path / "precious.csv"
    target.write_text("keep me\n")
    link = tmp_path / "out.csv"
    link.symlink_to(target)
    assert main(["fetch", "tags", "--out", str(link), "--no-progress"]) == 2
    assert "symbolic link" in capsys.readouterr().err
    assert target.read_text() == "keep me\n"
    assert on_sandbox.request_count == 0  # refused before anything was fetched


def test_a_nul_in_the_data_never_reaches_the_report(on_sandbox, monkeypatch, tmp_path) -> None:
    queue = on_sandbox.organisation.queues[0]
    monkeypatch.setitem(queue, "name", "Sup\x00port\x07")
    out = tmp_path / "report.html"
    window = ["--start", "2026-03-27", "--end", "2026-04-06"]
    assert main(["report", *window, "--out", str(out), "--no-progress"]) == 0
    page = out.read_text(encoding="utf-8")
    assert "\x00" not in page
    assert "\x07" not in page
    assert "Sup\ufffdport\ufffd" in page


@pytest.mark.parametrize("url", ["ftp://integrations.dixa.io", "file:///etc/passwd", "http://"])
def test_only_http_urls_are_accepted(url, monkeypatch, capsys) -> None:
    with pytest.raises(ValueError, match="http:// or https:// URL"):
        DixaClient("key", base_url=url, cache=False)
    monkeypatch.setenv("DIXA_API_KEY", "key")
    monkeypatch.setenv("DIXA_BASE_URL", url)
    assert main(["fetch", "tags", "--out", "tags.csv", "--no-progress"]) == 2
    assert "DIXA_BASE_URL" in capsys.readouterr().err


def _event(attributes: dict) -> dict:
    return {
        "id": "e1",
        "conversation_id": 7,
        "activity_timestamp": "2026-03-02T10:00:00Z",
        "activity_type": "conversation_assigned",
        "attributes": attributes,
    }


@pytest.mark.parametrize(
    ("attributes", "column", "value"),
    [
        ({"agentName": None, "agent_name": "Ann"}, "agent_name", "Ann"),
        ({"agent_name": "Ann", "agentName": None}, "agent_name", "Ann"),
        ({"tag_name": None, "tag": "vip"}, "tag", "vip"),
        ({"tag_name": "vip", "tag": "vip"}, "tag", "vip"),
    ],
)
def test_colliding_attribute_keys_keep_the_value_that_is_set(attributes, column, value) -> None:
    assert events_frame([_event(attributes)])[column].tolist() == [value]


@pytest.mark.parametrize(
    "attributes",
    [{"agentName": "Ann", "agent_name": "Bob"}, {"tag_name": "vip", "tag": "spam"}],
)
def test_colliding_attribute_keys_with_different_values_are_an_error(attributes) -> None:
    with pytest.raises(SchemaError, match=r"record 0 \(id 'e1', conversation 7\).*'Ann'|'vip'"):
        events_frame([_event(attributes)])


def test_an_attribute_key_without_a_name_gets_a_named_column() -> None:
    events = events_frame([_event({"": "x", "agent_id": "a1"})])
    assert "" not in events.columns
    assert events["attr_empty_key"].tolist() == ["x"]
