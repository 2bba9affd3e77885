"""The refactor plan as data: one JSON document (``"version": 1``) built from a run.

Everything the renderers show is computed here, from the findings of a run (through the
documented ``data`` keys of each rule family) and the project index (import sites, the
import graph). Renderers only format this model. No timestamps and no absolute paths: the
same project gives the same document byte for byte.
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ssotlint.diagnostics import Diagnostic
from ssotlint.discovery import in_scope
from ssotlint.engine import RunResult
from ssotlint.facts.model import DEFERRED, IMPORT_TIME
from ssotlint.index.graph import Digraph
from ssotlint.index.imports import Edge
from ssotlint.index.project import ProjectIndex
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
    members: list[ConceptMember]
    factories: list[Finding]


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


@dataclass(frozen=True)
class Events:
    items: list[EventType]


@dataclass(frozen=True)
class Report:
    version: int
    project: str
    summary: Summary
    concepts: Concepts
    cycles: Cycles
    events: Events

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


# --- building ------------------------------------------------------------------------------


STALE_BASELINE = "SSOT903"


def build_report(result: RunResult) -> Report:
    """The report for a run: every finding, the baselined ones included.

    When the run used a baseline, the summary tells new findings (not in the baseline)
    from known ones, and counts the baseline entries nothing matches any more.
    """
    diagnostics = sorted(
        [d for d in result.diagnostics if d.code != STALE_BASELINE] + list(result.baselined), key=Diagnostic.sort_key
    )
    index = result.index
    return Report(
        version=VERSION,
        project=index.root.name,
        summary=_summary(result, diagnostics),
        concepts=_concepts(index, [d for d in diagnostics if d.code in CONCEPT_CODES]),
        cycles=_cycles(index, [d for d in diagnostics if d.code in CYCLE_CODES], result.scope),
        events=_events([d for d in diagnostics if d.code in EVENT_CODES]),
    )


def _summary(result: RunResult, diagnostics: list[Diagnostic]) -> Summary:
    with_baseline = result.baseline_file is not None and result.baseline_file.exists()
    known = {id(d) for d in result.baselined}
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
        baseline_summary = BaselineSummary(len(result.baselined), sum(new_by_code.values()), gone)
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


def split_symbol(symbol: str) -> tuple[str, str]:
    """``"pkg.mod:Name"`` -> ``("pkg.mod", "Name")`` (a dotted ``pkg.mod.Name`` is accepted too)."""
    if ":" in symbol:
        module, _, name = symbol.partition(":")
    else:
        module, _, name = symbol.rpartition(".")
    return module, name


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


def _concepts(index: ProjectIndex, diagnostics: list[Diagnostic]) -> Concepts:
    grouped: dict[str, list[Diagnostic]] = defaultdict(list)
    constants: list[Finding] = []
    for d in diagnostics:
        if d.code == "SSOT104":
            constants.append(Finding(d.code, d.message, d.path, d.line))
            continue
        concept = _str(d.data, "concept") or _str(d.data, "canonical") or _str(d.data, "target") or "?"
        grouped[concept].append(d)

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
        members.sort(key=lambda m: (m.kind != "alias", m.symbol, m.path, m.line))
        factories.sort(key=lambda f: (f.path, f.line))
        items.append(Concept(name, canonical, _location_of(index, canonical, found) if canonical else None, members, factories))
    constants.sort(key=lambda f: (f.path, f.line, f.message))
    return Concepts(items, _plan(items), constants)


def _plan(concepts: list[Concept]) -> list[PlanStep]:
    """Aliases first (mechanical, `ssotlint fix`), then duplicates, smallest step first."""
    raw: list[tuple[tuple[int, int, str], PlanStep]] = []
    for c in concepts:
        for m in c.members:
            files = sorted({m.path, *(i.path for i in m.importers)})
            if m.kind == "alias":
                step = PlanStep(
                    0, "rewrite-alias-imports", c.name, m.symbol, c.canonical, True,
                    "ssotlint fix", m.import_sites, files,
                )
                key = (0, len(files), m.symbol)
            else:
                step = PlanStep(
                    0, "merge-duplicate", c.name, m.symbol, c.canonical, False,
                    "merge by hand, then ssotlint fix --unsafe", m.import_sites, files,
                )
                key = (1, len(files), m.symbol)
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


def _cycles(index: ProjectIndex, diagnostics: list[Diagnostic], scope: tuple[str, ...] | None) -> Cycles:
    cycles = analysis(index)
    groups: list[CycleGroup] = []
    ordered = sorted(diagnostics, key=lambda d: (d.code, _names(d.data.get("modules"))))
    for i, d in enumerate(ordered, start=1):
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
        cut = [
            Cut(str(c.get("importer", "")), str(c.get("imported", "")), str(c.get("path", "")), _int(c.get("line"), 1), _names(c.get("names")))
            for c in d.data.get("cut", [])
            if isinstance(c, Mapping)
        ]
        packages = Counter(package_of(index, m) for m in modules)
        kind = "deferred" if d.code == "SSOT202" else IMPORT_TIME
        g = cycles.combined_graph if d.code == "SSOT202" else cycles.runtime_graph
        groups.append(
            CycleGroup(
                id=f"cycle-{i}",
                code=d.code,
                kind=kind,
                size=len(modules),
                modules=modules,
                packages=[PackageCount(p, n) for p, n in sorted(packages.items())],
                cycle=cycle,
                steps=steps,
                cut=cut,
                graph=_cycle_graph(index, g, modules, cycle, cut),
            )
        )
    return Cycles(groups, _deferred_debt(index, scope))


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


def _deferred_debt(index: ProjectIndex, scope: tuple[str, ...] | None) -> DeferredDebt:
    """Imports inside functions (in the scope of the run), and which of them hide a cycle."""
    g = analysis(index).combined_graph
    component = {m: i for i, comp in enumerate(g.strongly_connected_components()) for m in comp}
    deferred = [e for e in index.imports.edges if e.kind == DEFERRED and not e.implicit and in_scope(e.path, scope)]
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


def _events(diagnostics: list[Diagnostic]) -> Events:
    # One shape per place (a dict, a consumer) and event: every finding there is one cell.
    places: dict[tuple[str, str, int, str], list[Diagnostic]] = defaultdict(list)
    for d in diagnostics:
        event = _str(d.data, "event") or "?"
        role = "consumer" if d.code in _CONSUMER_CODES or _str(d.data, "kind") == "consumer" else "producer"
        places[(event, d.path, d.line, role)].append(d)

    by_event: dict[str, dict[tuple[str, tuple[tuple[str, str], ...]], list[tuple[EventSite, list[str]]]]] = defaultdict(dict)
    spec_fields: dict[str, set[str]] = defaultdict(set)
    for (event, path, line, role), found in sorted(places.items()):
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
    for event in sorted(by_event):
        shapes = []
        fields: set[str] = set(spec_fields[event])
        for (role, cells_t), sites in by_event[event].items():
            fields.update(f for f, _ in cells_t)
            messages = sorted({m for _, ms in sites for m in ms})
            shapes.append(EventShape(role, dict(cells_t), len(sites), [s for s, _ in sites], messages))
        shapes.sort(key=lambda s: (s.role != "producer", -s.count, sorted(s.cells.items())))
        items.append(EventType(event, sorted(fields), shapes))
    return Events(items)


__all__ = ["Report", "build_report", "import_sites", "report_dict", "split_symbol"]
