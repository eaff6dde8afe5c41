"""Declared dtypes, and frames held to a schema.

A schema is an ordered mapping ``column -> dtype``. Every frame the toolkit returns goes through
:func:`conform` (or is built column by column in the declared dtypes), so it has exactly the
declared columns, in order and with these dtypes, even when it is empty. Nullable dtypes
throughout: ``Int64``, ``boolean``, pyarrow-backed ``string``, tz-aware UTC datetimes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

__all__ = [
    "BOOL",
    "CATEGORY",
    "FLOAT",
    "INT",
    "OBJECT",
    "STRING",
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
INT = "Int64"
BOOL = "boolean"
FLOAT = "float64"
CATEGORY = "category"
OBJECT = "object"


def empty(schema: Schema) -> pd.DataFrame:
    """Return an empty frame with exactly the columns and dtypes of ``schema``.

    Examples
    --------
    >>> schema = {"queue_id": STRING, "is_default": BOOL, "priority": INT}
    >>> empty(schema).dtypes.astype(str).to_dict()
    {'queue_id': 'string', 'is_default': 'boolean', 'priority': 'Int64'}
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
    >>> schema = {"queue_id": STRING, "is_default": BOOL, "priority": INT}
    >>> out = conform(pd.DataFrame({"priority": [1], "queue_id": ["q1"]}), schema)
    >>> list(out.columns), str(out["is_default"].dtype)
    (['queue_id', 'is_default', 'priority'], 'boolean')
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
        What to pass instead, e.g. ``"a frame from users_frame()"``.

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
