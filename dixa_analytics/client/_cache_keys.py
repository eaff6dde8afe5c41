"""Cache keys that keep each organisation's entries apart without storing its API key."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from requests_cache.cache_keys import create_key

__all__ = ["namespaced_key_fn"]

# Mixed into the hash that namespaces cache entries by API key, so the namespace is not a plain
# SHA-256 of the key that could be looked up in a table of hashed keys.
_NAMESPACE_SALT = b"dixa-analytics/cache-namespace/v1:"


def namespaced_key_fn() -> Callable[..., str]:
    """A requests-cache ``key_fn`` that keeps the entries of each secret apart.

    requests-cache leaves ``Authorization`` out of cache keys (and redacts it from stored
    requests), so two organisations would otherwise share entries for the same URL. Each
    request's namespace is a salted SHA-256 of the secret its ``Authorization`` header
    carries (after any ``Bearer`` scheme), mixed into the hashed cache key: neither the
    secret nor its hash is written to the cache file.

    Examples
    --------
    >>> import requests
    >>> key_fn = namespaced_key_fn()
    >>> def prepared(auth):
    ...     return requests.Request("GET", "https://x/v1/queues",
    ...                             headers={"Authorization": auth}).prepare()
    >>> key_fn(prepared("a")) == key_fn(prepared("Bearer a")) != key_fn(prepared("b"))
    True
    """

    def key_fn(request: Any, **kwargs: Any) -> str:
        header = str(request.headers.get("Authorization") or "").strip()
        scheme, _, rest = header.partition(" ")
        secret = rest.strip() if scheme.lower() == "bearer" and rest.strip() else header
        namespace = hashlib.sha256(_NAMESPACE_SALT + secret.encode()).hexdigest()
        plain = create_key(request, **kwargs)
        return hashlib.blake2b(f"{namespace}:{plain}".encode(), digest_size=16).hexdigest()

    return key_fn
