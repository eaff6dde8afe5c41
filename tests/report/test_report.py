"""The HTML report: self-contained, escaped, deterministic, complete, and sane with no data."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pandas as pd
import pytest

from dixa_analytics._format import format_percent
from dixa_analytics.events import EVENTS
from dixa_analytics.frames import CONVERSATIONS, conform, empty
from dixa_analytics.metrics import CATALOGUE, DEFINITIONS
from dixa_analytics.report import build_report, summarize_report, write_report
from dixa_analytics.report._compute import RISING_TAGS_DEFINITION
from dixa_analytics.report._html import escape

N_FIGURES = 16  # two survival curves (first response, resolution), CSAT (two) and backlog


class Page(HTMLParser):
    """Collects tags, attributes and visible text (script contents kept apart)."""

    def __init__(self, document: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False
        self.feed(document)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        (self.scripts if self._in_script else self.text).append(data)

    def count(self, tag: str, cls: str | None = None) -> int:
        return sum(
            1
            for t, attrs in self.tags
            if t == tag and (cls is None or cls in (attrs.get("class") or "").split())
        )

    @property
    def visible(self) -> str:
        return " ".join(self.text)


@pytest.fixture(scope="module")
def payload_page(events_of, as_of) -> str:
    return build_report(events_of(payloads=True), as_of=as_of, title="<b>Q1</b> & more")


def test_payloads_only_appear_escaped(payload_page, payloads):
    page = Page(payload_page)
    # One script for plotly.js and one per figure: no other <script> element anywhere.
    assert page.count("script") == 1 + N_FIGURES
    assert payload_page.lower().count("<script") == 1 + N_FIGURES
    for payload in payloads.values():
        assert payload not in payload_page
    # The names are shown (as text) where the data puts them.
    assert payloads["queue"] in page.visible
    assert payloads["agent"] in page.visible
    assert payloads["tag"] in page.visible
    assert payloads["subject"] in page.visible
    assert not any(t == "img" for t, _ in page.tags)  # the subject payload made no element
    assert "<title>&lt;b&gt;Q1&lt;/b&gt; &amp; more</title>" in payload_page


def test_figure_json_cannot_close_its_script(payload_page):
    page = Page(payload_page)
    figure_scripts = page.scripts[1:]
    assert len(figure_scripts) == N_FIGURES
    for script in figure_scripts:
        assert "<" not in script
        assert ">" not in script
    # The tag is still in the figure data: HTML-escaped for plotly's text, then \u-escaped.
    assert any("\\u0026lt;script\\u0026gt;alert('tag')" in s for s in figure_scripts)


def test_no_external_urls(payload_page):
    page = Page(payload_page)
    for tag, attrs in page.tags:
        for name in ("src", "href", "action", "srcset"):
            value = attrs.get(name)
            assert value is None or value.startswith("#"), (tag, name, value)
    # Outside the inlined plotly.js library, no URL at all.
    rest = payload_page.replace(page.scripts[0], "")
    assert not re.search(r"https?://", rest)


def test_every_figure_is_present(payload_page):
    page = Page(payload_page)
    assert page.count("div", "plotly-graph-div") == N_FIGURES
    ids = [a["id"] for t, a in page.tags if t == "div" and "plotly-graph-div" in a.get("class", "")]
    assert ids == [f"figure-{i}" for i in range(1, N_FIGURES + 1)]
    for i in range(1, N_FIGURES + 1):
        assert f'Plotly.newPlot("figure-{i}"' in payload_page


def test_plotly_library_inlined_once(payload_page):
    assert payload_page.count("plotly.js v") == 1  # the library's banner comment
    assert Page(payload_page).scripts[0].lstrip().startswith("/**")


def test_api_key_never_appears(monkeypatch, events_of, as_of):
    secret = "dixa-secret-0123456789abcdef"
    monkeypatch.setenv("DIXA_API_KEY", secret)
    page = build_report(events_of(), as_of=as_of)
    assert secret not in page


def test_content_kpis_definitions_window_and_as_of(events_of, as_of):
    page = build_report(events_of(), as_of=as_of)
    text = Page(page).visible
    for label in [
        "Conversations",
        "Median first response",
        "Median handling time",
        "Median full resolution",
        "Median queue wait",
        "Reopen rate",
    ]:
        assert label in text
    for definition in DEFINITIONS.values():
        assert definition in text
    assert RISING_TAGS_DEFINITION in text
    assert "2026-03-30 00:00 UTC" in text  # as_of
    assert "Generated for data as of 2026-03-30 00:00 UTC" in text
    assert "2026-03-02 08:00 UTC" in text  # window start: first event
    assert "3 censored" in text  # the three conversations still open
    assert "23.1 %" in text  # 3 reopened of 13 closed
    assert "3 of 13 closed reopened" in text
    assert "outage" in text  # the tag added only in the later half is rising
    assert "By queue" in text
    assert "By agent" in text
    assert "Support" in text
    assert "Billing" in text
    assert "Bo Lund" in text


def test_each_metric_is_said_in_plain_words_first_then_exactly(events_of, as_of):
    page = build_report(events_of(), as_of=as_of)
    for metric in CATALOGUE.values():
        start = page.index(f'<section class="metric" id="{metric.anchor}">')
        body = page[start : page.index("</section>", start)]
        plain = body.index(f'<p class="plain">{escape(metric.plain_definition)}</p>')
        folded = body.index('<details class="definition"><summary>Exact definition</summary>')
        exact = body.index(f"<p>{escape(metric.definition)}</p></details>")
        assert plain < folded < exact < body.index('<div class="figures">')
        if metric.card:  # the card's tooltip says it plainly too
            assert f'title="{escape(metric.plain_definition)}"' in page


def test_note_heads_the_meta_line_escaped(events_of, as_of):
    note = "only queues <b>Billing</b> & VIP"
    page = build_report(events_of(), as_of=as_of, note=note)
    meta = re.search(r'<p class="meta">(.*?)</p>', page).group(1)
    assert meta.startswith("<strong>only queues &lt;b&gt;Billing&lt;/b&gt; &amp; VIP</strong> · ")
    assert note not in page
    plain = re.search(r'<p class="meta">(.*?)</p>', build_report(events_of(), as_of=as_of))
    assert plain.group(1).startswith("Data window ")


def test_a_missing_queue_has_the_figures_label_in_the_tables(events_of, as_of):
    events = events_of()
    no_queue = events["conversation_id"] == 115  # still open: in both tables
    events.loc[no_queue, ["queue_id", "queue_name"]] = pd.NA
    page = Page(build_report(events, as_of=as_of))
    # One row in the queue table, one in the longest-open table.
    labels = ("(none)", "(no queue)", "(not set)")
    assert [chunk for chunk in page.text if chunk in labels] == ["(not set)"] * 2
    assert sum('"(not set)"' in script for script in page.scripts[1:]) >= 2  # by-queue figures
    # Said once what it stands for, in the by-queue section.
    assert sum("grouped as “(not set)”" in chunk for chunk in page.text) == 1


def test_counts_of_one_are_singular():
    events = conform(
        pd.DataFrame(
            {
                "event_id": ["e1"],
                "conversation_id": [1],
                "timestamp": pd.to_datetime(["2026-03-02 09:00"], utc=True),
                "activity_type": ["conversation_created_by_customer"],
            }
        ),
        EVENTS,
    )
    text = Page(build_report(events)).visible
    assert "1 conversation, 1 event" in text
    assert "1 conversations" not in text
    assert "1 events" not in text


def test_output_is_deterministic(events_of, as_of):
    events = events_of()
    assert build_report(events, as_of=as_of) == build_report(events, as_of=as_of)


def test_empty_events_give_a_valid_report_saying_no_data():
    page = build_report(empty(EVENTS))
    parsed = Page(page)
    assert "No data." in parsed.visible
    assert parsed.count("div", "plotly-graph-div") == N_FIGURES
    assert parsed.count("script") == 1 + N_FIGURES
    assert page.rstrip().endswith("</html>")


@pytest.mark.parametrize("window", [None, ("2020-01-01", "2020-02-01")])
def test_a_report_without_conversations_says_so_where_tables_are_empty(events_of, window):
    events = empty(EVENTS) if window is None else events_of()
    text = Page(build_report(events, window=window)).visible
    assert text.count("No conversations in this window.") == 2  # longest-open and rising tags
    assert "Every conversation was closed" not in text
    assert "No tag's share rose" not in text


def test_rising_tags_of_a_single_period_say_there_are_too_few(events_of, as_of):
    events = events_of(conversations=4)  # all created in the first week
    text = Page(build_report(events, as_of=as_of)).visible
    assert "Too few periods to compare" in text
    assert "No tag's share rose" not in text
    # Days instead of weeks give the same conversations four periods to compare.
    text = Page(build_report(events, as_of=as_of, freq="D")).visible
    assert "Too few periods to compare" not in text


def test_window_keeps_conversations_created_inside(events_of, as_of, start):
    events = events_of()
    window = (start, start + pd.Timedelta(days=7))
    summary = summarize_report(events, window=window, as_of=as_of)
    assert summary["conversations"] == 4  # the first week's four
    assert summary["window"] == (start, start + pd.Timedelta(days=7))
    page = build_report(events, window=("2026-03-02", "2026-03-09"), as_of=as_of)
    assert "2026-03-02 00:00 UTC – 2026-03-09 00:00 UTC" in Page(page).visible


def test_as_of_cuts_later_events(events_of, start):
    events = events_of()
    early = start + pd.Timedelta(days=3)
    summary = summarize_report(events, as_of=early)
    assert summary["as_of"] == early
    assert summary["events"] == int((events["timestamp"] <= early).sum())


def test_summary_numbers(events_of, as_of):
    summary = summarize_report(events_of(), as_of=as_of)
    assert summary["conversations"] == 16
    assert summary["events"] == len(events_of())
    assert summary["closed"] == 13
    assert summary["reopened"] == 3
    assert summary["reopen_rate"] == pytest.approx(3 / 13)
    assert summary["first_response"]["censored"] == 3
    assert summary["first_response"]["count"] == 16
    assert summary["full_resolution"]["median_seconds"] > 0
    assert summary["rising_tags"] == ["outage"]


def test_summary_of_no_events():
    summary = summarize_report(empty(EVENTS))
    assert summary["conversations"] == 0
    assert summary["events"] == 0
    assert summary["reopen_rate"] is None
    assert summary["rising_tags"] == []
    assert summary["window"] is None
    assert summary["as_of"] is None


def test_conversations_fill_queues_and_subjects(events_of, as_of):
    events = events_of().assign(queue_name=pd.Series(dtype="string"))
    conversations = conform(
        pd.DataFrame(
            {
                "conversation_id": range(100, 116),
                "queue_name": ["Tier 2"] * 16,
                "subject": ["Printer on fire"] * 16,
            }
        ),
        CONVERSATIONS,
    )
    text = Page(build_report(events, conversations=conversations, as_of=as_of)).visible
    assert "Tier 2" in text
    assert "Printer on fire" in text  # a longest-open conversation's subject


def test_bad_events_input():
    with pytest.raises(ValueError, match="fetch_activitylog"):
        build_report(pd.DataFrame({"conversation_id": [1]}))
    with pytest.raises(TypeError, match="events must be"):
        build_report([{"conversation_id": 1}])


def test_write_report_writes_utf8(tmp_path, events_of, as_of):
    path = write_report(tmp_path / "r.html", events_of(payloads=True), as_of=as_of)
    assert path == tmp_path / "r.html"
    content = path.read_bytes().decode("utf-8")
    assert content == build_report(events_of(payloads=True), as_of=as_of)
    assert "–" in content  # non-ASCII survives as UTF-8


def test_kaplan_meier_cards_sla_cards_and_the_open_note(events_of, as_of):
    events = events_of()
    text = Page(build_report(events, as_of=as_of)).visible
    assert "95 % CI" in text
    assert "First response within 1 h" in text
    assert "Full resolution within 24 h" in text
    assert "Why open conversations matter" in text
    assert "Kaplan–Meier" in text
    summary = summarize_report(events, as_of=as_of)
    sla = summary["sla"]["first_response"]
    assert sla["target_seconds"] == 3600
    assert sla["met"] + sla["breached"] + sla["pending"] == summary["first_response"]["count"]
    assert format_percent(sla["attainment"]) in text

    custom = summarize_report(events, as_of=as_of, sla={"first-response": "2h", "resolution": None})
    assert set(custom["sla"]) == {"first_response"}
    assert custom["sla"]["first_response"]["target_seconds"] == 7200
    page = Page(build_report(events, as_of=as_of, sla={"queue_wait_time": "15min"})).visible
    assert "Queue wait within 15 min" in page


@pytest.mark.parametrize(
    ("sla", "error", "message"),
    [
        ({"speed": "1h"}, ValueError, "no metric named 'speed'"),
        ({"reopen-rate": "1h"}, ValueError, "applies to a duration"),
        ({"first-response": "soon"}, ValueError, "SLA target of first-response"),
        ({"first-response": 60}, TypeError, "has no unit"),
    ],
)
def test_bad_sla_targets_are_refused(events_of, sla, error, message):
    with pytest.raises(error, match=message):
        build_report(events_of(), sla=sla)


def test_a_quantile_not_reached_reads_so(as_of):
    from dixa_analytics.events import conform_events

    # Two conversations, one answered, one still waiting: the p90 is never reached.
    start = pd.Timestamp("2026-03-02 09:00", tz="UTC")
    events = conform_events(
        pd.DataFrame(
            {
                "event_id": ["e1", "e2", "e3"],
                "conversation_id": [1, 1, 2],
                "timestamp": [start, start + pd.Timedelta(minutes=5), start],
                "activity_type": [
                    "conversation_created_by_customer",
                    "message_added_by_agent",
                    "conversation_created_by_customer",
                ],
            }
        )
    )
    text = Page(build_report(events, as_of=start + pd.Timedelta(hours=3))).visible
    assert "p90 not reached" in text
