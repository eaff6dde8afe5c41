"""Each switch: wire-format variants and injected faults."""

from __future__ import annotations

import json
import re
import time
from http import client as http_client

import pytest
import requests

from dixa_analytics.sandbox import Sandbox, Switches

FORMS = {
    "iso_ms": re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$"),
    "iso_seconds": re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"),
    "colon_ms": re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d:\d{3}Z$"),
    "offset": re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$"),
}


def _log(sb: Sandbox, http: requests.Session, n: int = 10) -> list[dict]:
    csids = ",".join(str(c["id"]) for c in sb.organisation.conversations[:n])
    body = http.get(
        f"{sb.base_url}/v1/conversations/activitylog", params={"csids": csids, "limit": 200}
    )
    assert body.status_code == 200
    return body.json()["data"]


def _form(stamp: str) -> str:
    return next(name for name, pattern in FORMS.items() if pattern.match(stamp))


@pytest.mark.parametrize("field", ["activity_timestmap", "activity_timestamp"])
def test_timestamp_field_spelling(sb: Sandbox, http: requests.Session, field: str) -> None:
    sb.switches = Switches(timestamp_field=field)
    other = ({"activity_timestmap", "activity_timestamp"} - {field}).pop()
    events = _log(sb, http)
    assert all(field in e and other not in e for e in events)


def test_timestamp_field_both_and_mixed(sb: Sandbox, http: requests.Session) -> None:
    sb.switches = Switches(timestamp_field="both")
    events = _log(sb, http)
    assert all(e["activity_timestmap"] == e["activity_timestamp"] for e in events)
    sb.switches = Switches(timestamp_field="mixed")
    events = _log(sb, http)
    spellings = ["activity_timestmap" in e for e in events]
    assert any(spellings)
    assert not all(spellings)
    assert all(("activity_timestmap" in e) != ("activity_timestamp" in e) for e in events)


@pytest.mark.parametrize("form", list(FORMS))
def test_timestamp_forms(sb: Sandbox, http: requests.Session, form: str) -> None:
    sb.switches = Switches(timestamp_form=form)
    events = _log(sb, http, 3)
    assert {_form(e["activity_timestmap"]) for e in events} == {form}
    csid = sb.organisation.conversations[0]["id"]
    conv = http.get(f"{sb.base_url}/v1/conversations/{csid}").json()["data"]
    assert _form(conv["created_at"]) == form
    message = http.get(f"{sb.base_url}/v1/conversations/{csid}/messages").json()["data"][0]
    assert _form(message["created_at"]) == form


def test_timestamp_form_mixed_and_values_agree(sb: Sandbox, http: requests.Session) -> None:
    sb.switches = Switches(timestamp_form="mixed")
    events = _log(sb, http)
    assert {_form(e["activity_timestmap"]) for e in events} == set(FORMS)
    truth = {e["id"]: e["timestamp_ms"] for e in sb.organisation.events}
    for event in events:
        stamp = event["activity_timestmap"]
        millis = 0 if _form(stamp) == "iso_seconds" else int(stamp[20:23])
        seconds = time.strptime(stamp[:19], "%Y-%m-%dT%H:%M:%S")
        served = int(time.mktime(seconds) - time.timezone) * 1000 + millis
        assert served // 1000 == truth[event["id"]] // 1000
        if _form(stamp) != "iso_seconds":
            assert served == truth[event["id"]]


def _tag_events(sb: Sandbox, http: requests.Session) -> list[dict]:
    tagged = [c["id"] for c in sb.organisation.conversations if c["tags"]][:10]
    csids = ",".join(map(str, tagged))
    data = http.get(
        f"{sb.base_url}/v1/conversations/activitylog", params={"csids": csids, "limit": 200}
    ).json()["data"]
    return [e for e in data if e["activity_type"] in ("tag_added", "tag_removed")]


@pytest.mark.parametrize("key", ["tag_name", "tag_added", "tag"])
def test_tag_key_spelling(sb: Sandbox, http: requests.Session, key: str) -> None:
    sb.switches = Switches(tag_key=key)
    events = _tag_events(sb, http)
    assert events
    assert all(list(e["attributes"]) == [key] for e in events)


def test_tag_key_mixed(sb: Sandbox, http: requests.Session) -> None:
    sb.switches = Switches(tag_key="mixed")
    keys = {next(iter(e["attributes"])) for e in _tag_events(sb, http)}
    assert len(keys) >= 2
    assert keys <= {"tag_name", "tag_added", "tag"}


def test_null_authors_and_attributes(sb: Sandbox, http: requests.Session) -> None:
    base = _log(sb, http)
    assert sum(e["author"] is None for e in base) < len(base)
    sb.switches = Switches(null_authors=1.0, null_attributes=1.0)
    events = _log(sb, http)
    assert all(e["author"] is None and e["attributes"] is None for e in events)
    sb.switches = Switches(null_authors=0.5)
    nulls = sum(e["author"] is None for e in _log(sb, http))
    assert sum(e["author"] is None for e in base) < nulls < len(base)


@pytest.mark.parametrize(("mode", "expected"), [("null", [None]), ("empty", [{}]), ("absent", [])])
def test_missing_attributes(
    sb: Sandbox, http: requests.Session, mode: str, expected: list[object]
) -> None:
    sb.switches = Switches(missing_attributes=mode)
    closed = [e for e in _log(sb, http) if e["activity_type"] == "conversation_closed"]
    assert closed
    for event in closed:
        assert ([event["attributes"]] if "attributes" in event else []) == expected


def test_activity_type_filters(sb: Sandbox, http: requests.Session) -> None:
    everything = {e["activity_type"] for e in _log(sb, http)}
    assert "conversation_rating_offered" in everything
    sb.switches = Switches(activity_types="documented")
    documented = {e["activity_type"] for e in _log(sb, http)}
    assert "conversation_rating_offered" not in documented
    assert "conversation_offered" in documented
    sb.switches = Switches(activity_types="old")
    old = {e["activity_type"] for e in _log(sb, http)}
    assert "conversation_offered" not in old
    assert "conversation_closed" in old


def test_out_of_order_is_deterministic_shuffle(sb: Sandbox, http: requests.Session) -> None:
    ordered = _log(sb, http)
    sb.switches = Switches(out_of_order=True)
    shuffled = _log(sb, http)
    assert [e["id"] for e in shuffled] != [e["id"] for e in ordered]
    assert sorted(e["id"] for e in shuffled) == sorted(e["id"] for e in ordered)
    assert _log(sb, http) == shuffled
    csid = sb.organisation.conversations[0]["id"]
    single = http.get(f"{sb.base_url}/v1/conversations/{csid}/activitylog").json()["data"]
    truth = [e["id"] for e in sb.organisation.events_of(csid)]
    assert [e["id"] for e in single] != truth
    assert sorted(e["id"] for e in single) == sorted(truth)


def test_duplicate_events_across_pages(sb: Sandbox, http: requests.Session) -> None:
    sb.switches = Switches(duplicate_events=True, page_size=15)
    csids = [c["id"] for c in sb.organisation.conversations[:10]]
    url = f"{sb.base_url}/v1/conversations/activitylog"
    seen: list[str] = []
    page = http.get(url, params={"csids": ",".join(map(str, csids))}).json()
    pages = 1
    while True:
        seen += [e["id"] for e in page["data"]]
        if page["paging"]["next_page"] is None:
            break
        page = http.get(page["paging"]["next_page"]).json()
        pages += 1
    truth = [e["id"] for c in csids for e in sb.organisation.events_of(c)]
    assert pages > 2
    assert len(seen) == len(truth) + pages - 1
    assert list(dict.fromkeys(seen)) == truth
    single = http.get(f"{url[: -len('activitylog')]}{csids[0]}/activitylog").json()["data"]
    assert len(single) == len({e["id"] for e in single}) + 1


def test_page_size_applies_without_limit(sb: Sandbox, http: requests.Session) -> None:
    sb.switches = Switches(page_size=3)
    body = http.get(f"{sb.base_url}/v1/users").json()
    assert len(body["data"]) == 3
    assert "limit=3" in body["paging"]["next_page"]


def test_integrations_rate_limit(sb: Sandbox, http: requests.Session) -> None:
    sb.switches = Switches(rate_limit=True, integrations_per_second=0.5, integrations_burst=4)
    statuses = [http.get(f"{sb.base_url}/v1/tags") for _ in range(5)]
    assert [r.status_code for r in statuses] == [200, 200, 200, 200, 429]
    assert statuses[-1].headers["Retry-After"] == "2"
    assert statuses[-1].json()["message"]
    # another key has its own bucket
    key, _ = sb.add_organisation(seed=23, conversations=10)
    assert requests.get(f"{sb.base_url}/v1/tags", headers={"Authorization": key}, timeout=10).ok


def test_rate_limit_recovers_after_retry_after(sb: Sandbox, http: requests.Session) -> None:
    sb.switches = Switches(rate_limit=True, integrations_per_second=20, integrations_burst=1)
    assert http.get(f"{sb.base_url}/v1/tags").status_code == 200
    limited = http.get(f"{sb.base_url}/v1/tags")
    assert limited.status_code == 429
    assert limited.headers["Retry-After"] == "1"
    time.sleep(0.1)
    assert http.get(f"{sb.base_url}/v1/tags").status_code == 200


def test_exports_rate_limit(sb: Sandbox, exports_http: requests.Session) -> None:
    sb.switches = Switches(rate_limit=True, exports_per_minute=10, exports_burst=2)
    url = f"{sb.exports_url}/v1/conversation_export"
    params = {"created_after": "2026-01-05", "created_before": "2026-01-06"}
    statuses = [exports_http.get(url, params=params) for _ in range(3)]
    assert [r.status_code for r in statuses] == [200, 200, 429]
    assert 1 <= int(statuses[-1].headers["Retry-After"]) <= 6


def test_server_error_bursts_then_success(sb: Sandbox, http: requests.Session) -> None:
    sb.switches = Switches(error_every=4, error_burst=2, error_status=502)
    statuses = [http.get(f"{sb.base_url}/v1/tags").status_code for _ in range(9)]
    assert statuses == [200, 200, 200, 502, 502, 200, 200, 502, 502]
    assert http.get(f"{sb.base_url}/v1/tags").status_code == 200


def test_slow_responses(sb: Sandbox, http: requests.Session) -> None:
    sb.switches = Switches(slow_every=2, slow_seconds=0.3)
    durations = []
    for _ in range(2):
        started = time.perf_counter()
        assert http.get(f"{sb.base_url}/v1/tags").ok
        durations.append(time.perf_counter() - started)
    assert durations[0] < 0.25 <= durations[1]
    sb.switches = Switches(slow_every=1, slow_seconds=0.5)
    with pytest.raises(requests.Timeout):
        http.get(f"{sb.base_url}/v1/tags", timeout=0.1)


def test_dropped_connections(sb: Sandbox) -> None:
    sb.switches = Switches(drop_every=2)
    host, port = sb.base_url.removeprefix("http://").split(":")
    outcomes = []
    for _ in range(4):
        conn = http_client.HTTPConnection(host, int(port), timeout=5)
        conn.request("GET", "/v1/tags", headers={"Authorization": sb.api_key})
        try:
            outcomes.append(conn.getresponse().status)
        except (TimeoutError, http_client.RemoteDisconnected, ConnectionResetError):
            outcomes.append("dropped")
        finally:
            conn.close()
    assert outcomes == [200, "dropped", 200, "dropped"]
    assert [r.status for r in sb.requests] == [200, 0, 200, 0]


def test_truncated_json(sb: Sandbox, http: requests.Session) -> None:
    sb.switches = Switches(truncate_every=2)
    first = http.get(f"{sb.base_url}/v1/tags")
    second = http.get(f"{sb.base_url}/v1/tags")
    assert first.status_code == second.status_code == 200
    assert json.loads(first.content)["data"]
    assert len(second.content) == len(first.content) // 2
    with pytest.raises(json.JSONDecodeError):
        json.loads(second.content)


def test_replacing_switches_resets_fault_counter(sb: Sandbox, http: requests.Session) -> None:
    sb.switches = Switches(error_every=2)
    assert http.get(f"{sb.base_url}/v1/tags").status_code == 200
    sb.switches = Switches(error_every=2)
    assert http.get(f"{sb.base_url}/v1/tags").status_code == 200
    assert http.get(f"{sb.base_url}/v1/tags").status_code == 503


@pytest.mark.parametrize(
    "kwargs",
    [
        {"timestamp_field": "ts"},
        {"timestamp_form": "epoch"},
        {"tag_key": "label"},
        {"null_authors": 2.0},
        {"error_every": 2, "error_burst": 2},
        {"error_status": 404},
        {"page_size": 0},
        {"drop_every": -1},
        {"integrations_burst": 0},
    ],
)
def test_invalid_switches_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError, match=r"must|not allowed"):
        Switches(**kwargs)


def test_switches_setter_type_checks(sb: Sandbox) -> None:
    with pytest.raises(TypeError, match="Switches"):
        sb.switches = {"out_of_order": True}  # type: ignore[assignment]


def test_a_client_hanging_up_is_not_reported_as_a_server_error(capsys) -> None:
    from dixa_analytics.sandbox._server import _QuietServer

    server = _QuietServer(("127.0.0.1", 0), None)
    try:
        for error in (BrokenPipeError(), ConnectionResetError()):
            try:
                raise error
            except ConnectionError:
                server.handle_error(None, ("127.0.0.1", 1))
        assert capsys.readouterr().err == ""
        try:
            raise KeyError("a real bug")
        except KeyError:
            server.handle_error(None, ("127.0.0.1", 1))
        assert "KeyError" in capsys.readouterr().err
    finally:
        server.server_close()
