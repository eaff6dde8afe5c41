"""The common-shape readers of the activity log, against the record-by-record reader.

``events_frame`` reads records in the shape the API sends with arrow (``common_core``) and
one Python pass over the attributes (``common_attributes``), and every other record with the
record-by-record reader (``activity_columns``). The two must give the same frame, or the same
error, for every input; and the records the API (here, the sandbox) sends must take the fast
path.
"""

from __future__ import annotations

import copy
import json
from collections import OrderedDict, UserDict

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dixa_analytics import SchemaError
from dixa_analytics import _normalise as norm
from dixa_analytics._frames import events_frame
from dixa_analytics.sandbox import Switches, generate_organisation
from dixa_analytics.sandbox._wire import render_event


@pytest.fixture
def record_by_record(monkeypatch):
    """``record_by_record(records)``: ``events_frame`` with the common-shape reader off."""

    def build(records, **kwargs):
        with monkeypatch.context() as patch:
            patch.setattr(norm, "common_core", lambda records: None)
            return events_frame(records, **kwargs)

    return build


def _outcome(build, records):
    """The frame ``build`` makes of ``records``, or the type and text of its error."""
    try:
        return build(copy.deepcopy(records))
    except (TypeError, SchemaError) as error:
        return type(error), str(error)


def _assert_same_either_way(records, record_by_record):
    fast, slow = _outcome(events_frame, records), _outcome(record_by_record, records)
    if isinstance(slow, pd.DataFrame):
        assert isinstance(fast, pd.DataFrame), fast
        pd.testing.assert_frame_equal(fast, slow)
    else:
        assert fast == slow


def _takes_the_common_path(records) -> bool:
    return norm.common_core(records) is not None and norm.common_attributes(records) is not None


# --- what the API sends takes the common path --------------------------------------------

_VARIANTS = [
    Switches(),
    Switches(timestamp_field="mixed", timestamp_form="mixed", tag_key="mixed"),
    Switches(timestamp_field="both", timestamp_form="colon_ms", missing_attributes="mixed"),
    Switches(null_authors=0.3, null_attributes=0.2, missing_attributes="absent"),
    Switches(activity_types="old", timestamp_form="offset", missing_attributes="empty"),
]


@pytest.fixture(scope="module")
def organisation():
    return generate_organisation(seed=11, conversations=80)


@pytest.mark.parametrize("switches", _VARIANTS, ids=range(len(_VARIANTS)))
def test_sandbox_records_take_the_common_path_and_agree(organisation, switches, record_by_record):
    records = json.loads(json.dumps([render_event(e, switches) for e in organisation.events]))
    records = records[::-1] + records[:25]  # out of order, with repeats
    assert _takes_the_common_path(records)
    fast = events_frame(records)
    pd.testing.assert_frame_equal(fast, record_by_record(records))
    assert len(fast) == len(organisation.events)


def test_reference_examples_take_the_common_path(examples, record_by_record):
    doc = examples["GET /v1/conversations/activitylog"]["response_200_doc_shape"]["data"]
    realistic = examples["GET /v1/conversations/{csid}/activitylog"]["response_realistic_inferred"][
        "data"
    ]
    records = doc + realistic
    assert _takes_the_common_path(records)
    pd.testing.assert_frame_equal(events_frame(records), record_by_record(records))


# --- every other shape is read record by record, with the same result -----------------------

_STAMP = "2021-01-01T00:00:00Z"


def _record(**changes):
    record = {
        "id": "e1",
        "conversation_id": 7,
        "activity_timestamp": _STAMP,
        "activity_type": "tag_added",
        "author": {"id": "a1", "name": "Alex", "email": "a@x.io"},
        "attributes": {"tag_name": "vip"},
    }
    record.update(changes)
    return record


_OTHER_SHAPES = {
    "whole float csid": _record(conversation_id=7.0),
    "fractional csid": _record(conversation_id=7.5),
    "bool csid": _record(conversation_id=True),
    "text csid": _record(conversation_id="7"),
    "csid beyond int64": _record(conversation_id=2**70),
    "missing csid": {k: v for k, v in _record().items() if k != "conversation_id"},
    "missing id": {k: v for k, v in _record().items() if k != "id"},
    "number id": _record(id=5),
    "bytes activity type": _record(activity_type=b"tag_added"),
    "number activity type": _record(activity_type=7),
    "tuple author": _record(author=("a1", "Alex", "a@x.io")),
    "empty text author": _record(author=""),
    "author with a number": _record(author={"id": 42}),
    "author dict subclass": _record(author=OrderedDict(id="a1")),
    "epoch timestamp": _record(activity_timestamp=1609459200000),
    "both spellings, first empty": _record(activity_timestamp="", activity_timestmap=_STAMP),
    "unreadable timestamp": _record(activity_timestamp="yesterday"),
    "list attributes": _record(attributes=["tag"]),
    "attributes dict subclass": _record(attributes=OrderedDict(tag_name="vip")),
    "number in a text attribute": _record(attributes={"tag_name": 7, "score": "5"}),
    "NaN in a text attribute": _record(attributes={"tag_name": float("nan")}),
    "empty timestamp": _record(activity_timestamp=""),
    "null misspelt timestamp": {
        **{k: v for k, v in _record().items() if k != "activity_timestamp"},
        "activity_timestmap": None,
    },
    "bytes id, unreadable timestamp": _record(id=b"e1", activity_timestamp="yesterday"),
    "unreadable bytes timestamp": _record(activity_timestamp=b"yesterday"),
    "numpy integer csid": _record(conversation_id=np.int64(7)),
    "numpy unsigned csid": _record(conversation_id=np.uint64(7)),
    "numpy whole float csid": _record(conversation_id=np.float32(7.0)),
    "numpy fractional csid": _record(conversation_id=np.float64(7.5)),
    "numpy bool csid": _record(conversation_id=np.bool_(True)),
    "numpy csid beyond int64": _record(conversation_id=np.uint64(2**63)),
}


@pytest.mark.parametrize("record", _OTHER_SHAPES.values(), ids=_OTHER_SHAPES.keys())
def test_other_shapes_give_what_the_record_reader_gives(record, record_by_record):
    records = [_record(id="e0"), record]
    _assert_same_either_way(records, record_by_record)


def _bytes_keys(mapping):
    return {key.encode(): value for key, value in mapping.items()}


_OTHER_STREAMS = {
    "Mapping record": [UserDict(_record())],
    "Mapping record after a dict": [_record(id="e0"), UserDict(_record())],
    "Mapping author after a null": [
        _record(author=None),
        _record(id="e2", author=UserDict(id="a")),
    ],
    "Mapping author after a dict": [_record(), _record(id="e2", author=UserDict(id="a"))],
    "bytes-keyed author first": [
        _record(author={b"id": "a1"}),
        _record(id="e2", author={"id": "a2"}),
    ],
    "author with a bytes id and a text name": [_record(author={b"id": "a1", "name": "Alex"})],
    "bytes-keyed author after an empty one": [
        _record(author={}),
        _record(id="e2", author={b"id": "a2"}),
    ],
    "bytes-keyed record": [{**_bytes_keys(_record()), "activity_type": "tag_added"}],
    "bytes-keyed record after a text-keyed one": [
        _record(id="e0"),
        {**_bytes_keys(_record()), "activity_type": "tag_added"},
    ],
}


@pytest.mark.parametrize("records", _OTHER_STREAMS.values(), ids=_OTHER_STREAMS.keys())
def test_other_streams_give_what_the_record_reader_gives(records, record_by_record):
    _assert_same_either_way(records, record_by_record)


@pytest.mark.parametrize("csid", [np.int64(7), np.int32(7), np.uint64(7), np.float32(7.0)])
def test_numpy_csids_are_read_as_integers(csid):
    events = events_frame([_record(conversation_id=csid)])
    assert events["conversation_id"].tolist() == [7]


def test_bytes_that_arrow_reads_as_text_leave_the_common_path():
    records = [_OTHER_SHAPES["bytes activity type"]]
    assert norm.common_core(records) is not None  # arrow reads it, but not as it should
    assert norm.common_attributes(records) is None


@pytest.mark.parametrize(
    ("csid", "common"), [(7, 7), (7.0, 7), (7.5, None), (2**53 + 1, None), (-(2**40), -(2**40))]
)
def test_csids_arrow_would_truncate_or_round_leave_the_common_path(csid, common, record_by_record):
    records = [_record(conversation_id=csid)]
    core = norm.common_core(records)
    if common is None:
        assert core is None
    else:
        assert core["conversation_id"].to_pylist() == [common]
    _assert_same_either_way(records, record_by_record)


_TUPLE = ("a1", "Alex", "a@x.io")


@pytest.mark.parametrize(
    "authors",
    [[_TUPLE, _TUPLE], [None, _TUPLE, _TUPLE], [{"id": "a1"}, _TUPLE], [{"id": "a1"}, ""]],
    ids=["all tuples", "after a null", "after a dict", "empty text after a dict"],
)
def test_authors_that_are_not_dicts_leave_the_common_path(authors, record_by_record):
    # Arrow would read an author tuple by position; the reader must not let it.
    records = [_record(id=f"e{i}", author=author) for i, author in enumerate(authors)]
    assert norm.common_core(records) is None
    _assert_same_either_way(records, record_by_record)


@pytest.mark.parametrize("records", [[_record(), ("e2", 7)], [_record(), "oops"]])
def test_an_item_that_is_not_a_dict_is_named(records):
    with pytest.raises(TypeError, match="item 1"):
        events_frame(records)


# --- generated streams: both readers agree -------------------------------------------------

_text = st.text(max_size=4)
_values = st.one_of(
    st.none(),
    _text,
    st.integers(min_value=-5, max_value=5),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
    st.lists(_text, max_size=2),
    st.fixed_dictionaries({}, optional={"id": _text, "name": st.one_of(st.none(), _text)}),
)
_keys = st.sampled_from(
    [
        "tag_name",
        "tag",
        "tag_removed",
        "agent_id",
        "agent_name",
        "agent",
        "agent_names",
        "score",
        "language",
        "destination_type",
        "destination_id",
        "avatal_url",
        "queueId",
        "channel",
        "something_new",
    ]
)


@st.composite
def _streams(draw):
    records = []
    for index in range(draw(st.integers(min_value=1, max_value=12))):
        record = {
            "id": draw(st.sampled_from([f"e{index}", "e0"])),  # some ids repeat
            "conversation_id": draw(st.integers(min_value=1, max_value=3)),
            "activity_type": draw(
                st.sampled_from(["tag_added", "conversation_claimed", "transfer_successful", "x"])
            ),
        }
        stamp = f"2021-01-01T00:00:0{draw(st.integers(0, 5))}" + draw(
            st.sampled_from([".000Z", "Z", ":000Z", "+00:00", "+01:00"])
        )
        for key in draw(
            st.sampled_from(
                [["activity_timestamp"], ["activity_timestmap"], ["activity_timestmap", "x"]]
            )
        ):
            record["activity_timestamp" if key == "x" else key] = stamp
        if draw(st.booleans()):
            record["author"] = draw(
                st.one_of(
                    st.none(),
                    st.fixed_dictionaries(
                        {}, optional={"id": _text, "name": _text, "email": st.none()}
                    ),
                )
            )
        if draw(st.booleans()):
            record["attributes"] = draw(
                st.one_of(st.none(), st.dictionaries(_keys, _values, max_size=4))
            )
        records.append(record)
    return records


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(_streams())
def test_both_readers_agree_on_generated_streams(record_by_record, records):
    _assert_same_either_way(records, record_by_record)
