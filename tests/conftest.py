"""Fixtures for the HTTP tests (client, fetch): one small sandbox organisation over real sockets
on loopback.

Tests come in tiers: pure tests of normalisers, frames and metrics on hand-written payloads
need none of this; HTTP tests go through the sandbox started here (the sandbox's own tests
start theirs in ``tests/sandbox``). No test reaches the internet.

The sandbox is started once per module and its switches and counters are reset before each
test. Cache files live in ``tmp_path``. Retries sleep through :class:`SleepRecorder`, so
backoff is recorded rather than waited for; throttling uses real time.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pandas as pd
import pytest

from dixa_analytics.client import DixaClient
from dixa_analytics.sandbox import Sandbox, Switches

# A small organisation over ten days whose seed leaves three conversations open at its end.
SEED = 13
CONVERSATIONS = 36
START, END = "2026-03-27", "2026-04-06"


class SleepRecorder:
    """A sleep function that records how long it was asked to wait and returns at once."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture(scope="module")
def _server() -> Iterator[Sandbox]:
    with Sandbox(seed=SEED, conversations=CONVERSATIONS, start=START, end=END) as sb:
        yield sb


@pytest.fixture
def sb(_server: Sandbox) -> Sandbox:
    """The module's sandbox, well-behaved again and with its counters at zero."""
    _server.switches = Switches()
    _server.reset_counts()
    return _server


@pytest.fixture
def sleeps() -> SleepRecorder:
    return SleepRecorder()


@pytest.fixture
def make_client(
    sb: Sandbox, tmp_path, sleeps: SleepRecorder
) -> Iterator[Callable[..., DixaClient]]:
    """Build clients on the sandbox; fast throttles unless a test sets its own.

    A client gets the Integrations key unless ``api_key=`` says otherwise, and the Dixa API
    token only when ``api_token=`` is given.
    """
    clients: list[DixaClient] = []

    def make(**overrides: object) -> DixaClient:
        settings: dict[str, object] = {
            "base_url": sb.base_url,
            "exports_url": sb.exports_url,
            "api_url": sb.api_url,
            "cache": tmp_path / "cache.sqlite",
            "progress": False,
            "timeout": 5.0,
            "rate_limit": 1000.0,
            "burst": 50,
            "export_rate_limit": 1000.0,
            "export_burst": 50,
            "api_rate_limit": 1000.0,
            "api_burst": 50,
            "sleep": sleeps,
            "seed": 0,
        }
        settings.update(overrides)
        api_key = settings.pop("api_key", sb.api_key)
        client = DixaClient(api_key, **settings)  # type: ignore[arg-type]
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def served(sb: Sandbox) -> Callable[..., list]:
    """``served(status=None, path=None)``: requests the sandbox answered, filtered."""

    def select(status: int | None = None, path: str | None = None) -> list:
        return [
            r
            for r in sb.requests
            if (status is None or r.status == status) and (path is None or r.path.endswith(path))
        ]

    return select


@pytest.fixture
def query_csids() -> Callable[[object], list[int]]:
    """``query_csids(request)``: the csids a served request asked for (``csids=1,2,3``)."""

    def csids(request: object) -> list[int]:
        values = parse_qs(request.query).get("csids", [])  # type: ignore[attr-defined]
        return [int(part) for value in values for part in value.split(",") if part]

    return csids


# --- payloads and schemas (pure tests of frames and events) -------------------------------

# The API reference beside the repository (``../shared``); tests that need it skip, saying so.
REFERENCE = Path(__file__).parents[2] / "shared" / "reference" / "dixa-examples.json"


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


def _plain_read_parquet(path: Path) -> pd.DataFrame:
    # pandas 2 reads a string column back with its default storage (python); the README tells
    # its users to ask for pyarrow storage, as done here. pandas 3 needs no option.
    with pd.option_context("mode.string_storage", "pyarrow"):
        return pd.read_parquet(path)


@pytest.fixture(scope="session")
def plain_read_parquet():
    """``plain_read_parquet(path)``: ``pandas.read_parquet`` as the README tells users to."""
    return _plain_read_parquet
