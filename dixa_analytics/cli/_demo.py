"""``dixa-analytics demo``: the whole pipeline on the embedded sandbox, no account needed."""

from __future__ import annotations

import argparse
from typing import Any

from dixa_analytics import connect, fetch_activitylog, summarize_report, write_report
from dixa_analytics._format import format_count, format_estimate, format_percent, format_target
from dixa_analytics.cli._output import REPORT_SUFFIXES, output_path, writing
from dixa_analytics.cli._report import add_sla_argument, sla_option
from dixa_analytics.cli._target import cache_setting
from dixa_analytics.sandbox import Sandbox

__all__ = ["register", "summary_lines"]


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``demo`` subcommand."""
    parser = sub.add_parser(
        "demo",
        help="run the full pipeline on the embedded sandbox and write a report",
        description="Start the embedded sandbox (a local fake Dixa), fetch its activity log "
        "through the real client and HTTP cache, compute every metric and write the report.",
    )
    parser.add_argument(
        "--out", default="report.html", metavar="FILE", help="output HTML file (.html or .htm)"
    )
    parser.add_argument("--seed", type=int, default=42, help="sandbox organisation seed")
    parser.add_argument(
        "--conversations", type=int, default=2000, help="conversations in the sandbox"
    )
    parser.add_argument(
        "--cache",
        metavar="PATH",
        help="HTTP cache file, or 'off' for none (default: a temporary file removed afterwards)",
    )
    parser.add_argument("--no-progress", action="store_true", help="hide progress bars")
    add_sla_argument(parser)
    parser.set_defaults(run=run)


def summary_lines(summary: dict[str, Any]) -> list[str]:
    """Format :func:`~dixa_analytics.summarize_report` output as a few aligned text lines."""

    def duration(name: str) -> str:
        part = summary[name]
        count = part["count"]
        low, high = (format_estimate(part[k], count) for k in ("median_ci_low", "median_ci_high"))
        return (
            f"median {format_estimate(part['median_seconds'], count)} (95 % CI {low} – {high}), "
            f"p90 {format_estimate(part['p90_seconds'], count)} "
            f"({format_count(count, 'conversation')}, {part['censored']:,} censored)"
        )

    def sla(key: str, label: str) -> list[str]:
        if key not in summary.get("sla", {}):
            return []
        part = summary["sla"][key]
        target = format_target(part["target_seconds"])
        return [
            f"{'SLA ' + label:<20}{format_percent(part['attainment'])} within {target} "
            f"({part['met']:,} met, {part['breached']:,} breached, {part['pending']:,} pending)"
        ]

    rising = ", ".join(summary["rising_tags"][:3]) or "none"
    return [
        f"conversations       {summary['conversations']:,}",
        f"events              {summary['events']:,}",
        f"first response      {duration('first_response')}",
        f"handling time       {duration('handling')}",
        f"full resolution     {duration('full_resolution')}",
        *sla("first_response", "first response"),
        *sla("full_resolution", "full resolution"),
        f"reopen rate         {format_percent(summary['reopen_rate'])} "
        f"({summary['reopened']:,} of {summary['closed']:,} closed)",
        f"top rising tags     {rising}",
    ]


def run(args: argparse.Namespace) -> int:
    """Serve the sandbox, fetch, report, and print a short summary."""
    if args.conversations < 1:
        raise ValueError("--conversations must be at least 1")
    out = output_path(args.out, suffixes=REPORT_SUFFIXES)
    sla = sla_option(args.sla)
    with Sandbox(seed=args.seed, conversations=args.conversations) as sandbox:
        org = sandbox.organisation
        print(f"sandbox: synthetic organisation {org.name!r} served at {sandbox.base_url}")
        cache = cache_setting(args.cache)
        with connect(
            sandbox=sandbox, cache=cache, progress=not args.no_progress, announce=False
        ) as client:
            events = fetch_activitylog(start=org.start, end=org.end, client=client)
        requests_made = sandbox.request_count
    window = (org.start, org.end)
    print(f"fetched {len(events):,} events with {requests_made:,} HTTP requests")
    for line in summary_lines(summarize_report(events, window=window, sla=sla)):
        print(line)
    with writing(out):
        path = write_report(out, events, window=window, sla=sla)
    print(f"report written to {path.resolve()}")
    return 0
