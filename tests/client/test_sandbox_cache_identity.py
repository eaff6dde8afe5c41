"""A sandbox keeps its cache entries from run to run, whatever its port; other sandboxes and real
organisations never share them."""

from __future__ import annotations

import requests

import dixa_analytics as dxa
from dixa_analytics.client import DixaClient
from dixa_analytics.client._cache_keys import namespaced_key_fn
from dixa_analytics.sandbox import Sandbox, Switches

# A small organisation over a month, so that each sandbox below starts in a blink.
SMALL = {"conversations": 40, "start": "2026-03-01", "end": "2026-04-01"}


def _fetch(sandbox: Sandbox, cache) -> tuple:
    """The organisation's whole window fetched through ``cache``, and what the sandbox served."""
    org = sandbox.organisation
    with dxa.connect(sandbox=sandbox, cache=cache, progress=False, announce=False) as client:
        events = dxa.fetch_activitylog(start=org.start, end=org.end, client=client)
    return events, [r.path for r in sandbox.requests]


def _data_requests(paths: list[str]) -> list[str]:
    """The requests for conversations and their events (reference lists left out)."""
    return [p for p in paths if "export" in p or "activitylog" in p]


def test_the_same_organisation_on_another_port_is_served_from_the_cache(tmp_path) -> None:
    cache = tmp_path / "sandbox.sqlite"
    with Sandbox(seed=5, **SMALL) as first:
        cold, cold_paths = _fetch(first, cache)
        first_url = first.base_url
    with Sandbox(seed=5, **SMALL) as second:
        assert second.base_url != first_url
        warm, warm_paths = _fetch(second, cache)
    assert _data_requests(cold_paths)
    assert _data_requests(warm_paths) == []  # every export and activity log from the cache
    assert len(warm_paths) < len(cold_paths)
    assert warm.equals(cold)


def test_another_seed_size_window_or_switches_never_reads_those_entries(tmp_path) -> None:
    cache = tmp_path / "sandbox.sqlite"
    with Sandbox(seed=5, **SMALL) as sandbox:
        _fetch(sandbox, cache)
    others = [
        Sandbox(seed=6, **SMALL),
        Sandbox(seed=5, **{**SMALL, "conversations": 41}),
        Sandbox(seed=5, **{**SMALL, "start": "2026-03-02"}),
        Sandbox(seed=5, switches=Switches(timestamp_form="iso_seconds"), **SMALL),
    ]
    for other in others:
        with other:
            events, paths = _fetch(other, cache)
            with dxa.connect(sandbox=other, cache=False, progress=False, announce=False) as c:
                fresh = dxa.fetch_activitylog(
                    start=other.organisation.start, end=other.organisation.end, client=c
                )
        assert _data_requests(paths), other.organisation
        assert events.equals(fresh)


def test_a_sandbox_whose_clock_moves_has_no_stable_identity() -> None:
    sandbox = Sandbox(seed=5, clock="2026-03-15", **SMALL)
    assert sandbox.cache_identity is None
    assert Sandbox(seed=5, **SMALL).cache_identity == Sandbox(seed=5, **SMALL).cache_identity


def test_a_real_organisations_keys_are_its_urls_as_before() -> None:
    def prepared(url: str) -> requests.PreparedRequest:
        return requests.Request("GET", url, headers={"Authorization": "k"}).prepare()

    plain = namespaced_key_fn()
    sandboxed = namespaced_key_fn({"http://127.0.0.1:5001": "sandbox-abc/integrations"})
    real = prepared("https://integrations.dixa.io/v1/queues")
    # A client with no identity (any real organisation) keys by URL, as it always did, and a
    # stable root never touches another host.
    assert plain(real) == sandboxed(real)
    assert plain(prepared("https://other.example/v1/queues")) != plain(real)
    client = DixaClient("k", cache=False)
    assert client.cache_identity is None
    assert client._stable_roots() == {}
    # A port that only starts like the sandbox's is another server.
    assert sandboxed(prepared("http://127.0.0.1:50012/v1/queues")) == plain(
        prepared("http://127.0.0.1:50012/v1/queues")
    )


def test_the_repr_names_the_sandbox_and_its_organisation_never_a_secret(tmp_path) -> None:
    with (
        Sandbox(seed=5, **SMALL) as sandbox,
        dxa.connect(sandbox=sandbox, cache=False, progress=False, announce=False) as client,
    ):
        text = repr(client)
    assert "the embedded sandbox" in text
    assert repr(sandbox.organisation.name) in text
    assert sandbox.api_key not in text
    assert sandbox.api_token not in text
