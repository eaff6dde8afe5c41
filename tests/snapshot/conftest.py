"""Fixtures for the snapshot tests: a sandbox whose clock moves, and clients that follow it.

Each test gets its own sandbox (clocks only move forward), set before a conversation that was
closed and is reopened later, so a sync before and a sync after see it change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pandas as pd
import pytest

from dixa_analytics.client import DixaClient
from dixa_analytics.sandbox import Sandbox

START, END = "2026-01-05", "2026-04-06"


@dataclass
class Org:
    """The sandbox, a conversation closed at ``before`` and reopened by ``after``."""

    sb: Sandbox
    reopened: int
    before: pd.Timestamp
    after: pd.Timestamp


def _closed_then_reopened(sb: Sandbox) -> tuple[int, pd.Timestamp, pd.Timestamp]:
    """The first conversation closed in March and reopened over a day later (and the moments
    just after each), so that the snapshot before has partitions of three months."""
    org = sb.organisation
    march = pd.Timestamp("2026-03-01", tz="UTC").value // 1_000_000
    for conversation in org.conversations:
        closed = None
        for event in org.events_of(conversation["id"]):
            if event["activity_type"] == "conversation_closed" and event["timestamp_ms"] > march:
                closed = event["timestamp_ms"]
            elif (
                event["activity_type"] == "conversation_reopened"
                and closed is not None
                and event["timestamp_ms"] - closed > 86_400_000
            ):
                before = pd.Timestamp(closed + 3_600_000, unit="ms", tz="UTC")
                after = pd.Timestamp(event["timestamp_ms"] + 3_600_000, unit="ms", tz="UTC")
                return conversation["id"], before.ceil("h"), after.ceil("h")
    raise AssertionError("the sandbox's seed has no conversation reopened a day after closing")


@pytest.fixture
def org() -> Iterator[Org]:
    with Sandbox(seed=7, conversations=150, start=START, end=END) as sb:
        csid, before, after = _closed_then_reopened(sb)
        sb.move_to(before.to_pydatetime())
        yield Org(sb, csid, before, after)


def client_on(sb: Sandbox, **overrides: object) -> DixaClient:
    """A client on the sandbox with both secrets, fast throttles and the sandbox's clock."""
    settings: dict[str, object] = {
        "api_token": sb.api_token,
        "base_url": sb.base_url,
        "exports_url": sb.exports_url,
        "api_url": sb.api_url,
        "progress": False,
        "timeout": 5.0,
        "rate_limit": 1000.0,
        "burst": 50,
        "export_rate_limit": 1000.0,
        "export_burst": 50,
        "api_rate_limit": 1000.0,
        "api_burst": 50,
        "sleep": lambda seconds: None,
        "seed": 0,
        "clock": lambda: sb.now,
    }
    return DixaClient(sb.api_key, **(settings | overrides))  # type: ignore[arg-type]


@pytest.fixture
def make_client(org: Org, tmp_path) -> Iterator[Callable[..., DixaClient]]:
    """Clients on the test's sandbox, sharing one cache file unless told otherwise."""
    clients: list[DixaClient] = []

    def make(**overrides: object) -> DixaClient:
        client = client_on(org.sb, **({"cache": tmp_path / "cache.sqlite"} | overrides))
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture(scope="module")
def still_sandbox() -> Iterator[Sandbox]:
    """A sandbox whose clock stays put, for a module of read-only tests."""
    with Sandbox(seed=7, conversations=150, start=START, end=END) as sb:
        yield sb


@pytest.fixture(scope="session")
def connect_to() -> Callable[..., DixaClient]:
    """:func:`client_on`, for module-scoped fixtures."""
    return client_on


@pytest.fixture
def folder(tmp_path):
    return tmp_path / "snapshot"
