"""How long requests take at a client's rate limits, said for people.

The pre-flight plan (:mod:`._plan`) and the fetches' progress bars both state it, so a pull's
expected length is seen before and while it runs.
"""

from __future__ import annotations

from dixa_analytics._format import spoken_duration
from dixa_analytics.client import DixaClient

__all__ = ["pace_note", "request_seconds"]


def request_seconds(client: DixaClient, api: str, requests: int) -> float:
    """How long ``requests`` take under ``api``'s throttle (its burst goes at once).

    Examples
    --------
    >>> client = DixaClient("key", base_url="http://127.0.0.1:9", cache=False)
    >>> request_seconds(client, "exports", 61)  # 10 a minute, one at once
    360.0
    """
    bucket = client.throttles[api]
    return max(0, requests - bucket.burst) / bucket.rate


def pace_note(client: DixaClient, api: str, requests: int) -> str:
    """What a progress bar of ``requests`` to ``api`` says about its expected length.

    Examples
    --------
    >>> client = DixaClient("key", base_url="http://127.0.0.1:9", cache=False)
    >>> pace_note(client, "exports", 1532)
    'plan: about 2 h 33 min at 10/min'
    """
    bucket = client.throttles[api]
    rate = f"{bucket.rate:g}/s" if bucket.rate >= 1 else f"{bucket.rate * 60:g}/min"
    return f"plan: about {spoken_duration(request_seconds(client, api, requests))} at {rate}"
