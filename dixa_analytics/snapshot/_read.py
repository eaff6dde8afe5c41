"""Reading a snapshot's Parquet files back into the frames that were written.

Plain ``pandas.read_parquet`` gets every dtype back but two details: list columns come back
as numpy arrays, and a categorical's categories in file order as another text dtype. Here,
list columns are read as Python lists and categories are put back in the order the frame
builders give them, so a frame read from a snapshot equals the frame fetched.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from dixa_analytics._errors import SnapshotError
from dixa_analytics.frames import CATEGORY, Schema, canonical_categories, conform

__all__ = ["read_frame"]


def _nested(field: pa.Field) -> bool:
    kind = field.type
    return pa.types.is_list(kind) or pa.types.is_large_list(kind) or pa.types.is_struct(kind)


def read_frame(path: Path, schema: Schema, *, columns: list[str] | None = None) -> pd.DataFrame:
    """The frame in ``path``, held to ``schema`` (its other columns kept after it).

    Parameters
    ----------
    path : Path
        A Parquet file a snapshot wrote.
    schema : Schema
        The frame's declared columns and dtypes.
    columns : list of str, optional
        Read only these columns (and hold only them to the schema).

    Raises
    ------
    SnapshotError
        If the file is gone (the snapshot was synced again since it was opened) or cannot be
        read as Parquet.
    """
    try:
        table = pq.read_table(path, columns=columns)
    except FileNotFoundError as exc:
        raise SnapshotError(
            f"{path} is gone: the snapshot was synced again since it was opened; open it again "
            "(dixa_analytics.open_snapshot)"
        ) from exc
    except (OSError, pa.ArrowException) as exc:
        raise SnapshotError(
            f"{path} cannot be read as Parquet ({exc}); the snapshot is damaged: sync into a "
            "new folder"
        ) from exc
    nested = [field.name for field in table.schema if _nested(field)]
    frame = table.drop_columns(nested).to_pandas()
    for name in nested:
        # to_pylist gives lists and dicts, as the frame builders do (pandas gives arrays).
        values = pd.Series(table.column(name).to_pylist(), index=frame.index, dtype=object)
        frame.insert(table.schema.get_field_index(name), name, values)
    for name in frame.columns:
        if isinstance(frame[name].dtype, pd.CategoricalDtype):
            frame[name] = canonical_categories(frame[name])
    wanted = schema if columns is None else {c: schema[c] for c in columns if c in schema}
    typed = conform(frame, wanted, extra=True)
    for name, dtype in wanted.items():
        if dtype == CATEGORY and not isinstance(frame[name].dtype, pd.CategoricalDtype):
            typed[name] = canonical_categories(typed[name])
    return typed
