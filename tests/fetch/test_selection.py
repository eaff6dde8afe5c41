"""What a fetch asks for: csids or a window, and batches of csids for the cache."""

import numpy as np
import pandas as pd
import pytest

from dixa_analytics.client._cache_policy import (
    FINAL,
)
from dixa_analytics.fetch._selection import coerce_csids as _coerce_csids
from dixa_analytics.fetch._selection import selection as _selection
from dixa_analytics.fetch._selection import status_batches as _status_batches


def test_status_batches_keep_closed_and_open_apart() -> None:
    status = {i: ("closed" if i % 3 else "open") for i in range(1, 31)}
    batches = _status_batches(sorted(status), status, 10)
    for ids, expiry in batches:
        assert len(ids) <= 10
        assert {status[i] == "closed" for i in ids} == {expiry == FINAL}
    assert sorted(i for ids, _ in batches for i in ids) == list(range(1, 31))


def test_closed_batches_are_blocks_of_consecutive_csids_unless_sparse() -> None:
    closed = dict.fromkeys(range(95, 125), "closed")
    batches = [ids for ids, _ in _status_batches(sorted(closed), closed, 10)]
    # The same conversation lands in the same batch whichever list it came in.
    assert batches == [list(range(95, 100)), list(range(100, 110)), list(range(110, 120)),
                       list(range(120, 125))]  # fmt: skip
    part = dict.fromkeys(range(100, 116), "closed")
    assert next(ids for ids, _ in _status_batches(sorted(part), part, 10)) == batches[1]
    # Sparse csids (one per block) are packed, not asked one request each.
    sparse = {i * 100: "closed" for i in range(1, 21)}
    assert [len(ids) for ids, _ in _status_batches(sorted(sparse), sparse, 10)] == [10, 10]


def test_csids_coercion() -> None:
    assert _coerce_csids([3, "2", 3, 1]) == [1, 2, 3]
    assert _coerce_csids(7) == [7]
    assert _coerce_csids([]) == []


@pytest.mark.parametrize(
    ("csids", "error"),
    [
        ("123", TypeError),
        ([True], TypeError),
        ([1.5], TypeError),
        ([101163.0], TypeError),
        (["12a"], ValueError),
        (["²"], ValueError),
        (["١٢"], ValueError),
        ([0], ValueError),
        ([None], TypeError),
        (3.0, TypeError),
    ],
)
def test_csids_rejected(csids: object, error: type[Exception]) -> None:
    with pytest.raises(error, match="csid"):
        _coerce_csids(csids)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [101163.0, np.float32(5), pd.NA, None])
def test_csids_from_a_column_with_gaps_say_how_to_convert_them(value) -> None:
    with pytest.raises(TypeError, match=r"dropna\(\)\.astype\('int64'\)"):
        _coerce_csids([value])


def test_selection_needs_csids_xor_a_full_window() -> None:
    with pytest.raises(ValueError, match="not both"):
        _selection([1], "2026-01-01", "2026-02-01")
    with pytest.raises(ValueError, match="start= and end="):
        _selection(None, None, None)
    with pytest.raises(ValueError, match="start= and end="):
        _selection(None, "2026-01-01", None)
    with pytest.raises(ValueError, match="must be after start"):
        _selection(None, "2026-02-01", "2026-01-01")
    with pytest.raises(ValueError, match="not an ISO date"):
        _selection(None, "yesterday-ish", "2026-01-01")
    assert _selection([2, 1], None, None) == ([1, 2], None)
