"""Every docstring example in the package runs and shows what it says."""

from __future__ import annotations

import doctest
import importlib
import inspect
import pkgutil

import pytest

import dixa_analytics

MODULES = sorted(
    info.name
    for info in pkgutil.walk_packages(dixa_analytics.__path__, "dixa_analytics.")
    if not info.name.endswith("__main__")
)


@pytest.mark.parametrize(
    "name",
    [n for n in dixa_analytics.__all__ if inspect.isfunction(getattr(dixa_analytics, n))],
)
def test_public_functions_have_examples(name: str) -> None:
    assert ">>>" in (getattr(dixa_analytics, name).__doc__ or "")


def test_modules_were_found() -> None:
    assert "dixa_analytics.events._frame" in MODULES
    assert "dixa_analytics.metrics._handling" in MODULES


@pytest.mark.parametrize("name", ["dixa_analytics", *MODULES])
def test_docstring_examples_run(name: str) -> None:
    module = importlib.import_module(name)
    flags = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS
    outcome = doctest.testmod(module, optionflags=flags)
    assert outcome.failed == 0, f"{outcome.failed} of {outcome.attempted} examples failed in {name}"
