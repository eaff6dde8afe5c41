"""``dixa-analytics report``: the HTML report for any organisation (or ``--sandbox``)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from dixa_analytics import write_report
from dixa_analytics.cli._business_hours import add_business_hours_argument, read_business_hours
from dixa_analytics.cli._output import REPORT_SUFFIXES, output_path, writing
from dixa_analytics.cli._snapshot import add_snapshot_argument, queue_events
from dixa_analytics.cli._target import (
    add_target_arguments,
    add_window_arguments,
)
from dixa_analytics.cli._units import add_unit_argument
from dixa_analytics.metrics import CATALOGUE
from dixa_analytics.report import sla_targets

__all__ = ["add_sla_argument", "register", "sla_option"]


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``report`` subcommand."""
    parser = sub.add_parser(
        "report",
        help="write an offline HTML report for a date window",
        description="Fetch every conversation created in [--start, --end) and write a "
        "self-contained HTML report with every metric.",
    )
    add_window_arguments(parser)
    parser.add_argument(
        "--out", default="report.html", metavar="FILE", help="output HTML file (.html or .htm)"
    )
    parser.add_argument(
        "--queue",
        action="append",
        metavar="NAME",
        help="only conversations in this queue, whatever its case (repeat for several); "
        "checked against the queue list before anything else is fetched",
    )
    add_sla_argument(parser)
    add_business_hours_argument(parser)
    add_unit_argument(parser, tables="the report's tables")
    add_target_arguments(parser)
    add_snapshot_argument(parser)
    parser.set_defaults(run=run)


def add_sla_argument(parser: argparse.ArgumentParser) -> None:
    """Add ``--sla METRIC=TARGET`` (repeatable) to ``parser``."""
    defaults = ", ".join(f"{m.command}={m.sla}" for m in CATALOGUE.values() if m.sla)
    parser.add_argument(
        "--sla",
        action="append",
        metavar="METRIC=TARGET",
        help=f"an SLA target for a duration metric, e.g. first-response=30min, or "
        f"METRIC=off for no SLA card (repeat for several; defaults: {defaults})",
    )


def sla_option(values: Sequence[str] | None) -> dict[str, str | None]:
    """Read ``--sla`` values into ``build_report``'s ``sla=``, checked before any request.

    Examples
    --------
    >>> sla_option(["first-response=30min", "resolution=off"])
    {'first-response': '30min', 'resolution': None}
    """
    out: dict[str, str | None] = {}
    for value in values or ():
        name, sep, target = value.partition("=")
        if not sep or not name.strip() or not target.strip():
            raise ValueError(f"--sla takes METRIC=TARGET, e.g. first-response=30min, not {value!r}")
        out[name.strip()] = None if target.strip() == "off" else target.strip()
    sla_targets(out)  # an unknown metric or a bad target stops here, before any fetch
    return out


def queue_note(queues: Sequence[str] | None) -> str | None:
    """Say in the report's header which queues it is limited to (None: all of them).

    Examples
    --------
    >>> queue_note(["Billing", "VIP"])
    'only queues Billing, VIP'
    >>> queue_note(["Billing", "Billing"]), queue_note(None)
    ('only queue Billing', None)
    """
    if not queues:
        return None
    names = list(dict.fromkeys(queues))
    return f"only queue{'s' if len(names) > 1 else ''} {', '.join(names)}"


def run(args: argparse.Namespace) -> int:
    """Fetch the window, filter queues, write the report and print its path."""
    out = output_path(args.out, suffixes=REPORT_SUFFIXES)
    sla = sla_option(args.sla)
    hours = read_business_hours(args.business_hours)  # before anything is fetched
    events, start, end, queues = queue_events(args, args.queue or ())
    with writing(out):
        path = write_report(
            out,
            events,
            window=(start, end),
            note=queue_note(queues),
            sla=sla,
            business_hours=hours,
            unit=args.unit,
        )
    print(f"report written to {path.resolve()}", file=sys.stdout)
    return 0
