"""Fetch functions against the sandbox over real sockets: rows and dtypes vs ground truth."""

from __future__ import annotations

import pandas as pd
import pytest

from dixa_analytics import frames as schemas
from dixa_analytics._errors import NotFoundError
from dixa_analytics.fetch import (
    fetch_activitylog,
    fetch_conversations,
    fetch_endpoints,
    fetch_messages,
    fetch_notes,
    fetch_queues,
    fetch_tags,
    fetch_users,
)


def assert_schema(frame: pd.DataFrame, schema: schemas.Schema) -> None:
    for column, dtype in schema.items():
        assert column in frame.columns, column
        assert frame[column].dtype == dtype, (column, frame[column].dtype, dtype)


def test_reference_data_matches_the_organisation(sb, make_client) -> None:
    client = make_client()
    org = sb.organisation
    users = fetch_users(client=client)
    assert_schema(users, schemas.USERS)
    assert sorted(users["user_id"]) == sorted(u["id"] for u in org.users)
    agents = {u["id"] for u in org.users if u.get("roles")}
    assert set(users.loc[users["is_agent"].astype(bool), "user_id"]) == agents

    queues = fetch_queues(client=client)
    assert_schema(queues, schemas.QUEUES)
    assert dict(zip(queues["queue_id"], queues["queue_name"], strict=True)) == {
        q["id"]: q["name"] for q in org.queues
    }

    tags = fetch_tags(client=client)
    assert_schema(tags, schemas.TAGS)
    assert sorted(tags["tag_name"]) == sorted(t["name"] for t in org.tags)

    endpoints = fetch_endpoints(client=client)
    assert_schema(endpoints, schemas.ENDPOINTS)
    assert len(endpoints) == len(org.endpoints)
    emails = fetch_endpoints("email_address", client=client)
    assert set(emails["endpoint_type"]) == {"email_address"}
    assert len(emails) == sum("email_address" in e for e in org.endpoints)


def test_fetch_endpoints_rejects_unknown_type() -> None:
    with pytest.raises(ValueError, match="email_address, phone_number"):
        fetch_endpoints("fax")


def test_conversations_by_window_and_by_csids(sb, make_client) -> None:
    client = make_client()
    org = sb.organisation
    by_window = fetch_conversations(start=org.start, end=org.end, client=client)
    assert_schema(by_window, schemas.CONVERSATIONS)
    truth = {c["id"]: c for c in org.conversations}
    assert by_window["conversation_id"].tolist() == sorted(truth)
    for row in by_window.itertuples():
        conv = truth[row.conversation_id]
        assert row.status == conv["status"]
        assert row.created_at == pd.Timestamp(conv["created_at_ms"], unit="ms", tz="UTC")
        assert (row.queue_id if pd.notna(row.queue_id) else None) == conv["queue_id"]

    some = sorted(truth)[3:8]
    sb.reset_counts()
    by_csids = fetch_conversations([str(some[0]), *some[1:]], client=make_client(cache=False))
    assert by_csids["conversation_id"].tolist() == some
    # One export lookup for the five, not five requests.
    assert sb.request_count == 1


def test_conversations_outside_any_data_are_an_empty_typed_frame(sb, make_client) -> None:
    empty = fetch_conversations(start="2020-01-01", end="2020-01-02", client=make_client())
    assert empty.empty
    assert_schema(empty, schemas.CONVERSATIONS)


def test_long_window_is_split_into_31_day_exports(sb, make_client, served) -> None:
    fetch_conversations(start="2026-01-01", end="2026-04-06", client=make_client())
    exports = served(path="/conversation_export")
    assert len(exports) == 4
    spans = []
    for request in exports:
        query = dict(part.split("=") for part in request.query.split("&"))
        spans.append(int(query["created_before"]) - int(query["created_after"]))
    assert max(spans) <= 31 * 86_400_000


def test_unknown_csid_is_not_found(sb, make_client) -> None:
    with pytest.raises(NotFoundError, match="999999"):
        fetch_conversations([999_999], client=make_client())


def test_many_unknown_csids_are_listed_with_how_many_more(sb, make_client) -> None:
    unknown = list(range(900_000, 900_025))
    with pytest.raises(NotFoundError, match=r": 900000, .*, 900019 and 5 more$"):
        fetch_conversations(unknown, client=make_client())


def test_messages_and_notes_match_the_organisation(sb, make_client) -> None:
    client = make_client()
    org = sb.organisation
    csids = [c["id"] for c in org.conversations[:12]]
    messages = fetch_messages(csids, client=client)
    assert_schema(messages, schemas.MESSAGES)
    expected = sorted(m["id"] for c in csids for m in org.messages.get(c, []))
    assert sorted(messages["message_id"]) == expected
    notes = fetch_notes(csids, client=client)
    assert_schema(notes, schemas.NOTES)
    assert sorted(notes["note_id"]) == sorted(n["id"] for c in csids for n in org.notes.get(c, []))
    assert set(notes["conversation_id"]) <= set(csids)


def test_empty_csids_make_no_request(sb, make_client) -> None:
    client = make_client()
    assert_schema(fetch_messages([], client=client), schemas.MESSAGES)
    assert_schema(fetch_notes([], client=client), schemas.NOTES)
    assert sb.request_count == 0


def test_activitylog_by_csids_batches_at_most_ten(sb, make_client, served, query_csids) -> None:
    org = sb.organisation
    csids = [c["id"] for c in org.conversations[:25]]
    events = fetch_activitylog(csids, client=make_client())
    requests = served(path="/v1/conversations/activitylog")
    # Follow-up pages repeat their batch's csids next to a cursor; count first pages only.
    batches = [query_csids(r) for r in requests if "after=" not in r.query]
    assert all(len(query_csids(r)) <= 10 for r in requests)
    assert sorted(c for batch in batches for c in batch) == sorted(csids)
    assert len(batches) == 3 + sum(c["status"] != "closed" for c in org.conversations[:25])
    assert sorted(events["event_id"]) == sorted(
        e["id"] for e in org.events if e["conversation_id"] in set(csids)
    )


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"start": "2026-04-01", "end": "2026-03-01"}, ValueError, "must be after start"),
        ({"start": "2026-04-01"}, ValueError, "both start= and end="),
        ({"start": "first of april", "end": "2026-05-01"}, ValueError, "not an ISO date"),
        ({"start": "01/03/2026", "end": "02/03/2026"}, ValueError, "not an ISO date"),
        ({"start": "13/03/2026", "end": "14/03/2026"}, ValueError, "not an ISO date"),
        ({"start": "now", "end": "2030-01-01"}, ValueError, "not an ISO date"),
        ({"start": "1600-01-01", "end": "2026-01-01"}, ValueError, "outside the dates"),
        ({"start": 20260401, "end": "2026-05-01"}, TypeError, "date string"),
        ({"csids": [1, 2], "start": "2026-03-01", "end": "2026-04-01"}, ValueError, "not both"),
        ({"csids": [True]}, TypeError, "ints"),
        ({"csids": "123"}, TypeError, "list of conversation ids"),
    ],
)
def test_bad_arguments_fail_before_any_request(sb, make_client, kwargs, error, match) -> None:
    with pytest.raises(error, match=match):
        fetch_activitylog(**kwargs, client=make_client())
    assert sb.request_count == 0


def test_progress_bars_only_when_asked(sb, make_client, capsys) -> None:
    org = sb.organisation
    fetch_activitylog(start=org.start, end=org.end, client=make_client(progress=False))
    assert capsys.readouterr() == ("", "")
    fetch_activitylog(start=org.start, end=org.end, client=make_client(progress=True, cache=False))
    assert "activity log" in capsys.readouterr().err


def test_default_client_comes_from_the_environment(sb, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("DIXA_API_KEY", sb.api_key)
    monkeypatch.setenv("DIXA_BASE_URL", sb.base_url)
    monkeypatch.setenv("DIXA_EXPORTS_URL", sb.exports_url)
    monkeypatch.setenv("DIXA_CACHE", str(tmp_path / "env.sqlite"))
    queues = fetch_queues()
    assert len(queues) == len(sb.organisation.queues)
    assert (tmp_path / "env.sqlite").is_file()


def test_client_argument_must_be_a_client() -> None:
    with pytest.raises(TypeError, match="DixaClient"):
        fetch_queues(client="http://127.0.0.1:1")  # type: ignore[arg-type]


def test_a_window_fetch_carries_its_window_and_marks_the_days_it_cuts(sb, make_client) -> None:
    import dixa_analytics as dxa
    from dixa_analytics.events import WINDOW

    window = {"start": "2026-03-28T12:00:00+00:00", "end": "2026-04-03T00:00:00+00:00"}
    events = fetch_activitylog(**window, client=make_client())
    assert events.attrs[WINDOW] == [window["start"], window["end"]]
    days = dxa.backlog(events, "D")
    complete = {str(p): bool(c) for p, c in zip(days["period"], days["complete"], strict=True)}
    # The window starts at noon on 28 March: that day is cut, the next ones are whole.
    assert str(days["period"].iloc[0]) == "2026-03-28"
    assert complete["2026-03-28"] is False
    assert complete["2026-03-30"] is True
    assert complete["2026-04-02"] is True
    # A fetch by csids selects no window: none is claimed.
    some = events["conversation_id"].unique()[:3].tolist()
    assert WINDOW not in fetch_activitylog(some, client=make_client()).attrs
