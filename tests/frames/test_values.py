"""Reading raw values: flags."""

from __future__ import annotations

import pytest

from dixa_analytics.frames import to_bool


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, True),
        ("true", True),
        (" False ", False),
        ("1", True),
        (0, False),
        (None, None),
        ("maybe", None),
        ([], None),
    ],
)
def test_to_bool(value, expected):
    assert to_bool(value) is expected
