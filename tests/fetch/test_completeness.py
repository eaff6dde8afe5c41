"""How a conversation's log is held to its export record (fetch._completeness)."""

from __future__ import annotations

import pandas as pd
import pytest

from dixa_analytics.events import events_frame
from dixa_analytics.fetch import incomplete_logs

CREATED, CLOSED, REOPENED = (
    "conversation_created_by_customer",
    "conversation_closed",
    "conversation_reopened",
)


def _log(*steps: tuple[str, str]) -> pd.DataFrame:
    return events_frame(
        [
            {
                "id": f"e{i}",
                "conversation_id": 7,
                "activity_timestamp": at,
                "activity_type": kind,
            }
            for i, (kind, at) in enumerate(steps)
        ]
    )


def _ms(at: str) -> int:
    return pd.Timestamp(at, tz="UTC").value // 1_000_000


WHOLE = _log((CREATED, "2026-03-02T10:00:00Z"), (CLOSED, "2026-03-02T12:00:00Z"))


def test_a_whole_closed_log_passes() -> None:
    record = {"id": 7, "status": "closed", "closed_at": _ms("2026-03-02T12:00:00Z")}
    assert incomplete_logs(WHOLE, [record | {"updated_at": record["closed_at"]}]) == {}


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        ({"status": "closed", "closed_at": _ms("2026-03-03T09:00:00Z")}, "before its close"),
        ({"status": "open", "updated_at": _ms("2026-03-02T12:05:00Z")}, "a reopen is missing"),
        ({"status": "closed", "updated_at": _ms("2026-03-02T15:00:00Z")}, "its updated_at is"),
    ],
)
def test_a_log_that_stops_short_of_its_record_is_named(record, reason) -> None:
    assert reason in incomplete_logs(WHOLE, [{"id": 7, **record}])[7]


def test_a_log_newer_than_its_record_passes() -> None:
    # Exported while open at 11:00; closed at 12:00, before its log was read: the log goes
    # on past the record's last update, and holds all the record knew of.
    stale = {"id": 7, "status": "open", "updated_at": _ms("2026-03-02T11:00:00Z")}
    assert incomplete_logs(WHOLE, [stale]) == {}
    # Closed in the record, reopened since.
    reopened = _log(
        (CREATED, "2026-03-02T10:00:00Z"),
        (CLOSED, "2026-03-02T12:00:00Z"),
        (REOPENED, "2026-03-03T08:00:00Z"),
    )
    closed = {"id": 7, "status": "closed", "closed_at": _ms("2026-03-02T12:00:00Z")}
    assert incomplete_logs(reopened, [closed | {"updated_at": closed["closed_at"]}]) == {}
    # ... but not within the tolerance: that is the same moment, and the log must agree.
    assert incomplete_logs(reopened, [closed | {"updated_at": _ms("2026-03-03T07:55:00Z")}])


def test_a_record_without_a_status_holds_the_log_only_to_having_events() -> None:
    # (A sync's record of a conversation updated after the sync began: only its events count.)
    assert incomplete_logs(WHOLE, [{"id": 7}]) == {}
    assert incomplete_logs(WHOLE, [{"id": 8}]) == {8: "its log holds no event"}
