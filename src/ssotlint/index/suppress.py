"""Import edges removed from the cycle graphs by ignore comments or ``imports.allow``."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ssotlint.config import AllowEntry
from ssotlint.facts.model import Suppression
from ssotlint.index.cycles import components
from ssotlint.index.imports import Edge, ImportGraph


def _glob_to_regex(pattern: str) -> re.Pattern[str]:
    parts = []
    for segment in pattern.split("."):
        if segment == "**":
            parts.append(r"(?:[^.]+(?:\.[^.]+)*)?")
        else:
            parts.append(re.escape(segment).replace(r"\*", r"[^.]*"))
    regex = r"\.".join(parts).replace(r"\.(?:[^.]+(?:\.[^.]+)*)?", r"(?:\.[^.]+)*")
    return re.compile(rf"^{regex}$")


@dataclass(frozen=True)
class EdgeSuppression:
    skipped: frozenset[Edge]
    used_comments: frozenset[tuple[str, int]]  # (path, line) of comments that removed a cycle edge
    used_allow: frozenset[str]  # allow entries that removed a cycle edge


def edge_suppression(
    graph: ImportGraph,
    allow: tuple[AllowEntry, ...],
    code: str,
    kinds: frozenset[str],
) -> EdgeSuppression:
    """Which edges of ``kinds`` are removed for rule ``code``, and which markers mattered.

    A marker "matters" when the edge it removes lies inside a cycle of the unsuppressed
    graph; a marker that removes nothing cyclic is reported as unused.
    """
    comment_lines: dict[tuple[str, int], Suppression] = {}
    for path, suppressions in graph.suppressions.items():
        for s in suppressions:
            if not s.file_level and (not s.codes or code in s.codes):
                comment_lines[(path, s.line)] = s
    matchers = [(a, _glob_to_regex(a.importer), _glob_to_regex(a.imported)) for a in allow]
    if not comment_lines and not matchers:
        return EdgeSuppression(frozenset(), frozenset(), frozenset())

    full = graph.graph(kinds)
    cyclic_pairs: set[tuple[str, str]] = set()
    for comp in components(full):
        members = set(comp)
        for u in comp:
            for v in full.successors(u):
                if v in members:
                    cyclic_pairs.add((u, v))

    skipped: set[Edge] = set()
    used_comments: set[tuple[str, int]] = set()
    used_allow: set[str] = set()
    for e in graph.edges:
        if e.kind not in kinds:
            continue
        key = (e.path, e.line)
        hit = False
        if key in comment_lines:
            hit = True
            if (e.importer, e.imported) in cyclic_pairs:
                used_comments.add(key)
        for entry, imp_re, dep_re in matchers:
            if imp_re.match(e.importer) and dep_re.match(e.imported):
                hit = True
                if (e.importer, e.imported) in cyclic_pairs:
                    used_allow.add(entry.text)
        if hit:
            skipped.add(e)
    return EdgeSuppression(frozenset(skipped), frozenset(used_comments), frozenset(used_allow))
