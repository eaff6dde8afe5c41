"""Declared columns and dtypes of every frame the toolkit returns.

Each frame is declared once, as an ordered mapping ``column -> dtype``. Fetch functions,
``events_frame`` and the metrics pass their output through :func:`conform`, so a result has
exactly these columns in this order and with these dtypes, even when it is empty. Nullable
dtypes throughout: ``Int64``, ``boolean``, pyarrow-backed ``string``, tz-aware UTC datetimes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

__all__ = [
    "CONVERSATIONS",
    "ENDPOINTS",
    "EVENTS",
    "EVENTS_SOURCE",
    "EVENT_ATTRIBUTES",
    "FIRST_RESPONSE",
    "HANDLING_AGENT",
    "HANDLING_CONVERSATION",
    "MESSAGES",
    "NOTES",
    "QUEUES",
    "QUEUE_WAIT",
    "REOPEN_RATE",
    "RESOLUTION",
    "STRING",
    "STRING_LIST",
    "SUMMARY",
    "TAGS",
    "TAG_TRENDS",
    "USERS",
    "UTC",
    "Schema",
    "conform",
    "empty",
    "null_array",
    "require_columns",
]

Schema = Mapping[str, object]

STRING = pd.StringDtype("pyarrow")
UTC = pd.DatetimeTZDtype("ns", "UTC")
# A list of strings per row, arrow-backed: a null costs 4 bytes instead of an object slot's 24.
STRING_LIST = pd.ArrowDtype(pa.list_(pa.large_string()))
INT = "Int64"
BOOL = "boolean"
FLOAT = "float64"
CATEGORY = "category"
OBJECT = "object"

USERS: Schema = {
    "user_id": STRING,
    "name": STRING,
    "email": STRING,
    "phone_number": STRING,
    "roles": OBJECT,  # list of role names; [] for end users
    "is_agent": BOOL,
    "avatar_url": STRING,
}

QUEUES: Schema = {
    "queue_id": STRING,
    "queue_name": STRING,
    "is_default": BOOL,
    "priority": INT,
}

TAGS: Schema = {
    "tag_id": STRING,
    "tag_name": STRING,
    "is_deactivated": BOOL,
}

ENDPOINTS: Schema = {
    "endpoint_id": STRING,  # email endpoint id; the number itself for phone endpoints
    "endpoint_type": STRING,  # "email_address" or "phone_number"
    "address": STRING,  # internal e-mail address or E.164 number
    "spf_email": STRING,
}

CONVERSATIONS: Schema = {
    "conversation_id": INT,
    "created_at": UTC,
    "channel": STRING,
    "direction": STRING,
    "status": STRING,
    "queue_id": STRING,
    "queue_name": STRING,
    "assignee_id": STRING,
    "assignee_name": STRING,
    "requester_id": STRING,
    "requester_name": STRING,
    "requester_email": STRING,
    "subject": STRING,
    "queued_at": UTC,
    "assigned_at": UTC,
    "closed_at": UTC,
    "updated_at": UTC,
    "tags": OBJECT,  # list of tag names
    "rating_score": INT,
}

MESSAGES: Schema = {
    "message_id": STRING,
    "conversation_id": INT,
    "created_at": UTC,
    "author_id": STRING,
    "channel": STRING,
    "direction": STRING,
    "text": STRING,
    "from_email": STRING,
    "to_emails": OBJECT,
    "is_automated_message": BOOL,
    "is_auto_reply": BOOL,
}

NOTES: Schema = {
    "note_id": STRING,
    "conversation_id": INT,
    "created_at": UTC,
    "author_id": STRING,
    "text": STRING,
}

# Exploded attribute fields of the activity log, by their snake_case column name. Nested
# objects (``agent``, ``user``: id, name, email, phone_number) become ``<key>_<field>``; every
# documented tag key spelling becomes ``tag``; ``avatal_url`` (sic, seen in real data)
# becomes ``avatar_url``. Keys not listed here are appended after these columns.
# Free-text and label fields are categorical: most rows of the events frame are null in most
# of these columns, and a null category code takes 1 byte where a null string takes 8, which
# keeps a million events within a few hundred MB. Ids stay strings.
EVENT_ATTRIBUTES: Schema = {
    "conversation_subject": CATEGORY,
    "message_id": STRING,
    "from_endpoint": CATEGORY,
    "avatar_url": CATEGORY,
    "note": CATEGORY,
    "agent_names": STRING_LIST,  # names the conversation was offered to
    "queue_label": CATEGORY,
    "destination_id": STRING,
    "destination_type": CATEGORY,
    "destination_label": CATEGORY,
    "transfer_type": CATEGORY,
    "reason": CATEGORY,
    "claimed_from_label": CATEGORY,
    "claimed_from_type": CATEGORY,
    "language": CATEGORY,
    "template_name": CATEGORY,
    "rating_scheduled_time": UTC,
    "score": INT,
    "message": CATEGORY,
    # Every field of the documented agent/user objects is declared, so that the columns do not
    # depend on which event types a window holds (agent_id/agent_name are core columns).
    "agent_email": CATEGORY,
    "agent_phone_number": CATEGORY,
    "user_id": STRING,
    "user_name": CATEGORY,
    "user_email": CATEGORY,
    "user_phone_number": CATEGORY,
}

EVENTS: Schema = {
    "event_id": STRING,
    "conversation_id": INT,
    "timestamp": UTC,
    "activity_type": CATEGORY,
    "author_id": STRING,
    "author_name": STRING,
    "author_email": STRING,
    "author_is_agent": BOOL,
    "tag": STRING,
    "agent_id": STRING,
    "agent_name": STRING,
    "queue_id": STRING,
    "queue_name": STRING,
    "channel": CATEGORY,  # the conversation's channel, joined from conversations
    **EVENT_ATTRIBUTES,
}

# --- metric results -------------------------------------------------------------------

HANDLING_CONVERSATION: Schema = {
    "conversation_id": INT,
    "handling_seconds": FLOAT,
    "observed": BOOL,
    "queue_name": STRING,
    "agent_id": STRING,  # last assignee at as_of
    "agent_name": STRING,
}

HANDLING_AGENT: Schema = {
    "conversation_id": INT,
    "agent_id": STRING,
    "agent_name": STRING,
    "handling_seconds": FLOAT,
    "observed": BOOL,
    "queue_name": STRING,
}

FIRST_RESPONSE: Schema = {
    "conversation_id": INT,
    "started_at": UTC,
    "responded_at": UTC,
    "response_seconds": FLOAT,
    "observed": BOOL,
    "queue_name": STRING,
    "agent_id": STRING,  # author of the first agent reply
    "agent_name": STRING,
}

RESOLUTION: Schema = {
    "conversation_id": INT,
    "created_at": UTC,
    "first_resolution_seconds": FLOAT,
    "full_resolution_seconds": FLOAT,
    "observed": BOOL,
    "queue_name": STRING,
}

QUEUE_WAIT: Schema = {
    "conversation_id": INT,
    "offered_at": UTC,
    "assigned_at": UTC,
    "wait_seconds": FLOAT,
    "observed": BOOL,
    "queue_name": STRING,
}

# ``period`` (when ``freq`` is given) and the ``by`` columns come first.
REOPEN_RATE: Schema = {
    "closed": INT,
    "reopened": INT,
    "reopen_rate": FLOAT,
}

TAG_TRENDS: Schema = {
    "tag": STRING,
    "conversations": INT,
    "cohort_size": INT,
    "share": FLOAT,
}

# ``summarize_durations``: the ``by`` columns come first.
SUMMARY: Schema = {
    "count": INT,
    "censored": INT,
    "mean_seconds": FLOAT,
    "median_seconds": FLOAT,
    "p90_seconds": FLOAT,
}


def empty(schema: Schema) -> pd.DataFrame:
    """Return an empty frame with exactly the columns and dtypes of ``schema``.

    Examples
    --------
    >>> empty(QUEUES).dtypes.astype(str).to_dict()
    {'queue_id': 'string', 'queue_name': 'string', 'is_default': 'boolean', 'priority': 'Int64'}
    """
    return pd.DataFrame({col: null_array(dtype, 0) for col, dtype in schema.items()})


def null_array(dtype: object, n: int) -> Any:
    """``n`` missing values of a declared ``dtype``, built whole (no Python object per value).

    Examples
    --------
    >>> null_array(INT, 2)
    <IntegerArray>
    [<NA>, <NA>]
    Length: 2, dtype: Int64
    """
    if dtype == CATEGORY:
        # Text categories, as columns with values have: a writer such as Parquet then keeps the
        # column's type even when no row holds a value.
        codes = np.full(n, -1, dtype=np.int8)
        return pd.Categorical.from_codes(codes, categories=pd.Index([], dtype=STRING))
    if dtype == STRING:
        return pd.arrays.ArrowStringArray(pa.nulls(n, type=pa.large_string()))
    if dtype == BOOL:
        return pd.arrays.BooleanArray(np.zeros(n, dtype=bool), np.ones(n, dtype=bool))
    if dtype == INT:
        return pd.arrays.IntegerArray(np.zeros(n, dtype=np.int64), np.ones(n, dtype=bool))
    if dtype == UTC:
        return pd.DatetimeIndex(np.full(n, np.datetime64("NaT", "ns"))).tz_localize("UTC").array
    if dtype == STRING_LIST:
        return pd.arrays.ArrowExtensionArray(pa.nulls(n, type=STRING_LIST.pyarrow_dtype))
    if dtype == FLOAT:
        return np.full(n, np.nan)
    return np.full(n, None, dtype=object)


def conform(frame: pd.DataFrame, schema: Schema, *, extra: bool = False) -> pd.DataFrame:
    """Return a new frame with the columns of ``schema``, in order, cast to its dtypes.

    Missing columns are added as all-null; columns not in ``schema`` are dropped, unless
    ``extra=True``, in which case they are kept after the declared ones in their own order.
    The input is never modified.

    Examples
    --------
    >>> out = conform(pd.DataFrame({"priority": [1], "queue_id": ["q1"]}), QUEUES)
    >>> list(out.columns), str(out["is_default"].dtype)
    (['queue_id', 'queue_name', 'is_default', 'priority'], 'boolean')
    """
    n = len(frame)
    columns: dict[str, pd.Series] = {}
    for col, dtype in schema.items():
        if col in frame.columns:
            # Columns already of the declared dtype are shared, not copied (copy-on-write
            # keeps the input safe), which matters for frames of millions of rows.
            column = frame[col]
            columns[col] = column if column.dtype == dtype else column.astype(dtype)
        else:
            columns[col] = pd.Series(null_array(dtype, n), index=frame.index)
    if extra:
        for col in frame.columns:
            if col not in columns:
                columns[col] = frame[col]
    return pd.DataFrame(columns, index=frame.index)


#: What to pass where the events frame is expected (for error messages).
EVENTS_SOURCE = (
    "the frame returned by dixa_analytics.fetch_activitylog or dixa_analytics.events_frame"
)


def require_columns(
    frame: object, columns: Iterable[str], *, name: str, source: str
) -> pd.DataFrame:
    """Return ``frame`` if it is a DataFrame holding ``columns``; otherwise say what to pass.

    Parameters
    ----------
    frame : object
        The argument to check.
    columns : iterable of str
        Columns ``frame`` must have.
    name : str
        The argument's name, for the message.
    source : str
        What to pass instead, e.g. :data:`EVENTS_SOURCE`.

    Raises
    ------
    TypeError
        If ``frame`` is not a DataFrame.
    ValueError
        If columns are missing; the message lists them.

    Examples
    --------
    >>> require_columns(pd.DataFrame({"a": [1]}), ["a", "b"], name="result", source="g()")
    Traceback (most recent call last):
    ...
    ValueError: result lacks column(s) b; pass g()
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(
            f"{name} must be a pandas DataFrame, not {type(frame).__name__}; pass {source}"
        )
    missing = [col for col in columns if col not in frame.columns]
    if missing:
        raise ValueError(f"{name} lacks column(s) {', '.join(missing)}; pass {source}")
    return frame
