"""Switches: how the sandbox renders its data and which faults it injects.

Every switch is off (well-behaved) by default. A :class:`Switches` object is read afresh on
each request, so a test may replace ``sandbox.switches`` while the server runs.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

__all__ = ["Switches"]

_CHOICES: dict[str, tuple[str, ...]] = {
    "timestamp_field": ("activity_timestmap", "activity_timestamp", "both", "mixed"),
    "timestamp_form": ("iso_ms", "iso_seconds", "colon_ms", "offset", "mixed"),
    "tag_key": ("tag_name", "tag_added", "tag", "mixed"),
    "missing_attributes": ("null", "absent", "empty", "mixed"),
    "activity_types": ("all", "documented", "old"),
    "api_activity_types": ("camel", "snake", "mixed"),
    "down": ("none", "activitylog", "all"),
}

_EVERY_FIELDS = ("error_every", "slow_every", "drop_every", "truncate_every")


@dataclass
class Switches:
    """Variants of the wire format and injected faults, all off by default.

    Wire-format variants (the reference lists each as seen in the docs or in real data):

    Attributes
    ----------
    timestamp_field : str
        Name of an activity-log record's timestamp: ``"activity_timestmap"`` (documented, sic;
        default), ``"activity_timestamp"`` (seen in real data), ``"both"`` (both keys, same
        value) or ``"mixed"`` (one or the other, chosen per record).
    timestamp_form : str
        How every Integrations API timestamp is written: ``"iso_ms"``
        (``2026-01-05T08:00:00.123Z``, default), ``"iso_seconds"`` (``2026-01-05T08:00:00Z``),
        ``"colon_ms"`` (``2026-01-05T08:00:00:123Z``, the docs' example form), ``"offset"``
        (``2026-01-05T08:00:00.123+00:00``) or ``"mixed"`` (chosen per record).
    tag_key : str
        Key of the tag in ``tag_added``/``tag_removed`` attributes: ``"tag_name"`` (default),
        ``"tag_added"``, ``"tag"`` or ``"mixed"`` (chosen per record).
    null_authors : float
        Share of activity-log records (chosen per record id) served with ``"author": null``.
    missing_attributes : str
        How records without attributes are served: ``"null"`` (``"attributes": null``,
        default), ``"absent"`` (no key), ``"empty"`` (``{}``) or ``"mixed"``.
    null_attributes : float
        Share of records *with* attributes served with ``"attributes": null`` anyway.
    activity_types : str
        Which events are served: ``"all"`` (default, including types outside the documented
        enums such as ``conversation_reserved``), ``"documented"`` (the 29-value enum) or
        ``"old"`` (the 10-value enum of the older docs).
    out_of_order : bool
        Shuffle activity-log records within each response (deterministically).
    duplicate_events : bool
        Repeat the last record of each activity-log page at the start of the next page, and
        repeat one record in every single-conversation activity log.
    page_size : int
        Items per page when a request gives no ``limit`` (the bulk activity log, whose
        ``limit`` the reference does not document, honours one too) or no ``pageLimit``.
    zone_suffix : float
        Share of timestamps (chosen per record id, in both APIs) written with the zone's name
        after the offset, ``2026-01-05T08:00:00.123Z[GMT]``, as seen in real data.
    lone_surrogates : float
        Share of ``tag_added``/``tag_removed`` events (chosen per record id, Integrations API)
        whose tag name ends with half an emoji: a lone surrogate, ``"\\ud83d"``, which is
        valid JSON but no valid text.

    The Dixa API (its own port, its own token):

    api_activity_types : str
        How the organisation-wide log spells activity types: ``"camel"``
        (``ConversationClosed``, default), ``"snake"`` (``conversation_closed``, the legacy
        names) or ``"mixed"`` (chosen per record).
    max_window_days : int
        Longest ``fromDatetime``..``toDatetime`` span the organisation-wide log accepts;
        longer is a 400.
    max_page_limit : int
        Largest ``pageLimit`` accepted (10,000 by default; more is a 400).

    Rate limits (token buckets per API key, only when ``rate_limit`` is true):

    rate_limit : bool
        Answer 429 with ``Retry-After`` (whole seconds) when a bucket is empty.
    integrations_per_second, integrations_burst : float, int
        Refill rate and size of the Integrations API bucket (documented: 10/s, burst 4).
    exports_per_minute, exports_burst : float, int
        Refill rate (per minute) and size of the Exports API bucket (documented: 10/min).
    api_per_second, api_burst : float, int
        Refill rate and size of the Dixa API bucket (documented: 10/s, burst 4).

    Faults, by a counter of the requests that passed authentication and rate limiting (reset
    when the switches are replaced), so they are deterministic and a retry eventually succeeds:

    error_every, error_burst, error_status : int
        Every ``error_every`` requests, a burst of ``error_burst`` consecutive requests
        (numbers ``error_every`` to ``error_every + error_burst - 1``, and so on) answer
        ``error_status`` (a 5xx). ``error_burst`` must be smaller than ``error_every``.
    slow_every, slow_seconds : int, float
        Every ``slow_every``-th request waits ``slow_seconds`` before answering.
    drop_every : int
        Every ``drop_every``-th request is closed without any response.
    truncate_every : int
        Every ``truncate_every``-th request answers 200 with the JSON body cut in half (the
        ``Content-Length`` matches the cut body).

    ``0`` turns an ``*_every`` fault off; request numbers start at 1.

    Faults that last (a retry meets them again):

    empty_logs : float
        Share of conversations (chosen per csid) whose events the Integrations API's bulk
        activity log leaves out of its 200 answers, as if they had none.
    end_paging_after : int
        The bulk activity log says its page number ``end_paging_after`` is the last
        (``next_page`` null), whatever follows: a log cut short by paging that ends early.
        ``0`` (default) is off.
    down : str
        ``"none"`` (default); ``"activitylog"``: every activity-log request (both APIs)
        answers ``error_status``; ``"all"``: every request does. A persistent outage.

    Examples
    --------
    >>> Switches(timestamp_field="both", tag_key="tag").tag_key
    'tag'
    >>> Switches(error_every=3, error_burst=3)
    Traceback (most recent call last):
    ...
    ValueError: error_burst (3) must be smaller than error_every (3) so that a retry can succeed
    """

    timestamp_field: str = "activity_timestmap"
    timestamp_form: str = "iso_ms"
    tag_key: str = "tag_name"
    null_authors: float = 0.0
    missing_attributes: str = "null"
    null_attributes: float = 0.0
    activity_types: str = "all"
    out_of_order: bool = False
    duplicate_events: bool = False
    page_size: int = 100
    zone_suffix: float = 0.0
    lone_surrogates: float = 0.0
    api_activity_types: str = "camel"
    max_window_days: int = 31
    max_page_limit: int = 10_000
    rate_limit: bool = False
    integrations_per_second: float = 10.0
    integrations_burst: int = 4
    exports_per_minute: float = 10.0
    exports_burst: int = 10
    api_per_second: float = 10.0
    api_burst: int = 4
    error_every: int = 0
    error_burst: int = 1
    error_status: int = 503
    slow_every: int = 0
    slow_seconds: float = 0.5
    drop_every: int = 0
    truncate_every: int = 0
    empty_logs: float = 0.0
    end_paging_after: int = 0
    down: str = "none"

    def __post_init__(self) -> None:
        for name, allowed in _CHOICES.items():
            value = getattr(self, name)
            if value not in allowed:
                raise ValueError(f"{name}={value!r} is not allowed; pass one of {list(allowed)}")
        for name in (
            "null_authors",
            "null_attributes",
            "zone_suffix",
            "lone_surrogates",
            "empty_logs",
        ):
            share = getattr(self, name)
            if not 0.0 <= share <= 1.0:
                raise ValueError(f"{name} must be a share between 0 and 1, not {share!r}")
        for name in (*_EVERY_FIELDS, "error_burst", "end_paging_after"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be 0 (off) or a positive request count")
        if self.error_every and self.error_burst >= self.error_every:
            raise ValueError(
                f"error_burst ({self.error_burst}) must be smaller than error_every "
                f"({self.error_every}) so that a retry can succeed"
            )
        if not 500 <= self.error_status <= 599:
            raise ValueError(f"error_status must be a 5xx status, not {self.error_status}")
        if not 1 <= self.page_size <= 200:
            raise ValueError(f"page_size must be between 1 and 200, not {self.page_size}")
        if not 1 <= self.max_page_limit <= 100_000:
            raise ValueError(
                f"max_page_limit must be between 1 and 100000, not {self.max_page_limit}"
            )
        for name in (
            "integrations_per_second",
            "exports_per_minute",
            "api_per_second",
            "slow_seconds",
        ):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be positive, not {getattr(self, name)!r}")
        for name in ("integrations_burst", "exports_burst", "api_burst", "max_window_days"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, not {getattr(self, name)!r}")

    @classmethod
    def from_spec(cls, spec: str) -> Switches:
        """Switches from text such as ``"error_every=5, tag_key=mixed, rate_limit=true"``.

        Each value is read as its field's type (number, ``true``/``false``, or a word).

        Raises
        ------
        ValueError
            If a part is not ``name=value``, names no switch, or holds a bad value.

        Examples
        --------
        >>> Switches.from_spec("error_every=5, duplicate_events=true").error_every
        5
        """
        known = {f.name: f for f in dataclasses.fields(cls)}
        values: dict[str, object] = {}
        for part in filter(None, (p.strip() for p in spec.split(","))):
            name, sep, text = (x.strip() for x in part.partition("="))
            if not sep or name not in known:
                raise ValueError(
                    f"{part!r} is not name=value of a switch; switches: {', '.join(known)}"
                )
            kind = str(known[name].type)
            try:
                if kind == "bool":
                    if text.lower() not in ("true", "false", "1", "0", "yes", "no"):
                        raise ValueError(text)
                    values[name] = text.lower() in ("true", "1", "yes")
                elif kind in ("int", "float"):
                    values[name] = int(text) if kind == "int" else float(text)
                else:
                    values[name] = text
            except ValueError:
                raise ValueError(f"{name}={text!r} is not a {kind}") from None
        return cls(**values)

    def replace(self, **changes: object) -> Switches:
        """Return a copy with ``changes`` applied (validated like the constructor).

        Examples
        --------
        >>> Switches().replace(out_of_order=True).out_of_order
        True
        """
        return dataclasses.replace(self, **changes)
