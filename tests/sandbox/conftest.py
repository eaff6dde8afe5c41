"""Fixtures for the sandbox tests: small organisations served over real loopback sockets."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from dixa_analytics.sandbox import Sandbox, Switches


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    """A running sandbox with a small organisation; switches are reset after each test."""
    with Sandbox(seed=3, conversations=150) as sb:
        yield sb


@pytest.fixture
def sb(sandbox: Sandbox) -> Iterator[Sandbox]:
    sandbox.switches = Switches()
    sandbox.reset_counts()
    yield sandbox
    sandbox.switches = Switches()


@pytest.fixture
def http(sb: Sandbox) -> Iterator[requests.Session]:
    """A session sending the first organisation's raw key (the Integrations API scheme)."""
    with requests.Session() as session:
        session.headers["Authorization"] = sb.api_key
        yield session


@pytest.fixture
def exports_http(sb: Sandbox) -> Iterator[requests.Session]:
    """A session sending ``Bearer <key>`` (the Exports API scheme)."""
    with requests.Session() as session:
        session.headers["Authorization"] = f"Bearer {sb.api_key}"
        yield session


@pytest.fixture
def api_http(sb: Sandbox) -> Iterator[requests.Session]:
    """A session to the Dixa API with the organisation's Dixa API token."""
    with requests.Session() as session:
        session.headers["Authorization"] = sb.api_token
        yield session
