"""Any metric over events held in parts, each part holding whole conversations.

A snapshot's partitions, or a Dask frame's, hold every event of a conversation in one part.
Durations are rows per conversation, so the parts' results are put together; a rate or a
trend is computed from one row of facts per conversation (:attr:`Metric.facts`), so the
parts' facts are put together and counted once. Either way the result is exactly the one the
metric gives over all the events in memory, while memory holds one part at a time.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from typing import Any

import pandas as pd

from dixa_analytics.events import AS_OF, EVENTS
from dixa_analytics.frames import empty
from dixa_analytics.metrics._catalogue import Metric, metric_named

__all__ = ["over_partitions"]


def _steps(metric: Metric, options: dict[str, Any]) -> tuple[Any, Any]:
    """The per-part step and the step that finishes on the parts' results put together."""
    if metric.facts is None or metric.from_facts is None:
        return (lambda events: metric.compute(events, **options)), _in_conversation_order
    return (lambda events: metric.facts(events, **options)), (
        lambda facts: metric.from_facts(facts, **options)
    )


def _in_conversation_order(result: pd.DataFrame) -> pd.DataFrame:
    # Each conversation's rows come from one part, in the order the metric gives them.
    return result.sort_values("conversation_id", kind="stable", ignore_index=True)


def over_partitions(metric: str | Metric, partitions: Any, **options: Any) -> pd.DataFrame:
    """A metric over events held in parts that each hold whole conversations.

    Parameters
    ----------
    metric : str or Metric
        The metric, by function or command name (``"handling_time"``, ``"reopen-rate"``)
        or its catalogue entry.
    partitions : iterable of DataFrame, or a Dask DataFrame
        Events frames (read one at a time), or a ``dask.dataframe`` whose partitions are
        events frames, each holding every event of its conversations: a snapshot's
        partitions (:meth:`Snapshot.partitions`, :meth:`Snapshot.to_dask`). On Dask, the
        parts are computed on the cluster and only their results come back.
    **options
        The metric's options (``per=``, ``freq=``, ``by=``, ``top=``…). For a metric that
        measures at ``as_of``, every part is measured at the same moment: ``as_of=`` if
        given, else the first part's own (a snapshot's sync time). Rates and trends count
        events at no particular moment: ``as_of=`` is accepted for them and not used, so one
        call fits every metric.

    Returns
    -------
    DataFrame
        What the metric gives over all the events at once, row for row.

    Raises
    ------
    ValueError
        If the metric measures at ``as_of``, none is given and the first part carries none
        (each part would otherwise be measured at its own latest event).

    Examples
    --------
    >>> import pandas as pd
    >>> from dixa_analytics.events import conform_events
    >>> events = conform_events(pd.DataFrame({
    ...     "conversation_id": [1, 1, 2, 2],
    ...     "timestamp": pd.to_datetime(["2026-03-02 09:00", "2026-03-02 10:00",
    ...                                  "2026-03-03 09:00", "2026-03-03 09:30"], utc=True),
    ...     "activity_type": ["conversation_created_by_customer", "conversation_closed"] * 2,
    ... }))
    >>> parts = [events[events["conversation_id"] == c] for c in (1, 2)]
    >>> over_partitions("reopen_rate", parts).equals(
    ...     __import__("dixa_analytics").reopen_rate(events))
    True
    """
    metric = metric if isinstance(metric, Metric) else metric_named(metric)
    options = dict(options)
    measured = "as_of" in inspect.signature(metric.compute).parameters
    if not measured:
        options.pop("as_of", None)  # a rate or a trend counts events, at no moment
    is_dask = hasattr(partitions, "map_partitions")
    parts: Iterable[pd.DataFrame] = iter(()) if is_dask else iter(partitions)
    first: pd.DataFrame | None = None
    if measured and options.get("as_of") is None:
        if is_dask:
            raise ValueError(
                f"{metric.name} measures at as_of: pass as_of= (e.g. the snapshot's as_of) so "
                "that every partition is measured at the same moment"
            )
        first = next(parts, None)
        as_of = None if first is None else first.attrs.get(AS_OF)
        if first is not None and as_of is None:
            raise ValueError(
                f"{metric.name} measures at as_of: pass as_of= (or parts that carry theirs, as "
                "a snapshot's do) so that every part is measured at the same moment"
            )
        options["as_of"] = as_of
    step, finish = _steps(metric, options)
    if is_dask:
        meta = step(partitions._meta)
        results = partitions.map_partitions(step, meta=meta).compute()
        return finish(results.reset_index(drop=True))
    # One part in memory at a time: only its result is kept, and a part is let go before the
    # next is read (a comprehension would hold the last part while reading the next).
    results = [] if first is None else [step(first)]
    del first
    for part in parts:
        results.append(step(part))
        del part
    if not results:
        results = [step(empty(EVENTS))]
    return finish(pd.concat(results, ignore_index=True))
