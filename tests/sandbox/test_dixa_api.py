"""The sandbox's Dixa API: its own port and token, camelCase records, an opaque page key, a
maximum window, and the lists of reference data."""

from __future__ import annotations

import base64
import json

import pytest
import requests

from dixa_analytics.sandbox import Sandbox, Switches

LOG = "/v1/conversations/activitylog"


def _window(sb: Sandbox) -> dict[str, str]:
    return {"fromDatetime": "2026-03-01T00:00:00Z", "toDatetime": "2026-03-15T00:00:00Z"}


def test_the_log_answers_camel_case_records_in_time_order(sb, api_http) -> None:
    body = api_http.get(sb.api_url + LOG, params=_window(sb)).json()
    records = body["data"]
    assert records
    assert set(records[0]) >= {"id", "conversationId", "activityTimestamp", "activityType"}
    stamps = [r["activityTimestamp"] for r in records]
    assert stamps == sorted(stamps)
    assert all(r["activityType"][0].isupper() for r in records)
    with_attributes = [r for r in records if r.get("attributes")]
    assert all(r["attributes"]["_type"] == r["activityType"] for r in with_attributes)
    assert all("_" not in key for r in with_attributes for key in r["attributes"] if key != "_type")


def test_pages_follow_an_opaque_key_bound_to_their_query(sb, api_http) -> None:
    params = {**_window(sb), "pageLimit": 5}
    first = api_http.get(sb.api_url + LOG, params=params).json()
    assert len(first["data"]) == 5
    following = api_http.get(first["meta"]["next"]).json()
    assert following["data"][0]["id"] not in {r["id"] for r in first["data"]}
    key = first["meta"]["next"].rsplit("pageKey=", 1)[1]
    other = {**params, "toDatetime": "2026-03-16T00:00:00Z", "pageKey": key}
    assert api_http.get(sb.api_url + LOG, params=other).status_code == 400
    forged = base64.urlsafe_b64encode(json.dumps({"at": 2}).encode()).decode()
    assert api_http.get(sb.api_url + LOG, params={**params, "pageKey": forged}).status_code == 400


def test_the_last_page_has_no_next_link(sb, api_http) -> None:
    body = api_http.get(sb.api_url + LOG, params={**_window(sb), "pageLimit": 10_000}).json()
    assert "meta" not in body


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"toDatetime": "2026-03-15T00:00:00Z"}, "fromDatetime is required"),
        ({"fromDatetime": "yesterday", "toDatetime": "2026-03-15T00:00:00Z"}, "not an RFC 3339"),
        ({"fromDatetime": "2026-03-15T00:00:00", "toDatetime": "2026-03-16T00:00:00Z"}, "offset"),
        ({"fromDatetime": "2026-03-15T00:00:00Z", "toDatetime": "2026-03-15T00:00:00Z"}, "later"),
        ({"fromDatetime": "2026-01-01T00:00:00Z", "toDatetime": "2026-03-01T00:00:00Z"}, "31 days"),
        (
            {
                **{"fromDatetime": "2026-03-01T00:00:00Z", "toDatetime": "2026-03-02T00:00:00Z"},
                "pageLimit": 10_001,
            },
            "pageLimit",
        ),
    ],
)
def test_bad_queries_are_400(sb, api_http, params, message) -> None:
    response = api_http.get(sb.api_url + LOG, params=params)
    assert response.status_code == 400
    assert message in response.json()["message"]


def test_the_maximum_window_is_a_switch(sb, api_http) -> None:
    sb.switches = Switches(max_window_days=3)
    assert api_http.get(sb.api_url + LOG, params=_window(sb)).status_code == 400


@pytest.mark.parametrize("spelling", ["snake", "mixed"])
def test_activity_types_in_either_spelling(sb, api_http, spelling) -> None:
    sb.switches = Switches(api_activity_types=spelling)
    types = {
        r["activityType"] for r in api_http.get(sb.api_url + LOG, params=_window(sb)).json()["data"]
    }
    snake = {t for t in types if "_" in t}
    assert snake
    assert (snake == types) == (spelling == "snake")


def test_zone_names_after_the_offset(sb, api_http) -> None:
    sb.switches = Switches(zone_suffix=1.0)
    records = api_http.get(sb.api_url + LOG, params=_window(sb)).json()["data"]
    assert all(r["activityTimestamp"].endswith("Z[GMT]") for r in records)


def test_each_api_takes_its_own_kind_of_token(sb) -> None:
    key, token = sb.api_key, sb.api_token
    as_key = requests.get(sb.api_url + "/v1/queues", headers={"Authorization": key})
    assert as_key.status_code == 401
    assert "takes a Dixa API token" in as_key.json()["message"]
    as_token = requests.get(sb.base_url + "/v1/queues", headers={"Authorization": token})
    assert as_token.status_code == 401
    for secret in (key, token):  # the Exports API takes either
        answer = requests.get(
            sb.exports_url + "/v1/conversation_export",
            params={"csids": sb.organisation.conversations[0]["id"]},
            headers={"Authorization": f"Bearer {secret}"},
        )
        assert answer.status_code == 200
    bearer = requests.get(sb.api_url + "/v1/tags", headers={"Authorization": f"Bearer {token}"})
    assert bearer.status_code == 200


@pytest.mark.parametrize(
    ("path", "count"),
    [
        ("/v1/agents", lambda org: sum(1 for u in org.users if u["roles"])),
        ("/v1/endusers", lambda org: sum(1 for u in org.users if not u["roles"])),
        ("/v1/queues", lambda org: len(org.queues)),
        ("/v1/tags", lambda org: len(org.tags)),
        ("/v1/teams", lambda org: len(org.teams)),
    ],
)
def test_reference_lists_page_by_key(sb, api_http, path, count) -> None:
    url, items = sb.api_url + path, []
    params: dict | None = {"pageLimit": 7}
    while url:
        body = api_http.get(url, params=params).json()
        items += body["data"]
        url, params = body.get("meta", {}).get("next"), None
    assert len(items) == count(sb.organisation)
    assert len({item["id"] for item in items}) == len(items)


def test_rate_limit_per_api_with_retry_after(sb, api_http) -> None:
    sb.switches = Switches(rate_limit=True, api_per_second=1.0, api_burst=1)
    statuses = [api_http.get(sb.api_url + "/v1/queues").status_code for _ in range(3)]
    assert 429 in statuses
    limited = api_http.get(sb.api_url + "/v1/queues")
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) >= 1
    # The Integrations API has a bucket of its own.
    integrations = requests.get(sb.base_url + "/v1/queues", headers={"Authorization": sb.api_key})
    assert integrations.status_code == 200


def test_switches_from_text() -> None:
    switches = Switches.from_spec("error_every=5, duplicate_events=true, tag_key=mixed")
    assert (switches.error_every, switches.duplicate_events, switches.tag_key) == (5, True, "mixed")
    with pytest.raises(ValueError, match="not name=value of a switch"):
        Switches.from_spec("speed=11")
    with pytest.raises(ValueError, match="error_every='five' is not a int"):
        Switches.from_spec("error_every=five")
