"""The events frame exploded by type: one frame per activity type, holding its columns."""

from __future__ import annotations

import pandas as pd

from dixa_analytics.events._schema import EVENTS
from dixa_analytics.events._vocabulary import EVENT_CORE_FIELDS, TYPE_COLUMNS
from dixa_analytics.frames import OBJECT

__all__ = ["CORE_EVENT_COLUMNS", "split_by_type"]

#: Columns every per-type frame keeps: the events frame's own (not attribute) columns.
CORE_EVENT_COLUMNS: tuple[str, ...] = tuple(c for c in EVENTS if c in EVENT_CORE_FIELDS)


def split_by_type(events: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Split an events frame into one frame per activity type, holding only its columns.

    Parameters
    ----------
    events : pandas.DataFrame
        An :func:`events_frame`.

    Returns
    -------
    dict of str to pandas.DataFrame
        Activity type (sorted by name) → its rows, keeping the events frame's index and
        order. Columns, in the events frame's order: :data:`CORE_EVENT_COLUMNS`, the
        attribute columns of the type in the vocabulary's ``TYPE_COLUMNS``, any other column
        that is non-null for that type, and ``attributes`` when present. Dtypes are unchanged.
        An empty frame gives an empty dict.

    Examples
    --------
    >>> from dixa_analytics.events import events_frame
    >>> events = events_frame([{"id": "e1", "conversation_id": 7, "activity_type": "tag_added",
    ...     "activity_timestamp": "2021-08-03T10:15:30Z", "attributes": {"tag_name": "vip"}}])
    >>> parts = split_by_type(events)
    >>> list(parts), "tag" in parts["tag_added"], "note" in parts["tag_added"]
    (['tag_added'], True, False)
    """
    if not isinstance(events, pd.DataFrame) or "activity_type" not in events.columns:
        raise TypeError("split_by_type expects an events frame from events_frame()")
    parts: dict[str, pd.DataFrame] = {}
    types = events["activity_type"].astype(OBJECT)
    for name in sorted(t for t in types.dropna().unique()):
        rows = events[(types == name).to_numpy()]
        wanted = set(CORE_EVENT_COLUMNS) | set(TYPE_COLUMNS.get(name, ())) | {"attributes"}
        keep = [c for c in rows.columns if c in wanted or rows[c].notna().any()]
        parts[str(name)] = rows[keep]
    return parts
