"""What to do first: the impact measures the report is ordered by, and its "Start here" steps.

- Concepts: declared ones first (the migration a team has decided on), then by the import
  sites their aliases and duplicates still have (the work a consolidation migrates).
- Cycle groups: by how many modules the suggested cut frees from every cycle, then by size,
  then by how few imports the cut needs.
- Event types: by the number of places (producers and consumers) that drift from the spec.

"Start here" picks a few steps across the sections: ``ssotlint fix`` when some findings have
a safe fix, the head of each ranking, then whatever else addresses the most findings.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ssotlint.index.graph import Digraph

#: Cut imports whose effect alone is measured per group (the others say ``frees: null``).
CUT_SCORE_LIMIT = 20
#: Steps in "Start here".
START_HERE_LIMIT = 5


# --- cycles ---------------------------------------------------------------------------------


def _subgraph(g: Digraph, members: Iterable[str]) -> Digraph:
    keep = set(members)
    sub = Digraph()
    for u in sorted(keep):
        sub.add_node(u)
        if u not in g:
            continue
        for v in g.successors(u):
            if v in keep and v != u:
                sub.add_site(g.sites(u, v)[0])
    return sub


def _cyclic(g: Digraph) -> int:
    """Modules of ``g`` that still lie on a cycle."""
    return sum(len(c) for c in g.strongly_connected_components() if len(c) > 1)


@dataclass(frozen=True)
class CutEffect:
    freed: int  # modules no longer on any cycle once every cut import is removed
    frees: dict[tuple[str, str], int]  # (importer, imported) -> modules freed by that cut alone


def cut_effect(g: Digraph, members: Sequence[str], cut: Sequence[tuple[str, str]]) -> CutEffect:
    """How many of a group's modules leave every cycle when the cut (or one cut import) goes.

    Measured on the group's own imports in ``g``; each of the first ``CUT_SCORE_LIMIT``
    distinct cut imports is also measured alone.
    """
    sub = _subgraph(g, members)
    before = _cyclic(sub)
    edges = list(dict.fromkeys(e for e in cut if sub.has_edge(*e)))
    frees: dict[tuple[str, str], int] = {}
    for e in edges[:CUT_SCORE_LIMIT] if len(edges) > 1 else ():
        # One import out, measured, put back (copying a large group's graph costs more).
        site = sub.sites(*e)[0]
        sub.remove_edges_from([e])
        frees[e] = before - _cyclic(sub)
        sub.add_site(site)
    sub.remove_edges_from(edges)
    freed = before - _cyclic(sub)
    if len(edges) == 1:
        frees[edges[0]] = freed
    return CutEffect(freed, frees)


def cycle_key(freed: int, size: int, cut_imports: int, code: str, modules: Sequence[str]) -> tuple[object, ...]:
    return (-freed, -size, cut_imports, code, tuple(modules))


# --- concepts and events ----------------------------------------------------------------------


def concept_key(declared: bool, import_sites: int, findings: int, name: str) -> tuple[object, ...]:
    return (not declared, -import_sites, -findings, name)


def event_key(sites: int, findings: int, event: str) -> tuple[object, ...]:
    return (-sites, -findings, event)


# --- "Start here" -----------------------------------------------------------------------------

KINDS = ("fix", "concept", "cycle", "event")


@dataclass(frozen=True)
class Candidate:
    kind: str  # one of KINDS
    rank: int  # position in its section's ranking (0 for the fix step)
    findings: int  # findings the step addresses
    payload: object  # what the model turns into a step


def pick(candidates: Sequence[Candidate], limit: int = START_HERE_LIMIT) -> list[Candidate]:
    """The fix step and the head of each ranking, then the steps addressing most findings.

    Listed by findings addressed, most first (ties: fix, concept, cycle, event; then rank).
    """

    def by_findings(c: Candidate) -> tuple[int, int, int]:
        return (-c.findings, KINDS.index(c.kind), c.rank)

    chosen: list[Candidate] = []
    for kind in KINDS:
        head = min((c for c in candidates if c.kind == kind), key=lambda c: c.rank, default=None)
        if head is not None:
            chosen.append(head)
    for c in sorted(candidates, key=by_findings):
        if len(chosen) >= limit:
            break
        if not any(c is x for x in chosen):
            chosen.append(c)
    return sorted(chosen[:limit], key=by_findings)
