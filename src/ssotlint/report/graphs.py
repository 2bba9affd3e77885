"""The report's pictures as plain node/link lists, and their Mermaid rendering.

The Markdown renderer draws these with Mermaid, the HTML renderer with :mod:`.layout`:
both show the same graph.
"""

from __future__ import annotations

import re

from ssotlint.report.layout import Link, Node
from ssotlint.report.model import Concept, CycleGroup

FAN_IN_LIMIT = 10  # importing modules drawn per alias/duplicate; the rest become "+N more"
FAN_IN_GROUP_ABOVE = 20  # more importing modules than this are drawn by package


def cycle_picture(group: CycleGroup) -> tuple[list[Node], list[Link], list[tuple[str, str]]]:
    """Nodes, links and the cut edges (set aside when layering) of a cycle group."""
    nodes = [
        Node(n.id, n.label, "package" if n.kind == "package" else ("cycle" if n.in_cycle else "module"))
        for n in group.graph.nodes
    ]
    links = []
    for e in group.graph.edges:
        style = "cut" if e.cut else ("cycle" if e.in_cycle else ("deferred" if e.kind == "deferred" else "plain"))
        label = "cut" if e.cut else ("deferred" if e.kind == "deferred" else "")
        links.append(Link(e.source, e.target, style, label))
    cut = [(e.source, e.target) for e in group.graph.edges if e.cut]
    return nodes, links, cut


def fan_in_picture(concept: Concept, limit: int = FAN_IN_LIMIT) -> tuple[list[Node], list[Link]]:
    """Importing modules -> each alias/duplicate -> the canonical class.

    With more than ``FAN_IN_GROUP_ABOVE`` importing modules in all, importers are drawn by
    package ("pkg (3 modules)"); at most ``limit`` importers per alias or duplicate, then
    "+N more".
    """
    canonical = f"symbol:{concept.canonical}"
    nodes: dict[str, Node] = {canonical: Node(canonical, concept.canonical or "?", "canonical")}
    links: list[Link] = []
    importers = {i.module for m in concept.members for i in m.importers}
    by_package = len(importers) > FAN_IN_GROUP_ABOVE
    counts: dict[str, set[str]] = {}
    for module in importers:
        counts.setdefault(module.rpartition(".")[0] or module, set()).add(module)
    for m in concept.members:
        member = f"symbol:{m.symbol}"
        nodes[member] = Node(member, m.symbol, m.kind)
        links.append(Link(member, canonical, "cycle" if m.kind == "alias" else "plain", m.kind))
        sources: list[tuple[str, str]] = []
        for imp in m.importers:
            if by_package:
                package = imp.module.rpartition(".")[0] or imp.module
                sources.append((f"package:{package}", f"{package} ({len(counts[package])} modules)"))
            else:
                sources.append((f"module:{imp.module}", imp.module))
        distinct = list(dict.fromkeys(sources))
        for nid, label in distinct[:limit]:
            nodes.setdefault(nid, Node(nid, label, "package" if by_package else "module"))
            links.append(Link(nid, member))
        rest = len(distinct) - limit
        if rest > 0:
            more = f"more:{m.symbol}"
            nodes[more] = Node(more, f"+{rest} more {'packages' if by_package else 'modules'}", "package")
            links.append(Link(more, member))
    return sorted(nodes.values(), key=lambda n: n.id), links


_ARROWS = {"plain": "-->", "cycle": "==>", "cut": "-.->", "deferred": "-->"}
_CLASSES = {
    "cycle": "fill:#fde2e1,stroke:#c0392b",
    "package": "fill:#eef1f5,stroke:#7f8c8d,stroke-dasharray:3 3",
    "canonical": "fill:#d5f5e3,stroke:#1e8449",
    "alias": "fill:#fef9e7,stroke:#b7950b",
    "duplicate": "fill:#fdebd0,stroke:#ca6f1e",
}


def _label(text: str) -> str:
    # Mermaid labels are quoted; a quote inside is written as an entity code.
    return re.sub(r'["\n]', lambda m: "#quot;" if m.group() == '"' else " ", text)


def mermaid(nodes: list[Node], links: list[Link], direction: str = "TD") -> str:
    """A ``flowchart`` whose node ids are ``n0``, ``n1``... in the given node order."""
    ids = {n.id: f"n{i}" for i, n in enumerate(nodes)}
    lines = [f"flowchart {direction}"]
    for n in nodes:
        lines.append(f'    {ids[n.id]}["{_label(n.label)}"]')
    red: list[int] = []
    drawn = [lk for lk in links if lk.source in ids and lk.target in ids]
    for k, lk in enumerate(drawn):
        arrow = _ARROWS[lk.style]
        text = f"|{_label(lk.label)}|" if lk.label else ""
        lines.append(f"    {ids[lk.source]} {arrow}{text} {ids[lk.target]}")
        if lk.style == "cut":
            red.append(k)
    for style, css in _CLASSES.items():
        members = [ids[n.id] for n in nodes if n.style == style]
        if members:
            lines.append(f"    classDef {style} {css}")
            lines.append(f"    class {','.join(members)} {style}")
    if red:
        lines.append(f"    linkStyle {','.join(map(str, red))} stroke:#c0392b,stroke-width:2px")
    return "\n".join(lines)
