"""Everything a report shows, computed once from the events: metrics, KPIs, tables, rising tags.

:func:`compute_report` is shared by the HTML builder and by :func:`summarize_report`, so the
numbers printed on the command line are the numbers in the report.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from dixa_analytics._dates import DateLike, date_window, to_utc
from dixa_analytics.events import AS_OF, EVENTS_SOURCE, WINDOW
from dixa_analytics.frames import STRING, require_columns
from dixa_analytics.metrics import (
    CATALOGUE,
    REPORT_PERIOD,
    BusinessHours,
    Metric,
    metric_named,
    sla_attainment,
    summarize_durations,
)
from dixa_analytics.metrics._sla import target_seconds

__all__ = [
    "MIN_RISING_CONVERSATIONS",
    "RISING_TAGS_DEFINITION",
    "ReportData",
    "compute_report",
    "csat_totals",
    "duration_summary",
    "reopen_totals",
    "rising_tags",
    "sla_summary",
    "sla_targets",
    "summarize_report",
    "takes_business_hours",
]

#: What ``sla=`` of :func:`compute_report` takes: metric name → target (None: no SLA card).
SlaTargets = Mapping[str, pd.Timedelta | dt.timedelta | str | None]

# A tag needs this many conversations in the later half to count as rising, so that one
# conversation in a quiet week does not top the list.
MIN_RISING_CONVERSATIONS = 3
RISING_LIMIT = 5

RISING_TAGS_DEFINITION = (
    "Rising tags compare each tag's share of the conversations created in the earlier and in "
    "the later half of the report's complete periods (all of its periods when fewer than two "
    "are complete; the middle period is left out when their number is odd). The change is "
    "the later share minus the earlier one, in percentage points; tags with a positive change "
    f"and at least {MIN_RISING_CONVERSATIONS} conversations in the later half are listed, "
    f"largest change first, at most {RISING_LIMIT}."
)

_REQUIRED = ("conversation_id", "timestamp", "activity_type")


@dataclass(frozen=True)
class ReportData:
    """The inputs of one report and every metric computed over them.

    ``results`` holds, per metric of the catalogue, one result per view of the metric
    (:attr:`~dixa_analytics.metrics.Metric.views`), in order.
    """

    events: pd.DataFrame
    window: tuple[pd.Timestamp, pd.Timestamp] | None
    as_of: pd.Timestamp | None
    freq: str
    results: dict[str, tuple[pd.DataFrame, ...]]
    rising: pd.DataFrame
    subjects: pd.Series
    sla: dict[str, float] = field(default_factory=dict)
    business_hours: BusinessHours | None = None

    def result(self, name: str, view: int = 0) -> pd.DataFrame:
        """The result of metric ``name`` for its ``view``-th figure."""
        return self.results[name][view]

    @property
    def n_conversations(self) -> int:
        """Distinct conversations in the events."""
        return int(self.events["conversation_id"].nunique())

    @property
    def periods(self) -> int:
        """Periods of ``freq`` in which the conversations were created.

        These are the cohorts of :func:`dixa_analytics.tag_trends`, which the rising tags
        compare: both take a conversation's creation as resolution time does.
        """
        created = self.result("resolution_time")["created_at"].dt.tz_localize(None)
        return int(created.dt.to_period(self.freq).nunique())

    @property
    def is_empty(self) -> bool:
        """Whether there are no events to report on."""
        return self.events.empty


def takes_business_hours(metric: Metric) -> bool:
    """Whether a metric can be measured in business hours (a duration of waiting)."""
    return "business_hours" in inspect.signature(metric.compute).parameters


def _results(
    events: pd.DataFrame,
    *,
    as_of: pd.Timestamp | None,
    freq: str,
    business_hours: BusinessHours | None = None,
) -> dict[str, tuple[pd.DataFrame, ...]]:
    """Every metric of the catalogue, once per distinct call its views make."""
    results = {}
    for metric in CATALOGUE.values():
        takes_as_of = "as_of" in inspect.signature(metric.compute).parameters
        hours = {"business_hours": business_hours} if takes_business_hours(metric) else {}
        computed: dict[tuple, pd.DataFrame] = {}
        keys = []
        for view in metric.views:
            call = {k: freq if v is REPORT_PERIOD else v for k, v in view.call.items()}
            if takes_as_of:
                call["as_of"] = as_of
            key = tuple(sorted(call.items()))
            if key not in computed:
                computed[key] = metric.compute(events, **call, **hours)
            keys.append(key)
        results[metric.name] = tuple(computed[key] for key in keys)
    return results


def compute_report(
    events: pd.DataFrame,
    *,
    conversations: pd.DataFrame | None = None,
    window: tuple[DateLike, DateLike] | None = None,
    as_of: DateLike | None = None,
    freq: str = "W",
    sla: SlaTargets | None = None,
    business_hours: BusinessHours | None = None,
) -> ReportData:
    """Compute every metric of a report (see :func:`dixa_analytics.report.build_report`)."""
    require_columns(events, _REQUIRED, name="events", source=EVENTS_SOURCE)
    targets = sla_targets(sla)
    events = _with_conversation_queues(events, conversations)
    bounds = date_window(*window) if window is not None else None
    if bounds is not None:
        created = _creation_times(events)
        keep = created[(created >= bounds[0]) & (created < bounds[1])].index
        events = events.loc[events["conversation_id"].isin(keep)]
    if as_of is None:
        as_of = events.attrs.get(AS_OF)  # a snapshot's events: the time of their sync
    cutoff = to_utc(as_of, name="as_of") if as_of is not None else None
    if cutoff is not None:
        # The report shows what was known at as_of: later events are not part of it.
        events = events.loc[events["timestamp"] <= cutoff]
    if cutoff is None and not events.empty:
        cutoff = events["timestamp"].max()
    # Every metric, rates included, then sees the report's window and moment, so the periods
    # they cut are marked incomplete alike (a shallow copy: the caller's attrs stay as they are).
    events = events.copy(deep=False)
    if window is not None:
        events.attrs[WINDOW] = [moment.isoformat() for moment in bounds]
    if cutoff is not None:
        events.attrs[AS_OF] = cutoff.isoformat()
    if bounds is None and not events.empty:
        bounds = (events["timestamp"].min(), events["timestamp"].max())

    results = _results(events, as_of=cutoff, freq=freq, business_hours=business_hours)
    return ReportData(
        events=events,
        window=bounds,
        as_of=cutoff,
        freq=freq,
        results=results,
        rising=rising_tags(results["tag_trends"][0]),
        subjects=_subjects(events, conversations),
        sla=targets,
        business_hours=business_hours,
    )


def sla_targets(sla: SlaTargets | None = None) -> dict[str, float]:
    """The SLA target in seconds of each duration metric the report shows one for.

    Each metric's default (:attr:`~dixa_analytics.metrics.Metric.sla`), overridden by
    ``sla``: metric name (function or command name) → target (``"1h"``, a Timedelta), or
    None to show no SLA for that metric.

    Raises
    ------
    ValueError, TypeError
        For an unknown metric, one that is not a duration, or a target that is not a
        positive duration.

    Examples
    --------
    >>> sla_targets({"first-response": "30min", "resolution_time": None})
    {'first_response_time': 1800.0}
    """
    targets: dict[str, Any] = {m.name: m.sla for m in CATALOGUE.values() if m.sla is not None}
    for name, target in (sla or {}).items():
        metric = metric_named(name)
        if metric.kind != "duration":
            durations = ", ".join(m.command for m in CATALOGUE.values() if m.kind == "duration")
            raise ValueError(f"an SLA target applies to a duration ({durations}), not {name}")
        targets[metric.name] = target
    out = {}
    for name, target in targets.items():
        if target is not None:
            try:
                out[name] = target_seconds(target)
            except (TypeError, ValueError) as exc:
                raise type(exc)(f"SLA target of {CATALOGUE[name].command}: {exc}") from None
    return out


def _with_conversation_queues(
    events: pd.DataFrame, conversations: pd.DataFrame | None
) -> pd.DataFrame:
    """Fill the events' missing queue names from the conversations frame, when one is given."""
    if conversations is None:
        return events
    if not {"conversation_id", "queue_name"} <= set(conversations.columns):
        raise ValueError(
            "conversations must hold conversation_id and queue_name; pass the frame returned "
            "by dixa_analytics.fetch_conversations"
        )
    queues = conversations.dropna(subset=["conversation_id"]).drop_duplicates(
        "conversation_id", keep="last"
    )
    by_id = pd.Series(
        queues["queue_name"].to_numpy(), index=queues["conversation_id"].to_numpy(), dtype=STRING
    )
    joined = events["conversation_id"].map(by_id).astype(STRING)
    if "queue_name" in events.columns:
        joined = events["queue_name"].astype(STRING).fillna(joined)
    return events.assign(queue_name=joined)


def _creation_times(events: pd.DataFrame) -> pd.Series:
    """Creation time per conversation: first ``conversation_created_*`` event, else first event."""
    kinds = events["activity_type"].astype(STRING)
    is_created = kinds.str.startswith("conversation_created").fillna(False).astype(bool)
    first_any = events.groupby("conversation_id")["timestamp"].min()
    first_created = events.loc[is_created].groupby("conversation_id")["timestamp"].min()
    return first_created.reindex(first_any.index).fillna(first_any)


def _subjects(events: pd.DataFrame, conversations: pd.DataFrame | None) -> pd.Series:
    """Subject per conversation id: the conversations frame's, else the events' last one."""
    subjects = pd.Series(dtype=STRING)
    if "conversation_subject" in events.columns:
        rows = events.dropna(subset=["conversation_subject"])
        subjects = rows.groupby("conversation_id")["conversation_subject"].last().astype(STRING)
    if conversations is not None and "subject" in conversations.columns:
        given = conversations.dropna(subset=["conversation_id", "subject"])
        given = pd.Series(
            given["subject"].to_numpy(), index=given["conversation_id"].to_numpy(), dtype=STRING
        )
        # The conversations' subjects win; concat rather than combine_first, whose alignment
        # of arrow-backed strings fails on pandas 2.2.
        rest = subjects[~subjects.index.isin(given.index)]
        subjects = pd.concat([given, rest]) if len(rest) else given
    return subjects


def rising_tags(tags: pd.DataFrame) -> pd.DataFrame:
    """Tags whose share grew most between the earlier and later half (see the definition).

    Returns columns ``tag``, ``earlier_share``, ``later_share``, ``change`` (later minus
    earlier, as a fraction), ``later_conversations``.
    """
    columns = {
        "tag": STRING,
        "earlier_share": "float64",
        "later_share": "float64",
        "change": "float64",
        "later_conversations": "Int64",
    }
    periods = sorted(tags["period"].dropna().unique()) if len(tags) else []
    # A period the window cuts holds a few days' conversations: compare whole periods.
    complete = sorted(tags.loc[tags["complete"].fillna(False).astype(bool), "period"].unique())
    if len(complete) >= 2:
        periods = complete
    half = len(periods) // 2
    if half == 0:
        return pd.DataFrame({col: pd.Series([], dtype=dtype) for col, dtype in columns.items()})
    shares = {}
    for name, chosen in (("earlier", periods[:half]), ("later", periods[-half:])):
        part = tags.loc[tags["period"].isin(chosen)]
        cohort = part.drop_duplicates("period")["cohort_size"].astype("float64").sum()
        counts = part.groupby("tag", observed=True)["conversations"].sum().astype("float64")
        shares[name] = (counts / cohort if cohort else counts * float("nan"), counts)
    out = pd.DataFrame(
        {
            "earlier_share": shares["earlier"][0],
            "later_share": shares["later"][0],
            "later_conversations": shares["later"][1],
        }
    ).fillna({"earlier_share": 0.0, "later_share": 0.0, "later_conversations": 0.0})
    out["change"] = out["later_share"] - out["earlier_share"]
    out = out.rename_axis("tag").reset_index()
    out = out.loc[(out["change"] > 0) & (out["later_conversations"] >= MIN_RISING_CONVERSATIONS)]
    out = out.sort_values(["change", "tag"], ascending=[False, True], kind="stable")
    return out.head(RISING_LIMIT)[list(columns)].astype(columns).reset_index(drop=True)


_ESTIMATES = ("median_seconds", "median_ci_low", "median_ci_high", "p90_seconds")


def duration_summary(result: pd.DataFrame, seconds: str) -> dict[str, Any]:
    """Overall count, censored and the Kaplan–Meier median, its interval and p90 (seconds).

    An estimate is None when not reached (or with no rows): see
    :func:`dixa_analytics.summarize_durations`.
    """
    row = summarize_durations(result, seconds=seconds).to_dict("records")[0]
    return {
        "count": int(row["count"]),
        "censored": int(row["censored"]),
        **{name: None if pd.isna(row[name]) else float(row[name]) for name in _ESTIMATES},
    }


def sla_summary(data: ReportData, name: str) -> dict[str, Any]:
    """Metric ``name``'s attainment of its SLA target: target, met, breached, pending, share.

    ``attainment`` is None while nothing is decided (no row met or breached the target).
    """
    metric = CATALOGUE[name]
    target = data.sla[name]
    row = sla_attainment(data.result(name), pd.Timedelta(seconds=target), seconds=metric.seconds)
    counts = row.to_dict("records")[0]
    return {
        "target_seconds": target,
        **{k: int(counts[k]) for k in ("met", "breached", "pending")},
        "attainment": None if pd.isna(counts["attainment"]) else float(counts["attainment"]),
    }


def reopen_totals(data: ReportData) -> dict[str, Any]:
    """Overall closed and reopened counts and the reopen rate (None when nothing closed).

    Every closed conversation is in exactly one period, so the periods add up to the totals.
    """
    by_period = data.result("reopen_rate")
    closed, reopened = int(by_period["closed"].sum()), int(by_period["reopened"].sum())
    return {
        "closed": closed,
        "reopened": reopened,
        "reopen_rate": reopened / closed if closed else None,
    }


def csat_totals(data: ReportData) -> dict[str, Any]:
    """Overall CSAT: ratings, unscored, mean score, satisfied share, offers and response rate.

    Each latest rating and each offer is in exactly one period, so the periods add up.
    """
    by_period = data.result("csat")
    sums = {
        c: int(by_period[c].sum())
        for c in ("ratings", "unscored", "satisfied", "offered", "responded")
    }
    score_sum = float((by_period["mean_score"].fillna(0) * by_period["ratings"]).sum())
    return {
        **sums,
        "mean_score": score_sum / sums["ratings"] if sums["ratings"] else None,
        "satisfied_share": sums["satisfied"] / sums["ratings"] if sums["ratings"] else None,
        "response_rate": sums["responded"] / sums["offered"] if sums["offered"] else None,
    }


def summarize_report(
    events: pd.DataFrame,
    *,
    conversations: pd.DataFrame | None = None,
    window: tuple[DateLike, DateLike] | None = None,
    as_of: DateLike | None = None,
    freq: str = "W",
    sla: SlaTargets | None = None,
    business_hours: BusinessHours | None = None,
) -> dict[str, Any]:
    """Return the report's headline numbers as a plain dict (e.g. for a command-line summary).

    Parameters
    ----------
    events, conversations, window, as_of, freq, sla, business_hours
        As for :func:`dixa_analytics.report.build_report`.

    Returns
    -------
    dict
        ``conversations``, ``events`` (counts); ``window`` (start, end) and ``as_of``
        (Timestamps, or None without events); ``first_response``, ``handling``,
        ``full_resolution``, ``queue_wait`` (each a dict of ``count``, ``censored`` and the
        Kaplan–Meier ``median_seconds``, ``median_ci_low``, ``median_ci_high``,
        ``p90_seconds``, None when not reached); ``sla`` (per key of a metric with an SLA
        target: ``target_seconds``, ``met``, ``breached``, ``pending``, ``attainment``);
        ``closed``, ``reopened``, ``reopen_rate``; ``rising_tags`` (list of tag names,
        largest rise first).

    Examples
    --------
    >>> import pandas as pd
    >>> from dixa_analytics.events import conform_events
    >>> events = conform_events(pd.DataFrame({
    ...     "event_id": ["e1", "e2", "e3"], "conversation_id": [1, 1, 1],
    ...     "timestamp": pd.to_datetime(["2026-03-02 09:00", "2026-03-02 09:10",
    ...                                  "2026-03-02 10:00"], utc=True),
    ...     "activity_type": ["conversation_created_by_customer", "message_added_by_agent",
    ...                       "conversation_closed"],
    ...     "author_is_agent": [False, True, True],
    ... }))
    >>> summary = summarize_report(events)
    >>> summary["conversations"], summary["first_response"]["median_seconds"]
    (1, 600.0)
    """
    data = compute_report(
        events,
        conversations=conversations,
        window=window,
        as_of=as_of,
        freq=freq,
        sla=sla,
        business_hours=business_hours,
    )
    return {
        "conversations": data.n_conversations,
        "events": len(data.events),
        "window": data.window,
        "as_of": data.as_of,
        **{
            metric.key: duration_summary(data.result(metric.name), metric.seconds)
            for metric in CATALOGUE.values()
            if metric.kind == "duration"
        },
        "sla": {CATALOGUE[name].key: sla_summary(data, name) for name in data.sla},
        **reopen_totals(data),
        "rising_tags": data.rising["tag"].tolist(),
    }
