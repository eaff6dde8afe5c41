"""Every command-line test runs as on a machine without Dixa secrets, with its own cache."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _no_real_org(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in (
        "DIXA_API_KEY",
        "DIXA_API_TOKEN",
        "DIXA_BASE_URL",
        "DIXA_EXPORTS_URL",
        "DIXA_API_URL",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DIXA_CACHE", str(tmp_path / "cache.sqlite"))
