"""Events frames put together from pieces, as one fetch of all their records would make them.

The events frame's columns are built event by event (the agent an event is about included),
so the frame of all records is the frame of each piece stacked, then put in order and rid of
repeated events (:func:`~dixa_analytics.events.conform_events`). Joins are made last, from
the tables of the moment (:func:`~dixa_analytics.events.with_joins`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from pandas.api.types import union_categoricals

from dixa_analytics.events import EVENTS, conform_events, with_joins
from dixa_analytics.frames import canonical_categories, empty

__all__ = ["assembled", "in_order", "only_used_categories", "stacked"]


def stacked(frames: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """The rows of ``frames`` one after another; a column some pieces lack is missing there.

    Columns come in order of first appearance, each with the dtype of the first piece that
    has it (plain ``pd.concat`` would make a column object where a piece lacks it, and a
    categorical one text where the pieces' categories differ).

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
    columns = {}
    for name, dtype in dtypes.items():
        pieces = [
            frame[name].reset_index(drop=True)
            if name in frame.columns
            else pd.Series(pd.NA, index=pd.RangeIndex(len(frame)), dtype=dtype)
            for frame in frames
        ]
        if isinstance(dtype, pd.CategoricalDtype):
            # One union of the categories, not a detour through text.
            joined = union_categoricals([piece.array for piece in pieces], ignore_order=True)
            columns[name] = canonical_categories(pd.Series(joined, copy=False))
        else:
            columns[name] = pd.concat(pieces, ignore_index=True)
    return pd.DataFrame(columns, copy=False)


def only_used_categories(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with each categorical column's categories cut to the values it holds, as the
    frame builders make them (rows taken out leave their categories behind).

    Examples
    --------
    >>> frame = pd.DataFrame({"kind": pd.Categorical(["a", "b"])}).iloc[:1]
    >>> list(only_used_categories(frame)["kind"].cat.categories)
    ['a']
    """
    return frame.assign(
        **{
            name: frame[name].cat.remove_unused_categories()
            for name in frame.columns
            if isinstance(frame[name].dtype, pd.CategoricalDtype)
        }
    )


def in_order(frames: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Events frames of disjoint conversations (each frame held to the contract), as one
    frame held to it.

    Each conversation's events sit in one frame, in order, so stacking the frames and sorting
    them by conversation alone (stably) puts every event in its place; usually the frames
    follow each other already (csids grow with time) and nothing is sorted.
    """
    whole = stacked(frames)
    csids = whole["conversation_id"].to_numpy(dtype="int64", na_value=0)
    if len(csids) and (csids[1:] < csids[:-1]).any():
        whole = whole.take(np.argsort(csids, kind="stable")).reset_index(drop=True)
    return whole


def assembled(
    pieces: Sequence[pd.DataFrame],
    *,
    users: pd.DataFrame,
    queues: pd.DataFrame,
    conversations: pd.DataFrame,
) -> pd.DataFrame:
    """The events frame of every record in ``pieces`` (earlier pieces win a repeated event),
    joined with ``users``, ``queues`` and ``conversations``."""
    ordered = only_used_categories(conform_events(stacked(pieces)))
    return with_joins(ordered, users=users, queues=queues, conversations=conversations)
