"""The order of the events frame, decided in one place: repeated events dropped, then sorted.

An event fetched twice (across pages or batches) keeps its first copy. The rest are sorted by
``conversation_id``, then ``timestamp``; events of one conversation at the same time are put in
lifecycle order (:func:`lifecycle_rank`), then by ``event_id``, so the frame, and every metric
read from it, does not depend on the order the events came in. :func:`event_order` decides the
order, :func:`is_ordered` checks that a frame already follows it, and :class:`Sorter` takes
dense and sparse columns into it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dixa_analytics._errors import SchemaError, listing
from dixa_analytics.events._vocabulary import activity_type_name
from dixa_analytics.frames import arrow_text, categorical, codes, parse_iso

__all__ = [
    "LIFECYCLE",
    "Sorter",
    "event_order",
    "event_times",
    "is_ordered",
    "lifecycle_rank",
    "lifecycle_ranks",
]

#: The order of events of one conversation that share a timestamp: a conversation is created,
#: offered, unassigned from one agent and assigned to (or claimed by, or transferred to)
#: another, then gets messages, notes and everything else, goes pending, is closed, and is
#: reopened after a close at the same moment. Activity types are named in snake_case (either
#: API's spelling is read); types not listed rank with "everything else".
LIFECYCLE: tuple[tuple[str, ...], ...] = (
    ("conversation_created_*",),
    (
        "conversation_offered",
        "conversation_offer_accepted",
        "conversation_offer_rejected",
        "conversation_offer_timeout",
    ),
    ("conversation_unassigned",),
    ("conversation_assigned", "conversation_claimed", "transfer_successful"),
    ("*",),
    ("conversation_pending",),
    ("conversation_closed",),
    ("conversation_reopened",),
)
_RANK = {name: rank for rank, names in enumerate(LIFECYCLE) for name in names}
_OTHERS = _RANK["*"]


def event_times(stamps: pa.Array, event_ids: pa.Array) -> np.ndarray:
    """Timestamp text (any documented form) as int64 UTC nanoseconds.

    Raises
    ------
    SchemaError
        Naming the records (position and id) whose timestamp is missing or unreadable.

    Examples
    --------
    >>> ids = pa.array(["e1", "e2"])
    >>> event_times(pa.array(["1970-01-01T00:00:01Z", "1970-01-01T00:00:00:250Z"]), ids)
    array([1000000000,  250000000])
    >>> event_times(pa.array(["1970-01-01T00:00:01Z", "yesterday"]), ids)
    Traceback (most recent call last):
    ...
    dixa_analytics._errors.SchemaError: activity-log records without a readable ...
    """
    parsed = parse_iso(stamps)
    bad = np.asarray(parsed.isna())
    if bad.any():
        shown = listing(
            np.flatnonzero(bad),
            5,
            lambda i: f"record {i} (id {event_ids[i].as_py()!r}): {stamps[i].as_py()!r}",
        )
        raise SchemaError(
            "activity-log records without a readable activity_timestamp / "
            f"activity_timestmap: {shown}"
        )
    return parsed.asi8


def lifecycle_rank(activity_type: object) -> int:
    """The rank of an activity type among events at the same time (see :data:`LIFECYCLE`).

    Examples
    --------
    >>> [lifecycle_rank(t) for t in ("ConversationClosed", "conversation_reopened", "note_added")]
    [6, 7, 4]
    >>> lifecycle_rank("conversation_created_by_customer") < lifecycle_rank("conversation_offered")
    True
    """
    name = activity_type_name(str(activity_type)) if activity_type is not None else ""
    if name.startswith("conversation_created"):
        return _RANK["conversation_created_*"]
    return _RANK.get(name, _OTHERS)


def lifecycle_ranks(kinds: pa.Array | pd.Categorical) -> np.ndarray:
    """Each row's :func:`lifecycle_rank`, ranked once per distinct activity type.

    Examples
    --------
    >>> lifecycle_ranks(pa.array(["conversation_closed", None, "conversation_closed"]))
    array([6, 4, 6], dtype=int8)
    """
    if isinstance(kinds, pd.Categorical):
        labels, numbers = list(kinds.categories), np.asarray(kinds.codes)
    else:
        encoded = arrow_text(kinds).dictionary_encode()
        labels, numbers = encoded.dictionary.to_pylist(), codes(encoded.indices)
    ranks = np.array([lifecycle_rank(label) for label in labels] + [_OTHERS], dtype=np.int8)
    return ranks[np.where(numbers >= 0, numbers, len(labels))]


def _first_occurrences(event_ids: pa.Array) -> np.ndarray | None:
    """Boolean mask of each id's first row (rows without an id all kept), or None when no id
    repeats."""
    distinct = pc.count_distinct(event_ids, mode="only_valid").as_py()
    if distinct == len(event_ids) - event_ids.null_count:
        return None  # the usual case, found without building a dictionary
    encoded = event_ids.dictionary_encode()
    # Dictionary codes are numbered in order of first appearance, so a row is the first of its
    # id exactly when its code exceeds every code before it.
    number = codes(encoded.indices).astype(np.int64)
    seen = np.maximum.accumulate(np.concatenate(([-1], number[:-1])))
    return (number > seen) | (number < 0)


def event_order(
    csids: np.ndarray,
    times: np.ndarray,
    event_ids: pa.Array | None,
    ranks: np.ndarray | None = None,
) -> np.ndarray:
    """The input rows of the output, in output order: first copies only, sorted.

    Parameters
    ----------
    csids, times : numpy.ndarray of int64
        Each row's conversation id and UTC nanoseconds.
    event_ids : pyarrow.Array or None
        Each row's event id (text; rows without one are never repeats); None: no ids.
    ranks : numpy.ndarray, optional
        Each row's :func:`lifecycle_rank`; events at the same time are ordered by it, then
        by event id. Without it, by event id alone.

    Examples
    --------
    >>> event_order(np.array([2, 1, 1]), np.array([0, 5, 5]), pa.array(["c", "a", "a"]))
    array([1, 0])
    >>> kinds = pa.array(["conversation_closed", "conversation_created_by_customer"])
    >>> event_order(np.array([1, 1]), np.array([5, 5]), pa.array(["a", "b"]),
    ...             lifecycle_ranks(kinds))
    array([1, 0])
    """
    first = None if event_ids is None else _first_occurrences(event_ids)
    if first is None:  # the usual case: no repeats, every row is kept as it is
        return _sort(csids, times, event_ids, ranks)
    rows = np.flatnonzero(first)
    order = _sort(
        csids[rows],
        times[rows],
        None if event_ids is None else event_ids.take(pa.array(rows)),
        None if ranks is None else ranks[rows],
    )
    return rows[order]


def _sort(
    csids: np.ndarray, times: np.ndarray, event_ids: pa.Array | None, ranks: np.ndarray | None
) -> np.ndarray:
    """Indices sorting by (csid, time), then ties by (rank, event id)."""
    keys = pa.table({"csid": csids, "time": times})
    by = [("csid", "ascending"), ("time", "ascending")]
    order = pc.sort_indices(keys, sort_keys=by).to_numpy().astype(np.int64)
    if (ranks is None and event_ids is None) or not _has_ties(csids[order], times[order]):
        return order  # the usual case: no two events of a conversation at one time
    columns: dict[str, np.ndarray | pa.Array] = {"csid": csids, "time": times}
    if ranks is not None:
        columns["rank"] = ranks
        by.append(("rank", "ascending"))
    if event_ids is not None:
        columns["id"] = event_ids
        by.append(("id", "ascending"))
    return pc.sort_indices(pa.table(columns), sort_keys=by).to_numpy().astype(np.int64)


def _has_ties(csids: np.ndarray, times: np.ndarray) -> bool:
    return bool(((csids[1:] == csids[:-1]) & (times[1:] == times[:-1])).any())


def is_ordered(
    csids: np.ndarray,
    times: np.ndarray,
    event_ids: pa.Array | None,
    ranks: np.ndarray | None = None,
) -> bool:
    """Whether rows already follow :func:`event_order` (sorted, no repeated event id).

    Examples
    --------
    >>> is_ordered(np.array([1, 1, 2]), np.array([5, 5, 0]), pa.array(["a", "b", "c"]))
    True
    >>> is_ordered(np.array([1, 1]), np.array([5, 4]), None)
    False
    >>> is_ordered(np.array([1, 1]), np.array([5, 5]), pa.array(["b", "a"]))
    False
    """
    later, earlier = slice(1, None), slice(None, -1)
    if (csids[later] < csids[earlier]).any():
        return False
    same_csid = csids[later] == csids[earlier]
    if (same_csid & (times[later] < times[earlier])).any():
        return False
    tied = same_csid & (times[later] == times[earlier])
    if tied.any():
        if ranks is not None:
            if (tied & (ranks[later] < ranks[earlier])).any():
                return False
            tied &= ranks[later] == ranks[earlier]
        if event_ids is not None and tied.any():
            rows = np.flatnonzero(tied)
            after = event_ids.take(pa.array(rows + 1))
            before = event_ids.take(pa.array(rows))
            if pc.any(pc.less(after, before)).as_py():
                return False
    return event_ids is None or _first_occurrences(event_ids) is None


class Sorter:
    """Takes dense or sparse input-order columns to output order (deduplicated, sorted).

    Parameters
    ----------
    order : numpy.ndarray
        The input row of each output row (from :func:`event_order`).
    size : int
        The number of input rows.
    """

    def __init__(self, order: np.ndarray, size: int):
        self.order = order
        self.arrow_order = pa.array(order)
        # Output row of each input row; -1 for a dropped duplicate.
        self._position = np.full(size, -1, dtype=np.int64)
        self._position[order] = np.arange(len(order))

    def dense_text(self, values: pa.Array) -> pa.Array:
        """A text column with a value per input row, in output order."""
        return arrow_text(values).take(self.arrow_order)

    def kept(self, rows: np.ndarray) -> np.ndarray:
        """Which of the input ``rows`` survive deduplication."""
        return self._position[rows] >= 0

    def _source(self, rows: np.ndarray) -> np.ndarray:
        """For each output row, the index of its value among ``rows``' values; -1 if none."""
        # Only the rows that hold a value are looked up: sparse columns cost their own size,
        # plus one pass over the output building the index that takes them into place.
        positions = self._position[rows]
        kept = positions >= 0
        source = np.full(len(self.order), -1, dtype=np.int64)
        source[positions[kept]] = np.flatnonzero(kept)
        return source

    def sparse_arrow(self, rows: np.ndarray, values: pa.Array) -> pa.Array:
        """An arrow column holding values for input ``rows`` only, in output order."""
        source = self._source(rows)
        return values.take(pa.array(source, mask=source < 0))

    def sparse_typed(
        self, rows: np.ndarray, values: np.ndarray | pd.api.extensions.ExtensionArray
    ) -> np.ndarray | pd.api.extensions.ExtensionArray:
        """A column already typed from its values (pandas or numpy array) put in place."""
        source = self._source(rows)
        if isinstance(values, np.ndarray) and values.dtype == object:
            # ``take`` would fill the gaps of an object column with NaN; they must be None.
            full = np.full(len(self.order), None, dtype=object)
            present = source >= 0
            full[present] = values[source[present]]
            return full
        return pd.api.extensions.take(values, source, allow_fill=True)

    def dense_category(self, values: pa.Array) -> pd.Categorical:
        """A text column with a value per input row, as a Categorical in output order."""
        # Encoded before sorting: the sort then moves small integer codes, not text.
        encoded = arrow_text(values).dictionary_encode()
        numbers = codes(encoded.indices.take(self.arrow_order))
        return categorical(*_renumber(numbers, encoded.dictionary))

    def sparse_category(self, rows: np.ndarray, values: pa.Array) -> pd.Categorical:
        """A text column holding values for input ``rows`` only, as a Categorical in output
        order."""
        # Only the values present are encoded and renumbered; their codes are then put in
        # place with numpy, so the column costs its own size plus one pass over the output.
        encoded = values.dictionary_encode()
        positions = self._position[rows]
        kept = positions >= 0
        positions = positions[kept]
        in_output_order = np.argsort(positions)
        numbers, dictionary = _renumber(
            codes(encoded.indices)[kept][in_output_order], encoded.dictionary
        )
        placed = np.full(len(self.order), -1, dtype=np.int32)
        placed[positions[in_output_order]] = numbers
        return categorical(placed, dictionary)


def _renumber(numbers: np.ndarray, dictionary: pa.Array) -> tuple[np.ndarray, pa.Array]:
    """Codes and dictionary keeping only the values used, numbered in order of appearance.

    So the categories of a column are those of the rows kept (not of dropped duplicates), in
    the order the sorted frame first shows them, as if the sorted text had been encoded.
    """
    present = numbers >= 0
    appearance = pd.unique(numbers[present])  # hash-based; keeps first-appearance order
    number = np.full(len(dictionary), -1, dtype=np.int32)
    number[appearance] = np.arange(len(appearance), dtype=np.int32)
    renumbered = np.full(len(numbers), -1, dtype=np.int32)
    renumbered[present] = number[numbers[present]]
    return renumbered, dictionary.take(appearance)
