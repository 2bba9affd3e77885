"""Resolve import facts into first-party edges and build the import graphs."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, NamedTuple, Protocol

from ssotlint.facts.model import (
    DEFERRED,
    IMPORT_TIME,
    TYPING,
    FileFacts,
    ImportFact,
    ParseError,
    Suppression,
)
from ssotlint.index.graph import Digraph
from ssotlint.index.modules import ModuleInfo, ModuleTable


class Edge(NamedTuple):
    """One import site that makes ``importer`` run ``imported``.

    A named tuple rather than a frozen dataclass: a large project has hundreds of
    thousands of them, and a tuple is built several times faster.
    """

    importer: str
    imported: str
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    kind: str  # IMPORT_TIME / DEFERRED / TYPING
    guarded: bool
    names: tuple[str, ...]  # the names this import brings in
    statement: str  # the import as written, e.g. "from app.ws import manager"
    implicit: bool  # runs a package __init__ on the way to the imported module
    dynamic: bool
    circular_comment: bool
    scope: str

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}"


def _statement_text(fact: ImportFact) -> str:
    dots = "." * fact.level
    if fact.is_from:
        names = ", ".join(n.name + (f" as {n.asname}" if n.asname else "") for n in fact.names)
        return f"from {dots}{fact.module} import {names}"
    if fact.dynamic:
        return f'import_module("{dots}{fact.module}")'
    return f"import {fact.module}" + (f" as {fact.asname}" if fact.asname else "")


class Resolver:
    def __init__(self, modules: ModuleTable) -> None:
        self.modules = modules
        # Thousands of files import the same few modules the same way: resolve each once.
        self._resolved: dict[tuple[object, ...], list[tuple[str, tuple[str, ...]]]] = {}

    def _package_of(self, importer: ModuleInfo) -> str:
        name = importer.name.split("@", 1)[0]
        return name if importer.is_package else name.rpartition(".")[0]

    def _absolute_base(self, importer: ModuleInfo, fact: ImportFact) -> str | None:
        if fact.level == 0:
            return fact.module
        package = self._package_of(importer)
        parts = package.split(".") if package else []
        up = fact.level - 1
        if up > len(parts) or (up == len(parts) and not fact.module):
            return None  # beyond the top-level package
        base = parts[: len(parts) - up]
        if fact.module:
            base.append(fact.module)
        return ".".join(base)

    def _longest_module(self, dotted: str) -> str | None:
        parts = dotted.split(".")
        for n in range(len(parts), 0, -1):
            candidate = ".".join(parts[:n])
            if candidate in self.modules:
                return candidate
        return None

    def targets(self, importer: ModuleInfo, fact: ImportFact) -> list[tuple[str, tuple[str, ...]]]:
        """First-party modules this import runs directly, with the names each brings in."""
        base = self._absolute_base(importer, fact)
        if not base:
            return []
        key = (base, fact.level == 0, fact.is_from, fact.names, fact.asname)
        found = self._resolved.get(key)
        if found is None:
            found = self._resolved[key] = self._targets_of(base, fact)
        return list(found)

    def _targets_of(self, base: str, fact: ImportFact) -> list[tuple[str, tuple[str, ...]]]:
        if fact.level == 0 and base.split(".", 1)[0] not in self.modules.top_level:
            return []  # third-party or stdlib, even if a first-party module shares the name
        if not fact.is_from:
            target = self._longest_module(base)
            if target is None:
                return []
            return [(target, (fact.asname or base.split(".", 1)[0],))]
        by_target: dict[str, list[str]] = {}
        for imported in fact.names:
            sub = f"{base}.{imported.name}"
            if imported.name != "*" and sub in self.modules:
                by_target.setdefault(sub, []).append(imported.name)
            else:
                target = self._longest_module(base)
                if target is not None:
                    by_target.setdefault(target, []).append(imported.name)
        return [(t, tuple(names)) for t, names in by_target.items()]

    def edges(self, importer: ModuleInfo, fact: ImportFact) -> Iterator[Edge]:
        targets = self.targets(importer, fact)
        if not targets:
            return
        own_name = importer.name.split("@", 1)[0]
        own_ancestors = _ancestors(own_name)
        statement = _statement_text(fact)
        emitted: set[str] = set()
        for target, names in targets:
            chain = [a for a in sorted(_ancestors(target), key=len) if a in self.modules]
            for ancestor in chain:
                if ancestor in own_ancestors or ancestor in (own_name, target) or ancestor in emitted:
                    continue
                emitted.add(ancestor)
                yield self._edge(importer, ancestor, fact, names, statement, implicit=True)
            if target != importer.name and target not in emitted:
                emitted.add(target)
                yield self._edge(importer, target, fact, names, statement, implicit=False)

    def _edge(
        self,
        importer: ModuleInfo,
        target: str,
        fact: ImportFact,
        names: tuple[str, ...],
        statement: str,
        *,
        implicit: bool,
    ) -> Edge:
        return Edge(
            importer=importer.name,
            imported=target,
            path=importer.rel,
            line=fact.line,
            column=fact.column,
            end_line=fact.end_line,
            end_column=fact.end_column,
            kind=fact.context,
            guarded=fact.guarded,
            names=names,
            statement=statement,
            implicit=implicit,
            dynamic=fact.dynamic,
            circular_comment=fact.circular_comment,
            scope=fact.scope,
        )


@functools.lru_cache(maxsize=65536)
def _ancestors(name: str) -> frozenset[str]:
    parts = name.split(".")
    return frozenset(".".join(parts[:n]) for n in range(1, len(parts)))


class EdgeMemo(Protocol):
    """What an earlier run resolved, by file and content digest (see cache.EdgeStore):
    the file's edges and its ignore comments, as plain tuples."""

    def get(self, rel: str, digest: bytes) -> StoredEdges | None: ...

    def put(self, rel: str, digest: bytes, entry: StoredEdges) -> None: ...


#: (edges, suppression comments, parse error or None) of one file, as plain tuples.
StoredEdges = tuple[tuple[tuple[Any, ...], ...], tuple[tuple[Any, ...], ...], tuple[Any, ...] | None]


class ImportGraph:
    """All first-party import edges of the project, by kind, and every file's
    suppression comments (which may remove edges)."""

    def __init__(
        self,
        edges: Iterable[Edge],
        suppressions: Mapping[str, tuple[Suppression, ...]] | None = None,
        errors: Mapping[str, ParseError] | None = None,
    ) -> None:
        self.edges: tuple[Edge, ...] = tuple(sorted(edges, key=lambda e: (e.path, e.line, e.column, e.imported)))
        self.suppressions: dict[str, tuple[Suppression, ...]] = dict(sorted((suppressions or {}).items()))
        #: Files that could not be parsed, by path (kept here as they come with the edges).
        self.errors: dict[str, ParseError] = dict(sorted((errors or {}).items()))

    @classmethod
    def build(
        cls,
        modules: ModuleTable,
        files: Mapping[str, FileFacts],
        store: EdgeMemo | None = None,
        digests: Mapping[str, bytes] | None = None,
    ) -> ImportGraph:
        """Resolve every file's imports; with a ``store`` (and the files' content
        ``digests``), reuse what was resolved before against the same module table,
        without even reading those files' facts."""
        resolver = Resolver(modules)
        edges: list[Edge] = []
        suppressions: dict[str, tuple[Suppression, ...]] = {}
        errors: dict[str, ParseError] = {}
        make_edge, make_suppression = Edge._make, Suppression._make
        for rel in files:
            digest = digests.get(rel) if store is not None and digests is not None else None
            if digest is not None and store is not None:
                known = store.get(rel, digest)
                if known is not None:
                    edges.extend(map(make_edge, known[0]))
                    if known[1]:
                        suppressions[rel] = tuple(map(make_suppression, known[1]))
                    if known[2] is not None:
                        errors[rel] = ParseError._make(known[2])
                    continue
            facts = files[rel]
            importer = modules.by_rel.get(rel)
            own = [] if importer is None else [e for fact in facts.imports for e in resolver.edges(importer, fact)]
            if facts.suppressions:
                suppressions[rel] = facts.suppressions
            if facts.error is not None:
                errors[rel] = facts.error
            if digest is not None and store is not None:
                error = None if facts.error is None else tuple(facts.error)
                store.put(rel, digest, (tuple(map(tuple, own)), tuple(map(tuple, facts.suppressions)), error))
            edges.extend(own)
        return cls(edges, suppressions, errors)

    def graph(self, kinds: frozenset[str], skip: frozenset[Edge] = frozenset()) -> Digraph:
        """A graph of modules; each edge holds its import sites in ``g[u][v]["sites"]``."""
        g = Digraph()
        succ = g._succ  # built here rather than edge by edge through add_site: 200,000 edges on a large project
        for e in self.edges:
            if e.kind in kinds and (not skip or e not in skip):
                u, v = e.importer, e.imported
                targets = succ.get(u)
                if targets is None:
                    targets = succ[u] = {}
                attrs = targets.get(v)
                if attrs is None:
                    targets[v] = {"sites": [e]}
                    if v not in succ:
                        succ[v] = {}
                else:
                    attrs["sites"].append(e)
        return g


RUNTIME = frozenset({IMPORT_TIME})
RUNTIME_AND_DEFERRED = frozenset({IMPORT_TIME, DEFERRED})
ALL_KINDS = frozenset({IMPORT_TIME, DEFERRED, TYPING})
