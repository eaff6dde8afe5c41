"""``dixa-analytics sync``, and ``--snapshot PATH`` for the commands that read events.

``sync`` writes or refreshes a snapshot folder (see :func:`dixa_analytics.sync`) and says in
one line what it found and what it cost. ``report``, ``metric`` and ``fetch`` take
``--snapshot PATH`` to read a snapshot instead of fetching.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

import dixa_analytics as dxa
from dixa_analytics._dates import date_window, to_utc
from dixa_analytics._format import format_count
from dixa_analytics.cli._queues import match_queues
from dixa_analytics.cli._target import (
    Target,
    add_target_arguments,
    confirm_plan,
    note_if_empty,
    open_target,
)

__all__ = [
    "DEFAULT_FOLDER",
    "add_snapshot_argument",
    "queue_events",
    "register",
    "snapshot_target",
    "window_events",
]

DEFAULT_FOLDER = "data/snapshot"


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``sync`` subcommand."""
    parser = sub.add_parser(
        "sync",
        help="write a snapshot of a window as Parquet, or bring one up to date",
        description="The first sync of a folder writes every conversation created from "
        "--start (up to --end, or up to now and growing), with its events, users, queues and "
        "tags. A later sync of the folder fetches only what was created or updated since.",
    )
    parser.add_argument(
        "path",
        nargs="?",
        default=DEFAULT_FOLDER,
        help=f"the snapshot folder (default: {DEFAULT_FOLDER})",
    )
    parser.add_argument(
        "--start",
        metavar="DATE",
        help="first day of the window, ISO (UTC); needed for the first sync (with --sandbox, "
        "the sandbox organisation's first day by default)",
    )
    parser.add_argument(
        "--end",
        metavar="DATE",
        help="day after the last, ISO; default: none, the window grows with every sync",
    )
    add_target_arguments(parser)
    parser.set_defaults(run=run)


def add_snapshot_argument(parser: argparse.ArgumentParser) -> None:
    """Add ``--snapshot PATH`` to a command that reads events."""
    parser.add_argument(
        "--snapshot",
        metavar="PATH",
        help="read a snapshot folder written by `dixa-analytics sync` instead of fetching "
        "(--start/--end select within it; default: all of it)",
    )


def snapshot_target(args: argparse.Namespace) -> tuple[dxa.Snapshot, pd.Timestamp, pd.Timestamp]:
    """The snapshot ``--snapshot`` names and the window asked for within it."""
    if args.sandbox:
        raise ValueError("--snapshot reads a snapshot and --sandbox fetches: pass one of them")
    snapshot = dxa.open_snapshot(args.snapshot)
    start, end = snapshot.window
    lo = to_utc(args.start, name="--start") if args.start else start
    hi = to_utc(args.end, name="--end") if args.end else (end or snapshot.as_of)
    return snapshot, lo, hi


def window_events(args: argparse.Namespace) -> tuple[pd.DataFrame, pd.Timestamp, pd.Timestamp]:
    """The activity log of the window ``args`` ask for, and that window: read from
    ``--snapshot``, or fetched (after the plan of a big pull is confirmed)."""
    events, start, end, _ = queue_events(args, ())
    return events, start, end


def queue_events(
    args: argparse.Namespace, queues: Sequence[str]
) -> tuple[pd.DataFrame, pd.Timestamp, pd.Timestamp, list[str]]:
    """As :func:`window_events`, limited to the conversations of ``queues`` (none: all).

    The names are matched case-insensitively against the organisation's queue list (the
    snapshot's, or one request) before the activity log is read, so that a misspelt queue
    costs no fetch. Also returns the queues as the organisation spells them.
    """
    matched: list[str] = []
    if args.snapshot:
        snapshot, start, end = snapshot_target(args)
        if queues:
            matched = match_queues(queues, snapshot.queues()["queue_name"])
        events = snapshot.events(start, end, queues=matched or None)
    else:
        with open_target(args) as target:
            if queues:
                matched = match_queues(queues, dxa.fetch_queues(client=target.client)["queue_name"])
            confirm_plan(target, args)
            events = dxa.fetch_activitylog(
                start=target.start, end=target.end, source=target.source, client=target.client
            )
        note_if_empty(target, len(events))
        start, end = target.start, target.end
        if matched:
            events = events[events["queue_name"].isin(matched)]
    if matched and events.empty:
        print(
            f"dixa-analytics: note: no conversations in queue{'s' if len(matched) > 1 else ''} "
            f"{', '.join(matched)} in this window",
            file=sys.stderr,
        )
    return events, start, end, matched


def run(args: argparse.Namespace) -> int:
    """Sync the folder and print one line on what was found."""
    with open_target(args, windowed=False) as target:
        start = args.start or _sandbox_start(args, target)
        if start is not None and not (Path(args.path) / "manifest.json").is_file():
            # A first sync pulls the whole window: plan it (a refresh asks for what changed).
            lo, hi = date_window(start, args.end or target.client.now())
            confirm_plan(target, args, start=lo, end=hi)
        snapshot = dxa.sync(
            args.path, start=start, end=args.end, client=target.client, source=args.source
        )
    print(summary_line(snapshot))
    return 0


def _sandbox_start(args: argparse.Namespace, target: Target) -> pd.Timestamp | None:
    """The sandbox organisation's first day, for a first sync of it without --start."""
    fresh = not (Path(args.path) / "manifest.json").is_file()
    return target.start if args.sandbox and fresh else None


def summary_line(snapshot: dxa.Snapshot) -> str:
    r"""What the last sync found and cost, in one line.

    Examples
    --------
    >>> class Fake:
    ...     path = "data/snapshot"
    ...     as_of = pd.Timestamp("2026-03-20", tz="UTC")
    ...     syncs = [{"conversations_new": 86, "conversations_updated": 3, "events": 5008,
    ...               "requests": 25, "seconds": 8.04, "source": "dixa-api"}]
    >>> print(summary_line(Fake()).replace(": ", ":\n"))
    synced data/snapshot as of 2026-03-20 00:00 UTC:
    86 new and 3 updated conversations, 5,008 events, 25 requests (dixa-api) in 8.0 s
    """
    last = snapshot.syncs[-1]
    return (
        f"synced {snapshot.path} as of {snapshot.as_of:%Y-%m-%d %H:%M} UTC: "
        f"{format_count(last['conversations_new'])} new and "
        f"{format_count(last['conversations_updated'])} updated conversations, "
        f"{format_count(last['events'], 'event')}, {format_count(last['requests'], 'request')} "
        f"({last['source']}) in {last['seconds']:.1f} s"
    )
