"""Talking to Dixa: one configured, cached, throttled HTTP session per organisation.

:class:`DixaClient` owns the requests-cache session (its file chosen by
:func:`resolve_cache_path`), the token buckets that keep to the rate limits, the retry policy
and the paging of list endpoints; it returns parsed JSON and knows nothing of frames. The
cache policy (what is kept, and for how long) is data in ``_cache_policy``; ``cache_info`` and
``clear_cache`` look after the file.
"""

from dixa_analytics.client._cache_admin import CacheInfo, cache_info, clear_cache
from dixa_analytics.client._cache_location import (
    caching_disabled,
    means_off,
    resolve_cache_path,
    sandbox_cache_path,
)
from dixa_analytics.client._cache_policy import (
    FINAL,
    LIVE,
    RECENT_EXPORT_EXPIRY,
    conversation_expiry,
    export_expiry,
    is_closed,
)
from dixa_analytics.client._client import DixaClient
from dixa_analytics.client._text_repair import LoneSurrogateWarning

__all__ = [
    "FINAL",
    "LIVE",
    "RECENT_EXPORT_EXPIRY",
    "CacheInfo",
    "DixaClient",
    "LoneSurrogateWarning",
    "cache_info",
    "caching_disabled",
    "clear_cache",
    "conversation_expiry",
    "export_expiry",
    "is_closed",
    "means_off",
    "resolve_cache_path",
    "sandbox_cache_path",
]
