"""Typed frames from raw Dixa records: coercion, joins, the events frame.

The functions here take the records a fetch returns (already parsed JSON), flatten them with
:mod:`dixa_analytics._normalise`, coerce every column to the dtype declared in
:mod:`dixa_analytics._schemas`, and join reference frames where asked. They never mutate their
inputs and always return the declared columns and dtypes, even for no records.

Columns are built whole (arrow-backed strings straight from object arrays, one vectorised
timestamp parse, categories from arrow dictionary encoding), never row by row, so that a
million events take seconds; the events frame's arrow and numpy work runs in worker threads
beside its Python work.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dixa_analytics import _normalise as norm
from dixa_analytics._errors import SchemaError, listing
from dixa_analytics._schemas import (
    BOOL,
    CATEGORY,
    CONVERSATIONS,
    ENDPOINTS,
    EVENTS,
    INT,
    MESSAGES,
    NOTES,
    OBJECT,
    QUEUES,
    STRING,
    STRING_LIST,
    TAGS,
    USERS,
    UTC,
    Schema,
    conform,
    empty,
    null_array,
    require_columns,
)

__all__ = [
    "CORE_EVENT_COLUMNS",
    "TYPE_COLUMNS",
    "conversations_frame",
    "endpoints_frame",
    "events_frame",
    "messages_frame",
    "notes_frame",
    "queues_frame",
    "split_by_type",
    "tags_frame",
    "users_frame",
]

# A seconds field before the milliseconds is followed by ':' in the documented examples
# ("2015-11-30T00:00:00:000Z"); it must be '.' for an ISO-8601 parser.
_COLON_MILLIS = r"(T\d{2}:\d{2}:\d{2}):(\d+)"
_NAT = np.iinfo(np.int64).min
_MIN_TIME, _MAX_TIME = pd.Timestamp.min.tz_localize("UTC"), pd.Timestamp.max.tz_localize("UTC")
# Epoch milliseconds and microseconds a nanosecond timestamp holds (years 1677 to 2262).
_MAX_MILLIS = np.iinfo(np.int64).max // 1_000_000
_MAX_MICROS = np.iinfo(np.int64).max // 1_000
_MIN_MICROS = -_MAX_MICROS

# --- column coercion ---------------------------------------------------------------------


def _objects(values: Sequence[Any] | np.ndarray | pa.Array) -> np.ndarray:
    if isinstance(values, np.ndarray) and values.dtype == object:
        return values
    if isinstance(values, pa.Array):
        return values.to_numpy(zero_copy_only=False)
    return np.fromiter(values, dtype=object, count=len(values))


def _arrow_strings(values: Sequence[Any] | np.ndarray | pa.Array) -> pa.Array | None:
    """Text (None or NaN as null) as an arrow array; None if some value is not text.

    An arrow array is returned as it is: the readers make one only of values that are text.
    """
    if isinstance(values, pa.Array):
        return values
    for from_pandas in (False, True):
        # Plain text and None (the usual case) convert three times faster without the NaN
        # check; only on failure is the conversion retried with NaN read as null.
        try:
            return pa.array(values, type=pa.large_string(), from_pandas=from_pandas)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            continue
    return None


def _string_array(values: Sequence[Any] | np.ndarray) -> pd.api.extensions.ExtensionArray:
    values = _objects(values)
    arrow = _arrow_strings(values)
    if arrow is not None:
        return pd.arrays.ArrowStringArray(arrow)
    # Not all strings (hostile payloads): pandas turns every non-null value into its str().
    return pd.array(values, dtype=STRING)


def _arrow_lists(values: Sequence[Any] | np.ndarray | pa.Array) -> pa.Array:
    """Lists of text; a lone scalar becomes a one-item list, null stays null."""
    values = _objects(values)
    if set(map(type, values)) <= {list, type(None)}:
        try:
            return pa.array(values, type=STRING_LIST.pyarrow_dtype, from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            pass  # items that are not strings: cleaned below
    cleaned = [
        None
        if v is None
        else [None if x is None else str(x) for x in v]
        if isinstance(v, list | tuple)
        else [str(v)]
        for v in values
    ]
    return pa.array(cleaned, type=STRING_LIST.pyarrow_dtype)


def _integer_array(values: Sequence[Any] | np.ndarray) -> pd.api.extensions.ExtensionArray:
    """Whole numbers (ints, whole floats, numeric text) as Int64; others, or beyond int64, NA."""
    objects = _objects(values)
    if set(map(type, objects)) <= {int, type(None)}:
        # Exact: a detour through float64 would round integers above 2**53.
        return pd.array([_in_int64(v) for v in objects], dtype=INT)
    numbers = pd.to_numeric(pd.Series(objects, dtype=object), errors="coerce")
    fits = numbers.notna() & (numbers % 1 == 0) & (numbers.abs() < 2.0**63)
    return pd.array(numbers.where(fits).to_numpy(dtype="float64", na_value=np.nan), dtype=INT)


def _in_int64(value: int | None) -> int | None:
    return value if value is None or norm.INT64_MIN <= value <= norm.INT64_MAX else None


def _boolean_array(values: Sequence[Any] | np.ndarray) -> pd.api.extensions.ExtensionArray:
    return pd.array([norm.to_bool(v) for v in _objects(values)], dtype=BOOL)


def _utc_array(values: Sequence[Any] | np.ndarray) -> tuple[pd.DatetimeIndex, np.ndarray]:
    """Parse ISO strings (any documented form) and epoch milliseconds; return (UTC, bad mask).

    ``bad`` marks values that were present but could not be read as a time.
    """
    values = _objects(values)
    arrow = _arrow_strings(values)
    if arrow is not None:
        parsed = _parse_iso(arrow)
    else:
        numeric = np.fromiter(
            (isinstance(v, int | float) and not isinstance(v, bool) for v in values),
            dtype=bool,
            count=len(values),
        )
        texts = [v if isinstance(v, str) else None for v in values]
        parsed = _parse_iso(pa.array(texts, type=pa.large_string()))
        if numeric.any():
            millis = pd.to_numeric(pd.Series(np.where(numeric, values, np.nan)), errors="coerce")
            # Beyond what a nanosecond timestamp holds: unreadable, like any other bad value.
            millis = millis.where(millis.abs() < _MAX_MILLIS)
            from_millis = pd.to_datetime(millis, unit="ms", utc=True).dt.as_unit("ns")
            parsed = parsed.where(~numeric, pd.DatetimeIndex(from_millis))
    present = ~pd.isna(values)
    bad = present & np.asarray(parsed.isna())
    return parsed, bad


def _parse_iso(arrow: pa.Array) -> pd.DatetimeIndex:
    """ISO-8601 text → UTC times; NaT where a value is null or cannot be read.

    Arrow's cast reads ``Z`` and ``±HH:MM`` offsets at C speed; the colon-milliseconds form is
    rewritten first, and anything Arrow refuses (no offset, other layouts, nanosecond digits)
    goes to pandas. Times a nanosecond timestamp cannot hold (before 1677 or after 2262) are
    unreadable too.
    """
    fixed = None
    for attempt in range(2):
        if attempt:
            fixed = pc.replace_substring_regex(arrow, pattern=_COLON_MILLIS, replacement=r"\1.\2")
        try:
            # Parsed to microseconds, whose range no year overflows: some pyarrow versions
            # wrap an out-of-range year silently when parsing straight to nanoseconds.
            stamps = (arrow if fixed is None else fixed).cast(pa.timestamp("us", tz="UTC"))
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            continue
        micros = stamps.cast(pa.int64()).fill_null(_NAT).to_numpy(zero_copy_only=False)
        fits = (micros >= _MIN_MICROS) & (micros <= _MAX_MICROS)  # null (_NAT) is below
        nanos = np.where(fits, micros, 0) * 1000
        nanos[~fits] = _NAT
        return pd.DatetimeIndex(nanos.view("datetime64[ns]")).tz_localize("UTC")
    texts = fixed.to_numpy(zero_copy_only=False)
    parsed = pd.DatetimeIndex(pd.to_datetime(texts, utc=True, format="ISO8601", errors="coerce"))
    # pandas 3 may keep a coarser unit for dates a nanosecond timestamp cannot hold.
    parsed = parsed.where((parsed >= _MIN_TIME) & (parsed <= _MAX_TIME))
    return parsed.as_unit("ns")


def _extra_array(values: np.ndarray) -> Any:
    """Dtype for an attribute column the schema does not declare, from its values."""
    present = [v for v in values if v is not None]
    kinds = {type(v) for v in present}
    if kinds <= {str}:
        return _string_array(values)
    if kinds <= {bool}:
        return pd.array(values, dtype=BOOL)
    if kinds <= {int, float}:
        ints = [v for v in present if type(v) is int]
        if ints and not norm.INT64_MIN <= min(ints) <= max(ints) <= norm.INT64_MAX:
            return values  # integers beyond int64 would lose digits as floats: kept as they are
        if kinds <= {int}:
            return pd.array(values, dtype=INT)
        return pd.to_numeric(pd.Series(values, dtype=object)).to_numpy(dtype="float64")
    return values


def _column(values: Sequence[Any] | np.ndarray, dtype: object) -> Any:
    if dtype in (STRING, CATEGORY):
        return _from_arrow(_arrow_text(values), dtype)
    if dtype == INT:
        return _integer_array(values)
    if dtype == BOOL:
        return _boolean_array(values)
    if dtype == UTC:
        return _utc_array(values)[0]
    if dtype == STRING_LIST:
        return pd.arrays.ArrowExtensionArray(_arrow_lists(values))
    return _objects(values)


def _frame(columns: Mapping[str, Sequence[Any]], schema: Schema) -> pd.DataFrame:
    n = len(next(iter(columns.values()))) if columns else 0
    if n == 0:
        return empty(schema)
    data = {
        name: _column(columns[name], dtype) for name, dtype in schema.items() if name in columns
    }
    return conform(pd.DataFrame(data, index=pd.RangeIndex(n)), schema)


# --- reference frames ------------------------------------------------------------------


def users_frame(records: list[dict]) -> pd.DataFrame:
    """Users (agents and end users) as a frame.

    Parameters
    ----------
    records : list of dict
        ``GET /v1/users`` records.

    Returns
    -------
    pandas.DataFrame
        One row per record: ``user_id``, ``name``, ``email``, ``phone_number``, ``roles``
        (list of role names, ``[]`` when absent), ``is_agent`` (the role list is non-empty),
        ``avatar_url``.

    Examples
    --------
    >>> users_frame([{"id": "u1", "name": "Alex", "roles": ["Agent"]}])[["user_id", "is_agent"]]
      user_id  is_agent
    0      u1      True
    """
    return _frame(norm.user_columns(records), USERS)


def queues_frame(records: list[dict]) -> pd.DataFrame:
    """Queues as a frame: ``queue_id``, ``queue_name``, ``is_default``, ``priority``.

    Examples
    --------
    >>> queues_frame([{"id": "q1", "name": "Support", "is_default": True, "priority": 0}])
      queue_id queue_name  is_default  priority
    0       q1    Support        True         0
    """
    return _frame(norm.queue_columns(records), QUEUES)


def tags_frame(records: list[dict]) -> pd.DataFrame:
    """Tags as a frame: ``tag_id``, ``tag_name``, ``is_deactivated`` (NA when not stated).

    Examples
    --------
    >>> tags_frame([{"id": "t1", "name": "refund", "is_deactivated": False}])
      tag_id tag_name  is_deactivated
    0     t1   refund           False
    """
    return _frame(norm.tag_columns(records), TAGS)


def endpoints_frame(records: list[dict]) -> pd.DataFrame:
    """Endpoints (one-key union objects) as a frame.

    Returns
    -------
    pandas.DataFrame
        ``endpoint_id`` (the number itself for phone endpoints), ``endpoint_type``
        (``email_address`` / ``phone_number``), ``address`` (internal e-mail address or the
        number), ``spf_email``.

    Examples
    --------
    >>> endpoints_frame([{"phone_number": {"phone_number": "+4512345678"}}])["endpoint_type"][0]
    'phone_number'
    """
    return _frame(norm.endpoint_columns(records), ENDPOINTS)


def conversations_frame(records: list[dict], *, queues: pd.DataFrame | None = None) -> pd.DataFrame:
    """Conversations as a frame, from ``/v1/conversations/{csid}`` objects or export records.

    Parameters
    ----------
    records : list of dict
        ``GET /v1/conversations/{csid}`` objects (ISO timestamps in any documented form,
        ``assigned_to``, ``attributes``) and/or Exports API ``conversation_export`` records
        (epoch-millisecond timestamps, ``initial_channel``); both may be mixed.
    queues : pandas.DataFrame, optional
        A :func:`queues_frame`; fills ``queue_name`` where the record has only ``queue_id``.

    Returns
    -------
    pandas.DataFrame
        The CONVERSATIONS schema: ``channel`` uses the Channel enum spelling (``widgetchat``
        → ``widget_chat``; unknown values kept, lower-cased), ``status`` and ``direction``
        are lower-cased, ``tags`` is the list of tag names (NA when the record has none),
        ``closed_at`` of a /v1 object is its ``status_updated_at`` when it is closed.

    Raises
    ------
    TypeError
        If ``records`` is not a list of dicts.
    SchemaError
        If a record has no integer ``id`` or an unreadable timestamp.

    Examples
    --------
    >>> out = conversations_frame([{"id": 7, "created_at": "2015-11-30T00:00:00:000Z",
    ...     "channel": "email", "requester_id": "u1", "direction": "inbound"}])
    >>> int(out.loc[0, "conversation_id"]), out.loc[0, "channel"], str(out.loc[0, "created_at"])
    (7, 'email', '2015-11-30 00:00:00+00:00')
    """
    columns = norm.conversation_columns(records)
    _check_times(columns, ("created_at", "queued_at", "assigned_at", "closed_at", "updated_at"),
                 "conversation", columns["conversation_id"])  # fmt: skip
    frame = _frame(columns, CONVERSATIONS)
    if queues is not None and len(frame):
        names = _lookup(_queue_table(queues), "queue_id", "queue_name", frame["queue_id"])
        frame["queue_name"] = frame["queue_name"].fillna(pd.Series(names, index=frame.index))
    return frame


def _check_times(
    columns: Mapping[str, Sequence[Any]], names: Sequence[str], what: str, ids: Sequence[Any]
) -> None:
    for name in names:
        values = columns[name]
        bad = np.flatnonzero(_utc_array(values)[1])
        if bad.size:
            shown = listing(bad, 5, lambda i, values=values: f"{ids[i]!r}: {values[i]!r}")
            raise SchemaError(f"{what} records with an unreadable {name}: {shown}")


def messages_frame(records_by_csid: Mapping[int, list[dict]]) -> pd.DataFrame:
    """Messages of several conversations as one frame.

    Parameters
    ----------
    records_by_csid : mapping of int to list of dict
        csid → ``GET /v1/conversations/{csid}/messages`` records.

    Returns
    -------
    pandas.DataFrame
        The MESSAGES schema. ``text``, ``from_email``, ``to_emails`` (always a list; a
        comma-separated string is split), ``is_automated_message`` and ``is_auto_reply``
        (booleans or ``"true"``/``"false"`` strings) come from the message's attributes.

    Examples
    --------
    >>> message = {"id": "m1", "created_at": "2021-08-03T10:15:30Z", "author_id": "u1",
    ...     "channel": "email", "attributes": {"is_automated_message": "true"}}
    >>> out = messages_frame({7: [message]})
    >>> int(out.loc[0, "conversation_id"]), bool(out.loc[0, "is_automated_message"])
    (7, True)
    """
    columns = norm.message_columns(records_by_csid)
    _check_times(columns, ("created_at",), "message", columns["message_id"])
    return _frame(columns, MESSAGES)


def notes_frame(records_by_csid: Mapping[int, list[dict]]) -> pd.DataFrame:
    """Internal notes of several conversations as one frame.

    Parameters
    ----------
    records_by_csid : mapping of int to list of dict
        csid → ``GET /v1/conversations/{csid}/notes`` records.

    Returns
    -------
    pandas.DataFrame
        ``note_id``, ``conversation_id``, ``created_at``, ``author_id`` (the documented
        example's ``requester_id``), ``text``.

    Examples
    --------
    >>> notes_frame({7: [{"id": "n1", "created_at": "2021-08-03T10:15:30Z", "text": "Call back",
    ...     "requester_id": "a1"}]})[["note_id", "author_id"]]
      note_id author_id
    0      n1        a1
    """
    columns = norm.note_columns(records_by_csid)
    _check_times(columns, ("created_at",), "note", columns["note_id"])
    return _frame(columns, NOTES)


# --- joins ------------------------------------------------------------------------------


def _queue_table(queues: pd.DataFrame | list) -> pd.DataFrame:
    if isinstance(queues, list):
        return queues_frame(queues)
    return require_columns(
        queues, ("queue_id", "queue_name"), name="queues", source="a frame from queues_frame()"
    )


def _lookup(table: pd.DataFrame, key: str, value: str, keys: pd.Series) -> Any:
    """``table[value]`` for each of ``keys`` by ``table[key]`` (first row wins); NA if absent."""
    table = table[table[key].notna()].drop_duplicates(key)
    index = pd.Index(table[key].astype(keys.dtype))
    positions = index.get_indexer(keys)
    return table[value].array.take(positions, allow_fill=True)


def _author_is_agent(users: pd.DataFrame | list, author_id: pd.Series) -> Any:
    if isinstance(users, list):
        users = users_frame(users)
    users = require_columns(users, ("user_id",), name="users", source="a frame from users_frame()")
    if "is_agent" in users.columns:
        flags = users["is_agent"].astype(BOOL)
    elif "roles" in users.columns:
        flags = users["roles"].map(lambda roles: bool(roles) if isinstance(roles, list) else pd.NA)
    else:
        raise ValueError("users lacks 'is_agent' and 'roles'; pass a frame from users_frame()")
    table = pd.DataFrame({"user_id": users["user_id"].astype(STRING), "flag": flags.astype(BOOL)})
    return _lookup(table, "user_id", "flag", author_id)


def _join_conversations(
    frame: pd.DataFrame, conversations: pd.DataFrame | None, queues: pd.DataFrame | None
) -> None:
    if conversations is not None:
        conversations = require_columns(
            conversations,
            ("conversation_id", "queue_id"),
            name="conversations",
            source="a frame from conversations_frame()",
        )
        table = conversations.assign(conversation_id=conversations["conversation_id"].astype(INT))
        csids = frame["conversation_id"]
        frame["queue_id"] = _lookup(table, "conversation_id", "queue_id", csids)
        for name in ("queue_name", "channel"):
            if name in table.columns:
                frame[name] = _lookup(table, "conversation_id", name, csids)
    if queues is not None:
        names = pd.Series(
            _lookup(
                _queue_table(queues), "queue_id", "queue_name", frame["queue_id"].astype(STRING)
            ),
            index=frame.index,
        )
        frame["queue_name"] = names.fillna(frame["queue_name"].astype(STRING))


# --- the events frame ------------------------------------------------------------------


def _arrow_text(values: Sequence[Any] | np.ndarray | pa.Array) -> pa.Array:
    arrow = _arrow_strings(values)
    if arrow is None:  # non-string values (hostile payloads) are kept as their text
        arrow = pa.array(
            _string_array(_objects(values)).to_numpy(dtype=object, na_value=None),
            type=pa.large_string(),
        )
    return arrow


def _raw(values: Sequence[Any] | pa.Array, index: int) -> Any:
    """Record ``index``'s value in a core column, as the record held it (for error messages)."""
    return values[index].as_py() if isinstance(values, pa.Array) else values[index]


def _event_times(core: Mapping[str, Any]) -> np.ndarray:
    stamps = core["timestamp"]
    arrow = _arrow_strings(stamps)
    if arrow is not None:
        parsed = _parse_iso(arrow)
        bad = np.asarray(parsed.isna())
    else:
        parsed, bad = _utc_array(stamps)
        bad |= pd.isna(_objects(stamps))
    if bad.any():
        shown = listing(
            np.flatnonzero(bad),
            5,
            lambda i: f"record {i} (id {_raw(core['event_id'], i)!r}): {_raw(stamps, i)!r}",
        )
        raise SchemaError(
            "activity-log records without a readable activity_timestamp / "
            f"activity_timestmap: {shown}"
        )
    return parsed.asi8


def _first_occurrences(event_ids: pa.Array) -> np.ndarray | None:
    """Boolean mask of each id's first row, or None when no id repeats."""
    if len(event_ids.unique()) == len(event_ids):
        return None  # the usual case, found without building a dictionary
    encoded = event_ids.dictionary_encode()
    # Dictionary codes are numbered in order of first appearance, so a row is the first of its
    # id exactly when its code exceeds every code before it.
    codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    seen = np.maximum.accumulate(np.concatenate(([-1], codes[:-1])))
    return codes > seen


def _event_order(csids: np.ndarray, times: np.ndarray, ids: pa.Array) -> np.ndarray:
    first = _first_occurrences(ids)
    if first is None:
        return _stable_sort(csids, times)
    rows = np.flatnonzero(first)
    return rows[_stable_sort(csids[rows], times[rows])]


def _stable_sort(csids: np.ndarray, times: np.ndarray) -> np.ndarray:
    """Indices sorting by (csid, time); arrow's sort is stable, so ties keep input order (and
    it is twice as fast as ``np.lexsort`` here)."""
    keys = pa.table({"csid": csids, "time": times})
    order = pc.sort_indices(keys, sort_keys=[("csid", "ascending"), ("time", "ascending")])
    return order.to_numpy().astype(np.int64)


class _Sorter:
    """Takes dense or sparse input-order columns to output order (deduplicated, sorted)."""

    def __init__(self, order: np.ndarray, size: int):
        self.order = order
        self.arrow_order = pa.array(order)
        # Output row of each input row; -1 for a dropped duplicate.
        self._position = np.full(size, -1, dtype=np.int64)
        self._position[order] = np.arange(len(order))

    def dense_text(self, values: list | pa.Array) -> pa.Array:
        return _arrow_text(values).take(self.arrow_order)

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

    def nulls(self) -> pa.Array:
        return pa.nulls(len(self.order), type=pa.large_string())

    def dense_category(self, values: list | pa.Array) -> pd.Categorical:
        # Encoded before sorting: the sort then moves small integer codes, not text.
        encoded = _arrow_text(values).dictionary_encode()
        codes = _codes(encoded.indices.take(self.arrow_order))
        return _categorical(*_renumber(codes, encoded.dictionary))

    def sparse_category(self, rows: np.ndarray, values: pa.Array) -> pd.Categorical:
        # Only the values present are encoded and renumbered; their codes are then put in
        # place with numpy, so the column costs its own size plus one pass over the output.
        encoded = values.dictionary_encode()
        positions = self._position[rows]
        kept = positions >= 0
        positions = positions[kept]
        in_output_order = np.argsort(positions)
        codes, dictionary = _renumber(
            _codes(encoded.indices)[kept][in_output_order], encoded.dictionary
        )
        placed = np.full(len(self.order), -1, dtype=np.int32)
        placed[positions[in_output_order]] = codes
        return _categorical(placed, dictionary)


def _codes(indices: pa.Array) -> np.ndarray:
    return indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int32, copy=False)


def _renumber(codes: np.ndarray, dictionary: pa.Array) -> tuple[np.ndarray, pa.Array]:
    """Codes and dictionary keeping only the values used, numbered in order of appearance.

    So the categories of a column are those of the rows kept (not of dropped duplicates), in
    the order the sorted frame first shows them, as if the sorted text had been encoded.
    """
    present = codes >= 0
    appearance = pd.unique(codes[present])  # hash-based; keeps first-appearance order
    number = np.full(len(dictionary), -1, dtype=np.int32)
    number[appearance] = np.arange(len(appearance), dtype=np.int32)
    renumbered = np.full(len(codes), -1, dtype=np.int32)
    renumbered[present] = number[codes[present]]
    return renumbered, dictionary.take(appearance)


def _categorical(codes: np.ndarray, dictionary: pa.Array) -> pd.Categorical:
    """A Categorical from dictionary codes (-1 for missing) and the dictionary's text."""
    categories = pd.Index(pd.arrays.ArrowStringArray(dictionary.cast(pa.large_string())))
    # The codes index the dictionary by construction, so pandas need not check them.
    return pd.Categorical.from_codes(codes, categories=categories, validate=False)


def _category_text(values: pd.Categorical) -> pa.Array:
    """The text of a Categorical as an arrow array (null where missing)."""
    return pa.array(values).cast(pa.large_string())


def _derive_agents(
    text: dict[str, pa.Array],
    kinds: pd.Categorical,
    columns: Mapping[str, Any],
    nulls: pa.Array,
) -> None:
    """Fill ``agent_id``/``agent_name`` for claims (the author) and transfers to an agent.

    ``kinds`` is the activity type of each event; ``columns`` holds the attribute columns
    (a transfer's ``destination_type`` and ``destination_label`` are Categoricals). Only
    events that name no agent of their own are filled.
    """
    agent_id = text.get("agent_id", nulls)
    agent_name = text.get("agent_name", nulls)
    unnamed = agent_id.is_null().to_numpy(zero_copy_only=False)
    claimed = _is_in(kinds, {"conversation_claimed"}) & unnamed
    destination = columns.get("destination_type")
    to_agent = np.zeros_like(claimed)
    if destination is not None:
        to_agent = _is_in(destination, norm.AGENT_DESTINATION_TYPES, lower=True) & unnamed
        to_agent &= _is_in(kinds, norm.TRANSFER_TYPES)
    fill = claimed | to_agent
    filled = np.flatnonzero(fill)
    if not filled.size:
        return
    # The few rows filled are gathered from their sources, then put in place in one pass.
    from_author = pa.array(claimed[filled])
    rows = pa.array(filled)
    label = columns.get("destination_label")
    labels = nulls.take(rows) if label is None else _category_text(label.take(filled))
    destinations = text.get("destination_id", nulls).take(rows)
    new_ids = pc.if_else(from_author, text["author_id"].take(rows), destinations)
    new_names = pc.if_else(from_author, text["author_name"].take(rows), labels)
    mask = pa.array(fill)
    text["agent_id"] = pc.replace_with_mask(agent_id, mask, new_ids)
    text["agent_name"] = pc.replace_with_mask(agent_name, mask, new_names)


def _is_in(values: pd.Categorical, wanted: Iterable[str], *, lower: bool = False) -> np.ndarray:
    """Boolean mask of the values in ``wanted`` (compared lower-cased if ``lower``)."""
    categories = values.categories.str.lower() if lower else values.categories
    return np.isin(values.codes, np.flatnonzero(categories.isin(list(wanted))))


def _from_arrow(arrow: pa.Array, dtype: object) -> Any:
    if dtype == CATEGORY:
        encoded = arrow.dictionary_encode()
        return _categorical(_codes(encoded.indices), encoded.dictionary)
    return pd.arrays.ArrowStringArray(arrow)


def _event_data(records: Sequence[Any]) -> tuple[dict[str, Any], np.ndarray]:
    """The events frame's columns (declared ones first, in schema order) and the input row of
    each output row.

    Records in the common shape are read by arrow and one Python pass; any other records, and
    records that turn out to hold a bad value, are read record by record, which names the
    record and its value as given.
    """
    # Most of arrow's and numpy's work runs without the GIL, so it goes to other threads
    # while Python works: parsing, deduplicating and sorting the core beside the attribute
    # pass, then putting the attribute columns in place two at a time.
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="events_frame") as pool:
        core = norm.common_core(records)
        if core is not None:
            sorted_core = pool.submit(_SortedCore.of, core, len(records))
            attributes = norm.common_attributes(records)
            if attributes is not None:
                try:
                    return _with_attributes(sorted_core.result(), attributes, pool)
                except SchemaError:
                    pass  # arrow has decoded what it read; the message must show the raw value
        columns = norm.activity_columns(records)
        core_in_order = _SortedCore.of(columns.core, columns.size)
        return _with_attributes(core_in_order, columns.attributes, pool)


@dataclass(frozen=True)
class _SortedCore:
    """The core columns in output order (deduplicated, sorted), and the sorter that put them
    there."""

    sorter: _Sorter
    data: dict[str, Any]  # event_id, conversation_id, timestamp, activity_type: frame-ready
    text: dict[str, pa.Array]  # author_id, author_name, author_email

    @classmethod
    def of(cls, core: Mapping[str, Any], size: int) -> _SortedCore:
        times = _event_times(core)
        csids = np.asarray(core["conversation_id"])
        ids = _event_ids(core["event_id"])
        order = _event_order(csids, times, ids)
        sorter = _Sorter(order, size)
        data = {
            "event_id": pd.arrays.ArrowStringArray(ids.take(sorter.arrow_order)),
            "conversation_id": pd.array(csids[order], dtype=INT),
            "timestamp": pd.DatetimeIndex(times[order].view("datetime64[ns]")).tz_localize("UTC"),
            "activity_type": sorter.dense_category(core["activity_type"]),
        }
        text = {
            name: sorter.dense_text(core[name])
            for name in ("author_id", "author_name", "author_email")
        }
        return cls(sorter, data, text)


def _with_attributes(
    core: _SortedCore, attributes: Mapping[str, norm.Sparse], pool: ThreadPoolExecutor
) -> tuple[dict[str, Any], np.ndarray]:
    """Every column of the events frame from the sorted core and the sparse attributes."""
    sorter = core.sorter
    placed = {
        name: pool.submit(_placed, sorter, EVENTS.get(name), rows, values)
        for name, (rows, values) in attributes.items()
    }
    columns = {name: column.result() for name, column in placed.items()}
    text = dict(core.text)  # arrow text, made a frame column once agents are derived
    text.update((name, c) for name, c in columns.items() if EVENTS.get(name) == STRING)
    _derive_agents(text, core.data["activity_type"], columns, sorter.nulls())

    data = dict(core.data)
    for name, dtype in EVENTS.items():
        if name in data:
            continue
        if name in text:
            data[name] = _from_arrow(text[name], dtype)
        elif name in columns:
            data[name] = columns[name]
        else:
            data[name] = null_array(dtype, len(sorter.order))
    for name in attributes:  # undeclared attribute fields, in order of first appearance
        data.setdefault(name, columns[name])
    return data, sorter.order


def _placed(sorter: _Sorter, dtype: object, rows: np.ndarray, values: list | pa.Array) -> Any:
    """One sparse attribute column in output order: arrow text for a STRING column, a
    Categorical, or the column's typed array."""
    if dtype == CATEGORY:
        return sorter.sparse_category(rows, _arrow_text(values))
    if dtype == STRING:
        return sorter.sparse_arrow(rows, _arrow_text(values))
    if dtype == STRING_LIST:
        return pd.arrays.ArrowExtensionArray(sorter.sparse_arrow(rows, _arrow_lists(values)))
    return _typed_sparse(sorter, rows, values, dtype)


def _typed_sparse(sorter: _Sorter, rows: np.ndarray, values: list | pa.Array, dtype: object) -> Any:
    """A sparse column that is not text, typed from the values of the rows kept.

    Typing only the values present makes a column that few events carry (a rating's score)
    cost its own size, not the frame's; leaving out dropped duplicates keeps a discarded
    record from changing the column's dtype.
    """
    kept = sorter.kept(rows)
    rows = rows[kept]
    present = _objects(values)[kept]
    typed = _extra_array(present) if dtype is None else _column(present, dtype)
    if isinstance(typed, pd.Index):  # timestamps: the array behind the index
        typed = typed.array
    return sorter.sparse_typed(rows, typed)


def _event_ids(values: list | pa.Array) -> pa.Array:
    """Event ids as text; an id that is NaN (a float, so not caught as missing) is an error."""
    ids = _arrow_text(values)
    if ids.null_count:
        rows = np.flatnonzero(ids.is_null().to_numpy(zero_copy_only=False))
        shown = listing(rows, 5, lambda i: f"record {i} (id {_raw(values, i)!r})")
        raise SchemaError(f"activity-log records without a readable id: {shown}")
    return ids


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
        ``attributes``, unknown activity types and attribute keys.
    users : pandas.DataFrame, optional
        A :func:`users_frame` (or the raw user records); gives ``author_is_agent`` (True when
        the author's role list is non-empty). Without it, or for unknown authors, NA.
    queues : pandas.DataFrame, optional
        A :func:`queues_frame` (or raw queue records); maps ``queue_id`` to ``queue_name``.
    conversations : pandas.DataFrame, optional
        A :func:`conversations_frame`; gives each event its conversation's ``queue_id`` and
        ``channel`` (and ``queue_name``, unless ``queues`` names the queue).
    keep_raw : bool, default False
        Add an ``attributes`` column (last) holding a copy of each record's raw attributes.

    Returns
    -------
    pandas.DataFrame
        The EVENTS schema, then any attribute field the schema does not declare, as a
        snake_case column, in order of first appearance. One row per distinct ``id`` (the
        first record of a repeated id is kept), sorted by ``conversation_id`` then
        ``timestamp``; ties keep input order. The index is a fresh RangeIndex.
        ``agent_id``/``agent_name`` name the agent an event is about: the assigned or
        unassigned agent, the rated agent, the claiming agent (the author of
        ``conversation_claimed``), or a transfer destination of type agent/user.

    Raises
    ------
    TypeError
        If ``records`` is not a list of dicts, or a join argument is not a frame.
    SchemaError
        If a record lacks ``id``, ``conversation_id`` or ``activity_type``, has no readable
        timestamp, an ``activity_type`` that is neither text nor a number, or an author or
        attributes that are not objects; the message names it.

    Notes
    -----
    Records in the shape the API sends are read by arrow, with one Python pass over their
    attributes; parsing, deduplicating and sorting run meanwhile in a worker thread (arrow
    and numpy release the GIL for most of that work). Records of any other shape are read
    one by one, which is slower; either way the frame is the same. (Arrow reads a dict by the
    items it holds, not through its ``get``: a dict subclass whose ``get`` answers otherwise
    is not supported.)

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
    if not isinstance(records, list | tuple):
        norm.require_records(records, "activity-log records")  # raises, saying what to pass
    if not records:
        frame = empty(EVENTS)
        if keep_raw:
            frame["attributes"] = pd.Series([], dtype=OBJECT)
        return frame
    data, order = _event_data(records)
    frame = pd.DataFrame(data, index=pd.RangeIndex(len(order)), copy=False)
    if users is not None:
        frame["author_is_agent"] = _author_is_agent(users, frame["author_id"])
    if conversations is not None or queues is not None:
        _join_conversations(frame, conversations, queues)
    frame = conform(frame, EVENTS, extra=True)
    if keep_raw:
        raw = [records[i].get("attributes") for i in order]
        frame["attributes"] = pd.Series(copy.deepcopy(raw), index=frame.index, dtype=OBJECT)
    return frame


# --- exploded by type ------------------------------------------------------------------

# Columns every per-type frame keeps: the events frame's own (not attribute) columns.
CORE_EVENT_COLUMNS: tuple[str, ...] = tuple(c for c in EVENTS if c in norm.EVENT_CORE_FIELDS)

_TRANSFER = (
    "agent_id",
    "agent_name",
    "destination_id",
    "destination_type",
    "destination_label",
    "transfer_type",
    "reason",
)
# The attribute columns each activity type carries, from the reference's attribute variants
# (section 3.3). Types without a variant carry none; columns an unknown type fills are kept by
# ``split_by_type`` anyway.
TYPE_COLUMNS: dict[str, tuple[str, ...]] = {
    "tag_added": ("tag",),
    "tag_removed": ("tag",),
    "conversation_created_by_customer": ("conversation_subject",),
    "conversation_created_by_agent": ("conversation_subject",),
    "message_added_by_customer": ("message_id", "from_endpoint", "avatar_url"),
    "message_added_by_agent": ("message_id", "from_endpoint", "avatar_url"),
    "note_added": ("message_id", "avatar_url", "note"),
    "conversation_offered": ("agent_names", "queue_label"),
    "conversation_assigned": ("agent_id", "agent_name"),
    "conversation_unassigned": ("agent_id", "agent_name", "agent_email", "agent_phone_number"),
    "transfer_initiated": _TRANSFER,
    "transfer_failed": _TRANSFER,
    "transfer_successful": _TRANSFER,
    "conversation_claimed": ("agent_id", "agent_name", "claimed_from_label", "claimed_from_type"),
    "conversation_language_updated": ("language",),
    "conversation_autoreply_sent": ("template_name",),
    "conversation_rating_scheduled": ("rating_scheduled_time",),
    "conversation_rating_offered": (
        "agent_id",
        "agent_name",
        "agent_email",
        "agent_phone_number",
        "user_id",
        "user_name",
        "user_email",
        "user_phone_number",
    ),
    "conversation_rated": (
        "agent_id",
        "agent_name",
        "agent_email",
        "agent_phone_number",
        "score",
        "message",
    ),
}


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
        attribute columns of the type in :data:`TYPE_COLUMNS`, any other column that is
        non-null for that type, and ``attributes`` when present. Dtypes are unchanged.
        An empty frame gives an empty dict.

    Examples
    --------
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
