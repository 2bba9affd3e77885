"""Import-cycle rules on fixture projects, with exact findings."""

from __future__ import annotations

from pathlib import Path

import pytest

from ssotlint.index.cycles import analyse_component, components, names_weight
from ssotlint.index.imports import RUNTIME

from .conftest import FIXTURES, check, findings


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("cycles-init", ["SSOT201 app/__init__.py:1:1"]),
        ("cycles-relative", ["SSOT201 src/pkg/sub/a.py:1:1"]),
        ("cycles-guarded", ["SSOT201 svc/a.py:2:5"]),
        ("cycles-deferred", ["SSOT202 ws/factory.py:3:5"]),
        ("cycles-typing-only", []),
        ("cycles-stdlib-name", []),
        ("cycles-suppressed", ["SSOT902 core/e.py:1:14", "SSOT902 pyproject.toml:6:1"]),
        ("dynamic-import", ["SSOT201 plug/handlers.py:1:1"]),
        ("syntax", ["SSOT901 mod/broken.py:3:12", "SSOT201 mod/newer.py:1:1"]),
    ],
)
def test_fixture_findings(fixture: str, expected: list[str]) -> None:
    assert findings(check(FIXTURES / fixture)) == expected


def test_init_cycle_shape() -> None:
    [d] = check(FIXTURES / "cycles-init").diagnostics
    assert d.message == "import cycle: app -> app.services.api -> lib.x -> app (3 modules)"
    assert [(r.path, r.line) for r in d.related] == [
        ("app/__init__.py", 1),
        ("app/services/api.py", 1),
        ("lib/x.py", 1),
    ]
    assert "runs its __init__" in d.related[2].message
    assert d.data["modules"] == ["app", "app.services.api", "lib.x"]
    assert d.data["cycle"] == ["app", "app.services.api", "lib.x"]
    assert len(d.data["cut"]) == 1
    assert d.span.end_column == 37


def test_guarded_import_is_marked() -> None:
    [d] = check(FIXTURES / "cycles-guarded").diagnostics
    assert d.data["imports"][0]["guarded"] is True
    assert "guarded by try/except ImportError" in d.related[0].message


def test_deferred_cycle_cut_prefers_the_deferred_import() -> None:
    [d] = check(FIXTURES / "cycles-deferred").diagnostics
    assert d.severity.value == "warning"
    assert d.data["cut"] == [
        {"importer": "ws.factory", "imported": "ws.manager", "path": "ws/factory.py", "line": 3, "names": ["Manager"]}
    ]


def test_relative_imports_resolve_from_the_package() -> None:
    result = check(FIXTURES / "cycles-relative")
    edges = {(e.importer, e.imported) for e in result.index.imports.edges}
    assert ("pkg.sub.a", "pkg.sub.b") in edges
    assert ("pkg.sub.b", "pkg.sub.a") in edges
    assert ("pkg.sub.a", "pkg.util") in edges


def test_stdlib_named_module_is_not_first_party() -> None:
    result = check(FIXTURES / "cycles-stdlib-name")
    assert {(e.importer, e.imported) for e in result.index.imports.edges} == {("app.json", "app.codec")}


def test_cycle_fingerprint_ignores_lines_and_anchor(tmp_path: Path) -> None:
    from .conftest import write_project

    files = {"app/__init__.py": "", "app/a.py": "import app.b\n", "app/b.py": "import app.a\n"}
    first = check(write_project(tmp_path / "one", files)).diagnostics[0]
    moved = {**files, "app/a.py": "\n\n# moved down\nimport app.b\n"}
    second = check(write_project(tmp_path / "two", moved)).diagnostics[0]
    assert first.fingerprint == second.fingerprint
    assert first.span.line != second.span.line


def test_large_component_gets_a_small_cut(tmp_path: Path) -> None:
    """A 120-module ring with chords: one component, and a cut far smaller than its edges."""
    from .conftest import write_project

    n = 120
    files = {"big/__init__.py": ""}
    for i in range(n):
        imports = [f"import big.m{(i + 1) % n:03d}"]
        if i % 10 == 0:
            imports.append(f"import big.m{(i + 7) % n:03d}")
        files[f"big/m{i:03d}.py"] = "\n".join(imports) + "\n"
    result = check(write_project(tmp_path / "big", files))
    [d] = result.diagnostics
    assert len(d.data["modules"]) == n
    assert d.message.endswith(f"of {n} modules in the cycle group)")
    assert "more ..." in d.message  # a long cycle is abbreviated in the message only
    assert d.data["cycle"][0] == "big.m000"
    g = result.index.imports.graph(RUNTIME)
    [comp] = components(g)
    report = analyse_component(g, comp, names_weight(g))
    assert 1 <= len(report.cut) <= 3
    pruned = g.copy()
    pruned.remove_edges_from((e.importer, e.imported) for e in report.cut)
    assert components(pruned) == []


def test_suppressed_edges_and_used_markers() -> None:
    result = check(FIXTURES / "cycles-suppressed")
    assert [d.code for d in result.diagnostics] == ["SSOT902", "SSOT902"]
    assert "core.*.x -> core.nothing" in result.diagnostics[1].message
