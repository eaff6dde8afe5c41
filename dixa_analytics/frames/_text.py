"""Raw values as arrow text and text columns: the building blocks of every typed column."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from dixa_analytics.frames._dtypes import STRING

__all__ = ["arrow_strings", "arrow_text", "objects", "string_array", "text_lists"]


def objects(values: Sequence[Any] | np.ndarray | pa.Array) -> np.ndarray:
    """Values as a numpy object array (an object array is returned as it is)."""
    if isinstance(values, np.ndarray) and values.dtype == object:
        return values
    if isinstance(values, pa.Array):
        return values.to_numpy(zero_copy_only=False)
    return np.fromiter(values, dtype=object, count=len(values))


def arrow_strings(values: Sequence[Any] | np.ndarray | pa.Array) -> pa.Array | None:
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


def string_array(values: Sequence[Any] | np.ndarray) -> pd.api.extensions.ExtensionArray:
    """Values as a ``string`` array; a value that is not text is kept as its ``str()``."""
    values = objects(values)
    arrow = arrow_strings(values)
    if arrow is not None:
        return pd.arrays.ArrowStringArray(arrow)
    # Not all strings (hostile payloads): pandas turns every non-null value into its str().
    return pd.array(values, dtype=STRING)


def text_lists(values: Sequence[Any] | np.ndarray | pa.Array) -> np.ndarray:
    """Lists of text, as Python lists in an object array; a lone value becomes a one-item
    list, null stays None.

    Kept as Python lists (not an arrow list column) because pandas reads those back from
    Parquet, and cannot read the dtype of an arrow list column back.

    Examples
    --------
    >>> text_lists([["a", 1], "solo", None]).tolist()
    [['a', '1'], ['solo'], None]
    """
    out = np.empty(len(values), dtype=object)
    out[:] = [
        None
        if v is None
        else [None if x is None else str(x) for x in v]
        if isinstance(v, list | tuple)
        else [str(v)]
        for v in objects(values)
    ]
    return out


def arrow_text(values: Sequence[Any] | np.ndarray | pa.Array) -> pa.Array:
    """Values as arrow text; a value that is not text is kept as its ``str()``."""
    arrow = arrow_strings(values)
    if arrow is None:  # non-string values (hostile payloads) are kept as their text
        arrow = pa.array(
            string_array(objects(values)).to_numpy(dtype=object, na_value=None),
            type=pa.large_string(),
        )
    return arrow
