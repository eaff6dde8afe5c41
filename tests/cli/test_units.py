"""Durations on the command line: human units in tables, exact seconds in CSV and JSON."""

from __future__ import annotations

import io
import json
import re

import pandas as pd
import pytest

from dixa_analytics import connect, fetch_activitylog
from dixa_analytics.cli import main
from dixa_analytics.cli._query import compute_metric, render
from dixa_analytics.sandbox import Sandbox

UNIT_SECONDS = {"s": 1.0, "min": 60.0, "h": 3600.0, "d": 86400.0}
HEADER = re.compile(r"\S+ \((?:s|min|h|d)\)|\S+")
DURATION_HEADER = re.compile(r"(\S+) \((s|min|h|d)\)")


def parse_table(text: str) -> pd.DataFrame:
    """Read a printed table back: headers such as ``median (h)``, cells such as ``3.1 h``.

    Columns are right-aligned under their headers, so each cell ends where its header does.
    """
    lines = text.splitlines()
    ends = [match.end() for match in HEADER.finditer(lines[0])]
    header = HEADER.findall(lines[0])
    rows = [
        [line[start:end].strip() for start, end in zip([0, *ends], ends, strict=False)]
        for line in lines[1:]
    ]
    return pd.DataFrame(rows, columns=header)


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    with (
        Sandbox(seed=7, conversations=200) as sandbox,
        connect(sandbox=sandbox, cache=False, progress=False) as client,
    ):
        org = sandbox.organisation
        return fetch_activitylog(start=org.start, end=org.end, client=client)


@pytest.mark.parametrize(
    ("name", "by"),
    [("first-response", "queue"), ("resolution", None), ("handling-time", "agent")],
)
def test_every_duration_column_has_one_unit_named_in_its_header(events, name, by) -> None:
    frame = compute_metric(name, events, by=by)
    table = parse_table(render(frame, "table"))
    durations = [c for c in table.columns if DURATION_HEADER.fullmatch(c)]
    assert len(durations) == 4  # median, its interval, p90
    assert not [c for c in table.columns if c.endswith("_seconds")]
    for column in durations:
        unit = DURATION_HEADER.fullmatch(column).group(2)
        cells = [c for c in table[column] if c not in ("not reached", "—")]
        assert cells, column
        assert all(cell.endswith(f" {unit}") for cell in cells), (column, cells)
    # The median's interval is in the median's unit, so the three numbers compare.
    assert len({DURATION_HEADER.fullmatch(c).group(2) for c in durations[:3]}) == 1


def test_a_resolution_summary_reads_in_hours_and_days(events) -> None:
    frame = compute_metric("resolution", events)
    table = parse_table(render(frame, "table"))
    median = frame["median_seconds"].iloc[0]
    assert 90 * 60 <= median < 48 * 3600  # the sandbox's resolutions take hours
    assert table["median (h)"].iloc[0] == f"{median / 3600:,.1f} h"
    assert table["count"].iloc[0] == f"{int(frame['count'].iloc[0]):,}"


@pytest.mark.parametrize("unit", ["s", "min", "h", "d"])
def test_unit_chooses_the_unit_of_every_duration_column(events, unit) -> None:
    frame = compute_metric("first-response", events, by="queue")
    table = parse_table(render(frame, "table", unit=unit))
    for column, seconds in [
        ("median", "median_seconds"),
        ("median_ci_low", "median_ci_low"),
        ("p90", "p90_seconds"),
    ]:
        cells = table[f"{column} ({unit})"]
        for cell, value in zip(cells, frame[seconds], strict=True):
            if pd.isna(value):
                assert cell in ("not reached", "—")
            else:
                shown = value / UNIT_SECONDS[unit]
                assert cell == (f"{shown:,.1f} {unit}" if shown >= 0.05 else f"<0.1 {unit}")


def test_counts_keep_thousands_separators() -> None:
    frame = pd.DataFrame(
        {
            "queue_name": ["Billing"],
            "count": pd.array([12345], dtype="Int64"),
            "censored": pd.array([1234], dtype="Int64"),
            "median_seconds": [3000.0],
        }
    )
    assert render(frame, "table").splitlines()[1].split() == [
        "Billing",
        "12,345",
        "1,234",
        "50.0",
        "min",
    ]


def test_csv_and_json_keep_exact_seconds_and_say_so(events) -> None:
    frame = compute_metric("first-response", events, by="queue")
    csv = pd.read_csv(io.StringIO(render(frame, "csv")))
    assert list(csv.columns) == [
        "queue_name",
        "count",
        "censored",
        "median_seconds",
        "median_ci_low_seconds",
        "median_ci_high_seconds",
        "p90_seconds",
    ]
    for column in ("median_seconds", "median_ci_low", "median_ci_high", "p90_seconds"):
        written = column if column.endswith("_seconds") else f"{column}_seconds"
        pd.testing.assert_series_equal(
            csv[written], frame[column].astype("float64"), check_names=False, rtol=1e-9
        )
    rows = json.loads(render(frame, "json"))
    assert set(rows[0]) == set(csv.columns)
    assert rows[0]["median_ci_low_seconds"] == pytest.approx(frame["median_ci_low"].iloc[0])


def test_unit_from_the_shell(capsys) -> None:
    assert main(["metric", "first-response", "--sandbox", "--no-progress", "--unit", "h"]) == 0
    table = parse_table(capsys.readouterr().out)
    assert list(table.columns) == [
        "count",
        "censored",
        "median (h)",
        "median_ci_low (h)",
        "median_ci_high (h)",
        "p90 (h)",
    ]
    assert table["median (h)"].iloc[0].endswith(" h")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["reopen-rate", "--unit", "h"], "--unit applies to durations"),
        (["resolution", "--unit", "h", "--format", "csv"], "CSV keeps exact seconds"),
        (["resolution", "--unit", "h", "--format", "json"], "JSON keeps exact seconds"),
    ],
)
def test_unit_where_it_would_be_ignored_is_refused_before_any_request(
    args, message, capsys
) -> None:
    # No --sandbox and no key: had the options been accepted, the command would fail on the
    # missing key instead.
    assert main(["metric", *args]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_an_unknown_unit_is_a_usage_error(capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["metric", "resolution", "--sandbox", "--unit", "weeks"])
    assert exit_.value.code == 2
    assert "invalid choice: 'weeks'" in capsys.readouterr().err


def test_report_unit_from_the_shell(tmp_path) -> None:
    out = tmp_path / "r.html"
    assert main(["report", "--sandbox", "--no-progress", "--out", str(out), "--unit", "d"]) == 0
    page = out.read_text(encoding="utf-8")
    headers = re.findall(r"<th[^>]*>((?:Median|p90|Open for) \((?:s|min|h|d)\))</th>", page)
    assert len(headers) == 11
    assert all(h.endswith("(d)") for h in headers)
