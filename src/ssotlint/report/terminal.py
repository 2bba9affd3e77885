"""The report for a terminal, with rich (colour only when asked for).

The top items of each section (see :mod:`.view`), one line per member, cut import or
event shape, and how many more there are.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TextIO

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ssotlint.report.model import NOTHING_FOUND, Concepts, Cycles, Events, Report
from ssotlint.report.view import View, more
from ssotlint.reporters.summary import plural

EMPTY_SECTION = f"[dim]{NOTHING_FOUND}[/dim]"
NOT_CHECKED = "[dim]Not checked in this run (--select).[/dim]"
HINT = "--top N or --full shows them"


def _names(items: Sequence[str], shown: int | None) -> str:
    head = items if shown is None else items[:shown]
    return ", ".join(head) + (f" (+{len(items) - len(head)} more)" if len(items) > len(head) else "")


def _rest(console: Console, n: int, noun: str, indent: str = "") -> None:
    if n:
        console.print(f"{indent}[dim]{more(n, noun)}: {HINT}.[/dim]")


def _concepts(console: Console, c: Concepts, view: View) -> None:
    if not c.items and not c.constants:
        console.print(EMPTY_SECTION)
        return
    if c.items:
        console.print(f"{plural(len(c.items), 'concept')}, declared ones first, then by import sites to migrate.")
    items, rest = view.head(c.items)
    for rank, concept in enumerate(items):
        declared = " (declared)" if concept.declared else ""
        console.print(
            f"{rank + 1:>2}. [bold]{escape(concept.name)}[/bold]{declared}: canonical [green]{escape(concept.canonical)}[/green]; "
            f"{plural(concept.import_sites, 'import site')} to migrate, {plural(concept.findings, 'finding')}"
        )
        members, left = view.lines(concept.members, None if view.detailed(rank) else 3)
        for m in members:
            importers = _names([i.module for i in m.importers], 3 if view.rows is not None else None)
            console.print(f"      {m.kind:<9} {escape(m.symbol)}  {m.path}:{m.line}  {plural(m.import_sites, 'import site')}  {escape(importers)}")
        _rest(console, left, "member", "      ")
        factories, left = view.lines(concept.factories, None if view.detailed(rank) else 1)
        for f in factories:
            console.print(f"      factory   {f.path}:{f.line}  {escape(f.message)}")
        _rest(console, left, "factory", "      ")
    _rest(console, rest, "concept")
    if c.plan:
        console.print("Consolidation plan:")
        steps, rest = view.head(c.plan)
        for p in steps:
            files = plural(len(p.files), "file")
            console.print(f"  {p.step}. {p.action}: {escape(p.subject)} -> {escape(p.target)} ({files}; {p.command})")
        _rest(console, rest, "step", "  ")
    if c.constants:
        console.print("Conflicting constants:")
        constants, rest = view.head(c.constants)
        for k in constants:
            console.print(f"  {k.path}:{k.line}  {escape(k.message)}")
        _rest(console, rest, "constant", "  ")


def _cycles(console: Console, c: Cycles, view: View) -> None:
    if not c.items:
        console.print(EMPTY_SECTION)
    else:
        console.print(f"{plural(len(c.items), 'cycle group')}, by the modules the suggested cut frees, then by size.")
    items, rest = view.head(c.items)
    for rank, g in enumerate(items):
        kind = "import-time cycle" if g.kind == "import-time" else "cycle through deferred imports"
        packages = _names([p.package for p in g.packages], 3 if view.rows is not None else None)
        console.print(
            f"{rank + 1:>2}. [bold]{g.id}[/bold]: {kind} of {g.size} modules ({g.code}); packages: {escape(packages)}; "
            f"cut {plural(g.cut_imports, 'import')} to free {plural(g.freed, 'module')}"
        )
        cuts, left = view.lines(g.cut, None if view.detailed(rank) else 3)
        for x in cuts:
            alone = f"; alone it frees {plural(x.frees, 'module')}" if x.frees else ""
            console.print(f"      [red]cut[/red] {x.path}:{x.line}  {x.importer} -> {x.imported}  ({escape(', '.join(x.names))}){alone}")
        _rest(console, left, "cut import", "      ")
        if view.detailed(rank):
            steps, left = view.lines(g.steps)
            for i, st in enumerate(steps, start=1):
                console.print(f"      {i}. {st.importer} -> {st.imported}  {st.path}:{st.line}  ({st.kind})")
            _rest(console, left, "import of the cycle", "      ")
    _rest(console, rest, "cycle group")
    d = c.deferred
    console.print(
        f"Deferred imports: {d.deferred_imports} inside functions, {d.with_comment} with a circular-import comment, "
        f"{d.closing_cycles} closing a cycle."
    )
    sites, rest = view.head(d.sites)
    for s in sites:
        flags = ", ".join(f for f, on in (("circular-import comment", s.comment), ("closes a cycle", s.closes_cycle)) if on)
        console.print(f"  {s.path}:{s.line}  {escape(s.statement)}  ({flags})")
    _rest(console, rest, "deferred import", "  ")


def _events(console: Console, e: Events, view: View) -> None:
    if not e.items:
        console.print(EMPTY_SECTION)
        return
    console.print(f"{plural(len(e.items), 'event type')}, by drifting places; one line per shape (places that drift alike).")
    items, rest = view.head(e.items)
    for rank, ev in enumerate(items):
        fix = f"; ssotlint fix --unsafe moves the fields of {plural(ev.fixable, 'literal dict')}" if ev.fixable else ""
        console.print(
            f"{rank + 1:>2}. [bold]{escape(ev.event)}[/bold]: {plural(ev.sites, 'drifting place')} "
            f"({ev.places()}), {plural(ev.findings, 'finding')}{fix}"
        )
        shapes, left = view.lines(ev.shapes, None if view.detailed(rank) else 3)
        for sh in shapes:
            cells = "; ".join(f"{f}: {v}" for f, v in sorted(sh.cells.items()))
            where = _names([f"{loc.path}:{loc.line}" for loc in sh.locations], 2 if view.rows is not None else None)
            console.print(f"      {sh.role:<8} x{sh.count:<4} {escape(cells)}  at {where}")
        _rest(console, left, "shape", "      ")
    _rest(console, rest, "event type")


def render(report: Report, out: TextIO, *, color: bool = False, width: int | None = None, view: View | None = None) -> None:
    view = view or View()
    tty = hasattr(out, "isatty") and out.isatty()
    console = Console(
        file=out, color_system="auto" if color else None, width=width or (None if tty else 100), highlight=False, soft_wrap=False
    )
    s = report.summary
    f = report.focus
    console.rule(f"[bold]ssotlint report: {escape(report.project)}")
    console.print(f"{s.files} files, {s.modules} modules, {s.findings} findings.")
    narrowed = [
        *(["paths " + ", ".join(f.paths)] if f.paths else []),
        *(["rules " + ", ".join(f.select)] if f.select else []),
        *(["concepts " + ", ".join(f.concepts) + " and the cycles through their modules"] if f.concepts else []),
    ]
    if narrowed:
        console.print(escape(f"Narrowed to {'; '.join(narrowed)}."))
    if s.baseline is not None:
        console.print(f"Against the baseline: {s.baseline.new} new, {s.baseline.known} known, {s.baseline.gone} fixed since.")
    t = Table("Family", "Findings", *(["New"] if s.baseline is not None else []), title="Summary", title_justify="left")
    for fam in s.families:
        t.add_row(fam.title, str(fam.count), *([str(fam.new) if fam.new is not None else ""] if s.baseline is not None else []))
    console.print(t)

    console.print("\n[bold]Start here[/bold]")
    if not report.start_here:
        console.print(EMPTY_SECTION)
    for step in report.start_here:
        console.print(f"{step.step:>2}. {escape(step.title)}")
        if step.command:
            console.print(f"      $ {escape(step.command)}")

    unchecked = set(f.unchecked)
    sections: list[tuple[str, str, Callable[[], None]]] = [
        ("duplicates", "Duplicate implementations", lambda: _concepts(console, report.concepts, view)),
        ("cycles", "Import cycles", lambda: _cycles(console, report.cycles, view)),
        ("events", "Event shapes", lambda: _events(console, report.events, view)),
    ]
    for family, title, section in sections:
        console.print(f"\n[bold]{title}[/bold]")
        if family in unchecked:
            console.print(NOT_CHECKED)
        else:
            section()
