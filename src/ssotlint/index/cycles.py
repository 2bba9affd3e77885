"""Cycle analysis on import graphs: components, representative cycles, small cuts.

Deterministic throughout: every choice between equals is broken by module name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ssotlint.index.graph import Digraph
from ssotlint.index.imports import Edge

Weight = Callable[[str, str], float]


@dataclass(frozen=True)
class CycleReport:
    modules: tuple[str, ...]  # the strongly connected component, sorted
    cycle: tuple[str, ...]  # representative cycle, starting at its smallest module (not repeated at the end)
    cycle_sites: tuple[Edge, ...]  # the import that closes each step of the cycle
    cut: tuple[Edge, ...]  # import sites whose removal makes the component acyclic


def components(g: Digraph) -> list[tuple[str, ...]]:
    """Strongly connected components with two or more modules, sorted."""
    comps = [tuple(sorted(c)) for c in g.strongly_connected_components() if len(c) > 1]
    return sorted(comps)


def first_site(g: Digraph, u: str, v: str) -> Edge:
    sites: list[Edge] = g[u][v]["sites"]
    return min(sites, key=lambda e: (e.implicit, e.line, e.column))


Adjacency = dict[str, list[str]]


def _adjacency(g: Digraph, members: frozenset[str]) -> Adjacency:
    """Successors inside ``members``, sorted: the order every search below visits them in."""
    return {n: sorted(v for v in g.successors(n) if v in members) for n in members}


def _shortest_path(
    g: Digraph,
    source: str,
    target: str,
    members: frozenset[str],
    *,
    adjacency: Adjacency | None = None,
    max_edges: int | None = None,
) -> list[str]:
    """BFS path source -> target inside ``members``, neighbours visited in sorted order.

    With ``max_edges``, paths longer than that are not looked for ([] instead): the search
    stops early, and any path it returns is the one the unbounded search returns.
    """
    adj = adjacency if adjacency is not None else _adjacency(g, members)
    if source == target:
        return [source]
    parent: dict[str, str | None] = {source: None}
    frontier = [source]
    depth = 0
    while frontier and (max_edges is None or depth < max_edges):
        depth += 1
        following = []
        for node in frontier:
            for nxt in adj[node]:
                if nxt in parent:
                    continue
                parent[nxt] = node
                if nxt == target:
                    path = [nxt]
                    while parent[path[-1]] is not None:
                        path.append(parent[path[-1]])  # type: ignore[arg-type]
                    return path[::-1]
                following.append(nxt)
        frontier = following
    return []


def shortest_cycle(g: Digraph, start: str, members: frozenset[str]) -> list[str]:
    """The shortest simple cycle through ``start`` inside ``members``."""
    adj = _adjacency(g, members)
    best: list[str] = []
    for nxt in adj[start]:
        if nxt == start:
            continue
        back = _shortest_path(g, nxt, start, members, adjacency=adj, max_edges=len(best) - 1 if best else None)
        if back and (not best or len(back) < len(best)):
            best = [start, *back[:-1]]
    return best


def shortest_cycle_using(g: Digraph, members: frozenset[str], required: Callable[[str, str], bool]) -> list[str]:
    """The shortest simple cycle that takes at least one edge for which ``required`` holds.

    Ties go to the cycle whose rotation to its smallest module sorts first.
    """
    adj = _adjacency(g, members)
    best: list[str] = []
    for u in sorted(members):
        for v in adj[u]:
            if v == u or not required(u, v):
                continue
            # A longer cycle cannot win; one of the same length can (on the tie-break).
            back = _shortest_path(g, v, u, members, adjacency=adj, max_edges=len(best) - 1 if best else None)
            if not back:
                continue
            cycle = rotate_to_smallest([u, *back[:-1]])
            if not best or (len(cycle), cycle) < (len(best), best):
                best = cycle
    return best


def rotate_to_smallest(cycle: list[str]) -> list[str]:
    if not cycle:
        return cycle
    i = cycle.index(min(cycle))
    return cycle[i:] + cycle[:i]


def feedback_arc_set(g: Digraph, members: Iterable[str], weight: Weight) -> list[tuple[str, str]]:
    """A small set of edges whose removal leaves ``members`` acyclic.

    Weighted Eades-Lin-Smyth ordering, then a pass that puts back every removed edge
    that does not close a cycle again (heaviest first), so the result is minimal.
    """
    nodes = set(members)
    in_order = sorted(nodes)
    sub_edges = [(u, v) for u in in_order for v in sorted(g.successors(u)) if v in nodes and u != v]
    weights = {e: weight(*e) for e in sub_edges}
    out_w = {n: 0.0 for n in nodes}
    in_w = {n: 0.0 for n in nodes}
    succ: dict[str, set[str]] = {n: set() for n in nodes}
    pred: dict[str, set[str]] = {n: set() for n in nodes}
    for u, v in sub_edges:
        w = weights[(u, v)]
        out_w[u] += w
        in_w[v] += w
        succ[u].add(v)
        pred[v].add(u)

    remaining = set(nodes)
    head: list[str] = []
    tail: list[str] = []

    def remove(n: str) -> None:
        remaining.discard(n)
        for v in succ[n]:
            if v in remaining:
                in_w[v] -= weights[(n, v)]
                pred[v].discard(n)
        for u in pred[n]:
            if u in remaining:
                out_w[u] -= weights[(u, n)]
                succ[u].discard(n)

    while remaining:
        changed = True
        while changed:
            changed = False
            for n in in_order:  # sorted(remaining), skipping what a step of this pass removed
                if n not in remaining:
                    continue
                if not succ[n]:  # holds only remaining nodes: remove() prunes it
                    tail.append(n)
                    remove(n)
                    changed = True
                elif not pred[n]:
                    head.append(n)
                    remove(n)
                    changed = True
        if remaining:
            best = max((n for n in in_order if n in remaining), key=lambda n: out_w[n] - in_w[n])
            head.append(best)
            remove(best)
    order = head + list(reversed(tail))
    pos = {n: i for i, n in enumerate(order)}
    backward = [(u, v) for u, v in sub_edges if pos[u] > pos[v]]

    # Put back every cut edge that closes no cycle, heaviest first. The ordering is a
    # topological order of the kept edges; it is kept one as edges go back in
    # (Pearce-Kelly), so each reachability question only searches between the two ends.
    dag = _OrderedDag(order, [(u, v) for u, v in sub_edges if pos[u] <= pos[v]])
    kept_cut: list[tuple[str, str]] = []
    for u, v in sorted(backward, key=lambda e: (-weights[e], e)):
        if not dag.add(u, v):
            kept_cut.append((u, v))
    return sorted(kept_cut)


class _OrderedDag:
    """A DAG with a topological order kept up to date as edges are added (Pearce & Kelly,
    "A dynamic topological sort algorithm for directed acyclic graphs", 2006)."""

    def __init__(self, order: list[str], edges: Iterable[tuple[str, str]]) -> None:
        self.ord = {n: i for i, n in enumerate(order)}
        self.succ: dict[str, set[str]] = {n: set() for n in order}
        self.pred: dict[str, set[str]] = {n: set() for n in order}
        for u, v in edges:
            self.succ[u].add(v)
            self.pred[v].add(u)

    def add(self, x: str, y: str) -> bool:
        """Add x -> y unless it closes a cycle (then change nothing and return False)."""
        ord_ = self.ord
        lower, upper = ord_[y], ord_[x]
        if lower < upper:
            forward: list[str] = []
            seen = {y}
            todo = [y]
            while todo:  # what y reaches, up to x's place in the order
                n = todo.pop()
                forward.append(n)
                for w in self.succ[n]:
                    rank = ord_[w]
                    if rank == upper:
                        return False  # y reaches x: the edge would close a cycle
                    if rank < upper and w not in seen:
                        seen.add(w)
                        todo.append(w)
            backward: list[str] = []
            seen = {x}
            todo = [x]
            while todo:  # what reaches x, down to y's place in the order
                n = todo.pop()
                backward.append(n)
                for w in self.pred[n]:
                    if ord_[w] > lower and w not in seen:
                        seen.add(w)
                        todo.append(w)
            forward.sort(key=ord_.__getitem__)
            backward.sort(key=ord_.__getitem__)
            moved = backward + forward  # x's ancestors now come before y's descendants
            for n, rank in zip(moved, sorted(ord_[n] for n in moved), strict=True):
                ord_[n] = rank
        elif lower == upper:
            return False  # a self-loop
        self.succ[x].add(y)
        self.pred[y].add(x)
        return True


def names_weight(g: Digraph, prefer: Callable[[Edge], float] | None = None) -> Weight:
    """Cost of cutting an edge: the names its imports bring in (cutting few names is cheap)."""

    def weight(u: str, v: str) -> float:
        total = 0.0
        for site in g[u][v]["sites"]:
            cost = float(max(1, len(site.names)))
            if prefer is not None:
                cost *= prefer(site)
            total += cost
        return total

    return weight


def analyse_component(
    g: Digraph,
    members: tuple[str, ...],
    weight: Weight,
    must_use: Callable[[str, str], bool] | None = None,
) -> CycleReport:
    member_set = frozenset(members)
    if must_use is None:
        cycle = shortest_cycle(g, members[0], member_set)
    else:
        cycle = shortest_cycle_using(g, member_set, must_use)
    cycle = rotate_to_smallest(cycle)
    steps = list(zip(cycle, cycle[1:] + cycle[:1], strict=True))
    sites = tuple(first_site(g, u, v) for u, v in steps)
    cut_edges = feedback_arc_set(g, members, weight)
    cut = tuple(
        site
        for u, v in cut_edges
        for site in sorted(g[u][v]["sites"], key=lambda e: (e.path, e.line, e.column))
    )
    return CycleReport(members, tuple(cycle), sites, cut)
