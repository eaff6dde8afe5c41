"""Typed frames: declared dtypes, typed columns from raw values, and the reference frames.

The layer between raw JSON and the analyses. :mod:`._dtypes` holds the nullable dtypes and
holds frames to a schema (:func:`conform`, :func:`empty`); :mod:`._text`, :mod:`._timestamps`
and :mod:`._columns` build typed columns from raw values in every form the APIs write them;
:mod:`._records` and :mod:`._conversation_records` flatten the records (pure functions over
dicts) and :mod:`._reference` makes them frames. The events frame is built on these in
:mod:`dixa_analytics.events`.
"""

from dixa_analytics.frames._columns import (
    build_frame,
    canonical_categories,
    categorical,
    category_text,
    codes,
    column,
    extra_array,
    from_arrow,
)
from dixa_analytics.frames._dtypes import (
    BOOL,
    CATEGORY,
    FLOAT,
    INT,
    OBJECT,
    STRING,
    UTC,
    Schema,
    conform,
    empty,
    null_array,
    require_columns,
)
from dixa_analytics.frames._records import (
    INT64_MAX,
    INT64_MIN,
    as_integer,
    record_label,
    require_keys,
    require_records,
    to_bool,
)
from dixa_analytics.frames._reference import (
    conversations_frame,
    endpoints_frame,
    exported_messages_frame,
    lookup,
    messages_frame,
    notes_frame,
    queue_table,
    queues_frame,
    tags_frame,
    teams_frame,
    users_frame,
)
from dixa_analytics.frames._schemas import (
    CONVERSATIONS,
    ENDPOINTS,
    MESSAGES,
    NOTES,
    QUEUES,
    TAGS,
    TEAMS,
    USERS,
)
from dixa_analytics.frames._text import arrow_strings, arrow_text, objects, text_lists
from dixa_analytics.frames._timestamps import parse_iso, utc_array

__all__ = [
    "BOOL",
    "CATEGORY",
    "CONVERSATIONS",
    "ENDPOINTS",
    "FLOAT",
    "INT",
    "INT64_MAX",
    "INT64_MIN",
    "MESSAGES",
    "NOTES",
    "OBJECT",
    "QUEUES",
    "STRING",
    "TAGS",
    "TEAMS",
    "USERS",
    "UTC",
    "Schema",
    "arrow_strings",
    "arrow_text",
    "as_integer",
    "build_frame",
    "canonical_categories",
    "categorical",
    "category_text",
    "codes",
    "column",
    "conform",
    "conversations_frame",
    "empty",
    "endpoints_frame",
    "exported_messages_frame",
    "extra_array",
    "from_arrow",
    "lookup",
    "messages_frame",
    "notes_frame",
    "null_array",
    "objects",
    "parse_iso",
    "queue_table",
    "queues_frame",
    "record_label",
    "require_columns",
    "require_keys",
    "require_records",
    "tags_frame",
    "teams_frame",
    "text_lists",
    "to_bool",
    "users_frame",
    "utc_array",
]
