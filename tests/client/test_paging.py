"""Following paging.next_page: links on the API host, loops, bad envelopes."""

import pytest

from dixa_analytics._errors import SchemaError
from dixa_analytics.client._paging import collect_pages


def _pages(mapping: dict[str, object]):
    return lambda url, params: mapping[url]


def test_paging_follows_absolute_and_relative_links() -> None:
    pages = {
        "http://h/v1/users": {"data": [{"id": 1}], "paging": {"next_page": "/v1/users?after=1"}},
        "http://h/v1/users?after=1": {
            "data": [{"id": 2}],
            "paging": {"next_page": "http://h/v1/users?after=2"},
        },
        "http://h/v1/users?after=2": {"data": [{"id": 3}], "paging": {}},
    }
    records = collect_pages(_pages(pages), "http://h/v1/users", None, root="http://h")
    assert [r["id"] for r in records] == [1, 2, 3]


def test_paging_stops_on_empty_page_even_with_a_next_link() -> None:
    pages = {
        "http://h/v1/q": {"data": [{"id": 1}], "paging": {"next_page": "v1/q?after=1"}},
        "http://h/v1/q?after=1": {"data": [], "paging": {"next_page": "v1/q?after=1"}},
    }
    assert collect_pages(_pages(pages), "http://h/v1/q", None, root="http://h") == [{"id": 1}]


def test_paging_loop_raises_schema_error() -> None:
    pages = {
        "http://h/v1/q": {"data": [{"id": 1}], "paging": {"next_page": "/v1/q?after=1"}},
        "http://h/v1/q?after=1": {"data": [{"id": 2}], "paging": {"next_page": "/v1/q?after=1"}},
    }
    with pytest.raises(SchemaError, match="paging loop"):
        collect_pages(_pages(pages), "http://h/v1/q", None, root="http://h")


@pytest.mark.parametrize(
    "next_page",
    [
        "/v1/q?after=1",  # relative to the API root
        "http://h/api/v1/q?after=1",
        "HTTP://H:80/api/v1/q?after=1",  # the same host, spelt differently
        "http://elsewhere/api/v1/q?after=1",  # another host: it must not get the key
        "https://h:8443/api/v1/q?after=1",
        "https://integrations.dixa.io/v1/q?after=1",  # the API's own host, above a proxy's path
    ],
)
def test_paging_asks_the_api_host_for_the_next_page_whatever_host_it_names(
    next_page: str,
) -> None:
    asked: list[str] = []

    def get(url: str, params: object) -> object:
        asked.append(url)
        more = {"next_page": next_page} if len(asked) == 1 else {}
        return {"data": [{"id": len(asked)}], "paging": more}

    records = collect_pages(get, "http://h/api/v1/q", None, root="http://h/api")
    assert [r["id"] for r in records] == [1, 2]
    assert asked == ["http://h/api/v1/q", "http://h/api/v1/q?after=1"]


def test_paging_refuses_a_next_page_that_is_neither_url_nor_path() -> None:
    page = {"data": [{"id": 1}], "paging": {"next_page": "http:elsewhere/v1/q"}}
    with pytest.raises(SchemaError, match="neither a URL nor a path"):
        collect_pages(lambda u, p: page, "http://h/v1/q", None, root="http://h")


@pytest.mark.parametrize(
    "payload", [[], {"items": []}, {"data": {"id": 1}}, {"data": [1, 2]}, "text"]
)
def test_paging_rejects_bad_envelopes(payload: object) -> None:
    with pytest.raises(SchemaError):
        collect_pages(lambda u, p: payload, "http://h/v1/q", None, root="http://h")


def test_paging_follows_the_dixa_apis_meta_next() -> None:
    pages = {
        "http://h/v1/agents?pageLimit=2": {
            "data": [{"id": 1}, {"id": 2}],
            "meta": {"next": "http://h/v1/agents?pageLimit=2&pageKey=abc"},
        },
        "http://h/v1/agents?pageLimit=2&pageKey=abc": {"data": [{"id": 3}]},
    }
    got = collect_pages(
        lambda u, p: pages[u], "http://h/v1/agents?pageLimit=2", None, root="http://h"
    )
    assert got == [{"id": 1}, {"id": 2}, {"id": 3}]


@pytest.mark.parametrize(
    "payload",
    [
        {"data": [{"id": 1}], "next_page": "/v1/q?after=1"},
        {"data": [{"id": 1}], "meta": {"nextPageKey": "k"}},
        {"data": [{"id": 1}], "paging": {"next_cursor": "k"}},
        {"data": [{"id": 1}], "pagination": {"next": "/v1/q?page=2"}},
    ],
)
def test_a_paging_style_the_client_does_not_follow_is_an_error(payload: object) -> None:
    # Taking such a page for the last one would silently drop every later page.
    with pytest.raises(SchemaError, match="paging is in no style the client follows"):
        collect_pages(lambda u, p: payload, "http://h/v1/q", None, root="http://h")
