"""Shared fixtures of the frame tests: payload builders, the reference examples, dtype checks.

These are pure tests of normalisers and frame builders on hand-written payloads (full,
minimal, empty, hostile) and on the example payloads of the API reference; no HTTP.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

REFERENCE = Path(__file__).parents[3] / "shared" / "reference" / "dixa-examples.json"


def _assert_schema(frame: pd.DataFrame, schema: dict[str, Any], *, extra: bool = False) -> None:
    """The frame starts with exactly the schema's columns, in order, with its dtypes."""
    columns = list(frame.columns)
    if extra:
        columns = columns[: len(schema)]
    assert columns == list(schema)
    for name, dtype in schema.items():
        assert str(frame[name].dtype) == str(pd.Series([], dtype=dtype).dtype), name


def _event(
    event_id: str,
    csid: int,
    when: str,
    activity_type: str,
    *,
    author: dict | None = None,
    attributes: dict | None = None,
    spelling: str = "activity_timestamp",
) -> dict:
    """One raw activity-log record."""
    return {
        "id": event_id,
        "conversation_id": csid,
        spelling: when,
        "activity_type": activity_type,
        "author": author,
        "attributes": attributes,
    }


@pytest.fixture(scope="session")
def examples() -> dict[str, Any]:
    """The reference's example payloads, keyed by operation."""
    if not REFERENCE.exists():
        pytest.skip(
            f"reference examples not found at {REFERENCE} (the shared/ folder beside the repo)"
        )
    return json.loads(REFERENCE.read_text(encoding="utf-8"))["operations"]


@pytest.fixture(scope="session")
def assert_schema():
    """``assert_schema(frame, schema, extra=False)``: columns in order and dtypes as declared."""
    return _assert_schema


@pytest.fixture(scope="session")
def make_event():
    """``make_event(id, csid, when, type, author=None, attributes=None, spelling=...)``."""
    return _event
