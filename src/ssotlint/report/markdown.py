"""The report as Markdown (GitHub flavour) with Mermaid diagrams.

Short enough for a pull request or a wiki page: the top items of each section (see
:mod:`.view`), each with an anchor made of its name, and a note of how many more there are.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ssotlint.report.graphs import cycle_picture, fan_in_picture, mermaid
from ssotlint.report.model import (
    CYCLE_DRAW_LIMIT,
    NOTHING_FOUND,
    Concept,
    Concepts,
    Cut,
    CycleGroup,
    Cycles,
    Events,
    EventType,
    Focus,
    Report,
    StartStep,
    Summary,
)
from ssotlint.report.view import HINT, View, more
from ssotlint.reporters.summary import plural

EMPTY_SECTION = f"_{NOTHING_FOUND}_"
NOT_CHECKED = "_Not checked in this run (`--select`)._"
FAN_IN_DRAWN = 5  # importing modules (or packages) drawn per alias or duplicate


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    out.extend("| " + " | ".join(_cell(c) for c in row) + " |" for row in rows)
    return out


def _new(n: int | None) -> str:
    return "" if n is None else str(n)


def _code_list(items: Sequence[str], shown: int) -> str:
    text = ", ".join(f"`{i}`" for i in items[:shown])
    return text + (f" and {len(items) - shown} more" if len(items) > shown else "")


def _rest(n: int, noun: str) -> list[str]:
    """The note after a list cut short (with a blank line before it)."""
    return ["", f"_{more(n, noun)}: {HINT}._"] if n else []


def _anchor(anchor: str) -> str:
    return f' <a id="{anchor}"></a>'


def _focus(f: Focus) -> list[str]:
    parts = []
    if f.paths:
        parts.append("paths " + ", ".join(f"`{p}`" for p in f.paths))
    if f.select:
        parts.append("rules " + ", ".join(f"`{c}`" for c in f.select))
    if f.concepts:
        parts.append("concepts " + ", ".join(f"`{c}`" for c in f.concepts) + " and the cycles through their modules")
    return [f"Narrowed to {'; '.join(parts)}.", ""] if parts else []


def _summary(s: Summary) -> list[str]:
    out = ["## Summary", "", f"{s.files} files, {s.modules} modules, {s.findings} findings."]
    if s.baseline is not None:
        b = s.baseline
        out.append(f"Against the baseline: {b.new} new, {b.known} known, {b.gone} fixed since.")
    out.append("")
    with_new = s.baseline is not None
    header = ["Family", "Findings", *(["New"] if with_new else [])]
    out += table(header, ([f.title, f.count, *([_new(f.new)] if with_new else [])] for f in s.families))
    if s.rules:
        out.append("")
        header = ["Rule", "Name", "Findings", *(["New"] if with_new else [])]
        out += table(header, ([r.code, r.name, r.count, *([_new(r.new)] if with_new else [])] for r in s.rules))
    return out


def _start_here(steps: list[StartStep]) -> list[str]:
    out = ["## Start here", ""]
    if not steps:
        return [*out, EMPTY_SECTION]
    for s in steps:
        command = f" Command: `{s.command}`." if s.command else ""
        out.append(f"{s.step}. {s.title}{command} ([details](#{s.anchor}))")
    return out


def _member_rows(concept: Concept, view: View, rank: int) -> list[list[object]]:
    members, rest = view.lines(concept.members, None if view.detailed(rank) else 3)
    rows: list[list[object]] = [
        [
            m.kind,
            f"`{m.symbol}`",
            f"`{m.path}:{m.line}`",
            m.import_sites,
            _code_list([i.module for i in m.importers], 5),
            "`ssotlint fix`" if m.fix == "safe" else "`ssotlint fix --unsafe` after merging",
        ]
        for m in members
    ]
    if rest:
        rows.append([more(rest, "member"), "", "", "", "", ""])
    return rows


def _concept(concept: Concept, rank: int, view: View, with_new: bool) -> list[str]:
    declared = " (declared)" if concept.declared else ""
    out = [f"### {rank + 1}. Concept `{concept.name}`{declared}{_anchor(concept.anchor)}", ""]
    where = f" (`{concept.canonical_location.path}:{concept.canonical_location.line}`)" if concept.canonical_location else ""
    new = f", {concept.new} new" if with_new else ""
    out += [
        f"Canonical: `{concept.canonical}`{where}. {plural(concept.import_sites, 'import site')} to migrate, "
        f"{plural(concept.findings, 'finding')}{new}.",
        "",
    ]
    if concept.members:
        out += table(["Kind", "Symbol", "Defined at", "Import sites", "Importing modules", "Fix"], _member_rows(concept, view, rank))
        if view.detailed(rank):
            nodes, links = fan_in_picture(concept, limit=FAN_IN_DRAWN if not view.full else 10)
            out += ["", "```mermaid", mermaid(nodes, links, "LR"), "```"]
    if concept.factories:
        factories, rest = view.lines(concept.factories)
        out += ["", "Duplicate factories:", ""]
        out += [f"- `{f.path}:{f.line}` {f.message}" for f in factories]
        out += [f"- ... and {rest} more"] if rest else []
    out.append("")
    return out


def _concepts(c: Concepts, view: View, with_new: bool) -> list[str]:
    out = ["## Duplicate implementations", ""]
    if not c.items and not c.constants:
        return [*out, EMPTY_SECTION]
    if c.items:
        out += [f"{plural(len(c.items), 'concept')}, declared ones first, then by import sites to migrate.", ""]
    items, rest = view.head(c.items)
    for rank, concept in enumerate(items):
        out += _concept(concept, rank, view, with_new)
    out += [*_rest(rest, "concept")[1:], ""] if rest else []
    if c.plan:
        out += ["### Consolidation plan <a id=\"plan\"></a>", ""]
        steps, rest = view.head(c.plan)
        rows = [
            [p.step, p.action, f"`{p.subject}`", f"`{p.target}`", p.import_sites, len(p.files), p.command]
            for p in steps
        ]
        out += table(["Step", "Action", "Subject", "Into", "Import sites", "Files", "How"], rows)
        out += _rest(rest, "step")
        out.append("")
    if c.constants:
        out += ["### Conflicting constants", ""]
        constants, rest = view.head(c.constants)
        out += [f"- `{f.path}:{f.line}` {f.message}" for f in constants]
        out += _rest(rest, "constant")
        out.append("")
    while out and out[-1] == "":
        out.pop()
    return out


def _kind(g: CycleGroup) -> str:
    return "import-time cycle" if g.kind == "import-time" else "cycle through deferred imports"


def _cut_line(x: Cut) -> str:
    names = ", ".join(f"`{n}`" for n in x.names) or "the module"
    alone = f"; alone it frees {plural(x.frees, 'module')}" if x.frees else ""
    return f"- `{x.path}:{x.line}` `{x.importer}` -> `{x.imported}` brings in {names}{alone}"


def _cycle(g: CycleGroup, rank: int, view: View) -> list[str]:
    new = " (new)" if g.new else ""
    out = [f"### {rank + 1}. `{g.id}`: {_kind(g)} of {g.size} modules ({g.code}){new}{_anchor(g.anchor)}", ""]
    packages, rest = view.lines(g.packages, 5)
    frees = f"it frees {plural(g.freed, 'module')}" if g.cut_imports == 1 else f"together they free {plural(g.freed, 'module')}"
    out += [
        "Packages: " + ", ".join(f"`{p.package}` ({p.modules})" for p in packages) + (f" and {rest} more" if rest else "") + ". "
        f"Suggested cut: {plural(g.cut_imports, 'import')} to remove or move; {frees}.",
        "",
    ]
    cuts, rest = view.lines(g.cut, None if view.detailed(rank) else 3)
    out += [_cut_line(x) for x in cuts]
    out += [f"- ... and {rest} more"] if rest else []
    if not view.detailed(rank):
        return [*out, ""]
    out += ["", "Representative cycle:", ""]
    steps, rest = view.lines(g.steps)
    rows: list[list[object]] = [
        [i, f"`{s.importer}` -> `{s.imported}`", f"`{s.path}:{s.line}`", s.kind, ", ".join(s.names)]
        for i, s in enumerate(steps, start=1)
    ]
    if rest:
        rows.append([f"... and {rest} more", "", "", "", ""])
    out += table(["#", "Import", "At", "Kind", "Names"], rows)
    nodes, links, _ = cycle_picture(g)
    note = " (large group: the cycle and the cut are drawn; other modules are collapsed into their packages)" if g.graph.collapsed else ""
    if g.graph.collapsed and len(g.cycle) > CYCLE_DRAW_LIMIT:
        note = f" (the cycle has {len(g.cycle)} modules: it is drawn through packages; the modules of the first cut imports are shown)"
    out += ["", f"Cut imports are dashed{note}.", "", "```mermaid", mermaid(nodes, links), "```", ""]
    return out


def _cycles(c: Cycles, view: View) -> list[str]:
    out = ["## Import cycles", ""]
    if not c.items:
        out += [EMPTY_SECTION, ""]
    else:
        out += [f"{plural(len(c.items), 'cycle group')}, by the modules the suggested cut frees, then by size.", ""]
    items, rest = view.head(c.items)
    for rank, g in enumerate(items):
        out += _cycle(g, rank, view)
    out += [*_rest(rest, "cycle group")[1:], ""] if rest else []
    d = c.deferred
    out += [
        "### Deferred imports that hide cycles",
        "",
        f"Imports inside functions: {d.deferred_imports}; with a comment about circular imports: {d.with_comment}; "
        f"closing a cycle: {d.closing_cycles}.",
    ]
    if d.sites:
        sites, rest = view.head(d.sites)
        rows: list[list[object]] = [
            [f"`{s.path}:{s.line}`", f"`{s.statement}`", "yes" if s.comment else "", "yes" if s.closes_cycle else ""]
            for s in sites
        ]
        out += ["", *table(["At", "Import", "Circular-import comment", "Closes a cycle"], rows)]
        out += _rest(rest, "deferred import")
    return out


def _event(ev: EventType, rank: int, view: View, with_new: bool) -> list[str]:
    out = [f"### {rank + 1}. `{ev.event}`{_anchor(ev.anchor)}", ""]
    new = f", {ev.new} new" if with_new else ""
    fix = f"; `ssotlint fix --unsafe` moves the fields of {plural(ev.fixable, 'literal dict')}" if ev.fixable else ""
    out += [f"{plural(ev.sites, 'drifting place')} ({ev.places()}), {plural(ev.findings, 'finding')}{new}{fix}.", ""]
    columns = sorted({f for s in ev.shapes for f in s.cells} | set(ev.fields))
    shapes, rest = view.lines(ev.shapes, None if view.detailed(rank) else 3)
    rows: list[list[object]] = []
    shown = 5 if view.rows is not None else None
    for s in shapes:
        where = ", ".join(f"`{loc.path}:{loc.line}`" for loc in s.locations[:shown])
        if shown is not None and len(s.locations) > shown:
            where += f" and {len(s.locations) - shown} more"
        rows.append([s.role, s.count, *(s.cells.get(f, "ok") for f in columns), where])
    if rest:
        rows.append([more(rest, "shape"), "", *([""] * len(columns)), ""])
    out += table(["Role", "Places", *(f"`{f}`" for f in columns), "Locations"], rows)
    out.append("")
    return out


def _events(e: Events, view: View, with_new: bool) -> list[str]:
    out = ["## Event shapes", ""]
    if not e.items:
        return [*out, EMPTY_SECTION]
    out += [
        f"{plural(len(e.items), 'event type')}, by drifting places. Each row is one shape: the places (producers or consumers) "
        "where the findings about the event agree; `ok`: no finding about that field there.",
        "",
    ]
    items, rest = view.head(e.items)
    for rank, ev in enumerate(items):
        out += _event(ev, rank, view, with_new)
    out += _rest(rest, "event type")[1:]
    while out and out[-1] == "":
        out.pop()
    return out


def render(report: Report, view: View | None = None) -> str:
    view = view or View()
    with_new = report.summary.baseline is not None
    unchecked = set(report.focus.unchecked)
    lines = [f"# ssotlint report: {report.project}", "", *_focus(report.focus)]
    sections = [
        _summary(report.summary),
        _start_here(report.start_here),
        ["## Duplicate implementations", "", NOT_CHECKED] if "duplicates" in unchecked else _concepts(report.concepts, view, with_new),
        ["## Import cycles", "", NOT_CHECKED] if "cycles" in unchecked else _cycles(report.cycles, view),
        ["## Event shapes", "", NOT_CHECKED] if "events" in unchecked else _events(report.events, view, with_new),
    ]
    for section in sections:
        lines += [*section, ""]
    return "\n".join(lines).rstrip("\n") + "\n"
