"""A report built end to end from a sandbox whose names carry HTML/script payloads."""

from __future__ import annotations

import html

import pytest

from dixa_analytics import build_report, connect, fetch_activitylog
from dixa_analytics.sandbox import Sandbox

N_FIGURES = 16  # two survival curves (first response, resolution), CSAT (two) and backlog


@pytest.fixture(scope="module")
def hostile():
    """The report of a hostile-named organisation, its organisation and its API key."""
    with Sandbox(seed=5, conversations=120, hostile_names=True) as sandbox:
        org = sandbox.organisation
        with connect(sandbox=sandbox, cache=False, progress=False) as client:
            events = fetch_activitylog(start=org.start, end=org.end, client=client)
        page = build_report(events, window=(org.start, org.end))
    return page, org, sandbox.api_key


def _hostile_names(org) -> list[str]:
    names = [q["name"] for q in org.queues] + [t["name"] for t in org.tags]
    names += [u["name"] for u in org.users if u.get("roles")]
    return [n for n in names if n and "<" in n]


def test_names_with_markup_appear_only_escaped(hostile) -> None:
    page, org, _ = hostile
    names = _hostile_names(org)
    assert names, "the hostile organisation should carry markup in some names"
    for name in names:
        assert name not in page
    assert any(html.escape(name) in page for name in names)
    # plotly.js plus one script per figure, and no <script> from the data.
    assert page.lower().count("<script") == 1 + N_FIGURES


def test_api_key_never_appears(hostile) -> None:
    page, _, key = hostile
    assert key not in page
