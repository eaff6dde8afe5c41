"""The report's tables show each duration column in one unit, named in its header."""

from __future__ import annotations

import html
import re

import pytest

from dixa_analytics import build_report

UNIT = re.compile(r"\((s|min|h|d)\)$")


def tables(page: str) -> list[tuple[list[str], list[list[str]]]]:
    """Each table of ``page`` as (column headers, body rows), text unescaped."""
    out = []
    for table in re.findall(r"<table>(.*?)</table>", page, re.S):
        head, body = re.search(r"<thead>(.*?)</thead><tbody>(.*?)</tbody>", table, re.S).groups()
        headers = re.findall(r"<th[^>]*>(.*?)</th>", re.findall(r"<tr>(.*?)</tr>", head)[-1])
        rows = [
            [html.unescape(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)]
            for row in re.findall(r"<tr>(.*?)</tr>", body)
        ]
        out.append(([html.unescape(h) for h in headers], rows))
    return out


def duration_columns(page: str) -> dict[str, list[str]]:
    """Every duration column of every table: "table i: header" → its cells."""
    columns = {}
    for i, (headers, rows) in enumerate(tables(page)):
        for j, header in enumerate(headers):
            if UNIT.search(header):
                columns[f"table {i}, column {j}: {header}"] = [row[j] for row in rows]
    return columns


def test_every_duration_column_has_one_unit(events_of, as_of) -> None:
    page = build_report(events_of(), as_of=as_of)
    columns = duration_columns(page)
    # Queue table: three durations × (median, p90); agent table: 2 × 2; longest open: 1.
    assert len(columns) == 11
    units, numbers = set(), 0
    for name, cells in columns.items():
        unit = UNIT.search(name).group(1)
        units.add(unit)
        shown = [c for c in cells if c not in ("not reached", "—")]
        numbers += len(shown)
        assert all(re.fullmatch(rf"<?[\d,]+\.\d {unit}", c) for c in shown), (name, cells)
    assert numbers >= 15
    assert {"min", "h"} <= units  # the columns pick different units, each its own


def test_the_headers_name_the_units_of_the_queue_table(events_of, as_of) -> None:
    page = build_report(events_of(), as_of=as_of)
    headers, rows = next(t for t in tables(page) if t[0][0] == "Queue")
    assert headers[2] == "Median (min)"  # first responses: minutes
    assert headers[8] == "Median (h)"  # full resolution: hours
    assert all(row[2].endswith(" min") for row in rows)


@pytest.mark.parametrize(("unit", "short"), [("h", "h"), ("minutes", "min"), ("d", "d")])
def test_one_unit_for_every_table(events_of, as_of, unit, short) -> None:
    columns = duration_columns(build_report(events_of(), as_of=as_of, unit=unit))
    assert len(columns) == 11
    assert all(name.endswith(f"({short})") for name in columns)
    assert all(
        c.endswith(f" {short}")
        for cells in columns.values()
        for c in cells
        if c not in ("not reached", "—")
    )


def test_a_bad_unit_is_refused(events_of, as_of) -> None:
    with pytest.raises(ValueError, match="unit must be 'auto' or one of 's' \\(seconds\\)"):
        build_report(events_of(), as_of=as_of, unit="weeks")
