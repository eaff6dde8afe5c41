"""Holding a sync's activity logs to their conversations' export records.

Each partition's logs are checked as a fetch checks them
(:func:`~dixa_analytics.fetch.incomplete_logs`: at least one event, a closed conversation's
log reaches its close, an update is not later than the last event). A log that looks cut
short is read again past the HTTP cache, from the Integrations API's bulk log or from the days
of the organisation-wide log its conversation lived through. If it is still short, its
answers are removed from the cache and the sync fails with a
:class:`~dixa_analytics.PartialFetchError` naming every such conversation: nothing is written,
and the next sync finds the rest in the cache and asks again for those.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

import pandas as pd

from dixa_analytics._errors import PartialFetchError, SchemaError, listing
from dixa_analytics.client import DixaClient
from dixa_analytics.events import record_csids
from dixa_analytics.fetch import TOLERANCE, bulk_log, framed_events, incomplete_logs, read_windows

__all__ = ["LogCheck"]

Record = dict[str, Any]
Window = tuple[pd.Timestamp, pd.Timestamp]
Assemble = Callable[[Sequence[pd.DataFrame], pd.DataFrame], pd.DataFrame]


class LogCheck:
    """Check each partition's logs, read the short ones again, and remember those still short.

    Parameters
    ----------
    client : DixaClient
        The sync's client.
    source : {"integrations", "dixa-api"}
        Where the sync reads the activity log.
    as_of : Timestamp
        When the sync began: its logs end there, so what a record says of a later moment
        cannot be held against them.
    windows : sequence of (Timestamp, Timestamp)
        The organisation-wide log's windows the sync reads (``source="dixa-api"``), so that
        a log read again replaces the same cached answers.
    """

    def __init__(
        self, client: DixaClient, source: str, as_of: pd.Timestamp, windows: Sequence[Window] = ()
    ):
        self.client, self.source, self.as_of = client, source, as_of
        self.windows = list(windows)
        self.short: dict[int, str] = {}

    def checked(
        self,
        pieces: Sequence[pd.DataFrame],
        conversations: pd.DataFrame,
        assemble: Assemble,
        *,
        only: pd.Series | None = None,
    ) -> pd.DataFrame:
        """The partition's events from ``assemble(pieces, conversations)``, with any log that
        looks short read again (only the conversations ``only`` names are checked)."""
        part = assemble(pieces, conversations)
        held = (
            conversations
            if only is None
            else conversations[conversations["conversation_id"].isin(only)]
        )
        records = self._records(held)
        short = incomplete_logs(part, records)
        if not short:
            return part
        again = [r for r in records if r["id"] in short]
        with self.client.recording() as answers:
            more = framed_events(self.client, partial(self._read, again))
        ids = list(short)
        kept = [piece[~piece["conversation_id"].isin(ids)] for piece in pieces]
        part = assemble([*kept, more[more["conversation_id"].isin(ids)]], conversations)
        still = incomplete_logs(part, again)
        if still:
            self.client.forget(answers)  # short again: never to be read from the cache
            self.short.update(still)
        return part

    def raise_if_short(self, total: int) -> None:
        """Raise :class:`PartialFetchError` naming the conversations whose log stayed short."""
        if not self.short:
            return
        errors = {
            csid: SchemaError(f"the activity log of conversation {csid} is incomplete: {why}")
            for csid, why in sorted(self.short.items())
        }
        first = next(iter(errors.values()))
        raise PartialFetchError(
            f"the activity log of {len(errors)} of {total} conversations looks incomplete even "
            f"when asked again past the cache (csids {listing(sorted(errors), 10)}; e.g. "
            f"{first}). Nothing was written; the rest is in the HTTP cache, so the next sync "
            "resumes and asks again for these",
            missing=errors,
            errors=errors,
        )

    def _records(self, conversations: pd.DataFrame) -> list[Record]:
        """Export records (as the check reads them) of ``conversations``, each with the span
        of its life the log must cover (``life``). A conversation updated after ``as_of`` is
        only held to having events, since the sync's log ends there."""
        late = (conversations["updated_at"] > self.as_of - TOLERANCE).fillna(False).to_numpy()
        records = []
        for csid, status, created, closed, updated, is_late in zip(
            conversations["conversation_id"].tolist(),
            conversations["status"].tolist(),
            conversations["created_at"],
            conversations["closed_at"],
            conversations["updated_at"],
            late,
            strict=True,
        ):
            record: Record = {"id": csid}
            last = self.as_of
            if not is_late:
                record |= {"status": status, "closed_at": closed, "updated_at": updated}
                moments = [m for m in (created, closed, updated) if not pd.isna(m)]
                last = min(self.as_of, max(moments) + TOLERANCE) if moments else self.as_of
            record["life"] = (created if not pd.isna(created) else None, last)
            records.append(record)
        return records

    def _read(self, records: Sequence[Record]) -> list[Record]:
        if self.source == "integrations":
            return bulk_log(self.client, list(records), refresh=True)
        return self._organisation_log(records)

    def _organisation_log(self, records: Sequence[Record]) -> list[Record]:
        """The events of ``records``' conversations from the windows of the organisation-wide
        log their lives span, read a few windows at a time so memory holds a few days."""
        wanted = {r["id"] for r in records}
        lives = [r["life"] for r in records]
        windows = [
            (lo, hi)
            for lo, hi in self.windows
            if any((born is None or born < hi) and lo <= last for born, last in lives)
        ]
        found: list[Record] = []
        step = max(1, self.client.max_workers)
        for at in range(0, len(windows), step):
            read = read_windows(self.client, windows[at : at + step], refresh=True)
            found.extend(r for r in read if record_csids([r]) & wanted)
        return found
