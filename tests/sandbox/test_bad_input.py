"""Malformed requests get the documented client errors (400/404), never a sandbox 500."""

from __future__ import annotations

import pytest
import requests

from dixa_analytics.sandbox import Sandbox


@pytest.mark.parametrize(
    "path",
    [
        "/v1/conversations/²",
        "/v1/conversations/١٢/messages",
        "/v1/conversations/activitylog?csids=100001,²",
        "/v1/users?limit=²",
        "/v1/users?limit=١٢",
    ],
)
def test_non_ascii_digits_are_a_400(sb: Sandbox, http: requests.Session, path: str) -> None:
    response = http.get(sb.base_url + path)
    assert response.status_code == 400, response.text
    assert "sandbox internal error" not in response.json()["message"]


@pytest.mark.parametrize(
    "params",
    [
        {"created_after": "²", "created_before": "2026-01-10"},
        {"created_after": "2026-01-05", "created_before": "١٧٦٧٠٠٠٠٠٠٠٠٠"},
        {"csids": "100001,²"},
    ],
)
def test_export_non_ascii_digits_are_a_400(
    sb: Sandbox, exports_http: requests.Session, params: dict[str, str]
) -> None:
    response = exports_http.get(f"{sb.exports_url}/v1/conversation_export", params=params)
    assert response.status_code == 400, response.text
    assert "sandbox internal error" not in response.json()["message"]


def test_unknown_sub_resource_of_an_existing_conversation_says_no_such_endpoint(
    sb: Sandbox, http: requests.Session
) -> None:
    csid = sb.organisation.conversations[0]["id"]
    for path in (f"/v1/conversations/{csid}/wrapup", f"/v1/conversations/{csid}/messages/x"):
        response = http.get(sb.base_url + path)
        assert response.status_code == 404
        message = response.json()["message"]
        assert "no such endpoint" in message
        assert "not found" not in message
