"""SSOT201 import-cycle and SSOT202 deferred-import-cycle."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from ssotlint.cache import Memo
from ssotlint.diagnostics import Diagnostic, Related, Severity, Span
from ssotlint.facts.model import DEFERRED, IMPORT_TIME, MAIN_SCOPE, FileFacts
from ssotlint.index.cycles import CycleReport, analyse_component, components, names_weight
from ssotlint.index.graph import Digraph
from ssotlint.index.imports import RUNTIME, RUNTIME_AND_DEFERRED, Edge
from ssotlint.index.project import ProjectIndex
from ssotlint.index.suppress import EdgeSuppression, edge_suppression
from ssotlint.rules.base import Case, Changed, Outcome, Rule, RuleFamily


def _site_dict(e: Edge) -> dict[str, object]:
    return {
        "importer": e.importer,
        "imported": e.imported,
        "path": e.path,
        "line": e.line,
        "names": list(e.names),
        "kind": e.kind,
        "guarded": e.guarded,
        "statement": e.statement,
    }


def _step_message(e: Edge) -> str:
    how = {"import-time": "", "deferred": " (deferred, in a function)", "typing-only": " (typing only)"}[e.kind]
    if e.kind == DEFERRED and e.scope == MAIN_SCOPE:
        how = f" (deferred, under `{MAIN_SCOPE}:`)"
    if e.guarded:
        how += " (guarded by try/except ImportError)"
    if e.implicit:
        return f"{e.importer} imports {e.imported} (runs its __init__ via `{e.statement}`){how}"
    return f"{e.importer} imports {e.imported} (`{e.statement}`){how}"


def cycle_diagnostic(rule: type[Rule], report: CycleReport, kind_label: str, index: ProjectIndex) -> Diagnostic:
    first = report.cycle_sites[0]
    steps = [*report.cycle, report.cycle[0]]
    if len(steps) > 10:  # keep the message one readable line; data and related hold it all
        steps = [*steps[:4], f"... {len(steps) - 7} more ...", *steps[-3:]]
    chain = " -> ".join(steps)
    n = len(report.modules)
    size = f"{n} modules" if n == len(report.cycle) else f"{len(report.cycle)} of {n} modules in the cycle group"
    related = [Related(e.path, e.line, _step_message(e), e.column) for e in report.cycle_sites]
    return rule.diagnostic(
        message=f"{kind_label}: {chain} ({size})",
        path=first.path,
        span=Span(first.line, first.column, first.end_line, first.end_column),
        entity=",".join(report.modules),
        fingerprint_path="",  # a cycle is identified by its members, wherever it is anchored
        related=related,
        touches=sorted(info.rel for m in report.modules if (info := index.modules.get(m)) is not None),
        data={
            "modules": list(report.modules),
            "cycle": list(report.cycle),
            "imports": [_site_dict(e) for e in report.cycle_sites],
            "cut": [
                {"importer": e.importer, "imported": e.imported, "path": e.path, "line": e.line, "names": list(e.names)}
                for e in report.cut
            ],
        },
    )


class CycleAnalysis:
    """Shared by both cycle rules: suppressed edges and components, computed once."""

    def __init__(self, index: ProjectIndex) -> None:
        self.index = index
        #: Cycle groups analysed by an earlier run (shortest cycle and cut, as plain
        #: tuples), keyed by a digest of the group's own imports (see CycleFamily.check).
        self.store: Memo | None = None

    @functools.cached_property
    def runtime_suppression(self) -> EdgeSuppression:
        return edge_suppression(self.index.imports, self.index.config.allow_imports, ImportCycle.code, RUNTIME)

    @functools.cached_property
    def deferred_suppression(self) -> EdgeSuppression:
        return edge_suppression(
            self.index.imports, self.index.config.allow_imports, DeferredImportCycle.code, RUNTIME_AND_DEFERRED
        )

    @functools.cached_property
    def runtime_graph(self) -> Digraph:
        return self.index.imports.graph(RUNTIME, self.runtime_suppression.skipped)

    @functools.cached_property
    def runtime_components(self) -> list[tuple[str, ...]]:
        return components(self.runtime_graph)

    @functools.cached_property
    def combined_graph(self) -> Digraph:
        # An import-time edge ignored for SSOT201 stays ignored here too.
        skip = self.deferred_suppression.skipped | self.runtime_suppression.skipped
        return self.index.imports.graph(RUNTIME_AND_DEFERRED, skip)

    def _reported(self, comp: tuple[str, ...]) -> bool:
        """Whether a finding on this group can touch the run's focus (its locations are
        members' files): the shortest cycle and the cut, the costly part, are worked out
        only for those."""
        index = self.index
        if index.focus is None:
            return True
        return any((info := index.modules.get(m)) is not None and index.in_focus(info.rel) for m in comp)

    def _analysed(
        self,
        tag: str,
        g: Digraph,
        comp: tuple[str, ...],
        weight: Callable[[str, str], float],
        must_use: Callable[[str, str], bool] | None = None,
    ) -> CycleReport:
        """``analyse_component``, or its result from an earlier run when the group's own
        imports (every site of every edge between its members) are the same."""
        store = self.store
        if store is None:
            return analyse_component(g, comp, weight, must_use)
        # The group's own sites come from its members' files alone (resolved against the
        # module table, suppressed by their comments and `imports.allow`): while none of
        # those changed, the cheap key finds the group without hashing every site.
        files_key = self._files_key(tag, comp)
        plain = store.get(files_key) if files_key is not None else None
        if plain is None:
            members = frozenset(comp)
            h = hashlib.blake2b(repr((tag, comp)).encode(), digest_size=16)
            for u in comp:
                targets = g[u]
                for v in sorted(targets):
                    if v in members:
                        h.update(repr((v, targets[v]["sites"])).encode())
            key = h.digest()
            plain = store.get(key)
            if plain is None:
                report = analyse_component(g, comp, weight, must_use)
                cycle_sites, cut = tuple(map(tuple, report.cycle_sites)), tuple(map(tuple, report.cut))
                plain = (report.modules, report.cycle, cycle_sites, cut)
                store.put(key, plain)
            if files_key is not None:
                store.put(files_key, plain)
        modules, cycle, sites, cut = plain
        return CycleReport(tuple(modules), tuple(cycle), tuple(map(Edge._make, sites)), tuple(map(Edge._make, cut)))

    def _files_key(self, tag: str, comp: tuple[str, ...]) -> bytes | None:
        """A key of the group from its members' file contents, when they are known."""
        index = self.index
        digests = getattr(index.files, "digests", None)
        if digests is None:
            return None
        h = hashlib.blake2b(repr(("files", tag, comp, index.config.allow_imports)).encode(), digest_size=16)
        h.update(index.modules.key())
        for m in comp:
            info = index.modules.get(m)
            digest = digests.get(info.rel) if info is not None else None
            if digest is None:
                return None
            h.update(digest)
        return h.digest()

    def runtime_reports(self) -> list[CycleReport]:
        g = self.runtime_graph
        weight = names_weight(g)
        return [self._analysed("runtime", g, comp, weight) for comp in self.runtime_components if self._reported(comp)]

    def deferred_reports(self) -> list[CycleReport]:
        g = self.combined_graph
        inside = {m: i for i, comp in enumerate(self.runtime_components) for m in comp}

        def only_deferred(u: str, v: str) -> bool:
            # A step that an import-time import also takes is part of the import-time
            # graph: a cycle made of such steps alone is SSOT201's, not a deferred one.
            return all(e.kind != IMPORT_TIME for e in g[u][v]["sites"])

        # Cutting a deferred import is the cheap fix for a cycle kept alive by one.
        weight = names_weight(g, prefer=lambda e: 0.5 if e.kind == DEFERRED else 2.0)
        reports = []
        for comp in components(g):
            if not self._reported(comp):
                continue
            owners = {inside.get(m) for m in comp}
            if len(owners) == 1 and None not in owners:
                continue  # the same modules already form an import-time cycle (SSOT201)
            members = set(comp)
            if not any(only_deferred(u, v) for u in comp for v in g.successors(u) if v in members):
                continue  # only import-time edges that SSOT201 was told to ignore
            reports.append(self._analysed("deferred", g, comp, weight, must_use=only_deferred))
        return reports


def analysis(index: ProjectIndex) -> CycleAnalysis:
    cached = index.__dict__.get("_cycle_analysis")
    if cached is None:
        cached = CycleAnalysis(index)
        index.__dict__["_cycle_analysis"] = cached
    return cached  # type: ignore[no-any-return]


class ImportCycle(Rule):
    """Modules that import each other at import time.

    ## What it does
    Finds groups of first-party modules that import each other, directly or through a chain,
    with imports that run when a module is first imported: module level, class bodies, and
    top-level `if`/`try`/`with` blocks (an import inside `try/except ImportError` counts too).
    Importing `a.b.c` also runs `a/__init__.py` and `a/b/__init__.py`, so those package
    initialisers are part of the graph.

    One finding is reported per group (strongly connected component). It is anchored on the
    first import of the group's representative cycle: the shortest cycle through the group's
    alphabetically first module. Every import of that cycle is listed as a related location,
    and `data.cut` names a small set of imports whose removal breaks every cycle of the group.

    Imports are resolved as Python resolves them. An import of a first-party module that is
    not in the tree (a compiled extension, a module of a separately installed distribution,
    a missing one) links only to the existing packages Python runs on the way, never to the
    importer's own packages, which are running already; a relative import beyond the
    top-level package links nowhere. `ssotlint check -v` lists these unresolved imports.
    Imports under `if __name__ == "__main__":` and in the body of a `lambda` do not run on
    import: they count as deferred (SSOT202).

    ## Why is this bad?
    Whichever module of a cycle is imported first sees the others half-initialised: an
    `ImportError` or `AttributeError` that depends on import order, tests that pass alone and
    fail together. Cycles also weld modules together so that none can be moved, merged or
    split on its own, which is what blocks consolidating duplicate implementations.

    ## Example
    ```python
    # app/ws/manager.py
    from app.ws.factory import create_manager

    # app/ws/factory.py
    from app.ws.manager import WebSocketManager
    ```

    ## Use instead
    Move what both modules need into a third module, or invert one dependency (pass the
    object in, register a callback). Hiding the import inside a function only turns this
    finding into SSOT202.
    ```python
    # app/ws/manager.py
    class WebSocketManager: ...

    # app/ws/factory.py
    from app.ws.manager import WebSocketManager
    ```

    ## Options
    - `[tool.ssotlint.imports] allow = ["a.b -> a.c"]`: import edges to leave out of the graph
      (module globs: `*` matches one name segment, `**` any number).
    - `# ssotlint: ignore[SSOT201]` on an import line removes that import from the graph.
    Both are reported as SSOT902 when they remove nothing that is part of a cycle.

    ## Known problems
    Imports are resolved statically: an import computed at run time (other than
    `importlib.import_module("literal")`) is not seen.

    A block under a module-level flag that the module turns off at run time through
    `globals()`, a trick some libraries use so that IDEs see imports that never run, looks
    like import-time code:
    ```python
    _FOR_IDES = True
    globals()["_FOR_IDES"] = False
    if _FOR_IDES:
        from app.ws.factory import create_manager  # ssotlint: ignore[SSOT201]
    ```
    Static analysis cannot follow the flag. Put `# ssotlint: ignore[SSOT201]` on each such
    import, or list the edges under `[tool.ssotlint.imports] allow`; better, guard the
    block with `if TYPE_CHECKING:`, which type checkers and IDEs read the same way and
    ssotlint treats as typing-only.

    Checked on some files (`ssotlint check FILE`, the pre-commit hook), a cycle is reported
    when one of the imports it shows lies in them: a change that only adds a module to an
    existing cycle group, off the cycle shown, is not reported there. A whole-project run
    reports it (against a baseline, as a new finding: the fingerprint is made of the members).
    """

    code = "SSOT201"
    facts_only = True
    name = "import-cycle"
    summary = "First-party modules import each other at import time"
    severity = Severity.ERROR

    VALID = (
        Case({"app/__init__.py": "", "app/a.py": "import app.b\n", "app/b.py": "import json\n"}, note="no cycle"),
        Case(
            {
                "app/__init__.py": "",
                "app/a.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from app.b import B\n",
                "app/b.py": "from app.a import A\n",
            },
            note="a cycle closed only by a TYPE_CHECKING import",
        ),
        Case(
            {"app/__init__.py": "", "app/a.py": "import app.b\n", "app/b.py": "import app.a  # ssotlint: ignore[SSOT201]\n"},
            note="an ignored edge",
        ),
        Case(
            {
                "app/__init__.py": "from app.core import fast_sum\n",
                "app/core.py": "try:\n    from app._speedups import fast_sum\nexcept ImportError:\n    fast_sum = sum\n",
            },
            note="a compiled extension that is not in the tree: no edge back to the package",
        ),
        Case(
            {
                "app/__init__.py": "",
                "app/a.py": "import app.b\n",
                "app/b.py": (
                    '_FOR_IDES = True\nglobals()["_FOR_IDES"] = False\n'
                    "if _FOR_IDES:\n    from app.a import A  # ssotlint: ignore[SSOT201]\n"
                ),
            },
            note="a block an IDE flag turns off through globals(), its import ignored as the docs say",
        ),
    )
    INVALID = (
        Case(
            {"app/__init__.py": "", "app/a.py": "import app.b\n", "app/b.py": "from app import a\n"},
            expected=("SSOT201 app/a.py:1:1",),
        ),
        Case(
            {
                "app/__init__.py": "from app.services.api import handler\n",
                "app/models.py": "X = 1\n",
                "app/services/__init__.py": "",
                "app/services/api.py": "from lib.x import helper\n\ndef handler():\n    pass\n",
                "lib/__init__.py": "",
                "lib/x.py": "from app.models import X\n\ndef helper():\n    pass\n",
            },
            note="importing app.models runs app/__init__.py, which closes the cycle",
            expected=("SSOT201 app/__init__.py:1:1",),
        ),
    )

    def check(self, index: ProjectIndex) -> Iterable[Diagnostic]:
        for report in analysis(index).runtime_reports():
            yield cycle_diagnostic(type(self), report, "import cycle", index)


class DeferredImportCycle(Rule):
    """Modules that import each other only thanks to imports inside functions.

    ## What it does
    Finds groups of modules that form a cycle once imports inside functions and methods are
    counted, and that are not already one import-time cycle (SSOT201). These are the cycles
    hidden by moving an import into a function, often with a comment such as
    `# import here to avoid circular import`.

    The finding has the same shape as SSOT201: anchored on the first import of the
    representative cycle, which always takes at least one step that only deferred imports
    take (so it never repeats a cycle SSOT201 reports); every import of the cycle is a
    related location; `data.cut` proposes imports to remove, preferring the deferred ones.

    Deferred imports are those inside a function, a method or the body of a `lambda`, and
    those under `if __name__ == "__main__":`, which run only when the module is executed as
    a script: a cycle back to that module then loads it a second time, under its own name.

    ## Why is this bad?
    The program starts, but the modules still depend on each other both ways: neither can be
    tested, moved or merged alone, a refactor that moves the deferred import to the top
    breaks start-up, and the first call of the function pays for the import. It is design
    debt that blocks consolidating modules.

    ## Example
    ```python
    # app/ws/manager.py
    from app.ws.factory import create_manager

    # app/ws/factory.py
    def create_manager():
        from app.ws.manager import WebSocketManager  # avoid circular import
        return WebSocketManager()
    ```

    ## Use instead
    Put the shared piece where both can import it at module level without a cycle, or pass
    the dependency in.
    ```python
    # app/ws/factory.py
    from app.ws.manager import WebSocketManager

    def create_manager():
        return WebSocketManager()
    ```

    ## Options
    - `[tool.ssotlint.imports] allow = [...]` and `# ssotlint: ignore[SSOT202]` on an import
      line remove edges, as for SSOT201.

    ## Known problems
    A deferred import inside a function that is never called still counts: the dependency is
    real in the code even if no run ever takes it.

    Checked on some files (`ssotlint check FILE`, the pre-commit hook), a cycle is reported
    when one of the imports it shows lies in them: a change that only adds a module to an
    existing cycle group, off the cycle shown, is not reported there. A whole-project run
    reports it (against a baseline, as a new finding: the fingerprint is made of the members).
    """

    code = "SSOT202"
    facts_only = True
    name = "deferred-import-cycle"
    summary = "A cycle kept alive only by imports inside functions"
    severity = Severity.WARNING

    VALID = (
        Case(
            {
                "app/__init__.py": "",
                "app/a.py": "import app.b\n",
                "app/b.py": "def f():\n    import json\n",
            },
            note="a deferred import that closes no cycle",
        ),
        Case(
            {
                "app/__init__.py": "",
                "app/a.py": "import app.b\n\ndef f():\n    import app.b\n",
                "app/b.py": "import app.a\n\ndef g():\n    import app.a\n",
            },
            note="the same modules already import each other at import time: SSOT201's finding",
        ),
    )
    INVALID = (
        Case(
            {
                "app/__init__.py": "",
                "app/a.py": "import app.b\n",
                "app/b.py": "def f():\n    # avoid circular import\n    from app import a\n",
            },
            expected=("SSOT202 app/a.py:1:1",),
        ),
        Case(
            {
                "app/__init__.py": "",
                "app/cli.py": 'VERSION = "1"\nif __name__ == "__main__":\n    from app.core import run\n',
                "app/core.py": "from app.cli import VERSION\n",
            },
            note="an import under `if __name__ == \"__main__\":` runs only when the module is a script",
            expected=("SSOT202 app/cli.py:3:5",),
        ),
    )

    def check(self, index: ProjectIndex) -> Iterable[Diagnostic]:
        for report in analysis(index).deferred_reports():
            yield cycle_diagnostic(type(self), report, "import cycle through deferred imports", index)


class CycleFamily(RuleFamily):
    """SSOT201 and SSOT202: one import graph, one analysis of its cycle groups.

    They read of each file its imports, ignore comments and parse error (and the module
    table, the same while the set of files is). When their findings must be computed
    again, a cycle group whose own imports did not change takes its shortest cycle and
    cut from the last run (the family's state, see :meth:`CycleAnalysis._analysed`).
    """

    name = "cycles"
    rules = (ImportCycle, DeferredImportCycle)

    def reads(self, index: ProjectIndex, rel: str, facts: FileFacts, state: Any) -> Any:
        return (facts.error, facts.imports, facts.suppressions)

    def check(
        self, index: ProjectIndex, rules: Sequence[type[Rule]], state: Any, changed: Sequence[Changed] | None
    ) -> Outcome:
        cycles = analysis(index)
        cycles.store = Memo(state if isinstance(state, dict) else None)
        findings = [d for rule in rules for d in rule().check(index)]
        # The ignore comments and allow entries that removed an edge of a cycle are used.
        used = [cycles.runtime_suppression] if ImportCycle in rules else []
        if DeferredImportCycle in rules:
            used.append(cycles.deferred_suppression)
        return Outcome(
            findings,
            frozenset().union(*(u.used_comments for u in used)),
            frozenset().union(*(u.used_allow for u in used)),
            cycles.store.used,
        )
