"""Customer satisfaction (CSAT): the latest rating of each conversation, and how many answer."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from dixa_analytics.events import Kind
from dixa_analytics.frames import BOOL, FLOAT, INT, Schema, conform
from dixa_analytics.metrics._definitions import with_definition
from dixa_analytics.metrics._periods import (
    complete_periods,
    complete_pooled,
    events_span,
    facts_span,
    span_columns,
)
from dixa_analytics.metrics._timeline import Timeline, build_timeline, check_freq, take

__all__ = ["CSAT", "DEFINITION", "csat", "csat_facts", "csat_of"]

# ``period`` (when ``freq`` is given) and the ``by`` columns come first.
CSAT: Schema = {
    "ratings": INT,
    "mean_score": FLOAT,
    "satisfied": INT,
    "satisfied_share": FLOAT,
    "unscored": INT,
    "offered": INT,
    "responded": INT,
    "response_rate": FLOAT,
    "complete": BOOL,
}

#: The columns ``by`` may name.
CSAT_GROUPS = ("agent_id", "agent_name", "queue_name", "channel")
_SCORES = (1, 5)
_SATISFIED = 4

#: The definition stated in the docstring, the figures and the report.
DEFINITION = (
    "CSAT counts the latest conversation_rated event of each conversation, in the period of "
    "that rating (an earlier rating of the same conversation is replaced, not counted). ratings "
    "is the number of those with a score on the 1-5 scale, mean_score their mean, satisfied "
    "how many scored 4 or 5 and satisfied_share = satisfied / ratings. A latest rating without "
    "a score (or with one off the scale) counts in unscored, never as zero. By agent, a "
    "rating belongs to the agent it rates (the rating's own agent); by queue or channel, to "
    "the conversation's last known one. offered counts conversations whose latest rating offer "
    "falls in the period (conversation_rating_offered, or where a conversation has none, a "
    "conversation_rating_scheduled that was not unscheduled or cancelled), responded how many "
    "of them were rated, and response_rate = responded / offered (empty where the log holds no "
    "offers). By period, complete is False for a period the data does not cover whole (cut by "
    "the window's start or end, or by as_of); pooled over every period, it is True."
)


def _keys(by: str | Sequence[str] | None) -> list[str]:
    keys = [by] if isinstance(by, str) else list(by or [])
    unknown = [k for k in keys if k not in CSAT_GROUPS]
    if unknown:
        raise ValueError(
            f"csat groups by {', '.join(CSAT_GROUPS)}; not by {', '.join(map(repr, unknown))}"
        )
    return keys


@with_definition(DEFINITION)
def csat(
    events: pd.DataFrame,
    *,
    freq: str | None = None,
    by: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """Customer satisfaction from the ratings in the activity log, by period and group.

    {definition}

    Parameters
    ----------
    events : DataFrame
        The events frame. Needs ``conversation_id``, ``timestamp`` and ``activity_type``;
        reads ``score``, ``agent_id``/``agent_name`` (the rated agent), ``event_id``
        (duplicates dropped) and the ``by`` columns.
    freq : str, optional
        A pandas period alias ("D", "W", "M"…; not a multiple such as "2W"): one row per
        period. ``None`` pools every period.
    by : str or list of str, optional
        Any of ``"agent_id"``, ``"agent_name"``, ``"queue_name"``, ``"channel"``. Ratings
        whose group is unknown form a null group.

    Returns
    -------
    DataFrame
        ``period`` (Period dtype, only with ``freq``), the ``by`` columns, then ``ratings``,
        ``mean_score``, ``satisfied``, ``satisfied_share``, ``unscored``, ``offered``,
        ``responded``, ``response_rate`` and ``complete``; one row per
        period and group with a rating or an offer (no rows when there are neither), sorted
        by period and group.

    Raises
    ------
    ValueError
        If ``by`` names another column or ``freq`` is not a single period.

    Notes
    -----
    {span}

    Examples
    --------
    >>> import pandas as pd
    >>> from dixa_analytics.events import conform_events
    >>> events = conform_events(pd.DataFrame({
    ...     "conversation_id": [1, 1, 1, 2, 2],
    ...     "timestamp": pd.to_datetime(["2026-03-02 09:00", "2026-03-02 10:00",
    ...                                  "2026-03-03 08:00", "2026-03-02 11:00",
    ...                                  "2026-03-02 12:00"], utc=True),
    ...     "activity_type": ["conversation_rating_offered", "conversation_rated",
    ...                       "conversation_rated", "conversation_rating_offered",
    ...                       "conversation_rated"],
    ...     "score": [None, 2, 5, None, 3],
    ... }))
    >>> csat(events)[["ratings", "mean_score", "satisfied_share", "response_rate"]]
       ratings  mean_score  satisfied_share  response_rate
    0        2         4.0              0.5            1.0
    """
    return csat_of(csat_facts(events, freq=freq, by=by), freq=freq, by=by)


def csat_facts(
    events: pd.DataFrame,
    *,
    freq: str | None = None,
    by: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """What CSAT counts, per conversation rated or offered a rating.

    The first step of :func:`csat`, which :func:`csat_of` completes: events of whole
    conversations in, one row per conversation out, so the facts of several frames (a
    snapshot's partitions) can be put together before they are counted.

    Returns
    -------
    DataFrame
        ``conversation_id``, ``rated_at`` and ``score`` (of the latest rating; NaT / null
        without one, and a null score off the 1-5 scale), ``offered_at`` (the latest offer),
        the ``by`` columns, then ``window_start``, ``window_end`` and ``as_of``: the span the
        events cover (see :func:`csat`).

    Examples
    --------
    >>> import pandas as pd
    >>> from dixa_analytics.events import conform_events
    >>> events = conform_events(pd.DataFrame({
    ...     "conversation_id": [4, 4],
    ...     "timestamp": pd.to_datetime(["2026-03-02 09:00", "2026-03-02 10:00"], utc=True),
    ...     "activity_type": ["conversation_rated", "conversation_rated"],
    ...     "score": [5, None],
    ... }))
    >>> csat_facts(events)[["conversation_id", "score"]]
       conversation_id  score
    0                4   <NA>
    """
    keys = _keys(by)
    if freq is not None:
        check_freq(freq)
    optional = ["event_id", "score", "agent_id", "agent_name", "queue_name"]
    tl = build_timeline(
        events, required=[k for k in keys if k not in optional], optional=optional, as_of=None,
        metric="csat",
    )  # fmt: skip
    rated = tl.last(tl.kind == Kind.RATED)
    offered = _offers(tl)
    keep = (rated >= 0) | (offered >= 0)
    score = pd.to_numeric(take(tl.column("score"), rated), errors="coerce")
    on_scale = score.between(*_SCORES) & (score == score.round())
    columns: dict[str, object] = {
        "conversation_id": pd.array(tl.ids[keep], dtype=INT),
        "rated_at": tl.times(rated[keep]),
        "score": score.where(on_scale).astype(INT)[keep].reset_index(drop=True),
        "offered_at": tl.times(offered[keep]),
    }
    for key in keys:
        if key in ("agent_id", "agent_name"):
            # The rated agent; a conversation offered a rating but not rated has the offer's.
            values = take(tl.column(key), np.where(rated >= 0, rated, offered))
        else:
            values = tl.last_valid(key)
        columns[key] = values[keep].reset_index(drop=True).astype(tl.column(key).dtype)
    span = events_span(events, tl.ns, tl.as_of)
    return pd.DataFrame({**columns, **span_columns(span, int(keep.sum()))})


def _offers(tl: Timeline) -> np.ndarray:
    """Per conversation, its latest rating offer (-1: none).

    The Dixa API logs each offer; the Integrations API only schedules them, so a conversation
    with no offer event counts its latest schedule, unless it was unscheduled or cancelled
    after it.
    """
    offered = tl.last(tl.kind == Kind.RATING_OFFERED)
    scheduled = tl.last(tl.kind == Kind.RATING_SCHEDULED)
    withdrawn = tl.first_after(tl.kind == Kind.RATING_WITHDRAWN, scheduled)
    return np.where(offered >= 0, offered, np.where(withdrawn >= 0, -1, scheduled))


def csat_of(
    facts: pd.DataFrame,
    *,
    freq: str | None = None,
    by: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """CSAT from :func:`csat_facts`.

    Examples
    --------
    >>> facts = pd.DataFrame({"conversation_id": [1, 2],
    ...     "rated_at": pd.to_datetime(["2026-03-02", "2026-03-09"], utc=True),
    ...     "score": pd.array([5, 2], dtype="Int64"),
    ...     "offered_at": pd.to_datetime(["2026-03-02", "2026-03-09"], utc=True)})
    >>> csat_of(facts, freq="W")[["period", "ratings", "satisfied"]]
                      period  ratings  satisfied
    0  2026-03-02/2026-03-08        1          1
    1  2026-03-09/2026-03-15        1          0
    """
    keys = _keys(by)
    if freq is not None:
        check_freq(freq)
    names = (["period"] if freq is not None else []) + keys

    def table(at: str) -> pd.DataFrame:
        rows = facts[facts[at].notna()]
        columns: dict[str, object] = {}
        if freq is not None:
            columns["period"] = rows[at].dt.tz_localize(None).dt.to_period(freq)
        columns.update({key: rows[key] for key in keys})
        return pd.DataFrame(columns).assign(
            score=rows["score"].astype(FLOAT), responded=rows["rated_at"].notna()
        )

    rated, offered = table("rated_at"), table("offered_at")
    rated = rated.assign(
        scored=rated["score"].notna(), satisfied=rated["score"] >= _SATISFIED
    ).drop(columns="responded")
    offered = offered.assign(offered=True).drop(columns="score")
    if names:
        group = {"dropna": False, "sort": True, "observed": True}
        ratings = rated.groupby(names, **group).agg(
            ratings=("scored", "sum"),
            score_sum=("score", "sum"),
            satisfied=("satisfied", "sum"),
            rated=("scored", "size"),
        )
        offers = offered.groupby(names, **group).agg(
            offered=("offered", "sum"), responded=("responded", "sum")
        )
        counts = ratings.join(offers, how="outer").reset_index()
    else:
        counts = pd.DataFrame(
            {
                "ratings": [rated["scored"].sum()],
                "score_sum": [rated["score"].sum()],
                "satisfied": [rated["satisfied"].sum()],
                "rated": [len(rated)],
                "offered": [len(offered)],
                "responded": [offered["responded"].sum()],
            }
        )
        counts = counts[(counts["rated"] > 0) | (counts["offered"] > 0)]
    filled = {c: counts[c].fillna(0) for c in ("ratings", "score_sum", "satisfied", "rated")}
    filled.update({c: counts[c].fillna(0) for c in ("offered", "responded")})
    counts = counts.assign(**filled)
    counts = counts.assign(
        unscored=counts["rated"] - counts["ratings"],
        mean_score=_ratio(counts["score_sum"], counts["ratings"]),
        satisfied_share=_ratio(counts["satisfied"], counts["ratings"]),
        response_rate=_ratio(counts["responded"], counts["offered"]),
    )
    span = facts_span(facts, ["rated_at", "offered_at"])
    if freq is None:
        counts["complete"] = complete_pooled(span)
    else:
        counts["complete"] = complete_periods(counts["period"], span)
    # Group columns keep the facts' dtypes (grouping may change a string column's storage).
    dtypes = rated[names].dtypes.to_dict()
    out = pd.concat([counts[names].astype(dtypes), conform(counts, CSAT)], axis=1)
    return out.reset_index(drop=True)


def _ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """numerator / denominator, NaN where the denominator is 0 (no ratio, not zero)."""
    denominator = denominator.astype(FLOAT)
    return (numerator.astype(FLOAT) / denominator.where(denominator > 0)).astype(FLOAT)
