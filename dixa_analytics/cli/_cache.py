"""``dixa-analytics cache info|clear``: what the HTTP cache holds, and clearing it."""

from __future__ import annotations

import argparse

from dixa_analytics.client import cache_info, clear_cache

__all__ = ["register"]


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``cache`` subcommand to ``sub``."""
    parser = sub.add_parser(
        "cache",
        help="show or clear the HTTP cache",
        description="Show what the HTTP cache holds, or delete it.",
    )
    actions = parser.add_subparsers(dest="cache_action", required=True, metavar="ACTION")
    for name, help_text, run in (
        ("info", "size, responses per kind, oldest and newest", _info),
        ("clear", "delete the cache file", _clear),
    ):
        action = actions.add_parser(name, help=help_text, description=help_text.capitalize())
        action.add_argument(
            "--cache",
            metavar="PATH",
            help="cache file (default: $DIXA_CACHE, else data/dixa-cache.sqlite or the user "
            "cache directory; none when $DIXA_CACHE is off)",
        )
        action.set_defaults(run=run)


def _info(args: argparse.Namespace) -> int:
    print(cache_info(args.cache))
    return 0


def _clear(args: argparse.Namespace) -> int:
    info = cache_info(args.cache)
    if not info.exists:
        print(f"no cache at {info.path}: nothing to clear")
        return 0
    removed = clear_cache(info.path)
    if info.corrupt is not None:
        print(f"cleared {info.path}: it was damaged ({info.corrupt})")
    else:
        print(f"cleared {info.path}: {removed} responses removed")
    return 0
