"""The synthetic organisation: ground truth that the sandbox serves."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Any

from dixa_analytics.sandbox._replay import replayed

__all__ = ["Organisation"]

Record = dict[str, Any]


@dataclass(eq=False)
class Organisation:
    """A generated Dixa organisation: every record the sandbox serves, as ground truth.

    Build one with :func:`~dixa_analytics.sandbox.generate_organisation`. Treat it as
    read-only: the server renders responses from these very objects.

    Attributes
    ----------
    name : str
        Display name of the organisation.
    seed : int
        Seed it was generated from.
    api_key : str
        Its (fake, deterministic) Integrations API key, ``"sandbox-" + 24 hex digits``.
    api_token : str
        Its Dixa API token, ``"sandbox-api-" + 24 hex digits``: another kind of token, which
        the Integrations API refuses as the Dixa API refuses the key.
    start, end, as_of : datetime.datetime
        The generated window ``[start, end)`` (UTC); ``as_of == end`` is the organisation's
        "now": no event happens at or after it.
    users : list of dict
        Wire ``User`` objects: agents first (``roles`` such as ``["Agent"]`` or
        ``["Agent", "Admin"]``), then end users (``roles == []``).
    queues : list of dict
        Wire ``Queue`` objects (``id``, ``name``, ``is_default``, ``priority``).
    tags : list of dict
        Wire tag objects (``id``, ``name``, ``is_deactivated``).
    teams : list of dict
        Teams (``id``, ``name``, ``agent_ids``): one per queue, its members.
    endpoints : list of dict
        Wire one-key union objects ``{"email_address": {...}}`` / ``{"phone_number": {...}}``.
    conversations : list of dict
        Canonical conversation records, sorted by ``id`` (= creation order), as they stand at
        ``as_of``: ``id`` (int csid), ``created_at_ms``, ``channel``, ``direction``,
        ``requester_id``, ``subject``, ``language`` (or None), ``queue_id`` (None for
        outbound), ``queued_at_ms``, ``status`` (``open``/``pending``/``closed``),
        ``status_updated_at_ms``, ``assignee_id``, ``assigned_at_ms``, ``first_closed_at_ms``,
        ``closed_at_ms`` (None unless closed now), ``reopen_count``, ``updated_at_ms`` (last
        event), ``last_message_at_ms``, ``tags`` (names added and not removed, in order),
        ``rating`` (an export ``Rating`` dict or None), ``handling_seconds`` (open and
        assigned time), ``transferee_name``, ``transfer_time_ms``, ``endpoint`` (wire endpoint
        or None). Times are integer epoch milliseconds.
    events : list of dict
        Canonical activity-log records sorted by ``conversation_id`` then ``timestamp_ms``:
        ``id``, ``conversation_id``, ``timestamp_ms``, ``activity_type``, ``author``
        (``{"id", "name", "email", "phone_number"}`` or None for system events) and
        ``attributes`` (dict or None; tag key ``tag_name``, other keys as in the reference).
    messages, notes : dict of int to list of dict
        Wire ``Message`` / ``Note`` objects per csid, in time order (timestamps as
        ``.mmmZ`` strings); one per ``message_added_*`` / ``note_added`` event, with the
        same id (``attributes.message_id``) and timestamp.
    """

    name: str
    seed: int
    api_key: str
    api_token: str
    start: dt.datetime
    end: dt.datetime
    users: list[Record]
    queues: list[Record]
    tags: list[Record]
    teams: list[Record]
    endpoints: list[Record]
    conversations: list[Record]
    events: list[Record]
    messages: dict[int, list[Record]]
    notes: dict[int, list[Record]]
    _users_by_id: dict[str, int] = field(init=False, repr=False)
    _queues_by_id: dict[str, Record] = field(init=False, repr=False)
    _tags_by_name: dict[str, Record] = field(init=False, repr=False)
    _endpoints_by_id: dict[str, Record] = field(init=False, repr=False)
    _conversations_by_id: dict[int, Record] = field(init=False, repr=False)
    _event_slices: dict[int, tuple[int, int]] = field(init=False, repr=False)
    _requested: dict[str, list[int]] = field(init=False, repr=False)
    _message_times: list[tuple[int, int, str]] | None = field(init=False, repr=False)
    _event_times: list[tuple[int, int]] | None = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._users_by_id = {user["id"]: i for i, user in enumerate(self.users)}
        self._queues_by_id = {queue["id"]: queue for queue in self.queues}
        self._tags_by_name = {tag["name"]: tag for tag in self.tags}
        self._endpoints_by_id = {_endpoint_id(e): e for e in self.endpoints}
        self._conversations_by_id = {conv["id"]: conv for conv in self.conversations}
        self._requested = {}
        for conv in self.conversations:
            self._requested.setdefault(conv["requester_id"], []).append(conv["id"])
        slices: dict[int, tuple[int, int]] = {}
        first = 0
        for i in range(1, len(self.events) + 1):
            if i == len(self.events) or (
                self.events[i]["conversation_id"] != self.events[first]["conversation_id"]
            ):
                slices[self.events[first]["conversation_id"]] = (first, i)
                first = i
        self._event_slices = slices
        self._message_times = None
        self._event_times = None

    def __repr__(self) -> str:
        return (
            f"Organisation(name={self.name!r}, seed={self.seed}, "
            f"window={self.start.date()}..{self.end.date()}, users={len(self.users)}, "
            f"conversations={len(self.conversations)}, events={len(self.events)})"
        )

    @property
    def as_of(self) -> dt.datetime:
        """The organisation's "now" (= ``end``): no event happens at or after it."""
        return self.end

    def at(self, moment: dt.datetime) -> Organisation:
        """The organisation as it stood at ``moment`` (not after its own ``as_of``).

        Only what happened before ``moment`` is in it: the conversations created before then,
        replayed to their state at ``moment``, their events and messages until then. A
        sandbox serving the view moves the organisation forward in time as its clock moves.

        Examples
        --------
        >>> from dixa_analytics.sandbox import generate_organisation
        >>> org = generate_organisation(seed=1, conversations=40)
        >>> earlier = org.at(dt.datetime(2026, 3, 1, tzinfo=dt.UTC))
        >>> earlier.as_of.date().isoformat(), len(earlier.conversations) < len(org.conversations)
        ('2026-03-01', True)
        """
        if moment.tzinfo is None:
            raise ValueError("moment must be timezone-aware (UTC)")
        if moment > self.end:
            raise ValueError(f"the organisation was generated up to {self.end}, not {moment}")
        cut = int(moment.timestamp() * 1000)

        def before(items: list[Record]) -> list[Record]:
            return [m for m in items if _ms(m["created_at"]) < cut]

        return Organisation(
            name=self.name,
            seed=self.seed,
            api_key=self.api_key,
            api_token=self.api_token,
            start=self.start,
            end=moment,
            users=self.users,
            queues=self.queues,
            tags=self.tags,
            teams=self.teams,
            endpoints=self.endpoints,
            conversations=[
                replayed(c, self.events_of(c["id"]), cut)
                for c in self.conversations
                if c["created_at_ms"] < cut
            ],
            events=[e for e in self.events if e["timestamp_ms"] < cut],
            messages={c: kept for c, ms in self.messages.items() if (kept := before(ms))},
            notes={c: kept for c, ns in self.notes.items() if (kept := before(ns))},
        )

    def user(self, user_id: str | None) -> Record | None:
        """Return the user with ``user_id``, or None."""
        index = self._users_by_id.get(user_id) if user_id is not None else None
        return None if index is None else self.users[index]

    def queue(self, queue_id: str) -> Record | None:
        """Return the queue with ``queue_id``, or None."""
        return self._queues_by_id.get(queue_id)

    def tag_by_name(self, name: str) -> Record:
        """Return the tag called ``name`` (KeyError if there is none)."""
        return self._tags_by_name[name]

    def endpoint(self, endpoint_id: str) -> Record | None:
        """Return the endpoint whose id (email) or number (phone) is ``endpoint_id``."""
        return self._endpoints_by_id.get(endpoint_id)

    def conversation(self, csid: int) -> Record | None:
        """Return the canonical conversation ``csid``, or None."""
        return self._conversations_by_id.get(csid)

    def events_of(self, csid: int) -> list[Record]:
        """Return the canonical events of conversation ``csid`` in time order."""
        lo, hi = self._event_slices.get(csid, (0, 0))
        return self.events[lo:hi]

    def requested_conversations(self, user_id: str) -> list[Record]:
        """Return the conversations requested by ``user_id``, in csid order."""
        return [self._conversations_by_id[c] for c in self._requested.get(user_id, [])]

    def messages_between(self, lo_ms: int, hi_ms: int) -> list[tuple[int, Record, Record]]:
        """Return ``(created_ms, conversation, message)`` of the messages in ``[lo_ms, hi_ms)``.

        Sorted by time; the time index is built from the message events on first use.
        """
        if self._message_times is None:
            self._message_times = sorted(
                (e["timestamp_ms"], e["conversation_id"], e["attributes"]["message_id"])
                for e in self.events
                if e["activity_type"] in _MESSAGE_TYPES
            )
        times = self._message_times
        lo = bisect_left(times, (lo_ms,))
        hi = bisect_left(times, (hi_ms,))
        out = []
        for ms, csid, message_id in times[lo:hi]:
            message = next(m for m in self.messages[csid] if m["id"] == message_id)
            out.append((ms, self._conversations_by_id[csid], message))
        return out

    def events_between(self, lo_ms: int, hi_ms: int) -> list[Record]:
        """Return the canonical events whose time is in ``[lo_ms, hi_ms)``, in time order.

        Events at the same time keep the order of :attr:`events` (by conversation). The time
        index is built on first use.
        """
        if self._event_times is None:
            self._event_times = sorted((e["timestamp_ms"], i) for i, e in enumerate(self.events))
        times = self._event_times
        lo, hi = bisect_left(times, (lo_ms,)), bisect_left(times, (hi_ms,))
        return [self.events[i] for _, i in times[lo:hi]]


_MESSAGE_TYPES = frozenset({"message_added_by_customer", "message_added_by_agent"})


def _ms(stamp: str) -> int:
    """Epoch milliseconds of a ``...T..:..:..mmmZ`` timestamp as the generator writes them."""
    moment = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    return int(moment.timestamp() * 1000)


def _endpoint_id(endpoint: Record) -> str:
    if "email_address" in endpoint:
        return str(endpoint["email_address"]["id"])
    return str(endpoint["phone_number"]["phone_number"])
