"""Raw Dixa JSON records → flat column data.

Pure functions over dicts: no pandas, no I/O. Each ``*_columns`` function takes the records
of one endpoint, in any spelling variant the API reference documents, and returns a mapping
``column -> list of values`` (or an object array for the activity log) that
:mod:`dixa_analytics._frames` turns into a typed frame. Values are left as they came
(timestamps stay strings or epoch milliseconds); only names and shapes are normalised here.

The activity log, which runs to millions of records, has a second reader for the shape the API
sends (:func:`common_core` and :func:`common_attributes`): arrow reads the core fields at C
speed, and one Python pass checks what arrow reads loosely and explodes the attributes, whose
values come back as arrow text when they are all text. Records of any other shape go to
:func:`activity_columns`, which reads them one by one and explains what it cannot read.

Variants handled (see the API reference, sections 1.6, 2 and 3):

* activity log: ``activity_timestamp`` / ``activity_timestmap`` (sic); tag keys ``tag_name``,
  ``tag_added``, ``tag``, ``tag_removed``; ``avatal_url`` (sic) / ``avatar_url``; camelCase
  attribute keys; nested ``agent`` / ``user`` objects; null or absent ``author`` / ``attributes``;
* conversations: the ``/v1/conversations/{csid}`` object and the Exports API record
  (``initial_channel`` spellings such as ``widgetchat``, upper-case ``status``);
* messages: flag attributes as booleans or ``"true"``/``"false"`` strings, ``to_emails`` as a
  string or a list.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dixa_analytics._errors import SchemaError

__all__ = [
    "AGENT_DESTINATION_TYPES",
    "EVENT_CORE_FIELDS",
    "EXPORT_CHANNELS",
    "INT64_MAX",
    "INT64_MIN",
    "TAG_KEYS",
    "TRANSFER_TYPES",
    "ActivityColumns",
    "activity_columns",
    "attribute_column",
    "common_attributes",
    "common_core",
    "conversation_columns",
    "endpoint_columns",
    "message_columns",
    "note_columns",
    "queue_columns",
    "record_csids",
    "require_records",
    "snake_case",
    "tag_columns",
    "to_bool",
    "user_columns",
]

# Every documented spelling of the tag attribute, in order of preference.
TAG_KEYS = ("tag_name", "tag_added", "tag", "tag_removed")
# Attribute keys spelled differently in real data than in the docs.
_KEY_ALIASES = {"avatal_url": "avatar_url"}
# Columns the events frame fills from the record itself (or from joins). An attribute key that
# would land on one of them is kept as ``attr_<key>`` instead of overwriting it.
EVENT_CORE_FIELDS = frozenset(
    {
        "event_id",
        "conversation_id",
        "timestamp",
        "activity_type",
        "author_id",
        "author_name",
        "author_email",
        "author_is_agent",
        "queue_id",
        "queue_name",
        "channel",
        "attributes",
    }
)
# Transfer destinations that name an agent rather than a queue.
AGENT_DESTINATION_TYPES = frozenset({"agent", "user"})
TRANSFER_TYPES = frozenset({"transfer_initiated", "transfer_failed", "transfer_successful"})
# Exports API ``initial_channel`` spellings → the Integrations API Channel enum.
EXPORT_CHANNELS = {
    "widgetchat": "widget_chat",
    "contactform": "contact_form",
    "facebookmessenger": "facebook_messenger",
    "voicemail": "voice_mail",
}

# What an activity_type may be: text, or a number (hostile payloads; kept as its text).
_ACTIVITY_TYPE_KINDS = (str, int, float)
# The range of the Int64 columns; larger integers come only from corrupt payloads.
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
# An integer written as text: ASCII digits only (str.isdigit also accepts '²' and '١').
_DIGITS = re.compile(r"\s*[-+]?[0-9]+\s*")
_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


@lru_cache(maxsize=4096)
def snake_case(key: str) -> str:
    """Return ``key`` in snake_case (``agentId`` → ``agent_id``; snake_case is kept).

    Examples
    --------
    >>> snake_case("destinationLabel"), snake_case("tag_name"), snake_case("HTMLBody")
    ('destination_label', 'tag_name', 'html_body')
    """
    return _CAMEL_BOUNDARY.sub("_", key.strip()).replace("-", "_").replace(" ", "_").lower()


@lru_cache(maxsize=4096)
def attribute_column(key: str) -> str:
    """Return the events-frame column an activity-log attribute key goes to.

    Examples
    --------
    >>> attribute_column("tag_added"), attribute_column("avatal_url"), attribute_column("queueId")
    ('tag', 'avatar_url', 'attr_queue_id')
    """
    name = snake_case(str(key))
    if name in TAG_KEYS:
        return "tag"
    name = _KEY_ALIASES.get(name, name)
    return f"attr_{name}" if name in EVENT_CORE_FIELDS else name


def require_records(records: object, what: str) -> Sequence[Mapping[str, Any]]:
    """Check that ``records`` is a list of dicts; raise ``TypeError`` saying what to pass."""
    if not isinstance(records, list | tuple):
        raise TypeError(
            f"{what} must be a list of dicts (the records under the response's 'data'), "
            f"not {type(records).__name__}"
        )
    for index, record in enumerate(records):
        if not isinstance(record, Mapping):
            raise TypeError(
                f"{what} must be a list of dicts; item {index} is a {type(record).__name__}"
            )
    return records


def _label(record: Mapping[str, Any], index: int) -> str:
    rid = record.get("id")
    return f"record {index} (id {rid!r})" if rid is not None else f"record {index}"


def _require_keys(records: Sequence[Mapping[str, Any]], keys: Iterable[str], what: str) -> None:
    for key in keys:
        for index, record in enumerate(records):
            if record.get(key) is None:
                raise SchemaError(f"{what} {_label(record, index)} has no {key!r}")


def to_bool(value: object) -> bool | None:
    """Read a flag that may be a bool or a ``"true"``/``"false"`` string.

    Examples
    --------
    >>> to_bool("TRUE"), to_bool(False), to_bool(None), to_bool("n/a")
    (True, False, None, None)
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return {"true": True, "false": False, "1": True, "0": False}.get(value.strip().lower())
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    return None


def _sub(value: object, key: str) -> Any:
    return value.get(key) if isinstance(value, Mapping) else None


# --- activity log ------------------------------------------------------------------------


def _integer(value: object) -> int | None:
    """``value`` as an int64-sized integer (ints, whole floats, ASCII digit strings, and their
    numpy kinds), else None."""
    if isinstance(value, bool | np.bool_):
        return None
    if (
        isinstance(value, np.integer)
        or (isinstance(value, float | np.floating) and float(value).is_integer())
        or (isinstance(value, str) and _DIGITS.fullmatch(value))
    ):
        value = int(value)
    if isinstance(value, int) and INT64_MIN <= value <= INT64_MAX:
        return value
    return None


def _conversation_ids(records: Sequence[Mapping[str, Any]], raw: list) -> np.ndarray:
    """The csids as int64; whole floats and digit strings are read, anything else is an error."""
    if set(map(type, raw)) <= {int}:
        try:
            return np.array(raw, dtype=np.int64)
        except OverflowError:
            pass  # beyond int64: the loop below names the record
    out = []
    for index, value in enumerate(raw):
        csid = _integer(value)
        if csid is None:
            raise SchemaError(
                f"activity-log {_label(records[index], index)} has conversation_id "
                f"{value!r}; expected an integer csid"
            )
        out.append(csid)
    return np.array(out, dtype=np.int64)


def record_csids(records: Iterable[Mapping[str, Any]]) -> set[int]:
    """The csids that records name in ``conversation_id`` (values that are no csid skipped).

    Examples
    --------
    >>> sorted(record_csids([{"conversation_id": 7}, {"conversation_id": "8"}, {}]))
    [7, 8]
    """
    return {
        csid
        for record in records
        if isinstance(record, Mapping)
        and (csid := _integer(record.get("conversation_id"))) is not None
    }


# Record indices, and the values of those records: a list, or arrow text when every value is.
Sparse = tuple[np.ndarray, list[Any] | pa.Array]
_TEXT = pa.large_string()


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


def _merge(earlier: Sparse, later: Sparse) -> Sparse:
    """One sparse column from two keys that land on it (the earlier key's value wins).

    Per record, the value of the key met first in the input is kept unless it is None.
    """
    rows = np.concatenate((earlier[0], later[0]))
    if isinstance(earlier[1], pa.Array) and isinstance(later[1], pa.Array):
        values: list[Any] | pa.Array = pa.concat_arrays([earlier[1], later[1]])
    else:
        values = _as_list(earlier[1]) + _as_list(later[1])
    if np.bincount(rows).max() == 1:  # the usual case: the keys never share a record
        return rows, values
    values = _as_list(values)
    order = np.argsort(rows, kind="stable")  # stable: a record's earlier value comes first
    merged_rows: list[int] = []
    merged: list[Any] = []
    for row, value in zip(rows[order].tolist(), (values[i] for i in order), strict=True):
        if merged_rows and merged_rows[-1] == row:
            if merged[-1] is None:
                merged[-1] = value
        else:
            merged_rows.append(row)
            merged.append(value)
    return np.asarray(merged_rows, dtype=np.intp), merged


def _as_list(values: list[Any] | pa.Array) -> list[Any]:
    return values.to_pylist() if isinstance(values, pa.Array) else values


def _attribute_values(
    records: Sequence[Any], *, common: bool
) -> dict[Any, tuple[array, list[Any]]] | None:
    """Each attribute key's (record indices, values), keys in the order first met.

    None when a record has no ``get`` or its attributes are neither a mapping nor empty; with
    ``common``, also when its attributes are a mapping other than a dict or its activity type
    is not text (arrow, which reads the rest, reads bytes as text).
    """
    # Record indices go to C arrays (no int object per value, and numpy reads them as they
    # are), through bound appends: the cheapest call per value.
    collected: dict[Any, tuple[Callable, Callable, array, list[Any]]] = {}
    try:
        for index, record in enumerate(records):
            if common and record.get("activity_type").__class__ is not str:
                return None
            attrs = record.get("attributes")
            if attrs:
                if attrs.__class__ is not dict and (common or not isinstance(attrs, Mapping)):
                    return None
                for key, value in attrs.items():
                    slot = collected.get(key)
                    if slot is None:
                        rows, values = array("q"), []
                        collected[key] = slot = (rows.append, values.append, rows, values)
                    slot[0](index)
                    slot[1](value)
    except (AttributeError, TypeError):  # a record or attributes that are no mapping
        return None
    return {key: (rows, values) for key, (_, _, rows, values) in collected.items()}


def _explode(by_key: Mapping[Any, tuple[array, list[Any]]]) -> dict[str, Sparse]:
    """Sparse attribute columns from each attribute key's (record indices, values).

    Keys are taken in the order first met. When two keys land on the same column (``tag_name``
    and ``tag``) and one record holds both, the key met first in the input wins (unless its
    value is None).
    """
    sparse: dict[str, Sparse] = {}
    for key, (rows, values) in by_key.items():
        for name, piece in _pieces(attribute_column(str(key)), _positions(rows), values):
            earlier = sparse.get(name)
            sparse[name] = piece if earlier is None else _merge(earlier, piece)
    return sparse


@dataclass(frozen=True)
class ActivityColumns:
    """Flat columns of activity-log records, in input order (duplicates included).

    Attributes
    ----------
    size : int
        Number of records.
    core : dict of str to list or numpy.ndarray
        One raw value per record: ``event_id``, ``conversation_id`` (an int64 array),
        ``timestamp`` (the raw value of ``activity_timestamp``, else ``activity_timestmap``),
        ``activity_type``, ``author_id``, ``author_name``, ``author_email``.
    attributes : dict of str to (numpy.ndarray, list or pyarrow.Array)
        Sparse attribute columns, in the order first met: column → (record indices, values),
        the values as arrow text when they are all text. Nested objects become
        ``<key>_<field>`` (``agent_id``, ``user_name``…), every tag key becomes ``tag``,
        ``avatal_url`` becomes ``avatar_url``, camelCase keys become snake_case, and keys
        that would overwrite a core column are prefixed ``attr_``.
    """

    size: int
    core: dict[str, list | np.ndarray]
    attributes: dict[str, Sparse]


def _shape_error(records: Sequence[Any]) -> Exception:
    """The error that explains why a record could not be read (a record is not a dict, ...)."""
    require_records(records, "activity-log records")
    for index, record in enumerate(records):
        activity_type = record.get("activity_type")
        if activity_type is not None and not isinstance(activity_type, _ACTIVITY_TYPE_KINDS):
            return SchemaError(
                f"activity-log {_label(record, index)} has activity_type of type "
                f"{type(activity_type).__name__}; expected a string"
            )
        for key in ("author", "attributes"):
            value = record.get(key)
            if value and not isinstance(value, Mapping):
                return SchemaError(
                    f"activity-log {_label(record, index)} has {key} of type "
                    f"{type(value).__name__}; expected an object or null"
                )
    return SchemaError("activity-log records are not in the documented shape")


# The core fields of a record in the common shape, as arrow reads them. The csid is read twice:
# as an integer (arrow truncates a float to one) and as a float (which shows a truncation).
_CORE_FIELDS = [
    ("id", _TEXT),
    ("conversation_id", pa.int64()),
    ("conversation_id", pa.float64()),
    ("activity_type", _TEXT),
    ("activity_timestamp", _TEXT),
    ("author", pa.struct([("id", _TEXT), ("name", _TEXT), ("email", _TEXT)])),
]
_CORE = pa.struct(_CORE_FIELDS)
_STAMPS = [name for name, _ in _CORE_FIELDS].index("activity_timestamp")
_CORE_AND_MISSPELT = pa.struct([*_CORE_FIELDS, ("activity_timestmap", _TEXT)])


def _read_core(records: Sequence[Any], layout: pa.StructType) -> list[pa.Array] | None:
    try:
        return pa.array(records, type=layout).flatten()
    except Exception:  # whatever arrow cannot read is read record by record
        return None


def _text_keyed(mapping: Any, names: Iterable[str]) -> bool:
    """Whether arrow, meeting ``mapping`` first, settles on looking fields up by text keys.

    Arrow looks up struct fields by text or by bytes keys, whichever the first dict holding
    one of the fields (in field order) uses, and keeps to that for every later dict.
    """
    if mapping.__class__ is not dict:
        return False
    for name in names:
        if name in mapping:
            return True
        if name.encode() in mapping:
            return False
    return False  # no field at all: arrow would settle on a later dict, unchecked


def common_core(records: Sequence[Any]) -> dict[str, pa.Array] | None:
    """The core columns of records in the common shape, read by arrow; None if it cannot.

    Arrow reads the records in one pass at C speed. It is loose where the common shape is
    strict (it reads bytes as text), so the columns count only if :func:`common_attributes`
    finds the records in the common shape too.

    Parameters
    ----------
    records : list of dict
        Activity-log records.

    Returns
    -------
    dict of str to pyarrow.Array, or None
        ``event_id``, ``conversation_id`` (int64), ``activity_type``, ``timestamp`` (the text
        of ``activity_timestamp``, else ``activity_timestmap``), ``author_id``,
        ``author_name``, ``author_email``; None when a value is of another kind (a number for
        text, a fractional or string csid, a record or author that is not a dict keyed by
        text…) or a required field is missing.

    Examples
    --------
    >>> core = common_core([{"id": "e1", "conversation_id": 7, "activity_type": "tag_added",
    ...     "activity_timestmap": "2015-11-30T00:00:00:000Z", "author": None}])
    >>> core["timestamp"].to_pylist(), core["author_id"].to_pylist()
    (['2015-11-30T00:00:00:000Z'], [None])
    >>> common_core([{"id": 1, "conversation_id": 7, "activity_type": "x"}]) is None
    True
    """
    # Real data spells the timestamp right; reading the documented misspelling as well costs a
    # lookup per record, so it is read only when the first record, or a gap, asks for it.
    head = records[0] if records else None
    if not _text_keyed(head, ["id"]):
        return None  # no text "id" in the first record: the record-by-record reader says why
    layout = _CORE if head.get("activity_timestamp") else _CORE_AND_MISSPELT
    fields = _read_core(records, layout)
    if fields is not None and layout is _CORE:
        stamps = fields[_STAMPS]
        if stamps.null_count or pc.any(pc.equal(stamps, "")).as_py():
            fields = _read_core(records, _CORE_AND_MISSPELT)  # some record is spelt the other way
    if fields is None:
        return None
    event_ids, csids, csids_read_as_float, types, stamps, author, *misspelt = fields
    if event_ids.null_count or csids.null_count or types.null_count:
        return None  # the record-by-record reader names the record that lacks it
    if not np.array_equal(csids.to_numpy(), csids_read_as_float.to_numpy()):
        return None  # a fractional csid, which the record-by-record reader refuses
    # Arrow reads every author as it reads the first one it meets: a dict by its text or
    # bytes keys (refusing anything but a dict later), a tuple by position. So the first
    # author must be a dict whose fields arrow looks up by text.
    first = next((r["author"] for r in records if r.get("author") is not None), None)
    if first is not None and not _text_keyed(first, ["id", "name", "email"]):
        return None
    if misspelt and misspelt[0].null_count < len(stamps):
        # ``activity_timestamp or activity_timestmap``
        stamps = pc.if_else(pc.fill_null(pc.not_equal(stamps, ""), False), stamps, misspelt[0])
    author_ids, author_names, author_emails = author.flatten()
    return {
        "event_id": event_ids,
        "conversation_id": csids,
        "timestamp": stamps,
        "activity_type": types,
        "author_id": author_ids,
        "author_name": author_names,
        "author_email": author_emails,
    }


def common_attributes(records: Sequence[Any]) -> dict[str, Sparse] | None:
    """The attribute columns of records in the common shape; None for any other shape.

    The common shape is the one the API sends: every record a dict with a text activity type
    and attributes that are a dict or null (:func:`common_core` checks the rest). This pass
    checks what :func:`common_core` reads loosely and explodes the attributes.

    Parameters
    ----------
    records : list of dict
        Activity-log records.

    Returns
    -------
    dict of str to (numpy.ndarray, list or pyarrow.Array), or None
        As :attr:`ActivityColumns.attributes`.

    Examples
    --------
    >>> record = {"id": "e1", "conversation_id": 7, "activity_type": "tag_added",
    ...     "attributes": {"tag_name": "vip"}}
    >>> rows, values = common_attributes([record])["tag"]
    >>> rows.tolist(), values.to_pylist()
    ([0], ['vip'])
    >>> common_attributes([dict(record, activity_type=b"tag_added")]) is None
    True
    """
    by_key = _attribute_values(records, common=True)
    return None if by_key is None else _explode(by_key)


def activity_columns(records: Sequence[Mapping[str, Any]]) -> ActivityColumns:
    """Flatten raw activity-log records of any documented shape into columns, record by record.

    Slower than :func:`common_core` with :func:`common_attributes`, which read only the common
    shape; this reads every variant, and says what it cannot read.

    Parameters
    ----------
    records : list of dict
        Activity-log records (the list under ``data``), in any documented variant.

    Returns
    -------
    ActivityColumns

    Raises
    ------
    TypeError
        If ``records`` is not a list of dicts.
    SchemaError
        If a record lacks ``id``, ``conversation_id`` or ``activity_type``, has a
        non-integer ``conversation_id``, an ``activity_type`` that is not text or a number
        (a number is kept as its text), or an author or attributes that are neither an object
        nor null.

    Examples
    --------
    >>> cols = activity_columns([{"id": "e1", "conversation_id": 7, "activity_type": "tag_added",
    ...     "activity_timestmap": "2015-11-30T00:00:00:000Z", "attributes": {"tag_name": "vip"}}])
    >>> cols.attributes["tag"][1].to_pylist(), cols.core["timestamp"]
    (['vip'], ['2015-11-30T00:00:00:000Z'])
    """
    if not isinstance(records, list | tuple):
        require_records(records, "activity-log records")
    ids: list = []
    types: list = []
    csids: list = []
    stamps: list = []
    author_ids: list = []
    author_names: list = []
    author_emails: list = []
    add_id, add_type, add_csid, add_stamp = ids.append, types.append, csids.append, stamps.append
    add_author_id, add_author_name = author_ids.append, author_names.append
    add_author_email = author_emails.append
    # One loop over the core fields (not a pass per field): each record is read while it is
    # in the CPU cache, which is what bounds this loop; method calls on the record beat
    # bound-method locals here because they allocate nothing. The attributes follow in a
    # second pass, the one the common-shape reader makes too.
    try:
        for record in records:
            add_id(record.get("id"))
            add_type(record.get("activity_type"))
            add_csid(record.get("conversation_id"))
            add_stamp(record.get("activity_timestamp") or record.get("activity_timestmap"))
            author = record.get("author")
            if author:
                add_author_id(author.get("id"))
                add_author_name(author.get("name"))
                add_author_email(author.get("email"))
            else:
                add_author_id(None)
                add_author_name(None)
                add_author_email(None)
    except (AttributeError, TypeError):
        raise _shape_error(records) from None
    by_key = _attribute_values(records, common=False)
    if by_key is None:
        raise _shape_error(records)
    if None in ids or None in types or None in csids:
        _require_keys(records, ("id", "conversation_id", "activity_type"), "activity-log")
    if not set(map(type, types)) <= {str}:  # hostile payloads: keep a scalar as its text
        if not all(isinstance(t, _ACTIVITY_TYPE_KINDS) for t in types):
            raise _shape_error(records)
        types = [t if isinstance(t, str) else str(t) for t in types]
    core = {
        "event_id": ids,
        "conversation_id": _conversation_ids(records, csids),
        "timestamp": stamps,
        "activity_type": types,
        "author_id": author_ids,
        "author_name": author_names,
        "author_email": author_emails,
    }
    return ActivityColumns(size=len(ids), core=core, attributes=_explode(by_key))


# --- reference data --------------------------------------------------------------------


def _columns(
    records: Sequence[Mapping[str, Any]], spec: Mapping[str, Callable[[Mapping[str, Any]], Any]]
) -> dict[str, list]:
    return {column: [get(r) for r in records] for column, get in spec.items()}


def _first(*keys: str) -> Callable[[Mapping[str, Any]], Any]:
    def get(record: Mapping[str, Any]) -> Any:
        for key in keys:
            value = record.get(key)
            if value is not None:
                return value
        return None

    return get


def _roles(record: Mapping[str, Any]) -> list[str]:
    roles = record.get("roles")
    if roles is None:
        return []
    if isinstance(roles, str):
        return [roles]
    return [str(role) for role in roles] if isinstance(roles, list | tuple) else []


def user_columns(records: Sequence[Mapping[str, Any]]) -> dict[str, list]:
    """Columns of ``GET /v1/users`` records; ``is_agent`` means a non-empty role list.

    Examples
    --------
    >>> user_columns([{"id": "u1", "roles": ["Agent"]}])["is_agent"]
    [True]
    """
    require_records(records, "user records")
    _require_keys(records, ("id",), "user")
    columns = _columns(
        records,
        {
            "user_id": _first("id"),
            "name": _first("name"),
            "email": _first("email"),
            "phone_number": _first("phone_number", "phoneNumber"),
            "roles": _roles,
            "avatar_url": _first("avatar_url", "avatal_url", "avatarUrl"),
        },
    )
    columns["is_agent"] = [bool(roles) for roles in columns["roles"]]
    return columns


def queue_columns(records: Sequence[Mapping[str, Any]]) -> dict[str, list]:
    """Columns of ``GET /v1/queues`` records.

    Examples
    --------
    >>> queue_columns([{"id": "q1", "name": "Support", "priority": 0}])["queue_name"]
    ['Support']
    """
    require_records(records, "queue records")
    _require_keys(records, ("id",), "queue")
    return _columns(
        records,
        {
            "queue_id": _first("id"),
            "queue_name": _first("name"),
            "is_default": lambda r: to_bool(r.get("is_default")),
            "priority": lambda r: _integer(r.get("priority")),
        },
    )


def _deactivated(record: Mapping[str, Any]) -> bool | None:
    flag = to_bool(record.get("is_deactivated"))
    if flag is None and isinstance(record.get("state"), str):
        return record["state"].strip().lower() in {"deactivated", "inactive", "archived"}
    return flag


def tag_columns(records: Sequence[Mapping[str, Any]]) -> dict[str, list]:
    """Columns of ``GET /v1/tags`` records (or Exports ``tags_info`` items).

    Examples
    --------
    >>> tag_columns([{"id": "t1", "name": "vip"}])
    {'tag_id': ['t1'], 'tag_name': ['vip'], 'is_deactivated': [None]}
    """
    require_records(records, "tag records")
    _require_keys(records, ("id",), "tag")
    return _columns(
        records,
        {"tag_id": _first("id"), "tag_name": _first("name"), "is_deactivated": _deactivated},
    )


def endpoint_columns(records: Sequence[Mapping[str, Any]]) -> dict[str, list]:
    """Columns of ``GET /v1/endpoints`` one-key union objects.

    A phone endpoint has no id of its own, so its number serves as ``endpoint_id``.

    Examples
    --------
    >>> endpoint_columns([{"phone_number": {"phone_number": "+4512345678"}}])["endpoint_id"]
    ['+4512345678']
    """
    require_records(records, "endpoint records")
    columns: dict[str, list] = {
        "endpoint_id": [],
        "endpoint_type": [],
        "address": [],
        "spf_email": [],
    }
    for index, record in enumerate(records):
        email, phone = record.get("email_address"), record.get("phone_number")
        if isinstance(email, Mapping):
            row = ("email_address", email.get("id"), email.get("internal_email_address"))
            spf = email.get("spf_email")
        elif isinstance(phone, Mapping):
            number = phone.get("phone_number")
            row, spf = ("phone_number", phone.get("id") or number, number), None
        else:
            raise SchemaError(
                f"endpoint record {index} is neither {{'email_address': {{...}}}} nor "
                f"{{'phone_number': {{...}}}}; keys: {sorted(map(str, record))}"
            )
        columns["endpoint_type"].append(row[0])
        columns["endpoint_id"].append(row[1])
        columns["address"].append(row[2])
        columns["spf_email"].append(spf)
    return columns


# --- conversations, messages, notes -------------------------------------------------------


def _channel(value: object) -> object:
    if not isinstance(value, str):
        return value
    key = value.strip().lower()
    return EXPORT_CHANNELS.get(key, key)


def _lower(value: object) -> object:
    return value.strip().lower() if isinstance(value, str) else value


def _tag_names(record: Mapping[str, Any]) -> list[str] | None:
    tags = record.get("tags")
    if isinstance(tags, list):
        return [str(t.get("name") if isinstance(t, Mapping) else t) for t in tags]
    info = record.get("tags_info")
    if isinstance(info, list):
        return [str(t.get("name")) for t in info if isinstance(t, Mapping)]
    return None


def _rating_score(record: Mapping[str, Any]) -> int | None:
    score = _integer(record.get("rating_score"))
    if score is None and isinstance(record.get("ratings"), list):
        scores = [_integer(_sub(r, "rating_score")) for r in record["ratings"]]
        scores = [s for s in scores if s is not None]
        score = scores[-1] if scores else None
    return score


def _closed_at(record: Mapping[str, Any]) -> object:
    if record.get("closed_at") is not None:
        return record["closed_at"]
    # The /v1 object has no closed_at; a closed conversation's status changed when it closed.
    if _lower(record.get("status")) == "closed":
        return record.get("status_updated_at")
    return None


def conversation_columns(records: Sequence[Mapping[str, Any]]) -> dict[str, list]:
    """Columns of ``/v1/conversations/{csid}`` objects and/or Exports conversation records.

    Timestamps are left raw (ISO strings in any documented form, or epoch milliseconds).

    Examples
    --------
    >>> cols = conversation_columns([{"id": 1, "created_at": 1600087304703,
    ...     "initial_channel": "widgetchat", "requester_id": "u1", "status": "Closed"}])
    >>> cols["channel"], cols["status"]
    (['widget_chat'], ['closed'])
    """
    require_records(records, "conversation records")
    _require_keys(records, ("id",), "conversation")
    attrs = [
        r.get("attributes") if isinstance(r.get("attributes"), Mapping) else {} for r in records
    ]
    columns = _columns(
        records,
        {
            "conversation_id": lambda r: r.get("id"),
            "created_at": _first("created_at"),
            "channel": lambda r: _channel(_first("channel", "initial_channel")(r)),
            "direction": lambda r: _lower(r.get("direction")),
            "status": lambda r: _lower(r.get("status")),
            "queue_id": _first("queue_id"),
            "queue_name": _first("queue_name"),
            "assignee_id": _first("assignee_id", "assigned_to"),
            "assignee_name": _first("assignee_name"),
            "requester_id": _first("requester_id"),
            "requester_name": _first("requester_name"),
            "requester_email": _first("requester_email"),
            "subject": _first("subject"),
            "queued_at": _first("queued_at"),
            "assigned_at": _first("assigned_at"),
            "closed_at": _closed_at,
            "updated_at": _first("updated_at"),
            "tags": _tag_names,
            "rating_score": _rating_score,
        },
    )
    columns["subject"] = [
        s if s is not None else a.get("subject")
        for s, a in zip(columns["subject"], attrs, strict=True)
    ]
    for index, value in enumerate(columns["conversation_id"]):
        csid = _integer(value)
        if csid is None:
            raise SchemaError(
                f"conversation {_label(records[index], index)} has id {value!r}; "
                "expected an integer csid"
            )
        columns["conversation_id"][index] = csid
    return columns


def _emails(value: object) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list | tuple):
        return [str(v) for v in value if v is not None]
    return [str(value)]


def _by_conversation(
    records_by_csid: Mapping[Any, Sequence[Mapping[str, Any]]], what: str
) -> tuple[list[int], list[Mapping[str, Any]]]:
    if not isinstance(records_by_csid, Mapping):
        raise TypeError(
            f"{what} must be a mapping of csid -> list of records, "
            f"not {type(records_by_csid).__name__}"
        )
    csids: list[int] = []
    flat: list[Mapping[str, Any]] = []
    for key, records in records_by_csid.items():
        csid = _integer(key)
        if csid is None:
            raise TypeError(f"{what} keys must be integer csids, got {key!r}")
        require_records(records, f"{what}[{key!r}]")
        _require_keys(records, ("id",), what.rstrip("s"))
        csids.extend([csid] * len(records))
        flat.extend(records)
    return csids, flat


def message_columns(records_by_csid: Mapping[int, Sequence[Mapping[str, Any]]]) -> dict[str, list]:
    """Columns of ``GET /v1/conversations/{csid}/messages`` records, keyed by csid.

    Examples
    --------
    >>> cols = message_columns({5: [{"id": "m1", "attributes": {"to_emails": "a@x.io",
    ...     "is_auto_reply": "false"}}]})
    >>> cols["conversation_id"], cols["to_emails"], cols["is_auto_reply"]
    ([5], [['a@x.io']], [False])
    """
    csids, records = _by_conversation(records_by_csid, "messages")
    attrs = [
        r.get("attributes") if isinstance(r.get("attributes"), Mapping) else {} for r in records
    ]
    columns = _columns(
        records,
        {
            "message_id": _first("id"),
            "created_at": _first("created_at"),
            "author_id": _first("author_id"),
            "channel": lambda r: _channel(r.get("channel")),
            "direction": lambda r: _lower(r.get("direction")),
        },
    )
    columns["conversation_id"] = csids
    columns["text"] = [a.get("text") for a in attrs]
    columns["from_email"] = [a.get("from_email") for a in attrs]
    columns["to_emails"] = [_emails(a.get("to_emails")) for a in attrs]
    columns["is_automated_message"] = [to_bool(a.get("is_automated_message")) for a in attrs]
    columns["is_auto_reply"] = [to_bool(a.get("is_auto_reply")) for a in attrs]
    return columns


def note_columns(records_by_csid: Mapping[int, Sequence[Mapping[str, Any]]]) -> dict[str, list]:
    """Columns of ``GET /v1/conversations/{csid}/notes`` records, keyed by csid.

    The documented example names the note's author ``requester_id``; it becomes ``author_id``.

    Examples
    --------
    >>> note_columns({5: [{"id": "n1", "text": "hi", "requester_id": "a1"}]})["author_id"]
    ['a1']
    """
    csids, records = _by_conversation(records_by_csid, "notes")
    columns = _columns(
        records,
        {
            "note_id": _first("id"),
            "created_at": _first("created_at"),
            "author_id": _first("author_id", "requester_id"),
            "text": _first("text"),
        },
    )
    columns["conversation_id"] = csids
    return columns
