"""The report for a terminal, with rich (colour only when asked for)."""

from __future__ import annotations

from typing import TextIO

from rich.console import Console
from rich.table import Table

from ssotlint.report.model import NOTHING_FOUND, Report

EMPTY_SECTION = f"[dim]{NOTHING_FOUND}[/dim]"


def render(report: Report, out: TextIO, *, color: bool = False, width: int | None = None) -> None:
    tty = hasattr(out, "isatty") and out.isatty()
    console = Console(
        file=out, color_system="auto" if color else None, width=width or (None if tty else 100), highlight=False, soft_wrap=False
    )
    s = report.summary
    console.rule(f"[bold]ssotlint report: {report.project}")
    console.print(f"{s.files} files, {s.modules} modules, {s.findings} findings.")
    if s.baseline is not None:
        console.print(f"Against the baseline: {s.baseline.new} new, {s.baseline.known} known, {s.baseline.gone} fixed since.")
    t = Table("Family", "Findings", "New", title="Summary", title_justify="left")
    for f in s.families:
        t.add_row(f.title, str(f.count), "" if f.new is None else str(f.new))
    console.print(t)

    console.print("\n[bold]Duplicate implementations[/bold]")
    c = report.concepts
    if not c.items and not c.constants:
        console.print(EMPTY_SECTION)
    for concept in c.items:
        console.print(f"Concept [bold]{concept.name}[/bold]: canonical [green]{concept.canonical}[/green]")
        for m in concept.members:
            importers = ", ".join(i.module for i in m.importers[:5]) + (" ..." if len(m.importers) > 5 else "")
            console.print(f"  {m.kind:<9} {m.symbol}  {m.path}:{m.line}  {m.import_sites} import sites  {importers}")
    if c.plan:
        console.print("Consolidation plan:")
        for p in c.plan:
            files = f"{len(p.files)} file{'s' if len(p.files) != 1 else ''}"
            console.print(f"  {p.step}. {p.action}: {p.subject} -> {p.target} ({files}; {p.command})")
    for k in c.constants:
        console.print(f"  constant  {k.path}:{k.line}  {k.message}")

    console.print("\n[bold]Import cycles[/bold]")
    if not report.cycles.items:
        console.print(EMPTY_SECTION)
    for g in report.cycles.items:
        kind = "import-time cycle" if g.kind == "import-time" else "cycle through deferred imports"
        console.print(f"[bold]{g.id}[/bold]: {kind} of {g.size} modules ({g.code}); packages: {', '.join(p.package for p in g.packages)}")
        for i, st in enumerate(g.steps, start=1):
            console.print(f"  {i}. {st.importer} -> {st.imported}  {st.path}:{st.line}  ({st.kind})")
        for x in g.cut:
            console.print(f"  [red]cut[/red] {x.path}:{x.line}  {x.importer} -> {x.imported}  ({', '.join(x.names)})")
    d = report.cycles.deferred
    console.print(
        f"Deferred imports: {d.deferred_imports} inside functions, {d.with_comment} with a circular-import comment, "
        f"{d.closing_cycles} closing a cycle."
    )

    console.print("\n[bold]Event shapes[/bold]")
    if not report.events.items:
        console.print(EMPTY_SECTION)
    for ev in report.events.items:
        columns = sorted({f for sh in ev.shapes for f in sh.cells} | set(ev.fields))
        t = Table("Role", "Places", *columns, "Locations", title=ev.event, title_justify="left")
        for sh in ev.shapes:
            t.add_row(sh.role, str(sh.count), *(sh.cells.get(f, "ok") for f in columns), ", ".join(f"{loc.path}:{loc.line}" for loc in sh.locations[:3]))
        console.print(t)
