"""``--business-hours FILE``: a schedule in a JSON file, for ``report`` and ``metric``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from dixa_analytics import BusinessHours

__all__ = ["add_business_hours_argument", "read_business_hours"]

_EXAMPLE = '{"weekly": {"mon-fri": "08:00-17:00"}, "tz": "Europe/Copenhagen", "holidays": []}'


def add_business_hours_argument(parser: argparse.ArgumentParser) -> None:
    """Add ``--business-hours FILE`` to ``parser``."""
    parser.add_argument(
        "--business-hours",
        metavar="FILE",
        help="measure first response, queue wait and resolution in the open hours of this "
        f"JSON file, e.g. {_EXAMPLE}".replace("%", "%%"),
    )


def read_business_hours(path: str | None) -> BusinessHours | None:
    """The schedule in the JSON file at ``path`` (None without one).

    Raises
    ------
    ValueError
        If the file cannot be read, is not JSON, or does not describe business hours; the
        message names the file and what to write in it.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "hours.json"
    ...     _ = path.write_text('{"weekly": {"mon-fri": "09:00-17:00"}, "tz": "UTC"}')
    ...     read_business_hours(str(path))
    BusinessHours({'mon-fri': '09:00-17:00'}, tz='UTC')
    """
    if path is None:
        return None
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ValueError(f"--business-hours: cannot read {path}: {exc.strerror}") from None
    try:
        config = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(
            f"--business-hours: {path} is not JSON ({exc.msg}, line {exc.lineno}); write e.g. "
            f"{_EXAMPLE}"
        ) from None
    try:
        return BusinessHours.from_dict(config)
    except ValueError as exc:
        raise ValueError(f"--business-hours: {path}: {exc}") from None
