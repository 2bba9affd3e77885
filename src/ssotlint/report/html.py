"""The report as one self-contained HTML file: inline CSS and SVG, no script, no network."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

from ssotlint.report.graphs import cycle_picture, fan_in_picture
from ssotlint.report.layout import svg
from ssotlint.report.model import (
    CYCLE_DRAW_LIMIT,
    NOTHING_FOUND,
    Concepts,
    Cycles,
    Events,
    Report,
    Summary,
)

CSS = """
body { font: 14px/1.45 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 24px 32px; color: #1d2329; }
h1 { font-size: 22px; margin: 0 0 12px; } h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid #dde2e7; }
h3 { font-size: 15px; margin: 18px 0 6px; }
table { border-collapse: collapse; margin: 6px 0 12px; } th, td { border: 1px solid #dde2e7; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f4f6f8; } code { font: 12px ui-monospace, Menlo, Consolas, monospace; background: #f4f6f8; padding: 0 3px; }
.nothing { color: #6b7785; font-style: italic; } .cards { display: flex; gap: 12px; flex-wrap: wrap; }
.card { border: 1px solid #dde2e7; border-radius: 6px; padding: 8px 14px; min-width: 150px; }
.card b { display: block; font-size: 22px; } .figure { overflow-x: auto; border: 1px solid #eef1f5; border-radius: 6px; padding: 4px; margin: 6px 0 14px; }
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
"""


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """Cells are HTML already (escaped by the caller)."""
    head = "".join(f"<th>{h}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _code(text: object) -> str:
    return f"<code>{escape(str(text))}</code>"


EMPTY_SECTION = f'<p class="nothing">{NOTHING_FOUND}</p>'


def _summary(s: Summary) -> str:
    cards = "".join(f'<div class="card">{escape(f.title)}<b>{f.count}</b>' + (f"{f.new} new" if f.new is not None else "") + "</div>" for f in s.families)
    out = [f"<p>{s.files} files, {s.modules} modules, {s.findings} findings.</p>", f'<div class="cards">{cards}</div>']
    if s.baseline is not None:
        b = s.baseline
        out.append(f"<p>Against the baseline: {b.new} new, {b.known} known, {b.gone} fixed since.</p>")
    if s.rules:
        out.append(_table(["Rule", "Name", "Findings", "New"], ([r.code, escape(r.name), str(r.count), "" if r.new is None else str(r.new)] for r in s.rules)))
    return "".join(out)


def _concepts(c: Concepts) -> str:
    if not c.items and not c.constants:
        return EMPTY_SECTION
    out: list[str] = []
    for concept in c.items:
        where = f" at {_code(f'{concept.canonical_location.path}:{concept.canonical_location.line}')}" if concept.canonical_location else ""
        out.append(f"<h3>Concept {_code(concept.name)}</h3><p>Canonical: {_code(concept.canonical)}{where}</p>")
        if concept.members:
            out.append(
                _table(
                    ["Kind", "Symbol", "Defined at", "Import sites", "Importing modules", "Fix"],
                    (
                        [
                            m.kind, _code(m.symbol), _code(f"{m.path}:{m.line}"), str(m.import_sites),
                            ", ".join(_code(i.module) for i in m.importers),
                            _code("ssotlint fix") if m.fix == "safe" else _code("ssotlint fix --unsafe") + " after merging",
                        ]
                        for m in concept.members
                    ),
                )
            )
            nodes, links = fan_in_picture(concept)
            out.append(f'<div class="figure">{svg(nodes, links, title=f"import fan-in of {concept.name}", direction="LR")}</div>')
        for f in concept.factories:
            out.append(f"<p>Duplicate factory at {_code(f'{f.path}:{f.line}')}: {escape(f.message)}</p>")
    if c.plan:
        out.append("<h3>Consolidation plan</h3>")
        out.append(
            _table(
                ["Step", "Action", "Subject", "Into", "Import sites", "Files", "How"],
                (
                    [str(p.step), escape(p.action), _code(p.subject), _code(p.target), str(p.import_sites),
                     f'<span title="{escape(", ".join(p.files))}">{len(p.files)}</span>', escape(p.command)]
                    for p in c.plan
                ),
            )
        )
    if c.constants:
        out.append("<h3>Conflicting constants</h3><ul>")
        out += [f"<li>{_code(f'{f.path}:{f.line}')} {escape(f.message)}</li>" for f in c.constants]
        out.append("</ul>")
    return "".join(out)


LEGEND = (
    '<p class="legend"><span><b>&#8212;</b> import in the representative cycle</span>'
    '<span style="color:#c0392b"><b>- - -</b> suggested cut</span><span style="color:#7f8c8d"><b>&#183;&#183;&#183;</b> deferred import</span></p>'
)


def _cycles(c: Cycles) -> str:
    out: list[str] = []
    if not c.items:
        out.append(EMPTY_SECTION)
    for g in c.items:
        kind = "import-time cycle" if g.kind == "import-time" else "cycle through deferred imports"
        out.append(f'<h3 id="{g.id}">{g.id}: {kind} of {g.size} modules ({g.code})</h3>')
        out.append("<p>Packages: " + ", ".join(f"{_code(p.package)} ({p.modules})" for p in g.packages) + "</p>")
        nodes, links, cut = cycle_picture(g)
        if g.graph.collapsed:
            if len(g.cycle) > CYCLE_DRAW_LIMIT:
                out.append(f"<p>Large group: the cycle has {len(g.cycle)} modules, so it is drawn through packages; the modules of the first cut imports are shown.</p>")
            else:
                out.append("<p>Large group: the representative cycle and the cut are drawn; the other modules are collapsed into their packages.</p>")
        out.append(LEGEND)
        out.append(f'<div class="figure">{svg(nodes, links, cut, title=f"{g.id}")}</div>')
        steps = _table(
            ["#", "Import", "At", "Kind", "Names"],
            (
                [str(i), f"{_code(s.importer)} &#8594; {_code(s.imported)}", _code(f"{s.path}:{s.line}"), escape(s.kind), escape(", ".join(s.names))]
                for i, s in enumerate(g.steps, start=1)
            ),
        )
        out.append(steps if len(g.steps) <= 25 else f"<details><summary>The {len(g.steps)} imports of the cycle</summary>{steps}</details>")
        out.append("<p>Suggested cut:</p><ul>")
        out += [
            f"<li>{_code(f'{x.path}:{x.line}')} {_code(x.importer)} &#8594; {_code(x.imported)} brings in {escape(', '.join(x.names)) or 'the module'}</li>"
            for x in g.cut
        ]
        out.append("</ul>")
    d = c.deferred
    out.append("<h3>Deferred imports that hide cycles</h3>")
    out.append(
        f"<p>Imports inside functions: {d.deferred_imports}; with a comment about circular imports: {d.with_comment}; closing a cycle: {d.closing_cycles}.</p>"
    )
    if d.sites:
        out.append(
            _table(
                ["At", "Import", "Circular-import comment", "Closes a cycle"],
                ([_code(f"{s.path}:{s.line}"), _code(s.statement), "yes" if s.comment else "", "yes" if s.closes_cycle else ""] for s in d.sites),
            )
        )
    return "".join(out)


def _events(e: Events) -> str:
    if not e.items:
        return EMPTY_SECTION
    out = ["<p>Each row is one shape: the places (producers or consumers) where the findings about the event agree; <i>ok</i>: no finding about that field there.</p>"]
    for ev in e.items:
        columns = sorted({f for s in ev.shapes for f in s.cells} | set(ev.fields))
        out.append(f"<h3>{_code(ev.event)}</h3>")
        rows = []
        for s in ev.shapes:
            cells = [
                f'<span class="cell-bad">{escape(s.cells[f])}</span>' if f in s.cells else '<span class="cell-ok">ok</span>' for f in columns
            ]
            rows.append([s.role, str(s.count), *cells, ", ".join(_code(f"{loc.path}:{loc.line}") for loc in s.locations)])
        out.append(_table(["Role", "Places", *(_code(f) for f in columns), "Locations"], rows))
    return "".join(out)


def render(report: Report) -> str:
    sections = [
        ("summary", "Summary", _summary(report.summary)),
        ("concepts", "Duplicate implementations", _concepts(report.concepts)),
        ("cycles", "Import cycles", _cycles(report.cycles)),
        ("events", "Event shapes", _events(report.events)),
    ]
    body = "".join(f'<section id="{sid}"><h2>{title}</h2>{html}</section>' for sid, title, html in sections)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'; img-src data:">'
        f"<title>ssotlint report: {escape(report.project)}</title><style>{CSS}</style></head>"
        f"<body><h1>ssotlint report: {escape(report.project)}</h1>{body}</body></html>\n"
    )
