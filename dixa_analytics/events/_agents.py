"""The agent an event is about, where the record does not name one in its attributes.

A claim is about the claiming agent, its author. A transfer to an agent or user (any of the
three transfer types) is about its destination: where the event names no agent of its own,
``agent_id`` is the destination's id and ``agent_name`` its label. Every other event keeps the
agent its attributes name (assigned, unassigned, rated…). This rule is applied once, when the
events frame is built; the metrics read ``agent_id``/``agent_name`` as they stand.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dixa_analytics.events._vocabulary import (
    TRANSFER_TYPES,
    Kind,
    activity_type_name,
    is_agent_destination,
    kind_of,
)
from dixa_analytics.frames import category_text

__all__ = ["derive_agents"]


def _where(values: pd.Categorical, wanted: Callable[[str], bool]) -> np.ndarray:
    """Boolean mask of the rows whose category satisfies ``wanted`` (decided per category)."""
    chosen = [i for i, category in enumerate(values.categories) if wanted(str(category))]
    return np.isin(values.codes, chosen)


# A text column: arrow text, or a Categorical of text (the frame's label columns).
Text = pa.Array | pd.Categorical


def _present(values: Text) -> np.ndarray:
    if isinstance(values, pd.Categorical):
        return values.codes >= 0
    return values.is_valid().to_numpy(zero_copy_only=False)


def _taken(values: Text, rows: np.ndarray) -> pa.Array:
    """The text of ``rows`` only: a Categorical's few rows are decoded, not the whole column."""
    if isinstance(values, pd.Categorical):
        return category_text(values.take(rows))
    return values.take(pa.array(rows))


def _filled(target: pa.Array, mask: np.ndarray, source: Text) -> pa.Array:
    """``target`` with the rows of ``mask`` taken from ``source``."""
    rows = np.flatnonzero(mask)
    if not rows.size:
        return target
    return pc.replace_with_mask(target, pa.array(mask), _taken(source, rows))


def _differs(left: pa.Array, right: pa.Array, rows: np.ndarray) -> bool:
    """Whether ``left`` and ``right`` differ (nulls compared as values) at any of ``rows``."""
    taken = pa.array(rows)
    a, b = left.take(taken), right.take(taken)
    same = pc.fill_null(pc.equal(a, b), False)
    same = pc.or_(same, pc.and_(a.is_null(), b.is_null()))
    return not pc.all(same).as_py()


def derive_agents(
    activity_type: pd.Categorical,
    agent_id: pa.Array,
    agent_name: pa.Array,
    author_id: pa.Array,
    author_name: pa.Array,
    destination_type: pd.Categorical | None,
    destination_id: Text,
    destination_label: Text,
) -> tuple[pa.Array, pa.Array] | None:
    """``agent_id`` and ``agent_name`` with claims and transfers to agents filled in.

    Parameters
    ----------
    activity_type, destination_type : pandas.Categorical
        Each event's activity type (either spelling) and transfer destination type (None when
        no event has one).
    agent_id, agent_name, author_id, author_name : pyarrow.Array
        Large-string columns, one value per event.
    destination_id, destination_label : pyarrow.Array or pandas.Categorical
        Text columns, one value per event.

    Returns
    -------
    tuple of pyarrow.Array, or None
        The new ``agent_id`` and ``agent_name``; None when the rule changes nothing (the
        columns already follow it).

    Examples
    --------
    >>> kinds = pd.Categorical(["conversation_claimed", "tag_added"])
    >>> text = pa.array(["a1", None], type=pa.large_string())
    >>> names = pa.array(["Alex", None], type=pa.large_string())
    >>> nulls = pa.nulls(2, type=pa.large_string())
    >>> ids, names = derive_agents(kinds, nulls, nulls, text, names, None, nulls, nulls)
    >>> ids.to_pylist(), names.to_pylist()
    (['a1', None], ['Alex', None])
    """
    claims = _where(activity_type, lambda t: kind_of(t) == Kind.CLAIMED) & _present(author_id)
    to_agent = np.zeros(len(claims), dtype=bool)
    if destination_type is not None:
        to_agent = _where(destination_type, is_agent_destination)
        to_agent &= _where(activity_type, lambda t: activity_type_name(t) in TRANSFER_TYPES)
    fill_id = to_agent & ~_present(agent_id) & _present(destination_id)
    fill_name = to_agent & ~_present(agent_name) & _present(destination_label)
    claimed = np.flatnonzero(claims)
    if not (
        fill_id.any()
        or fill_name.any()
        or (
            claimed.size
            and (
                _differs(agent_id, author_id, claimed) or _differs(agent_name, author_name, claimed)
            )
        )
    ):
        return None
    ids = _filled(_filled(agent_id, claims, author_id), fill_id, destination_id)
    names = _filled(_filled(agent_name, claims, author_name), fill_name, destination_label)
    return ids, names
