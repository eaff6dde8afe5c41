"""``--unit``: the unit of the duration columns in the tables a command prints or writes."""

from __future__ import annotations

import argparse

from dixa_analytics._format import UNITS

__all__ = ["UNIT_CHOICES", "add_unit_argument"]

#: The short names of the display units: s, min, h, d.
UNIT_CHOICES = tuple(short for _, short in UNITS.values())


def add_unit_argument(parser: argparse.ArgumentParser, *, tables: str) -> None:
    """Add ``--unit {s,min,h,d}`` (default: each column its own) for the ``tables`` named."""
    parser.add_argument(
        "--unit",
        choices=UNIT_CHOICES,
        default=None,
        help=f"durations in {tables}: this unit for every duration column (default: each "
        "column its own, chosen from its median)",
    )
