"""Reading a snapshot: windows and queues as a fetch selects them, metrics partition by
partition and on Dask exactly as in memory, and the files readable by plain pandas."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator

import pandas as pd
import pytest

import dixa_analytics as dxa
from dixa_analytics.client import DixaClient
from dixa_analytics.events import AS_OF, WINDOW
from dixa_analytics.metrics import CATALOGUE, over_partitions

CALLS = [
    ("handling_time", {}),
    ("handling_time", {"per": "agent"}),
    ("first_response_time", {}),
    ("resolution_time", {}),
    ("queue_wait_time", {}),
    ("reopen_rate", {"freq": "W", "by": "queue_name"}),
    ("reopen_rate", {"freq": "W", "window": "7D"}),
    ("tag_trends", {"freq": "W", "top": 3}),
    ("csat", {"freq": "W", "by": "agent_name"}),
    ("backlog", {"freq": "W", "by": "queue_name"}),
]


@pytest.fixture(scope="module")
def snapshot(still_sandbox, connect_to, tmp_path_factory) -> dxa.Snapshot:
    # Read-only tests: one snapshot for the module.
    folder = tmp_path_factory.mktemp("read") / "snapshot"
    with connect_to(still_sandbox, cache=False) as client:
        return dxa.sync(folder, start="2026-01-01", client=client)


@pytest.fixture
def make_client(still_sandbox, connect_to) -> Iterator[Callable[..., DixaClient]]:
    clients: list[DixaClient] = []

    def make(**overrides: object) -> DixaClient:
        clients.append(connect_to(still_sandbox, **({"cache": False} | overrides)))
        return clients[-1]

    yield make
    for client in clients:
        client.close()


def in_memory(name: str, events: pd.DataFrame, as_of: pd.Timestamp, **options) -> pd.DataFrame:
    metric = getattr(dxa, name)
    if "as_of" in inspect.signature(metric).parameters:
        options["as_of"] = as_of
    return metric(events, **options)


def test_a_window_and_queues_select_as_a_fetch_does(snapshot, make_client):
    client = make_client(cache=False)
    window = {"start": "2026-02-10", "end": "2026-03-05"}
    events = snapshot.events(**window)
    pd.testing.assert_frame_equal(events, dxa.fetch_activitylog(**window, client=client))
    assert pd.Timestamp(events.attrs[AS_OF]) == snapshot.as_of
    support = snapshot.events(**window, queues=["Support"])
    in_support = events.loc[events["queue_name"] == "Support", "conversation_id"].unique()
    assert 0 < len(in_support) < events["conversation_id"].nunique()
    # The frame a fetch of just those conversations gives.
    pd.testing.assert_frame_equal(support, dxa.fetch_activitylog(in_support, client=client))
    queue_id = snapshot.queues().set_index("queue_name").loc["Support", "queue_id"]
    pd.testing.assert_frame_equal(snapshot.events(**window, queues=queue_id), support)
    conversations = snapshot.conversations(**window)
    assert sorted(conversations["conversation_id"]) == sorted(events["conversation_id"].unique())


def test_a_window_marks_the_periods_its_edges_cut(snapshot):
    window = {"start": "2026-02-04", "end": "2026-03-04"}  # Wednesday to Wednesday
    events = snapshot.events(**window)
    assert [pd.Timestamp(t) for t in events.attrs[WINDOW]] == [
        pd.Timestamp("2026-02-04", tz="UTC"),
        pd.Timestamp("2026-03-04", tz="UTC"),
    ]
    for name in ("tag_trends", "reopen_rate", "csat", "backlog"):
        result = snapshot.metric(name, **window, freq="W")
        pd.testing.assert_frame_equal(result, in_memory(name, events, snapshot.as_of, freq="W"))
        pairs = zip(result["period"].astype(str), result["complete"], strict=True)
        complete = {period: bool(whole) for period, whole in pairs}
        # The week of 2 February starts before the window, that of 2 March ends after it.
        assert complete["2026-02-02/2026-02-08"] is False, name
        assert complete.get("2026-03-02/2026-03-08", False) is False, name
        assert complete["2026-02-09/2026-02-15"] is True, name


def test_windows_outside_the_snapshot_and_unknown_queues_are_refused(snapshot):
    with pytest.raises(ValueError, match="holds conversations created 2026-01-01"):
        snapshot.events("2025-12-01", "2026-02-01")
    with pytest.raises(ValueError, match=r"unknown queue.*Nowhere; the snapshot's queues are"):
        snapshot.events(queues="Nowhere")
    assert snapshot.events("2026-02-01", "2026-02-01").empty


def test_an_empty_selection_has_the_declared_columns(snapshot):
    events = snapshot.events("2026-01-01", "2026-01-02")
    assert events.empty
    assert events.columns.tolist()[:3] == ["event_id", "conversation_id", "timestamp"]
    assert snapshot.metric("resolution_time", start="2026-01-01", end="2026-01-02").empty


@pytest.mark.parametrize(("name", "options"), CALLS)
def test_metrics_partition_by_partition_equal_the_metric_in_memory(snapshot, name, options):
    events = snapshot.events()
    expected = in_memory(name, events, snapshot.as_of, **options)
    pd.testing.assert_frame_equal(snapshot.metric(name, **options), expected)
    # The events carry the snapshot's as_of: the metric in memory measures there by itself.
    pd.testing.assert_frame_equal(getattr(dxa, name)(events, **options), expected)


def test_summaries_over_a_snapshots_metric(snapshot):
    result = snapshot.metric("handling_time", per="agent")
    summary = dxa.summarize_durations(result, by="agent_id")
    expected = dxa.summarize_durations(
        dxa.handling_time(snapshot.events(), per="agent"), by="agent_id"
    )
    pd.testing.assert_frame_equal(summary, expected)


def test_every_metric_runs_on_a_local_dask_cluster(snapshot):
    distributed = pytest.importorskip("distributed")
    events = snapshot.events()
    frame = snapshot.to_dask()
    assert frame.npartitions == len(list(snapshot.partitions()))
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster),
    ):
        for name, options in CALLS:
            got = over_partitions(name, frame, as_of=snapshot.as_of, **options)
            pd.testing.assert_frame_equal(
                got, in_memory(name, events, snapshot.as_of, **options), obj=name
            )
    assert set(CATALOGUE) <= {name for name, _ in CALLS}


def test_a_snapshots_events_keep_their_as_of_through_parquet(snapshot, tmp_path):
    events = snapshot.events()
    events.to_parquet(tmp_path / "events.parquet")
    back = pd.read_parquet(tmp_path / "events.parquet")
    # The metrics read the moment from the frame itself: the same result after the trip.
    pd.testing.assert_frame_equal(dxa.resolution_time(back), snapshot.metric("resolution_time"))


def test_the_snapshots_files_read_back_with_plain_pandas(snapshot, plain_read_parquet):
    folder = snapshot.path
    events = plain_read_parquet(folder / "events")
    assert len(events) == len(snapshot.events())
    assert set(events["event_id"]) == set(snapshot.events()["event_id"])
    for name in ("users", "queues", "tags"):
        (path,) = folder.glob(f"{name}.g*.parquet")
        pd.testing.assert_frame_equal(plain_read_parquet(path), getattr(snapshot, name)())
    conversations = plain_read_parquet(folder / "conversations").sort_values(
        "conversation_id", ignore_index=True
    )
    pd.testing.assert_frame_equal(conversations, snapshot.conversations())


def test_repr_says_what_the_snapshot_holds(snapshot):
    text = repr(snapshot)
    assert text.startswith(f"<Snapshot {snapshot.path}: conversations created 2026-01-01 → now")
    assert f"as of {snapshot.as_of:%Y-%m-%d %H:%M} UTC" in text
    assert f"{len(snapshot.conversations()):,} conversations" in text
