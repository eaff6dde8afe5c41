"""A synthetic conversation's record at a moment, replayed from its events until then."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from dixa_analytics.sandbox._content import HOUR

__all__ = ["STATIC_FIELDS", "Replay", "replayed"]

Record = dict[str, Any]

#: What a conversation record holds from its creation on, whatever happens after.
STATIC_FIELDS = (
    "id",
    "created_at_ms",
    "channel",
    "direction",
    "requester_id",
    "subject",
    "initial_queue_id",
    "endpoint",
)


def replayed(
    static: Mapping[str, Any], events: Iterable[Mapping[str, Any]], as_of_ms: int
) -> Record:
    """The record of a conversation at ``as_of_ms``, from its static fields and its canonical
    events before then (in time order)."""
    state = Replay(static)
    for event in events:
        if event["timestamp_ms"] >= as_of_ms:
            break
        state.apply(
            event["timestamp_ms"], event["activity_type"], event["author"], event["attributes"]
        )
    return state.record(as_of_ms)


class Replay:
    """Folds one conversation's kept events into its canonical record at ``as_of``."""

    def __init__(self, static: Mapping[str, Any]) -> None:
        self.static = {name: static[name] for name in STATIC_FIELDS}
        self.status = "open"
        self.status_at: int = static["created_at_ms"]
        self.assignee: str | None = None
        self.assigned_at: int | None = None
        self.queue_id: str | None = static["initial_queue_id"]
        self.first_closed: int | None = None
        self.reopens = 0
        self.last_event = static["created_at_ms"]
        self.last_message: int | None = None
        self.tags: list[str] = []
        self.handling_ms = 0
        self.handling_since: int | None = None
        self.transferee: str | None = None
        self.transfer_time: int | None = None
        self.rating: Record | None = None
        self.language: str | None = None

    def _set_assignee(self, ts: int, agent_id: str | None) -> None:
        self._account(ts)
        self.assignee = agent_id
        self.assigned_at = ts if agent_id else None
        self._account(ts)

    def _account(self, ts: int) -> None:
        """Close the running handling interval at ``ts`` and open one if open and assigned."""
        if self.handling_since is not None:
            self.handling_ms += ts - self.handling_since
        open_assigned = self.status == "open" and self.assignee is not None
        self.handling_since = ts if open_assigned else None

    def apply(self, ts: int, kind: str, author: Record | None, attrs: Record | None) -> None:
        self.last_event = ts
        if kind in ("conversation_pending", "conversation_closed", "conversation_reopened"):
            self._account(ts)
            self.status = {"conversation_pending": "pending", "conversation_closed": "closed"}.get(
                kind, "open"
            )
            self.status_at = ts
            if kind == "conversation_closed" and self.first_closed is None:
                self.first_closed = ts
            if kind == "conversation_reopened":
                self.reopens += 1
            self._account(ts)
        elif kind == "conversation_assigned" and attrs:
            self._set_assignee(ts, attrs["agent_id"])
        elif kind == "conversation_claimed" and author:
            self._set_assignee(ts, author["id"])
        elif kind == "conversation_unassigned":
            self._set_assignee(ts, None)
        elif kind == "transfer_successful" and attrs:
            if attrs["destination_type"] == "queue":
                self.queue_id = attrs["destination_id"]
                self._set_assignee(ts, None)
            else:
                self._set_assignee(ts, attrs["destination_id"])
            self.transferee = attrs["destination_label"]
            self.transfer_time = ts
        elif kind == "conversation_language_updated" and attrs:
            self.language = attrs["language"]
        elif kind.startswith("message_added"):
            self.last_message = ts
        elif kind == "tag_added" and attrs:
            if attrs["tag_name"] not in self.tags:
                self.tags.append(attrs["tag_name"])
        elif kind == "tag_removed" and attrs:
            if attrs["tag_name"] in self.tags:
                self.tags.remove(attrs["tag_name"])
        elif kind.startswith("conversation_rat"):
            self._rate(ts, kind, attrs)

    def _rate(self, ts: int, kind: str, attrs: Record | None) -> None:
        if kind == "conversation_rating_scheduled":
            self.rating = {
                "rating_score": None,
                "rating_message": None,
                "rating_type": "CSAT",
                "rating_status": "Scheduled",
                "rating_language": self.language or "en",
                "rating_created_timestamp": ts,
                "rating_offered_timestamp": None,
                "rating_modified_timestamp": ts,
                "rating_rated_timestamp": None,
                "rating_scheduled_timestamp": ts,
                "rating_scheduled_for_timestamp": ts + HOUR - 1000,
                "rating_unscheduled_timestamp": None,
                "rating_cancelled_timestamp": None,
            }
            return
        if self.rating is None:
            return
        self.rating["rating_modified_timestamp"] = ts
        if kind == "conversation_rating_offered":
            self.rating.update(rating_status="Offered", rating_offered_timestamp=ts)
        elif kind == "conversation_rated" and attrs:
            self.rating.update(
                rating_status="Rated",
                rating_rated_timestamp=ts,
                rating_score=attrs["score"],
                rating_message=attrs["message"],
            )
        elif kind == "conversation_rating_unscheduled":
            self.rating.update(rating_status="Unscheduled", rating_unscheduled_timestamp=ts)
        elif kind == "conversation_rating_cancelled":
            self.rating.update(rating_status="Cancelled", rating_cancelled_timestamp=ts)

    def record(self, as_of_ms: int) -> Record:
        """The canonical conversation record (see :class:`Organisation`) at ``as_of_ms``."""
        self._account(as_of_ms)
        static = self.static
        return {
            **static,
            "language": self.language,
            "queue_id": self.queue_id,
            "queued_at_ms": static["created_at_ms"] if self.queue_id else None,
            "status": self.status,
            "status_updated_at_ms": self.status_at,
            "assignee_id": self.assignee,
            "assigned_at_ms": self.assigned_at,
            "first_closed_at_ms": self.first_closed,
            "closed_at_ms": self.status_at if self.status == "closed" else None,
            "reopen_count": self.reopens,
            "updated_at_ms": self.last_event,
            "last_message_at_ms": self.last_message,
            "tags": list(self.tags),
            "rating": self.rating,
            "handling_seconds": self.handling_ms // 1000,
            "transferee_name": self.transferee,
            "transfer_time_ms": self.transfer_time,
        }
