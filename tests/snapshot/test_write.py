"""write_snapshot: a snapshot from frames in hand reads back as the frames written."""

from __future__ import annotations

import pandas as pd
import pytest

import dixa_analytics as dxa
from dixa_analytics.snapshot import write_snapshot
from dixa_analytics.snapshot._layout import partition_keys


@pytest.fixture(scope="module")
def fetched(still_sandbox, connect_to) -> dict[str, pd.DataFrame]:
    with connect_to(still_sandbox, cache=False) as client:
        window = {"start": "2026-01-01", "end": "2026-04-06"}
        return {
            "events": dxa.fetch_activitylog(**window, client=client),
            "conversations": dxa.fetch_conversations(**window, client=client),
            "users": dxa.fetch_users(client=client),
            "queues": dxa.fetch_queues(client=client),
            "tags": dxa.fetch_tags(client=client),
        }


def by_month(fetched):
    conversations = fetched["conversations"]
    months = partition_keys(conversations["created_at"])
    for month in sorted(set(months)):
        mine = conversations[months.to_numpy() == month]
        events = fetched["events"]
        yield events[events["conversation_id"].isin(mine["conversation_id"])], mine


def test_frames_written_read_back_equal(fetched, tmp_path):
    tables = {name: fetched[name] for name in ("users", "queues", "tags")}
    snapshot = write_snapshot(
        tmp_path / "s",
        by_month(fetched),
        **tables,
        start="2026-01-01",
        end="2026-04-06",
        as_of="2026-04-06",
    )
    pd.testing.assert_frame_equal(snapshot.events(), fetched["events"])
    pd.testing.assert_frame_equal(snapshot.conversations(), fetched["conversations"])
    pd.testing.assert_frame_equal(snapshot.users(), fetched["users"])
    assert snapshot.as_of == pd.Timestamp("2026-04-06", tz="UTC")
    assert len(list(snapshot.partitions())) == 4


def test_parts_must_each_hold_one_month(fetched, tmp_path):
    tables = {name: fetched[name] for name in ("users", "queues", "tags")}
    whole = [(fetched["events"], fetched["conversations"])]
    with pytest.raises(ValueError, match="one creation month"):
        write_snapshot(tmp_path / "s", whole, **tables, start="2026-01-01", as_of="2026-04-06")
    assert not (tmp_path / "s" / "manifest.json").exists()
    assert not list((tmp_path / "s").rglob("*.parquet"))
