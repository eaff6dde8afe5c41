"""Render a report as one self-contained HTML document (plotly.js inlined once, no URLs).

Every piece of text that comes from the data (names, tags, subjects, the title) is HTML-escaped
here; figure JSON is embedded with ``<``, ``>`` and ``&`` written as ``\\u`` escapes so no
string inside it can close the ``<script>`` element. Output is a function of the inputs only:
figure ids are numbered, and the "generated" time is ``as_of``, never the clock.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Iterable, Sequence
from importlib import resources
from pathlib import Path
from string import Template
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from plotly.offline import get_plotlyjs

from dixa_analytics._dates import DateLike
from dixa_analytics._format import MISSING_LABEL, format_count, format_duration, format_percent
from dixa_analytics.metrics import CATALOGUE, Metric, summarize_durations
from dixa_analytics.plots import figure
from dixa_analytics.report._compute import (
    RISING_TAGS_DEFINITION,
    ReportData,
    compute_report,
    duration_summary,
    reopen_totals,
)

__all__ = ["build_report", "write_report"]

FIGURE_CONFIG = {"responsive": True, "displaylogo": False}
LONGEST_OPEN = 10
_NO_CONVERSATIONS = "No conversations in this window."

# Characters that could end a <script> element or start an HTML construct inside it; in JSON
# they only occur inside strings, where the \u form means the same thing.
_SCRIPT_SAFE = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


def _e(value: object) -> str:
    """HTML-escape any value for text or attribute context."""
    return html.escape(str(value), quote=True)


def _when(ts: pd.Timestamp | None) -> str:
    return "—" if ts is None else ts.strftime("%Y-%m-%d %H:%M UTC")


class _Figures:
    """Numbers figures in document order and renders each as a div plus its script."""

    def __init__(self) -> None:
        self.count = 0

    def render(self, fig: go.Figure) -> str:
        self.count += 1
        div_id = f"figure-{self.count}"
        spec = pio.to_json(fig, validate=False).translate(_SCRIPT_SAFE)
        config = json.dumps(FIGURE_CONFIG)
        return (
            f'<div class="figure plotly-graph-div" id="{div_id}"></div>\n'
            # Drawn once the page is laid out, so each figure takes its grid cell's width.
            f'<script>document.addEventListener("DOMContentLoaded", function () {{ var f = {spec}; '
            f'Plotly.newPlot("{div_id}", f.data, f.layout, {config}); }});</script>'
        )


def _table(
    columns: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    numeric: Iterable[int] = (),
    groups: Sequence[tuple[str, int]] | None = None,
    text: Iterable[int] = (),
    empty: str = "No data.",
) -> str:
    """Render an HTML table; every header and cell is escaped here."""
    numeric, text = set(numeric), set(text)
    rows = list(rows)
    if not rows:
        return f'<p class="empty">{_e(empty)}</p>'

    def cls(i: int) -> str:
        return ' class="num"' if i in numeric else (' class="text"' if i in text else "")

    head = ""
    if groups:
        head += (
            '<tr class="group">'
            + "".join(f'<th colspan="{span}">{_e(name)}</th>' for name, span in groups)
            + "</tr>"
        )
    head += "<tr>" + "".join(f"<th{cls(i)}>{_e(c)}</th>" for i, c in enumerate(columns)) + "</tr>"
    body = "".join(
        "<tr>" + "".join(f"<td{cls(i)}>{_e(v)}</td>" for i, v in enumerate(row)) + "</tr>"
        for row in rows
    )
    return (
        f'<div class="table-scroll"><table><thead>{head}</thead><tbody>{body}</tbody></table></div>'
    )


def _card(label: str, value: str, detail: str, *, metric: Metric | None) -> str:
    tip = f' title="{_e(metric.definition)}"' if metric else ""
    link = f' · <a href="#{metric.anchor}">definition</a>' if metric else ""
    return (
        f'<div class="card"{tip}><div class="label">{_e(label)}</div>'
        f'<div class="value">{_e(value)}</div>'
        f'<div class="detail">{detail}{link}</div></div>'
    )


def _duration_card(metric: Metric, data: ReportData) -> str:
    summary = duration_summary(data.result(metric.name), metric.seconds)
    p90, count = format_duration(summary["p90_seconds"]), format_count(summary["count"])
    censored = format_count(summary["censored"])
    detail = (
        f'p90 {_e(p90)} · of {_e(count)}, <span class="censored">{_e(censored)} censored</span>'
    )
    return _card(
        f"Median {metric.card}", format_duration(summary["median_seconds"]), detail, metric=metric
    )


def _rate_card(metric: Metric, data: ReportData) -> str:
    totals = reopen_totals(data)
    detail = (
        f"{_e(format_count(totals['reopened']))} of {_e(format_count(totals['closed']))} "
        "closed reopened"
    )
    return _card(metric.title, format_percent(totals["reopen_rate"]), detail, metric=metric)


def _cards(data: ReportData) -> str:
    events = _e(format_count(len(data.events), "event"))
    cards = [_card("Conversations", format_count(data.n_conversations), events, metric=None)]
    for metric in CATALOGUE.values():
        if metric.card is not None:
            card = _duration_card if metric.kind == "duration" else _rate_card
            cards.append(card(metric, data))
    return '<div class="cards">' + "".join(cards) + "</div>"


def _section(anchor: str, title: str, definition: str, *parts: str) -> str:
    return (
        f'<section class="metric" id="{_e(anchor)}"><h2>{_e(title)}</h2>'
        f'<p class="definition">{_e(definition)}</p>' + "".join(parts) + "</section>"
    )


def _figure_grid(figures: _Figures, *figs: go.Figure) -> str:
    return '<div class="figures">' + "".join(figures.render(f) for f in figs) + "</div>"


def _group_stats(result: pd.DataFrame, by: str, seconds: str) -> dict[object, Any]:
    """Map group value (None for missing) to its summary row (count, censored, median, p90)."""
    summary = summarize_durations(result, by=by, seconds=seconds)
    return {
        (None if pd.isna(key) else key): row
        for key, row in zip(summary[by].astype(object), summary.itertuples(), strict=True)
    }


def _stat_cells(row: Any) -> list[str]:
    if row is None:
        return ["—", "—", "—"]
    return [
        format_duration(row.median_seconds),
        format_duration(row.p90_seconds),
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


def _queue_table(data: ReportData) -> str:
    durations = [m for m in CATALOGUE.values() if m.in_tables and m.kind == "duration"]
    stats = {m.name: _group_stats(data.result(m.name), "queue_name", m.seconds) for m in durations}
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
            cells += _stat_cells(stats[m.name].get(key))
        for rows_by_queue in reopen.values():
            r = rows_by_queue.get(key)
            cells.append(
                "—" if r is None else f"{format_percent(r.reopen_rate)} ({r.reopened}/{r.closed})"
            )
        rows.append(cells)
    trio = ["Median", "p90", "Censored"]
    return _table(
        ["Queue", "Conversations", *(trio * len(durations)), *("Reopened/closed" for _ in reopen)],
        rows,
        numeric=range(1, 2 + 3 * len(durations) + len(reopen)),
        groups=[
            ("", 2),
            *((m.title if not m.card else m.card.capitalize(), 3) for m in durations),
            *((CATALOGUE[name].title, 1) for name in reopen),
        ],
    )


def _agent_table(data: ReportData) -> str:
    handling_time = CATALOGUE["handling_time"]
    first_response = CATALOGUE["first_response_time"]
    per_agent = _view_result(data, handling_time, **handling_time.per_agent)
    handling = _group_stats(per_agent, "agent_name", handling_time.seconds)
    first = _group_stats(data.result(first_response.name), "agent_name", first_response.seconds)
    rows = []
    # Censored first responses have no replying agent; the agents are those who handled or replied.
    keys = {k for k in handling if k is not None} | {k for k in first if k is not None}
    for key in sorted(keys, key=lambda k: (-int(handling[k].count) if k in handling else 0, k)):
        h, f = handling.get(key), first.get(key)
        rows.append(
            [
                str(key),
                format_count(h.count if h is not None else 0),
                *_stat_cells(h),
                format_count(f.count if f is not None else 0),
                format_duration(f.median_seconds if f is not None else None),
                format_duration(f.p90_seconds if f is not None else None),
            ]
        )
    return _table(
        ["Agent", "Conversations", "Median", "p90", "Censored", "First replies", "Median", "p90"],
        rows,
        numeric=range(1, 8),
        groups=[("", 1), (handling_time.title, 4), ("First response", 3)],
    )


def _rising_table(data: ReportData) -> str:
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
    return _table(
        ["Tag", "Earlier share", "Later share", "Change", "Conversations (later half)"],
        rows,
        numeric=range(1, 5),
        empty=_rising_empty(data),
    )


def _rising_empty(data: ReportData) -> str:
    """Why no tag is listed as rising: no conversations, too few periods, or no rise."""
    if data.n_conversations == 0:
        return _NO_CONVERSATIONS
    if data.periods < 2:
        return (
            f"Too few periods to compare: every conversation was created in one period "
            f"({data.freq}), so there is no earlier and later half."
        )
    return "No tag's share rose between the earlier and the later half of the window."


def _open_table(data: ReportData) -> str:
    resolution = data.result("resolution_time")
    still_open = resolution.loc[~resolution["observed"].fillna(False).astype(bool)]
    longest = still_open.sort_values(
        ["full_resolution_seconds", "conversation_id"], ascending=[False, True], kind="stable"
    ).head(LONGEST_OPEN)
    rows = []
    for r in longest.itertuples():
        subject = data.subjects.get(r.conversation_id)
        rows.append(
            [
                str(r.conversation_id),
                "—" if subject is None or pd.isna(subject) else str(subject),
                _group_name(None if pd.isna(r.queue_name) else r.queue_name),
                format_duration(r.full_resolution_seconds),
            ]
        )
    return _table(
        ["Conversation", "Subject", "Queue", "Open for"],
        rows,
        numeric=[0, 3],
        text=[1],
        empty=(
            _NO_CONVERSATIONS
            if data.n_conversations == 0
            else "Every conversation was closed at as_of."
        ),
    )


def _rising_section(data: ReportData) -> list[str]:
    return [
        '<h3 id="rising-tags">Rising tags</h3>',
        f'<p class="definition">{_e(RISING_TAGS_DEFINITION)}</p>',
        _rising_table(data),
    ]


# What a metric's section shows below its figures.
_BELOW_FIGURES: dict[str, Callable[[ReportData], list[str]]] = {
    "resolution_time": lambda data: ["<h3>Longest-open conversations</h3>", _open_table(data)],
    "tag_trends": _rising_section,
}


def _metric_section(data: ReportData, metric: Metric, figures: _Figures, top_tags: int) -> str:
    drawn = []
    for view, result in zip(metric.views, data.results[metric.name], strict=True):
        options = dict(view.figure)
        if metric.kind == "trend":
            options.setdefault("top", top_tags)
        drawn.append(figure(metric, result, **options))
    below = _BELOW_FIGURES.get(metric.name, lambda data: [])(data)
    return _section(
        metric.anchor,
        metric.title,
        metric.definition,
        _figure_grid(figures, *drawn),
        *below,
    )


def _body(data: ReportData, *, top_tags: int) -> str:
    figures = _Figures()
    parts = []
    if data.is_empty:
        parts.append(
            '<p class="notice"><strong>No data.</strong> The events hold no activity '
            "in this window, so every number below is empty.</p>"
        )
    parts.append(_cards(data))
    parts += [_metric_section(data, m, figures, top_tags) for m in CATALOGUE.values()]
    parts += [
        _section(
            "by-queue",
            "By queue",
            "Durations summarised per queue: median and 90th percentile (p90) of the observed "
            "durations, and the number of censored ones (still open at as_of, so their values "
            "are only lower bounds and stay out of the statistics).",
            _queue_table(data),
        ),
        _section(
            "by-agent",
            "By agent",
            "Handling time credited to each agent (a conversation handled by two agents "
            "counts for both) and first responses by the agent who sent the first reply.",
            _agent_table(data),
        ),
    ]
    return "\n".join(parts)


def build_report(
    events: pd.DataFrame,
    *,
    conversations: pd.DataFrame | None = None,
    title: str = "Dixa support report",
    window: tuple[DateLike, DateLike] | None = None,
    as_of: DateLike | None = None,
    freq: str = "W",
    top_tags: int = 8,
    note: str | None = None,
) -> str:
    """Compute every metric and return one self-contained, offline HTML report.

    The document holds KPI cards (conversations, events, median first response, handling
    time, full resolution and queue wait with their p90 and censored counts, reopen rate), a
    figure of every metric with its definition, the longest-open conversations, rising tags,
    and per-queue and per-agent tables. plotly.js is inlined once; nothing is loaded from the
    network. Every data-derived string is escaped. The output depends on the inputs only.

    Parameters
    ----------
    events : pandas.DataFrame
        The events frame (:func:`dixa_analytics.fetch_activitylog`).
    conversations : pandas.DataFrame, optional
        The conversations frame (:func:`dixa_analytics.fetch_conversations`): fills queue
        names the events lack and gives subjects to the longest-open conversations.
    title : str
        Heading and document title.
    window : (start, end), optional
        Keep only conversations created in ``[start, end)`` (dates as in
        :func:`dixa_analytics.fetch_activitylog`). Default: all, and the window shown is the
        first to the last event.
    as_of : date-like, optional
        The report's "now": later events are left out and open durations are censored here.
        Default: the latest event. Shown as the generation time.
    freq : str
        pandas offset alias of the periods of the reopen rate and tag trends (``"W"``: weeks).
    top_tags : int
        Number of tags drawn in the tag trends figure.
    note : str, optional
        What the events were narrowed to before they were passed here (for example
        ``"only queues Billing, VIP"``), shown first in the header so that a reader knows the
        report covers only part of the data. The events are not filtered by it.

    Returns
    -------
    str
        The HTML document.

    Examples
    --------
    >>> import pandas as pd
    >>> from dixa_analytics.events import conform_events
    >>> events = conform_events(pd.DataFrame({
    ...     "event_id": ["e1", "e2"], "conversation_id": [1, 1],
    ...     "timestamp": pd.to_datetime(["2026-03-02 09:00", "2026-03-02 09:30"], utc=True),
    ...     "activity_type": ["conversation_created_by_customer", "conversation_closed"],
    ... }))
    >>> page = build_report(events, title="March")
    >>> page.startswith("<!DOCTYPE html>"), "<h1>March</h1>" in page
    (True, True)
    >>> "<strong>only queue Billing</strong>" in build_report(events, note="only queue Billing")
    True
    """
    data = compute_report(
        events, conversations=conversations, window=window, as_of=as_of, freq=freq
    )
    body = _body(data, top_tags=top_tags)
    # Imported here: the package root imports this module, so a top-level import would be circular.
    from dixa_analytics import __version__

    window_text = (
        "—" if data.window is None else f"{_when(data.window[0])} – {_when(data.window[1])}"
    )
    meta = (
        ("" if note is None else f"<strong>{_e(note)}</strong> · ")
        + f"Data window <strong>{_e(window_text)}</strong> · as of "
        f"<strong>{_e(_when(data.as_of))}</strong> · "
        f"{_e(format_count(data.n_conversations, 'conversation'))}, "
        f"{_e(format_count(len(data.events), 'event'))} · periods "
        f"<strong>{_e(freq)}</strong>"
    )
    footer = (
        f"Generated for data as of {_e(_when(data.as_of))} by dixa-analytics "
        f"{_e(__version__)}. Censored durations belong to conversations still open at as_of: "
        f"their values are lower bounds, counted but not final."
    )
    template = Template(resources.files(__package__).joinpath("report.html").read_text("utf-8"))
    css = resources.files(__package__).joinpath("report.css").read_text("utf-8")
    return template.substitute(
        version=_e(__version__),
        title=_e(title),
        css=css,
        plotlyjs=get_plotlyjs(),
        meta=meta,
        body=body,
        footer=footer,
    )


def write_report(path: str | Path, events: pd.DataFrame, **kwargs: Any) -> Path:
    """Write :func:`build_report`'s HTML to ``path`` (UTF-8) and return the path.

    Parameters
    ----------
    path : str or pathlib.Path
        Destination file; its directory must exist.
    events : pandas.DataFrame
        The events frame.
    **kwargs
        Passed to :func:`build_report` (``conversations``, ``title``, ``window``, ``as_of``,
        ``freq``, ``top_tags``, ``note``).

    Returns
    -------
    pathlib.Path
        The path written.

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> from dixa_analytics import events_frame
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     out = write_report(Path(tmp) / "report.html", events_frame([]))
    ...     "No data" in out.read_text(encoding="utf-8")
    True
    """
    path = Path(path)
    path.write_text(build_report(events, **kwargs), encoding="utf-8")
    return path
