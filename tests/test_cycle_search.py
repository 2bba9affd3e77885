"""The bounded cycle searches return exactly what an exhaustive search returns."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

from hypothesis import given, settings
from hypothesis import strategies as st

from ssotlint.index.cycles import (
    feedback_arc_set,
    rotate_to_smallest,
    shortest_cycle,
    shortest_cycle_using,
)
from ssotlint.index.graph import Digraph
from ssotlint.index.imports import Edge


def _edge(u: str, v: str, kind: str, names: int) -> Edge:
    return Edge(
        importer=u, imported=v, path=f"{u}.py", line=1, column=1, end_line=1, end_column=2, kind=kind,
        guarded=False, names=tuple(f"n{i}" for i in range(names)), statement=f"import {v}", implicit=False,
        dynamic=False, circular_comment=False, scope="",
    )


def _reference_path(g: Digraph, source: str, target: str, members: frozenset[str]) -> list[str]:
    parent: dict[str, str | None] = {source: None}
    queue = deque([source])
    while queue:
        node = queue.popleft()
        if node == target:
            path = [node]
            while parent[path[-1]] is not None:
                path.append(parent[path[-1]])  # type: ignore[arg-type]
            return path[::-1]
        for nxt in sorted(g.successors(node)):
            if nxt in members and nxt not in parent:
                parent[nxt] = node
                queue.append(nxt)
    return []


def _reference_cycle(g: Digraph, start: str, members: frozenset[str]) -> list[str]:
    best: list[str] = []
    for nxt in sorted(g.successors(start)):
        if nxt not in members or nxt == start:
            continue
        back = _reference_path(g, nxt, start, members)
        if back and (not best or len(back) < len(best)):
            best = [start, *back[:-1]]
    return best


def _reference_cycle_using(g: Digraph, members: frozenset[str], required: Callable[[str, str], bool]) -> list[str]:
    best: list[str] = []
    for u in sorted(members):
        for v in sorted(g.successors(u)):
            if v not in members or v == u or not required(u, v):
                continue
            back = _reference_path(g, v, u, members)
            if not back:
                continue
            cycle = rotate_to_smallest([u, *back[:-1]])
            if not best or (len(cycle), cycle) < (len(best), best):
                best = cycle
    return best


NODES = [f"m{i}" for i in range(9)]
edges_strategy = st.lists(
    st.tuples(st.sampled_from(NODES), st.sampled_from(NODES), st.booleans(), st.integers(0, 3)), max_size=40
)


def _graph(edges: list[tuple[str, str, bool, int]]) -> Digraph:
    g = Digraph()
    for n in NODES:
        g.add_node(n)
    for u, v, deferred, names in edges:
        if u != v:
            g.add_site(_edge(u, v, "deferred" if deferred else "import-time", names))
    return g


@settings(max_examples=300, deadline=None)
@given(edges_strategy, st.sets(st.sampled_from(NODES), min_size=2))
def test_bounded_searches_match_the_exhaustive_ones(edges: list[tuple[str, str, bool, int]], chosen: set[str]) -> None:
    g = _graph(edges)
    members = frozenset(chosen)

    def deferred(u: str, v: str) -> bool:
        return any(e.kind == "deferred" for e in g[u][v]["sites"])

    start = min(members)
    assert shortest_cycle(g, start, members) == _reference_cycle(g, start, members)
    assert shortest_cycle_using(g, members, deferred) == _reference_cycle_using(g, members, deferred)


@settings(max_examples=200, deadline=None)
@given(edges_strategy)
def test_feedback_arc_set_leaves_no_cycle(edges: list[tuple[str, str, bool, int]]) -> None:
    g = _graph(edges)

    def weight(u: str, v: str) -> float:
        return float(sum(max(1, len(e.names)) for e in g[u][v]["sites"]))

    cut = set(feedback_arc_set(g, NODES, weight))
    rest = Digraph()
    for u, v in g.edges():
        if (u, v) not in cut:
            for e in g[u][v]["sites"]:
                rest.add_site(e)
    assert all(len(c) == 1 for c in rest.strongly_connected_components())
    for u, v in cut:  # minimal: putting any cut edge back closes a cycle
        assert rest.reachable(v, u)
