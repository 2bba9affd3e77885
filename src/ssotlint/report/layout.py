"""A small layered (Sugiyama-style) graph layout and its SVG drawing.

Enough for the report's graphs (a cycle group, a concept's import fan-in): no browser
script, no external tool. Deterministic: every tie is broken by node id.

1. Edges listed in ``ignore`` (the suggested cut) and then the remaining back edges of a
   depth-first search are set aside, which leaves a DAG.
2. Longest-path layering of that DAG, top to bottom.
3. A few barycenter sweeps order each layer to reduce crossings.
4. Nodes are boxes sized by their label; downward edges are straight, edges that go up or
   sideways (the ones set aside, which close the cycles) are drawn as curves on the right.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape

CHAR_W = 7.0  # average width of a 12px sans-serif character
NODE_H = 30.0
GAP_X = 28.0
GAP_Y = 70.0
GAP_LR_X = 90.0
GAP_LR_Y = 12.0
MARGIN = 20.0


@dataclass(frozen=True)
class Node:
    id: str
    label: str
    style: str = "module"  # CSS class: module / cycle / package / canonical / alias / duplicate


@dataclass(frozen=True)
class Link:
    source: str
    target: str
    style: str = "plain"  # CSS class: plain / cycle / cut / deferred
    label: str = ""


@dataclass(frozen=True)
class Box:
    node: Node
    x: float
    y: float
    w: float
    h: float


def _acyclic(nodes: Sequence[str], edges: Sequence[tuple[str, str]]) -> set[tuple[str, str]]:
    """Edges kept after removing DFS back edges (DFS from nodes in order)."""
    succ: dict[str, list[str]] = {n: [] for n in nodes}
    for u, v in edges:
        succ[u].append(v)
    for n in succ:
        succ[n].sort()
    state: dict[str, int] = {}  # 1 = on stack, 2 = done
    back: set[tuple[str, str]] = set()
    for start in nodes:
        if start in state:
            continue
        stack: list[tuple[str, int]] = [(start, 0)]
        state[start] = 1
        while stack:
            node, i = stack[-1]
            if i < len(succ[node]):
                stack[-1] = (node, i + 1)
                nxt = succ[node][i]
                if state.get(nxt) == 1:
                    back.add((node, nxt))
                elif nxt not in state:
                    state[nxt] = 1
                    stack.append((nxt, 0))
            else:
                state[node] = 2
                stack.pop()
    return {e for e in edges if e not in back}


def layers(nodes: Sequence[str], edges: Iterable[tuple[str, str]], ignore: Iterable[tuple[str, str]] = ()) -> list[list[str]]:
    order = sorted(set(nodes))
    skip = set(ignore)
    dag_edges = sorted({(u, v) for u, v in edges if u != v and (u, v) not in skip and u in order and v in order})
    kept = _acyclic(order, dag_edges)
    preds: dict[str, list[str]] = {n: [] for n in order}
    succs: dict[str, list[str]] = {n: [] for n in order}
    for u, v in sorted(kept):
        preds[v].append(u)
        succs[u].append(v)
    level: dict[str, int] = {}
    indeg = {n: len(preds[n]) for n in order}
    ready = [n for n in order if indeg[n] == 0]
    while ready:
        ready.sort(reverse=True)
        n = ready.pop()
        level[n] = max((level[p] + 1 for p in preds[n]), default=0)
        for s in succs[n]:
            indeg[s] -= 1
            if indeg[s] == 0:
                ready.append(s)
    rows: list[list[str]] = [[] for _ in range(max(level.values(), default=-1) + 1)]
    for n in order:
        rows[level[n]].append(n)

    # Barycenter sweeps: down using predecessors, up using successors.
    neighbours_up: dict[str, list[str]] = {n: [] for n in order}
    neighbours_down: dict[str, list[str]] = {n: [] for n in order}
    for u, v in dag_edges:
        neighbours_up[v].append(u)
        neighbours_down[u].append(v)
    for _ in range(4):
        for i in range(1, len(rows)):
            pos = {n: k for k, n in enumerate(rows[i - 1])}
            rows[i].sort(key=lambda n: (_bary(neighbours_up[n], pos), n))
        for i in range(len(rows) - 2, -1, -1):
            pos = {n: k for k, n in enumerate(rows[i + 1])}
            rows[i].sort(key=lambda n: (_bary(neighbours_down[n], pos), n))
    return rows


def _bary(neighbours: list[str], pos: dict[str, int]) -> float:
    xs = [pos[n] for n in neighbours if n in pos]
    return sum(xs) / len(xs) if xs else float("inf")


def place(
    nodes: Sequence[Node], links: Sequence[Link], ignore: Iterable[tuple[str, str]] = (), direction: str = "TD"
) -> tuple[list[Box], float, float]:
    """Boxes for every node and the drawing's width and height.

    ``TD``: layers are rows, top to bottom; ``LR``: layers are columns, left to right (for
    fan-ins, where one layer holds many nodes).
    """
    by_id = {n.id: n for n in nodes}
    rows = layers(list(by_id), [(link.source, link.target) for link in links], ignore)
    widths = [[len(by_id[n].label) * CHAR_W + 20 for n in row] for row in rows]
    boxes: list[Box] = []
    if direction == "LR":
        col_w = [max(ws, default=0.0) for ws in widths]
        col_h = [len(row) * NODE_H + max(0, len(row) - 1) * GAP_LR_Y for row in rows]
        tallest = max(col_h, default=0.0)
        x = MARGIN
        for i, row in enumerate(rows):
            y = MARGIN + (tallest - col_h[i]) / 2
            for n, w in zip(row, widths[i], strict=True):
                boxes.append(Box(by_id[n], x + (col_w[i] - w) / 2, y, w, NODE_H))
                y += NODE_H + GAP_LR_Y
            x += col_w[i] + GAP_LR_X
        return boxes, x - GAP_LR_X + MARGIN, tallest + 2 * MARGIN + 24  # room below for return curves
    row_w = [sum(ws) + GAP_X * (len(ws) - 1) for ws in widths]
    total_w = max(row_w, default=0.0) + 2 * MARGIN + 80  # room on the right for the return curves
    for i, row in enumerate(rows):
        x = MARGIN + (max(row_w) - row_w[i]) / 2
        y = MARGIN + i * (NODE_H + GAP_Y)
        for n, w in zip(row, widths[i], strict=True):
            boxes.append(Box(by_id[n], x, y, w, NODE_H))
            x += w + GAP_X
    height = MARGIN * 2 + len(rows) * NODE_H + max(0, len(rows) - 1) * GAP_Y
    return boxes, total_w, height


def _lr_path(a: Box, b: Box, k: int, height: float) -> tuple[float, float, float, float, str]:
    if b.x > a.x:
        x1, y1 = a.x + a.w, a.y + a.h / 2
        x2, y2 = b.x, b.y + b.h / 2
        mid = (x1 + x2) / 2
        return x1, y1, x2, y2, f"M{x1:.1f},{y1:.1f} C{mid:.1f},{y1:.1f} {mid:.1f},{y2:.1f} {x2:.1f},{y2:.1f}"
    # Backwards: leave from the bottom, bow out below.
    x1, y1 = a.x + a.w / 2, a.y + a.h
    x2, y2 = b.x + b.w / 2, b.y + b.h
    bow = min(height - 8, max(y1, y2) + 40 + 12 * (k % 3))
    return x1, y1, x2, y2, f"M{x1:.1f},{y1:.1f} C{x1:.1f},{bow:.1f} {x2:.1f},{bow:.1f} {x2:.1f},{y2:.1f}"


def svg(
    nodes: Sequence[Node],
    links: Sequence[Link],
    ignore: Iterable[tuple[str, str]] = (),
    title: str = "",
    direction: str = "TD",
    key: str = "",
) -> str:
    """One ``<svg>`` element (no script, no external reference) drawing the graph.

    ``key`` makes the ids of its arrowheads unique in a page with several graphs (an
    arrowhead defined in a collapsed ``<details>`` would not be drawn elsewhere).
    """
    arrow = f"arrow-{key}-" if key else "arrow-"
    boxes, width, height = place(nodes, links, ignore, direction)
    at = {b.node.id: b for b in boxes}
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="graph" role="img" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}">',
        f"<title>{escape(title)}</title>" if title else "",
        "<defs>",
        *(
            f'<marker id="{arrow}{s}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
            f'<path d="M0,0 L10,5 L0,10 z" class="head-{s}"/></marker>'
            for s in ("plain", "cycle", "cut", "deferred")
        ),
        "</defs>",
    ]
    for k, link in enumerate(sorted(links, key=lambda lk: (lk.source, lk.target))):
        a, b = at.get(link.source), at.get(link.target)
        if a is None or b is None:
            continue
        if direction == "LR":
            x1, y1, x2, y2, d = _lr_path(a, b, k, height)
        elif b.y > a.y:
            x1, y1 = a.x + a.w / 2, a.y + a.h
            x2, y2 = b.x + b.w / 2, b.y
            d = f"M{x1:.1f},{y1:.1f} C{x1:.1f},{y1 + GAP_Y / 2:.1f} {x2:.1f},{y2 - GAP_Y / 2:.1f} {x2:.1f},{y2:.1f}"
        else:
            # Upward or sideways: leave from the right side, bow out to the right.
            x1, y1 = a.x + a.w, a.y + a.h / 2
            x2, y2 = b.x + b.w, b.y + b.h / 2
            bow = max(x1, x2) + 40 + 12 * (k % 3)
            d = f"M{x1:.1f},{y1:.1f} C{bow:.1f},{y1:.1f} {bow:.1f},{y2:.1f} {x2:.1f},{y2:.1f}"
        parts.append(
            f'<path d="{d}" class="edge edge-{link.style}" marker-end="url(#{arrow}{link.style})">'
            f"<title>{escape(link.source)} &#8594; {escape(link.target)}{escape(' (' + link.label + ')') if link.label else ''}</title></path>"
        )
        if link.label:
            mx, my = (x1 + x2) / 2, (y1 + y2) / 2
            if direction != "LR" and b.y <= a.y:
                mx = max(x1, x2) + 0.75 * (bow - max(x1, x2))
            parts.append(f'<text x="{mx + 4:.1f}" y="{my:.1f}" class="edge-label edge-label-{link.style}">{escape(link.label)}</text>')
    for box in boxes:
        parts.append(
            f'<g class="node node-{box.node.style}"><rect x="{box.x:.1f}" y="{box.y:.1f}" width="{box.w:.1f}" height="{box.h:.1f}" rx="5"/>'
            f'<text x="{box.x + box.w / 2:.1f}" y="{box.y + box.h / 2 + 4:.1f}" text-anchor="middle">{escape(box.node.label)}</text></g>'
        )
    parts.append("</svg>")
    return "".join(p for p in parts if p)
