"""The project symbol table: what a name in a module refers to, across imports and aliases.

Names are resolved statically from the facts: module-level classes, aliases
(``A = b.C``), imports (absolute and relative, renamed, star) and package re-exports.
A resolution also returns the chain of bindings it went through, so that importing
``WebSocketManager`` from a compatibility module counts as a use of that alias *and*
of the class it stands for.

Classes get a *role* from their resolved bases, names, methods and location: only
``implementation`` classes can be duplicates of each other.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import NamedTuple, TypeVar

import pathspec

from ssotlint.config import Config
from ssotlint.facts.model import BODY_REAL, ClassFact, FileFacts, ImportFact
from ssotlint.index.imports import Resolver
from ssotlint.index.modules import ModuleInfo, ModuleTable

# Roles of a class.
IMPLEMENTATION = "implementation"
PROTOCOL = "protocol"
ABSTRACT = "abstract"
ENUM = "enum"
TYPEDDICT = "typeddict"
NAMEDTUPLE = "namedtuple"
EXCEPTION = "exception"
TEST_DOUBLE = "test-double"
VALIDATOR = "validator"
MIXIN = "mixin"
NON_PRODUCTION = "non-production"

_TYPING = ("typing", "typing_extensions")
_PROTOCOLS = tuple(f"{t}.Protocol" for t in _TYPING)
_TYPEDDICTS = tuple(f"{t}.TypedDict" for t in _TYPING)
_NAMEDTUPLES = ("typing.NamedTuple", "typing_extensions.NamedTuple", "collections.namedtuple")
_ENUMS = {"Enum", "IntEnum", "StrEnum", "Flag", "IntFlag", "ReprEnum"}
_MOCKS = {"Mock", "MagicMock", "AsyncMock", "NonCallableMock", "NonCallableMagicMock", "PropertyMock"}
_EXCEPTION_BASES = {"BaseException", "Exception"}
_DOUBLE_NAME = re.compile(r"^(?:Mock|Fake|Stub|Dummy|Spy)(?:[A-Z_]|$)|(?:Mock|Fake|Stub|Dummy|Spy|Double)$")
_VALIDATOR_NAME = re.compile(r"(?:Validator|Checker|Verifier|Inspector)$")
_VALIDATOR_METHOD = re.compile(r"^(?:validate|check|verify|inspect|assert|is|has)(?:_|$)")
_MAX_DEPTH = 32
#: Bases that say nothing about what a class is for.
NEUTRAL_BASES = frozenset(
    {"object", "builtins.object", "abc.ABC", "typing.Generic", "typing_extensions.Generic", "?"}
)


@dataclass(frozen=True, slots=True)
class Symbol:
    """What a name refers to.

    ``kind`` is ``class`` (a first-party class: ``module`` and ``name`` = its qualname),
    ``module`` (a first-party module), ``other`` (some other first-party binding: a
    function, a variable, or a name the module does not define) or ``external``
    (``name`` is the dotted name outside the project, e.g. ``typing.Protocol``).
    """

    kind: str
    module: str
    name: str

    @property
    def key(self) -> str:
        return f"{self.module}:{self.name}" if self.module else self.name


UNKNOWN = Symbol("external", "", "?")
_T = TypeVar("_T")

Hop = tuple[str, str]  # (module, name) of a binding a resolution went through


@dataclass(frozen=True, slots=True)
class Resolved:
    symbol: Symbol
    via: tuple[Hop, ...]  # import / alias bindings passed on the way, first one first


_MISSING = Resolved(UNKNOWN, ())  # a lookup not memoised yet


@dataclass(slots=True)
class _Namespace:
    classes: dict[str, ClassFact] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    imports: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # name -> (module, attr)
    stars: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ClassInfo:
    """A first-party class with where it lives."""

    module: str
    path: str
    fact: ClassFact
    in_tests: bool
    key: str  # "module:Qual.Name"
    non_production: bool = False  # in an example, doc, template, migration or settings path

    @property
    def name(self) -> str:
        return self.fact.name


@dataclass(frozen=True, slots=True)
class Role:
    role: str
    reason: str


class ImportSite(NamedTuple):
    """One import statement that brings a binding into another module.

    A named tuple rather than a frozen dataclass: sites are built for each finding, and a
    tuple is built several times faster.
    """

    importer: str  # module name
    path: str
    line: int
    column: int


def public_interface(fact: ClassFact) -> frozenset[tuple[str, int]]:
    """(method name, arity) of the public methods a class defines itself."""
    return frozenset((m.name, len(m.params)) for m in fact.methods if not m.name.startswith("_"))


def build_namespace(facts: FileFacts, absolute: Callable[[ImportFact], str | None]) -> _Namespace:
    """The top-level bindings of a module: classes, aliases, imports (``absolute`` gives
    a relative import's base)."""
    ns = _Namespace()
    for fact in facts.imports:
        if fact.scope or fact.dynamic:
            continue
        base = fact.module if fact.level == 0 else absolute(fact)
        if not base:
            continue
        if not fact.is_from:
            if fact.asname:
                ns.imports[fact.asname] = (base, None)
            else:
                head = base.split(".", 1)[0]
                ns.imports.setdefault(head, (head, None))
            continue
        for imported in fact.names:
            if imported.name == "*":
                ns.stars.append(base)
            else:
                ns.imports[imported.asname or imported.name] = (base, imported.name)
    for alias in facts.aliases:
        ns.aliases[alias.name] = alias.target
    for c in facts.classes:
        if c.qualname == c.name:
            ns.classes[c.name] = c
    return ns


class _ClassesByKey(dict[str, "ClassInfo"]):
    """``SymbolTable.classes`` built one module at a time, as keys are asked for: a table
    that answers questions about a few classes reads only the files those touch."""

    def __init__(
        self,
        modules: ModuleTable,
        files: Mapping[str, FileFacts],
        test_spec: pathspec.GitIgnoreSpec,
        overrides: Mapping[str, ClassInfo],
        other_spec: pathspec.GitIgnoreSpec,
    ) -> None:
        super().__init__()
        self._modules = modules
        self._files = files
        self._test_spec = test_spec
        self._other_spec = other_spec
        self._overrides = overrides
        self._read: set[str] = set()

    def get(self, key: str, default: ClassInfo | None = None) -> ClassInfo | None:  # type: ignore[override]
        found = self._overrides.get(key)
        if found is not None:
            return found
        module = key.rpartition(":")[0]
        if module not in self._read:
            self._read.add(module)
            info = self._modules.get(module)
            facts = self._files.get(info.rel) if info is not None else None
            if info is not None and facts is not None and facts.classes:
                in_tests = bool(self._test_spec.match_file(info.rel))
                other = bool(self._other_spec.match_file(info.rel))
                for fact in facts.classes:
                    key = f"{module}:{fact.qualname}"
                    self.setdefault(key, ClassInfo(module, info.rel, fact, in_tests, key, other))
        return super().get(key, default)


class SymbolTable:
    def __init__(
        self,
        config: Config,
        modules: ModuleTable,
        files: Mapping[str, FileFacts],
        *,
        lazy: bool = False,
        overrides: Mapping[str, ClassInfo] | None = None,
    ) -> None:
        """``lazy``: read a file's classes only once a lookup reaches its module (for
        questions about a few classes; ``classes`` then holds only what was read), and
        take the classes in ``overrides`` (by key) instead of those of the files."""
        self.config = config
        self.modules = modules
        self.files = files
        self._resolver = Resolver(modules)
        self._module_names = modules.by_name
        self._namespaces: dict[str, _Namespace | None] = {}
        self._memo: dict[Hop, Resolved | None] = {}
        self._active: set[Hop] = set()
        self._refused: set[Hop] = set()  # looked up too deep: answered None, not memoised
        self._roles: dict[str, Role] = {}
        self._bases: dict[str, tuple[Symbol, ...]] = {}
        self._lineage: dict[str, frozenset[str]] = {}
        self._parents: dict[str, tuple[ClassInfo, ...]] = {}
        self._ancestors: dict[str, tuple[ClassInfo, ...]] = {}
        self._external: dict[str, tuple[str, ...]] = {}
        test_spec = pathspec.GitIgnoreSpec.from_lines(config.test_paths)
        other_spec = pathspec.GitIgnoreSpec.from_lines(config.non_production_paths)
        self.classes: dict[str, ClassInfo] = (
            _ClassesByKey(modules, files, test_spec, overrides if overrides is not None else {}, other_spec) if lazy else {}
        )
        self._test_spec = test_spec
        self._other_spec = other_spec
        self._path_kinds: dict[str, tuple[bool, bool]] = {}
        for rel, facts in () if lazy else files.items():
            info = modules.by_rel.get(rel)
            if info is None or not facts.classes:
                continue
            in_tests, other = self._path_kind(rel)
            for fact in facts.classes:
                c = ClassInfo(info.name, rel, fact, in_tests, f"{info.name}:{fact.qualname}", other)
                self.classes.setdefault(c.key, c)
        self._sites: dict[Hop, list[ImportSite]] = {}
        self._direct: dict[Hop, list[ImportSite]] = {}
        self._pairs: dict[Hop, list[tuple[int, str, str, ImportFact]]] = {}
        self._by_hop: dict[Hop, list[Hop]] | None = None

    @functools.cached_property
    def classes_by_name(self) -> dict[str, list[ClassInfo]]:
        """Top-level classes by their name."""
        out: dict[str, list[ClassInfo]] = {}
        for c in self.classes.values():
            if c.fact.qualname == c.fact.name:
                out.setdefault(c.name, []).append(c)
        return out

    def _path_kind(self, rel: str) -> tuple[bool, bool]:
        """Whether ``rel`` is test code, and whether it is other non-production code; asked
        for every class, so each path is matched against the patterns once."""
        found = self._path_kinds.get(rel)
        if found is None:
            found = (bool(self._test_spec.match_file(rel)), bool(self._other_spec.match_file(rel)))
            self._path_kinds[rel] = found
        return found

    def in_tests(self, rel: str) -> bool:
        return self._path_kind(rel)[0]

    def non_production(self, rel: str) -> bool:
        """``rel`` is test code, or an example, doc, template, migration or settings module:
        code the duplicate rules leave out."""
        in_tests, other = self._path_kind(rel)
        return in_tests or other

    # --- namespaces ----------------------------------------------------------------------
    def absolute_import(self, importer: ModuleInfo, fact: ImportFact) -> str | None:
        return self._resolver._absolute_base(importer, fact)

    def namespace(self, module: str) -> _Namespace | None:
        if module in self._namespaces:
            return self._namespaces[module]
        info = self.modules.get(module)
        ns: _Namespace | None = None
        if info is not None:
            facts = self.files.get(info.rel)
            if facts is not None:
                ns = self._build_namespace(info, facts)
        self._namespaces[module] = ns
        return ns

    def _build_namespace(self, info: ModuleInfo, facts: FileFacts) -> _Namespace:
        return build_namespace(facts, lambda fact: self.absolute_import(info, fact))

    def queried(self) -> set[Hop]:
        """Every (module, name) looked up so far: which top-level bindings the answers
        so far depended on (a binding never looked up changed nothing)."""
        return set(self._memo) | self._refused

    def refused(self) -> bool:
        """Whether some lookup went too deep and was answered None."""
        return bool(self._refused)

    # --- resolution ------------------------------------------------------------------------
    def lookup(self, module: str, name: str) -> Resolved | None:
        """What ``name`` is bound to at the top level of first-party ``module`` (None: unbound)."""
        key = (module, name)
        if key in self._memo:
            return self._memo[key]
        if key in self._active:
            return None  # on a cycle: memoised once the outer lookup of the key ends
        if len(self._active) > _MAX_DEPTH:
            self._refused.add(key)
            return None
        self._active.add(key)
        try:
            found = self._lookup(module, name)
        finally:
            self._active.discard(key)
        self._memo[key] = found
        return found

    def _lookup(self, module: str, name: str) -> Resolved | None:
        ns = self.namespace(module)
        if ns is None:
            return None
        if name in ns.classes:
            return Resolved(Symbol("class", module, name), ())
        hop = (module, name)
        if name in ns.aliases:
            inner = self.resolve_expr(module, ns.aliases[name], skip_alias=name)
            return Resolved(inner.symbol, (hop, *inner.via))
        if name in ns.imports:
            target, attr = ns.imports[name]
            if attr is None:
                symbol = Symbol("module", target, "") if target in self.modules else Symbol("external", "", target)
                return Resolved(symbol, (hop,))
            inner = self.resolve_from(target, attr)
            return Resolved(inner.symbol, (hop, *inner.via))
        sub = f"{module}.{name}"
        if sub in self.modules:
            return Resolved(Symbol("module", sub, ""), ())
        for star in ns.stars:
            found = self.lookup(star, name) if star in self.modules else None
            if found is not None:
                return found
        return None

    def resolve_from(self, module: str, name: str) -> Resolved:
        """What ``from module import name`` binds."""
        if module not in self._module_names:
            return Resolved(Symbol("external", "", f"{module}.{name}"), ())
        found = self._memo.get((module, name), _MISSING)
        if found is _MISSING:
            found = self.lookup(module, name)
        if found is not None:
            return found
        sub = f"{module}.{name}"
        if sub in self._module_names:
            return Resolved(Symbol("module", sub, ""), ())
        return Resolved(Symbol("other", module, name), ())

    def resolve_expr(self, module: str, dotted: str, skip_alias: str | None = None) -> Resolved:
        """What the dotted expression ``dotted`` means inside ``module``."""
        if not dotted:
            return Resolved(UNKNOWN, ())
        head, *rest = dotted.split(".")
        found = None if head == skip_alias else self.lookup(module, head)
        if found is None:
            return Resolved(Symbol("external", "", dotted), ())
        symbol, via = found.symbol, found.via
        for part in rest:
            if symbol.kind == "module":
                inner = self.resolve_from(symbol.module, part)
                symbol, via = inner.symbol, (*via, *inner.via)
            elif symbol.kind == "external":
                symbol = Symbol("external", "", f"{symbol.name}.{part}")
            elif symbol.kind == "class":
                symbol = Symbol("class", symbol.module, f"{symbol.name}.{part}")
            else:
                return Resolved(Symbol("other", symbol.module, f"{symbol.name}.{part}"), via)
        return Resolved(symbol, via)

    # --- classes and roles -------------------------------------------------------------------
    def get_class(self, symbol: Symbol) -> ClassInfo | None:
        return self.classes.get(symbol.key) if symbol.kind == "class" else None

    def _derived(self, cache: dict[str, _T], c: ClassInfo, compute: Callable[[ClassInfo], _T]) -> _T:
        """``cache[c.key]``, computed once."""
        found = cache.get(c.key)
        if found is None:
            found = cache[c.key] = compute(c)
        return found

    def bases(self, c: ClassInfo) -> tuple[Symbol, ...]:
        return self._derived(self._bases, c, self._bases_of)

    def _bases_of(self, c: ClassInfo) -> tuple[Symbol, ...]:
        return tuple(self.resolve_expr(c.module, b).symbol for b in c.fact.bases if b)

    def parents(self, c: ClassInfo) -> tuple[ClassInfo, ...]:
        """The first-party classes among the direct bases of ``c``, in order."""
        return self._derived(self._parents, c, self._parents_of)

    def _parents_of(self, c: ClassInfo) -> tuple[ClassInfo, ...]:
        if not c.fact.bases:
            return ()
        classes = self.classes
        return tuple(p for b in self.bases(c) if b.kind == "class" and (p := classes.get(b.key)) is not None)

    def ancestors(self, c: ClassInfo) -> tuple[ClassInfo, ...]:
        """First-party classes ``c`` inherits from, nearest first, each once."""
        return self._derived(self._ancestors, c, self._ancestors_of)

    def _ancestors_of(self, c: ClassInfo) -> tuple[ClassInfo, ...]:
        return self._walk_up(c) if self.parents(c) else ()

    def _walk_up(self, c: ClassInfo) -> tuple[ClassInfo, ...]:
        out: list[ClassInfo] = []
        seen = {c.key}
        todo = [c]
        i = 0
        while i < len(todo) and len(seen) < 256:
            current = todo[i]
            i += 1
            for parent in self.parents(current):
                if parent.key not in seen:
                    seen.add(parent.key)
                    out.append(parent)
                    todo.append(parent)
        return tuple(out)

    def external_bases(self, c: ClassInfo) -> tuple[str, ...]:
        """Dotted names of non-project classes ``c`` inherits from, directly or through project classes."""
        return self._derived(self._external, c, self._external_of)

    def _external_of(self, c: ClassInfo) -> tuple[str, ...]:
        return tuple(b.name for cls in (c, *self.ancestors(c)) for b in self.bases(cls) if b.kind == "external")

    def specialises(self, c: ClassInfo) -> bool:
        """``c`` has a direct base other than ``object``, ``ABC`` or ``Generic``."""
        return any(b.key not in NEUTRAL_BASES for b in self.bases(c)) if c.fact.bases else False

    def lineage(self, c: ClassInfo) -> frozenset[str]:
        """Every base class of ``c``, first-party (``module:Class``) or not (dotted), but the neutral ones."""
        return self._derived(self._lineage, c, self._lineage_of)

    def _lineage_of(self, c: ClassInfo) -> frozenset[str]:
        keys = {a.key for a in self.ancestors(c)} | set(self.external_bases(c))
        return frozenset(keys - NEUTRAL_BASES)

    def role(self, c: ClassInfo) -> Role:
        return self._derived(self._roles, c, self._role)

    def _role(self, c: ClassInfo) -> Role:
        fact = c.fact
        if fact.bases:
            direct = [b.name for b in self.bases(c) if b.kind == "external"]
            inherited = self.external_bases(c)
        else:
            direct, inherited = [], ()
        if inherited:
            mock = next((b for b in inherited if _last(b) in _MOCKS and ("mock" in b.split("."))), None)
            if mock:
                return Role(TEST_DOUBLE, f"subclasses {mock}")
        if c.in_tests:
            return Role(TEST_DOUBLE, "defined in a test path")
        if c.non_production:
            return Role(NON_PRODUCTION, "defined in an example, doc, template, migration or settings path")
        if _DOUBLE_NAME.search(fact.name):
            return Role(TEST_DOUBLE, "named like a test double")
        if inherited:  # `direct` is part of it
            found = self._role_from_bases(direct, inherited)
            if found is not None:
                return found
        if self._is_abstract(c, direct):
            return Role(ABSTRACT, "an abstract base class with abstract methods only")
        if fact.name.endswith("Mixin"):
            return Role(MIXIN, "a mixin, only meant to be combined with other classes")
        if _VALIDATOR_NAME.search(fact.name):
            return Role(VALIDATOR, "named like a validator or checker")
        # A validator inspects another object: each of its methods takes one. Methods a
        # framework calls on the instance itself (pydantic's `@model_validator`) are not that.
        public = [m for m in fact.methods if not m.name.startswith("_")]
        if (
            public
            and all(_VALIDATOR_METHOD.match(m.name) and m.params and not m.hook for m in public)
            and not any(m.hook for m in fact.methods)
        ):
            return Role(VALIDATOR, "only has validate/check/is_ methods that inspect an argument")
        return Role(IMPLEMENTATION, "a concrete class")

    @staticmethod
    def _role_from_bases(direct: list[str], inherited: tuple[str, ...]) -> Role | None:
        protocol = next((b for b in direct if b in _PROTOCOLS), None)
        if protocol:
            return Role(PROTOCOL, f"subclasses {protocol}")
        enum = next((b for b in inherited if b.startswith("enum.") and _last(b) in _ENUMS), None)
        if enum:
            return Role(ENUM, f"an enum ({enum})")
        if any(b in _TYPEDDICTS for b in inherited):
            return Role(TYPEDDICT, "a TypedDict")
        named = next((b for b in inherited if b in _NAMEDTUPLES), None)
        if named:
            return Role(NAMEDTUPLE, f"a named tuple ({named})")
        exc = next((b for b in inherited if _is_exception(b)), None)
        if exc:
            return Role(EXCEPTION, f"an exception ({exc})")
        return None

    def _is_abstract(self, c: ClassInfo, direct: list[str]) -> bool:
        fact = c.fact
        if not fact.bases and not fact.keywords:
            return False
        abc_base = any(b == "abc.ABC" for b in direct)
        for kw in fact.keywords:
            if kw.startswith("metaclass="):
                meta = self.resolve_expr(c.module, kw.partition("=")[2]).symbol
                abc_base = abc_base or meta.name == "abc.ABCMeta"
        if abc_base:
            return any(m.abstract for m in fact.methods) and not _has_concrete(fact)
        # A subclass of an abstract base that implements nothing is still abstract. A base
        # that inherits from ``c`` itself (`class Base(Base)` after `from x import Base`
        # resolves to itself) says nothing about it.
        if _has_concrete(fact):
            return False
        return any(
            self.role(p).role == ABSTRACT
            for p in self.parents(c)
            if p.key != c.key and all(a.key != c.key for a in self.ancestors(p))
        )

    # --- import sites ----------------------------------------------------------------------------
    def import_sites(self, module: str, name: str) -> list[ImportSite]:
        """Import statements in other first-party modules that bind ``module.name``,
        directly or through re-exports and aliases."""
        hop = (module, name)
        found = self._sites.get(hop)
        if found is None:
            pairs = self._site_index().get(hop, ())
            found = self._sites_of(pairs, module)
            self._sites[hop] = found
        return found

    def direct_import_sites(self, module: str, name: str) -> list[ImportSite]:
        """Import statements in other modules that name ``module`` and ``name`` themselves."""
        hop = (module, name)
        found = self._direct.get(hop)
        if found is None:
            self._site_index()
            found = self._sites_of((hop,), module)
            self._direct[hop] = found
        return found

    def _site_index(self) -> dict[Hop, list[Hop]]:
        """Every binding an import passes through -> the ``(module, name)`` imports that do.

        Each first-party ``from`` import is resolved in project order, as one eager pass
        over the imports would: a cyclic binding is memoised as first seen, so the order
        is part of the result. Import sites themselves are built only for what is asked.
        """
        if self._by_hop is not None:
            return self._by_hop
        pairs: dict[Hop, list[tuple[int, str, str, ImportFact]]] = {}
        resolved: list[Resolved] = []
        names = self._module_names
        by_rel = self.modules.by_rel
        resolve_from = self.resolve_from
        seq = 0
        for rel, facts in self.files.items():
            if not facts.imports:
                continue
            info = by_rel.get(rel)
            if info is None:
                continue
            importer = info.name
            for fact in facts.imports:
                if not fact.is_from or fact.dynamic:
                    continue
                base = fact.module if fact.level == 0 else self.absolute_import(info, fact)
                if not base or base not in names:
                    continue
                entry = (seq, importer, rel, fact)
                seq += 1
                for imported in fact.names:
                    name = imported.name
                    if name == "*":
                        continue
                    key = (base, name)
                    entries = pairs.get(key)
                    if entries is None:
                        pairs[key] = entries = []
                        resolved.append(resolve_from(base, name))
                    entries.append(entry)
        by_hop: dict[Hop, list[Hop]] = {}
        for key, r in zip(pairs, resolved, strict=True):
            hops = {*r.via, key}
            symbol = r.symbol
            if symbol.kind == "class" or symbol.kind == "other":
                hops.add((symbol.module, symbol.name))
            for hop in hops:
                found = by_hop.get(hop)
                if found is None:
                    by_hop[hop] = [key]
                else:
                    found.append(key)
        self._pairs = pairs
        self._by_hop = by_hop
        return by_hop

    def _sites_of(self, keys: Sequence[Hop], module: str) -> list[ImportSite]:
        """The sites importing any of ``keys`` outside ``module``, in project order."""
        entries = [e for key in keys for e in self._pairs.get(key, ()) if e[1] != module]
        if len(keys) > 1:  # each key's entries are in order already
            entries.sort(key=itemgetter(0))
        return [ImportSite(importer, rel, fact.line, fact.column) for _, importer, rel, fact in entries]

    def imports_through(self, hops: Iterable[Hop]) -> dict[str, set[Hop]] | None:
        """Path -> the ``(module, name)`` first-party ``from`` imports of that file that pass
        through one of ``hops``; None while no import site has been asked for (nothing
        resolved yet)."""
        by_hop = self._by_hop
        if by_hop is None:
            return None
        pairs = self._pairs
        out: dict[str, set[Hop]] = {}
        for hop in hops:
            for key in by_hop.get(hop, ()):
                for e in pairs[key]:
                    out.setdefault(e[2], set()).add(key)
        return out

    def importing_modules(self, module: str, name: str) -> list[str]:
        """The modules of :meth:`import_sites`, each once, sorted."""
        hop = (module, name)
        found = self._sites.get(hop)
        if found is not None:
            return sorted({s.importer for s in found})
        keys = self._site_index().get(hop, ())
        pairs = self._pairs
        return sorted({e[1] for key in keys for e in pairs[key] if e[1] != module})


def _has_concrete(fact: ClassFact) -> bool:
    """``fact`` implements a method other than a dunder."""
    return any(not m.abstract and not m.name.startswith("__") and m.body == BODY_REAL for m in fact.methods)


def _last(dotted: str) -> str:
    return dotted.rpartition(".")[2]


def _is_exception(dotted: str) -> bool:
    last = _last(dotted)
    if "." not in dotted or dotted.startswith("builtins."):
        return last in _EXCEPTION_BASES or last.endswith(("Error", "Exception", "Warning"))
    return last.endswith(("Error", "Exception"))
