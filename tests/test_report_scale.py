"""`ssotlint report` on a generated 10,000-file monorepo (tests/generated_monorepo.py).

Hundreds of concepts, cycle groups and drifting event types: the renderings stay readable
(terminal and Markdown under 500 lines by default, HTML under 1 MB with every section and
every item's anchor), the JSON model stays complete, and each section is in ranked order.
The project is generated and analysed once per test session (the `generated_report`
fixture of conftest.py, about 10-20 s on a busy machine); test_report_browser.py looks at
the first screen of its HTML.
"""

from __future__ import annotations

import io
import json
import re

import jsonschema
import pytest

from ssotlint.report import html, markdown
from ssotlint.report.model import Report
from ssotlint.report.render import render, to_json
from ssotlint.report.view import View
from tests.generated_monorepo import Shape, concept_sites, event_sites
from tests.mermaid_check import check_flowchart, check_markdown, mermaid_blocks
from tests.test_report import SCHEMA

SHAPE = Shape()
MAX_LINES = 500
MAX_HTML_BYTES = 1_000_000


@pytest.fixture
def big(generated_report: Report) -> Report:
    return generated_report


def _terminal(report: Report, view: View | None = None) -> str:
    out = io.StringIO()
    render(report, "terminal", out, width=100, view=view)
    return out.getvalue()


def test_the_generated_project_has_the_scale(big: Report) -> None:
    assert len(big.concepts.items) == SHAPE.concepts + 1
    assert len(big.cycles.items) >= SHAPE.cycles
    assert len(big.events.items) == SHAPE.events
    assert big.summary.findings > 3000


def test_sections_are_ranked(big: Report) -> None:
    # Concepts: the declared one first although discovered ones have more import sites,
    # then by import sites to migrate (store<i>: its duplicate's sites, plus the two of
    # its alias for every third), then by findings (the alias is one more), then by name.
    sites = {f"Store{i}": concept_sites(i) + (2 if i % 3 == 0 else 0) for i in range(SHAPE.concepts)}
    findings = {f"Store{i}": 2 if i % 3 == 0 else 1 for i in range(SHAPE.concepts)}
    expected = ["websocket-manager", *sorted(sites, key=lambda n: (-sites[n], -findings[n], n))]
    assert [c.name for c in big.concepts.items] == expected
    declared = big.concepts.items[0]
    assert declared.declared and declared.import_sites == SHAPE.declared_sites < big.concepts.items[1].import_sites
    assert [(c.import_sites, c.findings) for c in big.concepts.items[1:]] == [(sites[n], findings[n]) for n in expected[1:]]

    # Cycle groups: by modules freed by the cut, then size, then fewest cut imports.
    keys = [(-g.freed, -g.size, g.cut_imports) for g in big.cycles.items]
    assert keys == sorted(keys)
    assert big.cycles.items[0].size == 41 and [g.id for g in big.cycles.items[:3]] == ["cycle-1", "cycle-2", "cycle-3"]
    assert all(g.freed == g.size for g in big.cycles.items)  # the suggested cut breaks every cycle

    # Events: by drifting places (the nested producers, the one missing a field, a test
    # reading an undefined field for every third event), then by name.
    places = {f"evt_{k}": event_sites(k) + 1 + (1 if k % 3 == 0 else 0) for k in range(SHAPE.events)}
    assert [(e.event, e.sites) for e in big.events.items] == [(n, places[n]) for n in sorted(places, key=lambda n: (-places[n], n))]


def test_start_here_leads_with_the_steps_that_address_most(big: Report) -> None:
    steps = big.start_here
    assert [s.step for s in steps] == [1, 2, 3, 4, 5]
    assert [s.findings for s in steps] == sorted((s.findings for s in steps), reverse=True)
    kinds = {s.kind: s for s in reversed(steps)}  # the first step of each kind
    assert set(kinds) == {"fix", "concept", "cycle", "event"}
    assert (kinds["fix"].command, kinds["fix"].findings) == ("ssotlint fix", SHAPE.concepts // 3 + 1)
    assert kinds["concept"].subject == "websocket-manager" and kinds["concept"].anchor == "concept-websocket-manager"
    assert kinds["cycle"].subject == "cycle-1"
    assert kinds["event"].subject == big.events.items[0].event and kinds["event"].command == "ssotlint fix --unsafe"


def test_terminal_and_markdown_stay_short(big: Report) -> None:
    term, md = _terminal(big), markdown.render(big)
    assert len(term.splitlines()) < MAX_LINES
    assert len(md.splitlines()) < MAX_LINES
    assert check_markdown(md) == []
    assert [check_flowchart(b) for b in mermaid_blocks(md)] == [[]] * 2  # the top concept and cycle group
    for text in (term, md):
        assert "291 more concepts" in text
        assert f"{len(big.cycles.items) - 10} more cycle groups" in text
        assert "190 more event types" in text
    # --full shows everything; --top 3 fewer.
    full = markdown.render(big, View.everything())
    assert all(f'<a id="{c.anchor}"></a>' in full for c in big.concepts.items)
    assert "more concepts" not in full
    assert len(markdown.render(big, View.first(3)).splitlines()) < len(md.splitlines()) < len(full.splitlines())
    assert len(_terminal(big, View.everything()).splitlines()) > 5 * MAX_LINES


def test_html_stays_under_a_megabyte_with_every_section_and_item(big: Report) -> None:
    page = html.render(big)
    assert len(page.encode()) < MAX_HTML_BYTES
    ids = re.findall(r' id="([^"]+)"', page)
    assert len(ids) == len(set(ids)), "duplicate ids"
    for section in ("summary", "start-here", "concepts", "cycles", "events", "plan"):
        assert section in ids
    anchors = [*(c.anchor for c in big.concepts.items), *(g.anchor for g in big.cycles.items), *(e.anchor for e in big.events.items)]
    assert set(anchors) <= set(ids)  # every item can be linked to and found
    assert all(f'href="#{s.anchor}"' in page for s in big.start_here)
    # Navigable: a table of contents linking the sections and the top items, collapsed
    # details for the items, every table in a box that scrolls.
    toc = page[page.index('<nav class="toc">') : page.index("</nav>")]
    assert all(f'href="#{a}"' in toc for a in ("summary", "start-here", "concepts", "cycles", "events"))
    assert all(f'href="#{c.anchor}"' in toc for c in big.concepts.items[:10])
    assert f'href="#{big.concepts.items[10].anchor}"' not in toc
    assert page.count('<details class="item"') == 30
    assert page.count("<table>") == page.count('<div class="scroll"><table>') > 30
    assert page.count("<svg") == 20  # the top ten concepts and cycle groups
    assert "<script" not in page and re.findall(r"https?://[^\s\"']+", page) == ["http://www.w3.org/2000/svg"] * 20


def test_json_model_is_complete_and_valid(big: Report) -> None:
    doc = json.loads(to_json(big))
    jsonschema.validate(doc, SCHEMA)
    assert len(doc["concepts"]["items"]) == SHAPE.concepts + 1
    assert sum(len(e["shapes"]) for e in doc["events"]["items"]) >= 2 * SHAPE.events
    assert sum(m["import_sites"] for c in doc["concepts"]["items"] for m in c["members"]) == sum(
        len(m["importers"]) for c in doc["concepts"]["items"] for m in c["members"]
    )
