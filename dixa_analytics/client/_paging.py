"""Following the next-page links of list endpoints, in either API's style.

The Integrations API links pages with ``paging.next_page``, the Dixa API with ``meta.next`` (a
URL holding an opaque ``pageKey``). A link is an absolute URL or one relative to the API root.
Only its path and query are used: the request always goes to the configured API host (scheme,
host and port), because it carries the secret, which a link naming another host (or the same
one spelt differently, as ``:443`` or ``localhost``) must not redirect. Paging stops when the
link is missing, null or empty, or when a page holds no data. A page whose paging is in
neither style is a :class:`SchemaError`, never taken for the last page; so is a server that
hands out the same link twice, which would loop forever.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

from dixa_analytics._errors import SchemaError

__all__ = ["collect_pages", "envelope_data"]


def envelope_data(payload: Any, *, url: str, many: bool) -> Any:
    """Return ``payload["data"]``, checking the ``{"data": ...}`` envelope's shape.

    Examples
    --------
    >>> envelope_data({"data": [{"id": 1}]}, url="/v1/x", many=True)
    [{'id': 1}]
    """
    if not isinstance(payload, dict) or "data" not in payload:
        raise SchemaError(f"GET {url} did not return a {{'data': ...}} envelope", url=url)
    data = payload["data"]
    if many and data is None:
        return []
    if many and not (isinstance(data, list) and all(isinstance(item, dict) for item in data)):
        raise SchemaError(f"GET {url} returned 'data' that is not a list of objects", url=url)
    if not many and not isinstance(data, dict):
        raise SchemaError(f"GET {url} returned 'data' that is not an object", url=url)
    return data


def collect_pages(
    get: Callable[[str, Mapping[str, Any] | None], Any],
    url: str,
    params: Mapping[str, Any] | None,
    *,
    root: str,
) -> list[dict[str, Any]]:
    """Fetch ``url`` and every page after it; return the concatenated ``data`` lists.

    Parameters
    ----------
    get : callable
        ``get(url, params) -> parsed JSON``; ``params`` is ``None`` for follow-up pages, whose
        link already carries its query.
    url, params : str, mapping
        The first page.
    root : str
        API root that relative ``next_page`` links are resolved against.

    Examples
    --------
    >>> first = {"data": [{"id": "a"}], "paging": {"next_page": "/v1/queues?after=a"}}
    >>> last = {"data": [{"id": "b"}], "paging": {"next_page": None}}
    >>> pages = {"http://x/v1/queues": first, "http://x/v1/queues?after=a": last}
    >>> collect_pages(lambda u, p: pages[u], "http://x/v1/queues", None, root="http://x")
    [{'id': 'a'}, {'id': 'b'}]
    >>> first = {"data": [{"id": "a"}], "meta": {"next": "http://x/v1/agents?pageKey=k1"}}
    >>> pages = {"http://x/v1/agents": first, "http://x/v1/agents?pageKey=k1": {"data": []}}
    >>> collect_pages(lambda u, p: pages[u], "http://x/v1/agents", None, root="http://x")
    [{'id': 'a'}]
    """
    records: list[dict[str, Any]] = []
    seen: set[str] = set()
    base = root.rstrip("/") + "/"
    current, current_params = url, params
    while True:
        payload = get(current, current_params)
        data = envelope_data(payload, url=current, many=True)
        records.extend(data)
        next_page = _next_page(payload)
        if not next_page or not data:
            return records
        nxt = _on_api_host(next_page, base)
        if nxt in seen:
            raise SchemaError(
                f"paging loop: GET {current} pointed again at next page {next_page!r}, "
                f"which was already fetched",
                url=current,
            )
        seen.add(nxt)
        current, current_params = nxt, None


def _on_api_host(next_page: str, base: str) -> str:
    """The URL of ``next_page`` on the API host of ``base`` (which ends with "/").

    A relative link is resolved against the API root; an absolute one keeps its path (under the
    root's path, if the API is served below one) and query.

    Examples
    --------
    >>> _on_api_host("/v1/users?after=a", "http://h/api/")
    'http://h/api/v1/users?after=a'
    >>> _on_api_host("https://elsewhere:443/v1/users?after=a", "http://h/api/")
    'http://h/api/v1/users?after=a'
    """
    link, root = urlsplit(next_page), urlsplit(base)
    if not link.scheme and not link.netloc:
        return urljoin(base, next_page.lstrip("/"))
    if not link.netloc:
        raise SchemaError(f"'paging.next_page' is neither a URL nor a path: {next_page!r}")
    path = link.path
    if not path.startswith(root.path):
        path = root.path.rstrip("/") + "/" + path.lstrip("/")
    return urlunsplit((root.scheme, root.netloc, path, link.query, ""))


# Words that mark a key as being about paging: one the client does not follow means a list
# it would read only the first page of.
_PAGING_WORDS = ("page", "pagin", "next", "cursor", "offset")


def _unrecognised(keys: Any, known: set[str]) -> list[str]:
    return [
        str(key)
        for key in keys
        if str(key) not in known and any(word in str(key).lower() for word in _PAGING_WORDS)
    ]


def _next_page(payload: dict[str, Any]) -> str | None:
    """The link to the next page: ``paging.next_page`` or ``meta.next`` (None on the last)."""
    strange = _unrecognised(payload, {"paging", "meta"})
    links: list[object] = []
    for name, field, known in (
        ("paging", "next_page", {"next_page", "prev_page", "cursors"}),
        ("meta", "next", {"next", "previous", "prev"}),
    ):
        block = payload.get(name)
        if block is None:
            continue
        if not isinstance(block, dict):
            raise SchemaError(f"'{name}' is not an object")
        strange += [f"{name}.{key}" for key in _unrecognised(block, known)]
        links.append(block.get(field))
    if strange:
        raise SchemaError(
            f"the list's paging is in no style the client follows ({', '.join(strange)}); "
            "reading on would miss every page after the first"
        )
    next_page = next((link for link in links if link), None)
    if next_page is not None and not isinstance(next_page, str):
        raise SchemaError(f"the next-page link is not a string: {next_page!r}")
    return next_page.strip() if next_page else None
