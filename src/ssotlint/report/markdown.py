"""The report as Markdown (GitHub flavour) with Mermaid diagrams."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ssotlint.report.graphs import cycle_picture, fan_in_picture, mermaid
from ssotlint.report.model import (
    CYCLE_DRAW_LIMIT,
    NOTHING_FOUND,
    Concepts,
    Cycles,
    Events,
    Report,
    Summary,
)

EMPTY_SECTION = f"_{NOTHING_FOUND}_"
LIST_LIMIT = 25  # rows of long lists shown before "... and N more"


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    out.extend("| " + " | ".join(_cell(c) for c in row) + " |" for row in rows)
    return out


def _new(n: int | None) -> str:
    return "" if n is None else str(n)


def _limited(rows: list[list[object]], width: int) -> list[list[object]]:
    if len(rows) <= LIST_LIMIT:
        return rows
    return [*rows[:LIST_LIMIT], [f"... and {len(rows) - LIST_LIMIT} more", *([""] * (width - 1))]]


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


def _concepts(c: Concepts) -> list[str]:
    out = ["## Duplicate implementations", ""]
    if not c.items and not c.constants:
        return [*out, EMPTY_SECTION]
    for concept in c.items:
        out += [f"### Concept `{concept.name}`", ""]
        where = f" (`{concept.canonical_location.path}:{concept.canonical_location.line}`)" if concept.canonical_location else ""
        out += [f"Canonical: `{concept.canonical}`{where}", ""]
        if concept.members:
            rows: list[list[object]] = [
                [
                    m.kind,
                    f"`{m.symbol}`",
                    f"`{m.path}:{m.line}`",
                    m.import_sites,
                    ", ".join(f"`{i.module}`" for i in m.importers[:10]) + (" ..." if len(m.importers) > 10 else ""),
                    "`ssotlint fix`" if m.fix == "safe" else "`ssotlint fix --unsafe` after merging",
                ]
                for m in concept.members
            ]
            out += table(["Kind", "Symbol", "Defined at", "Import sites", "Importing modules", "Fix"], rows)
            nodes, links = fan_in_picture(concept)
            out += ["", "```mermaid", mermaid(nodes, links, "LR"), "```"]
        if concept.factories:
            out += ["", "Duplicate factories:", ""]
            out += [f"- `{f.path}:{f.line}` {f.message}" for f in concept.factories]
        out.append("")
    if c.plan:
        out += ["### Consolidation plan", ""]
        rows = [
            [p.step, p.action, f"`{p.subject}`", f"`{p.target}`", p.import_sites, len(p.files), p.command]
            for p in c.plan
        ]
        out += table(["Step", "Action", "Subject", "Into", "Import sites", "Files", "How"], rows)
        out.append("")
    if c.constants:
        out += ["### Conflicting constants", ""]
        out += [f"- `{f.path}:{f.line}` {f.message}" for f in c.constants]
        out.append("")
    while out and out[-1] == "":
        out.pop()
    return out


def _cycles(c: Cycles) -> list[str]:
    out = ["## Import cycles", ""]
    if not c.items:
        out += [EMPTY_SECTION, ""]
    for g in c.items:
        kind = "import-time cycle" if g.kind == "import-time" else "cycle through deferred imports"
        out += [f"### {g.id}: {kind} of {g.size} modules ({g.code})", ""]
        out.append("Packages: " + ", ".join(f"`{p.package}` ({p.modules})" for p in g.packages))
        out += ["", "Representative cycle:", ""]
        steps: list[list[object]] = [
            [i, f"`{s.importer}` -> `{s.imported}`", f"`{s.path}:{s.line}`", s.kind, ", ".join(s.names)]
            for i, s in enumerate(g.steps, start=1)
        ]
        out += table(["#", "Import", "At", "Kind", "Names"], _limited(steps, 5))
        out += ["", f"Suggested cut ({len(g.cut)} import{'s' if len(g.cut) != 1 else ''} to remove or move):", ""]
        cuts = [f"- `{x.path}:{x.line}` `{x.importer}` -> `{x.imported}` brings in {', '.join(f'`{n}`' for n in x.names) or 'the module'}" for x in g.cut]
        out += cuts[:LIST_LIMIT] + ([f"- ... and {len(cuts) - LIST_LIMIT} more"] if len(cuts) > LIST_LIMIT else [])
        nodes, links, _ = cycle_picture(g)
        note = " (large group: the cycle and the cut are drawn; other modules are collapsed into their packages)" if g.graph.collapsed else ""
        if g.graph.collapsed and len(g.cycle) > CYCLE_DRAW_LIMIT:
            note = f" (the cycle has {len(g.cycle)} modules: it is drawn through packages; the modules of the first cut imports are shown)"
        out += ["", f"Cut imports are dashed{note}.", "", "```mermaid", mermaid(nodes, links), "```", ""]
    d = c.deferred
    out += [
        "### Deferred imports that hide cycles",
        "",
        f"Imports inside functions: {d.deferred_imports}; with a comment about circular imports: {d.with_comment}; "
        f"closing a cycle: {d.closing_cycles}.",
    ]
    if d.sites:
        rows: list[list[object]] = [
            [f"`{s.path}:{s.line}`", f"`{s.statement}`", "yes" if s.comment else "", "yes" if s.closes_cycle else ""]
            for s in d.sites
        ]
        out += ["", *table(["At", "Import", "Circular-import comment", "Closes a cycle"], _limited(rows, 4))]
    return out


def _events(e: Events) -> list[str]:
    out = ["## Event shapes", ""]
    if not e.items:
        return [*out, EMPTY_SECTION]
    out += ["Each row is one shape: the places (producers or consumers) where the findings about the event agree; `ok`: no finding about that field there.", ""]
    for ev in e.items:
        out += [f"### `{ev.event}`", ""]
        columns = sorted({f for s in ev.shapes for f in s.cells} | set(ev.fields))
        rows: list[list[object]] = []
        for s in ev.shapes:
            where = ", ".join(f"`{loc.path}:{loc.line}`" for loc in s.locations[:5])
            if len(s.locations) > 5:
                where += f" and {len(s.locations) - 5} more"
            rows.append([s.role, s.count, *(s.cells.get(f, "ok") for f in columns), where])
        out += table(["Role", "Places", *(f"`{f}`" for f in columns), "Locations"], rows)
        out.append("")
    while out and out[-1] == "":
        out.pop()
    return out


def render(report: Report) -> str:
    lines = [f"# ssotlint report: {report.project}", ""]
    for section in (_summary(report.summary), _concepts(report.concepts), _cycles(report.cycles), _events(report.events)):
        lines += [*section, ""]
    return "\n".join(lines).rstrip("\n") + "\n"
