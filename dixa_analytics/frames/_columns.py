"""Typed columns from raw values: integers, flags, categories, and a whole frame from columns.

Columns are built whole (arrow-backed strings straight from object arrays, one vectorised
timestamp parse, categories from arrow dictionary encoding), never row by row, so that a
million values take a fraction of a second.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dixa_analytics.frames._dtypes import (
    BOOL,
    CATEGORY,
    INT,
    STRING,
    UTC,
    Schema,
    conform,
    empty,
)
from dixa_analytics.frames._records import INT64_MAX, INT64_MIN, to_bool
from dixa_analytics.frames._text import arrow_text, objects, string_array
from dixa_analytics.frames._timestamps import utc_array

__all__ = [
    "build_frame",
    "canonical_categories",
    "categorical",
    "category_text",
    "codes",
    "column",
    "extra_array",
    "from_arrow",
    "integer_array",
]


def integer_array(values: Sequence[Any] | np.ndarray) -> pd.api.extensions.ExtensionArray:
    """Whole numbers (ints, whole floats, numeric text) as Int64; others, or beyond int64, NA."""
    raw = objects(values)
    if set(map(type, raw)) <= {int, type(None)}:
        # Exact: a detour through float64 would round integers above 2**53.
        return pd.array([_in_int64(v) for v in raw], dtype=INT)
    numbers = pd.to_numeric(pd.Series(raw, dtype=object), errors="coerce")
    fits = numbers.notna() & (numbers % 1 == 0) & (numbers.abs() < 2.0**63)
    return pd.array(numbers.where(fits).to_numpy(dtype="float64", na_value=np.nan), dtype=INT)


def _in_int64(value: int | None) -> int | None:
    return value if value is None or INT64_MIN <= value <= INT64_MAX else None


def boolean_array(values: Sequence[Any] | np.ndarray) -> pd.api.extensions.ExtensionArray:
    """Flags (bools, ``"true"``/``"false"`` text, 0 and 1) as ``boolean``; anything else NA."""
    return pd.array([to_bool(v) for v in objects(values)], dtype=BOOL)


def extra_array(values: np.ndarray) -> Any:
    """Dtype for an attribute column the schema does not declare, from its values."""
    present = [v for v in values if v is not None]
    kinds = {type(v) for v in present}
    if kinds <= {str}:
        return string_array(values)
    if kinds <= {bool}:
        return pd.array(values, dtype=BOOL)
    if kinds <= {int, float}:
        ints = [v for v in present if type(v) is int]
        if ints and not INT64_MIN <= min(ints) <= max(ints) <= INT64_MAX:
            return values  # integers beyond int64 would lose digits as floats: kept as they are
        if kinds <= {int}:
            return pd.array(values, dtype=INT)
        return pd.to_numeric(pd.Series(values, dtype=object)).to_numpy(dtype="float64")
    return values


def column(values: Sequence[Any] | np.ndarray, dtype: object) -> Any:
    """Raw values as an array of the declared ``dtype``; unreadable values become missing."""
    if dtype in (STRING, CATEGORY):
        return from_arrow(arrow_text(values), dtype)
    if dtype == INT:
        return integer_array(values)
    if dtype == BOOL:
        return boolean_array(values)
    if dtype == UTC:
        return utc_array(values)[0]
    return objects(values)


def build_frame(columns: Mapping[str, Sequence[Any]], schema: Schema) -> pd.DataFrame:
    """A frame of ``schema`` from raw column values (columns it lacks are all missing)."""
    n = len(next(iter(columns.values()))) if columns else 0
    if n == 0:
        return empty(schema)
    data = {name: column(columns[name], dtype) for name, dtype in schema.items() if name in columns}
    return conform(pd.DataFrame(data, index=pd.RangeIndex(n)), schema)


def from_arrow(arrow: pa.Array, dtype: object) -> Any:
    """Arrow text as a ``string`` array, or as a Categorical when ``dtype`` is category."""
    if dtype == CATEGORY:
        encoded = arrow.dictionary_encode()
        return categorical(codes(encoded.indices), encoded.dictionary)
    return pd.arrays.ArrowStringArray(arrow)


def codes(indices: pa.Array) -> np.ndarray:
    """Arrow dictionary indices as int32 category codes, -1 where missing."""
    return indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int32, copy=False)


def categorical(codes: np.ndarray, dictionary: pa.Array) -> pd.Categorical:
    """A Categorical from dictionary codes (-1 for missing) and the dictionary's distinct text.

    Its categories are sorted, whatever order the values came in: frames of the same events
    are equal however the events were delivered, and a frame read back from Parquet (whose
    dictionaries come in file order) can be made equal to the one written.

    Examples
    --------
    >>> values = categorical(np.array([0, 1, -1, 0], dtype=np.int32), pa.array(["b", "a"]))
    >>> list(values.categories), values.codes.tolist()
    (['a', 'b'], [1, 0, -1, 1])
    """
    order = np.asarray(pc.array_sort_indices(dictionary))
    if (order[1:] < order[:-1]).any():
        rank = np.empty(len(order) + 1, dtype=np.int32)
        rank[order] = np.arange(len(order), dtype=np.int32)
        rank[-1] = -1  # so that code -1 (missing) stays -1 in one take
        codes = rank[codes]
        dictionary = dictionary.take(pa.array(order))
    categories = pd.Index(pd.arrays.ArrowStringArray(dictionary.cast(pa.large_string())))
    # The codes index the dictionary by construction, so pandas need not check them.
    return pd.Categorical.from_codes(codes, categories=categories, validate=False)


def canonical_categories(values: pd.Series) -> pd.Series:
    """A categorical column with the categories :func:`categorical` gives (sorted, arrow text).

    Examples
    --------
    >>> read = pd.Series(pd.Categorical(["b", "a", None], categories=["b", "a"]))
    >>> list(canonical_categories(read).cat.categories)
    ['a', 'b']
    """
    cat = values.cat
    dictionary = pa.array(cat.categories.astype(object), type=pa.large_string())
    rebuilt = categorical(np.asarray(cat.codes, dtype=np.int32), dictionary)
    return pd.Series(rebuilt, index=values.index, name=values.name)


def category_text(values: pd.Categorical) -> pa.Array:
    """The text of a Categorical as an arrow array (null where missing)."""
    return pa.array(values).cast(pa.large_string())
