"""The report's tables: durations and reopen rate per queue, handling and first replies per
agent, the longest-open conversations and the rising tags.

Each duration column shows one unit, chosen from its values (or the report's ``unit``) and
named in its header ("Median (h)"), so a column never mixes "78.5 min" and "3.4 h".
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from dixa_analytics._format import (
    MISSING_LABEL,
    UNITS,
    choose_unit,
    format_count,
    format_duration,
    format_estimate,
    format_percent,
)
from dixa_analytics.metrics import CATALOGUE, Metric, summarize_durations
from dixa_analytics.report._compute import ReportData
from dixa_analytics.report._html import table

__all__ = ["LONGEST_OPEN", "agent_table", "open_table", "queue_table", "rising_table"]

LONGEST_OPEN = 10
NO_CONVERSATIONS = "No conversations in this window."


def _group_stats(result: pd.DataFrame, by: str, seconds: str) -> dict[object, Any]:
    """Map group value (None for missing) to its Kaplan–Meier summary row (count, censored,
    median, p90)."""
    summary = summarize_durations(result, by=by, seconds=seconds)
    return {
        (None if pd.isna(key) else key): row
        for key, row in zip(summary[by].astype(object), summary.itertuples(), strict=True)
    }


def _column_unit(seconds: Iterable[float], unit: str | None) -> str:
    """The unit of a table column holding ``seconds``: ``unit``, else from their median."""
    return choose_unit(pd.Series(list(seconds), dtype="float64"), unit or "auto")


def _with_unit(header: str, unit: str) -> str:
    return f"{header} ({UNITS[unit][1]})"


def _estimate_units(stats: dict[object, Any], unit: str | None) -> tuple[str, str]:
    """The units of a table's median and p90 columns of the summary rows ``stats``."""
    rows = list(stats.values())
    return (
        _column_unit((r.median_seconds for r in rows), unit),
        _column_unit((r.p90_seconds for r in rows), unit),
    )


def _stat_cells(row: Any, units: tuple[str, str]) -> list[str]:
    if row is None:
        return ["—", "—", "—"]
    return [
        format_estimate(row.median_seconds, row.count, units[0]),
        format_estimate(row.p90_seconds, row.count, units[1]),
        format_count(row.censored),
    ]


def _group_name(key: object) -> str:
    return MISSING_LABEL if key is None else str(key)


def _view_result(data: ReportData, metric: Metric, **call: Any) -> pd.DataFrame | None:
    """The result of the view of ``metric`` whose call is ``call``, if it has one."""
    for view, result in zip(metric.views, data.results[metric.name], strict=True):
        if dict(view.call) == call:
            return result
    return None


def queue_table(data: ReportData, *, unit: str | None = None) -> str:
    durations = [m for m in CATALOGUE.values() if m.in_tables and m.kind == "duration"]
    stats = {m.name: _group_stats(data.result(m.name), "queue_name", m.seconds) for m in durations}
    units = {name: _estimate_units(by_queue, unit) for name, by_queue in stats.items()}
    rates = [m for m in CATALOGUE.values() if m.in_tables and m.kind == "rate"]
    by_queue = {m.name: _view_result(data, m, by="queue_name") for m in rates}
    reopen = {
        name: {
            (None if pd.isna(row.queue_name) else row.queue_name): row
            for row in result.astype({"queue_name": object}).itertuples()
        }
        for name, result in by_queue.items()
        if result is not None
    }
    # Every conversation has a resolution time, so its groups are every queue.
    counts = stats["resolution_time"]
    rows = []
    for key in sorted(counts, key=lambda k: (-int(counts[k].count), str(k))):
        cells = [_group_name(key), format_count(counts[key].count)]
        for m in durations:
            cells += _stat_cells(stats[m.name].get(key), units[m.name])
        for rows_by_queue in reopen.values():
            r = rows_by_queue.get(key)
            cells.append(
                "—" if r is None else f"{format_percent(r.reopen_rate)} ({r.reopened}/{r.closed})"
            )
        rows.append(cells)
    trios = [
        [_with_unit("Median", units[m.name][0]), _with_unit("p90", units[m.name][1]), "Censored"]
        for m in durations
    ]
    return table(
        [
            "Queue",
            "Conversations",
            *(header for trio in trios for header in trio),
            *("Reopened/closed" for _ in reopen),
        ],
        rows,
        numeric=range(1, 2 + 3 * len(durations) + len(reopen)),
        groups=[
            ("", 2),
            *((m.title if not m.card else m.card.capitalize(), 3) for m in durations),
            *((CATALOGUE[name].title, 1) for name in reopen),
        ],
    )


def agent_table(data: ReportData, *, unit: str | None = None) -> str:
    handling_time = CATALOGUE["handling_time"]
    first_response = CATALOGUE["first_response_time"]
    per_agent = _view_result(data, handling_time, **handling_time.per_agent)
    handling = _group_stats(per_agent, "agent_name", handling_time.seconds)
    first = _group_stats(data.result(first_response.name), "agent_name", first_response.seconds)
    rows = []
    # Censored first responses have no replying agent; the agents are those who handled or replied.
    keys = {k for k in handling if k is not None} | {k for k in first if k is not None}
    handling_units = _estimate_units({k: handling[k] for k in keys if k in handling}, unit)
    first_units = _estimate_units({k: first[k] for k in keys if k in first}, unit)
    for key in sorted(keys, key=lambda k: (-int(handling[k].count) if k in handling else 0, k)):
        h, f = handling.get(key), first.get(key)
        rows.append(
            [
                str(key),
                format_count(h.count if h is not None else 0),
                *_stat_cells(h, handling_units),
                format_count(f.count if f is not None else 0),
                *_stat_cells(f, first_units)[:2],
            ]
        )
    return table(
        [
            "Agent",
            "Conversations",
            _with_unit("Median", handling_units[0]),
            _with_unit("p90", handling_units[1]),
            "Censored",
            "First replies",
            _with_unit("Median", first_units[0]),
            _with_unit("p90", first_units[1]),
        ],
        rows,
        numeric=range(1, 8),
        groups=[("", 1), (handling_time.title, 4), ("First response", 3)],
    )


def rising_table(data: ReportData) -> str:
    rows = [
        [
            str(r.tag),
            format_percent(r.earlier_share),
            format_percent(r.later_share),
            f"+{r.change * 100:.1f} pp",
            format_count(r.later_conversations),
        ]
        for r in data.rising.itertuples()
    ]
    return table(
        ["Tag", "Earlier share", "Later share", "Change", "Conversations (later half)"],
        rows,
        numeric=range(1, 5),
        empty=_rising_empty(data),
    )


def _rising_empty(data: ReportData) -> str:
    """Why no tag is listed as rising: no conversations, too few periods, or no rise."""
    if data.n_conversations == 0:
        return NO_CONVERSATIONS
    if data.periods < 2:
        return (
            f"Too few periods to compare: every conversation was created in one period "
            f"({data.freq}), so there is no earlier and later half."
        )
    return "No tag's share rose between the earlier and the later half of the window."


def open_table(data: ReportData, *, unit: str | None = None) -> str:
    resolution = data.result("resolution_time")
    still_open = resolution.loc[~resolution["observed"].fillna(False).astype(bool)]
    longest = still_open.sort_values(
        ["full_resolution_seconds", "conversation_id"], ascending=[False, True], kind="stable"
    ).head(LONGEST_OPEN)
    open_unit = _column_unit(longest["full_resolution_seconds"], unit)
    rows = []
    for r in longest.itertuples():
        subject = data.subjects.get(r.conversation_id)
        rows.append(
            [
                str(r.conversation_id),
                "—" if subject is None or pd.isna(subject) else str(subject),
                _group_name(None if pd.isna(r.queue_name) else r.queue_name),
                format_duration(r.full_resolution_seconds, open_unit),
            ]
        )
    return table(
        ["Conversation", "Subject", "Queue", _with_unit("Open for", open_unit)],
        rows,
        numeric=[0, 3],
        text=[1],
        empty=(
            NO_CONVERSATIONS
            if data.n_conversations == 0
            else "Every conversation was closed at as_of."
        ),
    )
