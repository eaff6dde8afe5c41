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


def namespaced_key_fn(api_key: str) -> Callable[..., str]:
    """A requests-cache ``key_fn`` that keeps each API key's entries apart.

    requests-cache leaves ``Authorization`` out of cache keys (and redacts it from stored
    requests), so two organisations would otherwise share entries for the same URL. The
    namespace is a salted SHA-256 of the key, mixed into the hashed cache key: neither the key
    nor its hash is written to the cache file.
    """
    namespace = hashlib.sha256(_NAMESPACE_SALT + api_key.encode()).hexdigest()

    def key_fn(request: Any, **kwargs: Any) -> str:
        plain = create_key(request, **kwargs)
        return hashlib.blake2b(f"{namespace}:{plain}".encode(), digest_size=16).hexdigest()

    return key_fn
