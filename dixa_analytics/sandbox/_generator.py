"""Seeded generator of a synthetic Dixa organisation.

Every draw comes from ``random.Random`` objects seeded from the ``seed`` argument and the
parameters, so the same arguments give the same organisation byte for byte; the wall clock
is never read. Each conversation's life cycle is simulated in full, then cut at ``as_of``
(= ``end``): whatever would happen later did not happen yet, so conversations created near
the end are still open or pending. Conversation records are then replayed from the kept
events, so they always agree with the activity log.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import math
import random
from bisect import bisect_right
from dataclasses import dataclass, fields
from itertools import accumulate
from typing import Any

from dixa_analytics.sandbox._organisation import Organisation, Record
from dixa_analytics.sandbox._wire import iso_ms

__all__ = ["DEFAULT_END", "DEFAULT_START", "Rates", "generate_organisation"]

DEFAULT_START = "2026-01-05"
DEFAULT_END = "2026-04-06"

_SECOND = 1000
_MINUTE = 60 * _SECOND
_HOUR = 60 * _MINUTE
_DAY = 24 * _HOUR


@dataclass(frozen=True)
class Rates:
    """Probabilities that steer each conversation's life cycle (each between 0 and 1).

    Attributes
    ----------
    outbound : float
        Conversation started by an agent (``conversation_created_by_agent``).
    autoreply : float
        Auto-reply sent to an inbound email or contact-form conversation.
    language_update : float
        ``conversation_language_updated`` early in the conversation.
    end_user_replaced : float
        ``conversation_end_user_replaced``.
    reserved : float
        ``conversation_reserved`` while queued.
    claim : float
        An agent claims the conversation from the queue instead of being offered it.
    offer_reject, offer_timeout : float
        Each offer is rejected / times out (then offered to someone else).
    transfer : float
        A transfer is initiated; ``transfer_fail`` of them fail and ``transfer_to_queue`` go
        to another queue rather than to an agent.
    unassign : float
        The assignee unassigns and the conversation goes back to the queue.
    note : float
        Internal notes are written.
    tag_removal : float
        A tag of a tagged conversation is removed again.
    followup : float
        A follow-up is set (then removed or expired).
    pending : float
        The conversation is set pending before it is closed.
    abandon : float
        The conversation is never closed.
    reopen : float
        A closed conversation is reopened by the customer; ``reopen_again`` of those are
        reopened once more after the next close (at most three times).
    rating : float
        A rating is scheduled on close; ``rated`` of the offered ratings get a score and
        ``rating_unscheduled`` of the scheduled ones are unscheduled by the agent.
    """

    outbound: float = 0.07
    autoreply: float = 0.85
    language_update: float = 0.1
    end_user_replaced: float = 0.004
    reserved: float = 0.03
    claim: float = 0.12
    offer_reject: float = 0.1
    offer_timeout: float = 0.12
    transfer: float = 0.08
    transfer_fail: float = 0.2
    transfer_to_queue: float = 0.5
    unassign: float = 0.04
    note: float = 0.25
    tag_removal: float = 0.06
    followup: float = 0.05
    pending: float = 0.15
    abandon: float = 0.01
    reopen: float = 0.07
    reopen_again: float = 0.2
    rating: float = 0.45
    rated: float = 0.55
    rating_unscheduled: float = 0.05

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if not isinstance(value, int | float) or not 0.0 <= value <= 1.0:
                raise ValueError(f"rate {f.name} must be a probability in [0, 1], not {value!r}")


# --- vocabulary -----------------------------------------------------------------------------

_FIRST = (
    "Alex", "Maja", "Jonas", "Sofie", "Lukas", "Emma", "Noah", "Ida", "Oscar", "Freja",
    "William", "Clara", "Jörg", "Åsa", "Mikkel", "Laura", "Hannah", "Felix", "Nora", "Elias",
    "Sara", "Victor", "Anna", "Emil", "Julie", "Magnus", "Ella", "Oliver", "Lea", "Yuki",
)  # fmt: skip
_LAST = (
    "Hansen", "Jensen", "Nielsen", "Schmidt", "Müller", "Larsen", "Berg", "Andersson",
    "Kowalski", "Dubois", "Rossi", "Tanaka", "Smith", "Olsen", "Fischer", "Lindqvist",
    "Petersen", "de Vries", "García", "Novak", "O'Brien", "Weber", "Nakamura", "Holm",
)  # fmt: skip
_ASCII = str.maketrans({"ö": "o", "å": "a", "ü": "u", "í": "i", "é": "e", "'": "", " ": ""})

# name, is_default, priority, share of inbound volume, first-response factor
_QUEUES = (
    ("Support", True, 0, 0.36, 1.0),
    ("Billing", False, 1, 0.22, 1.25),
    ("Returns & Exchanges", False, 1, 0.17, 1.1),
    ("Technical", False, 2, 0.15, 1.6),
    ("VIP", False, 3, 0.06, 0.35),
    ("Partnerships", False, 1, 0.04, 2.0),
)
_HOSTILE_QUEUE = '<script>alert("q")</script>'

# name, trend (+1 rising, -1 falling, -2 discontinued mid-window), weight, favoured queue
_TAGS = (
    ("order-status", 0, 1.3, "Support"),
    ("shipping", -1, 1.2, None),
    ("billing & invoices", 0, 1.0, "Billing"),
    ("refund", 1, 1.0, "Returns & Exchanges"),
    ("Rückerstattung", 1, 0.7, "Returns & Exchanges"),
    ("配送", -1, 0.7, None),
    ("bug", 0, 0.6, "Technical"),
    ("password-reset", 1, 0.5, "Technical"),
    ("complaint", 0, 0.4, None),
    ("<vip>", 0, 0.3, "VIP"),
    ("feature-request", -1, 0.3, "Technical"),
    ("winter-sale", -2, 0.6, None),
)
_HOSTILE_TAGS = (
    ('<script>alert("x")</script>', 0, 0.4, None),
    ('"><img src=x onerror=alert(1)>', 0, 0.3, None),
)
_HOSTILE_AGENT = '<b>Eve</b> "><img src=x onerror=alert(1)>'
_HOSTILE_SUBJECT = '<script>alert("x")</script> where is my order?'

# channel, share, first-response median (s), sigma, reply median (s), exchanges (min, max)
_CHANNELS = (
    ("email", 0.38, 3 * 3600, 1.0, 4 * 3600, (0, 3)),
    ("widget_chat", 0.30, 100, 0.9, 60, (1, 6)),
    ("phone", 0.13, 35, 0.6, 600, (0, 1)),
    ("contact_form", 0.07, 4 * 3600, 0.9, 5 * 3600, (0, 2)),
    ("facebook_messenger", 0.05, 15 * 60, 1.0, 20 * 60, (1, 4)),
    ("callback", 0.04, 40 * 60, 0.8, 3600, (0, 1)),
    ("voice_mail", 0.03, 3 * 3600, 0.8, 3 * 3600, (0, 1)),
)
_NONE: list[str] = []  # shared by every message without cc/images/attachments (read-only)
_EMAIL_LIKE = frozenset({"email", "contact_form"})
_PHONE_LIKE = frozenset({"phone", "callback", "voice_mail"})

_SUBJECTS = (
    "Where is my order #{n}?",
    "Invoice {n} looks wrong",
    "Refund for order #{n}",
    "Can't log in",
    "Wrong size delivered (order #{n})",
    "Lieferung verspätet – Bestellung {n}",
    "配送について ({n})",
    "Question about my subscription",
    "Damaged item in parcel {n}",
    "Change delivery address",
)
_CUSTOMER_TEXTS = (
    "Hi, I have not received my order yet.",
    "Could you please check the status?",
    "Thanks, but it still does not work.",
    "Hej, kan I hjælpe mig?",
    "I was charged twice for the same order.",
    "Any update on this?",
    "Ich möchte gerne mein Geld zurück.",
    "The parcel arrived damaged.",
)
_AGENT_TEXTS = (
    "Thanks for reaching out! Let me look into this for you.",
    "I have checked your order and it is on its way.",
    "I have issued a refund; it will show within 5 business days.",
    "Could you send me a photo of the item?",
    "I have reset your password; please try again.",
    "Is there anything else I can help you with?",
)
_NOTE_TEXTS = (
    "Customer called twice about this.",
    "Escalated to the warehouse team.",
    "Refund approved by team lead.",
    "Possible duplicate of an earlier conversation.",
    "Checked with billing: invoice corrected.",
)
_TEMPLATES = ("Default auto-reply", "Out of office", "We received your email")
_LANGUAGES = ("en", "da", "de", "sv", "nl")
_REASONS = ("Needs billing expertise", "Customer speaks German", "Escalation", None)
_RATING_MESSAGES = ("Great help, thanks!", "Slow answer.", "Problem solved.", None, None)

# Showcase conversations: the first ones get these so that every activity type occurs even in
# a small organisation.
_SHOWCASE: tuple[tuple[str | None, frozenset[str]], ...] = (
    ("email", frozenset({"autoreply", "language", "reject", "timeout", "note", "followup",
                         "followup_removed", "rating", "rated", "transfer", "transfer_agent"})),
    ("widget_chat", frozenset({"reserved", "claim", "tags", "tag_removal", "transfer",
                               "transfer_fail", "pending", "rating", "rating_unscheduled",
                               "followup", "followup_expired"})),
    ("email", frozenset({"transfer", "transfer_queue", "unassign", "reopen", "reopen_again",
                         "rating", "rating_cancelled", "end_user_replaced", "tags"})),
    ("outbound", frozenset({"note", "tags"})),
)  # fmt: skip


def generate_organisation(
    seed: int = 42,
    conversations: int = 2000,
    *,
    start: str | dt.date = DEFAULT_START,
    end: str | dt.date = DEFAULT_END,
    agents: int = 24,
    queues: int = 5,
    end_users: int | None = None,
    hostile_names: bool = False,
    name: str = "Nordlys Shop",
    **rates: float,
) -> Organisation:
    """Generate a realistic synthetic Dixa organisation, deterministically.

    Conversations arrive over ``[start, end)`` with weekday and hour-of-day seasonality and
    a slight upward trend; each gets a full life cycle (auto-replies, offers that are
    accepted, rejected or time out, claims, messages both ways, notes, tags added and removed,
    transfers, unassignment, follow-ups, pending, close, reopen, ratings), cut at ``end``.

    Parameters
    ----------
    seed : int
        Seed of every random draw; same arguments, same organisation.
    conversations : int
        Number of conversations created in the window.
    start, end : str or datetime.date
        The window as ISO dates (midnight UTC) or dates; ``end`` is excluded and is the
        organisation's ``as_of``. Defaults: 2026-01-05 (a Monday) to 2026-04-06.
    agents : int
        Number of agents (one more user is an admin who handles no conversations).
    queues : int
        Number of queues (the first is the default queue); volumes differ per queue.
    end_users : int, optional
        Number of customers; default ``max(10, 0.7 * conversations)``. Some customers
        write often.
    hostile_names : bool
        Put HTML/script payloads into some tag, agent and queue names and subjects.
    name : str
        The organisation's display name.
    **rates : float
        Overrides of the life-cycle probabilities in :class:`Rates`.

    Returns
    -------
    Organisation

    Examples
    --------
    >>> org = generate_organisation(seed=1, conversations=30)
    >>> len(org.conversations), org.as_of.isoformat()
    (30, '2026-04-06T00:00:00+00:00')
    >>> org.events[0]["activity_type"] in {"conversation_created_by_customer",
    ...                                    "conversation_created_by_agent"}
    True
    """
    try:
        rate_values = Rates(**rates)
    except TypeError as exc:
        known = ", ".join(f.name for f in fields(Rates))
        raise TypeError(f"unknown rate in {sorted(rates)}; known rates are: {known}") from exc
    for label, value, low in (("conversations", conversations, 0), ("agents", agents, 1)):
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise ValueError(f"{label} must be an integer >= {low}, not {value!r}")
    if not 1 <= queues <= 26:
        raise ValueError(f"queues must be between 1 and 26, not {queues!r}")
    start_dt, end_dt = _as_utc(start, "start"), _as_utc(end, "end")
    if end_dt <= start_dt:
        raise ValueError(f"end ({end_dt.date()}) must be after start ({start_dt.date()})")
    if end_users is None:
        end_users = max(10, int(0.7 * conversations))
    params = f"{seed}|{conversations}|{start_dt}|{end_dt}|{agents}|{queues}|{end_users}"
    params += f"|{hostile_names}|{sorted(rates.items())}"
    builder = _Builder(seed, params, rate_values, hostile_names)
    # Millions of small dicts would trigger the cyclic collector over and over (quadratic
    # time); they hold no reference cycles, so pause it while building.
    collecting = gc.isenabled()
    gc.disable()
    try:
        builder.build_reference_data(agents, queues, end_users)
        builder.build_conversations(conversations, start_dt, end_dt)
    finally:
        if collecting:
            gc.enable()
    key = "sandbox-" + hashlib.sha256(f"dixa-sandbox|{params}".encode()).hexdigest()[:24]
    return Organisation(
        name=name,
        seed=seed,
        api_key=key,
        start=start_dt,
        end=end_dt,
        users=builder.users,
        queues=builder.queues,
        tags=builder.tags,
        endpoints=builder.endpoints,
        conversations=builder.conversations,
        events=builder.events,
        messages=builder.messages,
        notes=builder.notes,
    )


def _as_utc(value: str | dt.date, label: str) -> dt.datetime:
    if isinstance(value, dt.datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        return aware.astimezone(dt.UTC)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    if isinstance(value, str):
        try:
            return _as_utc(dt.date.fromisoformat(value), label)
        except ValueError:
            pass
        try:
            return _as_utc(dt.datetime.fromisoformat(value.replace("Z", "+00:00")), label)
        except ValueError as exc:
            raise ValueError(f"{label}={value!r} is not a date; pass e.g. '2026-01-05'") from exc
    raise TypeError(f"{label} must be an ISO date string or a datetime.date, not {type(value)}")


def _ms(moment: dt.datetime) -> int:
    return int(moment.timestamp()) * 1000


class _Ids:
    """UUID-4-looking ids from a seeded stream (uuid.uuid4 would read the OS entropy)."""

    def __init__(self, rng: random.Random) -> None:
        self._bits = rng.getrandbits

    def __call__(self) -> str:
        h = f"{self._bits(128):032x}"
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) & 3]}{h[17:20]}-{h[20:32]}"


class _Builder:
    """Holds the random streams and the organisation while it is being generated."""

    def __init__(self, seed: int, params: str, rates: Rates, hostile: bool) -> None:
        self.rng = random.Random(f"life|{params}")
        self.new_id = _Ids(random.Random(f"ids|{params}"))
        self.rates = rates
        self.hostile = hostile
        self.domain = "nordlys-shop.example"
        self.users: list[Record] = []
        self.queues: list[Record] = []
        self.tags: list[Record] = []
        self.endpoints: list[Record] = []
        self.conversations: list[Record] = []
        self.events: list[Record] = []
        self.messages: dict[int, list[Record]] = {}
        self.notes: dict[int, list[Record]] = {}
        self.authors: list[Record] = []  # ActivityLogUser objects, parallel to users

    # --- reference data ------------------------------------------------------------------

    def build_reference_data(self, n_agents: int, n_queues: int, n_end_users: int) -> None:
        rng, new_id = self.rng, self.new_id
        self.agents: list[Record] = []  # author objects of the agents
        for i in range(n_agents):
            first, last = _FIRST[i % len(_FIRST)], _LAST[(i * 7 + i // len(_FIRST)) % len(_LAST)]
            name = f"{first} {last}"
            if self.hostile and i == 3:
                name = _HOSTILE_AGENT
            email = f"{first}.{last}{i}@{self.domain}".lower().translate(_ASCII)
            roles = ["Agent", "Admin"] if i % 8 == 0 else ["Agent"]
            self._add_user(new_id(), name, email, None, roles, avatar=i % 3 == 0)
            self.agents.append(self.authors[-1])
        self._add_user(new_id(), "Morgan Admin", f"admin@{self.domain}", None, ["Admin"], False)
        self.first_end_user = len(self.users)
        for i in range(n_end_users):
            first, last = rng.choice(_FIRST), rng.choice(_LAST)
            has_email, has_phone = rng.random() < 0.95, rng.random() < 0.65
            email = f"{first}.{last}.{i}@customer.example".lower().translate(_ASCII)
            phone = f"+45{20_000_000 + i}"
            self._add_user(
                new_id(),
                f"{first} {last}",
                email if has_email or not has_phone else None,
                phone if has_phone else None,
                [],
                avatar=False,
            )

        specs = list(_QUEUES[:n_queues])
        specs += [
            (f"Queue {chr(65 + i)}", False, 1, 0.05, 1.0) for i in range(len(specs), n_queues)
        ]
        if self.hostile and n_queues > 1:
            specs[-1] = (_HOSTILE_QUEUE, *specs[-1][1:])
        self.queue_share = [spec[3] for spec in specs]
        self.queue_speed = [spec[4] for spec in specs]
        self.queue_members: list[list[Record]] = []
        for qname, is_default, priority, _share, _speed in specs:
            self.queues.append(
                {"id": new_id(), "name": qname, "is_default": is_default, "priority": priority}
            )
            size = min(len(self.agents), max(3, len(self.agents) // 2))
            self.queue_members.append(rng.sample(self.agents, size))

        tag_specs = list(_TAGS) + (list(_HOSTILE_TAGS) if self.hostile else [])
        queue_names = [q["name"] for q in self.queues]
        self.tag_specs = [
            (name, trend, weight, queue_names.index(q) if q in queue_names else None)
            for name, trend, weight, q in tag_specs
        ]
        for name, trend, _w, _q in self.tag_specs:
            self.tags.append({"id": new_id(), "name": name, "is_deactivated": trend == -2})

        self.email_endpoints = []
        for local in ("support", "billing", "returns"):
            endpoint = {
                "email_address": {
                    "id": new_id(),
                    "internal_email_address": f"{local}-nordlys@email.dixa.io",
                    "spf_email": f"{local}@{self.domain}",
                }
            }
            self.endpoints.append(endpoint)
            self.email_endpoints.append(endpoint)
        self.phone_endpoints = []
        for number in ("+4570200300", "+4570200301"):
            endpoint = {"phone_number": {"phone_number": number}}
            self.endpoints.append(endpoint)
            self.phone_endpoints.append(endpoint)

    def _add_user(
        self,
        user_id: str,
        name: str,
        email: str | None,
        phone: str | None,
        roles: list[str],
        avatar: bool,
    ) -> None:
        avatar_url = f"https://avatars.sandbox.invalid/{user_id}.png" if avatar else None
        self.users.append(
            {
                "id": user_id,
                "email": email,
                "name": name,
                "roles": roles,
                "avatar_url": avatar_url,
                "phone_number": phone,
            }
        )
        self.authors.append({"id": user_id, "name": name, "email": email, "phone_number": phone})

    # --- conversations -------------------------------------------------------------------

    def build_conversations(self, n: int, start: dt.datetime, end: dt.datetime) -> None:
        rng = self.rng
        start_ms, end_ms = _ms(start), _ms(end)
        hours = max(1, (end_ms - start_ms) // _HOUR)
        weights = []
        for h in range(hours):
            moment = start + dt.timedelta(hours=h)
            weights.append(
                _WEEKDAY[moment.weekday()] * _HOUR_OF_DAY[moment.hour] * (1 + 0.15 * h / hours)
            )
        cum = list(accumulate(weights))
        slots = sorted(bisect_right(cum, rng.random() * cum[-1]) for _ in range(n))
        created = sorted(
            min(end_ms - 1, start_ms + min(s, hours - 1) * _HOUR + rng.randrange(_HOUR))
            for s in slots
        )
        n_end_users = len(self.users) - self.first_end_user
        channel_cum = list(accumulate(c[1] for c in _CHANNELS))
        queue_cum = list(accumulate(self.queue_share))
        self.end_ms = end_ms
        for i, created_ms in enumerate(created):
            csid = 100_001 + i
            showcase = _SHOWCASE[i] if i < len(_SHOWCASE) and n >= 2 * len(_SHOWCASE) else None
            flags = set(showcase[1]) if showcase else set()
            outbound = (showcase is not None and showcase[0] == "outbound") or (
                showcase is None and rng.random() < self.rates.outbound
            )
            if showcase and showcase[0] not in (None, "outbound"):
                channel = next(c for c in _CHANNELS if c[0] == showcase[0])
            else:
                channel = _CHANNELS[bisect_right(channel_cum, rng.random() * channel_cum[-1])]
            queue_index = bisect_right(queue_cum, rng.random() * queue_cum[-1])
            requester = self.authors[self.first_end_user + int(n_end_users * rng.random() ** 2)]
            fraction = (created_ms - start_ms) / (end_ms - start_ms)
            sim = _Life(self, csid, created_ms, channel, queue_index, requester, outbound, flags)
            sim.run(self._pick_tags(fraction, queue_index, "tags" in flags))
            self._finish(sim)

    def _pick_tags(self, fraction: float, queue_index: int, at_least_one: bool) -> list[str]:
        rng = self.rng
        k = rng.choices((0, 1, 2, 3), (0.25, 0.45, 0.22, 0.08))[0]
        k = max(k, 1) if at_least_one else k
        pool = []
        for name, trend, weight, queue in self.tag_specs:
            if trend == 1:
                weight *= 0.35 + 1.3 * fraction
            elif trend == -1:
                weight *= 1.65 - 1.3 * fraction
            elif trend == -2:
                weight *= max(0.0, 1.5 - 3.0 * fraction)
            if queue == queue_index:
                weight *= 3.0
            if weight > 0:
                pool.append((name, weight))
        chosen = []
        for _ in range(min(k, len(pool))):
            total = sum(w for _, w in pool)
            x, acc = rng.random() * total, 0.0
            for j, (name, w) in enumerate(pool):
                acc += w
                if x < acc or j == len(pool) - 1:
                    chosen.append(name)
                    del pool[j]
                    break
        return chosen

    def _finish(self, sim: _Life) -> None:
        """Keep the events before ``as_of``, give them ids, and replay them into a record."""
        new_id, csid = self.new_id, sim.csid
        kept = [e for e in sim.timeline if e[0] < self.end_ms]
        channel = sim.channel_name
        messages: list[Record] = []
        notes: list[Record] = []
        state = _Replay(sim)
        for ts, kind, author, attributes, payload in kept:
            if kind in ("message_added_by_customer", "message_added_by_agent"):
                message_id = new_id()
                attributes = {
                    "message_id": message_id,
                    "from_endpoint": payload["from"],
                    "avatal_url": None,
                }
                messages.append(
                    {
                        "id": message_id,
                        "created_at": iso_ms(ts),
                        "author_id": author["id"],
                        "channel": channel,
                        "direction": payload["direction"],
                        "attributes": payload["attributes"],
                    }
                )
            elif kind == "note_added":
                note_id = new_id()
                attributes = {"message_id": note_id, "avatal_url": None, "note": payload}
                notes.append(
                    {
                        "id": note_id,
                        "created_at": iso_ms(ts),
                        "text": payload,
                        "requester_id": author["id"],
                    }
                )
            self.events.append(
                {
                    "id": new_id(),
                    "conversation_id": csid,
                    "timestamp_ms": ts,
                    "activity_type": kind,
                    "author": author,
                    "attributes": attributes,
                }
            )
            state.apply(ts, kind, author, attributes)
        if messages:
            self.messages[csid] = messages
        if notes:
            self.notes[csid] = notes
        self.conversations.append(state.record(self.end_ms))


_WEEKDAY = (1.25, 1.15, 1.1, 1.05, 0.95, 0.45, 0.35)
_HOUR_OF_DAY = (
    0.08, 0.05, 0.04, 0.04, 0.06, 0.15, 0.35, 0.7, 1.0, 1.25, 1.3, 1.25,
    1.1, 1.2, 1.25, 1.15, 1.0, 0.85, 0.7, 0.6, 0.5, 0.4, 0.25, 0.14,
)  # fmt: skip

Timeline = list[tuple[int, str, Record | None, Record | None, Any]]


class _Life:
    """Simulates one conversation's full life cycle as a time-ordered timeline."""

    def __init__(
        self,
        builder: _Builder,
        csid: int,
        created_ms: int,
        channel: tuple[Any, ...],
        queue_index: int,
        requester: Record,
        outbound: bool,
        flags: set[str],
    ) -> None:
        self.b = builder
        self.rng = builder.rng
        self.rates = builder.rates
        self.csid = csid
        self.created_ms = created_ms
        self.t = created_ms
        self.channel = channel
        self.channel_name: str = channel[0]
        self.queue_index = None if outbound else queue_index
        self.initial_queue_index = self.queue_index
        self.requester = requester
        self.outbound = outbound
        self.flags = flags
        self.assignee: Record | None = None
        self.timeline: Timeline = []
        self.language: str | None = None
        self.endpoint: Record | None = None
        if self.channel_name in _EMAIL_LIKE:
            self.endpoint = builder.email_endpoints[queue_index % len(builder.email_endpoints)]
        elif self.channel_name in _PHONE_LIKE:
            self.endpoint = builder.phone_endpoints[queue_index % len(builder.phone_endpoints)]
        subject = self.rng.choice(_SUBJECTS).format(n=10_000 + csid % 90_000)
        if builder.hostile and csid % 10 == 3:
            subject = _HOSTILE_SUBJECT
        self.subject = subject

    # -- helpers ------------------------------------------------------------------------

    def want(self, flag: str, probability: float) -> bool:
        if flag in self.flags:
            self.flags.discard(flag)
            return True
        return self.rng.random() < probability

    def emit(
        self,
        delay_ms: float,
        kind: str,
        author: Record | None = None,
        attributes: Record | None = None,
        payload: Any = None,
    ) -> None:
        self.t += max(1, int(delay_ms))
        self.timeline.append((self.t, kind, author, attributes, payload))

    def wait(self, delay_ms: float) -> None:
        self.t += max(1, int(delay_ms))

    def lognormal(self, median_s: float, sigma: float) -> float:
        return median_s * 1000 * math.exp(self.rng.gauss(0.0, sigma))

    def queue(self) -> Record:
        return self.b.queues[self.queue_index or 0]

    def other_agent(self, pool: list[Record]) -> Record:
        choices = [a for a in pool if a is not self.assignee] or pool
        return self.rng.choice(choices)

    def message(self, by_agent: bool) -> None:
        rng, channel = self.rng, self.channel_name
        author = self.assignee if by_agent else self.requester
        if author is None:
            author = self.other_agent(self.b.agents)
        text = rng.choice(_AGENT_TEXTS if by_agent else _CUSTOMER_TEXTS)
        direction = "outbound" if by_agent else "inbound"
        attributes: Record = {"text": text, "direction": direction}
        sender: str | None = None
        if channel in _EMAIL_LIKE and self.endpoint is not None:
            company = self.endpoint["email_address"]["spf_email"]
            customer = self.requester["email"]
            sender = company if by_agent else customer
            attributes.update(
                from_email=sender,
                to_emails=[customer if by_agent else company],
                cc_email=_NONE,
                inline_images=_NONE,
                attachments=_NONE,
            )
        elif channel in _PHONE_LIKE and self.endpoint is not None:
            company = self.endpoint["phone_number"]["phone_number"]
            customer = self.requester["phone_number"]
            sender = company if by_agent else customer
            attributes.update(
                a_phone_number=sender, b_phone_number=customer if by_agent else company
            )
        attributes.update(is_automated_message=False, is_auto_reply=False)
        kind = "message_added_by_agent" if by_agent else "message_added_by_customer"
        payload = {"from": sender, "direction": direction, "attributes": attributes}
        self.emit(0, kind, author, None, payload)

    # -- life cycle -----------------------------------------------------------------------

    def run(self, tags: list[str]) -> None:
        rng, rates = self.rng, self.rates
        _, _, fr_median, fr_sigma, reply_median, (ex_lo, ex_hi) = self.channel
        subject = {"conversation_subject": self.subject}
        if self.outbound:
            agent = rng.choice(self.b.agents)
            self.timeline.append((self.t, "conversation_created_by_agent", agent, subject, None))
            self.assign(agent, rng.uniform(500, 3000))
            self.wait(rng.uniform(20, 300) * 1000)
            self.message(by_agent=True)
            if rng.random() < 0.6:
                self.wait(self.lognormal(reply_median, 1.0))
                self.message(by_agent=False)
        else:
            self.timeline.append(
                (self.t, "conversation_created_by_customer", self.requester, subject, None)
            )
            self.message(by_agent=False)
            if self.channel_name in _EMAIL_LIKE and self.want("autoreply", rates.autoreply):
                self.emit(rng.uniform(2, 8) * 1000, "conversation_autoreply_sent", None,
                          {"template_name": rng.choice(_TEMPLATES)})  # fmt: skip
            self.early_extras()
            response = self.lognormal(fr_median, fr_sigma)
            response *= self.b.queue_speed[self.queue_index or 0]
            wait = response * rng.uniform(0.2, 0.6)
            self.route(wait)
            self.wait(max(3000.0, response - wait))
            self.message(by_agent=True)
        if self.outbound:
            self.early_extras()
        self.handle(tags, rng.randint(ex_lo, ex_hi), reply_median)

    def early_extras(self) -> None:
        rng, rates = self.rng, self.rates
        if self.want("language", rates.language_update):
            self.language = rng.choice(_LANGUAGES)
            self.emit(rng.uniform(1, 5) * 1000, "conversation_language_updated", None,
                      {"language": self.language})  # fmt: skip
        if self.want("end_user_replaced", rates.end_user_replaced):
            self.emit(rng.uniform(10, 120) * 1000, "conversation_end_user_replaced",
                      self.other_agent(self.b.agents))  # fmt: skip

    def assign(self, agent: Record, delay_ms: float) -> None:
        self.emit(delay_ms, "conversation_assigned", None,
                  {"agent_id": agent["id"], "agent_name": agent["name"]})  # fmt: skip
        self.assignee = agent

    def route(self, wait_ms: float) -> None:
        """Queue the conversation until an agent accepts an offer or claims it."""
        rng, rates = self.rng, self.rates
        members = self.b.queue_members[self.queue_index or 0]
        label = self.queue()["name"]
        if self.want("reserved", rates.reserved):
            self.emit(wait_ms * 0.05, "conversation_reserved", None)
        if self.want("claim", rates.claim):
            agent = self.other_agent(members)
            self.emit(wait_ms * 0.95, "conversation_claimed", agent,
                      {"claimed_from_label": label, "claimed_from_type": "queue"})  # fmt: skip
            self.assignee = agent
            return
        spent = wait_ms * 0.4
        agent = self.other_agent(members)
        self.emit(spent, "conversation_offered", None,
                  {"agent_names": [agent["name"]], "queue_label": label})  # fmt: skip
        for _ in range(3):
            x = rng.random()
            if self.want("reject", 0) or x < rates.offer_reject:
                delay = rng.uniform(5, 40) * 1000
                self.emit(delay, "conversation_offer_rejected", agent)
            elif self.want("timeout", 0) or x < rates.offer_reject + rates.offer_timeout:
                delay = 30_000
                self.emit(delay, "conversation_offer_timeout", None)
            else:
                break
            self.assignee = agent  # so that the next offer goes to someone else
            agent = self.other_agent(members)
            self.assignee = None
            spent += delay + 2000
            self.emit(2000, "conversation_offered", None,
                      {"agent_names": [agent["name"]], "queue_label": label})  # fmt: skip
        self.emit(max(2000.0, wait_ms - spent), "conversation_offer_accepted", agent)
        self.assign(agent, rng.uniform(50, 500))

    def handle(self, tags: list[str], exchanges: int, reply_median: float) -> None:
        rng, rates = self.rng, self.rates
        # Some tags are set by a flow on arrival (no author), the rest by the agent.
        for name in tags:
            author = None if rng.random() < 0.3 else self.assignee
            self.emit(rng.uniform(2, 90) * 1000, "tag_added", author, {"tag_name": name})
        if tags and self.want("tag_removal", rates.tag_removal):
            removed = tags[-1]
            self.emit(rng.uniform(30, 600) * 1000, "tag_removed", self.assignee,
                      {"tag_name": removed})  # fmt: skip
        if self.want("note", rates.note):
            for _ in range(rng.choice((1, 1, 2))):
                self.emit(rng.uniform(20, 300) * 1000, "note_added", self.assignee,
                          payload=rng.choice(_NOTE_TEXTS))  # fmt: skip
        transfer_at = rng.randint(0, exchanges)
        transfer = self.want("transfer", rates.transfer)
        for i in range(exchanges + 1):
            if transfer and i == transfer_at:
                self.transfer()
            if i == exchanges:
                break
            self.wait(self.lognormal(reply_median, 0.9))
            self.message(by_agent=False)
            self.wait(self.lognormal(reply_median, 0.9))
            self.message(by_agent=True)
        if not self.outbound and self.want("unassign", rates.unassign):
            agent = self.assignee
            self.emit(rng.uniform(60, 3600) * 1000, "conversation_unassigned", agent,
                      {"agent": agent})  # fmt: skip
            self.assignee = None
            self.route(self.lognormal(reply_median, 0.8))
            self.wait(rng.uniform(30, 600) * 1000)
            self.message(by_agent=True)
        if self.want("followup", rates.followup):
            self.emit(rng.uniform(30, 300) * 1000, "followup_added", self.assignee)
            if self.want("followup_expired", 0) or (
                "followup_removed" not in self.flags and rng.random() < 0.5
            ):
                self.emit(rng.uniform(4, 48) * _HOUR, "followup_expired", None)
            else:
                self.flags.discard("followup_removed")
                self.emit(rng.uniform(1, 24) * _HOUR, "followup_removed", self.assignee)
        if self.want("abandon", rates.abandon) and not self.flags:
            return
        self.close(reply_median)

    def transfer(self) -> None:
        rng, rates = self.rng, self.rates
        to_queue = (
            self.want("transfer_queue", 0)
            or ("transfer_agent" not in self.flags and rng.random() < rates.transfer_to_queue)
        ) and len(self.b.queues) > 1
        self.flags.discard("transfer_agent")
        if to_queue:
            options = [i for i in range(len(self.b.queues)) if i != self.queue_index]
            target = rng.choice(options)
            queue = self.b.queues[target]
            attrs = {"destination_id": queue["id"], "destination_type": "queue",
                     "destination_label": queue["name"], "transfer_type": "queue",
                     "reason": rng.choice(_REASONS)}  # fmt: skip
        else:
            agent = self.other_agent(self.b.agents)
            attrs = {"destination_id": agent["id"], "destination_type": "agent",
                     "destination_label": agent["name"], "transfer_type": "agent",
                     "reason": rng.choice(_REASONS)}  # fmt: skip
        self.emit(rng.uniform(30, 600) * 1000, "transfer_initiated", self.assignee, attrs)
        if self.want("transfer_fail", rates.transfer_fail):
            self.emit(rng.uniform(20, 60) * 1000, "transfer_failed", None, dict(attrs))
            return
        self.emit(rng.uniform(5, 30) * 1000, "transfer_successful", None, dict(attrs))
        if to_queue:
            self.queue_index = target
            self.assignee = None
            self.route(self.lognormal(120, 1.0))
        else:
            self.assignee = agent
        self.wait(rng.uniform(60, 900) * 1000)
        self.message(by_agent=True)

    def close(self, reply_median: float) -> None:
        rng, rates = self.rng, self.rates
        closer = self.assignee
        if self.want("pending", rates.pending):
            self.emit(rng.uniform(60, 900) * 1000, "conversation_pending", closer)
            self.emit(rng.uniform(4, 72) * _HOUR, "conversation_closed", None)
        else:
            wrap = (
                rng.uniform(60, 1800) if self.channel_name in _EMAIL_LIKE else rng.uniform(20, 300)
            )
            self.emit(wrap * 1000, "conversation_closed", closer)
        closed_at = self.t
        reopen = self.want("reopen", rates.reopen)
        reopen_gap = (rng.uniform(5, 30) * _MINUTE if "rating_cancelled" in self.flags
                      else rng.lognormvariate(math.log(20 * _HOUR), 1.0))  # fmt: skip
        pending_rating = False
        if self.want("rating", rates.rating):
            scheduled_for = closed_at + _HOUR
            agent = self.assignee or self.other_agent(self.b.agents)
            self.emit(1000, "conversation_rating_scheduled", None,
                      {"rating_scheduled_time": iso_ms(scheduled_for)})  # fmt: skip
            if "rating_cancelled" not in self.flags and self.want(
                "rating_unscheduled", rates.rating_unscheduled
            ):
                self.emit(rng.uniform(1, 20) * _MINUTE, "conversation_rating_unscheduled", agent)
            elif reopen and closed_at + reopen_gap < scheduled_for:
                pending_rating = True
            else:
                self.t = max(self.t, scheduled_for - 1)
                self.emit(1, "conversation_rating_offered", None,
                          {"agent": agent, "user": self.requester})  # fmt: skip
                if self.want("rated", rates.rated):
                    score = rng.choices((1, 2, 3, 4, 5), (0.05, 0.07, 0.13, 0.3, 0.45))[0]
                    self.emit(rng.lognormvariate(math.log(40 * _MINUTE), 1.0),
                              "conversation_rated", self.requester,
                              {"agent": agent, "score": score,
                               "message": rng.choice(_RATING_MESSAGES)})  # fmt: skip
        self.flags.discard("rating_cancelled")
        reopens = 0
        while reopen and reopens < 3:
            reopens += 1
            self.t = max(self.t, closed_at + int(reopen_gap))
            self.message(by_agent=False)
            self.emit(rng.uniform(100, 2000), "conversation_reopened", None)
            if pending_rating:
                self.emit(50, "conversation_rating_cancelled", None)
                pending_rating = False
            if self.assignee is None:
                self.route(self.lognormal(reply_median, 0.8))
            self.wait(self.lognormal(reply_median, 0.9))
            self.message(by_agent=True)
            wrap = rng.uniform(60, 1800)
            self.emit(wrap * 1000, "conversation_closed", self.assignee)
            closed_at = self.t
            reopen = self.want("reopen_again", rates.reopen_again)
            reopen_gap = rng.lognormvariate(math.log(20 * _HOUR), 1.0)


class _Replay:
    """Folds one conversation's kept events into its canonical record at ``as_of``."""

    def __init__(self, life: _Life) -> None:
        self.life = life
        self.status = "open"
        self.status_at: int = life.created_ms
        self.assignee: str | None = None
        self.assigned_at: int | None = None
        self.queue_id: str | None = (
            life.b.queues[life.initial_queue_index]["id"]
            if life.initial_queue_index is not None
            else None
        )
        self.first_closed: int | None = None
        self.reopens = 0
        self.last_event = life.created_ms
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
                "rating_scheduled_for_timestamp": ts + _HOUR - 1000,
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
        self._account(as_of_ms)
        life = self.life
        return {
            "id": life.csid,
            "created_at_ms": life.created_ms,
            "channel": life.channel_name,
            "direction": "outbound" if life.outbound else "inbound",
            "requester_id": life.requester["id"],
            "subject": life.subject,
            "language": self.language,
            "queue_id": self.queue_id,
            "queued_at_ms": life.created_ms if self.queue_id else None,
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
            "endpoint": life.endpoint,
        }
