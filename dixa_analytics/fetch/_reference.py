"""Reference data: users, queues, tags, teams and endpoints, each a whole list (cached for
hours), from the Dixa API when the client has its token, else from the Integrations API; the
frames are the same either way."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from dixa_analytics._errors import AuthenticationError
from dixa_analytics.client import DixaClient
from dixa_analytics.fetch._selection import using
from dixa_analytics.frames import (
    endpoints_frame,
    queues_frame,
    tags_frame,
    teams_frame,
    users_frame,
)

__all__ = [
    "ENDPOINT_TYPES",
    "fetch_agents",
    "fetch_endpoints",
    "fetch_queues",
    "fetch_tags",
    "fetch_teams",
    "fetch_users",
]

#: ``GET /v1/users`` accepts up to 200 items per page.
USERS_PAGE_LIMIT = 200
#: Items asked for per page of the Dixa API's lists.
LIST_PAGE_LIMIT = 1_000
ENDPOINT_TYPES = ("email_address", "phone_number")
_DIXA_API, _INTEGRATIONS = "dixa-api", "integrations"


def _reference_list(client: DixaClient, path: str) -> list[dict]:
    """A reference list from the Dixa API if the client has its token, else the Integrations
    API (the paths are the same)."""
    if _DIXA_API in client.sources:
        params = {"pageLimit": LIST_PAGE_LIMIT}
        return client.get_list(path, params, api=_DIXA_API, expire_after=None)
    return client.get_list(path, expire_after=None)


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
        if _DIXA_API not in c.sources:
            params = {"limit": USERS_PAGE_LIMIT}
            return users_frame(c.get_list("/v1/users", params, expire_after=None))
        end_users = _reference_list(c, "/v1/endusers")
        return users_frame(_as_agents(_reference_list(c, "/v1/agents")) + _as_end_users(end_users))


def _as_agents(records: list[dict]) -> list[dict]:
    # The Dixa API lists agents and end users apart; an agent listed without roles is still an
    # agent.
    return [{**agent, "roles": agent.get("roles") or ["Agent"]} for agent in records]


def _as_end_users(records: list[dict]) -> list[dict]:
    return [{**user, "roles": []} for user in records]


def fetch_agents(*, client: DixaClient | None = None) -> pd.DataFrame:
    """Fetch the organisation's agents only (Dixa API), without its end users.

    The list of end users grows with the customer base (hundreds of pages for a large
    organisation); the agents are a page or two. A snapshot's refresh uses this.

    Parameters
    ----------
    client : DixaClient, optional
        Connection to use; it needs a Dixa API token (the Integrations API lists every user
        at once).

    Returns
    -------
    pandas.DataFrame
        The frame of :func:`fetch_users`, agents only.

    Raises
    ------
    AuthenticationError
        If the client has no Dixa API token.

    Examples
    --------
    >>> from dixa_analytics.sandbox import Sandbox
    >>> with Sandbox(seed=1, conversations=20) as sb:
    ...     client = DixaClient(api_token=sb.api_token, api_url=sb.api_url, cache=False,
    ...                         progress=False)
    ...     agents = fetch_agents(client=client)
    >>> bool(agents["is_agent"].all())
    True
    """
    with using(client) as c:
        if _DIXA_API not in c.sources:
            c.credentials.header(_DIXA_API)  # says which token is missing, and how to set it
        return users_frame(_as_agents(_reference_list(c, "/v1/agents")))


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
        return queues_frame(_reference_list(c, "/v1/queues"))


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
        return tags_frame(_reference_list(c, "/v1/tags"))


def fetch_teams(*, client: DixaClient | None = None) -> pd.DataFrame:
    """Fetch every team: ``team_id``, ``team_name`` (Dixa API only).

    Raises
    ------
    AuthenticationError
        If the client has no Dixa API token (the Integrations API has no teams).

    Examples
    --------
    >>> from dixa_analytics.sandbox import Sandbox
    >>> with Sandbox(seed=1, conversations=20) as sb:
    ...     client = DixaClient(api_token=sb.api_token, api_url=sb.api_url, cache=False,
    ...                         progress=False)
    ...     teams = fetch_teams(client=client)
    >>> teams.columns.tolist(), teams["team_name"].iloc[0]
    (['team_id', 'team_name'], 'Support team')
    """
    with using(client) as c:
        if _DIXA_API not in c.sources:
            raise AuthenticationError(
                "teams come from the Dixa API only: set DIXA_API_TOKEN to a Dixa API token"
            )
        return teams_frame(_reference_list(c, "/v1/teams"))


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
        if _INTEGRATIONS not in c.sources:
            raise AuthenticationError(
                "endpoints are read from the Integrations API: set DIXA_API_KEY to an "
                "Integrations API token"
            )
        records = [
            record
            for kind in types
            for record in c.get_list("/v1/endpoints", {"type": kind}, expire_after=None)
        ]
        return endpoints_frame(records)
