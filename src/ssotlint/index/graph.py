"""A small directed graph of modules whose edges carry their import sites.

The cycle rules run on every pre-commit call, so they use this plain-dict graph rather
than networkx (whose import alone costs about 0.1 s; ssotlint does not depend on it). It
mirrors the few networkx calls the project needs (``g[u][v]["sites"]``, ``successors``,
``edges``...); the tests check it against networkx.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ssotlint.index.imports import Edge


class Digraph:
    def __init__(self) -> None:
        self._succ: dict[str, dict[str, dict[str, list[Edge]]]] = {}

    # building --------------------------------------------------------------------------
    def add_node(self, n: str) -> None:
        self._succ.setdefault(n, {})

    def add_site(self, e: Edge) -> None:
        targets = self._succ.setdefault(e.importer, {})
        self._succ.setdefault(e.imported, {})
        attrs = targets.get(e.imported)
        if attrs is None:
            targets[e.imported] = {"sites": [e]}
        else:
            attrs["sites"].append(e)

    def remove_edges_from(self, pairs: Iterable[tuple[str, str]]) -> None:
        for u, v in pairs:
            self._succ.get(u, {}).pop(v, None)

    def copy(self) -> Digraph:
        g = Digraph()
        g._succ = {u: {v: {"sites": list(a["sites"])} for v, a in vs.items()} for u, vs in self._succ.items()}
        return g

    # queries ---------------------------------------------------------------------------
    def __getitem__(self, u: str) -> dict[str, dict[str, list[Edge]]]:
        return self._succ[u]

    def __contains__(self, n: object) -> bool:
        return n in self._succ

    @property
    def nodes(self) -> list[str]:
        return list(self._succ)

    def successors(self, u: str) -> Iterator[str]:
        return iter(self._succ.get(u, ()))

    def has_edge(self, u: str, v: str) -> bool:
        return v in self._succ.get(u, {})

    def edges(self) -> Iterator[tuple[str, str]]:
        for u, vs in self._succ.items():
            for v in vs:
                yield u, v

    def sites(self, u: str, v: str) -> list[Edge]:
        return self._succ[u][v]["sites"]

    def strongly_connected_components(self) -> list[list[str]]:
        """Tarjan's algorithm, iterative (components can be thousands of modules deep)."""
        index: dict[str, int] = {}
        low: dict[str, int] = {}
        on_stack: set[str] = set()
        stack: list[str] = []
        result: list[list[str]] = []
        counter = 0
        for root in self._succ:
            if root in index:
                continue
            work: list[tuple[str, Iterator[str]]] = [(root, iter(self._succ[root]))]
            index[root] = low[root] = counter
            counter += 1
            stack.append(root)
            on_stack.add(root)
            while work:
                node, children = work[-1]
                advanced = False
                for child in children:
                    if child not in index:
                        index[child] = low[child] = counter
                        counter += 1
                        stack.append(child)
                        on_stack.add(child)
                        work.append((child, iter(self._succ[child])))
                        advanced = True
                        break
                    if child in on_stack:
                        low[node] = min(low[node], index[child])
                if advanced:
                    continue
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    result.append(component)
        return result

    def reachable(self, source: str, target: str, allowed: set[str] | None = None) -> bool:
        if source == target:
            return True
        seen = {source}
        todo = [source]
        while todo:
            node = todo.pop()
            for nxt in self._succ.get(node, ()):
                if nxt == target:
                    return True
                if nxt not in seen and (allowed is None or nxt in allowed):
                    seen.add(nxt)
                    todo.append(nxt)
        return False

    def __repr__(self) -> str:
        count = sum(len(v) for v in self._succ.values())
        return f"<Digraph {len(self._succ)} modules, {count} edges>"
