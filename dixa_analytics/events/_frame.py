"""The events frame: raw activity-log records → one typed row per event, in order, joined.

Reading (:mod:`._reader`), ordering (:mod:`._order`) and the agent an event is about
(:mod:`._agents`) each happen here once; everything downstream, the metrics included, reads
the frame as it stands.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from dixa_analytics.events._agents import derive_agents
from dixa_analytics.events._joins import joined
from dixa_analytics.events._order import Sorter, event_order, event_times, lifecycle_ranks
from dixa_analytics.events._reader import Sparse, read_attributes, read_core, require_list
from dixa_analytics.events._schema import EVENTS, EVENTS_SOURCE, LIST_COLUMNS
from dixa_analytics.events._vocabulary import activity_type_name
from dixa_analytics.frames import (
    CATEGORY,
    INT,
    OBJECT,
    STRING,
    arrow_text,
    categorical,
    column,
    conform,
    empty,
    extra_array,
    from_arrow,
    null_array,
    objects,
    require_columns,
    text_lists,
)

__all__ = ["events_frame", "respelled", "with_joins"]

_AUTHOR = ("author_id", "author_name", "author_email")


def events_frame(
    records: list[dict],
    *,
    users: pd.DataFrame | None = None,
    queues: pd.DataFrame | None = None,
    conversations: pd.DataFrame | None = None,
    keep_raw: bool = False,
) -> pd.DataFrame:
    """Turn raw activity-log records into the events frame.

    Parameters
    ----------
    records : list of dict
        Activity-log records (the list under ``data``) in any documented variant: either
        timestamp spelling (``activity_timestamp`` wins when both are present), any timestamp
        form (``.123Z``, no fraction, ``:123Z`` colon milliseconds, ``+00:00`` or other
        offsets, converted to UTC), any tag key spelling, null or absent ``author`` and
        ``attributes``, activity types in snake_case or CamelCase, unknown activity types and
        attribute keys.
    users : pandas.DataFrame, optional
        A :func:`~dixa_analytics.frames.users_frame` (or the raw user records); gives
        ``author_is_agent`` (True when the author's role list is non-empty). Without it, or
        for unknown authors, NA.
    queues : pandas.DataFrame, optional
        A queues frame (or raw queue records); maps ``queue_id`` to ``queue_name``.
    conversations : pandas.DataFrame, optional
        A conversations frame; gives each event its conversation's ``queue_id`` and
        ``channel`` (and ``queue_name``, unless ``queues`` names the queue).
    keep_raw : bool, default False
        Add an ``attributes`` column (last) holding a copy of each record's raw attributes.

    Returns
    -------
    pandas.DataFrame
        The EVENTS schema, then any attribute field the schema does not declare, as a
        snake_case column, in order of first appearance. One row per distinct ``id`` (the
        first record of a repeated id is kept), sorted by ``conversation_id`` then
        ``timestamp``; events of a conversation at the same time in lifecycle order
        (``dixa_analytics.events.LIFECYCLE``: created, offered, unassigned,
        assigned/claimed/transferred, everything else, pending, closed, reopened), then by
        ``event_id``, so the frame does not depend on the order the records came in. The
        index is a fresh RangeIndex.
        ``activity_type`` is in snake_case (``ConversationClosed`` → ``conversation_closed``).
        ``agent_id``/``agent_name`` name the agent an event is about: the assigned or
        unassigned agent, the rated agent, the claiming agent (the author of
        ``conversation_claimed``), or a transfer destination of type agent/user.

    Raises
    ------
    TypeError
        If ``records`` is not a list of dicts, or a join argument is not a frame.
    SchemaError
        If a record is not in the documented shape: it lacks ``id``, ``conversation_id`` or
        ``activity_type``, one of them is of the wrong kind (an id that is not text, a csid
        that is not an integer, an activity type that is not text), its timestamp is missing
        or unreadable, or its author or attributes are not objects. The message names the
        record and the field.

    Notes
    -----
    Arrow reads the records' core fields in one pass; one Python pass explodes their
    attributes while a worker thread parses the timestamps, drops repeated events and sorts
    (arrow and numpy release the GIL for most of that work).

    Examples
    --------
    >>> events = events_frame([
    ...     {"id": "e2", "conversation_id": 7, "activity_timestmap": "2015-11-30T00:05:00:000Z",
    ...      "activity_type": "tag_added", "author": None, "attributes": {"tag_name": "vip"}},
    ...     {"id": "e1", "conversation_id": 7, "activity_timestamp": "2015-11-30T00:00:00Z",
    ...      "activity_type": "conversation_created_by_customer", "author": {"id": "u1"}},
    ... ])
    >>> events["event_id"].tolist(), events["author_id"].tolist(), events["tag"].tolist()
    (['e1', 'e2'], ['u1', <NA>], [<NA>, 'vip'])
    >>> str(events["timestamp"].iloc[1])
    '2015-11-30 00:05:00+00:00'
    """
    records = require_list(records)
    if not records:
        frame = empty(EVENTS)
        if keep_raw:
            frame["attributes"] = pd.Series([], dtype=OBJECT)
        return frame
    data, order = _event_data(records)
    frame = pd.DataFrame(data, index=pd.RangeIndex(len(order)), copy=False)
    joined(frame, users, queues, conversations)
    frame = conform(frame, EVENTS, extra=True)
    if keep_raw:
        raw = [records[i].get("attributes") for i in order]
        frame["attributes"] = pd.Series(copy.deepcopy(raw), index=frame.index, dtype=OBJECT)
    return frame


def with_joins(
    events: pd.DataFrame,
    *,
    users: pd.DataFrame | None = None,
    queues: pd.DataFrame | None = None,
    conversations: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """An events frame with its joins made again from newer users, queues or conversations.

    The joined columns (``author_is_agent``; ``queue_id``, ``queue_name`` and ``channel``)
    come out as :func:`events_frame` makes them from the same records and tables, so events
    kept from an earlier fetch can be brought up to date without fetching them again.

    Parameters
    ----------
    events : pandas.DataFrame
        An events frame (not modified).
    users, queues, conversations : pandas.DataFrame, optional
        As for :func:`events_frame`; the joins of a table not given are left as they are.

    Returns
    -------
    pandas.DataFrame
        A new frame, same rows and columns, dtypes as declared.

    Examples
    --------
    >>> from dixa_analytics.frames import conversations_frame
    >>> events = events_frame([{"id": "e1", "conversation_id": 7,
    ...     "activity_timestamp": "2026-03-02T09:00:00Z",
    ...     "activity_type": "conversation_created_by_customer"}])
    >>> moved = conversations_frame([{"id": 7, "created_at": 1772442000000,
    ...     "initial_channel": "email", "requester_id": "c1", "queue_id": "q2",
    ...     "queue_name": "Billing"}])
    >>> with_joins(events, conversations=moved)[["queue_id", "queue_name", "channel"]]
      queue_id queue_name channel
    0       q2    Billing   email
    """
    require_columns(events, ("conversation_id", "author_id"), name="events", source=EVENTS_SOURCE)
    frame = events.copy(deep=False)
    joined(frame, users, queues, conversations)
    return conform(frame, EVENTS, extra=True)


def _event_data(records: Sequence[Any]) -> tuple[dict[str, Any], np.ndarray]:
    """The events frame's columns (declared ones first, in schema order) and the input row of
    each output row."""
    # Most of arrow's and numpy's work runs without the GIL, so it goes to another thread
    # while Python works: parsing, deduplicating and sorting the core beside the attribute
    # pass, then putting the attribute columns in place two at a time.
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="events_frame") as pool:
        core = read_core(records)
        ordered = pool.submit(_OrderedCore.of, core, len(records))
        attributes = read_attributes(records)
        return _with_attributes(ordered.result(), attributes, pool)


@dataclass(frozen=True)
class _OrderedCore:
    """The core columns in output order, and the sorter that put them there."""

    sorter: Sorter
    data: dict[str, Any]  # event_id, conversation_id, timestamp, activity_type: frame-ready
    text: dict[str, pa.Array]  # author_id, author_name, author_email

    @classmethod
    def of(cls, core: Mapping[str, Any], size: int) -> _OrderedCore:
        ids = core["event_id"]
        times = event_times(core["timestamp"], ids)
        csids = core["conversation_id"]
        order = event_order(csids, times, ids, lifecycle_ranks(core["activity_type"]))
        sorter = Sorter(order, size)
        kinds = sorter.dense_category(core["activity_type"])
        data = {
            "event_id": pd.arrays.ArrowStringArray(ids.take(sorter.arrow_order)),
            "conversation_id": pd.array(csids[order], dtype=INT),
            "timestamp": pd.DatetimeIndex(times[order].view("datetime64[ns]")).tz_localize("UTC"),
            "activity_type": respelled(kinds),
        }
        text = {name: sorter.dense_text(core[name]) for name in _AUTHOR}
        return cls(sorter, data, text)


def respelled(kinds: pd.Categorical) -> pd.Categorical:
    """Activity types in snake_case (:func:`activity_type_name`), respelled per category
    rather than per row (a handful of names for a million events); two spellings of one type
    become one category."""
    names = [activity_type_name(str(c)) for c in kinds.categories]
    if names == list(kinds.categories):
        return kinds
    unique = list(dict.fromkeys(names))
    number = np.array([unique.index(name) for name in names], dtype=np.int32)
    respelled = np.where(kinds.codes >= 0, number[np.maximum(kinds.codes, 0)], -1)
    return categorical(respelled.astype(np.int32), pa.array(unique, type=pa.large_string()))


def _with_attributes(
    core: _OrderedCore, attributes: Mapping[str, Sparse], pool: ThreadPoolExecutor
) -> tuple[dict[str, Any], np.ndarray]:
    """Every column of the events frame from the ordered core and the sparse attributes."""
    sorter = core.sorter
    n = len(sorter.order)
    placed = {
        name: pool.submit(_placed, sorter, name, EVENTS.get(name), rows, values)
        for name, (rows, values) in attributes.items()
    }
    columns = {name: column.result() for name, column in placed.items()}
    text = dict(core.text)  # arrow text, made a frame column once agents are derived
    text.update((name, c) for name, c in columns.items() if EVENTS.get(name) == STRING)
    nulls = pa.nulls(n, type=pa.large_string())
    agents = derive_agents(
        core.data["activity_type"],
        text.get("agent_id", nulls),
        text.get("agent_name", nulls),
        text["author_id"],
        text["author_name"],
        columns.get("destination_type"),
        text.get("destination_id", nulls),
        columns.get("destination_label", nulls),
    )
    if agents is not None:
        text["agent_id"], text["agent_name"] = agents

    data = dict(core.data)
    for name, dtype in EVENTS.items():
        if name in data:
            continue
        if name in text:
            data[name] = from_arrow(text[name], dtype)
        elif name in columns:
            data[name] = columns[name]
        else:
            data[name] = null_array(dtype, n)
    for name in attributes:  # undeclared attribute fields, in order of first appearance
        data.setdefault(name, columns[name])
    return data, sorter.order


def _placed(
    sorter: Sorter, name: str, dtype: object, rows: np.ndarray, values: list | pa.Array
) -> Any:
    """One sparse attribute column in output order: arrow text for a STRING column, a
    Categorical, lists of text, or the column's typed array."""
    if dtype == CATEGORY:
        return sorter.sparse_category(rows, arrow_text(values))
    if dtype == STRING:
        return sorter.sparse_arrow(rows, arrow_text(values))
    if name in LIST_COLUMNS:
        kept = sorter.kept(rows)
        return sorter.sparse_typed(rows[kept], text_lists(objects(values)[kept]))
    return _typed_sparse(sorter, rows, values, dtype)


def _typed_sparse(sorter: Sorter, rows: np.ndarray, values: list | pa.Array, dtype: object) -> Any:
    """A sparse column that is not text, typed from the values of the rows kept.

    Typing only the values present makes a column that few events carry (a rating's score)
    cost its own size, not the frame's; leaving out dropped duplicates keeps a discarded
    record from changing the column's dtype.
    """
    kept = sorter.kept(rows)
    rows = rows[kept]
    present = objects(values)[kept]
    typed = extra_array(present) if dtype is None else column(present, dtype)
    if isinstance(typed, pd.Index):  # timestamps: the array behind the index
        typed = typed.array
    return sorter.sparse_typed(rows, typed)
