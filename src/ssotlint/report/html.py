"""The report as one self-contained HTML file: inline CSS and SVG, no script, no network.

A table of contents beside the page; "Start here" and the summary first; each section's top
items (see :mod:`.view`) as collapsed ``<details>`` with their graphs, the first one open;
every other item as a row of a compact table. Every item carries its stable anchor as id,
so ``report.html#concept-websocket-manager`` keeps pointing at the same concept.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

from ssotlint.report.graphs import cycle_picture, fan_in_picture
from ssotlint.report.layout import svg
from ssotlint.report.model import (
    CYCLE_DRAW_LIMIT,
    NOTHING_FOUND,
    Concept,
    Concepts,
    CycleGroup,
    Cycles,
    Events,
    EventType,
    Focus,
    Report,
    StartStep,
    Summary,
)
from ssotlint.report.view import View, more
from ssotlint.reporters.summary import plural

IMPORTERS_SHOWN = 100  # importing modules listed per alias or duplicate (all with --full)

CSS = """
* { box-sizing: border-box; }
body { font: 14px/1.45 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 0; color: #1d2329;
  display: grid; grid-template-columns: 250px minmax(0, 1fr); }
nav.toc { position: sticky; top: 0; height: 100vh; overflow-y: auto; padding: 16px 12px; background: #f7f9fa;
  border-right: 1px solid #dde2e7; font-size: 13px; }
nav.toc ol { padding-left: 18px; margin: 4px 0; } nav.toc li { margin: 2px 0; overflow-wrap: anywhere; }
nav.toc .more { margin-left: 18px; } nav.toc a { color: #1d4f91; text-decoration: none; } nav.toc a:hover { text-decoration: underline; }
main { padding: 20px 28px; min-width: 0; }
h1 { font-size: 22px; margin: 0 0 8px; } h2 { font-size: 18px; margin: 24px 0 8px; border-bottom: 1px solid #dde2e7; }
h3 { font-size: 15px; margin: 16px 0 6px; }
.scroll { overflow-x: auto; max-width: 100%; margin: 6px 0 12px; }
table { border-collapse: collapse; } th, td { border: 1px solid #dde2e7; padding: 3px 8px; text-align: left; vertical-align: top; }
td { overflow-wrap: break-word; max-width: 46em; } th { background: #f4f6f8; }
code { font: 12px ui-monospace, Menlo, Consolas, monospace; background: #f4f6f8; padding: 0 3px; overflow-wrap: anywhere; }
.nothing { color: #6b7785; font-style: italic; } .more { color: #6b7785; }
.cards { display: flex; gap: 12px; flex-wrap: wrap; }
.card { border: 1px solid #dde2e7; border-radius: 6px; padding: 6px 14px; min-width: 150px; }
.card b { display: block; font-size: 22px; }
ol.start { padding-left: 22px; } ol.start li { margin: 4px 0; }
details.item { border: 1px solid #dde2e7; border-radius: 6px; margin: 6px 0; padding: 4px 10px; }
details.item > summary { cursor: pointer; font-weight: 600; } details.item[open] > summary { margin-bottom: 6px; }
details.item > summary .numbers { font-weight: normal; color: #4a5560; }
a.self { color: #9aa5b1; text-decoration: none; font-weight: normal; margin-left: 6px; }
.figure { overflow-x: auto; border: 1px solid #eef1f5; border-radius: 6px; padding: 4px; margin: 6px 0 14px; }
.graph text { font: 12px -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; fill: #1d2329; }
.node rect { fill: #ffffff; stroke: #5d6d7e; stroke-width: 1.2; }
.node-cycle rect { fill: #fde2e1; stroke: #c0392b; } .node-package rect { fill: #eef1f5; stroke: #7f8c8d; stroke-dasharray: 3 3; }
.node-canonical rect { fill: #d5f5e3; stroke: #1e8449; } .node-alias rect { fill: #fef9e7; stroke: #b7950b; }
.node-duplicate rect { fill: #fdebd0; stroke: #ca6f1e; }
.edge { fill: none; stroke: #7f8c8d; stroke-width: 1.3; } .edge-cycle { stroke: #1d2329; stroke-width: 2; }
.edge-cut { stroke: #c0392b; stroke-width: 2.2; stroke-dasharray: 7 5; } .edge-deferred { stroke: #7f8c8d; stroke-dasharray: 2 3; }
.head-plain, .head-deferred { fill: #7f8c8d; } .head-cycle { fill: #1d2329; } .head-cut { fill: #c0392b; }
.edge-label { font-size: 11px !important; fill: #6b7785 !important; } .edge-label-cut { fill: #c0392b !important; font-weight: bold; }
.legend span { margin-right: 14px; } .cell-bad { background: #fde2e1; } .cell-ok { color: #1e8449; }
@media (max-width: 900px) { body { display: block; } nav.toc { position: static; height: auto; } }
"""


def _table(header: Sequence[str], rows: Iterable[Sequence[str]], row_ids: Sequence[str] = ()) -> str:
    """Cells are HTML already (escaped by the caller); the table scrolls inside its box."""
    head = "".join(f"<th>{h}</th>" for h in header)
    body = "".join(
        (f'<tr id="{row_ids[i]}">' if i < len(row_ids) else "<tr>") + "".join(f"<td>{c}</td>" for c in row) + "</tr>"
        for i, row in enumerate(rows)
    )
    return f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'


def _code(text: object) -> str:
    return f"<code>{escape(str(text))}</code>"


def _more(n: int, noun: str) -> str:
    return f'<p class="more">{more(n, noun)}: <code>--top N</code> or <code>--full</code> shows them.</p>' if n else ""


def _item(anchor: str, rank: int, title: str, numbers: str, body: str) -> str:
    """One ranked item as a ``<details>`` (the first one open)."""
    opened = " open" if rank == 0 else ""
    return (
        f'<details class="item" id="{anchor}"{opened}><summary>{rank + 1}. {title} '
        f'<span class="numbers">{numbers}</span><a class="self" href="#{anchor}" title="link to this item">#</a></summary>'
        f"{body}</details>"
    )


EMPTY_SECTION = f'<p class="nothing">{NOTHING_FOUND}</p>'
NOT_CHECKED = '<p class="nothing">Not checked in this run (<code>--select</code>).</p>'


def _focus(f: Focus) -> str:
    parts = []
    if f.paths:
        parts.append("paths " + ", ".join(_code(p) for p in f.paths))
    if f.select:
        parts.append("rules " + ", ".join(_code(c) for c in f.select))
    if f.concepts:
        parts.append("concepts " + ", ".join(_code(c) for c in f.concepts) + " and the cycles through their modules")
    return f"<p>Narrowed to {'; '.join(parts)}.</p>" if parts else ""


def _summary(s: Summary) -> str:
    cards = "".join(
        f'<div class="card">{escape(f.title)}<b>{f.count}</b>' + (f"{f.new} new" if f.new is not None else "") + "</div>"
        for f in s.families
    )
    out = [f"<p>{s.files} files, {s.modules} modules, {s.findings} findings.</p>", f'<div class="cards">{cards}</div>']
    if s.baseline is not None:
        b = s.baseline
        out.append(f"<p>Against the baseline: {b.new} new, {b.known} known, {b.gone} fixed since.</p>")
    if s.rules:
        rules = _table(
            ["Rule", "Name", "Findings", "New"],
            ([r.code, escape(r.name), str(r.count), "" if r.new is None else str(r.new)] for r in s.rules),
        )
        out.append(f"<details><summary>Findings per rule</summary>{rules}</details>")
    return "".join(out)


def _start_here(steps: list[StartStep]) -> str:
    if not steps:
        return EMPTY_SECTION
    items = []
    for s in steps:
        command = f" {_code(s.command)}" if s.command else ""
        items.append(f'<li>{escape(s.title)}{command} <a href="#{s.anchor}">details</a></li>')
    return f'<ol class="start">{"".join(items)}</ol>'


# --- concepts ---------------------------------------------------------------------------------


def _concept(concept: Concept, rank: int, view: View) -> str:
    where = f" at {_code(f'{concept.canonical_location.path}:{concept.canonical_location.line}')}" if concept.canonical_location else ""
    out = [f"<p>Canonical: {_code(concept.canonical)}{where}.</p>"]
    if concept.members:
        rows = []
        for m in concept.members:
            importers, rest = view.lines(m.importers, IMPORTERS_SHOWN)
            listed = ", ".join(_code(i.module) for i in importers) + (f" and {rest} more" if rest else "")
            fix = _code("ssotlint fix") if m.fix == "safe" else _code("ssotlint fix --unsafe") + " after merging"
            rows.append([m.kind, _code(m.symbol), _code(f"{m.path}:{m.line}"), str(m.import_sites), listed, fix])
        out.append(_table(["Kind", "Symbol", "Defined at", "Import sites", "Importing modules", "Fix"], rows))
        nodes, links = fan_in_picture(concept)
        out.append(f'<div class="figure">{svg(nodes, links, title=f"import fan-in of {concept.name}", direction="LR", key=concept.anchor)}</div>')
    for f in concept.factories:
        out.append(f"<p>Duplicate factory at {_code(f'{f.path}:{f.line}')}: {escape(f.message)}</p>")
    return "".join(out)


def _concepts(c: Concepts, view: View) -> str:
    if not c.items and not c.constants:
        return EMPTY_SECTION
    out: list[str] = []
    if c.items:
        out.append(f"<p>{plural(len(c.items), 'concept')}, declared ones first, then by import sites to migrate.</p>")
    items, _ = view.head(c.items)
    for rank, concept in enumerate(items):
        declared = " (declared)" if concept.declared else ""
        new = f", {concept.new} new" if concept.new is not None else ""
        numbers = f"{plural(concept.import_sites, 'import site')} to migrate, {plural(concept.findings, 'finding')}{new}"
        out.append(_item(concept.anchor, rank, f"Concept {_code(concept.name)}{declared}", numbers, _concept(concept, rank, view)))
    others = c.items[len(items):]
    if others:
        rows = [
            [str(len(items) + i + 1), _code(k.name) + (" (declared)" if k.declared else ""), _code(k.canonical), str(k.import_sites), str(k.findings)]
            for i, k in enumerate(others)
        ]
        table = _table(["#", "Concept", "Canonical", "Import sites", "Findings"], rows, [k.anchor for k in others])
        out.append(f"<details><summary>{more(len(others), 'concept')}</summary>{table}</details>")
    if c.plan:
        out.append('<h3 id="plan">Consolidation plan</h3>')
        steps, rest = view.head(c.plan)
        out.append(
            _table(
                ["Step", "Action", "Subject", "Into", "Import sites", "Files", "How"],
                (
                    [str(p.step), escape(p.action), _code(p.subject), _code(p.target), str(p.import_sites),
                     f'<span title="{escape(", ".join(p.files[:50]))}">{len(p.files)}</span>', escape(p.command)]
                    for p in steps
                ),
            )
        )
        out.append(_more(rest, "step"))
    if c.constants:
        out.append("<h3>Conflicting constants</h3><ul>")
        constants, rest = view.head(c.constants)
        out += [f"<li>{_code(f'{f.path}:{f.line}')} {escape(f.message)}</li>" for f in constants]
        out.append("</ul>" + _more(rest, "constant"))
    return "".join(out)


# --- cycles -----------------------------------------------------------------------------------

LEGEND = (
    '<p class="legend"><span><b>&#8212;</b> import in the representative cycle</span>'
    '<span style="color:#c0392b"><b>- - -</b> suggested cut</span><span style="color:#7f8c8d"><b>&#183;&#183;&#183;</b> deferred import</span></p>'
)


def _kind(g: CycleGroup) -> str:
    return "import-time cycle" if g.kind == "import-time" else "cycle through deferred imports"


def _cycle(g: CycleGroup, view: View) -> str:
    out = ["<p>Packages: " + ", ".join(f"{_code(p.package)} ({p.modules})" for p in g.packages) + "</p>"]
    frees = "it frees" if g.cut_imports == 1 else "together they free"
    out.append(f"<p>Suggested cut: {plural(g.cut_imports, 'import')} to remove or move; {frees} {plural(g.freed, 'module')}.</p><ul>")
    cuts, rest = view.lines(g.cut, 25)
    for x in cuts:
        alone = f"; alone it frees {plural(x.frees, 'module')}" if x.frees else ""
        names = escape(", ".join(x.names)) or "the module"
        out.append(f"<li>{_code(f'{x.path}:{x.line}')} {_code(x.importer)} &#8594; {_code(x.imported)} brings in {names}{alone}</li>")
    out.append("</ul>" + _more(rest, "cut import"))
    nodes, links, cut = cycle_picture(g)
    if g.graph.collapsed:
        if len(g.cycle) > CYCLE_DRAW_LIMIT:
            out.append(f"<p>Large group: the cycle has {len(g.cycle)} modules, so it is drawn through packages; the modules of the first cut imports are shown.</p>")
        else:
            out.append("<p>Large group: the representative cycle and the cut are drawn; the other modules are collapsed into their packages.</p>")
    out.append(LEGEND)
    out.append(f'<div class="figure">{svg(nodes, links, cut, title=g.id, key=g.anchor)}</div>')
    steps = _table(
        ["#", "Import", "At", "Kind", "Names"],
        (
            [str(i), f"{_code(s.importer)} &#8594; {_code(s.imported)}", _code(f"{s.path}:{s.line}"), escape(s.kind), escape(", ".join(s.names))]
            for i, s in enumerate(g.steps, start=1)
        ),
    )
    out.append(f"<details><summary>The representative cycle, import by import ({len(g.steps)})</summary>{steps}</details>")
    return "".join(out)


def _cycles(c: Cycles, view: View) -> str:
    out: list[str] = []
    if not c.items:
        out.append(EMPTY_SECTION)
    else:
        out.append(f"<p>{plural(len(c.items), 'cycle group')}, by the modules the suggested cut frees, then by size.</p>")
    items, _ = view.head(c.items)
    for rank, g in enumerate(items):
        new = " (new)" if g.new else ""
        numbers = f"{plural(g.cut_imports, 'import')} to cut, {plural(g.freed, 'module')} freed"
        out.append(_item(g.anchor, rank, f"{g.id}: {_kind(g)} of {g.size} modules ({g.code}){new}", numbers, _cycle(g, view)))
    others = c.items[len(items):]
    if others:
        rows = []
        for g in others:
            first = g.cut[0] if g.cut else None
            at = _code(f"{first.path}:{first.line}") if first else ""
            packages = ", ".join(_code(p.package) for p in g.packages[:3]) + (f" and {len(g.packages) - 3} more" if len(g.packages) > 3 else "")
            rows.append([escape(g.id), escape(_kind(g)), str(g.size), str(g.freed), str(g.cut_imports), at, packages])
        table = _table(["Group", "Kind", "Modules", "Freed by the cut", "Cut imports", "First cut", "Packages"], rows, [g.anchor for g in others])
        out.append(f"<details><summary>{more(len(others), 'cycle group')}</summary>{table}</details>")
    d = c.deferred
    out.append("<h3>Deferred imports that hide cycles</h3>")
    out.append(
        f"<p>Imports inside functions: {d.deferred_imports}; with a comment about circular imports: {d.with_comment}; closing a cycle: {d.closing_cycles}.</p>"
    )
    if d.sites:
        sites, rest = view.head(d.sites)
        out.append(
            _table(
                ["At", "Import", "Circular-import comment", "Closes a cycle"],
                ([_code(f"{s.path}:{s.line}"), _code(s.statement), "yes" if s.comment else "", "yes" if s.closes_cycle else ""] for s in sites),
            )
        )
        out.append(_more(rest, "deferred import"))
    return "".join(out)


# --- events -----------------------------------------------------------------------------------


def _event(ev: EventType, view: View) -> str:
    columns = sorted({f for s in ev.shapes for f in s.cells} | set(ev.fields))
    rows = []
    for s in ev.shapes:
        cells = [
            f'<span class="cell-bad">{escape(s.cells[f])}</span>' if f in s.cells else '<span class="cell-ok">ok</span>' for f in columns
        ]
        locations, rest = view.lines(s.locations, 25)
        where = ", ".join(_code(f"{loc.path}:{loc.line}") for loc in locations) + (f" and {rest} more" if rest else "")
        rows.append([s.role, str(s.count), *cells, where])
    fix = f"<p>{_code('ssotlint fix --unsafe')} moves the fields of {plural(ev.fixable, 'literal dict')}.</p>" if ev.fixable else ""
    return fix + _table(["Role", "Places", *(_code(f) for f in columns), "Locations"], rows)


def _events(e: Events, view: View) -> str:
    if not e.items:
        return EMPTY_SECTION
    out = [
        f"<p>{plural(len(e.items), 'event type')}, by drifting places. Each row is one shape: the places (producers or consumers) "
        "where the findings about the event agree; <i>ok</i>: no finding about that field there.</p>"
    ]
    items, _ = view.head(e.items)
    for rank, ev in enumerate(items):
        new = f", {ev.new} new" if ev.new is not None else ""
        numbers = f"{plural(ev.sites, 'drifting place')} ({ev.places()}), {plural(ev.findings, 'finding')}{new}"
        out.append(_item(ev.anchor, rank, _code(ev.event), numbers, _event(ev, view)))
    others = e.items[len(items):]
    if others:
        rows = [
            [_code(ev.event), str(ev.sites), str(ev.producers), str(ev.consumers), str(ev.findings), str(ev.fixable)]
            for ev in others
        ]
        table = _table(["Event", "Drifting places", "Producers", "Consumers", "Findings", "Fixable"], rows, [ev.anchor for ev in others])
        out.append(f"<details><summary>{more(len(others), 'event type')}</summary>{table}</details>")
    return "".join(out)


# --- the page ---------------------------------------------------------------------------------


def _toc(report: Report, view: View) -> str:
    def entries(items: Sequence[tuple[str, str]], total: int) -> str:
        links = "".join(f'<li><a href="#{a}">{t}</a></li>' for a, t in items)
        rest = f'<div class="more">and {total - len(items)} more</div>' if total > len(items) else ""
        return f"<ol>{links}</ol>{rest}" if links else ""

    concepts, _ = view.head(report.concepts.items)
    cycles, _ = view.head(report.cycles.items)
    events, _ = view.head(report.events.items)
    return (
        '<nav class="toc"><b>Contents</b><ol>'
        '<li><a href="#summary">Summary</a></li><li><a href="#start-here">Start here</a></li>'
        f'<li><a href="#concepts">Duplicate implementations</a> ({len(report.concepts.items)})'
        f"{entries([(c.anchor, escape(c.name)) for c in concepts], len(report.concepts.items))}</li>"
        f'<li><a href="#cycles">Import cycles</a> ({len(report.cycles.items)})'
        f"{entries([(g.anchor, f'{g.id} ({g.size})') for g in cycles], len(report.cycles.items))}</li>"
        f'<li><a href="#events">Event shapes</a> ({len(report.events.items)})'
        f"{entries([(e.anchor, escape(e.event)) for e in events], len(report.events.items))}</li>"
        "</ol></nav>"
    )


def render(report: Report, view: View | None = None) -> str:
    view = view or View()
    unchecked = set(report.focus.unchecked)
    sections = [
        ("summary", "Summary", _summary(report.summary)),
        ("start-here", "Start here", _start_here(report.start_here)),
        ("concepts", "Duplicate implementations", NOT_CHECKED if "duplicates" in unchecked else _concepts(report.concepts, view)),
        ("cycles", "Import cycles", NOT_CHECKED if "cycles" in unchecked else _cycles(report.cycles, view)),
        ("events", "Event shapes", NOT_CHECKED if "events" in unchecked else _events(report.events, view)),
    ]
    body = "".join(f'<section id="{sid}"><h2>{title}</h2>{html}</section>' for sid, title, html in sections)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'; img-src data:">'
        f"<title>ssotlint report: {escape(report.project)}</title><style>{CSS}</style></head>"
        f"<body>{_toc(report, view)}<main><h1>ssotlint report: {escape(report.project)}</h1>{_focus(report.focus)}{body}</main></body></html>\n"
    )
