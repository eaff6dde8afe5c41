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
import random
from bisect import bisect_right
from dataclasses import fields
from itertools import accumulate

from dixa_analytics.sandbox._content import (
    ASCII,
    CHANNELS,
    FIRST,
    HOSTILE_AGENT,
    HOSTILE_QUEUE,
    HOSTILE_TAGS,
    HOUR,
    HOUR_OF_DAY,
    LAST,
    QUEUES,
    SHOWCASE,
    TAGS,
    WEEKDAY,
)
from dixa_analytics.sandbox._life import Life
from dixa_analytics.sandbox._organisation import Organisation, Record
from dixa_analytics.sandbox._rates import Rates
from dixa_analytics.sandbox._replay import Replay
from dixa_analytics.sandbox._wire import iso_ms

__all__ = ["DEFAULT_END", "DEFAULT_START", "Rates", "generate_organisation"]

DEFAULT_START = "2026-01-05"
DEFAULT_END = "2026-04-06"


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
    builder = Builder(seed, params, rate_values, hostile_names)
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
    token = "sandbox-api-" + hashlib.sha256(f"dixa-api|{params}".encode()).hexdigest()[:24]
    return Organisation(
        name=name,
        seed=seed,
        api_key=key,
        api_token=token,
        start=start_dt,
        end=end_dt,
        users=builder.users,
        queues=builder.queues,
        tags=builder.tags,
        teams=builder.teams(),
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


class Builder:
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
            first, last = FIRST[i % len(FIRST)], LAST[(i * 7 + i // len(FIRST)) % len(LAST)]
            name = f"{first} {last}"
            if self.hostile and i == 3:
                name = HOSTILE_AGENT
            email = f"{first}.{last}{i}@{self.domain}".lower().translate(ASCII)
            roles = ["Agent", "Admin"] if i % 8 == 0 else ["Agent"]
            self._add_user(new_id(), name, email, None, roles, avatar=i % 3 == 0)
            self.agents.append(self.authors[-1])
        self._add_user(new_id(), "Morgan Admin", f"admin@{self.domain}", None, ["Admin"], False)
        self.first_end_user = len(self.users)
        for i in range(n_end_users):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            has_email, has_phone = rng.random() < 0.95, rng.random() < 0.65
            email = f"{first}.{last}.{i}@customer.example".lower().translate(ASCII)
            phone = f"+45{20_000_000 + i}"
            self._add_user(
                new_id(),
                f"{first} {last}",
                email if has_email or not has_phone else None,
                phone if has_phone else None,
                [],
                avatar=False,
            )

        specs = list(QUEUES[:n_queues])
        specs += [
            (f"Queue {chr(65 + i)}", False, 1, 0.05, 1.0) for i in range(len(specs), n_queues)
        ]
        if self.hostile and n_queues > 1:
            specs[-1] = (HOSTILE_QUEUE, *specs[-1][1:])
        self.queue_share = [spec[3] for spec in specs]
        self.queue_speed = [spec[4] for spec in specs]
        self.queue_members: list[list[Record]] = []
        for qname, is_default, priority, _share, _speed in specs:
            self.queues.append(
                {"id": new_id(), "name": qname, "is_default": is_default, "priority": priority}
            )
            size = min(len(self.agents), max(3, len(self.agents) // 2))
            self.queue_members.append(rng.sample(self.agents, size))

        tag_specs = list(TAGS) + (list(HOSTILE_TAGS) if self.hostile else [])
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

    def teams(self) -> list[Record]:
        """One team per queue, holding its members (ids derived from the queue's, so the
        other records do not change)."""
        return [
            {
                "id": "team-" + hashlib.sha256(queue["id"].encode()).hexdigest()[:12],
                "name": f"{queue['name']} team",
                "agent_ids": [member["id"] for member in members],
            }
            for queue, members in zip(self.queues, self.queue_members, strict=True)
        ]

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
        hours = max(1, (end_ms - start_ms) // HOUR)
        weights = []
        for h in range(hours):
            moment = start + dt.timedelta(hours=h)
            weights.append(
                WEEKDAY[moment.weekday()] * HOUR_OF_DAY[moment.hour] * (1 + 0.15 * h / hours)
            )
        cum = list(accumulate(weights))
        slots = sorted(bisect_right(cum, rng.random() * cum[-1]) for _ in range(n))
        created = sorted(
            min(end_ms - 1, start_ms + min(s, hours - 1) * HOUR + rng.randrange(HOUR))
            for s in slots
        )
        n_end_users = len(self.users) - self.first_end_user
        channel_cum = list(accumulate(c[1] for c in CHANNELS))
        queue_cum = list(accumulate(self.queue_share))
        self.end_ms = end_ms
        for i, created_ms in enumerate(created):
            csid = 100_001 + i
            showcase = SHOWCASE[i] if i < len(SHOWCASE) and n >= 2 * len(SHOWCASE) else None
            flags = set(showcase[1]) if showcase else set()
            outbound = (showcase is not None and showcase[0] == "outbound") or (
                showcase is None and rng.random() < self.rates.outbound
            )
            if showcase and showcase[0] not in (None, "outbound"):
                channel = next(c for c in CHANNELS if c[0] == showcase[0])
            else:
                channel = CHANNELS[bisect_right(channel_cum, rng.random() * channel_cum[-1])]
            queue_index = bisect_right(queue_cum, rng.random() * queue_cum[-1])
            requester = self.authors[self.first_end_user + int(n_end_users * rng.random() ** 2)]
            fraction = (created_ms - start_ms) / (end_ms - start_ms)
            sim = Life(self, csid, created_ms, channel, queue_index, requester, outbound, flags)
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

    def _finish(self, sim: Life) -> None:
        """Keep the events before ``as_of``, give them ids, and replay them into a record."""
        new_id, csid = self.new_id, sim.csid
        kept = [e for e in sim.timeline if e[0] < self.end_ms]
        channel = sim.channel_name
        messages: list[Record] = []
        notes: list[Record] = []
        state = Replay(
            {
                "id": csid,
                "created_at_ms": sim.created_ms,
                "channel": channel,
                "direction": "outbound" if sim.outbound else "inbound",
                "requester_id": sim.requester["id"],
                "subject": sim.subject,
                "initial_queue_id": (
                    self.queues[sim.initial_queue_index]["id"]
                    if sim.initial_queue_index is not None
                    else None
                ),
                "endpoint": sim.endpoint,
            }
        )
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
