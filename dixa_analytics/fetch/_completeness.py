"""Whether each conversation's activity log is whole, checked against its export record.

A log can come back cut short (paging that ends early, an answer that leaves a conversation
out) while every request succeeds. The Exports API's record of the conversation says how far
its log must reach, so each conversation's events are held to it:

* its log has at least one event (every conversation has its creation);
* a closed conversation's log reaches its ``closed_at``, and its last close/reopen event is a
  close; an open conversation's log does not end closed (a reopen would be missing);
* ``updated_at`` and ``last_message_created_at`` are not later than the log's last event by
  more than :data:`TOLERANCE` (the two APIs' clocks and writes are not exactly in step).

A log that goes on past its record's ``updated_at`` (by more than the tolerance) passes: the
conversation changed after its record was exported, as many do during a pull of hours, and
its log holds everything the record knew of.

:func:`incomplete_logs` returns the conversations that fail, each with the reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

__all__ = ["TOLERANCE", "incomplete_logs"]

#: How much later than a log's last event its export record may say it was updated.
TOLERANCE = pd.Timedelta(minutes=10)

_CLOSED, _REOPENED = "conversation_closed", "conversation_reopened"


def incomplete_logs(
    events: pd.DataFrame,
    conversations: Sequence[dict[str, Any]],
    *,
    tolerance: pd.Timedelta = TOLERANCE,
) -> dict[int, str]:
    """The conversations (export records) whose log in ``events`` looks incomplete, with why.

    Examples
    --------
    >>> from dixa_analytics.events import events_frame
    >>> events = events_frame([
    ...     {"id": "e1", "conversation_id": 7, "activity_timestamp": "2026-03-02T10:00:00Z",
    ...      "activity_type": "conversation_created_by_customer"},
    ... ])
    >>> closed = {"id": 7, "status": "closed", "closed_at": 1772449200000,
    ...           "updated_at": 1772449200000}
    >>> incomplete_logs(events, [closed])[7]
    'closed in its export record, but its log holds no close'
    >>> incomplete_logs(events, [{"id": 8, "status": "open"}])
    {8: 'its log holds no event'}
    """
    csids = events["conversation_id"].astype("int64")
    last = pd.Series(events["timestamp"].to_numpy(), index=csids.to_numpy())
    last = last.groupby(level=0).max()
    kinds = events["activity_type"].astype(str)
    status_rows = kinds.isin((_CLOSED, _REOPENED)).to_numpy()
    # The frame is in event order, so the last close/reopen of each conversation is its last.
    last_status = (
        pd.Series(kinds.to_numpy()[status_rows], index=csids.to_numpy()[status_rows])
        .groupby(level=0)
        .last()
    )
    found: dict[int, str] = {}
    for record in conversations:
        csid = int(record["id"])
        if csid not in last.index:
            found[csid] = "its log holds no event"
            continue
        reason = _why_short(
            record, pd.Timestamp(last[csid]), last_status.get(csid), tolerance=tolerance
        )
        if reason is not None:
            found[csid] = reason
    return found


def _why_short(
    record: dict[str, Any], last: pd.Timestamp, status: str | None, *, tolerance: pd.Timedelta
) -> str | None:
    ends = f"its log ends at {last:%Y-%m-%d %H:%M:%S}"
    updated = _moment(record.get("updated_at"))
    if updated is not None and last > updated + tolerance:
        # The log goes on past the record's last update: the conversation changed after its
        # record was exported (a long pull), and its log holds all the record knew of.
        return None
    if record.get("status") == "closed":
        if status != _CLOSED:
            held = "holds no close" if status is None else "ends reopened"
            return f"closed in its export record, but its log {held}"
        closed_at = _moment(record.get("closed_at"))
        if closed_at is not None and last < closed_at - tolerance:
            return f"{ends}, before its close at {closed_at:%Y-%m-%d %H:%M:%S}"
    elif record.get("status") is not None and status == _CLOSED:
        return "open in its export record, but its log ends closed (a reopen is missing)"
    for field in ("updated_at", "last_message_created_at"):
        moment = _moment(record.get(field))
        if moment is not None and moment > last + tolerance:
            return f"{ends}, but its {field} is {moment:%Y-%m-%d %H:%M:%S}"
    return None


def _moment(value: object) -> pd.Timestamp | None:
    """An export record's time (epoch milliseconds, or a time of its frame), or None."""
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value
    if value is None or isinstance(value, bool):
        return None
    try:
        return pd.Timestamp(int(value), unit="ms", tz="UTC")  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None
