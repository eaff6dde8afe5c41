"""Every frame the toolkit returns survives ``to_parquet`` and plain ``pandas.read_parquet``.

Dtypes come back as written, values equal. Plain pandas differs in two details it cannot
help: list columns come back as numpy arrays, and categories in file order (values equal).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

import dixa_analytics as dxa
from dixa_analytics.metrics import CATALOGUE

WINDOW = {"start": "2026-03-27", "end": "2026-04-06"}


def frames(client, api_client) -> dict[str, pd.DataFrame]:
    events = dxa.fetch_activitylog(**WINDOW, client=client)
    csids = events["conversation_id"].unique()[:5].tolist()
    found = {
        "events": events,
        "events (Dixa API)": dxa.fetch_events(**WINDOW, client=api_client),
        "conversations": dxa.fetch_conversations(**WINDOW, client=client),
        "messages": dxa.fetch_messages(csids, client=client),
        "messages (export)": dxa.fetch_messages(**WINDOW, client=client),
        "notes": dxa.fetch_notes(csids, client=client),
        "users": dxa.fetch_users(client=client),
        "queues": dxa.fetch_queues(client=client),
        "tags": dxa.fetch_tags(client=client),
        "teams": dxa.fetch_teams(client=api_client),
        "endpoints": dxa.fetch_endpoints(client=client),
    }
    found |= {f"split {kind}": frame for kind, frame in dxa.split_by_type(events).items()}
    for name, metric in CATALOGUE.items():
        found[f"metric {name}"] = metric.compute(events)
    found["summary"] = dxa.summarize_durations(
        dxa.handling_time(events, per="agent"), by="agent_id"
    )
    return found


def plain(value: object) -> object:
    """Arrays as lists (what plain pandas reads a list column back as)."""
    if isinstance(value, np.ndarray):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    return value


def test_every_frame_survives_parquet_with_plain_pandas(
    make_client, sb, tmp_path, plain_read_parquet
):
    client = make_client()
    api_client = make_client(api_key=None, api_token=sb.api_token)
    for name, frame in frames(client, api_client).items():
        path = tmp_path / "frame.parquet"
        frame.to_parquet(path)
        back = plain_read_parquet(path)
        assert back.columns.tolist() == frame.columns.tolist(), name
        for column in frame.columns:
            written, read = frame[column], back[column]
            if isinstance(written.dtype, pd.CategoricalDtype):
                assert isinstance(read.dtype, pd.CategoricalDtype), (name, column)
                written, read = written.astype("string"), read.astype("string")
            elif written.dtype == object:
                read = read.map(plain)
            else:
                assert read.dtype == written.dtype, (name, column)
            pd.testing.assert_series_equal(read, written, obj=f"{name}: {column}")
