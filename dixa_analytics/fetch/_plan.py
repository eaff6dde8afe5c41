"""A pre-flight plan for a pull: how many requests, how long, what share of the daily quota.

Before a big fetch or a first sync, :func:`plan_fetch` estimates what it will cost, so a
typo such as a 1970–2100 window is seen before hours of requests start.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dixa_analytics._dates import DateLike, date_window, split_window
from dixa_analytics.client import DixaClient
from dixa_analytics.client._credentials import DIXA_API, EXPORTS, INTEGRATIONS
from dixa_analytics.fetch._conversations import export_window
from dixa_analytics.fetch._estimate import request_seconds, spoken_duration
from dixa_analytics.fetch._selection import using
from dixa_analytics.fetch._sources import activitylog_requests, choose_source

__all__ = ["CONFIRM_QUOTA_SHARE", "CONFIRM_SECONDS", "DAILY_QUOTA", "FetchPlan", "plan_fetch"]

#: Requests a token may send in a day (Dixa's documented 10 per second, all day long).
DAILY_QUOTA = 864_000
#: A pull that would take longer than this (seconds) asks for confirmation on the command line.
CONFIRM_SECONDS = 600.0
#: ... and so does one that would use more than this share of the daily quota.
CONFIRM_QUOTA_SHARE = 0.10


@dataclass(frozen=True)
class FetchPlan:
    """What fetching the activity log of a creation window would cost (an estimate).

    Attributes
    ----------
    start, end : Timestamp
        The creation window, half-open (UTC).
    source : str
        Where the activity log would come from (``"integrations"`` or ``"dixa-api"``).
    conversations : int
        The conversations estimated in the window.
    export_requests : int
        Exports API requests: one per window of at most 31 days.
    activitylog_requests : int
        Activity-log requests: one per ten conversations (Integrations API), or one per
        10,000 events from the window's start up to now (Dixa API).
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
        return (
            f"about {self.requests:,} requests ({self.export_requests:,} export windows, "
            f"{self.activitylog_requests:,} activity-log requests from the {self.source} API "
            f"for about {self.conversations:,} conversations), about "
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
) -> FetchPlan:
    """Estimate what fetching the activity log of ``[start, end)`` would cost.

    The export windows are counted exactly. The conversations are ``conversations`` when
    given; else the most recent export window that has begun is asked for (one request,
    which the fetch then finds in the cache) and every earlier window is taken to hold as
    many. The command line prints this plan before a fetch or a first sync, and asks before
    a pull over ten minutes or 10 % of the daily quota (unless ``--yes``).

    Parameters
    ----------
    start, end : str, date, datetime or Timestamp
        The creation window, half-open.
    source : {"auto", "dixa-api", "integrations"}
        Where the activity log would come from (as in ``fetch_activitylog``).
    conversations : int, optional
        The number of conversations, if known: nothing is asked then.
    client : DixaClient, optional
        Connection whose rate limits and secrets decide.

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
    if conversations is not None and (
        isinstance(conversations, bool) or not isinstance(conversations, int) or conversations < 0
    ):
        raise ValueError(f"conversations must be a non-negative integer, not {conversations!r}")
    with using(client) as c:
        now = pd.Timestamp(c.now())
        pieces = list(split_window(lo, hi))
        begun = [piece for piece in pieces if piece[0] < now]
        if conversations is None:
            conversations = 0
            if begun:
                sample = export_window(c, *begun[-1])
                conversations = len(sample) * len(begun)
        chosen = choose_source(c, source, conversations=conversations, start=lo, end=hi)
        log = activitylog_requests(conversations, lo, hi, now)[chosen]
        api = DIXA_API if chosen == DIXA_API else INTEGRATIONS
        seconds = request_seconds(c, EXPORTS, len(pieces)) + request_seconds(c, api, log)
    return FetchPlan(
        start=lo,
        end=hi,
        source=chosen,
        conversations=conversations,
        export_requests=len(pieces),
        activitylog_requests=log,
        seconds=seconds,
        quota_share=(len(pieces) + log) / DAILY_QUOTA,
    )
