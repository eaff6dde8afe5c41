"""Render a report as one self-contained HTML document (plotly.js inlined once, no URLs).

The cards, one section per metric of the catalogue and the per-queue and per-agent tables,
put together from :mod:`._html` pieces (which escape every data-derived string). Output is a
function of the inputs only: the "generated" time is ``as_of``, never the clock.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from pathlib import Path
from string import Template
from typing import Any

import pandas as pd
from plotly.offline import get_plotlyjs

from dixa_analytics._dates import DateLike
from dixa_analytics._format import (
    MISSING_LABEL,
    format_count,
    format_duration,
    format_estimate,
    format_percent,
    format_target,
    unit_name,
)
from dixa_analytics._version import __version__
from dixa_analytics.metrics import CATALOGUE, BusinessHours, Metric, summarize_durations
from dixa_analytics.plots import figure
from dixa_analytics.report._compute import (
    RISING_TAGS_DEFINITION,
    ReportData,
    SlaTargets,
    compute_report,
    csat_totals,
    duration_summary,
    reopen_totals,
    sla_summary,
    takes_business_hours,
)
from dixa_analytics.report._html import Figures, card, escape, figure_grid, section, when
from dixa_analytics.report._tables import agent_table, open_table, queue_table, rising_table

__all__ = ["build_report", "write_report"]


def _duration_card(metric: Metric, data: ReportData) -> str:
    summary = duration_summary(data.result(metric.name), metric.seconds)
    count = summary["count"]
    low, high = (format_estimate(summary[k], count) for k in ("median_ci_low", "median_ci_high"))
    p90 = format_estimate(summary["p90_seconds"], count)
    censored_text = (
        f'<span class="censored">{escape(format_count(summary["censored"]))} censored</span>'
    )
    detail = (
        f"95 % CI {escape(low)} – {escape(high)} · p90 {escape(p90)} · of "
        f"{escape(format_count(count))}, {censored_text}"
    )
    median = format_estimate(summary["median_seconds"], count)
    return card(f"Median {metric.card}", median, detail, metric=metric)


def _sla_card(metric: Metric, data: ReportData) -> str:
    sla = sla_summary(data, metric.name)
    detail = (
        f"{escape(format_count(sla['met']))} met · {escape(format_count(sla['breached']))} "
        f"breached · {escape(format_count(sla['pending']))} pending (still open, not yet over)"
    )
    label = f"{metric.card} within {format_target(sla['target_seconds'])}"
    return card(label.capitalize(), format_percent(sla["attainment"]), detail, metric=metric)


def _rate_card(metric: Metric, data: ReportData) -> str:
    totals = reopen_totals(data)
    detail = (
        f"{escape(format_count(totals['reopened']))} of {escape(format_count(totals['closed']))} "
        "closed reopened"
    )
    return card(metric.title, format_percent(totals["reopen_rate"]), detail, metric=metric)


def _cards(data: ReportData) -> str:
    events = escape(format_count(len(data.events), "event"))
    cards = [card("Conversations", format_count(data.n_conversations), events, metric=None)]
    for metric in CATALOGUE.values():
        if metric.card is not None:
            headline = _duration_card if metric.kind == "duration" else _rate_card
            cards.append(headline(metric, data))
    cards += [_sla_card(CATALOGUE[name], data) for name in data.sla]
    return '<div class="cards">' + "".join(cards) + "</div>"


OPEN_CONVERSATIONS_NOTE = (
    "A conversation still waiting for its first reply, or still open, has no final duration "
    "yet, but it has already waited at least as long as it has been open. Leaving it out, as "
    "a plain median of the finished ones does, shows a faster team than customers meet: the "
    "slowest conversations are the ones still open. Every median, interval and p90 in this "
    "report is a Kaplan–Meier (product-limit) estimate, which counts each open conversation as "
    "“at least this long”: the median is the time by which half have ended, the p90 the time "
    "by which nine in ten have; “not reached” means too many are still open for the estimate "
    "to get that far. The interval is the median's 95 % confidence interval (Brookmeyer–"
    "Crowley, from Greenwood's variance on the log-log scale). SLA attainment counts the "
    "conversations that met the target and those that breached it, including those still "
    "open past it; those still open and not yet over it are pending."
)


def _open_note(data: ReportData) -> str:
    """Why open conversations count, with first response's p90 both ways when they differ."""
    metric = CATALOGUE["first_response_time"]
    result = data.result(metric.name)
    text = escape(OPEN_CONVERSATIONS_NOTE)
    km = duration_summary(result, metric.seconds)
    plain = summarize_durations(result, seconds=metric.seconds, estimator="observed")
    plain_p90 = plain["observed_p90_seconds"].iloc[0]
    if km["censored"] and not pd.isna(plain_p90) and plain_p90 != km["p90_seconds"]:
        text += escape(
            f" Here {format_count(km['censored'])} of {format_count(km['count'])} first "
            f"responses were still waiting at as_of: the answered ones alone would put the "
            f"first-response p90 at {format_duration(plain_p90)}; counting the waiting ones "
            f"too, it is {format_estimate(km['p90_seconds'], km['count'])}."
        )
    return (
        '<section class="note" id="open-conversations"><h2>Why open conversations matter'
        f"</h2><p>{text}</p></section>"
    )


#: What the report says of the faded periods of its figures.
INCOMPLETE_PERIODS_NOTE = (
    "In the figures by period, a shaded period with faded points or bars is incomplete: the "
    "edges of the data window or as_of cut it (or, for the reopen rate, its reopens may still "
    "come), so it holds only part of its conversations and does not compare with whole periods."
)


def _incomplete_note(data: ReportData) -> str:
    """Which of the report's periods are incomplete, and why they are faded; empty when none."""
    cut = sorted(
        {
            period
            for results in data.results.values()
            for result in results
            if {"period", "complete"} <= set(result.columns)
            for period in result.loc[~result["complete"].fillna(False).astype(bool), "period"]
        }
    )
    if not cut:
        return ""
    listed = ", ".join(str(period) for period in cut)
    return (
        '<section class="note" id="incomplete-periods"><h2>Incomplete periods</h2>'
        f"<p><strong>{escape(listed)}.</strong> {escape(INCOMPLETE_PERIODS_NOTE)}</p></section>"
    )


def _rising_section(data: ReportData) -> list[str]:
    return [
        '<h3 id="rising-tags">Rising tags</h3>',
        f'<p class="plain">{escape(RISING_TAGS_DEFINITION)}</p>',
        rising_table(data),
    ]


def _csat_line(data: ReportData) -> list[str]:
    totals = csat_totals(data)
    if not totals["ratings"] and not totals["unscored"]:
        return ['<p class="empty">No conversation_rated events in this window.</p>']
    mean = "—" if totals["mean_score"] is None else f"{totals['mean_score']:.2f}"
    text = (
        f"Mean score {mean} of {format_count(totals['ratings'], 'rating')} · "
        f"{format_percent(totals['satisfied_share'])} satisfied (4 or 5) · "
        f"{format_count(totals['unscored'], 'rating')} without a score · response rate "
        f"{format_percent(totals['response_rate'])} of "
        f"{format_count(totals['offered'], 'offer')}"
    )
    return [f'<p class="csat-totals"><strong>{escape(text)}</strong></p>']


def business_hours_text(hours: BusinessHours) -> str:
    """The schedule in words, for the report.

    Examples
    --------
    >>> business_hours_text(BusinessHours({"mon-fri": "09:00-17:00"}, tz="UTC",
    ...                                   holidays=["2026-12-25"]))
    'mon-fri 09:00-17:00 (UTC), closed on 1 holiday'
    """
    days = "; ".join(f"{day} {', '.join(spans)}" for day, spans in hours.weekly().items())
    closed = f", closed on {format_count(len(hours.holidays), 'holiday')}" if hours.holidays else ""
    return f"{days} ({hours.tz}){closed}"


# What a metric's section shows below its figures (given the report's data and unit).
_BELOW_FIGURES: dict[str, Callable[[ReportData, str | None], list[str]]] = {
    "resolution_time": lambda data, unit: [
        "<h3>Longest-open conversations</h3>",
        open_table(data, unit=unit),
    ],
    "tag_trends": lambda data, unit: _rising_section(data),
    "csat": lambda data, unit: _csat_line(data),
}


def _metric_section(
    data: ReportData, metric: Metric, figures: Figures, top_tags: int, unit: str | None
) -> str:
    drawn = []
    for view, result in zip(metric.views, data.results[metric.name], strict=True):
        options = dict(view.figure)
        if metric.kind == "trend":
            options.setdefault("top", top_tags)
        if options.get("survival") and metric.name in data.sla:
            options["target"] = pd.Timedelta(seconds=data.sla[metric.name])
        drawn.append(figure(metric, result, **options))
    below = _BELOW_FIGURES.get(metric.name, lambda data, unit: [])(data, unit)
    plain = metric.plain_definition
    if data.business_hours is not None and takes_business_hours(metric):
        plain += (
            " In this report it is measured in business hours: only the seconds inside "
            f"{business_hours_text(data.business_hours)} count."
        )
    return section(
        metric.anchor,
        metric.title,
        plain,
        figure_grid(figures, *drawn),
        *below,
        definition=metric.definition,
    )


def _body(data: ReportData, *, top_tags: int, unit: str | None) -> str:
    figures = Figures()
    parts = []
    if data.is_empty:
        parts.append(
            '<p class="notice"><strong>No data.</strong> The events hold no activity '
            "in this window, so every number below is empty.</p>"
        )
    parts.append(_cards(data))
    parts.append(_open_note(data))
    parts.append(_incomplete_note(data))
    parts += [_metric_section(data, m, figures, top_tags, unit) for m in CATALOGUE.values()]
    parts += [
        section(
            "by-queue",
            "By queue",
            "Durations summarised per queue: the Kaplan–Meier median and 90th percentile (p90), "
            "which count conversations still open at as_of as at least their time so far "
            "(“not reached”: too many still open for the estimate to get there), and the "
            "number of those censored ones. Conversations with no queue (an agent started "
            f"them, or they were never routed to one) are grouped as “{MISSING_LABEL}”, here "
            "and in the figures; so are ratings that name no agent.",
            queue_table(data, unit=unit),
        ),
        section(
            "by-agent",
            "By agent",
            "Handling time credited to each agent (a conversation handled by two agents "
            "counts for both) and first responses by the agent who sent the first reply.",
            agent_table(data, unit=unit),
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
    sla: SlaTargets | None = None,
    business_hours: BusinessHours | None = None,
    unit: str | None = None,
) -> str:
    """Compute every metric and return one self-contained, offline HTML report.

    The document holds KPI cards (conversations, events; the Kaplan–Meier median first
    response, handling time, full resolution and queue wait with the median's 95 %
    interval, p90 and how many are still open; SLA attainment; reopen rate), a note on why
    open conversations matter, a figure of every metric with its definition (survival curves
    of first response and resolution among them), the longest-open conversations, rising
    tags, and per-queue and per-agent tables. plotly.js is inlined once; nothing is loaded from the
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
        Default: the events' own (a snapshot's sync time), else the latest event. Shown as
        the generation time.
    freq : str
        pandas offset alias of the periods of the reopen rate and tag trends (``"W"``: weeks).
    top_tags : int
        Number of tags drawn in the tag trends figure.
    note : str, optional
        What the events were narrowed to before they were passed here (for example
        ``"only queues Billing, VIP"``), shown first in the header so that a reader knows the
        report covers only part of the data. The events are not filtered by it.
    sla : mapping, optional
        SLA targets by metric (function or command name): a duration such as ``"30min"`` or
        a Timedelta, or None for no SLA card. Defaults: first response 1 h, full resolution
        24 h (:attr:`dixa_analytics.metrics.Metric.sla`); a card shows the share of
        conversations that met the target among those decided (see
        :func:`dixa_analytics.sla_attainment`).
    business_hours : BusinessHours, optional
        Measure first response, queue wait and resolution in these open hours only (the
        header and those metrics' definitions say so). Handling time stays wall-clock.
    unit : {None, "s", "min", "h", "d"}, optional
        The unit of every duration column of the tables (long names such as ``"hours"``
        work too). Default: each column its own, from its median; the header names it
        ("Median (h)").

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
    if unit is not None:
        unit = unit_name(unit)  # a bad unit stops here, before any metric is computed
    data = compute_report(
        events,
        conversations=conversations,
        window=window,
        as_of=as_of,
        freq=freq,
        sla=sla,
        business_hours=business_hours,
    )
    body = _body(data, top_tags=top_tags, unit=unit)
    window_text = "—" if data.window is None else f"{when(data.window[0])} – {when(data.window[1])}"
    meta = (
        ("" if note is None else f"<strong>{escape(note)}</strong> · ")
        + f"Data window <strong>{escape(window_text)}</strong> · as of "
        f"<strong>{escape(when(data.as_of))}</strong> · "
        f"{escape(format_count(data.n_conversations, 'conversation'))}, "
        f"{escape(format_count(len(data.events), 'event'))} · periods "
        f"<strong>{escape(freq)}</strong>"
    )
    if business_hours is not None:
        meta += (
            " · waits in business hours "
            f"<strong>{escape(business_hours_text(business_hours))}</strong>"
        )
    footer = (
        f"Generated for data as of {escape(when(data.as_of))} by dixa-analytics "
        f"{escape(__version__)}. Censored durations belong to conversations still open at as_of: "
        f"their values are lower bounds, which the Kaplan–Meier estimates count as “at least "
        f"this long”."
    )
    template = Template(resources.files(__package__).joinpath("report.html").read_text("utf-8"))
    css = resources.files(__package__).joinpath("report.css").read_text("utf-8")
    return template.substitute(
        version=escape(__version__),
        title=escape(title),
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
        ``freq``, ``top_tags``, ``note``, ``sla``, ``business_hours``, ``unit``).

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
