"""Raw activity-log records → columns, in one reader for the shape the API sends.

The API sends a list of JSON objects: ``id`` (text), ``conversation_id`` (an integer),
``activity_type`` (text, either spelling), the timestamp under either documented key (text in
any documented form), ``author`` (an object of text fields, or null or absent) and
``attributes`` (an object, or null or absent). Arrow reads the core fields of every record in
one pass at C speed (:func:`read_core`); one Python pass explodes the attributes by key
(:func:`read_attributes`). Nothing is reread: a record in any other shape stops the read with a
:class:`~dixa_analytics.SchemaError` (or a ``TypeError`` for an item that is not an object)
naming the record and the field, found by :func:`diagnose`.

Values are left as the records hold them (timestamps stay text); only names and shapes are
normalised here. The frame is built from these columns in :mod:`._frame`.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dixa_analytics._errors import SchemaError
from dixa_analytics.events._vocabulary import (
    IGNORED_ATTRIBUTE_KEYS,
    RECORD_KEYS,
    TIMESTAMP_KEYS,
    attribute_column,
    snake_case,
)
from dixa_analytics.frames import as_integer, record_label, require_records

__all__ = ["Sparse", "diagnose", "read_attributes", "read_core", "record_csids", "require_list"]

# Record indices, and the values of those records: a list, or arrow text when every value is.
Sparse = tuple[np.ndarray, list[Any] | pa.Array]
_TEXT = pa.large_string()
_AUTHOR_FIELDS = ("id", "name", "email")
_AUTHOR = pa.struct([(field, _TEXT) for field in _AUTHOR_FIELDS])
# A float64 holds every integer up to 2**53 exactly; a csid beyond that cannot be checked.
_LARGEST_CSID = 2**53


def require_list(records: object) -> Sequence[Any]:
    """Check that ``records`` is a list (or tuple); its items are checked as they are read."""
    if not isinstance(records, list | tuple):
        require_records(records, "activity-log records")  # raises, saying what to pass
    return records  # type: ignore[return-value]


def _layout(spellings: Mapping[str, Sequence[str]]) -> pa.StructType:
    """The struct arrow reads: every spelling of every field, the csid twice (as an integer,
    of which arrow truncates a fraction silently, and as a float, as which it reads a boolean
    as 1.0: a csid is one only where the two agree)."""
    fields: list[tuple[str, pa.DataType]] = [("id", _TEXT), ("author", _AUTHOR)]
    for key in spellings["conversation_id"]:
        fields += [(key, pa.int64()), (key, pa.float64())]
    fields += [(key, _TEXT) for key in spellings["activity_type"]]
    fields += [(key, _TEXT) for key in spellings["timestamp"]]
    return pa.struct(fields)


def _spellings(head: object, *, every: bool) -> dict[str, tuple[str, ...]]:
    """The spellings to read: every one, or those the first record uses (reading a spelling
    no record uses costs a lookup per record)."""
    if every or not isinstance(head, Mapping):
        return dict(RECORD_KEYS)
    return {
        field: tuple(k for k in keys if head.get(k) not in (None, "")) or keys
        for field, keys in RECORD_KEYS.items()
    }


def read_core(records: Sequence[Any]) -> dict[str, Any]:
    """The core columns of activity-log records, read by arrow in one pass.

    Parameters
    ----------
    records : list of dict
        Activity-log records (the list under ``data``).

    Returns
    -------
    dict
        ``event_id``, ``activity_type`` (arrow text, as spelled), ``conversation_id`` (int64
        numpy array), ``timestamp`` (the text under the first :data:`TIMESTAMP_KEYS` spelling
        that holds one), ``author_id``, ``author_name``, ``author_email`` (arrow text, null
        where the record has no author). Each field is read under any of its spellings
        (:data:`RECORD_KEYS`: snake_case, or the Dixa API's camelCase).

    Raises
    ------
    TypeError, SchemaError
        As :func:`diagnose` finds for the first record not in the documented shape.

    Examples
    --------
    >>> core = read_core([{"id": "e1", "conversation_id": 7, "activity_type": "tag_added",
    ...     "activity_timestmap": "2015-11-30T00:00:00:000Z", "author": None}])
    >>> core["timestamp"].to_pylist(), core["author_id"].to_pylist(), core["conversation_id"]
    (['2015-11-30T00:00:00:000Z'], [None], array([7]))
    >>> core = read_core([{"id": "e1", "conversationId": 7, "activityType": "TagAdded",
    ...     "activityTimestamp": "2021-12-01T12:46:36.581Z[GMT]"}])
    >>> core["activity_type"].to_pylist(), core["conversation_id"]
    (['TagAdded'], array([7]))
    """
    head = records[0] if records else None
    spellings = _spellings(head, every=False)
    core = _core(_read(records, _layout(spellings)), spellings)
    if spellings != RECORD_KEYS and (
        core["event_id"].null_count
        or core["csids"].null_count
        or core["activity_type"].null_count
        or core["timestamp"].null_count
        or _has_empty(core["timestamp"])
    ):
        # Some record spells a field another way than the first one.
        spellings = _spellings(head, every=True)
        core = _core(_read(records, _layout(spellings)), spellings)
    if core["event_id"].null_count or core["csids"].null_count or core["activity_type"].null_count:
        raise diagnose(records)  # a record without one: named there
    whole = core.pop("csids").to_numpy()
    if not np.array_equal(whole, core.pop("csids_as_float").to_numpy()) or (
        np.abs(whole).max() > _LARGEST_CSID
    ):
        raise diagnose(records)  # a fractional, boolean or out-of-range csid
    first = next((r["author"] for r in records if r.get("author")), None)
    if first is not None and not isinstance(first, dict):
        # Arrow reads every author as it reads the first one it meets: a sequence by position.
        raise diagnose(records)
    return {"conversation_id": whole, **core}


def _core(fields: list[pa.Array], spellings: Mapping[str, Sequence[str]]) -> dict[str, Any]:
    """The core columns from what arrow read with :func:`_layout`: each field's spellings
    merged, the first that holds a value winning."""
    event_ids, author, *rest = fields
    n_csid = 2 * len(spellings["conversation_id"])
    n_type = len(spellings["activity_type"])
    csids, types, stamps = rest[:n_csid], rest[n_csid : n_csid + n_type], rest[n_csid + n_type :]
    author_ids, author_names, author_emails = author.flatten()
    return {
        "event_id": event_ids,
        "csids": _first_present(csids[0::2]),
        "csids_as_float": _first_present(csids[1::2]),
        "timestamp": _first_text(stamps),
        "activity_type": _first_present(types),
        "author_id": author_ids,
        "author_name": author_names,
        "author_email": author_emails,
    }


def _first_present(spellings: Sequence[pa.Array]) -> pa.Array:
    return spellings[0] if len(spellings) == 1 else pc.coalesce(*spellings)


def _read(records: Sequence[Any], layout: pa.StructType) -> list[pa.Array]:
    try:
        return pa.array(records, type=layout).flatten()
    except Exception as exc:  # whatever arrow cannot read is explained record by record
        raise diagnose(records, found=str(exc)) from None


def _has_empty(texts: pa.Array) -> bool:
    return bool(pc.any(pc.equal(texts, "")).as_py())


def _first_text(spellings: Sequence[pa.Array]) -> pa.Array:
    """Per record, the first spelling that holds non-empty text (``a or b``)."""
    stamps = spellings[0]
    for later in spellings[1:]:
        if later.null_count < len(later):
            stamps = pc.if_else(pc.fill_null(pc.not_equal(stamps, ""), False), stamps, later)
    return stamps


def read_attributes(records: Sequence[Any]) -> dict[str, Sparse]:
    """The attributes of activity-log records, exploded into sparse columns.

    Parameters
    ----------
    records : list of dict
        Activity-log records.

    Returns
    -------
    dict of str to (numpy.ndarray, list or pyarrow.Array)
        Column → (indices of the records that hold a value, those values), in the order the
        keys are first met; the values are arrow text when they are all text. Nested objects
        become ``<key>_<field>`` (``agent_id``, ``user_name``…), every tag key becomes
        ``tag``, ``avatal_url`` becomes ``avatar_url``, camelCase keys become snake_case, and
        keys that would overwrite a core column are prefixed ``attr_``; an empty key becomes
        ``attr_empty_key``. Where two keys land on one column in one record
        (``agentName`` and ``agent_name``, ``tag_name`` and ``tag``), the one that is not
        null is kept.

    Raises
    ------
    TypeError, SchemaError
        As :func:`diagnose` finds for a record or attributes that are not objects; a
        SchemaError when two keys of one record land on one column with different values
        (naming the record, its conversation and the values).

    Examples
    --------
    >>> rows, values = read_attributes([{"attributes": None},
    ...     {"attributes": {"tag_name": "vip"}}])["tag"]
    >>> rows.tolist(), values.to_pylist()
    ([1], ['vip'])
    """
    # Record indices go to C arrays (no int object per value, and numpy reads them as they
    # are), through bound appends: the cheapest call per value.
    collected: dict[Any, tuple[Callable, Callable, array, list[Any]]] = {}
    try:
        for index, record in enumerate(records):
            attrs = record.get("attributes")
            if attrs:
                for key, value in attrs.items():
                    slot = collected.get(key)
                    if slot is None:
                        rows, values = array("q"), []
                        collected[key] = slot = (rows.append, values.append, rows, values)
                    slot[0](index)
                    slot[1](value)
    except (AttributeError, TypeError):  # a record or attributes that are no object
        raise diagnose(records) from None
    sparse: dict[str, Sparse] = {}
    for key in IGNORED_ATTRIBUTE_KEYS & collected.keys():
        del collected[key]
    for key, (_, _, rows, values) in collected.items():
        for name, piece in _pieces(attribute_column(str(key)), _positions(rows), values):
            earlier = sparse.get(name)
            if earlier is None:
                sparse[name] = piece
                continue
            sparse[name], clash = _merge(earlier, piece)
            if clash is not None:
                row, first, second = clash
                record = records[row]
                raise SchemaError(
                    f"activity-log record {row} (id {record.get('id')!r}, conversation "
                    f"{record.get('conversation_id', record.get('conversationId'))!r}) has two "
                    f"attribute keys for {name!r} (spelled differently, e.g. agentName and "
                    f"agent_name) with different values: {first!r} and {second!r}"
                )
    return sparse


def _pieces(column: str, rows: np.ndarray, values: list[Any]) -> list[tuple[str, Sparse]]:
    """One key's sparse columns: ``column``, and ``<column>_<field>`` for each field of its
    object values (``agent`` → ``agent_id``, ``agent_name``…), holding the records that have it.

    Values that are all text (the usual case) come back as arrow text, converted while they
    are at hand instead of in a second pass over a million scattered strings.
    """
    try:
        return [(column, (rows, pa.array(values, type=_TEXT)))]
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        pass  # not all text: numbers, lists, objects
    if dict not in set(map(type, values)):
        return [(column, (rows, values))]
    # One pass over the objects, each field's values with the positions that hold them.
    plain_at, plain = array("q"), []
    fields: dict[Any, tuple[array, list[Any]]] = {}
    for position, value in enumerate(values):
        if isinstance(value, dict):
            for field, item in value.items():
                slot = fields.get(field)
                if slot is None:
                    fields[field] = slot = (array("q"), [])
                slot[0].append(position)
                slot[1].append(item)
        else:
            plain_at.append(position)
            plain.append(value)
    pieces = [
        (f"{column}_{snake_case(str(field))}", (rows[_positions(at)], items))
        for field, (at, items) in fields.items()
    ]
    if any(v is not None for v in plain):
        pieces.insert(0, (column, (rows[_positions(plain_at)], plain)))
    return pieces


def _positions(indices: array) -> np.ndarray:
    """A C array of int64 indices as a numpy index array, without copying where it can."""
    return np.frombuffer(indices, dtype=np.int64).astype(np.intp, copy=False)


def _merge(earlier: Sparse, later: Sparse) -> tuple[Sparse, tuple[int, Any, Any] | None]:
    """One sparse column from two keys that land on it, and the first clash, if any.

    Per record, the value that is not None is kept; a clash is a record where both keys hold
    a value and the values differ: ``(record, first value, second value)``.
    """
    rows = np.concatenate((earlier[0], later[0]))
    if isinstance(earlier[1], pa.Array) and isinstance(later[1], pa.Array):
        values: list[Any] | pa.Array = pa.concat_arrays([earlier[1], later[1]])
    else:
        values = _as_list(earlier[1]) + _as_list(later[1])
    if np.bincount(rows).max() == 1:  # the usual case: the keys never share a record
        return (rows, values), None
    values = _as_list(values)
    order = np.argsort(rows, kind="stable")  # stable: a record's earlier value comes first
    merged_rows: list[int] = []
    merged: list[Any] = []
    for row, value in zip(rows[order].tolist(), (values[i] for i in order), strict=True):
        if merged_rows and merged_rows[-1] == row:
            if merged[-1] is None:
                merged[-1] = value
            elif value is not None and value != merged[-1]:
                return (rows, values), (row, merged[-1], value)
        else:
            merged_rows.append(row)
            merged.append(value)
    return (np.asarray(merged_rows, dtype=np.intp), merged), None


def _as_list(values: list[Any] | pa.Array) -> list[Any]:
    return values.to_pylist() if isinstance(values, pa.Array) else values


def diagnose(records: Sequence[Any], *, found: str | None = None) -> Exception:
    """The error naming the first record that is not in the shape the API sends, and why.

    Parameters
    ----------
    records : list
        Activity-log records.
    found : str, optional
        What the reader ran into, quoted when no record can be blamed.

    Returns
    -------
    TypeError or SchemaError
        ``TypeError`` for an item that is not an object; ``SchemaError`` naming the record and
        its field otherwise.

    Examples
    --------
    >>> print(diagnose([{"id": "e1", "conversation_id": "7", "activity_type": "x"}]))
    activity-log record 0 (id 'e1') has conversation_id '7' (str); expected an integer csid
    """
    require_records(records, "activity-log records")
    # Arrow reads an author of empty text or an empty list as none, unless it is the first
    # author it meets: if nothing else is wrong, such an author is what it stumbled on.
    for strict in (False, True):
        for index, record in enumerate(records):
            problem = _problem(record, strict=strict)
            if problem is not None:
                return SchemaError(f"activity-log {record_label(record, index)} has {problem}")
    detail = f": {found}" if found else ""
    return SchemaError(f"activity-log records are not in the documented shape{detail}")


def _spelled(record: Mapping[str, Any], field: str) -> tuple[str, Any]:
    """The key a record spells ``field`` with, and its value (the first spelling it has)."""
    keys = RECORD_KEYS.get(field, (field,))
    for key in keys:
        if record.get(key) is not None:
            return key, record[key]
    return keys[0], None


def _problem(record: Mapping[str, Any], *, strict: bool) -> str | None:
    """What is wrong with one record, or None (``strict``: an empty author is wrong too)."""
    (_, event_id), (csid_key, csid), (type_key, kind) = (
        _spelled(record, field) for field in ("id", "conversation_id", "activity_type")
    )
    for key, value in (("id", event_id), (csid_key, csid), (type_key, kind)):
        if value is None:
            return f"no {key!r}"
    if not isinstance(event_id, str):
        return f"id {_shown(event_id)}; expected text"
    if as_integer(csid) is None or isinstance(csid, str) or abs(csid) > _LARGEST_CSID:
        return f"{csid_key} {_shown(csid)}; expected an integer csid"
    if not isinstance(kind, str):
        return f"{type_key} of type {type(kind).__name__}; expected a string"
    for key in TIMESTAMP_KEYS:
        stamp = record.get(key)
        if stamp is not None and not isinstance(stamp, str):
            return f"{key} {_shown(stamp)}; expected ISO-8601 text"
    author = record.get("author")
    empty = not strict and author in ("", [])
    if not (author is None or isinstance(author, dict) or empty):
        return f"author of type {type(author).__name__}; expected an object or null"
    for field in _AUTHOR_FIELDS if isinstance(author, dict) else ():
        value = author.get(field)
        if value is not None and not isinstance(value, str):
            return f"author.{field} {_shown(value)}; expected text"
    attributes = record.get("attributes")
    if attributes and not isinstance(attributes, Mapping):
        return f"attributes of type {type(attributes).__name__}; expected an object or null"
    return None


def _shown(value: object) -> str:
    return f"{value!r} ({type(value).__name__})"


def record_csids(records: Iterable[Any]) -> set[int]:
    """The csids that records name in ``conversation_id`` (values that are no csid skipped).

    Examples
    --------
    >>> sorted(record_csids([{"conversation_id": 7}, {"conversationId": "8"}, {}]))
    [7, 8]
    """
    return {
        csid
        for record in records
        if isinstance(record, Mapping)
        and (csid := as_integer(_spelled(record, "conversation_id")[1])) is not None
    }
