"""Reference data: users, queues, tags and endpoints, each a whole list (cached for hours)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from dixa_analytics.client import DixaClient
from dixa_analytics.fetch._selection import using
from dixa_analytics.frames import endpoints_frame, queues_frame, tags_frame, users_frame

__all__ = ["ENDPOINT_TYPES", "fetch_endpoints", "fetch_queues", "fetch_tags", "fetch_users"]

#: ``GET /v1/users`` accepts up to 200 items per page.
USERS_PAGE_LIMIT = 200
ENDPOINT_TYPES = ("email_address", "phone_number")


def fetch_users(*, client: DixaClient | None = None) -> pd.DataFrame:
    """Fetch every user of the organisation (agents and end users).

    Parameters
    ----------
    client : DixaClient, optional
        Connection to use; default: one built from the environment.

    Returns
    -------
    pandas.DataFrame
        One row per user: ``user_id``, ``name``, ``email``, ``phone_number``, ``roles`` (list),
        ``is_agent``, ``avatar_url``. Cached for ``REFERENCE_DATA_EXPIRY``.

    Examples
    --------
    >>> from dixa_analytics.sandbox import Sandbox
    >>> with Sandbox(seed=1, conversations=20) as sb:
    ...     client = DixaClient(sb.api_key, base_url=sb.base_url, cache=False, progress=False)
    ...     users = fetch_users(client=client)
    >>> users.columns[:3].tolist()
    ['user_id', 'name', 'email']
    """
    with using(client) as c:
        return users_frame(c.get_list("/v1/users", {"limit": USERS_PAGE_LIMIT}, expire_after=None))


def fetch_queues(*, client: DixaClient | None = None) -> pd.DataFrame:
    """Fetch every queue: ``queue_id``, ``queue_name``, ``is_default``, ``priority``.

    Examples
    --------
    >>> from dixa_analytics.sandbox import Sandbox
    >>> with Sandbox(seed=1, conversations=20) as sb:
    ...     client = DixaClient(sb.api_key, base_url=sb.base_url, cache=False, progress=False)
    ...     queues = fetch_queues(client=client)
    >>> queues.columns.tolist()
    ['queue_id', 'queue_name', 'is_default', 'priority']
    """
    with using(client) as c:
        return queues_frame(c.get_list("/v1/queues", expire_after=None))


def fetch_tags(*, client: DixaClient | None = None) -> pd.DataFrame:
    """Fetch every tag: ``tag_id``, ``tag_name``, ``is_deactivated``.

    Examples
    --------
    >>> from dixa_analytics.sandbox import Sandbox
    >>> with Sandbox(seed=1, conversations=20) as sb:
    ...     client = DixaClient(sb.api_key, base_url=sb.base_url, cache=False, progress=False)
    ...     tags = fetch_tags(client=client)
    >>> tags.columns.tolist()
    ['tag_id', 'tag_name', 'is_deactivated']
    """
    with using(client) as c:
        return tags_frame(c.get_list("/v1/tags", expire_after=None))


def fetch_endpoints(type: str | None = None, *, client: DixaClient | None = None) -> pd.DataFrame:
    """Fetch the organisation's e-mail and/or phone endpoints.

    Parameters
    ----------
    type : {"email_address", "phone_number"}, optional
        Only endpoints of this type; both types when omitted.
    client : DixaClient, optional
        Connection to use.

    Returns
    -------
    pandas.DataFrame
        ``endpoint_id``, ``endpoint_type``, ``address``, ``spf_email``.

    Examples
    --------
    >>> from dixa_analytics.sandbox import Sandbox
    >>> with Sandbox(seed=1, conversations=20) as sb:
    ...     client = DixaClient(sb.api_key, base_url=sb.base_url, cache=False, progress=False)
    ...     phones = fetch_endpoints("phone_number", client=client)
    >>> set(phones["endpoint_type"]) <= {"phone_number"}
    True
    """
    if type is None:
        types: Sequence[str] = ENDPOINT_TYPES
    elif type in ENDPOINT_TYPES:
        types = (type,)
    else:
        raise ValueError(f"type must be one of {', '.join(ENDPOINT_TYPES)} or None, not {type!r}")
    with using(client) as c:
        records = [
            record
            for kind in types
            for record in c.get_list("/v1/endpoints", {"type": kind}, expire_after=None)
        ]
        return endpoints_frame(records)
