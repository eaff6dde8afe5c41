"""The ``dixa-analytics`` command line: a thin consumer of the public API.

Exit codes: 0 success, 2 bad usage or input, 1 any other failure. Errors are one line on
stderr; ``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from dixa_analytics._version import __version__
from dixa_analytics.cli import _cache, _demo, _query, _report, _sandbox, _snapshot

__all__ = ["main"]

_COMMANDS = (_demo, _report, _query, _snapshot, _sandbox, _cache)


class _CommandParser(argparse.ArgumentParser):
    """A command's parser (and its subcommands'): also takes ``--debug`` after the command.

    The default is SUPPRESS, so a command without the flag keeps the top-level value.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_argument(
            "--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS
        )


def build_parser() -> argparse.ArgumentParser:
    """Return the top-level argument parser with every subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="dixa-analytics",
        description="Fetch Dixa activity logs, compute support metrics and write reports.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    sub = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=_CommandParser
    )
    for command in _COMMANDS:
        command.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except KeyboardInterrupt:
        return 130
    except (ValueError, TypeError) as exc:
        if args.debug:
            raise
        print(f"dixa-analytics: error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:
        if args.debug:
            raise
        print(f"dixa-analytics: error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
