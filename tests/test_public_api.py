"""The public surface is deliberate: ``__all__`` is hand-written and every name resolves."""

from __future__ import annotations

import dixa_analytics as dxa

# The names DESIGN.md fixes as contracts, plus the documented additions.
EXPECTED = {
    "DEFINITIONS",
    "PLAIN_DEFINITIONS",
    "AuthenticationError",
    "BadRequestError",
    "BusinessHours",
    "CacheInfo",
    "CorruptCacheError",
    "DixaClient",
    "DixaConnectionError",
    "DixaError",
    "NotFoundError",
    "PartialFetchError",
    "RateLimitError",
    "SchemaError",
    "ServerError",
    "Snapshot",
    "SnapshotError",
    "__version__",
    "backlog",
    "build_report",
    "cache_info",
    "clear_cache",
    "connect",
    "csat",
    "events_frame",
    "fetch_activitylog",
    "fetch_conversations",
    "fetch_endpoints",
    "fetch_events",
    "fetch_messages",
    "fetch_notes",
    "fetch_queues",
    "fetch_tags",
    "fetch_teams",
    "fetch_users",
    "first_response_time",
    "handling_time",
    "humanize",
    "open_snapshot",
    "plan_fetch",
    "plot_backlog",
    "plot_csat",
    "plot_first_response",
    "plot_handling_time",
    "plot_queue_wait",
    "plot_reopen_rate",
    "plot_resolution",
    "plot_survival",
    "plot_tag_trends",
    "queue_wait_time",
    "reopen_rate",
    "resolution_time",
    "setup_notebook",
    "sla_attainment",
    "split_by_type",
    "summarize_durations",
    "summarize_report",
    "sync",
    "tag_trends",
    "write_report",
}


def test_all_is_exactly_the_public_surface() -> None:
    assert set(dxa.__all__) == EXPECTED
    assert len(dxa.__all__) == len(set(dxa.__all__))


def test_every_public_name_resolves() -> None:
    for name in dxa.__all__:
        assert getattr(dxa, name) is not None


def test_errors_form_one_tree() -> None:
    for name in EXPECTED:
        obj = getattr(dxa, name)
        if isinstance(obj, type) and issubclass(obj, Exception):
            assert issubclass(obj, dxa.DixaError)


def test_public_functions_have_examples() -> None:
    for name in dxa.__all__:
        obj = getattr(dxa, name)
        if callable(obj) and not isinstance(obj, type):
            assert obj.__doc__, name
            assert "Examples" in obj.__doc__, name


def test_import_writes_nothing(tmp_path, monkeypatch) -> None:
    import subprocess
    import sys

    monkeypatch.chdir(tmp_path)
    subprocess.run([sys.executable, "-c", "import dixa_analytics"], check=True, cwd=tmp_path)
    assert list(tmp_path.iterdir()) == []
