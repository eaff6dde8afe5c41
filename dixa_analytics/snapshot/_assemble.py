"""Events frames put together from pieces, as one fetch of all their records would make them.

The events frame's columns are built event by event (the agent an event is about included),
so the frame of all records is the frame of each piece stacked, then put in order and rid of
repeated events (:func:`~dixa_analytics.events.conform_events`). Joins are made last, from
the tables of the moment (:func:`~dixa_analytics.events.with_joins`).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from dixa_analytics.events import EVENTS, conform_events, with_joins
from dixa_analytics.frames import empty

__all__ = ["assembled", "stacked"]


def stacked(frames: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """The rows of ``frames`` one after another; a column some pieces lack is missing there.

    Columns come in order of first appearance, each with the dtype of the first piece that
    has it (plain ``pd.concat`` would make a column object where a piece lacks it).

    Examples
    --------
    >>> a = pd.DataFrame({"x": pd.array([1], dtype="Int64")})
    >>> b = pd.DataFrame({"x": pd.array([2], dtype="Int64"), "y": pd.array(["b"], "string")})
    >>> stacked([a, b]).dtypes.astype(str).tolist()
    ['Int64', 'string']
    """
    frames = [frame for frame in frames if len(frame)] or list(frames[:1])
    if not frames:
        return empty(EVENTS)
    if len(frames) == 1:
        return frames[0].reset_index(drop=True)
    dtypes: dict[str, object] = {}
    for frame in frames:
        for name in frame.columns:
            dtypes.setdefault(name, frame[name].dtype)
    whole = [
        frame.assign(
            **{
                name: pd.Series(pd.NA, index=frame.index, dtype=dtype)
                for name, dtype in dtypes.items()
                if name not in frame.columns
            }
        )[list(dtypes)]
        for frame in frames
    ]
    return pd.concat(whole, ignore_index=True)


def assembled(
    pieces: Sequence[pd.DataFrame],
    *,
    users: pd.DataFrame,
    queues: pd.DataFrame,
    conversations: pd.DataFrame,
) -> pd.DataFrame:
    """The events frame of every record in ``pieces`` (earlier pieces win a repeated event),
    joined with ``users``, ``queues`` and ``conversations``."""
    ordered = conform_events(stacked(pieces))
    return with_joins(ordered, users=users, queues=queues, conversations=conversations)
