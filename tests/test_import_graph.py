"""The import graph against what Python really does, and the cycles it gives.

Each ``graph-*`` fixture is a small project around one way a static import graph can go
wrong. Its findings are checked exactly, and its import-time edges are compared with a
real import trace (:mod:`tests.import_trace`): every module of the fixture imported in a
fresh interpreter, recording which first-party modules each executed import made Python
run or read.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ssotlint.engine import RunResult
from ssotlint.facts.extract import extract
from ssotlint.facts.model import DEFERRED, IMPORT_TIME, MAIN_SCOPE, TYPING
from ssotlint.index.imports import Edge, Resolver, Unresolved
from ssotlint.index.modules import ModuleInfo, ModuleTable

from .conftest import EXAMPLE_DIR, FIXTURES, check, copy_fixture, findings, run_cli, write_project
from .import_trace import Trace, TracedEdge, trace_project

GRAPH_FIXTURES = {
    # 1. Modules that are not in the tree: no edge to the importer's own package; an edge to
    #    an existing package on the way only when Python runs it.
    "graph-missing-module": ["SSOT201 pkg/__init__.py:1:1"],
    # 2. `from X import sub, attr` with the submodule first.
    "graph-submodule-first": ["SSOT201 app/user_b.py:1:1"],
    # 3. A relative import one level beyond the top-level package.
    "graph-relative-beyond-top": [],
    # 4. Imports under `if __name__ == "__main__":` run only when the module is a script.
    "graph-main-guard": ["SSOT202 tool/cli.py:4:5"],
    # 5. import_module() in a module-level lambda runs when the lambda is called.
    "graph-lambda-import": ["SSOT202 plug/csv_loader.py:1:1"],
    # 6. import_module(".b", package=__name__) in a module that is not a package.
    "graph-dynamic-relative": [],
    # 7. Modules importing each other both at module level and in functions.
    "graph-deferred-both": ["SSOT201 svc/a.py:1:1", "SSOT202 svc/a.py:11:5"],
}


def static_edges(result: RunResult) -> set[TracedEdge]:
    """ssotlint's import-time edges in the trace's shape."""
    out = set()
    for e in result.index.imports.edges:
        if e.kind != IMPORT_TIME:
            continue
        names = e.names if e.statement.startswith("from ") and not e.implicit else None
        out.add(TracedEdge(e.importer, e.line, e.imported, e.implicit, names, e.submodule))
    return out


def trace_of(root: Path, result: RunResult) -> Trace:
    """Every module of the analysed project imported in its own fresh interpreter."""
    modules = result.index.modules
    roots = [root / r if r else root for r in modules.roots]
    return trace_project(root, roots, sorted(n for n in modules.by_name if "@" not in n))


@pytest.mark.parametrize(("fixture", "expected"), list(GRAPH_FIXTURES.items()))
def test_graph_fixture_findings(fixture: str, expected: list[str]) -> None:
    assert findings(check(FIXTURES / fixture)) == expected


def assert_graph_is_the_trace(root: Path) -> None:
    """Every module imports cleanly, every import-time statement of the graph ran (one
    that never runs on import, such as one under `if __name__ == "__main__":`, must not
    be an import-time edge), and made Python run or read exactly the modules the graph says."""
    result = check(root)
    static = static_edges(result)
    trace = trace_of(root, result)
    assert trace.errors == {}
    assert {(e.importer, e.line) for e in static} <= trace.executed
    assert static == trace.edges


@pytest.mark.parametrize("fixture", list(GRAPH_FIXTURES))
def test_graph_fixture_edges_match_an_import_trace(fixture: str) -> None:
    assert_graph_is_the_trace(FIXTURES / fixture)


@pytest.mark.parametrize(
    "project",
    [
        "cycles-deferred",
        "cycles-guarded",
        "cycles-init",
        "cycles-relative",
        "cycles-stdlib-name",
        "cycles-suppressed",
        "cycles-typing-only",
        "dynamic-import",
        "duplicates-discovered",
        "duplicates-websocket",
        "events-basic",
        "fix-aliases",
        "report-cycles",
        "chat-monorepo",
    ],
)
def test_other_projects_edges_match_an_import_trace(project: str) -> None:
    """Where a module fails part-way (a real broken cycle), the statements after the failure
    never run: their edges are not put to the test, every other one is."""
    root = EXAMPLE_DIR if project == "chat-monorepo" else FIXTURES / project
    result = check(root)
    static = static_edges(result)
    trace = trace_of(root, result)
    assert {e for e in static if (e.importer, e.line) in trace.executed} == trace.edges
    assert len(trace.executed) >= len({(e.importer, e.line) for e in static}) // 2


# --- 1. modules that are not in the tree ---------------------------------------------------


def test_missing_module_has_no_edge_to_the_importers_package() -> None:
    result = check(FIXTURES / "graph-missing-module")
    [d] = result.diagnostics
    assert d.message == "import cycle: pkg -> pkg.core -> plugins -> pkg (3 modules)"
    edges = {(e.importer, e.imported, e.line, e.implicit) for e in result.index.imports.edges}
    assert edges == {
        ("app", "app.main", 1, False),  # and app.main has no edge back to app
        ("pkg", "pkg.core", 1, False),
        ("pkg.core", "plugins", 12, True),  # importing plugins.contrib.extra runs plugins/__init__
        ("plugins", "pkg", 3, False),
        ("pkg.core", "tools.lint", 16, False),  # tools/ is a namespace package: no code, no edge
        ("pkg.core", "tools.lint", 17, False),
    }
    assert "runs its __init__ via `import plugins.contrib.extra`" in d.related[1].message


def test_unresolved_imports_are_listed() -> None:
    result = check(FIXTURES / "graph-missing-module")
    assert result.index.imports.unresolved == (
        Unresolved("app/main.py", 4, 5, "from app.providers.openai import Client", "app.providers.openai"),
        Unresolved("pkg/core.py", 4, 5, "from pkg._speedups import fast_sum", "pkg._speedups"),
        Unresolved("pkg/core.py", 12, 5, "import plugins.contrib.extra", "plugins.contrib.extra"),
    )


def test_verbose_check_says_which_imports_did_not_resolve(tmp_path: Path) -> None:
    root = copy_fixture("graph-missing-module", tmp_path)
    done = run_cli("check", "-v", "--no-cache", str(root))
    assert done.returncode == 1
    lines = [line for line in done.stderr.splitlines() if "unresolved import" in line]
    assert lines == [
        "ssotlint: info: app/main.py:4:5: unresolved import `from app.providers.openai import Client`: "
        "no module app.providers.openai in the project",
        "ssotlint: info: pkg/core.py:4:5: unresolved import `from pkg._speedups import fast_sum`: "
        "no module pkg._speedups in the project",
        "ssotlint: info: pkg/core.py:12:5: unresolved import `import plugins.contrib.extra`: "
        "no module plugins.contrib.extra in the project",
    ]
    quiet = run_cli("check", "--no-cache", str(root))
    assert "unresolved" not in quiet.stderr


def test_unresolved_imports_survive_the_edge_cache(tmp_path: Path) -> None:
    root = copy_fixture("graph-relative-beyond-top", tmp_path)
    first = check(root, use_cache=True).index.imports
    second = check(root, use_cache=True).index.imports
    expected = (Unresolved("pkg/mod.py", 6, 5, "from ..helpers import h", ""),)
    assert first.unresolved == second.unresolved == expected
    assert first.edges == second.edges


# --- 2. `from X import sub, attr` -----------------------------------------------------------


def _edges_of(result: RunResult, importer: str) -> list[Edge]:
    return [e for e in result.index.imports.edges if e.importer == importer]


@pytest.mark.parametrize("importer", ["app.user_a", "app.user_b"])
def test_submodule_and_attribute_of_one_statement_are_told_apart(importer: str) -> None:
    """Whatever the order of the names, `from app.ws import helpers, WebSocketManager`
    reads `WebSocketManager` from app.ws and binds the submodule app.ws.helpers."""
    result = check(FIXTURES / "graph-submodule-first")
    got = {(e.imported, e.names, e.implicit, e.submodule) for e in _edges_of(result, importer)}
    assert got == {
        ("app.ws", ("WebSocketManager",), False, False),
        ("app.ws.helpers", ("helpers",), False, True),
    }


def test_cycle_step_through_an_attribute_is_not_labelled_as_running_an_init() -> None:
    [d] = check(FIXTURES / "graph-submodule-first").diagnostics
    assert d.message == "import cycle: app.user_b -> app.ws -> app.ws.registry -> app.user_b (3 modules)"
    assert d.related[0].message == "app.user_b imports app.ws (`from app.ws import helpers, WebSocketManager`)"


def test_submodules_only_run_their_package_implicitly(project) -> None:  # type: ignore[no-untyped-def]
    root = project(
        {
            "app/__init__.py": "",
            "app/ws/__init__.py": "",
            "app/ws/a.py": "",
            "app/ws/b.py": "",
            "app/user.py": "from app.ws import a, b\n",
        }
    )
    got = {(e.imported, e.names, e.implicit, e.submodule) for e in _edges_of(check(root), "app.user")}
    assert got == {
        ("app.ws", ("a", "b"), True, False),
        ("app.ws.a", ("a",), False, True),
        ("app.ws.b", ("b",), False, True),
    }


# --- 3. and 6. relative imports ---------------------------------------------------------------


def _resolve(modules: list[str], importer: str, source: str) -> list[tuple[str, bool]] | None:
    rels = [m.replace(".", "/") + ("/__init__.py" if m in ("pkg", "pkg.sub") else ".py") for m in modules]
    table = ModuleTable(rels, ("",))
    info = table.get(importer)
    assert isinstance(info, ModuleInfo)
    fact = extract(source.encode()).imports[-1]
    resolver = Resolver(table)
    if resolver.unresolved(info, fact) is not None:
        return None
    return sorted((e.imported, e.implicit) for e in resolver.edges(info, fact))


MODULES = ["pkg", "pkg.sub", "pkg.sub.mod", "pkg.util", "top", "helpers"]


@pytest.mark.parametrize(
    ("importer", "source", "expected"),
    [
        ("pkg.sub.mod", "from . import x\n", [("pkg.sub", False)]),
        ("pkg.sub.mod", "from .. import util\n", [("pkg.util", False)]),
        ("pkg.sub.mod", "from ...helpers import h\n", None),  # beyond the top-level package
        ("pkg.sub.mod", "from ... import helpers\n", None),
        ("pkg.util", "from ..helpers import h\n", None),
        ("pkg", "from .util import x\n", [("pkg.util", False)]),
        ("pkg", "from ..helpers import h\n", None),
        ("top", "from . import helpers\n", None),  # a top-level module has no package
        ("pkg.sub", 'import_module(".mod", package=__name__)\n', [("pkg.sub.mod", False)]),
        ("pkg.sub.mod", 'import_module(".util", package=__name__)\n', None),  # pkg.sub.mod.util
        ("pkg.sub.mod", 'import_module("..util", package=__package__)\n', [("pkg.util", False)]),
        ("pkg.util", 'import_module(".sub.mod", package=__package__)\n', [("pkg.sub", True), ("pkg.sub.mod", False)]),
    ],
)
def test_relative_imports_resolve_as_python_does(importer: str, source: str, expected: object) -> None:
    if source.startswith("import_module"):
        source = "from importlib import import_module\n" + source
    assert _resolve(MODULES, importer, source) == expected


def test_dunder_import_with_leading_dots_is_no_import() -> None:
    assert extract(b'__import__(".b")\n').imports == ()


# --- 4. and 5. where an import runs ------------------------------------------------------------


def _contexts(source: str) -> list[tuple[int, str, str]]:
    return [(f.line, f.context, f.scope) for f in extract(source.encode()).imports]


def test_main_guard_imports_are_deferred() -> None:
    source = """\
import a
if __name__ == "__main__":
    import b
if "__main__" == __name__ and True:
    import c
if __name__ != "__main__":
    import d
else:
    import e
if __name__ == "__main__":
    pass
elif x:
    import f
def main():
    if __name__ == "__main__":
        import g
if TYPE_CHECKING:
    if __name__ == "__main__":
        import h
if __name__ == "main":
    import i
"""
    assert _contexts(source) == [
        (1, IMPORT_TIME, ""),
        (3, DEFERRED, MAIN_SCOPE),
        (5, DEFERRED, MAIN_SCOPE),
        (7, IMPORT_TIME, ""),
        (9, DEFERRED, MAIN_SCOPE),
        (13, IMPORT_TIME, ""),
        (16, DEFERRED, "main"),
        (19, TYPING, MAIN_SCOPE),
        (21, IMPORT_TIME, ""),
    ]


def test_lambda_bodies_are_deferred_and_defaults_are_not() -> None:
    source = """\
from importlib import import_module
f = lambda: import_module("a")
g = lambda m=import_module("b"): m
h = [import_module("c") for _ in (1,)]
class K:
    k = staticmethod(lambda: (lambda: import_module("d"))())
def outer():
    return lambda: import_module("e")
x = import_module("f")
"""
    assert _contexts(source)[1:] == [
        (2, DEFERRED, "<lambda>"),
        (3, IMPORT_TIME, ""),
        (4, IMPORT_TIME, ""),
        (6, DEFERRED, "<lambda>"),
        (8, DEFERRED, "outer.<lambda>"),
        (9, IMPORT_TIME, ""),
    ]


def test_main_guard_step_is_labelled() -> None:
    [d] = check(FIXTURES / "graph-main-guard").diagnostics
    assert d.related[0].message == (
        'tool.cli imports tool.core (`from tool.core import run`) (deferred, under `if __name__ == "__main__":`)'
    )


# --- 7. a deferred cycle needs a deferred import -----------------------------------------------


def test_deferred_cycle_needs_a_deferred_import() -> None:
    result = check(FIXTURES / "graph-deferred-both")
    runtime, deferred = result.diagnostics
    assert runtime.data["cycle"] == ["svc.a", "svc.b"]
    assert deferred.message == "import cycle through deferred imports: svc.a -> svc.c -> svc.a (2 of 3 modules in the cycle group)"
    assert [(s["path"], s["line"], s["kind"]) for s in deferred.data["imports"]] == [
        ("svc/a.py", 11, DEFERRED),
        ("svc/c.py", 1, IMPORT_TIME),
    ]


def test_two_modules_importing_each_other_both_ways_is_one_finding(project) -> None:  # type: ignore[no-untyped-def]
    both = "import app.{0}\n\n\ndef f():\n    import app.{0}\n"
    root = project({"app/__init__.py": "", "app/a.py": both.format("b"), "app/b.py": both.format("a")})
    assert findings(check(root)) == ["SSOT201 app/a.py:1:1"]


@pytest.mark.parametrize("fixture", [*GRAPH_FIXTURES, "cycles-deferred", "report-cycles", "chat-monorepo"])
def test_no_deferred_finding_repeats_an_import_time_cycle(fixture: str) -> None:
    root = EXAMPLE_DIR if fixture == "chat-monorepo" else FIXTURES / fixture
    result = check(root)
    import_time = {tuple(d.data["cycle"]) for d in result.diagnostics if d.code == "SSOT201"}
    g = result.index.imports
    for d in result.diagnostics:
        if d.code != "SSOT202":
            continue
        assert tuple(d.data["cycle"]) not in import_time
        steps = list(zip(d.data["cycle"], d.data["cycle"][1:] + d.data["cycle"][:1], strict=True))
        kinds = [{e.kind for e in g.edges if (e.importer, e.imported) == step and e.kind != TYPING} for step in steps]
        assert any(k == {DEFERRED} for k in kinds), d.message


def test_the_submodule_flag_survives_the_edge_cache(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/a.py": "from app import b\n", "app/b.py": ""})
    check(root, use_cache=True)
    again = check(root, use_cache=True)
    assert [(e.imported, e.submodule) for e in again.index.imports.edges] == [("app.b", True)]
