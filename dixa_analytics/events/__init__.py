"""The activity log: one home for reading it, ordering it and holding it to its contract.

:mod:`._vocabulary` states what the records say (key spellings, activity types and their kinds,
which transfers name an agent); :mod:`._reader` reads records in the shape the API sends into
columns; :mod:`._order` drops repeated events and sorts (events at the same time in lifecycle
order); :mod:`._agents` names the agent each event is about; :mod:`._frame` builds the events
frame from these, and :mod:`._split` explodes it by type. :mod:`._contract` checks the frame's
promises where frames come in, so the metrics trust it instead of redoing its work.
"""

from dixa_analytics.events._contract import OrderedEvents, conform_events, ordered_events
from dixa_analytics.events._frame import events_frame, with_joins
from dixa_analytics.events._order import LIFECYCLE, lifecycle_rank
from dixa_analytics.events._reader import record_csids
from dixa_analytics.events._schema import (
    AS_OF,
    EVENT_ATTRIBUTES,
    EVENTS,
    EVENTS_SOURCE,
    WINDOW,
)
from dixa_analytics.events._split import CORE_EVENT_COLUMNS, split_by_type
from dixa_analytics.events._vocabulary import (
    AGENT_DESTINATION_TYPES,
    TAG_KEYS,
    TIMESTAMP_KEYS,
    TRANSFER_TYPES,
    TYPE_COLUMNS,
    Kind,
    activity_type_name,
    is_agent_destination,
    kind_of,
)

__all__ = [
    "AGENT_DESTINATION_TYPES",
    "AS_OF",
    "CORE_EVENT_COLUMNS",
    "EVENTS",
    "EVENTS_SOURCE",
    "EVENT_ATTRIBUTES",
    "LIFECYCLE",
    "TAG_KEYS",
    "TIMESTAMP_KEYS",
    "TRANSFER_TYPES",
    "TYPE_COLUMNS",
    "WINDOW",
    "Kind",
    "OrderedEvents",
    "activity_type_name",
    "conform_events",
    "events_frame",
    "is_agent_destination",
    "kind_of",
    "lifecycle_rank",
    "ordered_events",
    "record_csids",
    "split_by_type",
    "with_joins",
]
