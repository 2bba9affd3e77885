"""The refactor plan as data: one JSON document (``"version": 1``) built from a run.

Everything the renderers show is computed here, from the findings of a run (through the
documented ``data`` keys of each rule family) and the project index (import sites, the
import graph). Renderers only format this model; they choose how much of it to show. No
timestamps and no absolute paths: the same project gives the same document byte for byte.

Every list of concepts, cycle groups and event types is in ranked order (see
:mod:`.ranking`), and every item has a stable ``anchor`` made of its name, so that links
into a rendering survive the next run.
"""

from __future__ import annotations

import dataclasses
import difflib
import fnmatch
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ssotlint.diagnostics import Diagnostic
from ssotlint.discovery import in_scope
from ssotlint.engine import RunResult
from ssotlint.facts.model import DEFERRED, IMPORT_TIME
from ssotlint.fix.plan import plan_fixes, split_symbol
from ssotlint.index.graph import Digraph
from ssotlint.index.imports import Edge
from ssotlint.index.project import ProjectIndex
from ssotlint.report import ranking
from ssotlint.reporters.summary import plural
from ssotlint.rules.cycles import analysis

VERSION = 1
COLLAPSE_ABOVE = 12  # cycle groups with more modules are drawn as cycle + cut + packages
CYCLE_DRAW_LIMIT = 16  # a longer representative cycle is drawn through packages too

#: What every rendering says for a section without findings.
NOTHING_FOUND = "Nothing found."
CUT_DRAW_LIMIT = 8  # cut imports whose two modules are drawn as modules
PACKAGE_DRAW_LIMIT = 30  # more packages than this are grouped by parent package

FAMILIES: tuple[tuple[str, str, str], ...] = (
    ("SSOT1", "duplicates", "Duplicate implementations and aliases"),
    ("SSOT2", "cycles", "Import cycles"),
    ("SSOT3", "events", "Event shape drift"),
    ("SSOT9", "meta", "Parse errors and suppressions"),
)
CONCEPT_CODES = ("SSOT101", "SSOT102", "SSOT103", "SSOT104")
CYCLE_CODES = ("SSOT201", "SSOT202")
EVENT_CODES = ("SSOT301", "SSOT302", "SSOT303", "SSOT304", "SSOT305")


def family_of(code: str) -> str:
    for prefix, name, _ in FAMILIES:
        if code.startswith(prefix):
            return name
    return "other"


# --- the model --------------------------------------------------------------------------


@dataclass(frozen=True)
class Location:
    path: str
    line: int


@dataclass(frozen=True)
class RuleCount:
    code: str
    name: str
    family: str
    count: int
    new: int | None  # findings not in the baseline (None without a baseline)


@dataclass(frozen=True)
class FamilyCount:
    family: str
    title: str
    count: int
    new: int | None


@dataclass(frozen=True)
class BaselineSummary:
    known: int  # findings also in the baseline
    new: int  # findings not in the baseline
    gone: int  # baseline entries no finding matches any more (fixed)


@dataclass(frozen=True)
class Summary:
    files: int
    modules: int
    findings: int
    families: list[FamilyCount]
    rules: list[RuleCount]
    baseline: BaselineSummary | None


@dataclass(frozen=True)
class Importer:
    module: str
    path: str
    line: int
    statement: str


@dataclass(frozen=True)
class ConceptMember:
    kind: str  # "alias" (SSOT102) or "duplicate" (SSOT101)
    symbol: str  # "module:Name"
    path: str
    line: int
    code: str
    similarity: float | None
    import_sites: int  # first-party modules importing it
    importers: list[Importer]
    fix: str  # "safe" (ssotlint fix), "unsafe" (ssotlint fix --unsafe)


@dataclass(frozen=True)
class Finding:
    """A finding shown as-is (a duplicate factory, a conflicting constant...)."""

    code: str
    message: str
    path: str
    line: int


@dataclass(frozen=True)
class Concept:
    name: str
    canonical: str  # "module:Class"
    canonical_location: Location | None
    members: list[ConceptMember]  # aliases first, then by import sites, most first
    factories: list[Finding]
    declared: bool  # configured under [tool.ssotlint.concepts]
    import_sites: int  # import sites of its aliases and duplicates: what consolidating migrates
    findings: int
    new: int | None  # findings not in the baseline (None without a baseline)
    anchor: str


@dataclass(frozen=True)
class PlanStep:
    step: int
    action: str  # "rewrite-alias-imports" / "merge-duplicate"
    concept: str
    subject: str  # the alias or duplicate
    target: str  # the canonical class
    automated: bool
    command: str  # how to carry it out
    import_sites: int
    files: list[str]  # every file the step touches


@dataclass(frozen=True)
class Concepts:
    items: list[Concept]
    plan: list[PlanStep]
    constants: list[Finding]


@dataclass(frozen=True)
class CycleStep:
    importer: str
    imported: str
    path: str
    line: int
    statement: str
    kind: str
    names: list[str]


@dataclass(frozen=True)
class Cut:
    importer: str
    imported: str
    path: str
    line: int
    names: list[str]
    frees: int | None  # modules that leave every cycle when this import alone goes (None: not measured)


@dataclass(frozen=True)
class PackageCount:
    package: str
    modules: int


@dataclass(frozen=True)
class GraphNode:
    id: str
    label: str
    kind: str  # "module" or "package" (collapsed modules)
    size: int  # modules it stands for
    in_cycle: bool


@dataclass(frozen=True)
class GraphEdge:
    source: str
    target: str
    kind: str  # "import-time" or "deferred"
    cut: bool
    in_cycle: bool


@dataclass(frozen=True)
class Graph:
    collapsed: bool
    nodes: list[GraphNode]
    edges: list[GraphEdge]


@dataclass(frozen=True)
class CycleGroup:
    id: str
    code: str
    kind: str  # "import-time" or "deferred"
    size: int
    modules: list[str]
    packages: list[PackageCount]
    cycle: list[str]
    steps: list[CycleStep]
    cut: list[Cut]
    graph: Graph
    cut_imports: int  # distinct importer -> imported pairs in the cut
    freed: int  # modules no longer on any cycle once the whole cut is made
    new: bool | None  # not in the baseline (None without a baseline)
    anchor: str


@dataclass(frozen=True)
class DeferredImport:
    importer: str
    imported: str
    path: str
    line: int
    statement: str
    comment: bool  # a comment mentions circular imports
    closes_cycle: bool  # the imported module imports the importer back, directly or not


@dataclass(frozen=True)
class DeferredDebt:
    deferred_imports: int
    with_comment: int
    closing_cycles: int
    sites: list[DeferredImport]  # those with a comment or closing a cycle


@dataclass(frozen=True)
class Cycles:
    items: list[CycleGroup]
    deferred: DeferredDebt


@dataclass(frozen=True)
class EventSite:
    path: str
    line: int


@dataclass(frozen=True)
class EventShape:
    role: str  # "producer" or "consumer"
    cells: dict[str, str]  # field -> what was found against the spec
    count: int
    locations: list[EventSite]
    messages: list[str]


@dataclass(frozen=True)
class EventType:
    event: str
    fields: list[str]
    shapes: list[EventShape]
    sites: int  # places that drift: producers + consumers
    producers: int
    consumers: int
    findings: int
    fixable: int  # findings `ssotlint fix --unsafe` addresses (fields of literal dicts moved)
    new: int | None
    anchor: str

    def places(self) -> str:
        """``"3 producers, 1 consumer"`` (the roles that drift)."""
        roles = ((self.producers, "producer"), (self.consumers, "consumer"))
        return ", ".join(plural(n, role) for n, role in roles if n)


@dataclass(frozen=True)
class Events:
    items: list[EventType]


@dataclass(frozen=True)
class StartStep:
    step: int
    kind: str  # "fix", "concept", "cycle" or "event"
    subject: str  # the concept, the cycle group's id, the event type ("" for the fix step)
    title: str  # what to do, one sentence
    findings: int  # findings the step addresses
    command: str  # the ssotlint command that does it, run from the project root ("": by hand)
    anchor: str  # where the report shows the details


@dataclass(frozen=True)
class Focus:
    paths: list[str]  # root-relative paths findings touch (empty: the whole project)
    select: list[str]  # codes or prefixes asked for (empty: the configuration's selection)
    concepts: list[str]  # concept names or globs (empty: every concept)
    unchecked: list[str]  # families none of whose rules ran


@dataclass(frozen=True)
class Report:
    version: int
    project: str
    summary: Summary
    concepts: Concepts
    cycles: Cycles
    events: Events
    start_here: list[StartStep]
    focus: Focus

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


# --- building ------------------------------------------------------------------------------

_UNSAFE_ANCHOR = re.compile(r"[^A-Za-z0-9_.-]+")


class _Anchors:
    """``prefix-name`` ids: readable, stable across runs, unique within one section."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def make(self, prefix: str, name: str) -> str:
        base = f"{prefix}-{_UNSAFE_ANCHOR.sub('-', name).strip('-') or 'x'}"
        anchor, n = base, 1
        while anchor in self.used:
            n += 1
            anchor = f"{base}-{n}"
        self.used.add(anchor)
        return anchor



STALE_BASELINE = "SSOT903"


class UnknownConcept(ValueError):
    """``--concept`` names no concept of the project."""


@dataclass(frozen=True)
class _Context:
    """What every section builder needs besides its findings."""

    index: ProjectIndex
    known: frozenset[int]  # id() of the findings the baseline hides
    with_baseline: bool
    safe_fix: frozenset[str]  # fingerprints of findings `ssotlint fix` addresses
    unsafe_fix: frozenset[str]  # ... that only `ssotlint fix --unsafe` addresses

    def new(self, found: Iterable[Diagnostic]) -> int | None:
        return sum(1 for d in found if id(d) not in self.known) if self.with_baseline else None


def build_report(result: RunResult, *, concepts: Sequence[str] = (), select: Sequence[str] = ()) -> Report:
    """The report for a run: every finding, the baselined ones included.

    When the run used a baseline, the summary tells new findings (not in the baseline)
    from known ones, and counts the baseline entries nothing matches any more.
    ``concepts`` (names or globs) keeps the report to those concepts and the cycle groups
    through their modules (raises :class:`UnknownConcept` for a name that matches none);
    ``select`` is recorded as the run's selection.
    """
    diagnostics = sorted(
        [d for d in result.diagnostics if d.code != STALE_BASELINE] + list(result.baselined), key=Diagnostic.sort_key
    )
    index = result.index
    modules: set[str] | None = None
    if concepts:
        diagnostics, modules = _focus_concepts(index, diagnostics, concepts)
    safe = frozenset(a.fingerprint for a in plan_fixes(diagnostics))
    ctx = _Context(
        index=index,
        known=frozenset(id(d) for d in result.baselined),
        with_baseline=result.baseline_file is not None and result.baseline_file.exists(),
        safe_fix=safe,
        unsafe_fix=frozenset(a.fingerprint for a in plan_fixes(diagnostics, unsafe=True)) - safe,
    )
    ran = {family_of(r.code) for r in result.rules}
    concept_section = _concepts(ctx, [d for d in diagnostics if d.code in CONCEPT_CODES])
    cycle_section = _cycles(ctx, [d for d in diagnostics if d.code in CYCLE_CODES], result.scope, modules)
    event_section = _events(ctx, [d for d in diagnostics if d.code in EVENT_CODES])
    return Report(
        version=VERSION,
        project=index.root.name,
        summary=_summary(ctx, result, diagnostics),
        concepts=concept_section,
        cycles=cycle_section,
        events=event_section,
        start_here=_start_here(ctx, diagnostics, concept_section, cycle_section, event_section, result.scope),
        focus=Focus(
            paths=list(result.scope or ()),
            select=list(select),
            concepts=list(concepts),
            unchecked=[name for _, name, _ in FAMILIES if name not in ran],
        ),
    )


def _concept_name(d: Diagnostic) -> str:
    return _str(d.data, "concept") or _str(d.data, "canonical") or _str(d.data, "target") or "?"


def _focus_concepts(
    index: ProjectIndex, diagnostics: list[Diagnostic], patterns: Sequence[str]
) -> tuple[list[Diagnostic], set[str]]:
    """The findings of the concepts ``patterns`` name, and the cycles through their modules."""
    names = {_concept_name(d) for d in diagnostics if d.code in CONCEPT_CODES and d.code != "SSOT104"}
    names |= {c.name for c in index.config.concepts}
    for pattern in patterns:
        if not fnmatch.filter(names, pattern):
            close = difflib.get_close_matches(pattern, sorted(names), n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise UnknownConcept(f"no concept is named {pattern!r}{hint}")
    chosen = {n for n in names if any(fnmatch.fnmatchcase(n, p) for p in patterns)}
    kept = [d for d in diagnostics if d.code in CONCEPT_CODES and d.code != "SSOT104" and _concept_name(d) in chosen]
    modules: set[str] = set()
    for d in kept:
        for key in ("canonical", "target", "duplicate", "alias", "factory"):
            if _str(d.data, key):
                modules.add(split_symbol(_str(d.data, key))[0])
    for c in index.config.concepts:
        if c.name in chosen:
            modules.add(split_symbol(c.canonical)[0])
    cycles = [d for d in diagnostics if d.code in CYCLE_CODES and modules & set(_names(d.data.get("modules")))]
    return sorted([*kept, *cycles], key=Diagnostic.sort_key), modules


def _summary(ctx: _Context, result: RunResult, diagnostics: list[Diagnostic]) -> Summary:
    with_baseline, known = ctx.with_baseline, ctx.known
    names = {r.code: r.name for r in result.rules}
    names.update({d.code: d.name for d in diagnostics})
    by_code = Counter(d.code for d in diagnostics)
    new_by_code = Counter(d.code for d in diagnostics if id(d) not in known)

    def new(n: int) -> int | None:
        return n if with_baseline else None

    rules = [
        RuleCount(code, names[code], family_of(code), by_code[code], new(new_by_code[code]))
        for code in sorted(by_code)
    ]
    families = []
    for prefix, name, title in FAMILIES:
        count = sum(n for c, n in by_code.items() if c.startswith(prefix))
        fresh = sum(n for c, n in new_by_code.items() if c.startswith(prefix))
        families.append(FamilyCount(name, title, count, new(fresh)))
    baseline_summary = None
    if with_baseline:
        gone = sum(1 for d in result.diagnostics if d.code == STALE_BASELINE)
        baseline_summary = BaselineSummary(len(diagnostics) - sum(new_by_code.values()), sum(new_by_code.values()), gone)
    return Summary(
        files=result.files,
        modules=len(result.index.modules.by_name),
        findings=len(diagnostics),
        families=families,
        rules=rules,
        baseline=baseline_summary,
    )


def report_dict(result: RunResult) -> dict[str, Any]:
    return build_report(result).to_dict()


# --- concepts ---------------------------------------------------------------------------------


def _edges_into(index: ProjectIndex) -> dict[str, list[Edge]]:
    cached: dict[str, list[Edge]] | None = index.__dict__.get("_report_edges_into")
    if cached is None:
        cached = defaultdict(list)
        for e in index.imports.edges:
            if not e.implicit and e.importer != e.imported:
                cached[e.imported].append(e)
        index.__dict__["_report_edges_into"] = cached
    return cached


def import_sites(index: ProjectIndex, symbol: str) -> list[Edge]:
    """The first import of ``module:Name`` in each other first-party module, by module."""
    module, name = split_symbol(symbol)
    first: dict[str, Edge] = {}
    for e in _edges_into(index).get(module, ()):
        if name not in e.names:
            continue
        if e.importer not in first:
            first[e.importer] = e
    return [first[m] for m in sorted(first)]


def _str(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    return value if isinstance(value, str) else ""


def _int(value: Any, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _location_of(index: ProjectIndex, symbol: str, hints: Iterable[Diagnostic]) -> Location | None:
    module, _ = split_symbol(symbol)
    info = index.modules.get(module)
    if info is None:
        return None
    for d in hints:
        for r in d.related:
            if r.path == info.rel:
                return Location(r.path, r.line)
    return Location(info.rel, 1)


def _concepts(ctx: _Context, diagnostics: list[Diagnostic]) -> Concepts:
    index = ctx.index
    grouped: dict[str, list[Diagnostic]] = defaultdict(list)
    constants: list[Finding] = []
    for d in diagnostics:
        if d.code == "SSOT104":
            constants.append(Finding(d.code, d.message, d.path, d.line))
            continue
        grouped[_concept_name(d)].append(d)

    declared = {c.name for c in index.config.concepts}
    anchors = _Anchors()
    items: list[Concept] = []
    for name in sorted(grouped):
        found = grouped[name]
        canonical = next(
            (_str(d.data, "canonical") or _str(d.data, "target") for d in found if _str(d.data, "canonical") or _str(d.data, "target")),
            "",
        )
        members: list[ConceptMember] = []
        factories: list[Finding] = []
        for d in found:
            if d.code == "SSOT103":
                factories.append(Finding(d.code, d.message, d.path, d.line))
                continue
            alias = d.code == "SSOT102"
            symbol = _str(d.data, "alias" if alias else "duplicate")
            if not symbol:
                continue
            sites = import_sites(index, symbol)
            similarity = d.data.get("similarity")
            members.append(
                ConceptMember(
                    kind="alias" if alias else "duplicate",
                    symbol=symbol,
                    path=d.path,
                    line=d.line,
                    code=d.code,
                    similarity=float(similarity) if isinstance(similarity, (int, float)) else None,
                    import_sites=_int(d.data.get("import_sites"), len(sites)),
                    importers=[Importer(e.importer, e.path, e.line, e.statement) for e in sites],
                    fix="safe" if alias else "unsafe",
                )
            )
        members.sort(key=lambda m: (m.kind != "alias", -m.import_sites, m.symbol, m.path, m.line))
        factories.sort(key=lambda f: (f.path, f.line))
        items.append(
            Concept(
                name=name,
                canonical=canonical,
                canonical_location=_location_of(index, canonical, found) if canonical else None,
                members=members,
                factories=factories,
                declared=name in declared or any(d.data.get("declared") is True for d in found),
                import_sites=sum(m.import_sites for m in members),
                findings=len(found),
                new=ctx.new(found),
                anchor=anchors.make("concept", name),
            )
        )
    items.sort(key=lambda c: ranking.concept_key(c.declared, c.import_sites, c.findings, c.name))
    constants.sort(key=lambda f: (f.path, f.line, f.message))
    return Concepts(items, _plan(items), constants)


def _plan(concepts: list[Concept]) -> list[PlanStep]:
    """Aliases first (mechanical, `ssotlint fix`), then duplicates; concept by concept in
    ranked order, smallest step first within a concept."""
    raw: list[tuple[tuple[int, int, int, str], PlanStep]] = []
    for rank, c in enumerate(concepts):
        for m in c.members:
            files = sorted({m.path, *(i.path for i in m.importers)})
            if m.kind == "alias":
                step = PlanStep(
                    0, "rewrite-alias-imports", c.name, m.symbol, c.canonical, True,
                    "ssotlint fix", m.import_sites, files,
                )
                key = (0, rank, len(files), m.symbol)
            else:
                step = PlanStep(
                    0, "merge-duplicate", c.name, m.symbol, c.canonical, False,
                    "merge by hand, then ssotlint fix --unsafe", m.import_sites, files,
                )
                key = (1, rank, len(files), m.symbol)
            raw.append((key, step))
    raw.sort(key=lambda kv: kv[0])
    return [dataclasses.replace(step, step=i) for i, (_, step) in enumerate(raw, start=1)]


# --- cycles ----------------------------------------------------------------------------------


def package_of(index: ProjectIndex, module: str) -> str:
    info = index.modules.get(module)
    name = module.split("@", 1)[0]
    if info is not None and info.is_package:
        return name
    return name.rpartition(".")[0] or name


def _names(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def _cycles(
    ctx: _Context, diagnostics: list[Diagnostic], scope: tuple[str, ...] | None, focus: set[str] | None
) -> Cycles:
    index = ctx.index
    cycles = analysis(index)
    groups: list[CycleGroup] = []
    anchors = _Anchors()
    ordered = sorted(diagnostics, key=lambda d: (d.code, _names(d.data.get("modules"))))
    for d in ordered:
        modules = _names(d.data.get("modules"))
        cycle = _names(d.data.get("cycle"))
        steps = [
            CycleStep(
                str(s.get("importer", "")), str(s.get("imported", "")), str(s.get("path", "")),
                _int(s.get("line"), 1), str(s.get("statement", "")), str(s.get("kind", IMPORT_TIME)),
                _names(s.get("names")),
            )
            for s in d.data.get("imports", [])
            if isinstance(s, Mapping)
        ]
        cut_data = [c for c in d.data.get("cut", []) if isinstance(c, Mapping)]
        pairs = [(str(c.get("importer", "")), str(c.get("imported", ""))) for c in cut_data]
        g = cycles.combined_graph if d.code == "SSOT202" else cycles.runtime_graph
        effect = ranking.cut_effect(g, modules, pairs)
        cut = [
            Cut(importer, imported, str(c.get("path", "")), _int(c.get("line"), 1), _names(c.get("names")), effect.frees.get((importer, imported)))
            for (importer, imported), c in zip(pairs, cut_data, strict=True)
        ]
        cut.sort(key=lambda x: -1 if x.frees is None else -x.frees)  # stable: the rule's order on ties
        packages = Counter(package_of(index, m) for m in modules)
        kind = "deferred" if d.code == "SSOT202" else IMPORT_TIME
        new = ctx.new([d])
        groups.append(
            CycleGroup(
                id="",
                code=d.code,
                kind=kind,
                size=len(modules),
                modules=modules,
                packages=[PackageCount(p, n) for p, n in sorted(packages.items())],
                cycle=cycle,
                steps=steps,
                cut=cut,
                graph=_cycle_graph(index, g, modules, cycle, cut),
                cut_imports=len(set(pairs)),
                freed=effect.freed,
                new=None if new is None else new > 0,
                anchor=anchors.make("deferred-cycle" if d.code == "SSOT202" else "cycle", min(modules, default="?")),
            )
        )
    groups.sort(key=lambda c: ranking.cycle_key(c.freed, c.size, c.cut_imports, c.code, c.modules))
    groups = [dataclasses.replace(c, id=f"cycle-{i}") for i, c in enumerate(groups, start=1)]
    return Cycles(groups, _deferred_debt(index, scope, focus))


def _cycle_graph(index: ProjectIndex, g: Digraph, modules: Sequence[str], cycle: Sequence[str], cut: Sequence[Cut]) -> Graph:
    members = set(modules)
    cycle_edges = set(zip(cycle, [*cycle[1:], *cycle[:1]], strict=True)) if cycle else set()
    cut_edges = {(c.importer, c.imported) for c in cut}
    edges: list[tuple[str, str, str]] = []
    for u in sorted(members):
        if u not in g:
            continue
        for v in sorted(g.successors(u)):
            if v in members and v != u:
                kinds = {e.kind for e in g[u][v]["sites"]}
                edges.append((u, v, IMPORT_TIME if IMPORT_TIME in kinds else DEFERRED))

    collapsed = len(members) > COLLAPSE_ABOVE
    keep = set(members)
    if collapsed:
        # Module nodes: the cycle when it is short enough to read, and the ends of the first
        # cut imports; every other module is drawn as its package (or a parent package when
        # there are too many packages to draw).
        keep = {m for e in sorted(cut_edges)[:CUT_DRAW_LIMIT] for m in e}
        if len(cycle) <= CYCLE_DRAW_LIMIT:
            keep |= set(cycle)
    group = _package_groups(index, [m for m in members if m not in keep])

    def node_of(m: str) -> str:
        return m if m in keep else f"package:{group[m]}"

    sizes: Counter[str] = Counter(node_of(m) for m in members)
    on_cycle = {node_of(m) for m in cycle}
    nodes = [
        GraphNode(
            id=n,
            label=n.removeprefix("package:") + (f" ({sizes[n]} modules)" if n.startswith("package:") else ""),
            kind="package" if n.startswith("package:") else "module",
            size=sizes[n],
            in_cycle=n in on_cycle,
        )
        for n in sorted(sizes)
    ]
    merged: dict[tuple[str, str], GraphEdge] = {}
    for u, v, kind in edges:
        a, b = node_of(u), node_of(v)
        if a == b:
            continue
        is_cut = (u, v) in cut_edges
        in_cycle = (u, v) in cycle_edges
        if collapsed and not (is_cut or in_cycle) and a in keep and b in keep:
            continue  # between kept modules, only the cycle and the cut are drawn
        old = merged.get((a, b))
        if old is not None:
            kind = IMPORT_TIME if IMPORT_TIME in (kind, old.kind) else DEFERRED
            is_cut, in_cycle = is_cut or old.cut, in_cycle or old.in_cycle
        merged[(a, b)] = GraphEdge(a, b, kind, is_cut, in_cycle)
    return Graph(collapsed, nodes, [merged[k] for k in sorted(merged)])


def _package_groups(index: ProjectIndex, modules: Sequence[str]) -> dict[str, str]:
    """Module -> the package it is drawn as: its own, or a parent when there are too many."""
    packages = {m: package_of(index, m) for m in modules}
    depth = max((p.count(".") + 1 for p in packages.values()), default=1)
    while depth > 1 and len({_truncate(p, depth) for p in packages.values()}) > PACKAGE_DRAW_LIMIT:
        depth -= 1
    return {m: _truncate(p, depth) for m, p in packages.items()}


def _truncate(package: str, depth: int) -> str:
    return ".".join(package.split(".")[:depth])


def _deferred_debt(index: ProjectIndex, scope: tuple[str, ...] | None, focus: set[str] | None = None) -> DeferredDebt:
    """Imports inside functions (in the scope of the run, in ``focus`` modules if given), and
    which of them hide a cycle."""
    g = analysis(index).combined_graph
    component = {m: i for i, comp in enumerate(g.strongly_connected_components()) for m in comp}
    deferred = [
        e
        for e in index.imports.edges
        if e.kind == DEFERRED and not e.implicit and in_scope(e.path, scope) and (focus is None or e.importer in focus)
    ]
    sites = []
    comment = closing = 0
    for e in deferred:
        closes = e.importer in component and component.get(e.importer) == component.get(e.imported)
        comment += e.circular_comment
        closing += closes
        if e.circular_comment or closes:
            sites.append(DeferredImport(e.importer, e.imported, e.path, e.line, e.statement, e.circular_comment, closes))
    return DeferredDebt(len(deferred), comment, closing, sites)


# --- events --------------------------------------------------------------------------------

_CONSUMER_CODES = {"SSOT305"}


def _fields(data: Mapping[str, Any]) -> list[str]:
    out: list[str] = []
    for key in ("field", "fields"):
        value = data.get(key)
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, (list, tuple)):
            out.extend(str(v) for v in value)
    return out


def _level_name(value: Any) -> str:
    """A spec level as written in findings ("" or "flat": the top level)."""
    if isinstance(value, (list, tuple)):
        return " or ".join(_level_name(v) for v in value) if value else ""
    if not isinstance(value, str):
        return ""
    return "top level" if value in ("", "flat") else value


def _cell(d: Diagnostic) -> str:
    data = d.data
    where = _level_name(data.get("level")) if data.get("level") else ""
    if d.code == "SSOT301":
        return f"missing under {where}" if where else "missing"
    if d.code == "SSOT302":
        return f"unknown under {where}" if where else "unknown"
    if d.code == "SSOT303":
        found = _level_name(data.get("found", data.get("envelope"))) or "nested"
        expected = _level_name(data.get("expected"))
        return f"under {found}" + (f" (spec: {expected})" if expected else "")
    if d.code == "SSOT305":
        return _str(data, "problem") or (f"read under {where}: not in spec there" if where else "not in spec")
    return d.code


def _events(ctx: _Context, diagnostics: list[Diagnostic]) -> Events:
    # One shape per place (a dict, a consumer) and event: every finding there is one cell.
    places: dict[tuple[str, str, int, str], list[Diagnostic]] = defaultdict(list)
    for d in diagnostics:
        event = _str(d.data, "event") or "?"
        role = "consumer" if d.code in _CONSUMER_CODES or _str(d.data, "kind") == "consumer" else "producer"
        places[(event, d.path, d.line, role)].append(d)

    by_event: dict[str, dict[tuple[str, tuple[tuple[str, str], ...]], list[tuple[EventSite, list[str]]]]] = defaultdict(dict)
    spec_fields: dict[str, set[str]] = defaultdict(set)
    found_by_event: dict[str, list[Diagnostic]] = defaultdict(list)
    for (event, path, line, role), found in sorted(places.items()):
        found_by_event[event] += found
        cells: dict[str, str] = {}
        for d in found:
            if d.code == "SSOT304":
                suggestion = _str(d.data, "suggestion")
                cells["(type)"] = "not in spec" + (f", did you mean {suggestion}?" if suggestion else "")
            for f in _fields(d.data):
                cells[f] = _cell(d)
            for key in ("required", "spec_fields"):
                spec_fields[event].update(_names(d.data.get(key)))
        shape_key = (role, tuple(sorted(cells.items())))
        by_event[event].setdefault(shape_key, []).append((EventSite(path, line), sorted({d.message for d in found})))

    items = []
    anchors = _Anchors()
    for event in sorted(by_event):
        shapes = []
        fields: set[str] = set(spec_fields[event])
        for (role, cells_t), sites in by_event[event].items():
            fields.update(f for f, _ in cells_t)
            messages = sorted({m for _, ms in sites for m in ms})
            shapes.append(EventShape(role, dict(cells_t), len(sites), [s for s, _ in sites], messages))
        shapes.sort(key=lambda s: (s.role != "producer", -s.count, sorted(s.cells.items())))
        found = found_by_event[event]
        producers = sum(s.count for s in shapes if s.role == "producer")
        consumers = sum(s.count for s in shapes if s.role == "consumer")
        items.append(
            EventType(
                event=event,
                fields=sorted(fields),
                shapes=shapes,
                sites=producers + consumers,
                producers=producers,
                consumers=consumers,
                findings=len(found),
                fixable=sum(1 for d in found if d.fingerprint in ctx.unsafe_fix),
                new=ctx.new(found),
                anchor=anchors.make("event", event),
            )
        )
    items.sort(key=lambda e: ranking.event_key(e.sites, e.findings, e.event))
    return Events(items)


# --- "Start here" ----------------------------------------------------------------------------


def _command(base: str, scope: tuple[str, ...] | None) -> str:
    return " ".join([base, *(scope or ())])


def _start_here(
    ctx: _Context,
    diagnostics: list[Diagnostic],
    concepts: Concepts,
    cycles: Cycles,
    events: Events,
    scope: tuple[str, ...] | None,
) -> list[StartStep]:
    candidates: list[ranking.Candidate] = []
    fixable = [d for d in diagnostics if d.fingerprint in ctx.safe_fix]
    if fixable:
        by_name = Counter(d.name for d in fixable)
        what = ", ".join(f"{n} {name}" for name, n in sorted(by_name.items()))
        sites = sum(m.import_sites for c in concepts.items for m in c.members if m.kind == "alias")
        rewrites = f", rewriting {plural(sites, 'import site')}" if sites else ""
        have = "has" if len(fixable) == 1 else "have"
        title = f"Apply the safe fixes: {plural(len(fixable), 'finding')} {have} one ({what}){rewrites}."
        step = StartStep(0, "fix", "", title, len(fixable), _command("ssotlint fix", scope), "plan")
        candidates.append(ranking.Candidate("fix", 0, len(fixable), step))
    for rank, c in enumerate(concepts.items):
        duplicates = [m for m in c.members if m.kind == "duplicate"]
        count = len(duplicates) + len(c.factories)
        if not count:
            continue  # aliases only: the fix step covers them
        parts = []
        if duplicates:
            sites = sum(m.import_sites for m in duplicates)
            merge = f"merge {plural(len(duplicates), 'duplicate')} into {c.canonical} by hand"
            if sites:
                merge += f", then point {'its' if len(duplicates) == 1 else 'their'} {plural(sites, 'import site')} at it"
            parts.append(merge)
        if c.factories:
            parts.append(f"keep one factory instead of {len(c.factories) + 1}")
        declared = " (declared)" if c.declared else ""
        title = f"Consolidate concept {c.name}{declared}: {'; '.join(parts)}."
        command = _command("ssotlint fix --unsafe", scope) if any(m.import_sites for m in duplicates) else ""
        step = StartStep(0, "concept", c.name, title, count, command, c.anchor)
        candidates.append(ranking.Candidate("concept", rank, count, step))
    for rank, g in enumerate(cycles.items):
        kind = "an import-time cycle" if g.kind == IMPORT_TIME else "a cycle through deferred imports"
        best = max((x for x in g.cut if x.frees is not None), key=lambda x: x.frees or 0, default=None)
        title = f"Break {g.id}, {kind} of {g.size} modules: remove or move {plural(g.cut_imports, 'import')}"
        if best is not None:
            title += f", starting with {best.path}:{best.line} ({best.importer} -> {best.imported})"
            title += f", which alone frees {plural(best.frees or 0, 'module')}" if best.frees else ""
        title += "."
        step = StartStep(0, "cycle", g.id, title, 1, "", g.anchor)
        candidates.append(ranking.Candidate("cycle", rank, 1, step))
    for rank, e in enumerate(events.items):
        verb = "drifts" if e.sites == 1 else "drift"
        title = f"Align event {e.event} with the spec: {e.places()} {verb} ({plural(e.findings, 'finding')})"
        if e.fixable:
            title += f"; the unsafe fix moves the fields of {plural(e.fixable, 'literal dict')}"
        title += "."
        command = _command("ssotlint fix --unsafe", scope) if e.fixable else ""
        step = StartStep(0, "event", e.event, title, e.findings, command, e.anchor)
        candidates.append(ranking.Candidate("event", rank, e.findings, step))
    chosen = ranking.pick(candidates)
    return [
        dataclasses.replace(c.payload, step=i) for i, c in enumerate(chosen, start=1) if isinstance(c.payload, StartStep)
    ]


__all__ = ["Report", "UnknownConcept", "build_report", "import_sites", "report_dict", "split_symbol"]
