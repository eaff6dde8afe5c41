"""A sync that fails, is interrupted or killed leaves the snapshot as it was; one sync at a
time; folders that are not snapshots get clear errors."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

import dixa_analytics as dxa
from dixa_analytics.snapshot import _sync

FAULTS = [dxa.ServerError("503 from the test"), KeyboardInterrupt()]


def state(folder: Path) -> dict[str, bytes]:
    """Every file of the folder (hidden ones too) and its bytes."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name != ".sync.lock"
    }


@pytest.mark.parametrize("fault", FAULTS, ids=["DixaError", "Ctrl-C"])
def test_a_sync_that_stops_half_way_leaves_the_snapshot_unchanged(
    org, make_client, folder, monkeypatch, fault
):
    client = make_client()
    first = dxa.sync(folder, start="2026-01-01", client=client)
    events, before = first.events(), state(folder)
    org.sb.move_to(org.after.to_pydatetime())
    calls = []

    def stops_on_the_second_partition(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise fault
        return assembled(*args, **kwargs)

    assembled = _sync.assembled
    # Every partition is touched when the queues are renamed: several are written first.
    monkeypatch.setattr(_sync, "_joins_changed", lambda *args: True)
    monkeypatch.setattr(_sync, "assembled", stops_on_the_second_partition)
    with pytest.raises(type(fault)):
        dxa.sync(folder, client=client)
    assert len(calls) == 2
    assert state(folder) == before
    pd.testing.assert_frame_equal(dxa.open_snapshot(folder).events(), events)
    monkeypatch.undo()
    # The next sync goes through.
    assert dxa.sync(folder, client=client).as_of == org.after


def test_a_killed_sync_leaves_the_snapshot_readable_and_the_next_one_finishes(
    org, make_client, folder, tmp_path
):
    client = make_client()
    first = dxa.sync(folder, start="2026-01-01", client=client)
    events, manifest = first.events(), (folder / "manifest.json").read_bytes()
    org.sb.move_to(org.after.to_pydatetime())
    sb = org.sb
    # A sync in another process, slowed by its throttle so it can be killed half-way.
    script = textwrap.dedent(
        f"""
        import dixa_analytics as dxa
        client = dxa.DixaClient({sb.api_key!r}, base_url={sb.base_url!r},
            exports_url={sb.exports_url!r}, cache=False, progress=False, rate_limit=4.0,
            burst=1, clock=lambda: __import__("datetime").datetime.fromisoformat(
                {org.after.isoformat()!r}))
        dxa.sync({str(folder)!r}, client=client, source="integrations")
        """
    )
    child = subprocess.Popen([sys.executable, "-c", script], stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not any((folder / ".staging").rglob("*.parquet")):
        assert child.poll() is None, child.stderr.read().decode()
        assert time.monotonic() < deadline, "the sync wrote nothing in a minute"
        time.sleep(0.05)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    child.stderr.close()
    assert (folder / "manifest.json").read_bytes() == manifest
    pd.testing.assert_frame_equal(dxa.open_snapshot(folder).events(), events)
    # The lock died with the process; the next sync cleans up and finishes.
    second = dxa.sync(folder, client=client)
    assert second.as_of == org.after
    assert not (folder / ".staging").exists()
    written = {p.relative_to(folder).as_posix() for p in folder.rglob("*.parquet")}
    assert written == {
        name
        for part in json.loads((folder / "manifest.json").read_text())["partitions"].values()
        for name in (part["events"], part["conversations"])
    } | {f"{table}.g0002.parquet" for table in ("users", "queues", "tags")}


def test_a_second_sync_of_the_same_folder_fails_clearly_while_the_first_runs(
    org, make_client, folder, monkeypatch
):
    client = make_client()
    dxa.sync(folder, start="2026-01-01", client=client)
    inside, go_on = threading.Event(), threading.Event()
    export_window = _sync.export_window

    def held(*args, **kwargs):
        inside.set()
        go_on.wait(30)
        return export_window(*args, **kwargs)

    monkeypatch.setattr(_sync, "export_window", held)
    outcome: list[object] = []
    first = threading.Thread(target=lambda: outcome.append(dxa.sync(folder, client=make_client())))
    first.start()
    assert inside.wait(30)
    with pytest.raises(dxa.SnapshotError, match="another sync is writing"):
        dxa.sync(folder, client=make_client())
    go_on.set()
    first.join(60)
    assert isinstance(outcome[0], dxa.Snapshot)
    assert len(outcome[0].syncs) == 2


def test_folders_that_are_not_snapshots_get_clear_errors(folder, make_client, tmp_path):
    client = make_client()
    with pytest.raises(dxa.SnapshotError, match=r"no snapshot at .*does not exist"):
        dxa.open_snapshot(folder)
    with pytest.raises(ValueError, match="first sync needs start="):
        dxa.sync(folder, client=client)
    assert not folder.exists()  # nothing written for a sync that cannot start

    busy = tmp_path / "notes"
    busy.mkdir()
    (busy / "todo.txt").write_text("mine")
    with pytest.raises(dxa.SnapshotError, match=r"not a snapshot .*todo.txt"):
        dxa.sync(busy, start="2026-01-01", client=client)
    assert [p.name for p in busy.iterdir()] == ["todo.txt"]
    with pytest.raises(dxa.SnapshotError, match="not a snapshot"):
        dxa.open_snapshot(busy)

    a_file = tmp_path / "file.parquet"
    a_file.write_bytes(b"PAR1")
    with pytest.raises(dxa.SnapshotError, match="is a file"):
        dxa.sync(a_file, start="2026-01-01", client=client)


def test_a_newer_or_damaged_manifest_is_refused(folder, make_client):
    dxa.sync(folder, start="2026-01-01", client=make_client())
    manifest = folder / "manifest.json"
    data = json.loads(manifest.read_text())
    manifest.write_text(json.dumps(data | {"schema_version": 99, "written_by": "x 9.0"}))
    with pytest.raises(dxa.SnapshotError, match=r"x 9.0 .*version 99.*upgrade"):
        dxa.open_snapshot(folder)
    with pytest.raises(dxa.SnapshotError, match="upgrade"):
        dxa.sync(folder, client=make_client())
    manifest.write_bytes(b'{"format": "dixa-analytics snapshot", "schema_versi\xff')
    with pytest.raises(dxa.SnapshotError, match="cannot be read"):
        dxa.open_snapshot(folder)
    manifest.write_text(json.dumps({k: v for k, v in data.items() if k != "partitions"}))
    with pytest.raises(dxa.SnapshotError, match=r"damaged .*partitions"):
        dxa.open_snapshot(folder)


def test_a_file_gone_since_opening_says_to_open_again(folder, make_client):
    snapshot = dxa.sync(folder, start="2026-01-01", client=make_client())
    next(folder.glob("events/*.parquet")).unlink()
    with pytest.raises(dxa.SnapshotError, match=r"gone.*open it again"):
        snapshot.events()


def test_a_refresh_cannot_change_the_window(folder, make_client):
    dxa.sync(folder, start="2026-01-01", client=make_client())
    dxa.sync(folder, start="2026-01-01", client=make_client())  # the same window: fine
    with pytest.raises(ValueError, match="holds the window 2026-01-01 00:00 → now"):
        dxa.sync(folder, start="2025-01-01", client=make_client())


def test_a_damaged_partition_file_is_named(folder, make_client):
    snapshot = dxa.sync(folder, start="2026-01-01", client=make_client())
    damaged = sorted(folder.glob("events/*.parquet"))[-1]
    damaged.write_bytes(b"PAR1 not really parquet")
    with pytest.raises(dxa.SnapshotError, match=rf"{damaged.name} cannot be read as Parquet"):
        snapshot.events()
    # Partitions before it still read: the damage is confined to its month.
    assert len(snapshot.events(end=f"{damaged.name[:7]}-01")) > 0
