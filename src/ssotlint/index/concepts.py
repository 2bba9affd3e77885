"""Concepts: groups of classes that implement the same thing, with one canonical class.

A concept is declared (``[tool.ssotlint.concepts.NAME]``) or discovered:

- implementations sharing a class name in two or more modules, among the classes that
  subclass nothing but ``object``/``ABC``/``Generic`` (a shared name between subclasses is a
  framework convention or a parallel hierarchy, not a copy) and that share a public method
  name when both have public methods;
- implementations in different modules with no common base class whose public interfaces
  overlap strongly (siblings of one base are meant to share an interface): the
  share of (method name, arity) pairs in common, over the larger interface, reaches
  ``min-similarity`` and both define at least ``min-methods`` public methods.

Interface comparison is blocked through an inverted index from (method, arity) to
classes, so only classes sharing a method are ever compared, and methods shared by very
many classes (``run``, ``close``) are not used to find candidates: the work grows with
the number of classes, not with its square.
"""

from __future__ import annotations

import fnmatch
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from ssotlint.config import ConceptConfig
from ssotlint.index.symbols import IMPLEMENTATION, ClassInfo, Role, SymbolTable, public_interface

#: A method key held by more classes than this is too common to propose candidates.
COMMON_METHOD_LIMIT = 64
_QUALIFIERS = {
    "Unified", "Base", "Abstract", "Default", "Core", "Legacy", "New", "Old", "Simple", "Generic",
    "Main", "Real", "Concrete", "Impl", "Canonical", "Standard", "Basic", "Shared", "Common", "Global",
}  # fmt: skip
_WORDS = re.compile(r"[A-Z]+(?=[A-Z][a-z]|\d|\b|_)|[A-Z]?[a-z]+|[A-Z]+|\d+")

# How a member joined its concept.
SAME_NAME = "same name"
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

    def similarity(self, member: ClassInfo) -> float:
        return interface_similarity(self.canonical, member)


@dataclass(frozen=True)
class UnresolvedConcept:
    """A declared concept whose canonical class is not in the project."""

    config: ConceptConfig


def interface_similarity(a: ClassInfo, b: ClassInfo) -> float:
    ia, ib = public_interface(a.fact), public_interface(b.fact)
    if not ia or not ib:
        return 0.0
    return round(len(ia & ib) / max(len(ia), len(ib)), 2)


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
    impls = sorted(
        (
            c
            for c in symbols.classes.values()
            if c.fact.qualname == c.fact.name and not c.fact.typing_only and symbols.role(c).role == IMPLEMENTATION
        ),
        key=lambda c: c.key,
    )
    position = {c.key: i for i, c in enumerate(impls)}
    uf = _UnionFind(len(impls))
    how: dict[int, str] = {}

    interfaces = [public_interface(c.fact) for c in impls]
    by_name: dict[str, list[int]] = {}
    for i, c in enumerate(impls):
        by_name.setdefault(c.name, []).append(i)
    for group in by_name.values():
        if len(group) < 2:
            continue
        # A name is evidence only for classes that specialise nothing: same-named subclasses
        # of one base follow a framework convention (Django's `Command(BaseCommand)` in every
        # command module), and of different bases live in parallel hierarchies (a form
        # `PointField` and a model `PointField`).
        plain = [i for i in group if not symbols.specialises(impls[i])]
        if len({impls[i].module for i in plain}) < 2:
            continue
        # Two classes with methods but not one method name in common only look alike.
        names = {i: {m for m, _ in interfaces[i]} for i in plain}
        for a, i in enumerate(plain):
            for j in plain[a + 1 :]:
                if impls[i].module != impls[j].module and (not names[i] or not names[j] or names[i] & names[j]):
                    uf.union(i, j)
                    how[i] = how[j] = SAME_NAME

    postings: dict[tuple[str, int], list[int]] = {}
    for i, iface in enumerate(interfaces):
        if len(iface) >= min_methods:
            for k in iface:
                postings.setdefault(k, []).append(i)
    compared = 0
    for i, iface in enumerate(interfaces):
        if len(iface) < min_methods:
            continue
        later: list[int] = []  # classes after i holding one of its methods, once per method
        for k in iface:
            plist = postings[k]  # ascending
            if 1 < len(plist) <= COMMON_METHOD_LIMIT:
                later += plist[bisect_right(plist, i) :]
        shared = Counter(later)
        compared += len(shared)
        for j, count in shared.items():
            if count / max(len(iface), len(interfaces[j])) < min_similarity:
                continue
            # The roles above resolved every base: a lineage asked only here resolves nothing new.
            ca, cb = impls[i], impls[j]
            la, lb = symbols.lineage(ca), symbols.lineage(cb)
            if ca.module == cb.module or ca.key in lb or cb.key in la or not la.isdisjoint(lb):
                continue  # one module's variants, a subclass overriding its base, or siblings of one base
            uf.union(i, j)
            how.setdefault(i, INTERFACE)
            how.setdefault(j, INTERFACE)

    components: dict[int, list[int]] = {}
    for i in range(len(impls)):
        components.setdefault(uf.find(i), []).append(i)

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
            for j in components[uf.find(ci)]:
                member_ids.add(j)
                joined[impls[j].key] = how.get(j, SAME_NAME)
        for j, c in enumerate(impls):
            if any(fnmatch.fnmatchcase(c.name, p) for p in patterns):
                member_ids.add(j)
                joined.setdefault(c.key, NAME_PATTERN)
        member_ids -= claimed
        claimed |= member_ids
        members = sorted({canonical.key: canonical, **{impls[j].key: impls[j] for j in member_ids}}.values(), key=lambda c: c.key)
        joined[canonical.key] = CANONICAL
        not_counted = [
            (c, symbols.role(c))
            for c in sorted(symbols.classes.values(), key=lambda c: c.key)
            if c.fact.qualname == c.fact.name
            and c.key != canonical.key
            and position.get(c.key) is None
            and any(fnmatch.fnmatchcase(c.name, p) for p in patterns)
        ]
        concepts.append(
            ConceptGroup(spec.name, canonical, spec, members, {k: v for k, v in joined.items() if k in {m.key for m in members}}, not_counted)
        )

    for root in sorted(components):
        ids = [i for i in components[root] if i not in claimed]
        if len(ids) < 2 or len({impls[i].module for i in ids}) < 2:
            continue
        members = sorted((impls[i] for i in ids), key=lambda c: c.key)
        canonical = min(
            members,
            key=lambda c: (-len(symbols.importing_modules(c.module, c.fact.qualname)), not c.fact.marker, c.path, c.key),
        )
        joined = {impls[i].key: how.get(i, SAME_NAME) for i in ids}
        joined[canonical.key] = CANONICAL
        same_name = {c.name for c in members} == {canonical.name}
        name = canonical.name if same_name else f"{canonical.name} interface"
        concepts.append(ConceptGroup(name, canonical, None, members, joined))
    concepts.sort(key=lambda c: (c.name, c.canonical.key))
    unioned = frozenset(impls[i].key for i in how)
    return ConceptTable(concepts, unresolved, impls, compared, interfaces, unioned, tuple(all_patterns))
