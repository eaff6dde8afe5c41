"""Every metric declared once: what computes it, what it returns and how it is shown.

The report, the command line, the figures and the docs read :data:`CATALOGUE` instead of
naming metrics one by one, so a new metric is one module (its function, result schema and
``DEFINITION``) plus one entry here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

from dixa_analytics.frames import Schema
from dixa_analytics.metrics import (
    _backlog,
    _csat,
    _first_response,
    _handling,
    _queue_wait,
    _reopen,
    _resolution,
    _tag_trends,
)

__all__ = [
    "CATALOGUE",
    "DEFINITIONS",
    "PLAIN_DEFINITIONS",
    "REPORT_PERIOD",
    "Metric",
    "View",
    "metric_named",
]

#: In a :class:`View`'s ``call``: the report's period (its ``freq``).
REPORT_PERIOD = "<the report's period>"


@dataclass(frozen=True)
class View:
    """One figure of a metric in the report.

    Attributes
    ----------
    call : mapping
        Keyword arguments of the metric function for this figure; :data:`REPORT_PERIOD`
        stands for the report's period.
    figure : mapping
        Keyword arguments of the figure (``by=``, ``seconds=``, ``title=``…);
        ``survival=True`` draws a duration's share ended within t instead of its
        distribution.
    """

    call: Mapping[str, Any] = field(default_factory=dict)
    figure: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Metric:
    """One metric: its function, result, definition, and where it is shown.

    Attributes
    ----------
    name : str
        The function's name, and the key of :data:`DEFINITIONS`.
    command : str
        Its name on the command line (``dixa-analytics metric NAME``).
    key : str
        Its key in :func:`dixa_analytics.summarize_report`.
    title : str
        Its name for people, e.g. ``"First response time"``.
    compute : callable
        The metric function, ``compute(events, **options)``.
    schema : mapping
        Its result's declared columns (the ``period`` and ``by`` columns of a rate or trend
        come first).
    definition : str
        Its exact definition: the rules, in plain text (the report folds it behind "exact
        definition").
    plain_definition : str
        One sentence a team lead understands, shown first wherever the metric is defined,
        e.g. "Time from the customer's first message to the first reply from an agent…".
    kind : {"duration", "rate", "trend"}
        A duration per conversation (summarised, drawn as a distribution), a rate or a count
        per period and group (reopen rate, CSAT, backlog; each with its own figure), or a
        share per period and tag.
    seconds : str or None
        The duration column a summary states (durations only).
    card : str or None
        The label of its headline number in the report, if it has one.
    in_tables : bool
        Whether the report's per-queue table shows it.
    options : frozenset of str
        The command line's options it takes: ``by``, ``freq``, ``top``.
    per_agent : mapping
        Keyword arguments that split it per agent, when grouped by agent (handling time's
        ``per="agent"``).
    names : mapping
        Names for people of duration columns other than ``seconds`` (or another name for it),
        e.g. resolution's ``first_resolution_seconds`` → ``"First resolution time"``.
    facts, from_facts : callable or None
        For a rate or a trend, its two steps: ``facts(events, **options)`` gives a row per
        conversation, ``from_facts(facts, **options)`` the result, so results over frames
        that each hold whole conversations add up exactly (``compute`` is the two in one).
        A duration's rows are per conversation already.
    views : tuple of View
        Its figures in the report.
    noun : str
        What a row of its result counts, for captions.
    ended : str
        What an observed duration's end is, for people: survival figures read "share
        answered within t" (durations only).
    sla : str or None
        The default target of its SLA attainment in the report (:func:`sla_attainment`),
        e.g. ``"1h"``; None for no SLA card.
    """

    name: str
    command: str
    key: str
    title: str
    compute: Callable[..., pd.DataFrame]
    schema: Schema
    definition: str
    plain_definition: str
    kind: Literal["duration", "rate", "trend"]
    seconds: str | None = None
    card: str | None = None
    in_tables: bool = False
    options: frozenset[str] = frozenset()
    per_agent: Mapping[str, Any] = field(default_factory=dict)
    names: Mapping[str, str] = field(default_factory=dict)
    facts: Callable[..., pd.DataFrame] | None = None
    from_facts: Callable[..., pd.DataFrame] | None = None
    views: tuple[View, ...] = (View(),)
    noun: str = "conversation"
    ended: str = "ended"
    sla: str | None = None

    @property
    def anchor(self) -> str:
        """The id of its section in the report."""
        return self.command

    @property
    def durations(self) -> dict[str, str]:
        """Each duration column of its result, with its name for people."""
        return {**({self.seconds: self.title} if self.seconds else {}), **self.names}


_BY_QUEUE = View(figure={"by": "queue_name"})
# The share ended within t per queue (Kaplan–Meier), where open conversations matter most.
_SURVIVAL_BY_QUEUE = View(figure={"by": "queue_name", "survival": True})
_DURATION_OPTIONS = frozenset({"by"})

CATALOGUE: dict[str, Metric] = {
    metric.name: metric
    for metric in (
        Metric(
            name="first_response_time",
            command="first-response",
            key="first_response",
            title="First response time",
            compute=_first_response.first_response_time,
            schema=_first_response.FIRST_RESPONSE,
            definition=_first_response.DEFINITION,
            plain_definition=(
                "Time from the customer's first message to the first reply from an agent; "
                "automatic replies and internal notes do not count."
            ),
            kind="duration",
            seconds="response_seconds",
            card="first response",
            in_tables=True,
            options=_DURATION_OPTIONS,
            views=(View(), _BY_QUEUE, _SURVIVAL_BY_QUEUE),
            ended="answered",
            sla="1h",
        ),
        Metric(
            name="handling_time",
            command="handling-time",
            key="handling",
            title="Handling time",
            compute=_handling.handling_time,
            schema=_handling.HANDLING_CONVERSATION,
            definition=_handling.DEFINITION,
            plain_definition=(
                "Wall-clock time a conversation was open and assigned to an agent, nights and "
                "weekends included, credited to whoever held it: how long agents held it, not how "
                "long they worked on it."
            ),
            kind="duration",
            seconds="handling_seconds",
            card="handling time",
            in_tables=True,
            options=_DURATION_OPTIONS,
            per_agent={"per": "agent"},
            views=(View(), View(call={"per": "agent"}, figure={"by": "agent_name"})),
            ended="closed",
        ),
        Metric(
            name="resolution_time",
            command="resolution",
            key="full_resolution",
            title="Resolution time",
            compute=_resolution.resolution_time,
            schema=_resolution.RESOLUTION,
            definition=_resolution.DEFINITION,
            plain_definition=(
                "Time from a conversation's start until it was closed for the last time (first "
                "resolution: until it was first closed)."
            ),
            kind="duration",
            seconds="full_resolution_seconds",
            card="full resolution",
            in_tables=True,
            options=_DURATION_OPTIONS,
            names={
                "full_resolution_seconds": "Full resolution time",
                "first_resolution_seconds": "First resolution time",
            },
            views=(
                View(),
                View(figure={"seconds": "first_resolution_seconds"}),
                _SURVIVAL_BY_QUEUE,
            ),
            ended="resolved",
            sla="24h",
        ),
        Metric(
            name="queue_wait_time",
            command="queue-wait",
            key="queue_wait",
            title="Queue wait time",
            compute=_queue_wait.queue_wait_time,
            schema=_queue_wait.QUEUE_WAIT,
            definition=_queue_wait.DEFINITION,
            plain_definition=(
                "Time a conversation waited in a queue, from first being offered to agents until "
                "an agent was assigned or took it."
            ),
            kind="duration",
            seconds="wait_seconds",
            card="queue wait",
            options=_DURATION_OPTIONS,
            views=(View(), _BY_QUEUE),
            ended="assigned",
        ),
        Metric(
            name="reopen_rate",
            command="reopen-rate",
            key="reopen",
            title="Reopen rate",
            compute=_reopen.reopen_rate,
            schema=_reopen.REOPEN_RATE,
            definition=_reopen.DEFINITION,
            plain_definition=(
                "Share of closed conversations that customers or agents opened again later, "
                "counted in the period of their first close."
            ),
            kind="rate",
            facts=_reopen.reopen_facts,
            from_facts=_reopen.reopen_rate_of,
            card="reopen rate",
            in_tables=True,
            options=frozenset({"by", "freq"}),
            views=(
                View(call={"freq": REPORT_PERIOD}, figure={"title": "Reopen rate per period"}),
                View(call={"by": "queue_name"}),
            ),
        ),
        Metric(
            name="tag_trends",
            command="tag-trends",
            key="tags",
            title="Tag trends",
            compute=_tag_trends.tag_trends,
            schema=_tag_trends.TAG_TRENDS,
            definition=_tag_trends.DEFINITION,
            plain_definition=(
                "Share of the conversations started in each period that were given each tag."
            ),
            kind="trend",
            facts=_tag_trends.tag_facts,
            from_facts=_tag_trends.tag_trends_of,
            options=frozenset({"freq", "top"}),
            views=(View(call={"freq": REPORT_PERIOD}),),
        ),
        Metric(
            name="csat",
            command="csat",
            key="csat",
            title="CSAT",
            compute=_csat.csat,
            schema=_csat.CSAT,
            definition=_csat.DEFINITION,
            plain_definition=(
                "How satisfied customers said they were: the mean rating (1 to 5) and the share "
                "who gave 4 or 5, counting each conversation's latest rating once."
            ),
            kind="rate",
            facts=_csat.csat_facts,
            from_facts=_csat.csat_of,
            options=frozenset({"by", "freq"}),
            views=(
                View(call={"freq": REPORT_PERIOD}, figure={"title": "CSAT per period"}),
                View(call={"by": "agent_name"}),
            ),
            noun="rating",
        ),
        Metric(
            name="backlog",
            command="backlog",
            key="backlog",
            title="Backlog",
            compute=_backlog.backlog,
            schema=_backlog.BACKLOG,
            definition=_backlog.DEFINITION,
            plain_definition=(
                "How many conversations were still open or pending at the end of each period, with "
                "how many were started, closed and reopened during it."
            ),
            kind="rate",
            facts=_backlog.backlog_facts,
            from_facts=_backlog.backlog_of,
            options=frozenset({"by", "freq"}),
            views=(View(call={"freq": REPORT_PERIOD, "by": "queue_name"}),),
        ),
    )
}

#: Each metric's exact definition in plain text, by function name.
DEFINITIONS: dict[str, str] = {name: metric.definition for name, metric in CATALOGUE.items()}
#: Each metric in one plain sentence, by function name (shown before its exact definition).
PLAIN_DEFINITIONS: dict[str, str] = {
    name: metric.plain_definition for name, metric in CATALOGUE.items()
}


def metric_named(name: str) -> Metric:
    """The catalogue entry of a metric, by function name or command name.

    Raises
    ------
    ValueError
        If no metric has that name; the message lists them.

    Examples
    --------
    >>> metric_named("first-response").seconds
    'response_seconds'
    """
    for metric in CATALOGUE.values():
        if name in (metric.name, metric.command):
            return metric
    known = ", ".join(m.command for m in CATALOGUE.values())
    raise ValueError(f"no metric named {name!r}; the metrics are {known}")
