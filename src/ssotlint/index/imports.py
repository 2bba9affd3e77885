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

    What ``names`` holds depends on the edge. An explicit edge of ``from X import a, b``
    to ``X`` carries the names read as attributes of ``X``; an edge to a submodule
    ``X.a`` (``submodule`` set) carries the names that bind that submodule itself. One
    statement gives both kinds when it mixes them (``from X import sub, attr``). An edge of
    ``import a.b`` carries the name it binds (``a``, or the ``as`` name). An implicit edge
    (a package whose ``__init__`` runs on the way) carries the names of the statement that
    go through that package.
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
    names: tuple[str, ...]  # the names this import brings in (see above)
    statement: str  # the import as written, e.g. "from app.ws import manager"
    implicit: bool  # runs a package __init__ on the way to the imported module
    dynamic: bool
    circular_comment: bool
    scope: str
    submodule: bool = False  # `from X import sub`: ``imported`` is X.sub, which each of ``names`` binds

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}"


class Unresolved(NamedTuple):
    """A first-party import that names no module of the project.

    ``module`` is the absolute module the statement asks for, or "" for a relative import
    that goes beyond the top-level package (Python raises ImportError there).
    """

    path: str
    line: int
    column: int
    statement: str
    module: str

    @property
    def reason(self) -> str:
        if not self.module:
            return "a relative import beyond the top-level package"
        return f"no module {self.module} in the project"


def _statement_text(fact: ImportFact) -> str:
    dots = "." * fact.level
    if fact.is_from:
        names = ", ".join(n.name + (f" as {n.asname}" if n.asname else "") for n in fact.names)
        return f"from {dots}{fact.module} import {names}"
    if fact.dynamic:
        anchor = ", package=__name__" if fact.relative_to_name else ", package=__package__" if fact.level else ""
        return f'import_module("{dots}{fact.module}"{anchor})'
    return f"import {fact.module}" + (f" as {fact.asname}" if fact.asname else "")


class Target(NamedTuple):
    """A module an import statement names explicitly, with the names it takes from it."""

    module: str
    names: tuple[str, ...]
    submodule: bool  # `from X import sub`: each name binds the module X.sub itself


class Resolution(NamedTuple):
    """What one import statement asks for, before the importer's own packages are removed."""

    targets: tuple[Target, ...]  # explicit targets, in the order of the statement
    #: Packages whose ``__init__`` Python runs on the way, with the names that go through each.
    packages: tuple[tuple[str, tuple[str, ...]], ...]
    #: The absolute module asked for when it is first-party but not a module of the
    #: project ("" beyond the top-level package); None when it resolved (or is third-party).
    missing: str | None


_NOTHING = Resolution((), (), None)


class Resolver:
    def __init__(self, modules: ModuleTable) -> None:
        self.modules = modules
        # Thousands of files import the same few modules the same way: resolve each once.
        self._resolved: dict[tuple[object, ...], Resolution] = {}

    @functools.cached_property
    def _namespaces(self) -> frozenset[str]:
        """Packages without an ``__init__.py`` above some module: they exist, run no code."""
        names = [n for n in self.modules.by_name if "@" not in n]
        return frozenset(a for n in names for a in _ancestors(n) if a not in self.modules)

    def _package_of(self, importer: ModuleInfo) -> str:
        name = importer.name.split("@", 1)[0]
        return name if importer.is_package else name.rpartition(".")[0]

    def _absolute_base(self, importer: ModuleInfo, fact: ImportFact) -> str | None:
        """The absolute module a statement names; None for a relative import that goes
        beyond the top-level package (or has no package to start from)."""
        if fact.level == 0:
            return fact.module
        # `from .x` starts at the module's package; import_module(".x", package=__name__)
        # at the module itself, which differs from its package unless it is an __init__.
        anchor = importer.name.split("@", 1)[0] if fact.relative_to_name else self._package_of(importer)
        parts = anchor.split(".") if anchor else []
        if fact.level > len(parts):
            return None  # as Python: "attempted relative import beyond top-level package"
        base = parts[: len(parts) - fact.level + 1]
        if fact.module:
            base.append(fact.module)
        return ".".join(base)

    def resolve(self, importer: ModuleInfo, fact: ImportFact) -> Resolution:
        """The first-party modules this import names and the packages it runs on the way."""
        base = self._absolute_base(importer, fact)
        if base is None:
            return Resolution((), (), "")
        if not base:
            return _NOTHING
        key = (base, fact.level == 0, fact.is_from, fact.names, fact.asname)
        found = self._resolved.get(key)
        if found is None:
            found = self._resolved[key] = self._resolve(base, fact)
        return found

    def _resolve(self, base: str, fact: ImportFact) -> Resolution:
        modules = self.modules
        if fact.level == 0 and base.split(".", 1)[0] not in modules.top_level:
            return _NOTHING  # third-party or stdlib, even if a first-party module shares the name
        all_names = tuple(n.name for n in fact.names) if fact.is_from else (fact.asname or base.split(".", 1)[0],)
        if base not in modules and base not in self._namespaces:
            # A compiled extension, a module of a separately installed distribution, or a
            # missing one: Python runs the existing packages on the way, then fails (or the
            # `except ImportError` takes over). Never an edge to the statement's own module.
            return Resolution((), self._packages([(base, all_names)]), base)
        if not fact.is_from:
            targets = [Target(base, all_names, False)] if base in modules else []
        else:
            attributes: list[str] = []
            submodules: dict[str, list[str]] = {}
            for imported in fact.names:
                sub = f"{base}.{imported.name}"
                if imported.name != "*" and sub in modules:
                    submodules.setdefault(sub, []).append(imported.name)
                else:
                    attributes.append(imported.name)
            # A namespace package (a folder without __init__.py) runs no code and holds
            # nothing but its submodules.
            targets = [Target(base, tuple(attributes), False)] if attributes and base in modules else []
            targets.extend(Target(sub, tuple(names), True) for sub, names in submodules.items())
        explicit = {t.module for t in targets}
        packages = [p for p in self._packages([(t.module, t.names) for t in targets]) if p[0] not in explicit]
        return Resolution(tuple(targets), tuple(packages), None)

    def _packages(self, below: list[tuple[str, tuple[str, ...]]]) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """The existing packages above each module, outermost first, with the names below them."""
        found: dict[str, list[str]] = {}
        for module, names in below:
            for ancestor in sorted(_ancestors(module), key=len):
                if ancestor in self.modules:
                    into = found.setdefault(ancestor, [])
                    into.extend(n for n in names if n not in into)
        return tuple((p, tuple(names)) for p, names in found.items())

    def edges(self, importer: ModuleInfo, fact: ImportFact) -> Iterator[Edge]:
        resolution = self.resolve(importer, fact)
        if not resolution.targets and not resolution.packages:
            return
        own_name = importer.name.split("@", 1)[0]
        own_ancestors = _ancestors(own_name)
        statement = _statement_text(fact)
        for package, names in resolution.packages:
            # The importer's own packages are running already: the import cannot run them.
            if package not in own_ancestors and package != own_name:
                yield self._edge(importer, package, fact, names, statement, implicit=True, submodule=False)
        for target in resolution.targets:
            if target.module != importer.name:
                yield self._edge(
                    importer, target.module, fact, target.names, statement, implicit=False, submodule=target.submodule
                )

    def unresolved(self, importer: ModuleInfo, fact: ImportFact) -> Unresolved | None:
        """The import as :class:`Unresolved` when it is first-party and names no module."""
        missing = self.resolve(importer, fact).missing
        if missing is None:
            return None
        return Unresolved(importer.rel, fact.line, fact.column, _statement_text(fact), missing)

    def _edge(
        self,
        importer: ModuleInfo,
        target: str,
        fact: ImportFact,
        names: tuple[str, ...],
        statement: str,
        *,
        implicit: bool,
        submodule: bool,
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
            submodule=submodule,
        )


@functools.lru_cache(maxsize=65536)
def _ancestors(name: str) -> frozenset[str]:
    parts = name.split(".")
    return frozenset(".".join(parts[:n]) for n in range(1, len(parts)))


class EdgeMemo(Protocol):
    """What an earlier run resolved, by file and content digest (see cache.EdgeStore):
    the file's edges, its ignore comments, parse error and unresolved imports, as plain tuples."""

    def get(self, rel: str, digest: bytes) -> StoredEdges | None: ...

    def put(self, rel: str, digest: bytes, entry: StoredEdges) -> None: ...


#: (edges, suppression comments, parse error or None, unresolved imports) of one file, as plain tuples.
StoredEdges = tuple[
    tuple[tuple[Any, ...], ...], tuple[tuple[Any, ...], ...], tuple[Any, ...] | None, tuple[tuple[Any, ...], ...]
]


class ImportGraph:
    """All first-party import edges of the project, by kind, and every file's
    suppression comments (which may remove edges)."""

    def __init__(
        self,
        edges: Iterable[Edge],
        suppressions: Mapping[str, tuple[Suppression, ...]] | None = None,
        errors: Mapping[str, ParseError] | None = None,
        unresolved: Iterable[Unresolved] = (),
    ) -> None:
        self.edges: tuple[Edge, ...] = tuple(sorted(edges, key=lambda e: (e.path, e.line, e.column, e.imported)))
        self.suppressions: dict[str, tuple[Suppression, ...]] = dict(sorted((suppressions or {}).items()))
        #: Files that could not be parsed, by path (kept here as they come with the edges).
        self.errors: dict[str, ParseError] = dict(sorted((errors or {}).items()))
        #: First-party imports that name no module of the project, in file order.
        self.unresolved: tuple[Unresolved, ...] = tuple(sorted(unresolved))

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
        unresolved: list[Unresolved] = []
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
                    unresolved.extend(map(Unresolved._make, known[3]))
                    continue
            facts = files[rel]
            importer = modules.by_rel.get(rel)
            own: list[Edge] = []
            missing: list[Unresolved] = []
            if importer is not None:
                for fact in facts.imports:
                    own.extend(resolver.edges(importer, fact))
                    found = resolver.unresolved(importer, fact)
                    if found is not None:
                        missing.append(found)
            if facts.suppressions:
                suppressions[rel] = facts.suppressions
            if facts.error is not None:
                errors[rel] = facts.error
            if digest is not None and store is not None:
                error = None if facts.error is None else tuple(facts.error)
                entry = (tuple(map(tuple, own)), tuple(map(tuple, facts.suppressions)), error, tuple(map(tuple, missing)))
                store.put(rel, digest, entry)
            edges.extend(own)
            unresolved.extend(missing)
        return cls(edges, suppressions, errors, unresolved)

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
