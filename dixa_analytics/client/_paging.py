"""Following ``paging.next_page`` links of Integrations API list endpoints.

``next_page`` is an absolute URL or one relative to the API root. Only its path and query are
used: the request always goes to the configured API host (scheme, host and port), because it
carries the API key, which a link naming another host (or the same one spelt differently, as
``:443`` or ``localhost``) must not redirect. Paging stops when ``next_page`` is missing, null
or empty, or when a page holds no data. A server that hands out the same ``next_page`` twice
would loop forever, so that raises :class:`SchemaError`.
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
        ``next_page`` already carries its query.
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
                f"paging loop: GET {current} pointed again at next_page {next_page!r}, "
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


def _next_page(payload: dict[str, Any]) -> str | None:
    paging = payload.get("paging")
    if paging is None:
        return None
    if not isinstance(paging, dict):
        raise SchemaError("'paging' is not an object")
    next_page = paging.get("next_page")
    if next_page is not None and not isinstance(next_page, str):
        raise SchemaError(f"'paging.next_page' is not a string: {next_page!r}")
    return next_page.strip() if next_page else None
