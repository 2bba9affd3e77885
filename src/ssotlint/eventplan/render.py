"""Renderings of an event format :class:`~ssotlint.eventplan.model.Plan`: plain text and
Markdown (the JSON form is ``Plan.to_json``). They format the model and compute nothing."""

from __future__ import annotations

from collections.abc import Iterable

from ssotlint.eventplan.model import Candidate, Change, EventPlan, Plan, Site

HEADERS = ["event", "shape", "producers to change", "fix / by hand", "consumers to change", "fix / by hand", "files"]


def _sites(sites: tuple[Site, ...]) -> str:
    if not sites:
        return "0"
    files = len({s.path for s in sites})
    return f"{len(sites)} in {files} file{'s' if files != 1 else ''}"


def _split(sites: tuple[Site, ...]) -> str:
    fixable = sum(1 for s in sites if s.fixable)
    return f"{fixable} / {len(sites) - fixable}"


def _row(event: str, cand: Candidate, c: Change) -> list[str]:
    return [event, cand.id, _sites(c.producers), _split(c.producers), _sites(c.consumers), _split(c.consumers), str(c.files)]


def rows(plan: Plan) -> list[list[str]]:
    """The decision table: one row per event type and candidate, then the totals."""
    by_id = {c.id: c for c in plan.candidates}
    out = [_row(e.event, by_id[c.candidate], c) for e in plan.events for c in e.changes]
    out += [_row("all events", c, plan.totals(c.id)) for c in plan.candidates]
    return out


def _location(s: Site, markdown: bool = False) -> str:
    where = f"{s.path}:{s.line}:{s.column}"
    if markdown:
        where = f"`{where}`"
    if s.field:
        where += f" reads {s.field!r} " + (f"under {s.level!r}" if s.level else "at the top level")
    if s.fixable:
        return where + " (ssotlint fix --events producers,consumers)"
    return where + (f" (by hand: {s.reason})" if s.reason else " (by hand)")


def _level(level: str) -> str:
    return "at the top level" if not level else f"under {level!r}"


def _test_reads(e: EventPlan) -> Iterable[tuple[str, str]]:
    for f in e.fields:
        files = sorted({t.path for t in f.tests})
        spec = f"{_level(f.spec_level)} in the spec"
        if not files:
            yield f.field, f"{spec}; no test reads it"
            continue
        levels = sorted({t.level for t in f.tests})
        split = ", ".join(f"{sum(1 for t in f.tests if t.level == lv)} {_level(lv)}" for lv in levels)
        yield f.field, f"{spec}; {len(f.tests)} test read(s) ({split}) in {', '.join(files)}"


def _adopt(c: Candidate) -> str:
    if c.envelope is None:
        return f"To keep {c.label}:"
    return f"To adopt {c.label}:" if c.label == c.id else f"To adopt {c.id} ({c.label}):"


def text(plan: Plan, verbose: bool = False) -> str:
    lines = [f"Event format plan for {plan.spec} (discriminator {plan.discriminator!r})", "", "Candidate shapes:"]
    for c in plan.candidates:
        lines.append(f"  {c.id}: {c.label} (found in {', '.join(c.found_in)})")
    lines.append("")
    table = [HEADERS, *rows(plan)]
    widths = [max(len(r[i]) for r in table) for i in range(len(HEADERS))]
    for r in table:
        lines.append("  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip())
    for c in plan.candidates:
        total = plan.totals(c.id)
        sites = (*total.producers, *total.consumers)
        if not sites:
            continue
        lines += ["", _adopt(c)]
        lines += [f"  {_location(s)}" for s in sites]
    lines += ["", "Tests that read each field:"]
    for e in plan.events:
        lines.append(f"  {e.event}")
        lines += [f"    {name}: {what}" for name, what in _test_reads(e)]
    return "\n".join(lines) + "\n"


def _md_row(cells: list[str]) -> str:
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"


def markdown(plan: Plan) -> str:
    lines = [f"## Event format plan for `{plan.spec}`", "", f"Discriminator: `{plan.discriminator}`.", "", "Candidate shapes:", ""]
    for c in plan.candidates:
        lines.append(f"- **{c.id}**: {c.label} (found in {', '.join(c.found_in)})")
    lines += ["", _md_row(HEADERS), _md_row(["---"] * len(HEADERS))]
    lines += [_md_row(r) for r in rows(plan)]
    for c in plan.candidates:
        total = plan.totals(c.id)
        sites = (*total.producers, *total.consumers)
        if not sites:
            continue
        lines += ["", f"### {_adopt(c).rstrip(':')}", ""]
        lines += [f"- {_location(s, markdown=True)}" for s in sites]
    lines += ["", "### Tests that read each field", ""]
    for e in plan.events:
        for name, what in _test_reads(e):
            lines.append(f"- `{e.event}.{name}`: {what}")
    return "\n".join(lines) + "\n"
