"""Tag trends: the share of each period's new conversations that carried each tag."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dixa_analytics.events import Kind
from dixa_analytics.frames import BOOL, FLOAT, INT, STRING, Schema, conform
from dixa_analytics.metrics._definitions import with_definition
from dixa_analytics.metrics._periods import (
    complete_periods,
    complete_pooled,
    events_span,
    facts_span,
    span_columns,
)
from dixa_analytics.metrics._timeline import build_timeline, check_freq

__all__ = ["DEFINITION", "TAG_TRENDS", "tag_facts", "tag_trends", "tag_trends_of"]

TAG_TRENDS: Schema = {
    "tag": STRING,
    "conversations": INT,
    "cohort_size": INT,
    "share": FLOAT,
    "complete": BOOL,
}


#: The definition stated in the docstring, the figures and the report.
DEFINITION = (
    "Tag trends take the cohort of conversations created in each period (creation is the first "
    "conversation_created_* event, or the first event when there is none). For each period and "
    "tag, conversations counts the cohort's conversations that had the tag added at any time "
    "(once per conversation, even when added twice or removed later), cohort_size is the size "
    "of the cohort and share = conversations / cohort_size. Every period and tag pair appears, "
    "zeros included; top=N keeps the N tags added to most conversations overall. By period, "
    "complete is False for a period the data does not cover whole (cut by the window's start "
    "or end, or by as_of): its cohort holds only part of the period's new conversations. "
    "Pooled over every period (no freq), complete is True."
)


@with_definition(DEFINITION)
def tag_trends(
    events: pd.DataFrame, *, freq: str | None = "W", top: int | None = None
) -> pd.DataFrame:
    """Share of each period's new conversations that had each tag added.

    {definition}

    Parameters
    ----------
    events : DataFrame
        The events frame. Needs ``conversation_id``, ``timestamp``, ``activity_type`` and
        ``tag``; ``event_id`` (duplicates dropped) is used when present.
    freq : str or None
        A pandas period alias, not a multiple ("2W" is refused); the default "W" is
        Monday–Sunday weeks in UTC. ``None``
        pools every conversation into one cohort (no ``period`` column).
    top : int, optional
        Keep only the ``top`` tags added to most conversations overall (ties: by tag name).

    Returns
    -------
    DataFrame
        ``period`` (Period dtype, only with ``freq``), ``tag``, ``conversations``,
        ``cohort_size``, ``share`` and ``complete``; one row per period with
        new conversations and selected tag, sorted by period and tag.

    Notes
    -----
    {span}

    Examples
    --------
    >>> import pandas as pd
    >>> from dixa_analytics.events import conform_events
    >>> events = conform_events(pd.DataFrame({
    ...     "conversation_id": [1, 1, 1, 2],
    ...     "timestamp": pd.to_datetime(["2026-03-02 09:00", "2026-03-02 09:01",
    ...                                  "2026-03-02 09:02", "2026-03-03 12:00"], utc=True),
    ...     "activity_type": ["conversation_created_by_customer", "tag_added", "tag_added",
    ...                       "conversation_created_by_customer"],
    ...     "tag": [None, "billing", "billing", None],
    ... }))
    >>> tag_trends(events)[["period", "tag", "share", "complete"]]
                      period      tag  share  complete
    0  2026-03-02/2026-03-08  billing    0.5     False

    The week is not complete: the data ends with its latest event, on 2026-03-03.
    """
    return tag_trends_of(tag_facts(events, freq=freq, top=top), freq=freq, top=top)


def _check(freq: str | None, top: int | None) -> None:
    if top is not None and (isinstance(top, bool) or not isinstance(top, int) or top < 1):
        raise ValueError(f"top must be a positive int or None, not {top!r}")
    if freq is not None:
        check_freq(freq)


def tag_facts(
    events: pd.DataFrame, *, freq: str | None = "W", top: int | None = None
) -> pd.DataFrame:
    """What tag trends count, per conversation: its creation and the tags added to it.

    The first step of :func:`tag_trends`, which :func:`tag_trends_of` completes: events of
    whole conversations in, rows per conversation out, so the facts of several frames
    (partitions of a snapshot, say) can be put together before they are counted.

    Returns
    -------
    DataFrame
        ``conversation_id``, ``created_at``, ``tag``: one row per tag added to the
        conversation (each tag once), or one row with a missing tag when none was; then
        ``window_start``, ``window_end`` and ``as_of``, the span the events cover (see
        :func:`tag_trends`).

    Examples
    --------
    >>> import pandas as pd
    >>> from dixa_analytics.events import conform_events
    >>> events = conform_events(pd.DataFrame({
    ...     "conversation_id": [1, 1, 2],
    ...     "timestamp": pd.to_datetime(["2026-03-02 09:00", "2026-03-02 09:01",
    ...                                  "2026-03-03 12:00"], utc=True),
    ...     "activity_type": ["conversation_created_by_customer", "tag_added",
    ...                       "conversation_created_by_customer"],
    ...     "tag": [None, "billing", None],
    ... }))
    >>> tag_facts(events)[["conversation_id", "tag"]]
       conversation_id      tag
    0                1  billing
    1                2     <NA>
    """
    _check(freq, top)
    tl = build_timeline(
        events, required=["tag"], optional=["event_id"], as_of=None, metric="tag_trends"
    )
    created = tl.times(tl.creation())
    tagged = (tl.kind == Kind.TAG_ADDED) & tl.column("tag").notna().to_numpy()
    pairs = pd.DataFrame(
        {"group": tl.group[tagged], "tag": tl.column("tag")[tagged].astype(STRING)}
    ).drop_duplicates()
    untagged = np.setdiff1d(np.arange(tl.n_groups), pairs["group"].to_numpy())
    rows = pd.concat(
        [pairs, pd.DataFrame({"group": untagged, "tag": pd.array([pd.NA] * len(untagged), STRING)})]
    ).sort_values(["group", "tag"], kind="stable")
    group = rows["group"].to_numpy()
    span = events_span(events, tl.ns, tl.as_of)
    return pd.DataFrame(
        {
            "conversation_id": pd.array(tl.ids[group], dtype=INT),
            "created_at": created.take(group).reset_index(drop=True),
            "tag": rows["tag"].reset_index(drop=True),
            **span_columns(span, len(group)),
        }
    )


def tag_trends_of(
    facts: pd.DataFrame, *, freq: str | None = "W", top: int | None = None
) -> pd.DataFrame:
    """Tag trends from :func:`tag_facts`.

    Examples
    --------
    >>> facts = pd.DataFrame({"conversation_id": [1, 2],
    ...     "created_at": pd.to_datetime(["2026-03-02", "2026-03-03"], utc=True),
    ...     "tag": pd.array(["billing", None], dtype="string")})
    >>> tag_trends_of(facts)[["tag", "conversations", "cohort_size", "share"]]
           tag  conversations  cohort_size  share
    0  billing              1            2    0.5
    """
    _check(freq, top)
    conversations = facts.drop_duplicates("conversation_id")
    if freq is None:
        cohort = pd.Series(np.zeros(len(conversations), dtype=np.int64))
    else:
        cohort = conversations["created_at"].dt.tz_localize(None).dt.to_period(freq)
    cohort = pd.Series(cohort.to_numpy(), index=conversations["conversation_id"].to_numpy())
    pairs = facts.loc[facts["tag"].notna(), ["conversation_id", "tag"]]
    overall = pairs["tag"].astype(STRING).value_counts()
    ranked = sorted(overall.items(), key=lambda item: (-item[1], item[0]))
    tags = sorted(tag for tag, _ in ranked[:top])
    pairs = pairs.assign(period=cohort.reindex(pairs["conversation_id"].to_numpy()).array)

    sizes = cohort.value_counts(sort=False).sort_index()
    grid = pd.MultiIndex.from_product([sizes.index, pd.Index(tags, dtype="string")])
    counts = pairs.groupby(["period", "tag"], sort=False).size().reindex(grid, fill_value=0)
    table = pd.DataFrame(
        {
            "period": grid.get_level_values(0),
            "tag": grid.get_level_values(1),
            "conversations": counts.to_numpy(),
            "cohort_size": sizes.reindex(grid.get_level_values(0)).to_numpy(),
        }
    )
    table["share"] = table["conversations"] / table["cohort_size"]
    span = facts_span(facts, ["created_at"])
    if freq is None:
        return conform(table.assign(complete=complete_pooled(span)), TAG_TRENDS)
    table["period"] = table["period"].astype(pd.PeriodDtype(freq))
    table["complete"] = complete_periods(table["period"], span)
    result = conform(table, TAG_TRENDS)
    result.insert(0, "period", table["period"])
    return result
