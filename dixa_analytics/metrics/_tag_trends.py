"""Tag trends: the share of each period's new conversations that carried each tag."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dixa_analytics.events import Kind
from dixa_analytics.frames import FLOAT, INT, STRING, Schema, conform
from dixa_analytics.metrics._definitions import with_definition
from dixa_analytics.metrics._timeline import build_timeline, check_freq

__all__ = ["DEFINITION", "TAG_TRENDS", "tag_trends"]

TAG_TRENDS: Schema = {
    "tag": STRING,
    "conversations": INT,
    "cohort_size": INT,
    "share": FLOAT,
}


#: The definition stated in the docstring, the figures and the report.
DEFINITION = (
    "Tag trends take the cohort of conversations created in each period (creation is the first "
    "conversation_created_* event, or the first event when there is none). For each period and "
    "tag, conversations counts the cohort's conversations that had the tag added at any time "
    "(once per conversation, even when added twice or removed later), cohort_size is the size "
    "of the cohort and share = conversations / cohort_size. Every period and tag pair appears, "
    "zeros included; top=N keeps the N tags added to most conversations overall."
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
        ``cohort_size``, ``share``; one row per period with new conversations and selected
        tag, sorted by period and tag.

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
    >>> tag_trends(events)
                      period      tag  conversations  cohort_size  share
    0  2026-03-02/2026-03-08  billing              1            2    0.5
    """
    if top is not None and (isinstance(top, bool) or not isinstance(top, int) or top < 1):
        raise ValueError(f"top must be a positive int or None, not {top!r}")
    if freq is not None:
        check_freq(freq)
    tl = build_timeline(
        events, required=["tag"], optional=["event_id"], as_of=None, metric="tag_trends"
    )
    if freq is None:
        cohort = pd.Series(np.zeros(tl.n_groups, dtype=np.int64))
    else:
        cohort = tl.times(tl.creation()).dt.tz_localize(None).dt.to_period(freq)

    tagged = (tl.kind == Kind.TAG_ADDED) & tl.column("tag").notna().to_numpy()
    pairs = pd.DataFrame(
        {"group": tl.group[tagged], "tag": tl.column("tag")[tagged].astype("string")}
    ).drop_duplicates()
    overall = pairs["tag"].value_counts()
    ranked = sorted(overall.items(), key=lambda item: (-item[1], item[0]))
    tags = sorted(tag for tag, _ in ranked[:top])
    pairs["period"] = cohort.take(pairs["group"].to_numpy()).array

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
    result = conform(table, TAG_TRENDS)
    if freq is not None:
        result.insert(0, "period", table["period"].astype(cohort.dtype))
    return result
