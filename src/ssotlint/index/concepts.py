"""Concepts: groups of classes that implement the same thing, with one canonical class.

A concept is declared (``[tool.ssotlint.concepts.NAME]``) or discovered from evidence of
what classes *do*, never from what they subclass:

- the code's own word: a class marked deprecated (``@deprecated(...)``, a
  ``DeprecationWarning`` it raises, "Deprecated: use X instead" in its docstring) that
  names a replacement class of the project joins that class, which is then canonical;
- shared code: two implementations in different modules whose bodies share most of their
  normalised statements (:attr:`ClassFact.shape`), private methods included. With the same
  name, half of the larger body is enough; with different names, ``BODY_SHARE_OTHER_NAME``.
  Sharing a framework base is no evidence either way: plugin code subclasses it everywhere;
- same-named classes with stub bodies only (nothing to compare) that subclass nothing
  but ``object``/``ABC``/``Generic`` and share a method name.

A declared concept also takes in the classes whose public interface overlaps its
canonical class's (at least ``min-similarity`` of (method, arity) pairs, ``min-methods``
each, no common base) and the classes matching its name patterns that share code or
interface with it; never a base class of the canonical class.

Comparison is blocked through inverted indexes from a statement hash, or a (method,
arity) pair, to classes, so only classes sharing one are ever compared, and keys held by
very many classes (``self.x = x``, ``run``) are not used to find candidates: the work
grows with the number of classes, not with its square.
"""

from __future__ import annotations

import fnmatch
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from ssotlint.config import ConceptConfig
from ssotlint.facts.model import BODY_REAL, ClassFact
from ssotlint.index.symbols import IMPLEMENTATION, ClassInfo, Role, SymbolTable, public_interface

#: A method key held by more classes than this is too common to propose candidates.
COMMON_METHOD_LIMIT = 64
#: Same for a statement hash (``self.client = client``, ``super().__init__(**kwargs)``).
COMMON_STATEMENT_LIMIT = 64
#: Shared statements over the larger body for same-named classes, and for others.
BODY_SHARE_SAME_NAME = 0.5
BODY_SHARE_OTHER_NAME = 0.7
#: Fewest shared statements for same-named classes, and for others.
MIN_SHARED_SAME_NAME = 2
MIN_SHARED_OTHER_NAME = 6
#: A same-named group larger than this with nothing to compare is a naming convention.
MAX_STUB_GROUP = 16
_NULL_NAME = re.compile(r"^(?:Null|Noop|NoOp|Empty|Dummy|Nop|No(?=[A-Z]))")
_QUALIFIERS = {
    "Unified", "Base", "Abstract", "Default", "Core", "Legacy", "New", "Old", "Simple", "Generic",
    "Main", "Real", "Concrete", "Impl", "Canonical", "Standard", "Basic", "Shared", "Common", "Global",
}  # fmt: skip
_WORDS = re.compile(r"[A-Z]+(?=[A-Z][a-z]|\d|\b|_)|[A-Z]?[a-z]+|[A-Z]+|\d+")

# How a member joined its concept.
SAME_NAME = "same name"
SAME_CODE = "shared code"
DEPRECATED = "deprecation marker"
INTERFACE = "interface overlap"
NAME_PATTERN = "name pattern"
CANONICAL = "canonical"


@dataclass
class ConceptGroup:
    name: str
    canonical: ClassInfo
    declared: ConceptConfig | None
    members: list[ClassInfo]  # implementations, canonical included, sorted by key
    joined_by: dict[str, str] = field(default_factory=dict)  # member key -> SAME_NAME / INTERFACE / ...
    not_counted: list[tuple[ClassInfo, Role]] = field(default_factory=list)
    deprecated: dict[str, str] = field(default_factory=dict)  # member key -> the replacement its marker names

    def similarity(self, member: ClassInfo) -> float:
        return interface_similarity(self.canonical, member)

    def body_similarity(self, member: ClassInfo) -> float:
        return body_similarity(self.canonical.fact, member.fact)


@dataclass(frozen=True)
class UnresolvedConcept:
    """A declared concept whose canonical class is not in the project."""

    config: ConceptConfig


def interface_similarity(a: ClassInfo, b: ClassInfo) -> float:
    ia, ib = public_interface(a.fact), public_interface(b.fact)
    if not ia or not ib:
        return 0.0
    return round(len(ia & ib) / max(len(ia), len(ib)), 2)


def body_similarity(a: ClassFact, b: ClassFact) -> float:
    """Statements the two bodies share over the larger body, 0 to 1."""
    if not a.shape or not b.shape:
        return 0.0
    return round(len(set(a.shape).intersection(b.shape)) / max(len(a.shape), len(b.shape)), 2)


def is_null_object(fact: ClassFact) -> bool:
    """A do-nothing stand-in (``NullIndex``, ``NoStatsLogger``, ``EmptyTrace``): never canonical."""
    return bool(_NULL_NAME.match(fact.name)) or (bool(fact.methods) and all(m.body != BODY_REAL for m in fact.methods))


def _method_names(fact: ClassFact) -> frozenset[str]:
    return frozenset(m.name for m in fact.methods)


_ASYNC_PROTOCOL = {"__aiter__": "__iter__", "__anext__": "__next__", "__aenter__": "__enter__", "__aexit__": "__exit__"}


def _async_twins(a: ClassFact, b: ClassFact) -> bool:
    """One class is the other's sync or async counterpart: the same text, not shareable code."""
    ma = {m.name: m.is_async for m in a.methods}
    mb = {m.name: m.is_async for m in b.methods}
    if any(ma[n] != mb[n] for n in ma.keys() & mb.keys()):
        return True
    return any((x in ma and y in mb) or (x in mb and y in ma) for x, y in _ASYNC_PROTOCOL.items())


def _signature_overlap(a: ClassFact, b: ClassFact) -> float:
    """(method, arity) pairs in common over the larger class, private methods included."""
    sa = {(m.name, len(m.params)) for m in a.methods}
    sb = {(m.name, len(m.params)) for m in b.methods}
    return len(sa & sb) / max(len(sa), len(sb)) if sa and sb else 0.0


def default_match(class_name: str) -> tuple[str, ...]:
    """``UnifiedWebSocketManager`` -> ``*WebSocketManager*``: drop leading qualifiers."""
    words = _WORDS.findall(class_name)
    while len(words) > 1 and words[0] in _QUALIFIERS:
        words = words[1:]
    core = "".join(words) or class_name
    return (f"*{core}*",)


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


@dataclass
class ConceptTable:
    concepts: list[ConceptGroup]
    unresolved: list[UnresolvedConcept]
    implementations: list[ClassInfo]
    compared_pairs: int  # interface comparisons made (for benchmarks)
    interfaces: list[frozenset[tuple[str, int]]] = field(default_factory=list)  # of the implementations
    unioned: frozenset[str] = frozenset()  # keys of implementations joined to another one
    patterns: tuple[str, ...] = ()  # the name patterns of the declared concepts that resolved


def build_concepts(
    symbols: SymbolTable,
    declared: Iterable[ConceptConfig],
    min_methods: int,
    min_similarity: float,
) -> ConceptTable:
    declared = tuple(declared)
    impls = sorted(
        (
            c
            for c in symbols.classes.values()
            if c.fact.qualname == c.fact.name and not c.fact.typing_only and symbols.role(c).role == IMPLEMENTATION
        ),
        key=lambda c: c.key,
    )
    position = {c.key: i for i, c in enumerate(impls)}
    evidence = _UnionFind(len(impls))  # what discovered concepts are made of
    declared_uf = _UnionFind(len(impls))  # the same, plus interface overlap: for declared concepts
    how: dict[int, str] = {}

    def join(i: int, j: int, reason: str) -> None:
        evidence.union(i, j)
        declared_uf.union(i, j)
        how.setdefault(i, reason)
        how.setdefault(j, reason)

    def related(i: int, j: int) -> bool:
        """One inherits from the other: an extension, or a base overridden."""
        ca, cb = impls[i], impls[j]
        if not ca.fact.bases and not cb.fact.bases:
            return False
        return ca.key in symbols.lineage(cb) or cb.key in symbols.lineage(ca)

    # 1. The code's own word: a deprecated class and the replacement it names.
    replaced_by: dict[int, int] = {}
    for i, c in enumerate(impls):
        marker = _deprecation(symbols, c)
        if not marker or (c.fact.deprecated is None and marker.rpartition(".")[2] != c.name):
            continue  # a deprecated module names the replacement of one of its classes
        target = _replacement(symbols, c, marker)
        j = position.get(target.key) if target is not None else None
        if j is not None and j != i:
            replaced_by[i] = j
            join(i, j, DEPRECATED)
            how[i] = DEPRECATED

    # 2. Shared code, found through the statements two bodies have in common.
    postings: dict[int, list[int]] = {}
    for i, c in enumerate(impls):
        for h in c.fact.shape:
            postings.setdefault(h, []).append(i)
    # Statements held by very many classes are boilerplate: they neither propose candidates
    # nor count in the share of a body that two classes have in common.
    distinct = [sum(1 for h in c.fact.shape if len(postings[h]) <= COMMON_STATEMENT_LIMIT) for c in impls]
    compared = 0
    for i, c in enumerate(impls):
        shape = c.fact.shape
        if not distinct[i]:
            continue
        shared = _later_sharing(i, shape, postings, COMMON_STATEMENT_LIMIT)
        compared += len(shared)
        for j, count in shared.items():
            other = impls[j]
            if other.module == c.module:
                continue
            larger = max(distinct[i], distinct[j])
            if other.name == c.name:
                # A small body must be shared whole: two statements of boilerplate
                # (`super().__init__(...)`, `self.x = x`) are no copy.
                enough = (count > MIN_SHARED_SAME_NAME or count == larger) and count / larger >= BODY_SHARE_SAME_NAME
                # Same statements under other method names (sync and async twins) are no copy.
                enough = enough and not _method_names(c.fact).isdisjoint(_method_names(other.fact))
                enough = enough and not _async_twins(c.fact, other.fact)
            else:
                # Under another name, more code must be shared; a small body counts when
                # the two classes also define the same methods.
                enough = count / larger >= BODY_SHARE_OTHER_NAME and (
                    count >= MIN_SHARED_OTHER_NAME
                    or (count > MIN_SHARED_SAME_NAME and _signature_overlap(c.fact, other.fact) >= BODY_SHARE_SAME_NAME)
                )
            if enough and other.name != c.name:
                enough = not _async_twins(c.fact, other.fact)
            if enough and not related(i, j):
                join(i, j, SAME_NAME if other.name == c.name else SAME_CODE)

    # 3. Same-named stubs: nothing to compare but their names and method names.
    by_name: dict[str, list[int]] = {}
    for i, c in enumerate(impls):
        if not c.fact.shape and not symbols.specialises(c):
            by_name.setdefault(c.name, []).append(i)
    for group in by_name.values():
        if not 2 <= len(group) <= MAX_STUB_GROUP:
            continue
        names = {i: {m for m, _ in public_interface(impls[i].fact)} for i in group}
        for a, i in enumerate(group):
            for j in group[a + 1 :]:
                if impls[i].module != impls[j].module and (not names[i] or not names[j] or names[i] & names[j]):
                    join(i, j, SAME_NAME)

    # 4. Interface overlap: evidence for declared concepts only.
    interfaces = [public_interface(c.fact) for c in impls]
    if declared:
        compared += _interface_overlap(symbols, impls, interfaces, declared_uf, min_methods, min_similarity)

    components: dict[int, list[int]] = {}
    for i in range(len(impls)):
        components.setdefault(evidence.find(i), []).append(i)
    declared_components: dict[int, list[int]] = {}
    for i in range(len(impls)):
        declared_components.setdefault(declared_uf.find(i), []).append(i)

    concepts: list[ConceptGroup] = []
    unresolved: list[UnresolvedConcept] = []
    claimed: set[int] = set()
    all_patterns: list[str] = []
    for spec in sorted(declared, key=lambda s: s.name):
        module, _, cls_name = spec.canonical.partition(":")
        head, _, rest = cls_name.partition(".")
        resolved = symbols.resolve_from(module, head).symbol
        canonical = symbols.get_class(resolved) if not rest else symbols.classes.get(f"{resolved.key}.{rest}")
        if canonical is None:
            unresolved.append(UnresolvedConcept(spec))
            continue
        patterns = spec.match or default_match(canonical.name)
        all_patterns += patterns
        member_ids: set[int] = set()
        joined: dict[str, str] = {canonical.key: CANONICAL}
        ci = position.get(canonical.key)
        if ci is not None:
            for j in declared_components[declared_uf.find(ci)]:
                member_ids.add(j)
                joined[impls[j].key] = how.get(j, INTERFACE)
        bases = symbols.lineage(canonical)
        canonical_iface = public_interface(canonical.fact)
        left_out: list[tuple[ClassInfo, Role]] = []
        for j, c in enumerate(impls):
            if j in member_ids or c.key == canonical.key or not any(fnmatch.fnmatchcase(c.name, p) for p in patterns):
                continue
            # A name is no evidence on its own: the class must share code or interface.
            if c.key in bases:
                left_out.append((c, Role("base", f"a base class of {canonical.key}")))
            elif canonical.key in symbols.lineage(c):
                left_out.append((c, Role("subclass", f"subclasses {canonical.key}")))
            elif not (
                body_similarity(canonical.fact, c.fact) >= BODY_SHARE_SAME_NAME
                or (canonical_iface and interface_similarity(canonical, c) >= min_similarity)
            ):
                left_out.append((c, Role("look-alike", "matches the name pattern but shares neither code nor interface")))
            else:
                member_ids.add(j)
                joined.setdefault(c.key, NAME_PATTERN)
        member_ids = {j for j in member_ids if impls[j].key not in bases}
        member_ids -= claimed
        claimed |= member_ids
        members = sorted({canonical.key: canonical, **{impls[j].key: impls[j] for j in member_ids}}.values(), key=lambda c: c.key)
        joined[canonical.key] = CANONICAL
        not_counted = sorted(
            [
                *left_out,
                *(
                    (c, symbols.role(c))
                    for c in symbols.classes.values()
                    if c.fact.qualname == c.fact.name
                    and c.key != canonical.key
                    and position.get(c.key) is None
                    and any(fnmatch.fnmatchcase(c.name, p) for p in patterns)
                ),
            ],
            key=lambda t: t[0].key,
        )
        keys = {m.key for m in members}
        concepts.append(
            ConceptGroup(
                spec.name, canonical, spec, members, {k: v for k, v in joined.items() if k in keys}, not_counted,
                _deprecated_members(symbols, [impls[j] for j in member_ids]),
            )
        )  # fmt: skip

    targets = set(replaced_by.values())
    for root in sorted(components):
        ids = [i for i in components[root] if i not in claimed]
        # One module's classes are its variants, unless one is marked as superseded by another.
        if len(ids) < 2 or (len({impls[i].module for i in ids}) < 2 and not any(i in replaced_by for i in ids)):
            continue
        members = sorted((impls[i] for i in ids), key=lambda c: c.key)
        canonical = impls[
            min(
                ids,
                key=lambda i: (
                    i not in targets,
                    _deprecation(symbols, impls[i]) is not None,
                    is_null_object(impls[i].fact),
                    -len(symbols.importing_modules(impls[i].module, impls[i].fact.qualname)),
                    not impls[i].fact.marker,
                    impls[i].path,
                    impls[i].key,
                ),
            )
        ]
        joined = {impls[i].key: how.get(i, SAME_NAME) for i in ids}
        joined[canonical.key] = CANONICAL
        same_name = {c.name for c in members} == {canonical.name}
        name = canonical.name if same_name else f"{canonical.name} code"
        concepts.append(ConceptGroup(name, canonical, None, members, joined, [], _deprecated_members(symbols, members)))
    concepts.sort(key=lambda c: (c.name, c.canonical.key))
    unioned = frozenset(impls[i].key for i in how)
    return ConceptTable(concepts, unresolved, impls, compared, interfaces, unioned, tuple(all_patterns))


_K = TypeVar("_K")


def _later_sharing(i: int, keys: Iterable[_K], postings: dict[_K, list[int]], limit: int) -> Counter[int]:
    """The classes after ``i`` (by position) holding one of its ``keys``, with how many they
    hold; keys held by more than ``limit`` classes are skipped (``postings`` lists are
    ascending)."""
    later: list[int] = []
    for k in keys:
        plist = postings[k]
        if 1 < len(plist) <= limit:
            later += plist[bisect_right(plist, i) :]
    return Counter(later)


def _interface_overlap(
    symbols: SymbolTable,
    impls: list[ClassInfo],
    interfaces: list[frozenset[tuple[str, int]]],
    uf: _UnionFind,
    min_methods: int,
    min_similarity: float,
) -> int:
    """Join implementations in different modules, without a common base class, whose public
    interfaces overlap strongly; the number of pairs compared."""
    postings: dict[tuple[str, int], list[int]] = {}
    for i, iface in enumerate(interfaces):
        if len(iface) >= min_methods:
            for k in iface:
                postings.setdefault(k, []).append(i)
    compared = 0
    for i, iface in enumerate(interfaces):
        if len(iface) < min_methods:
            continue
        shared = _later_sharing(i, iface, postings, COMMON_METHOD_LIMIT)
        compared += len(shared)
        for j, count in shared.items():
            if count / max(len(iface), len(interfaces[j])) < min_similarity:
                continue
            ca, cb = impls[i], impls[j]
            la, lb = symbols.lineage(ca), symbols.lineage(cb)
            if ca.module == cb.module or ca.key in lb or cb.key in la or not la.isdisjoint(lb):
                continue  # one module's variants, a subclass overriding its base, or siblings of one base
            uf.union(i, j)
    return compared


def _deprecation(symbols: SymbolTable, c: ClassInfo) -> str | None:
    """The class's deprecation marker, or its module's: the replacement named ("" none), None."""
    if c.fact.deprecated is not None:
        return c.fact.deprecated
    facts = symbols.files.get(c.path)
    return facts.deprecated_module if facts is not None else None


def _deprecated_members(symbols: SymbolTable, members: Iterable[ClassInfo]) -> dict[str, str]:
    out: dict[str, str] = {}
    for m in members:
        marker = _deprecation(symbols, m)
        if marker is not None:
            out[m.key] = marker
    return out


def _replacement(symbols: SymbolTable, c: ClassInfo, written: str) -> ClassInfo | None:
    """The first-party class a deprecation marker names: a dotted path from the top
    (``pkg.mod.Class``, ``pkg.Class`` re-exported), a name bound in the class's module, or
    the only top-level class of the project with that name."""
    found = symbols.get_class(symbols.resolve_expr(c.module, written).symbol)
    if found is None and "." in written:
        parts = written.split(".")
        for k in range(len(parts) - 1, 0, -1):
            module = ".".join(parts[:k])
            if module in symbols.modules:
                found = symbols.get_class(symbols.resolve_expr(module, ".".join(parts[k:])).symbol)
                break
    top_written = written.partition(".")[0]
    if found is None and ("." not in written or top_written in symbols.modules):
        # A bare name, or a path into the project that did not resolve: the only class
        # with that name. A path into another distribution names nothing here.
        name = written.rpartition(".")[2]
        candidates = [o for o in symbols.classes_by_name.get(name, ()) if o.key != c.key]
        top = c.module.partition(".")[0]
        local = [o for o in candidates if o.module.partition(".")[0] == top]
        if len(local) == 1:
            found = local[0]
        elif len(candidates) == 1:
            found = candidates[0]
    return found if found is not None and found.key != c.key else None
