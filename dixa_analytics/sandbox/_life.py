"""One synthetic conversation's life cycle, simulated in full as a time-ordered timeline."""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from dixa_analytics.sandbox._content import (
    AGENT_TEXTS,
    CUSTOMER_TEXTS,
    EMAIL_LIKE,
    HOSTILE_SUBJECT,
    HOUR,
    LANGUAGES,
    MINUTE,
    NONE,
    NOTE_TEXTS,
    PHONE_LIKE,
    RATING_MESSAGES,
    REASONS,
    SUBJECTS,
    TEMPLATES,
)
from dixa_analytics.sandbox._organisation import Record
from dixa_analytics.sandbox._wire import iso_ms

if TYPE_CHECKING:  # the builder runs lives; a life only reads the builder's state
    from dixa_analytics.sandbox._generator import Builder

__all__ = ["Life", "Timeline"]

Timeline = list[tuple[int, str, Record | None, Record | None, Any]]

OFFICE_ZONE = ZoneInfo("Europe/Copenhagen")
OFFICE_OPEN, OFFICE_CLOSE = 8, 17  # Monday to Friday, local time


def office_opening(ms: int) -> int:
    """``ms`` (epoch milliseconds) if the office is open then, else its next opening."""
    local = dt.datetime.fromtimestamp(ms / 1000, OFFICE_ZONE)
    if local.weekday() < 5 and OFFICE_OPEN <= local.hour < OFFICE_CLOSE:
        return ms
    day = local.date() + dt.timedelta(days=0 if local.hour < OFFICE_OPEN else 1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    opening = dt.datetime.combine(day, dt.time(OFFICE_OPEN), OFFICE_ZONE)
    return int(opening.timestamp() * 1000)


class Life:
    """Simulates one conversation's full life cycle as a time-ordered timeline."""

    def __init__(
        self,
        builder: Builder,
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
        if self.channel_name in EMAIL_LIKE:
            self.endpoint = builder.email_endpoints[queue_index % len(builder.email_endpoints)]
        elif self.channel_name in PHONE_LIKE:
            self.endpoint = builder.phone_endpoints[queue_index % len(builder.phone_endpoints)]
        subject = self.rng.choice(SUBJECTS).format(n=10_000 + csid % 90_000)
        if builder.hostile and csid % 10 == 3:
            subject = HOSTILE_SUBJECT
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
        text = rng.choice(AGENT_TEXTS if by_agent else CUSTOMER_TEXTS)
        direction = "outbound" if by_agent else "inbound"
        attributes: Record = {"text": text, "direction": direction}
        sender: str | None = None
        if channel in EMAIL_LIKE and self.endpoint is not None:
            company = self.endpoint["email_address"]["spf_email"]
            customer = self.requester["email"]
            sender = company if by_agent else customer
            attributes.update(
                from_email=sender,
                to_emails=[customer if by_agent else company],
                cc_email=NONE,
                inline_images=NONE,
                attachments=NONE,
            )
        elif channel in PHONE_LIKE and self.endpoint is not None:
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
            if self.channel_name in EMAIL_LIKE and self.want("autoreply", rates.autoreply):
                self.emit(rng.uniform(2, 8) * 1000, "conversation_autoreply_sent", None,
                          {"template_name": rng.choice(TEMPLATES)})  # fmt: skip
            self.early_extras()
            response = self.lognormal(fr_median, fr_sigma)
            response *= self.b.queue_speed[self.queue_index or 0]
            wait = response * rng.uniform(0.2, 0.6)
            # Drawn only when asked for, so the default organisation stays as it was.
            in_office = bool(rates.office_hours) and rng.random() < rates.office_hours
            # Nobody takes a conversation from the queue while the office is closed.
            closed = office_opening(self.t) - self.t if in_office else 0
            self.route(wait + closed)
            reply = max(3000.0, response - wait)
            if in_office and office_opening(int(self.t + reply)) != int(self.t + reply):
                # A reply that would come after closing time comes the next working morning.
                reply = office_opening(int(self.t + reply)) - self.t + reply % (40 * MINUTE)
            self.wait(reply)
            self.message(by_agent=True)
        if self.outbound:
            self.early_extras()
        self.handle(tags, rng.randint(ex_lo, ex_hi), reply_median)

    def early_extras(self) -> None:
        rng, rates = self.rng, self.rates
        if self.want("language", rates.language_update):
            self.language = rng.choice(LANGUAGES)
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
                          payload=rng.choice(NOTE_TEXTS))  # fmt: skip
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
                self.emit(rng.uniform(4, 48) * HOUR, "followup_expired", None)
            else:
                self.flags.discard("followup_removed")
                self.emit(rng.uniform(1, 24) * HOUR, "followup_removed", self.assignee)
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
                     "reason": rng.choice(REASONS)}  # fmt: skip
        else:
            agent = self.other_agent(self.b.agents)
            attrs = {"destination_id": agent["id"], "destination_type": "agent",
                     "destination_label": agent["name"], "transfer_type": "agent",
                     "reason": rng.choice(REASONS)}  # fmt: skip
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
            self.emit(rng.uniform(4, 72) * HOUR, "conversation_closed", None)
        else:
            wrap = (
                rng.uniform(60, 1800) if self.channel_name in EMAIL_LIKE else rng.uniform(20, 300)
            )
            self.emit(wrap * 1000, "conversation_closed", closer)
        closed_at = self.t
        reopen = self.want("reopen", rates.reopen)
        reopen_gap = (rng.uniform(5, 30) * MINUTE if "rating_cancelled" in self.flags
                      else rng.lognormvariate(math.log(20 * HOUR), 1.0))  # fmt: skip
        pending_rating = False
        if self.want("rating", rates.rating):
            scheduled_for = closed_at + HOUR
            agent = self.assignee or self.other_agent(self.b.agents)
            self.emit(1000, "conversation_rating_scheduled", None,
                      {"rating_scheduled_time": iso_ms(scheduled_for)})  # fmt: skip
            if "rating_cancelled" not in self.flags and self.want(
                "rating_unscheduled", rates.rating_unscheduled
            ):
                self.emit(rng.uniform(1, 20) * MINUTE, "conversation_rating_unscheduled", agent)
            elif reopen and closed_at + reopen_gap < scheduled_for:
                pending_rating = True
            else:
                self.t = max(self.t, scheduled_for - 1)
                self.emit(1, "conversation_rating_offered", None,
                          {"agent": agent, "user": self.requester})  # fmt: skip
                if self.want("rated", rates.rated):
                    score = rng.choices((1, 2, 3, 4, 5), (0.05, 0.07, 0.13, 0.3, 0.45))[0]
                    self.emit(rng.lognormvariate(math.log(40 * MINUTE), 1.0),
                              "conversation_rated", self.requester,
                              {"agent": agent, "score": score,
                               "message": rng.choice(RATING_MESSAGES)})  # fmt: skip
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
            reopen_gap = rng.lognormvariate(math.log(20 * HOUR), 1.0)
