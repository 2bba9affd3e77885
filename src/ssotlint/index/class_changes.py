"""Whether classes changed since the last run can change the duplicate rules' findings.

The duplicate rules read classes two ways. Through lookups of ``(module, name)`` in the
symbol table (a base class, a factory's constructor, a re-export): the caller checks that
no changed class was looked up by the last run. And by going over every class: each
top-level class gets a role, implementations are joined into concepts by name and by
interface, declared concepts match class names against patterns, a concept's findings
list the classes named like its members, and a thin subclass of a canonical class is
reported as an alias.

A changed class (added, removed, or changed beyond its line numbers) leaves all of that
as it was when, in the state where it exists,

- its name is no concept member's and matches no declared concept's pattern;
- it is no thin subclass of a canonical class;
- as an implementation, it was joined to no other (its old version) or can be joined to
  none (its new version): no other implementation has its name, and none shares enough of
  its interface to reach the similarity threshold;
- the lists of the interface index that unchanged classes share stay on the same side of
  the limit above which a method is too common to propose candidates;
- the lookups its role and bases need are not cut short by a cycle or by depth (their
  answers do not depend on the order of lookups), and the last run cut none short by
  depth.

A :class:`ConceptSummary` of the last run holds what these checks need of the classes
that did not change; the changed ones are looked at through symbol tables that read only
the files their lookups reach.
"""

from __future__ import annotations

import fnmatch
import logging
import marshal
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from ssotlint.config import Config
from ssotlint.facts.model import BODY_REAL, ClassFact, FileFacts
from ssotlint.index.concepts import COMMON_METHOD_LIMIT, ConceptTable
from ssotlint.index.modules import ModuleTable
from ssotlint.index.symbols import IMPLEMENTATION, ClassInfo, Hop, SymbolTable, public_interface

log = logging.getLogger(__name__)
_LAYOUT = 1
MethodKey = tuple[str, int]
#: (path, module, class) of one version of a changed class.
ChangedClass = tuple[str, str, ClassFact]


@dataclass(frozen=True)
class ConceptSummary:
    """What the duplicate rules made of the classes in one run."""

    sizes: dict[str, int]  # implementation key -> size of its public interface
    postings: dict[MethodKey, list[str]]  # (method, arity) -> implementations with enough methods that define it
    unioned: frozenset[str]  # implementations joined to another one
    member_names: frozenset[str]  # names of every concept's members
    canonicals: frozenset[str]  # keys of the canonical classes
    patterns: tuple[str, ...]  # name patterns of the declared concepts
    refused: bool  # some lookup went too deep and was answered None

    def dumps(self) -> bytes:
        return marshal.dumps(
            (
                _LAYOUT,
                self.sizes,
                self.postings,
                sorted(self.unioned),
                sorted(self.member_names),
                sorted(self.canonicals),
                list(self.patterns),
                self.refused,
            )
        )

    @classmethod
    def loads(cls, data: bytes) -> ConceptSummary | None:
        try:
            layout, sizes, postings, unioned, names, canonicals, patterns, refused = marshal.loads(data)
        except Exception:
            return None
        if layout != _LAYOUT or not isinstance(sizes, dict) or not isinstance(postings, dict):
            return None
        return cls(sizes, postings, frozenset(unioned), frozenset(names), frozenset(canonicals), tuple(patterns), bool(refused))


def summarise(symbols: SymbolTable, table: ConceptTable, min_methods: int) -> ConceptSummary:
    sizes: dict[str, int] = {}
    postings: dict[MethodKey, list[str]] = {}
    for c, iface in zip(table.implementations, table.interfaces, strict=True):
        sizes[c.key] = len(iface)
        if len(iface) >= min_methods:
            for k in iface:
                postings.setdefault(k, []).append(c.key)
    return ConceptSummary(
        sizes,
        postings,
        table.unioned,
        frozenset(m.name for concept in table.concepts for m in concept.members),
        frozenset(concept.canonical.key for concept in table.concepts),
        table.patterns,
        symbols.refused(),
    )


#: What :func:`inert` says when the lookups and roles the last run made still hold but
#: the concepts may differ: the duplicate rules must run, with those answers carried over.
CONCEPTS = "concepts"
Verdict = tuple[ConceptSummary, set[Hop]] | str | None


def _refused(why: str, *args: object) -> Verdict:
    log.debug("changed classes reach the duplicate rules: " + why, *args)
    return None


def _concepts(why: str, *args: object) -> str:
    log.debug("changed classes may change the concepts: " + why, *args)
    return CONCEPTS


def _thin_subclass_of(symbols: SymbolTable, c: ClassInfo, keys: frozenset[str]) -> bool:
    """``c`` adds nothing to a base whose key is in ``keys`` (see CompatAlias)."""
    if not c.fact.bases or c.fact.body == BODY_REAL:
        return False
    return any(b.kind == "class" and b.key in keys for b in symbols.bases(c))


def inert(
    summary: ConceptSummary,
    config: Config,
    modules: ModuleTable,
    files: Mapping[str, FileFacts],
    old: Sequence[ChangedClass],
    new: Sequence[ChangedClass],
    looked_up: Collection[str] = (),
) -> Verdict:
    """Whether replacing the ``old`` versions of the changed classes by the ``new`` ones
    leaves the duplicate rules' findings as the ``summary``'s run found them (``files``:
    the current facts). The caller has checked that the last run looked none of them up
    but those in ``looked_up`` (keys), which kept their name and bases: such a class must
    also keep its role (read by its subclasses) and be no concept's canonical class.

    If so: the summary of the current state, and the lookups the changed classes need
    (with the last run's, a superset of those a run on the current state makes). If only
    the classes looked up kept their role and no lookup of the changed classes was cut
    short: :data:`CONCEPTS` (the last run's answers and roles still hold). Else None."""
    if summary.refused:
        return _refused("the last run cut a lookup short")

    def named(name: str) -> bool:
        return name in summary.member_names or any(fnmatch.fnmatchcase(name, p) for p in summary.patterns)

    # Bases resolve the same in both states (no binding the last run looked up changed):
    # the current files answer for the old versions too, but for the changed classes.
    old_infos: dict[str, ClassInfo] = {}
    before = SymbolTable(config, modules, files, lazy=True, overrides=old_infos)
    after = SymbolTable(config, modules, files, lazy=True)
    for path, module, fact in old:
        key = f"{module}:{fact.qualname}"
        old_infos[key] = ClassInfo(module, path, fact, before.in_tests(path), key)
    roles: dict[str, str] = {}  # role of the old versions of the classes looked up
    removed: dict[str, frozenset[MethodKey]] = {}
    concept = ""  # why the concepts may change
    for _, module, fact in old:
        if fact.qualname != fact.name:
            continue  # reached only through its outer class, which nothing looked up
        c = old_infos[f"{module}:{fact.qualname}"]
        if named(fact.name) or c.key in summary.unioned or _thin_subclass_of(before, c, summary.canonicals):
            concept = concept or f"{c.key} was part of a concept, named like one, or a thin subclass of one"
        role = before.role(c)  # the lookups the last run made for it
        if c.key in looked_up:
            roles[c.key] = role.role
        if c.key in summary.sizes:
            removed[c.key] = public_interface(fact)
    added: dict[str, frozenset[MethodKey]] = {}
    new_infos: dict[str, ClassInfo] = {}  # the added implementations
    for path, module, fact in new:
        if fact.qualname != fact.name:
            continue
        c = ClassInfo(module, path, fact, after.in_tests(path), f"{module}:{fact.qualname}")
        if named(fact.name) or _thin_subclass_of(after, c, summary.canonicals):
            concept = concept or f"{c.key} is named like a concept or a thin subclass of one"
        now = after.role(c).role
        if c.key in looked_up and roles.get(c.key) != now:
            return _refused("%s, looked up, changed its role", c.key)
        if c.key in looked_up and c.key in summary.canonicals:
            concept = concept or f"{c.key}, a canonical class, changed"
        if now == IMPLEMENTATION and not fact.typing_only:
            added[c.key] = public_interface(fact)
            new_infos[c.key] = c
    if before.cut or after.cut:
        return _refused("resolving the changed classes went through a cycle of bindings")
    if concept:
        return _concepts(concept)
    if not removed and not added:
        return _settled(summary, before, after)

    def info(key: str) -> ClassInfo | None:
        return new_infos.get(key) or after.classes.get(key)

    # Joined by name: a same-named implementation in another module, where neither
    # specialises a base and their public method names overlap (or one has none).
    if added:
        names = {impl.rpartition(":")[2] for impl in added}
        same_name: dict[str, list[str]] = {}
        for impl in [k for k in summary.sizes if k not in removed] + list(added):
            n = impl.rpartition(":")[2]
            if n in names:
                same_name.setdefault(n, []).append(impl)
        for key in added:
            c = new_infos[key]
            if after.specialises(c):
                continue
            mine = {m for m, _ in added[key]}
            for other_key in same_name[c.name]:
                if other_key == key:
                    continue
                other = info(other_key)
                if other is None:
                    return _refused("%s is not where the summary has it", other_key)
                if other.module == c.module or after.specialises(other):
                    continue
                theirs = {m for m, _ in public_interface(other.fact)}
                if not mine or not theirs or mine & theirs:
                    return _concepts("%s is joined to %s by name", key, other_key)

    # The interface index after the change, for the method keys it touches.
    minimum = config.min_methods
    lists: dict[MethodKey, list[str]] = {}
    for key, iface in removed.items():
        if summary.sizes[key] < minimum:
            continue
        for k in iface:
            entries = lists.setdefault(k, list(summary.postings.get(k, ())))
            if key not in entries:
                return _refused("the summary does not match the stored facts")
            entries.remove(key)
    for key, iface in added.items():
        if len(iface) >= minimum:
            for k in iface:
                lists.setdefault(k, list(summary.postings.get(k, ()))).append(key)

    def proposes(n: int) -> bool:
        return 1 < n <= COMMON_METHOD_LIMIT

    for k, entries in lists.items():
        kept = sum(1 for e in entries if e not in added)
        if kept >= 2 and proposes(len(summary.postings.get(k, ()))) != proposes(len(entries)):
            # pairs of unchanged classes compared before and not now, or the reverse
            return _concepts("method %s crossed the too-common limit", k)
    for key, iface in added.items():
        if len(iface) < minimum:
            continue
        shared = Counter(e for k in iface if proposes(len(lists[k])) for e in lists[k] if e != key)
        for other_key, count in shared.items():
            size = len(added[other_key]) if other_key in added else summary.sizes[other_key]
            if count / max(len(iface), size) < config.min_similarity:
                continue
            # As in build_concepts: not within one module, a subclass and its base, or
            # siblings of one base.
            ca, cb = new_infos[key], info(other_key)
            if cb is None:
                return _refused("%s is not where the summary has it", other_key)
            la, lb = after.lineage(ca), after.lineage(cb)
            if ca.module == cb.module or ca.key in lb or cb.key in la or not la.isdisjoint(lb):
                continue
            return _concepts("%s shares enough of its interface with %s", key, other_key)

    sizes = {k: v for k, v in summary.sizes.items() if k not in removed}
    sizes.update((k, len(iface)) for k, iface in added.items())
    postings = dict(summary.postings)
    for k, entries in lists.items():
        if entries:
            postings[k] = sorted(entries)
        else:
            postings.pop(k, None)
    after_summary = ConceptSummary(
        sizes, postings, summary.unioned, summary.member_names, summary.canonicals, summary.patterns, summary.refused
    )
    return _settled(after_summary, before, after)


def _settled(summary: ConceptSummary, before: SymbolTable, after: SymbolTable) -> Verdict:
    """``summary`` and the lookups made, unless one was cut short (its answer would
    depend on the order of the lookups, which differs from a whole run's): lookups made
    to compare with other classes can meet cycles the changed classes' own did not."""
    if before.cut or after.cut:
        return _concepts("comparing the changed classes went through a cycle of bindings")
    return summary, before.queried() | after.queried()
