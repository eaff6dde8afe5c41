"""Where a command's data comes from: a real organisation or the embedded sandbox.

Shared by ``report``, ``metric`` and ``fetch``: they take ``--sandbox``, ``--source``,
``--cache``, ``--refresh`` and ``--no-progress``, and never fall back to fake data silently —
with neither a secret (``DIXA_API_TOKEN`` or ``DIXA_API_KEY``) nor ``--sandbox`` they stop with
a message saying how to set one.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass

import pandas as pd

from dixa_analytics import DixaClient, connect
from dixa_analytics._dates import date_window, to_utc
from dixa_analytics.client import caching_disabled, means_off, sandbox_cache_path
from dixa_analytics.fetch import SOURCES
from dixa_analytics.fetch._plan import CONFIRM_QUOTA_SHARE, CONFIRM_SECONDS, plan_fetch
from dixa_analytics.sandbox import Sandbox

__all__ = [
    "Target",
    "add_target_arguments",
    "add_window_arguments",
    "cache_setting",
    "confirm_plan",
    "note_if_empty",
    "open_target",
]

# A real organisation's default window: the last 28 full days, so two runs on one day agree.
DEFAULT_DAYS = 28


class MissingKeyError(ValueError):
    """Neither a secret (``DIXA_API_TOKEN`` / ``DIXA_API_KEY``) nor ``--sandbox`` was given."""


@dataclass(frozen=True)
class Target:
    """A ready client plus the window to fetch and the source of the activity log.

    ``where`` names the organisation's host (or the sandbox) for messages; ``default_note``
    describes the default window taken when the user named none (empty if they did), so that
    an empty result can say why.
    """

    client: DixaClient
    start: pd.Timestamp
    end: pd.Timestamp
    where: str
    source: str = "auto"
    default_note: str = ""


def add_target_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--sandbox``, ``--cache``, ``--refresh`` and ``--no-progress`` to ``parser``."""
    parser.add_argument(
        "--sandbox",
        action="store_true",
        help="use the embedded sandbox organisation instead of DIXA_API_TOKEN / DIXA_API_KEY",
    )
    parser.add_argument(
        "--source",
        choices=SOURCES,
        default="auto",
        help="where the activity log comes from: the Dixa API's organisation-wide log, the "
        "Integrations API's per-conversation log, or (auto) the cheaper one available",
    )
    parser.add_argument(
        "--cache",
        metavar="PATH",
        help="HTTP cache file, or 'off' for none (default: $DIXA_CACHE, else "
        "data/dixa-cache.sqlite or the user cache directory; with --sandbox, a file of its own "
        "beside it, dixa-sandbox-….sqlite, which repeated queries reuse)",
    )
    parser.add_argument(
        "--refresh",
        action="store_true",
        help="ask the API again even for what the cache holds as final (closed conversations, "
        "past windows) and store the new answers: use it when conversations may have been "
        "reopened since they were cached",
    )
    parser.add_argument(
        "--no-progress", action="store_true", help="do not show progress bars on stderr"
    )
    parser.add_argument(
        "--yes",
        action="store_true",
        help="go ahead without asking when the pull would take over ten minutes or 10%% of "
        "the daily request quota (the plan is printed on stderr)",
    )


def add_window_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--start`` / ``--end`` (half-open, UTC) to ``parser``."""
    parser.add_argument(
        "--start",
        metavar="DATE",
        help=f"first day, ISO, e.g. 2026-03-01 (UTC); default: {DEFAULT_DAYS} days before "
        "today, or the sandbox organisation's first day with --sandbox",
    )
    parser.add_argument(
        "--end",
        metavar="DATE",
        help="day after the last, ISO, e.g. 2026-04-01; default: now with --start, else today "
        "(UTC); with --sandbox, the sandbox organisation's now (its end)",
    )


def _window(
    args: argparse.Namespace, now: pd.Timestamp
) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The window the user named (``--start`` alone: up to ``now``), or None for the default."""
    start = getattr(args, "start", None)
    end = getattr(args, "end", None)
    if start is None and end is None:
        return None
    if start is None:
        raise ValueError(
            "--end needs --start (the first day of the window); give both, --start alone (up "
            "to now), or neither (the default window)"
        )
    if end is None and to_utc(start, name="--start") >= now:
        raise ValueError(
            f"--start {start} is not before now ({now:%Y-%m-%d %H:%M} UTC), which ends the "
            "window when --end is left out; choose an earlier --start or give --end"
        )
    return date_window(start, now if end is None else end)


def note_if_empty(target: Target, rows: int) -> None:
    """Say on stderr when a window's fetch gave no rows (it held no conversations), so that an
    empty table or report is not taken for a fault, and how to choose another window."""
    if rows:
        return
    default = f" ({target.default_note}; pass --start and --end)" if target.default_note else ""
    print(
        f"dixa-analytics: note: no conversations created in [{_moment(target.start)}, "
        f"{_moment(target.end)}) at {target.where}{default}",
        file=sys.stderr,
    )


class NotConfirmed(ValueError):
    """A big pull was not confirmed (no ``--yes``, no "y" at the prompt): nothing fetched."""


def confirm_plan(
    target: Target,
    args: argparse.Namespace,
    *,
    start: pd.Timestamp | None = None,
    end: pd.Timestamp | None = None,
    what: str = "activitylog",
) -> None:
    """Plan the pull (``what``, see :func:`~dixa_analytics.plan_fetch`) of ``[start, end)``
    (the target's window by default) and go ahead only if it is small, ``--yes`` was given,
    or the user says so at the prompt.

    The plan goes to stderr with the progress bars (not with ``--no-progress``), and always
    when it is big. Without a terminal to ask at, a big pull without ``--yes`` stops.

    Raises
    ------
    NotConfirmed
        If the pull is big and was not confirmed; the message shows the plan.
    """
    plan = plan_fetch(
        start=target.start if start is None else start,
        end=target.end if end is None else end,
        source=target.source,
        client=target.client,
        what=what,
    )
    if not plan.needs_confirmation or args.yes:
        if not args.no_progress or plan.needs_confirmation:
            print(f"dixa-analytics: plan: {plan}", file=sys.stderr)
        return
    big = (
        f"this pull is big: {plan} (more than {CONFIRM_SECONDS / 60:.0f} minutes or "
        f"{CONFIRM_QUOTA_SHARE:.0%} of the daily quota)"
    )
    if sys.stdin is not None and sys.stdin.isatty():
        print(f"dixa-analytics: {big}", file=sys.stderr)
        if input("Go ahead? [y/N] ").strip().lower() in ("y", "yes"):
            return
        raise NotConfirmed("not confirmed; nothing was fetched")
    raise NotConfirmed(f"{big}; pass --yes to go ahead, or choose a shorter window")


def _moment(ts: pd.Timestamp) -> str:
    """A window bound as a date when it is midnight, else in full."""
    return str(ts.date()) if ts == ts.normalize() else ts.isoformat()


def cache_setting(value: str | None) -> str | bool | None:
    """The ``cache=`` argument for a ``--cache`` value: a path, False for "off", None if unset.

    Examples
    --------
    >>> cache_setting("off"), cache_setting("c.sqlite"), cache_setting(None)
    (False, 'c.sqlite', None)
    """
    if not value:
        return None
    return False if means_off(value) else value


@contextlib.contextmanager
def open_target(args: argparse.Namespace, *, windowed: bool = True) -> Iterator[Target]:
    """Yield the :class:`Target` that ``args`` describe; starts and stops a sandbox if asked.

    With ``windowed=False`` the command reads ``--start``/``--end`` itself (``sync``): the
    target's window is the default one.
    """
    cache = cache_setting(args.cache)
    progress = not args.no_progress
    refresh = args.refresh
    if args.sandbox:
        sandbox = Sandbox()
        window = _window(args, pd.Timestamp(sandbox.now)) if windowed else None
        identity = sandbox.cache_identity
        if cache is None and identity and not caching_disabled():
            # Kept apart from real data, and found again by the next query on this sandbox.
            cache = sandbox_cache_path(identity)
        with (
            sandbox,
            # The command names its target in its own messages.
            connect(
                sandbox=sandbox, cache=cache, progress=progress, refresh=refresh, announce=False
            ) as client,
        ):
            org = sandbox.organisation
            start, end = window or date_window(org.start, org.end)
            default = "" if window else "the default window: the sandbox organisation's whole span"
            yield Target(client, start, end, "the embedded sandbox", args.source, default)
        return
    if not (os.environ.get("DIXA_API_TOKEN") or os.environ.get("DIXA_API_KEY")):
        raise MissingKeyError(
            "no Dixa API key: set DIXA_API_TOKEN to a Dixa API token (or DIXA_API_KEY to an "
            "Integrations API token; DIXA_API_URL / DIXA_BASE_URL / DIXA_EXPORTS_URL if not "
            "the public Dixa hosts), or pass --sandbox to use the embedded sandbox"
        )
    now = pd.Timestamp.now(tz="UTC")
    window = _window(args, now) if windowed else None
    today = now.normalize()
    start, end = window or (today - pd.Timedelta(days=DEFAULT_DAYS), today)
    default = "" if window else f"the default window: the last {DEFAULT_DAYS} days"
    with DixaClient(cache=cache, progress=progress, refresh=refresh) as client:
        where = client.api_url if "dixa-api" in client.sources else client.base_url
        yield Target(client, start, end, where, args.source, default)
