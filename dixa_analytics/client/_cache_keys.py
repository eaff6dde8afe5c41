"""Cache keys that keep each organisation's entries apart without storing its API key."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from typing import Any

from requests_cache.cache_keys import create_key

__all__ = ["namespaced_key_fn"]

# Mixed into the hash that namespaces cache entries by API key, so the namespace is not a plain
# SHA-256 of the key that could be looked up in a table of hashed keys.
_NAMESPACE_SALT = b"dixa-analytics/cache-namespace/v1:"


def namespaced_key_fn(stable_roots: Mapping[str, str] | None = None) -> Callable[..., str]:
    """A requests-cache ``key_fn`` that keeps the entries of each secret apart.

    requests-cache leaves ``Authorization`` out of cache keys (and redacts it from stored
    requests), so two organisations would otherwise share entries for the same URL. Each
    request's namespace is a salted SHA-256 of the secret its ``Authorization`` header
    carries (after any ``Bearer`` scheme), mixed into the hashed cache key: neither the
    secret nor its hash is written to the cache file.

    Parameters
    ----------
    stable_roots : mapping of str to str, optional
        Root URLs (``http://127.0.0.1:51234``) and the stable names that stand for them in
        the keys. A server that listens on a new port each run (the embedded sandbox) keeps
        its entries that way; the longest matching root wins, so ``<root>/exports`` may have
        a name of its own.

    Examples
    --------
    >>> import requests
    >>> def prepared(auth, root="https://x"):
    ...     return requests.Request("GET", f"{root}/v1/queues",
    ...                             headers={"Authorization": auth}).prepare()
    >>> key_fn = namespaced_key_fn()
    >>> key_fn(prepared("a")) == key_fn(prepared("Bearer a")) != key_fn(prepared("b"))
    True
    >>> run_1 = namespaced_key_fn({"http://127.0.0.1:5001": "sandbox-abc/integrations"})
    >>> run_2 = namespaced_key_fn({"http://127.0.0.1:5002": "sandbox-abc/integrations"})
    >>> run_1(prepared("a", "http://127.0.0.1:5001")) == run_2(prepared("a", "http://127.0.0.1:5002"))
    True
    """
    # Longest first, so that a root nested in another (the sandbox's exports) is found first.
    roots = sorted((stable_roots or {}).items(), key=lambda item: len(item[0]), reverse=True)

    def key_fn(request: Any, **kwargs: Any) -> str:
        header = str(request.headers.get("Authorization") or "").strip()
        scheme, _, rest = header.partition(" ")
        secret = rest.strip() if scheme.lower() == "bearer" and rest.strip() else header
        namespace = hashlib.sha256(_NAMESPACE_SALT + secret.encode()).hexdigest()
        plain = create_key(_with_stable_root(request, roots), **kwargs)
        return hashlib.blake2b(f"{namespace}:{plain}".encode(), digest_size=16).hexdigest()

    return key_fn


def _with_stable_root(request: Any, roots: list[tuple[str, str]]) -> Any:
    """``request``, or a copy whose URL starts with the stable name of its root instead."""
    url = str(request.url or "")
    for root, name in roots:
        if url == root or url.startswith((root + "/", root + "?")):
            stable = request.copy()
            stable.url = f"stable://{name}{url[len(root) :]}"
            return stable
    return request
