"""Quick queries from the shell: ``dixa-analytics metric NAME`` and ``dixa-analytics fetch KIND``.

Both go through the same client and cache as the notebooks.
"""

from __future__ import annotations

import argparse
import inspect
import json
import sys
import textwrap
from collections.abc import Callable

import pandas as pd

import dixa_analytics as dxa
from dixa_analytics._format import humanize, seconds_headers
from dixa_analytics.cli._business_hours import add_business_hours_argument, read_business_hours
from dixa_analytics.cli._output import (
    FRAME_SUFFIXES,
    guarded,
    output_path,
    write_frame,
    writing,
)
from dixa_analytics.cli._snapshot import add_snapshot_argument, snapshot_target, window_events
from dixa_analytics.cli._target import (
    Target,
    add_target_arguments,
    add_window_arguments,
    confirm_plan,
    note_if_empty,
    open_target,
)
from dixa_analytics.cli._units import add_unit_argument
from dixa_analytics.metrics import CATALOGUE, ESTIMATORS, check_freq, metric_named

__all__ = ["register"]

# --by choices map to columns of the events frame.
BY_COLUMNS = {"queue": "queue_name", "agent": "agent_name", "channel": "channel"}
METRICS = tuple(metric.command for metric in CATALOGUE.values())
# Kinds of ``fetch`` that take the --start/--end window; the others are reference data.
WINDOWED_KINDS = ("activitylog", "conversations", "events")
FORMATS = ("table", "csv", "json")


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``metric`` and ``fetch`` subcommands."""
    metric = sub.add_parser(
        "metric",
        help="print one metric as a table, CSV or JSON",
        description="Compute one metric over the conversations created in [--start, --end).",
        epilog=metrics_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    metric.add_argument(
        "name",
        choices=METRICS,
        help="the metric to compute; durations are summarised (resolution: creation to the "
        "last close), rates and trends printed per group or period",
    )
    add_window_arguments(metric)
    metric.add_argument(
        "--by",
        choices=sorted(BY_COLUMNS),
        help="group by queue, agent or channel (durations, reopen-rate, csat, backlog)",
    )
    metric.add_argument(
        "--freq",
        default=None,
        metavar="ALIAS",
        help="period for rates and trends, e.g. W or M (backlog: D unless given)",
    )
    metric.add_argument("--top", type=int, default=None, help="tag-trends: keep the N top tags")
    metric.add_argument(
        "--estimator",
        choices=ESTIMATORS,
        default=None,
        help="durations: kaplan-meier (default; counts open conversations as at least their "
        "time so far) or observed (the finished ones alone, biased short)",
    )
    metric.add_argument("--format", choices=FORMATS, default="table", help="output format")
    add_unit_argument(metric, tables="the table (CSV and JSON always hold exact seconds)")
    add_business_hours_argument(metric)
    _add_raw_csv(metric)
    add_target_arguments(metric)
    add_snapshot_argument(metric)
    metric.set_defaults(run=run_metric)

    fetch = sub.add_parser(
        "fetch",
        help="write a typed frame (activity log, conversations, users, queues, tags) to a file",
        description="Fetch one kind of data and write it as Parquet (typed) or CSV.",
    )
    fetch.add_argument("kind", choices=sorted(FETCHERS), help="what to fetch")
    add_window_arguments(fetch)
    fetch.add_argument(
        "--out", required=True, metavar="FILE", help="output file ending in .parquet or .csv"
    )
    _add_raw_csv(fetch)
    add_target_arguments(fetch)
    add_snapshot_argument(fetch)
    fetch.set_defaults(run=run_fetch)


def metrics_epilog(width: int = 79) -> str:
    """Every metric in one plain sentence, for ``metric --help`` (read off the catalogue).

    Examples
    --------
    >>> metrics_epilog().splitlines()[1].split()[:4]
    ['first-response', 'Time', 'from', 'the']
    """
    names = [metric.command for metric in CATALOGUE.values()]
    indent = " " * (max(map(len, names)) + 4)
    lines = ["metrics:"]
    for metric in CATALOGUE.values():
        lines += textwrap.wrap(
            metric.plain_definition,
            width=width,
            initial_indent=f"  {metric.command:<{len(indent) - 4}}  ",
            subsequent_indent=indent,
        )
    lines += [
        "",
        "Each metric's exact rules: the report's 'Exact definition', or the README's",
        "'Metric definitions'.",
    ]
    return "\n".join(lines)


def _add_raw_csv(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--raw-csv",
        action="store_true",
        help="write CSV text cells as they are: by default a cell starting with =, +, -, @, "
        "tab or carriage return gets a ' first, so a spreadsheet shows it as text instead of "
        "running it as a formula",
    )


def compute_metric(
    name: str,
    events: pd.DataFrame,
    *,
    by: str | None = None,
    freq: str | None = None,
    top: int | None = None,
    estimator: str = "kaplan-meier",
    business_hours: dxa.BusinessHours | None = None,
) -> pd.DataFrame:
    """Return the frame that ``dixa-analytics metric NAME`` prints.

    Duration metrics are summarised over the duration their catalogue entry states
    (:func:`dixa_analytics.summarize_durations`: count, censored and the Kaplan–Meier median,
    its 95 % interval and p90, or with ``estimator="observed"`` the observed-only mean,
    median and p90), per group when ``by`` is given (split per agent where the metric can
    be), in ``business_hours`` when given; rates and trends are returned as the metric
    functions give them (trends by week, the backlog by day, unless ``freq`` says otherwise).
    """
    metric = metric_named(name)
    column = BY_COLUMNS[by] if by else None
    if metric.kind == "rate":
        return metric.compute(events, by=column, **({"freq": freq} if freq else {}))
    if metric.kind == "trend":
        return metric.compute(events, freq=freq or "W", top=top)
    options = dict(metric.per_agent if by == "agent" else {})
    if business_hours is not None:
        options["business_hours"] = business_hours
    result = metric.compute(events, **options)
    if column and column not in result.columns:
        result = _attach(result, events, column)
    return dxa.summarize_durations(
        result,
        by=column,
        seconds=metric.seconds,
        estimator=estimator,  # type: ignore[arg-type]
    )


def _attach(result: pd.DataFrame, events: pd.DataFrame, column: str) -> pd.DataFrame:
    """Add a per-conversation column (its last non-null value in the events) to ``result``."""
    if column not in events.columns:
        raise ValueError(f"the events have no {column!r} column to group by")
    per_conversation = events.dropna(subset=[column]).groupby("conversation_id")[column].last()
    return result.join(per_conversation, on="conversation_id")


def render(frame: pd.DataFrame, fmt: str, *, guard: bool = True, unit: str | None = None) -> str:
    """Render ``frame`` as an aligned table, CSV or JSON records (periods as strings).

    The table is for people (:func:`dixa_analytics.humanize`): durations in one unit per
    column, named in the header (``median (h)``), or in ``unit`` for every duration column.
    CSV and JSON are for programs: exact seconds, in columns whose names say so (the
    median's interval as ``median_ci_low_seconds``, ``median_ci_high_seconds``). In CSV,
    text cells a spreadsheet would take for a formula get a ``'`` first, unless ``guard`` is
    False (see :func:`._output.guarded`).
    """
    if fmt == "table":
        if frame.empty:
            return "(no rows)\n"
        return humanize(frame, unit=unit).to_string(index=False) + "\n"
    out = seconds_headers(frame)
    for col in out.columns:
        if isinstance(out[col].dtype, pd.PeriodDtype):
            out[col] = out[col].astype(str)
    if fmt == "csv":
        return (guarded(out) if guard else out).to_csv(index=False)
    return json.dumps(json.loads(out.to_json(orient="records", date_format="iso")), indent=2)


def check_metric_options(
    name: str,
    *,
    freq: str | None,
    top: int | None,
    by: str | None = None,
    estimator: str | None = None,
    business_hours: bool = False,
    unit: str | None = None,
    fmt: str = "table",
) -> None:
    """Refuse options the metric would ignore, and a bad ``--freq``, before any request."""
    metric = metric_named(name)
    if unit is not None:
        if metric.kind != "duration":
            durations = ", ".join(m.command for m in CATALOGUE.values() if m.kind == "duration")
            raise ValueError(f"--unit applies to durations ({durations}), not {name}")
        if fmt != "table":
            raise ValueError(
                f"--unit applies to --format table; {fmt.upper()} keeps exact seconds (columns "
                "named *_seconds), so leave --unit out"
            )
    if business_hours and "business_hours" not in inspect.signature(metric.compute).parameters:
        takes = [
            m.command
            for m in CATALOGUE.values()
            if "business_hours" in inspect.signature(m.compute).parameters
        ]
        raise ValueError(f"--business-hours applies to {', '.join(takes)}, not {name}")

    def takers(option: str) -> str:
        names = [m.command for m in CATALOGUE.values() if option in m.options]
        return ", ".join(names)

    if by is not None and "by" not in metric.options:
        raise ValueError(f"--by applies to {takers('by')}, not {name}")
    if freq is not None:
        if "freq" not in metric.options:
            raise ValueError(f"--freq applies to {takers('freq')} only")
        try:
            check_freq(freq)  # the metrics' own rule, checked before any request
        except ValueError as exc:
            raise ValueError(f"--{exc}") from None
    if estimator is not None and metric.kind != "duration":
        durations = ", ".join(m.command for m in CATALOGUE.values() if m.kind == "duration")
        raise ValueError(f"--estimator applies to durations ({durations}), not {name}")
    if top is not None and ("top" not in metric.options or top < 1):
        raise ValueError(f"--top takes a positive number and applies to {takers('top')} only")


def run_metric(args: argparse.Namespace) -> int:
    """Fetch the window's events and print one metric."""
    check_metric_options(
        args.name,
        freq=args.freq,
        top=args.top,
        by=args.by,
        estimator=args.estimator,
        business_hours=args.business_hours is not None,
        unit=args.unit,
        fmt=args.format,
    )
    hours = read_business_hours(args.business_hours)
    events, _, _ = window_events(args)
    frame = compute_metric(
        args.name,
        events,
        by=args.by,
        freq=args.freq,
        top=args.top,
        estimator=args.estimator or "kaplan-meier",
        business_hours=hours,
    )
    sys.stdout.write(render(frame, args.format, guard=not args.raw_csv, unit=args.unit))
    return 0


def _fetch_activitylog(target: Target) -> pd.DataFrame:
    return dxa.fetch_activitylog(
        start=target.start, end=target.end, source=target.source, client=target.client
    )


def _fetch_events(target: Target) -> pd.DataFrame:
    return dxa.fetch_events(target.start, target.end, client=target.client)


def _fetch_conversations(target: Target) -> pd.DataFrame:
    return dxa.fetch_conversations(start=target.start, end=target.end, client=target.client)


FETCHERS: dict[str, Callable[[Target], pd.DataFrame]] = {
    "activitylog": _fetch_activitylog,
    "events": _fetch_events,
    "conversations": _fetch_conversations,
    "users": lambda target: dxa.fetch_users(client=target.client),
    "queues": lambda target: dxa.fetch_queues(client=target.client),
    "tags": lambda target: dxa.fetch_tags(client=target.client),
    "teams": lambda target: dxa.fetch_teams(client=target.client),
}


# What a snapshot keeps, by kind of ``fetch``.
IN_SNAPSHOTS = ("activitylog", "conversations", "users", "queues", "tags")


def _from_snapshot(args: argparse.Namespace) -> pd.DataFrame:
    if args.kind not in IN_SNAPSHOTS:
        raise ValueError(
            f"a snapshot keeps {', '.join(IN_SNAPSHOTS)}, not {args.kind}: fetch those without "
            "--snapshot"
        )
    snapshot, start, end = snapshot_target(args)
    if args.kind == "activitylog":
        return snapshot.events(start, end)
    if args.kind == "conversations":
        return snapshot.conversations(start, end)
    return getattr(snapshot, args.kind)()


def run_fetch(args: argparse.Namespace) -> int:
    """Fetch one kind of frame and write it to ``--out``."""
    path = output_path(args.out, suffixes=FRAME_SUFFIXES)
    if args.kind not in WINDOWED_KINDS and (args.start or args.end):
        raise ValueError(
            f"--start/--end apply to {' and '.join(WINDOWED_KINDS)}; {args.kind} are fetched whole"
        )
    if args.snapshot:
        frame = _from_snapshot(args)
    else:
        with open_target(args) as target:
            if args.kind in WINDOWED_KINDS:
                confirm_plan(target, args, what=args.kind)
            frame = FETCHERS[args.kind](target)
        if args.kind in WINDOWED_KINDS:
            note_if_empty(target, len(frame))
    with writing(path):
        write_frame(frame, path, guard=not args.raw_csv)
    print(f"wrote {len(frame):,} rows × {frame.shape[1]} columns to {path.resolve()}")
    return 0
