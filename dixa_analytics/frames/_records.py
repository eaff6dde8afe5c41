"""Raw reference-data records → flat columns: users, queues, tags, teams and endpoints; and
the helpers every normaliser shares.

Pure functions over dicts: no pandas, no I/O. Each ``*_columns`` function takes the records of
one endpoint, in any spelling variant the API reference documents, and returns a mapping
``column -> list of values`` that :mod:`dixa_analytics.frames` turns into a typed frame.
Values are left as they came (timestamps stay strings or epoch milliseconds); only names and
shapes are normalised here.

Variants handled (see the API reference, sections 2, 4 and 6): ``avatal_url`` (sic) /
``avatar_url`` / ``avatarUrl``, ``phone_number`` / ``phoneNumber``, ``name`` /
``displayName``, ``is_default`` / ``isDefault`` (the Dixa API's camelCase lists); the
``/v1/conversations/{csid}`` object and the Exports API record (``initial_channel`` spellings
such as ``widgetchat``, upper-case ``status``); message flags as booleans or
``"true"``/``"false"`` strings, ``to_emails`` as a string or a list.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from dixa_analytics._errors import SchemaError

__all__ = [
    "EXPORT_CHANNELS",
    "INT64_MAX",
    "INT64_MIN",
    "as_integer",
    "endpoint_columns",
    "first",
    "queue_columns",
    "record_columns",
    "record_label",
    "require_keys",
    "require_records",
    "sub",
    "tag_columns",
    "team_columns",
    "to_bool",
    "user_columns",
]

# Exports API ``initial_channel`` spellings → the Integrations API Channel enum.
EXPORT_CHANNELS = {
    "widgetchat": "widget_chat",
    "contactform": "contact_form",
    "facebookmessenger": "facebook_messenger",
    "voicemail": "voice_mail",
}
# The range of the Int64 columns; larger integers come only from corrupt payloads.
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
# An integer written as text: ASCII digits only (str.isdigit also accepts '²' and '١').
_DIGITS = re.compile(r"\s*[-+]?[0-9]+\s*")


def require_records(records: object, what: str) -> Sequence[Mapping[str, Any]]:
    """Check that ``records`` is a list of dicts; raise ``TypeError`` saying what to pass.

    Examples
    --------
    >>> require_records([{"id": "q1"}, "oops"], "queue records")
    Traceback (most recent call last):
    ...
    TypeError: queue records must be a list of dicts; item 1 is a str
    """
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


def record_label(record: Mapping[str, Any], index: int) -> str:
    """How an error message names a record: its position, and its id when it has one.

    Examples
    --------
    >>> record_label({"id": "e7"}, 3), record_label({}, 0)
    ("record 3 (id 'e7')", 'record 0')
    """
    rid = record.get("id")
    return f"record {index} (id {rid!r})" if rid is not None else f"record {index}"


def require_keys(records: Sequence[Mapping[str, Any]], keys: Iterable[str], what: str) -> None:
    """Raise :class:`SchemaError` naming the first record without a value for one of ``keys``."""
    for key in keys:
        for index, record in enumerate(records):
            if record.get(key) is None:
                raise SchemaError(f"{what} {record_label(record, index)} has no {key!r}")


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


def as_integer(value: object) -> int | None:
    """``value`` as an int64-sized integer (an int, a whole float or ASCII digits), else None.

    Examples
    --------
    >>> as_integer(7), as_integer(7.0), as_integer(" 7 "), as_integer(7.5), as_integer(True)
    (7, 7, 7, None, None)
    """
    if isinstance(value, bool):
        return None
    if (isinstance(value, float) and value.is_integer()) or (
        isinstance(value, str) and _DIGITS.fullmatch(value)
    ):
        value = int(value)
    return value if isinstance(value, int) and INT64_MIN <= value <= INT64_MAX else None


def sub(value: object, key: str) -> Any:
    """``value[key]`` if ``value`` is a mapping, else None."""
    return value.get(key) if isinstance(value, Mapping) else None


def record_columns(
    records: Sequence[Mapping[str, Any]], spec: Mapping[str, Callable[[Mapping[str, Any]], Any]]
) -> dict[str, list]:
    """One list per column of ``spec``, each value got from its record by the spec's getter."""
    return {column: [get(r) for r in records] for column, get in spec.items()}


def first(*keys: str) -> Callable[[Mapping[str, Any]], Any]:
    """A getter of a record's first non-null value among ``keys`` (its spellings)."""

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
    require_keys(records, ("id",), "user")
    columns = record_columns(
        records,
        {
            "user_id": first("id"),
            "name": first("name", "displayName"),
            "email": first("email"),
            "phone_number": first("phone_number", "phoneNumber"),
            "roles": _roles,
            "avatar_url": first("avatar_url", "avatal_url", "avatarUrl"),
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
    require_keys(records, ("id",), "queue")
    return record_columns(
        records,
        {
            "queue_id": first("id"),
            "queue_name": first("name"),
            "is_default": lambda r: to_bool(first("is_default", "isDefault")(r)),
            "priority": lambda r: as_integer(r.get("priority")),
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
    require_keys(records, ("id",), "tag")
    return record_columns(
        records,
        {"tag_id": first("id"), "tag_name": first("name"), "is_deactivated": _deactivated},
    )


def team_columns(records: Sequence[Mapping[str, Any]]) -> dict[str, list]:
    """Columns of the Dixa API's ``GET /v1/teams`` records.

    Examples
    --------
    >>> team_columns([{"id": "t1", "name": "Tier 1"}])
    {'team_id': ['t1'], 'team_name': ['Tier 1']}
    """
    require_records(records, "team records")
    require_keys(records, ("id",), "team")
    return record_columns(records, {"team_id": first("id"), "team_name": first("name")})


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
