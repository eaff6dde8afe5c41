"""Every endpoint's wire format, paging, auth and error answers, over real HTTP."""

from __future__ import annotations

import base64
import re

import pytest
import requests

from dixa_analytics.sandbox import Sandbox
from dixa_analytics.sandbox._wire import EXPORT_CHANNELS

ISO_MS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
USER_KEYS = {"id", "email", "name", "roles", "avatar_url", "phone_number"}
CONVERSATION_KEYS = {
    "id", "created_at", "requester_id", "channel", "direction", "queued_at", "queue_id",
    "status", "status_updated_at", "attributes", "assigned_to", "assigned_at",
}  # fmt: skip
CHANNELS = set(EXPORT_CHANNELS)
EXPORT_FIELDS = [
    "id", "created_at", "initial_channel", "requester_id", "requester_name", "requester_email",
    "requester_additional_emails", "requester_phone_number",
    "requester_additional_phone_numbers", "queued_at", "queue_id", "queue_name", "closed_at",
    "rating_score", "rating_message", "ratings", "direction", "assigned_at", "assignee_id",
    "assignee_name", "assignee_email", "assignee_phone_number", "to_provisioned_phone_number_id",
    "to_provisioned_phone_number_name", "from_provisioned_phone_number_id",
    "from_provisioned_phone_number_name", "total_duration", "handling_duration",
    "dixa_email_integration_id", "dixa_email_integration_sender_name", "forwarding_email",
    "facebook_page_id", "facebook_page_name", "widget_id", "widget_name",
    "conversation_wrapup_notes", "transferee_name", "transferee_number", "transfer_time",
    "originating_country", "updated_at", "last_message_created_at", "status", "subject",
    "anonymized_at", "tags", "tags_info", "custom_fields",
]  # fmt: skip
MESSAGE_EXPORT_FIELDS = [
    "id", "csid", "created_at", "initial_channel", "author_name", "author_email", "direction",
    "text", "from_phone_number", "to_phone_number", "duration", "recording_url",
    "voicemail_url", "from", "to", "cc", "bcc", "attached_files", "is_automated_message",
    "chat_input_question", "chat_input_answer", "chat_menu_text",
]  # fmt: skip


def _walk(http: requests.Session, url: str, **params: object) -> tuple[list[dict], int]:
    items, pages = [], 0
    response = http.get(url, params=params)
    while True:
        assert response.status_code == 200, response.text
        body = response.json()
        pages += 1
        items += body["data"]
        assert set(body["paging"]["cursors"]) == {"after", "before"}
        next_page = body["paging"]["next_page"]
        if next_page is None:
            return items, pages
        assert next_page.startswith("http://127.0.0.1:")
        assert "after=" in next_page
        assert "limit=" in next_page
        response = http.get(next_page)


def test_users_envelope_and_fields(sb: Sandbox, http: requests.Session) -> None:
    body = http.get(f"{sb.base_url}/v1/users", params={"limit": 5}).json()
    assert set(body) == {"data", "paging"}
    assert len(body["data"]) == 5
    for user in body["data"]:
        assert set(user) == USER_KEYS
        assert isinstance(user["id"], str)
        assert isinstance(user["roles"], list)
    assert body["data"][0]["roles"]
    assert "Agent" in body["data"][0]["roles"]
    assert body["paging"]["prev_page"] is None
    assert body["paging"]["cursors"]["after"] == body["data"][-1]["id"]


@pytest.mark.parametrize("limit", [1, 7, 200])
def test_paging_walks_every_user_exactly_once(
    sb: Sandbox, http: requests.Session, limit: int
) -> None:
    if limit == 1:  # one item per page would take hundreds of requests; walk agents only
        users, _ = _walk(
            http, f"{sb.base_url}/v1/users", limit=1, email=sb.organisation.users[0]["email"]
        )
        assert [u["id"] for u in users] == [sb.organisation.users[0]["id"]]
        return
    users, pages = _walk(http, f"{sb.base_url}/v1/users", limit=limit)
    expected = [u["id"] for u in sb.organisation.users]
    assert [u["id"] for u in users] == expected
    assert pages == -(-len(expected) // limit)


def test_prev_page_goes_back(sb: Sandbox, http: requests.Session) -> None:
    first = http.get(f"{sb.base_url}/v1/users", params={"limit": 4}).json()
    second = http.get(first["paging"]["next_page"]).json()
    back = http.get(second["paging"]["prev_page"]).json()
    assert back["data"] == first["data"]


@pytest.mark.parametrize("limit", ["0", "201", "-1", "ten", ""])
def test_limit_out_of_bounds_is_400(sb: Sandbox, http: requests.Session, limit: str) -> None:
    response = http.get(f"{sb.base_url}/v1/users", params={"limit": limit})
    assert response.status_code == 400
    assert "limit" in response.json()["message"]


def test_user_filters(sb: Sandbox, http: requests.Session) -> None:
    customer = next(u for u in sb.organisation.users if u["email"] and u["phone_number"])
    by_email = http.get(f"{sb.base_url}/v1/users", params={"email": customer["email"].upper()})
    assert [u["id"] for u in by_email.json()["data"]] == [customer["id"]]
    by_phone = http.get(
        f"{sb.base_url}/v1/users", params={"phone_number": customer["phone_number"]}
    )
    assert [u["id"] for u in by_phone.json()["data"]] == [customer["id"]]
    nobody = http.get(f"{sb.base_url}/v1/users", params={"email": "nobody@nowhere.invalid"})
    assert nobody.json()["data"] == []
    assert nobody.json()["paging"]["next_page"] is None


def test_requested_conversations(sb: Sandbox, http: requests.Session) -> None:
    org = sb.organisation
    requester = org.conversations[0]["requester_id"]
    items, _ = _walk(http, f"{sb.base_url}/v1/users/{requester}/requested_conversations", limit=2)
    expected = [c["id"] for c in org.conversations if c["requester_id"] == requester]
    assert [c["id"] for c in items] == expected
    for conv in items:
        assert set(conv) == CONVERSATION_KEYS
        assert conv["requester_id"] == requester
    missing = http.get(f"{sb.base_url}/v1/users/no-such-user/requested_conversations")
    assert missing.status_code == 404


def test_tags(sb: Sandbox, http: requests.Session) -> None:
    body = http.get(f"{sb.base_url}/v1/tags").json()
    assert set(body) == {"data"}
    names = {t["name"] for t in body["data"]}
    assert {"Rückerstattung", "配送", "billing & invoices", "<vip>"} <= names
    for tag in body["data"]:
        assert set(tag) == {"id", "name", "is_deactivated"}
        assert isinstance(tag["is_deactivated"], bool)


def test_queues_and_one_queue(sb: Sandbox, http: requests.Session) -> None:
    body = http.get(f"{sb.base_url}/v1/queues").json()
    assert set(body) == {"data", "paging"}
    assert [q["is_default"] for q in body["data"]].count(True) == 1
    for queue in body["data"]:
        assert set(queue) == {"id", "name", "is_default", "priority"}
        assert isinstance(queue["priority"], int)
    one = http.get(f"{sb.base_url}/v1/queues/{body['data'][1]['id']}").json()
    assert one == {"data": body["data"][1]}
    assert http.get(f"{sb.base_url}/v1/queues/nope").status_code == 404


def test_endpoints(sb: Sandbox, http: requests.Session) -> None:
    emails = http.get(f"{sb.base_url}/v1/endpoints", params={"type": "email_address"}).json()
    phones = http.get(f"{sb.base_url}/v1/endpoints", params={"type": "phone_number"}).json()
    assert emails["data"]
    assert phones["data"]
    for endpoint in emails["data"]:
        assert list(endpoint) == ["email_address"]
        assert set(endpoint["email_address"]) == {"id", "internal_email_address", "spf_email"}
        assert endpoint["email_address"]["internal_email_address"].endswith("@email.dixa.io")
    for endpoint in phones["data"]:
        assert list(endpoint) == ["phone_number"]
        assert endpoint["phone_number"]["phone_number"].startswith("+")
    email_id = emails["data"][0]["email_address"]["id"]
    assert http.get(f"{sb.base_url}/v1/endpoints/{email_id}").json() == {"data": emails["data"][0]}
    number = phones["data"][0]["phone_number"]["phone_number"]
    assert http.get(f"{sb.base_url}/v1/endpoints/{number}").json() == {"data": phones["data"][0]}
    assert http.get(f"{sb.base_url}/v1/endpoints").status_code == 400
    assert http.get(f"{sb.base_url}/v1/endpoints", params={"type": "fax"}).status_code == 400
    assert http.get(f"{sb.base_url}/v1/endpoints/unknown").status_code == 404


def test_conversation_object(sb: Sandbox, http: requests.Session) -> None:
    conv = sb.organisation.conversations[10]
    body = http.get(f"{sb.base_url}/v1/conversations/{conv['id']}").json()
    assert set(body) == {"data"}
    data = body["data"]
    assert set(data) == CONVERSATION_KEYS
    assert data["id"] == conv["id"]
    assert isinstance(data["id"], int)
    assert ISO_MS.match(data["created_at"])
    assert data["channel"] in CHANNELS
    assert data["direction"] in {"inbound", "outbound"}
    assert data["status"] in {"open", "closed", "pending"}


def test_messages_and_notes(sb: Sandbox, http: requests.Session) -> None:
    org = sb.organisation
    csid = next(iter(org.notes))
    messages = http.get(f"{sb.base_url}/v1/conversations/{csid}/messages").json()
    notes = http.get(f"{sb.base_url}/v1/conversations/{csid}/notes").json()
    assert set(messages) == {"data"}
    assert set(notes) == {"data"}
    assert messages["data"] == org.messages[csid]
    assert notes["data"] == org.notes[csid]
    for message in messages["data"]:
        assert {"id", "created_at", "author_id", "channel", "direction", "attributes"} <= set(
            message
        )
        assert message["direction"] in {"inbound", "outbound"}
        assert ISO_MS.match(message["created_at"])
    for note in notes["data"]:
        assert set(note) == {"id", "created_at", "text", "requester_id"}


def test_activitylog_single(sb: Sandbox, http: requests.Session) -> None:
    org = sb.organisation
    csid = org.conversations[0]["id"]
    body = http.get(f"{sb.base_url}/v1/conversations/{csid}/activitylog").json()
    assert set(body) == {"data"}
    expected = org.events_of(csid)
    assert [e["id"] for e in body["data"]] == [e["id"] for e in expected]
    for served, truth in zip(body["data"], expected, strict=True):
        assert set(served) == {
            "id", "conversation_id", "activity_timestmap", "activity_type", "author", "attributes"
        }  # fmt: skip
        assert served["conversation_id"] == csid
        assert ISO_MS.match(served["activity_timestmap"])
        assert served["attributes"] == truth["attributes"]


def test_activitylog_bulk_pages_through_every_event(sb: Sandbox, http: requests.Session) -> None:
    org = sb.organisation
    csids = [c["id"] for c in org.conversations[:10]]
    events, pages = _walk(
        http,
        f"{sb.base_url}/v1/conversations/activitylog",
        csids=",".join(map(str, csids)),
        limit=17,
    )
    expected = [e["id"] for csid in csids for e in org.events_of(csid)]
    assert [e["id"] for e in events] == expected
    assert pages > 1
    repeated = http.get(
        f"{sb.base_url}/v1/conversations/activitylog", params=[("csids", c) for c in csids[:2]]
    ).json()
    assert {e["conversation_id"] for e in repeated["data"]} == set(csids[:2])


def test_activitylog_bulk_limits_and_unknown_csids(sb: Sandbox, http: requests.Session) -> None:
    url = f"{sb.base_url}/v1/conversations/activitylog"
    eleven = ",".join(str(c["id"]) for c in sb.organisation.conversations[:11])
    response = http.get(url, params={"csids": eleven})
    assert response.status_code == 422
    assert "10 csids" in response.json()["message"]
    known = sb.organisation.conversations[0]["id"]
    body = http.get(url, params={"csids": f"{known},999999999"}).json()
    assert {e["conversation_id"] for e in body["data"]} == {known}
    assert http.get(url).status_code == 400
    assert http.get(url, params={"csids": "1,abc"}).status_code == 400


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/v1/conversations/999999999", 404),
        ("/v1/conversations/999999999/messages", 404),
        ("/v1/conversations/999999999/activitylog", 404),
        ("/v1/conversations/abc", 400),
        ("/v1/conversations/12x/notes", 400),
        ("/v1/nothing-here", 404),
    ],
)
def test_error_statuses_have_json_message(
    sb: Sandbox, http: requests.Session, path: str, status: int
) -> None:
    response = http.get(sb.base_url + path)
    assert response.status_code == status
    assert response.headers["Content-Type"].startswith("application/json")
    assert isinstance(response.json()["message"], str)


def test_integrations_auth(sb: Sandbox) -> None:
    url = f"{sb.base_url}/v1/queues"
    assert requests.get(url, timeout=10).status_code == 401
    assert requests.get(url, headers={"Authorization": "wrong"}, timeout=10).status_code == 401
    assert (
        requests.get(url, headers={"Authorization": "Bearer wrong"}, timeout=10).status_code == 401
    )
    assert requests.get(url, headers={"Authorization": sb.api_key}, timeout=10).status_code == 200
    bearer = {"Authorization": f"Bearer {sb.api_key}"}
    assert requests.get(url, headers=bearer, timeout=10).status_code == 200
    assert "message" in requests.get(url, timeout=10).json()


def test_exports_auth(sb: Sandbox) -> None:
    url = f"{sb.exports_url}/v1/conversation_export"
    params = {"created_after": "2026-01-05", "created_before": "2026-01-20"}
    basic = base64.b64encode(f"bearer:{sb.api_key}".encode()).decode()
    wrong_basic = base64.b64encode(b"bearer:nope").decode()
    cases = {
        None: 401,
        sb.api_key: 401,  # the raw key is the Integrations API's scheme only
        f"Bearer {sb.api_key}": 200,
        f"Basic {basic}": 200,
        f"Basic {wrong_basic}": 401,
        "Basic !!!": 401,
    }
    for header, status in cases.items():
        headers = {"Authorization": header} if header else {}
        assert requests.get(url, params=params, headers=headers, timeout=10).status_code == status


def test_conversation_export_records(sb: Sandbox, exports_http: requests.Session) -> None:
    org = sb.organisation
    response = exports_http.get(
        f"{sb.exports_url}/v1/conversation_export",
        params={"created_after": "2026-02-01", "created_before": "2026-03-01"},
    )
    records = response.json()
    assert isinstance(records, list)
    assert records
    lo, hi = 1769904000000, 1772323200000  # 2026-02-01, 2026-03-01
    expected = [c["id"] for c in org.conversations if lo <= c["created_at_ms"] < hi]
    assert [r["id"] for r in records] == expected
    for record in records:
        assert list(record) == EXPORT_FIELDS
        assert isinstance(record["created_at"], int)
        assert record["initial_channel"] in set(EXPORT_CHANNELS.values())
        assert "_" not in record["initial_channel"]
        truth = org.conversation(record["id"])
        assert record["status"] == truth["status"]
        assert record["queue_id"] == truth["queue_id"]
        assert record["tags"] == truth["tags"]
        assert record["closed_at"] == truth["closed_at_ms"]


def test_conversation_export_ms_bounds_and_csids(
    sb: Sandbox, exports_http: requests.Session
) -> None:
    org = sb.organisation
    conv = org.conversations[20]
    url = f"{sb.exports_url}/v1/conversation_export"
    exact = exports_http.get(
        url,
        params={
            "created_after": conv["created_at_ms"],
            "created_before": conv["created_at_ms"] + 1,
        },
    ).json()
    assert [r["id"] for r in exact] == [conv["id"]]
    excluded = exports_http.get(
        url,
        params={
            "created_after": conv["created_at_ms"] - 10,
            "created_before": conv["created_at_ms"],
        },
    ).json()
    assert conv["id"] not in [r["id"] for r in excluded]
    by_csids = exports_http.get(url, params={"csids": f"{conv['id']},{conv['id'] + 1}"}).json()
    assert [r["id"] for r in by_csids] == [conv["id"], conv["id"] + 1]
    closed = exports_http.get(
        url, params={"closed_after": "2026-01-05", "closed_before": "2026-02-05"}
    ).json()
    assert closed
    assert all(1767571200000 <= r["closed_at"] < 1770249600000 for r in closed)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"created_after": "2026-01-01"},
        {"created_after": "2026-01-01", "created_before": "2026-02-02"},  # 32 days
        {"created_after": "2026-02-01", "created_before": "2026-01-01"},
        {"created_after": "yesterday", "created_before": "2026-01-02"},
        {"created_after": "2026-13-01", "created_before": "2026-01-02"},
        {"csids": "1,x"},
    ],
)
def test_conversation_export_bad_parameters(
    sb: Sandbox, exports_http: requests.Session, params: dict[str, str]
) -> None:
    response = exports_http.get(f"{sb.exports_url}/v1/conversation_export", params=params)
    assert response.status_code == 400
    assert response.json()["message"]


def test_export_window_of_exactly_31_days_is_fine(
    sb: Sandbox, exports_http: requests.Session
) -> None:
    params = {"updated_after": "2026-01-05", "updated_before": "2026-02-05"}
    assert exports_http.get(f"{sb.exports_url}/v1/conversation_export", params=params).ok


def test_message_export(sb: Sandbox, exports_http: requests.Session) -> None:
    org = sb.organisation
    url = f"{sb.exports_url}/v1/message_export"
    records = exports_http.get(
        url, params={"created_after": "2026-01-05", "created_before": "2026-01-19"}
    ).json()
    assert records
    lo, hi = 1767571200000, 1768780800000
    expected = sorted(
        (e["timestamp_ms"], e["attributes"]["message_id"])
        for e in org.events
        if e["activity_type"].startswith("message_added") and lo <= e["timestamp_ms"] < hi
    )
    assert [(r["created_at"], r["id"]) for r in records] == expected
    for record in records:
        assert list(record) == MESSAGE_EXPORT_FIELDS
        assert record["direction"] in {"inbound", "outbound"}
    assert exports_http.get(url, params={"created_after": "2026-01-05"}).status_code == 400
    long = {"created_after": "2026-01-05", "created_before": "2026-03-05"}
    assert exports_http.get(url, params=long).status_code == 400
    assert exports_http.get(f"{sb.exports_url}/v1/nothing").status_code == 404


def test_post_is_refused(sb: Sandbox) -> None:
    response = requests.post(
        f"{sb.base_url}/v1/users", json={}, headers={"Authorization": sb.api_key}, timeout=10
    )
    assert response.status_code == 405
    assert response.json()["message"]


def test_multiple_organisations_with_separate_keys(sb: Sandbox) -> None:
    key, other = sb.add_organisation(seed=11, conversations=30)
    assert key != sb.api_key
    assert key.startswith("sandbox-")
    url = f"{sb.base_url}/v1/users"
    mine = requests.get(url, headers={"Authorization": sb.api_key}, timeout=10).json()
    theirs = requests.get(url, headers={"Authorization": key}, timeout=10).json()
    assert {u["id"] for u in theirs["data"]} <= {u["id"] for u in other.users}
    assert not {u["id"] for u in theirs["data"]} & {u["id"] for u in mine["data"]}
    csid = other.conversations[-1]["id"]
    if sb.organisation.conversation(csid) is None:
        status = requests.get(
            f"{sb.base_url}/v1/conversations/{csid}",
            headers={"Authorization": sb.api_key},
            timeout=10,
        ).status_code
        assert status == 404
    with pytest.raises(ValueError, match="already served"):
        sb.add_organisation(other)


def test_request_counting(sb: Sandbox, http: requests.Session) -> None:
    sb.reset_counts()
    http.get(f"{sb.base_url}/v1/tags")
    http.get(f"{sb.base_url}/v1/queues/nope")
    requests.get(f"{sb.base_url}/v1/tags", timeout=10)
    assert sb.request_count == 3
    assert [(r.path, r.status) for r in sb.requests] == [
        ("/v1/tags", 200),
        ("/v1/queues/nope", 404),
        ("/v1/tags", 401),
    ]
    sb.reset_counts()
    assert sb.request_count == 0
    assert sb.requests == []


def test_lifecycle_start_stop() -> None:
    sandbox = Sandbox(seed=5, conversations=10)
    with pytest.raises(RuntimeError, match="not running"):
        _ = sandbox.base_url
    sandbox.start()
    try:
        url = f"{sandbox.base_url}/v1/tags"
        assert requests.get(url, headers={"Authorization": sandbox.api_key}, timeout=10).ok
        with pytest.raises(RuntimeError, match="already running"):
            sandbox.start()
    finally:
        sandbox.stop()
    with pytest.raises(requests.ConnectionError):
        requests.get(url, headers={"Authorization": sandbox.api_key}, timeout=10)
    sandbox.stop()  # stopping twice is harmless
