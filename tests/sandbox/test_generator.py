"""The generated organisation: determinism, coverage, consistency and realism."""

from __future__ import annotations

import datetime as dt
import json
import statistics
import time
from collections import Counter, defaultdict
from zoneinfo import ZoneInfo

import pytest
import requests

from dixa_analytics.sandbox import Sandbox, generate_organisation
from dixa_analytics.sandbox._wire import DOCUMENTED_TYPES, iso_ms

EXTRA_TYPES = {
    "conversation_reserved",
    "conversation_end_user_replaced",
    "conversation_rating_offered",
}
HOSTILE = ('<script>alert("x")</script>', '"><img src=x onerror=alert(1)>')


@pytest.fixture(scope="module")
def org():
    return generate_organisation(seed=42, conversations=2000)


def _dump(org) -> str:
    parts = (org.users, org.queues, org.tags, org.endpoints, org.conversations, org.events,
             org.messages, org.notes)  # fmt: skip
    return json.dumps([org.api_key, *parts], ensure_ascii=False, sort_keys=True)


def test_same_arguments_same_organisation() -> None:
    first = generate_organisation(seed=9, conversations=120, agents=6)
    second = generate_organisation(seed=9, conversations=120, agents=6)
    assert _dump(first) == _dump(second)
    other = generate_organisation(seed=10, conversations=120, agents=6)
    assert _dump(other) != _dump(first)
    assert other.api_key != first.api_key


def test_served_bytes_are_identical_across_sandboxes() -> None:
    bodies = []
    for _ in range(2):
        with Sandbox(seed=4, conversations=40) as sb:
            headers = {"Authorization": sb.api_key}
            csids = ",".join(str(c["id"]) for c in sb.organisation.conversations[:10])
            log = f"{sb.base_url}/v1/conversations/activitylog?csids={csids}&limit=200"
            urls = [f"{sb.base_url}/v1/users?limit=200", log]
            bodies.append([requests.get(u, headers=headers, timeout=10).content for u in urls])
    assert bodies[0] == bodies[1]


def test_every_activity_type_occurs(org) -> None:
    types = {e["activity_type"] for e in org.events}
    assert types >= DOCUMENTED_TYPES | EXTRA_TYPES
    small = generate_organisation(seed=5, conversations=40)
    assert {e["activity_type"] for e in small.events} >= DOCUMENTED_TYPES | EXTRA_TYPES


def test_default_window_and_as_of(org) -> None:
    assert org.start.isoformat() == "2026-01-05T00:00:00+00:00"
    assert org.as_of == org.end
    start_ms, end_ms = org.start.timestamp() * 1000, org.end.timestamp() * 1000
    assert all(start_ms <= e["timestamp_ms"] < end_ms for e in org.events)


def test_events_sorted_and_unique(org) -> None:
    keys = [(e["conversation_id"], e["timestamp_ms"]) for e in org.events]
    assert keys == sorted(keys)
    assert len({e["id"] for e in org.events}) == len(org.events)
    assert set(org.events[0]) == {
        "id", "conversation_id", "timestamp_ms", "activity_type", "author", "attributes"
    }  # fmt: skip


def _replay(events):
    """An independent fold of the events into status, assignee, queue, tags and closing."""
    state = {"status": "open", "assignee": None, "queue": None, "tags": [], "closed": None}
    for e in events:
        kind, attrs = e["activity_type"], e["attributes"] or {}
        if kind in ("conversation_created_by_customer", "conversation_created_by_agent",
                    "conversation_reopened"):  # fmt: skip
            state["status"] = "open"
        elif kind == "conversation_pending":
            state["status"] = "pending"
        elif kind == "conversation_closed":
            state["status"], state["closed"] = "closed", e["timestamp_ms"]
        elif kind == "conversation_assigned":
            state["assignee"] = attrs["agent_id"]
        elif kind == "conversation_claimed":
            state["assignee"] = e["author"]["id"]
        elif kind == "conversation_unassigned":
            state["assignee"] = None
        elif kind == "transfer_successful":
            if attrs["destination_type"] == "queue":
                state["assignee"], state["queue"] = None, attrs["destination_id"]
            else:
                state["assignee"] = attrs["destination_id"]
        elif kind == "tag_added" and attrs["tag_name"] not in state["tags"]:
            state["tags"].append(attrs["tag_name"])
        elif kind == "tag_removed" and attrs["tag_name"] in state["tags"]:
            state["tags"].remove(attrs["tag_name"])
    return state


def test_conversations_agree_with_events(org) -> None:
    by_csid = defaultdict(list)
    for e in org.events:
        by_csid[e["conversation_id"]].append(e)
    assert set(by_csid) == {c["id"] for c in org.conversations}
    for conv in org.conversations:
        events = by_csid[conv["id"]]
        assert events[0]["timestamp_ms"] == conv["created_at_ms"]
        assert events[0]["activity_type"].startswith("conversation_created_by_")
        assert conv["direction"] == (
            "outbound" if events[0]["activity_type"].endswith("agent") else "inbound"
        )
        state = _replay(events)
        assert conv["status"] == state["status"]
        assert conv["assignee_id"] == state["assignee"]
        assert conv["tags"] == state["tags"]
        assert conv["closed_at_ms"] == (state["closed"] if state["status"] == "closed" else None)
        if state["queue"] is not None:
            assert conv["queue_id"] == state["queue"]
        assert conv["updated_at_ms"] == events[-1]["timestamp_ms"]


def test_messages_and_notes_agree_with_events(org) -> None:
    message_events = defaultdict(list)
    note_events = defaultdict(list)
    for e in org.events:
        if e["activity_type"].startswith("message_added_by_"):
            message_events[e["conversation_id"]].append(e)
        elif e["activity_type"] == "note_added":
            note_events[e["conversation_id"]].append(e)
    assert set(message_events) == set(org.messages)
    assert set(note_events) == set(org.notes)
    for csid, events in message_events.items():
        messages = org.messages[csid]
        assert [m["id"] for m in messages] == [e["attributes"]["message_id"] for e in events]
        assert [m["created_at"] for m in messages] == [iso_ms(e["timestamp_ms"]) for e in events]
        assert [m["author_id"] for m in messages] == [e["author"]["id"] for e in events]
        for message, event in zip(messages, events, strict=True):
            by_agent = event["activity_type"] == "message_added_by_agent"
            assert message["direction"] == ("outbound" if by_agent else "inbound")
    for csid, events in note_events.items():
        notes = org.notes[csid]
        assert [n["id"] for n in notes] == [e["attributes"]["message_id"] for e in events]
        assert [n["text"] for n in notes] == [e["attributes"]["note"] for e in events]
        assert [n["created_at"] for n in notes] == [iso_ms(e["timestamp_ms"]) for e in events]


def test_users_roles_and_tags(org) -> None:
    agents = [u for u in org.users if u["roles"]]
    end_users = [u for u in org.users if not u["roles"]]
    assert any("Admin" in u["roles"] for u in agents)
    assert any(u["roles"] == ["Agent"] for u in agents)
    assert len(end_users) > len(agents)
    names = {t["name"] for t in org.tags}
    assert {"Rückerstattung", "配送", "billing & invoices", "<vip>"} <= names
    assert not names & set(HOSTILE)
    queues = [q for q in org.queues if q["is_default"]]
    assert len(queues) == 1


def test_some_conversations_still_open_at_the_end(org) -> None:
    statuses = Counter(c["status"] for c in org.conversations)
    assert statuses["closed"] > 0.8 * len(org.conversations)
    assert statuses["open"] + statuses["pending"] > 0


def test_realistic_shape(org) -> None:
    convs = org.conversations
    volumes = Counter(c["queue_id"] for c in convs if c["queue_id"])
    assert len(set(volumes.values())) == len(volumes)  # every queue has its own volume
    closed = [c for c in convs if c["first_closed_at_ms"] is not None]
    reopened = [c for c in closed if c["reopen_count"] > 0]
    assert 0.05 <= len(reopened) / len(closed) <= 0.10
    assert any(c["reopen_count"] > 1 for c in reopened)
    # first response: email answers take longer than chat answers, and spread widely
    first_reply = {}
    created = {}
    for e in org.events:
        csid = e["conversation_id"]
        if e["activity_type"] == "conversation_created_by_customer":
            created[csid] = e["timestamp_ms"]
        elif e["activity_type"] == "message_added_by_agent" and csid in created:
            first_reply.setdefault(csid, e["timestamp_ms"] - created[csid])
    by_channel = defaultdict(list)
    for conv in convs:
        if conv["id"] in first_reply:
            by_channel[conv["channel"]].append(first_reply[conv["id"]] / 1000)
    email, chat = (
        statistics.median(by_channel["email"]),
        statistics.median(by_channel["widget_chat"]),
    )
    assert email > 10 * chat
    assert 30 < chat < 1800
    assert 1800 < email < 6 * 3600
    # weekdays busier than weekends
    weekday = Counter(time.gmtime(c["created_at_ms"] // 1000).tm_wday for c in convs)
    assert weekday[0] > 2 * weekday[6]


def test_rising_and_falling_tags(org) -> None:
    convs = org.conversations
    half = (org.start.timestamp() + org.end.timestamp()) / 2 * 1000
    early = [c for c in convs if c["created_at_ms"] < half]
    late = [c for c in convs if c["created_at_ms"] >= half]

    def share(group, tag):
        return sum(tag in _added_tags(org, c["id"]) for c in group) / len(group)

    assert share(late, "refund") > 1.3 * share(early, "refund")
    assert share(late, "shipping") < 0.8 * share(early, "shipping")
    assert share(late, "winter-sale") < 0.2 * share(early, "winter-sale")


def _added_tags(org, csid):
    return {
        e["attributes"]["tag_name"]
        for e in org.events_of(csid)
        if e["activity_type"] == "tag_added"
    }


def test_hostile_names() -> None:
    org = generate_organisation(seed=2, conversations=60, hostile_names=True)
    tag_names = {t["name"] for t in org.tags}
    assert set(HOSTILE) <= tag_names
    assert any("<img" in u["name"] for u in org.users if u["roles"])
    assert any("<script>" in q["name"] for q in org.queues)
    assert any("<script>" in c["subject"] for c in org.conversations)
    used = {e["attributes"]["tag_name"] for e in org.events if e["activity_type"] == "tag_added"}
    assert used & set(HOSTILE)


def test_parameters(org) -> None:
    small = generate_organisation(
        seed=1, conversations=50, start="2026-03-01", end="2026-03-08", agents=5, queues=2,
        reopen=0.0, transfer=0.0,
    )  # fmt: skip
    assert len(small.conversations) == 50
    assert len([u for u in small.users if "Agent" in u["roles"]]) == 5
    assert len(small.queues) == 2
    lo, hi = small.start.timestamp() * 1000, small.end.timestamp() * 1000
    assert all(lo <= c["created_at_ms"] < hi for c in small.conversations)
    # the showcase conversations still reopen and transfer; the rest never do
    reopened = [c["id"] for c in small.conversations if c["reopen_count"]]
    assert reopened == [small.conversations[2]["id"]]


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"conversations": -1}, ValueError),
        ({"start": "2026-02-01", "end": "2026-01-01"}, ValueError),
        ({"start": "soon"}, ValueError),
        ({"reopen": 1.5}, ValueError),
        ({"reopne": 0.1}, TypeError),
        ({"queues": 0}, ValueError),
    ],
)
def test_bad_arguments(kwargs, error) -> None:
    with pytest.raises(error):
        generate_organisation(**{"conversations": 10, **kwargs})


@pytest.mark.slow
def test_hundred_thousand_conversations() -> None:
    started = time.perf_counter()
    big = generate_organisation(seed=42, conversations=100_000)
    elapsed = time.perf_counter() - started
    assert len(big.conversations) == 100_000
    assert len(big.events) > 1_000_000
    print(f"100k conversations, {len(big.events)} events in {elapsed:.1f} s")


def _first_replies(org) -> list[dt.datetime]:
    """When each customer's conversation got its first agent message, in Copenhagen time."""
    seen: dict[int, int] = {}
    customer = set()
    for event in org.events:
        csid, kind = event["conversation_id"], event["activity_type"]
        if kind == "conversation_created_by_customer":
            customer.add(csid)
        elif kind == "message_added_by_agent" and csid in customer:
            seen.setdefault(csid, event["timestamp_ms"])
    zone = ZoneInfo("Europe/Copenhagen")
    return [dt.datetime.fromtimestamp(ms / 1000, zone) for ms in seen.values()]


def _in_office(local: dt.datetime) -> bool:
    return local.weekday() < 5 and 8 <= local.hour < 17


def test_office_hours_hold_first_replies_to_the_opening_hours() -> None:
    replies = _first_replies(generate_organisation(seed=3, conversations=300, office_hours=1.0))
    assert len(replies) > 200
    assert all(_in_office(local) for local in replies)
    # By default the team answers round the clock: some first replies come at night.
    default = _first_replies(generate_organisation(seed=3, conversations=300))
    assert not all(_in_office(local) for local in default)
