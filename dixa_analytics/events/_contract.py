"""The events-frame contract, checked where frames come in.

A frame from :func:`events_frame` (or ``fetch_activitylog``) already holds every promise the
analyses rely on: declared dtypes, one row per event id, sorted by conversation and time, and
``agent_id``/``agent_name`` naming the agent each event is about. :func:`ordered_events` checks
those promises in a few vectorised passes and passes such a frame through untouched. A frame
built another way (by hand, from a CSV, filtered and concatenated) is put in order by the same
functions the events frame uses, so the rules live in one place and the results do not depend
on how a frame was made. :func:`conform_events` does the same for a whole frame.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from dixa_analytics._errors import listing
from dixa_analytics.events._agents import derive_agents
from dixa_analytics.events._frame import respelled
from dixa_analytics.events._order import event_order, is_ordered, lifecycle_ranks
from dixa_analytics.events._schema import EVENTS, EVENTS_SOURCE
from dixa_analytics.frames import STRING, UTC, conform, require_columns, utc_array

__all__ = ["OrderedEvents", "conform_events", "ordered_events"]

_NAT = np.iinfo(np.int64).min
_KEYS = ("conversation_id", "timestamp", "activity_type")
# What deriving the agents reads, besides the activity type.
_AGENT_SOURCES = (
    "agent_id",
    "agent_name",
    "author_id",
    "author_name",
    "destination_type",
    "destination_id",
    "destination_label",
)


@dataclass(frozen=True)
class OrderedEvents:
    """Events held to the contract, with their keys as numpy arrays.

    Attributes
    ----------
    frame : pandas.DataFrame
        The columns asked for, on a fresh RangeIndex: no repeated event id, no row without a
        conversation or a time, sorted by ``conversation_id`` then ``timestamp``.
    conversation_ids, ns : numpy.ndarray of int64
        Each row's conversation id and UTC nanoseconds.
    """

    frame: pd.DataFrame
    conversation_ids: np.ndarray
    ns: np.ndarray


def _arrow_text(values: pd.Series) -> pa.Array:
    """A text column as one arrow array (the column's own buffers when it is arrow text)."""
    text = pa.array(values if values.dtype == STRING else values.astype(STRING))
    return text.combine_chunks() if isinstance(text, pa.ChunkedArray) else text


def _labels(values: pd.Series) -> pa.Array | pd.Categorical:
    """A label column as its Categorical when it is one (never decoded row by row)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.array
    return _arrow_text(values)


def _nanoseconds(stamps: pd.Series) -> np.ndarray:
    """UTC nanoseconds of a timestamp column (``_NAT`` where missing).

    Datetimes of any unit or zone are converted; anything else is read as the APIs write
    times (ISO text in any documented form, epoch milliseconds).

    Raises
    ------
    ValueError
        If a value is present but is no time; the message shows the first ones.
    """
    if stamps.dtype == UTC:
        return np.asarray(stamps.array.asi8)
    if isinstance(stamps.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(stamps):
        aware = stamps.dt.tz_localize("UTC") if stamps.dt.tz is None else stamps
        return np.asarray(aware.dt.tz_convert("UTC").dt.as_unit("ns").array.asi8)
    parsed, bad = utc_array(stamps.to_numpy(dtype=object))
    if bad.any():
        shown = listing(stamps[bad].tolist(), 3, repr)
        raise ValueError(f"timestamp holds values that are not times: {shown}")
    return np.asarray(parsed.asi8)


def ordered_events(
    events: pd.DataFrame, columns: Iterable[str], *, required: Iterable[str] = (), use: str
) -> OrderedEvents:
    """The events a computation needs, held to the contract; cheap when they already are.

    Parameters
    ----------
    events : pandas.DataFrame
        An events frame, or any frame with its key columns.
    columns : iterable of str
        The columns wanted, besides ``conversation_id``, ``timestamp`` and ``activity_type``;
        those the frame lacks are left out. With ``agent_id``, the agents are derived where
        the frame has not done so.
    required : iterable of str
        Columns that must be present, besides the three keys.
    use : str
        What the events are for, for error messages (e.g. ``"handling_time"``).

    Returns
    -------
    OrderedEvents

    Raises
    ------
    TypeError
        If ``events`` is not a DataFrame.
    ValueError
        If a key or required column is missing; the message names them and what to pass.

    Examples
    --------
    >>> frame = pd.DataFrame({"conversation_id": [2, 1], "activity_type": ["x", "y"],
    ...     "timestamp": pd.to_datetime(["2026-03-02", "2026-03-01"], utc=True)})
    >>> ordered_events(frame, [], use="an example").conversation_ids
    array([1, 2])
    """
    keys = [*_KEYS, *required]
    require_columns(events, keys, name=f"events (for {use})", source=EVENTS_SOURCE)
    wanted = [*keys, *columns]
    if "agent_id" in wanted:
        wanted += _AGENT_SOURCES
    if "event_id" in events.columns:
        wanted.append("event_id")
    frame = events[[c for c in dict.fromkeys(wanted) if c in events.columns]]
    csids = frame["conversation_id"]
    ns = _nanoseconds(frame["timestamp"])
    placeable = ~(csids.isna().to_numpy() | (ns == _NAT))
    conversation_ids = csids.to_numpy(dtype=np.int64, na_value=0)
    ids = _arrow_text(frame["event_id"]) if "event_id" in frame.columns else None
    if not placeable.all():
        rows = np.flatnonzero(placeable)
        frame, conversation_ids, ns = frame.take(rows), conversation_ids[rows], ns[rows]
        ids = None if ids is None else ids.take(pa.array(rows))
    ranks = lifecycle_ranks(_labels(frame["activity_type"]))
    if not is_ordered(conversation_ids, ns, ids, ranks):
        order = event_order(conversation_ids, ns, ids, ranks)
        frame, conversation_ids, ns = frame.take(order), conversation_ids[order], ns[order]
    frame = frame.reset_index(drop=True)
    if "agent_id" in wanted:
        frame = _with_agents(frame)
    return OrderedEvents(frame, conversation_ids, ns)


def _with_agents(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its agents derived, if deriving them changes anything."""
    nulls = pd.Series(pd.NA, index=frame.index, dtype=STRING)

    def text(name: str) -> pa.Array:
        return _arrow_text(frame[name] if name in frame.columns else nulls)

    destination_type = frame.get("destination_type")
    agents = derive_agents(
        pd.Categorical(frame["activity_type"]),
        *(text(name) for name in ("agent_id", "agent_name", "author_id", "author_name")),
        None if destination_type is None else pd.Categorical(destination_type),
        text("destination_id"),
        _labels(frame["destination_label"] if "destination_label" in frame.columns else nulls),
    )
    if agents is None:
        return frame
    agent_id, agent_name = (pd.Series(a, index=frame.index, dtype=STRING) for a in agents)
    return frame.assign(agent_id=agent_id, agent_name=agent_name)


def conform_events(frame: pd.DataFrame) -> pd.DataFrame:
    """Hold a frame built another way (by hand, from a file) to the events-frame contract.

    Parameters
    ----------
    frame : pandas.DataFrame
        Events with at least ``conversation_id``, ``timestamp`` and ``activity_type``; any
        other declared column it has is cast to its dtype, the rest are added as missing.

    Returns
    -------
    pandas.DataFrame
        The declared columns in order with their dtypes, then the frame's other columns: rows
        without a conversation or a time dropped, the first row of each repeated
        ``event_id`` kept, sorted by ``conversation_id`` then ``timestamp`` (ties in
        lifecycle order, then by ``event_id``), and ``agent_id``/``agent_name`` naming the
        agent each claim or transfer is about, as :func:`events_frame` makes them. The input
        is not modified.

    Examples
    --------
    >>> events = conform_events(pd.DataFrame({
    ...     "conversation_id": [7, 7],
    ...     "timestamp": ["2026-03-02 09:05", "2026-03-02 09:00"],
    ...     "activity_type": ["conversation_claimed", "conversation_created_by_customer"],
    ...     "author_id": ["a1", "c1"],
    ... }))
    >>> events[["activity_type", "author_id", "agent_id"]]
                        activity_type author_id agent_id
    0  conversation_created_by_customer        c1     <NA>
    1            conversation_claimed        a1       a1
    """
    require_columns(frame, _KEYS, name="frame", source="a frame with the events' key columns")
    extra = [c for c in frame.columns if c not in EVENTS]
    ordered = ordered_events(frame, [*EVENTS, *extra], use="conform_events").frame
    stamps = pd.DatetimeIndex(_nanoseconds(ordered["timestamp"]).view("M8[ns]")).tz_localize("UTC")
    typed = conform(ordered.assign(timestamp=stamps), EVENTS, extra=True)
    return typed.assign(activity_type=respelled(pd.Categorical(typed["activity_type"])))
