"""A pre-flight plan for a pull: how many requests, how long, what share of the daily quota.

Before a big fetch or a first sync, :func:`plan_fetch` estimates what it will cost, so a
typo such as a 1970–2100 window is seen before hours of requests start.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dixa_analytics._dates import DateLike, date_window, split_window
from dixa_analytics._errors import AuthenticationError
from dixa_analytics._format import spoken_duration
from dixa_analytics.client import DixaClient
from dixa_analytics.client._credentials import DIXA_API, EXPORTS, INTEGRATIONS
from dixa_analytics.fetch._conversations import export_window
from dixa_analytics.fetch._estimate import request_seconds
from dixa_analytics.fetch._selection import using
from dixa_analytics.fetch._sources import activitylog_requests, choose_source

__all__ = [
    "CONFIRM_QUOTA_SHARE",
    "CONFIRM_SECONDS",
    "DAILY_QUOTA",
    "PULLS",
    "FetchPlan",
    "plan_fetch",
]

#: Requests a token may send in a day (Dixa's documented 10 per second, all day long).
DAILY_QUOTA = 864_000
#: A pull that would take longer than this (seconds) asks for confirmation on the command line.
CONFIRM_SECONDS = 600.0
#: ... and so does one that would use more than this share of the daily quota.
CONFIRM_QUOTA_SHARE = 0.10
#: What a plan can be of: the activity log of a creation window (``fetch_activitylog``, a
#: first sync), the conversations alone (``fetch_conversations``), or the organisation's
#: events by their time (``fetch_events``).
PULLS = ("activitylog", "conversations", "events")


@dataclass(frozen=True)
class FetchPlan:
    """What a pull of a window would cost (an estimate).

    Attributes
    ----------
    start, end : Timestamp
        The window, half-open (UTC).
    source : str
        Where the activity log would come from (``"integrations"`` or ``"dixa-api"``), or
        ``"exports"`` for conversations alone.
    conversations : int
        The conversations estimated in the window.
    export_requests : int
        Exports API requests: one per window of at most 31 days.
    activitylog_requests : int
        Activity-log requests: one per ten conversations (Integrations API), or one per
        monthly window and per 10,000 events (Dixa API: for a creation window, the events
        from its start up to now).
    seconds : float
        Time the requests take at the client's rate limits (not counting the answers' own
        time, nor what the cache already holds).
    quota_share : float
        The requests as a share of the daily quota (:data:`DAILY_QUOTA`).
    """

    start: pd.Timestamp
    end: pd.Timestamp
    source: str
    conversations: int
    export_requests: int
    activitylog_requests: int
    seconds: float
    quota_share: float

    @property
    def requests(self) -> int:
        """Every request of the pull."""
        return self.export_requests + self.activitylog_requests

    @property
    def needs_confirmation(self) -> bool:
        """Whether the pull is big enough to ask before starting (over ten minutes, or over
        10 % of the daily quota)."""
        return self.seconds > CONFIRM_SECONDS or self.quota_share > CONFIRM_QUOTA_SHARE

    def __str__(self) -> str:
        parts = [f"{self.export_requests:,} export windows"] if self.export_requests else []
        if self.source != "exports":
            parts.append(
                f"{self.activitylog_requests:,} activity-log requests from the {self.source} API"
            )
        return (
            f"about {self.requests:,} requests ({', '.join(parts)} for about "
            f"{self.conversations:,} conversations), about "
            f"{spoken_duration(self.seconds)} at the client's rate limits, "
            f"{self.quota_share:.1%} of the daily quota"
        )


def plan_fetch(
    *,
    start: DateLike,
    end: DateLike,
    source: str = "auto",
    conversations: int | None = None,
    client: DixaClient | None = None,
    what: str = "activitylog",
) -> FetchPlan:
    """Estimate what fetching the activity log of ``[start, end)`` (or ``what`` else) would cost.

    The export windows are counted exactly. The conversations are ``conversations`` when
    given; else the most recent export window that has begun is asked for (one request,
    which the fetch then finds in the cache) and every earlier window is taken to hold as
    many. The command line prints this plan before a fetch or a first sync, and asks before
    a pull over ten minutes or 10 % of the daily quota (unless ``--yes``).

    Parameters
    ----------
    start, end : str, date, datetime or Timestamp
        The window, half-open: of creation, or of event time for ``what="events"``.
    source : {"auto", "dixa-api", "integrations"}
        Where the activity log would come from (as in ``fetch_activitylog``).
    conversations : int, optional
        The number of conversations, if known: nothing is asked then.
    client : DixaClient, optional
        Connection whose rate limits and secrets decide.
    what : {"activitylog", "conversations", "events"}
        The pull: the activity log of the conversations created in the window (and their
        export), their export alone (``fetch_conversations``), or the organisation-wide
        log of the window's events (``fetch_events``: its conversations are estimated as
        above, for the events they hold).

    Returns
    -------
    FetchPlan

    Examples
    --------
    >>> client = DixaClient("key", base_url="http://127.0.0.1:9", cache=False)
    >>> plan = plan_fetch(start="1970-01-01", end="2100-01-01", conversations=0,
    ...                   client=client)
    >>> plan.export_requests, plan.needs_confirmation
    (1532, True)
    >>> print(plan)  # doctest: +ELLIPSIS
    about 1,532 requests (1,532 export windows, 0 activity-log requests ...), about 2 h 33 min ...
    """
    lo, hi = date_window(start, end)
    if what not in PULLS:
        raise ValueError(f"what must be one of {', '.join(PULLS)}, not {what!r}")
    if conversations is not None and (
        isinstance(conversations, bool) or not isinstance(conversations, int) or conversations < 0
    ):
        raise ValueError(f"conversations must be a non-negative integer, not {conversations!r}")
    with using(client) as c:
        now = pd.Timestamp(c.now())
        pieces = list(split_window(lo, hi))
        begun = [piece for piece in pieces if piece[0] < now]
        if conversations is None:
            conversations = _estimated(c, begun, optional=what == "events")
        if what == "conversations":
            chosen, log = EXPORTS, 0
        elif what == "events":
            # Events by their time: the window's months, and its events (no export).
            chosen, log = DIXA_API, activitylog_requests(conversations, lo, hi, hi)[DIXA_API]
        else:
            chosen = choose_source(c, source, conversations=conversations, start=lo, end=hi)
            log = activitylog_requests(conversations, lo, hi, now)[chosen]
        exports = 0 if what == "events" else len(pieces)
        api = DIXA_API if chosen == DIXA_API else INTEGRATIONS
        seconds = request_seconds(c, EXPORTS, exports) + request_seconds(c, api, log)
    return FetchPlan(
        start=lo,
        end=hi,
        source=chosen,
        conversations=conversations,
        export_requests=exports,
        activitylog_requests=log,
        seconds=seconds,
        quota_share=(exports + log) / DAILY_QUOTA,
    )


def _estimated(
    client: DixaClient, begun: list[tuple[pd.Timestamp, pd.Timestamp]], *, optional: bool
) -> int:
    """Conversations created in the windows ``begun``, from the latest one's export; 0 when
    ``optional`` and the client may not read exports (events alone need only a Dixa API
    token: the plan then counts one page per month)."""
    if not begun:
        return 0
    try:
        sample = export_window(client, *begun[-1])
    except AuthenticationError:
        if optional:
            return 0
        raise
    return len(sample) * len(begun)
