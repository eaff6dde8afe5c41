"""``dixa-analytics sandbox``: serve the embedded fake Dixa until interrupted."""

from __future__ import annotations

import argparse
import sys
import threading
from typing import Any

from dixa_analytics.sandbox import DEFAULT_END, DEFAULT_START, Sandbox, Switches

__all__ = ["register", "run"]


def register(sub: Any) -> None:
    """Add the ``sandbox`` subcommand to the subparsers ``sub``."""
    parser = sub.add_parser(
        "sandbox",
        help="serve a local fake Dixa with a synthetic organisation",
        description=(
            "Serve a seeded synthetic organisation over the Dixa API, the Integrations API and "
            "the Exports API on 127.0.0.1 until Ctrl-C. Prints export lines for DIXA_API_URL, "
            "DIXA_API_TOKEN, DIXA_BASE_URL, DIXA_EXPORTS_URL and DIXA_API_KEY, ready to paste "
            "into a shell."
        ),
    )
    parser.add_argument(
        "--port", type=int, default=0, help="Integrations and Exports API port (0: any free)"
    )
    parser.add_argument("--api-port", type=int, default=0, help="Dixa API port (0: any free)")
    parser.add_argument("--seed", type=int, default=42, help="seed of the organisation")
    parser.add_argument("--conversations", type=int, default=2000, help="conversations to create")
    parser.add_argument("--start", default=DEFAULT_START, help="first day, e.g. 2026-01-05")
    parser.add_argument("--end", default=DEFAULT_END, help="day after the last, e.g. 2026-04-06")
    parser.add_argument(
        "--rate-limit",
        action="store_true",
        help="answer 429 with Retry-After beyond Dixa's documented rates (10/s per token, "
        "10/min for exports)",
    )
    parser.add_argument(
        "--faults",
        metavar="SWITCHES",
        default="",
        help="wire variants and faults as name=value pairs, e.g. "
        "'error_every=5,truncate_every=7,api_activity_types=mixed' (see "
        "dixa_analytics.sandbox.Switches)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Serve until Ctrl-C; return the exit code."""
    for option, port in (("--port", args.port), ("--api-port", args.api_port)):
        if not 0 <= port <= 65535:
            raise ValueError(f"{option} must be between 0 and 65535, not {port}")
    switches = Switches.from_spec(args.faults)
    if args.rate_limit:
        switches = switches.replace(rate_limit=True)
    sandbox = Sandbox(
        seed=args.seed,
        conversations=args.conversations,
        start=args.start,
        end=args.end,
        port=args.port,
        api_port=args.api_port,
        switches=switches,
    )
    with sandbox:
        lines = (
            f"export DIXA_API_URL={sandbox.api_url}",
            f"export DIXA_API_TOKEN={sandbox.api_token}",
            f"export DIXA_BASE_URL={sandbox.base_url}",
            f"export DIXA_EXPORTS_URL={sandbox.exports_url}",
            f"export DIXA_API_KEY={sandbox.api_key}",
            f"# sandbox organisation: seed {args.seed}, {args.conversations} conversations, "
            f"created in [{args.start}, {args.end}); paste the lines above into another shell "
            "and pass that window as --start/--end; Ctrl-C here to stop",
        )
        print("\n".join(lines), flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            print("sandbox stopped", file=sys.stderr)
    return 0
