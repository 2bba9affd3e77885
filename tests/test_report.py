"""`ssotlint report`: the model, its JSON Schema, the Markdown/Mermaid, HTML and terminal renderings.

Snapshots live in tests/snapshots/; after a deliberate change regenerate them (and the
README's picture, docs/report-chat-monorepo.png) with

    SSOTLINT_UPDATE_SNAPSHOTS=1 python -m pytest tests/test_report.py tests/test_report_browser.py
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import os
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from ssotlint.diagnostics import Diagnostic, Related, Severity, Span, fingerprint
from ssotlint.engine import RunResult
from ssotlint.report import html, markdown
from ssotlint.report.graphs import fan_in_picture
from ssotlint.report.layout import layers
from ssotlint.report.model import COLLAPSE_ABOVE, CYCLE_DRAW_LIMIT, GraphEdge, Report, build_report
from ssotlint.report.render import render, to_json
from ssotlint.report.view import View
from tests.conftest import EXAMPLE_DIR, FIXTURES, check, run_cli, write_project
from tests.mermaid_check import check_flowchart, check_markdown, mermaid_blocks

SNAPSHOTS = Path(__file__).parent / "snapshots"
SCHEMA = json.loads((Path(__file__).parents[1] / "src/ssotlint/report/schema.json").read_text())
CANONICAL = "app.ws.unified_manager:UnifiedWebSocketManager"


def assert_snapshot(name: str, text: str) -> None:
    path = SNAPSHOTS / name
    if os.environ.get("SSOTLINT_UPDATE_SNAPSHOTS"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    assert path.exists(), f"no snapshot {name}: run with SSOTLINT_UPDATE_SNAPSHOTS=1"
    assert text == path.read_text(encoding="utf-8"), f"{name} changed: review, then SSOTLINT_UPDATE_SNAPSHOTS=1"


def _d(code: str, name: str, path: str, line: int, message: str, data: dict[str, Any], related: tuple[Related, ...] = ()) -> Diagnostic:
    return Diagnostic(
        code, name, message, path, Span.point(line, 1), Severity.WARNING,
        fingerprint(code, path, json.dumps(data, sort_keys=True)), related=related, data=data,
    )


def hand_built_findings() -> list[Diagnostic]:
    """Duplicate and event findings with their documented `data` keys, on the fix-aliases fixture."""
    return [
        _d("SSOT102", "compat-alias", "app/ws/compat.py", 6, "WebSocketManager is an alias of UnifiedWebSocketManager",
           {"concept": "WebSocketManager", "alias": "app.ws.compat:WebSocketManager", "target": CANONICAL, "import_sites": 2},
           (Related("app/ws/unified_manager.py", 4, "canonical class"),)),
        _d("SSOT101", "duplicate-implementation", "app/ws/legacy.py", 4, "LegacyWebSocketManager duplicates UnifiedWebSocketManager",
           {"concept": "WebSocketManager", "duplicate": "app.ws.legacy:LegacyWebSocketManager", "canonical": CANONICAL,
            "similarity": 1.0, "import_sites": 1}),
        _d("SSOT103", "duplicate-factory", "app/api/admin.py", 10, "managers() also builds WebSocketManager instances",
           {"concept": "WebSocketManager", "canonical": CANONICAL}),
        _d("SSOT104", "conflicting-constant", "app/api/routes.py", 3, "TIMEOUT is 30 here and 60 in app/ws/legacy.py", {"name": "TIMEOUT"}),
        _d("SSOT303", "event-envelope-mismatch", "app/api/events.py", 7, "tool_executing nests tool_name, parameters under payload",
           {"event": "tool_executing", "fields": ["parameters", "tool_name"], "found": ["payload"], "expected": [""]}),
        _d("SSOT301", "event-missing-field", "app/api/events.py", 16, "tool_completed misses duration",
           {"event": "tool_completed", "field": "duration", "required": ["tool_name", "results", "duration", "timestamp"]}),
        _d("SSOT305", "consumer-spec-mismatch", "app/api/routes.py", 8, "reads tool_completed.result, the spec has results",
           {"event": "tool_completed", "field": "result", "level": "", "kind": "read"}),
        _d("SSOT304", "unknown-event-type", "app/api/events.py", 16, "tool_complete is not in the spec",
           {"event": "tool_complete", "suggestion": "tool_completed"}),
    ]


def hand_built_result() -> RunResult:
    result = check(FIXTURES / "fix-aliases")
    return dataclasses.replace(result, diagnostics=sorted(hand_built_findings(), key=Diagnostic.sort_key))


def big_cycle(root: Path, n: int = 30) -> RunResult:
    """``n`` modules in three packages importing each other in a ring, plus shortcuts."""
    files = {"big/__init__.py": ""}
    for p in ("core", "api", "store"):
        files[f"big/{p}/__init__.py"] = ""
    names = [f"big.{('core', 'api', 'store')[i % 3]}.m{i:02d}" for i in range(n)]
    for i, name in enumerate(names):
        nxt = names[(i + 1) % n]
        body = f"from {nxt.rpartition('.')[0]} import {nxt.rpartition('.')[2]}\n"
        if i % 7 == 0:
            body += f"import {names[(i + 3) % n]}\n"
        files[name.replace(".", "/") + ".py"] = body
    write_project(root, files)
    return check(root)


# --- the model --------------------------------------------------------------------------


def test_example_json_snapshot_and_schema() -> None:
    text = to_json(build_report(check(EXAMPLE_DIR)))
    jsonschema.validate(json.loads(text), SCHEMA)
    assert_snapshot("report-chat-monorepo.json", text)


def test_example_markdown_snapshot() -> None:
    text = markdown.render(build_report(check(EXAMPLE_DIR)))
    assert_snapshot("report-chat-monorepo.md", text)


def test_hand_built_findings_markdown_snapshot() -> None:
    assert_snapshot("report-hand-built.md", markdown.render(build_report(hand_built_result())))


def test_hand_built_findings_validate_against_the_schema() -> None:
    jsonschema.validate(json.loads(to_json(build_report(hand_built_result()))), SCHEMA)


def test_schema_rejects_a_wrong_document() -> None:
    doc = json.loads(to_json(build_report(hand_built_result())))
    doc["concepts"]["plan"][0]["action"] = "delete-everything"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, SCHEMA)


def test_concepts_count_import_sites_and_order_the_plan() -> None:
    report = build_report(hand_built_result())
    [concept] = report.concepts.items
    assert concept.canonical == CANONICAL
    assert concept.canonical_location is not None
    assert (concept.canonical_location.path, concept.canonical_location.line) == ("app/ws/unified_manager.py", 4)
    assert [(m.kind, m.symbol, m.import_sites, [i.module for i in m.importers]) for m in concept.members] == [
        ("alias", "app.ws.compat:WebSocketManager", 2, ["app.api.admin", "app.api.routes"]),
        ("duplicate", "app.ws.legacy:LegacyWebSocketManager", 1, ["app.api.admin"]),
    ]
    assert [(p.step, p.action, p.automated, p.command, p.files) for p in report.concepts.plan] == [
        (1, "rewrite-alias-imports", True, "ssotlint fix", ["app/api/admin.py", "app/api/routes.py", "app/ws/compat.py"]),
        (2, "merge-duplicate", False, "merge by hand, then ssotlint fix --unsafe", ["app/api/admin.py", "app/ws/legacy.py"]),
    ]
    assert [(f.code, f.path, f.line) for f in concept.factories] == [("SSOT103", "app/api/admin.py", 10)]
    assert [(f.code, f.path) for f in report.concepts.constants] == [("SSOT104", "app/api/routes.py")]


def test_events_matrix_groups_places_by_shape() -> None:
    report = build_report(hand_built_result())
    # Ranked by drifting places, then findings, then name.
    assert [(e.event, e.fields, e.sites, e.producers, e.consumers, e.findings, e.fixable, e.anchor) for e in report.events.items] == [
        ("tool_completed", ["duration", "result", "results", "timestamp", "tool_name"], 2, 1, 1, 2, 0, "event-tool_completed"),
        ("tool_complete", ["(type)"], 1, 1, 0, 1, 0, "event-tool_complete"),
        ("tool_executing", ["parameters", "tool_name"], 1, 1, 0, 1, 1, "event-tool_executing"),
    ]
    completed = report.events.items[0]
    assert [(s.role, s.cells, s.count, [(loc.path, loc.line) for loc in s.locations]) for s in completed.shapes] == [
        ("producer", {"duration": "missing"}, 1, [("app/api/events.py", 16)]),
        ("consumer", {"result": "not in spec"}, 1, [("app/api/routes.py", 8)]),
    ]
    executing = report.events.items[2].shapes[0]
    assert executing.cells == {"parameters": "under payload (spec: top level)", "tool_name": "under payload (spec: top level)"}


REPORT_CYCLES = FIXTURES / "report-cycles"  # the demo monorepo's cycles, frozen


def test_cycles_with_their_cut_and_the_deferred_debt() -> None:
    report = build_report(check(REPORT_CYCLES))
    # Ranked by the modules the cut frees, then by size; ids follow the rank, anchors the members.
    assert [(g.id, g.code, g.size, g.freed, g.cut_imports, g.anchor, g.cycle) for g in report.cycles.items] == [
        ("cycle-1", "SSOT202", 4, 4, 2, "deferred-cycle-chat_backend.agents.bridge",
         ["chat_backend.websocket.factory", "chat_backend.websocket.unified_manager"]),
        ("cycle-2", "SSOT201", 3, 3, 1, "cycle-chat_backend.agents.bridge",
         ["chat_backend.agents.bridge", "chat_backend.websocket", "chat_backend.websocket.unified_manager"]),
        ("cycle-3", "SSOT201", 2, 2, 1, "cycle-shared.config", ["shared.config", "shared.logging"]),
    ]
    assert [(c.path, c.line, c.names, c.frees) for c in report.cycles.items[2].cut] == [
        ("libs/shared/shared/logging.py", 5, ["settings"], 2)
    ]
    # Alone, the import of the bridge breaks the import-time cycle (bridge, websocket and the
    # manager leave it) but the factory still imports the manager back inside a function.
    manager = "services/backend/chat_backend/websocket/unified_manager.py"
    assert [(c.path, c.line, c.frees) for c in report.cycles.items[0].cut] == [(manager, 5, 2), (manager, 35, 1)]
    d = report.cycles.deferred
    assert (d.deferred_imports, d.with_comment, d.closing_cycles) == (1, 1, 1)
    assert [(s.path, s.line) for s in d.sites] == [("services/backend/chat_backend/websocket/unified_manager.py", 35)]


def test_large_cycle_group_is_collapsed_to_packages(tmp_path: Path) -> None:
    report = build_report(big_cycle(tmp_path / "big"))
    jsonschema.validate(json.loads(to_json(report)), SCHEMA)
    [group] = report.cycles.items
    assert group.size == 30 > COLLAPSE_ABOVE
    assert len(group.cycle) == 22 > CYCLE_DRAW_LIMIT  # too long to draw module by module
    assert group.graph.collapsed
    assert [(n.label, n.kind, n.in_cycle) for n in group.graph.nodes] == [
        ("big.api.m07", "module", True),
        ("big.core.m06", "module", True),
        ("big.api (9 modules)", "package", True),
        ("big.core (9 modules)", "package", True),
        ("big.store (10 modules)", "package", True),
    ]
    assert [(c.importer, c.imported) for c in group.cut] == [("big.core.m06", "big.api.m07")]
    assert [e for e in group.graph.edges if e.cut] == [GraphEdge("big.core.m06", "big.api.m07", "import-time", True, True)]
    text = markdown.render(report)
    assert [check_flowchart(b) for b in mermaid_blocks(text)] == [[]]


def test_short_cycle_in_a_large_group_is_drawn_module_by_module(tmp_path: Path) -> None:
    files = {"big/__init__.py": ""} | {f"big/m{i:02d}.py": f"import big.m{(i + 1) % 20:02d}\n" for i in range(20)}
    files["big/m00.py"] += "import big.m02\n"
    files["big/m03.py"] += "import big.m00\n"
    write_project(tmp_path / "p", files)
    [group] = build_report(check(tmp_path / "p")).cycles.items
    assert group.size == 20 and group.cycle == ["big.m00", "big.m02", "big.m03"]
    assert group.graph.collapsed
    modules = [n.id for n in group.graph.nodes if n.kind == "module"]
    assert set(group.cycle) <= set(modules)
    assert [(n.label, n.size) for n in group.graph.nodes if n.kind == "package"] == [(f"big ({group.size - len(modules)} modules)", group.size - len(modules))]


def test_empty_sections_say_nothing_found(tmp_path: Path) -> None:
    root = write_project(tmp_path / "clean", {"app/__init__.py": "", "app/a.py": "import json\n"})
    report = build_report(check(root))
    text = markdown.render(report)
    assert text.count("_Nothing found._") == 4  # Start here and the three sections
    assert html.render(report).count("Nothing found.") == 4


def test_baseline_counts_new_findings_apart(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/a.py": "import app.b\n", "app/b.py": "from app import a\n"})
    assert run_cli("baseline", str(root)).returncode == 0
    (root / "app/c.py").write_text("import app.d\n")
    (root / "app/d.py").write_text("import app.c\n")
    report = build_report(check(root))
    jsonschema.validate(json.loads(to_json(report)), SCHEMA)
    summary = report.summary
    assert summary.baseline is not None
    assert (summary.findings, summary.baseline.known, summary.baseline.new, summary.baseline.gone) == (2, 1, 1, 0)
    assert [(r.code, r.count, r.new) for r in summary.rules] == [("SSOT201", 2, 1)]
    # Each section marks its new items too.
    assert [(g.cycle, g.new) for g in report.cycles.items] == [(["app.a", "app.b"], False), (["app.c", "app.d"], True)]
    text = markdown.render(report)
    assert "### 2. `cycle-2`: import-time cycle of 2 modules (SSOT201) (new)" in text
    assert "| Family | Findings | New |" in text


# --- renderings -------------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["example", "hand-built"])
def test_markdown_is_well_formed_and_mermaid_blocks_parse(which: str) -> None:
    result = check(EXAMPLE_DIR) if which == "example" else hand_built_result()
    text = markdown.render(build_report(result))
    assert check_markdown(text) == []
    blocks = mermaid_blocks(text)
    assert blocks, "no diagram"
    assert [check_flowchart(b) for b in blocks] == [[] for _ in blocks]


def test_cut_edges_are_dashed_in_mermaid() -> None:
    text = markdown.render(build_report(check(REPORT_CYCLES)), View.everything())
    shared = next(b for b in mermaid_blocks(text) if "shared.logging" in b)
    assert '    n1 -.->|cut| n0' in shared.splitlines()
    assert "    n0 ==> n1" in shared.splitlines()


def test_mermaid_checker_rejects_broken_diagrams() -> None:
    assert check_flowchart('flowchart TD\n    n0["a"]\n    n0 --> n9\n') == ["line 3: edge to undeclared node n9"]
    assert check_flowchart('flowchart TD\n    n0["a "quoted""]\n') == [
        "line 2: not a flowchart statement: 'n0[\"a \"quoted\"\"]'",
        "no nodes",
    ]
    assert check_flowchart('graph XY\n') == ["line 1: expected 'flowchart <direction>', got 'graph XY'"]
    assert check_markdown("| a | b |\n| --- |\n") == ["line 2: 1 cells, the table has 2"]


def test_html_is_self_contained() -> None:
    text = html.render(build_report(hand_built_result()))
    assert text.startswith("<!DOCTYPE html>")
    assert "<script" not in text and "<link" not in text and "@import" not in text
    assert re.findall(r"https?://[^\s\"']+", text) == ["http://www.w3.org/2000/svg"]
    assert text.count("<svg") == 1  # the fan-in (this fixture has no cycle)


def test_terminal_rendering() -> None:
    out = io.StringIO()
    render(build_report(hand_built_result()), "terminal", out, width=120)
    text = out.getvalue()
    assert "ssotlint report: fix-aliases" in text
    assert "alias     app.ws.compat:WebSocketManager  app/ws/compat.py:6  2 import sites" in text
    assert "\x1b[" not in text


def test_layers_follow_the_cycle_once_the_cut_is_set_aside() -> None:
    assert layers(["a", "b", "c"], [("a", "b"), ("b", "c"), ("c", "a")], ignore=[("c", "a")]) == [["a"], ["b"], ["c"]]
    assert layers(["x", "y"], [("x", "y"), ("y", "x")]) == [["x"], ["y"]]


# --- the command --------------------------------------------------------------------------------


def test_cli_report_writes_each_format(tmp_path: Path) -> None:
    for fmt, marker in (("markdown", "# ssotlint report: chat-monorepo"), ("html", "<!DOCTYPE html>"), ("json", '"version": 1')):
        out = tmp_path / f"report.{fmt}"
        proc = run_cli("report", str(EXAMPLE_DIR), "--no-cache", "--format", fmt, "-o", str(out))
        assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")
        assert marker in out.read_text()
    proc = run_cli("report", str(EXAMPLE_DIR), "--no-cache")
    assert proc.returncode == 0 and "Import cycles" in proc.stdout


def _report(r: Report) -> str:
    return to_json(r)


def test_report_is_deterministic_with_and_without_cache(tmp_path: Path) -> None:
    root = big_cycle(tmp_path / "big").config.root
    cold = _report(build_report(check(root, use_cache=True)))
    warm = _report(build_report(check(root, use_cache=True, jobs=2)))
    assert cold == warm == _report(build_report(check(root)))


def test_report_for_paths_keeps_to_them() -> None:
    report = build_report(check(REPORT_CYCLES, paths=(REPORT_CYCLES / "libs",)))
    assert [g.cycle for g in report.cycles.items] == [["shared.config", "shared.logging"]]
    assert report.cycles.deferred.deferred_imports == 0


def test_fan_in_with_many_importers_is_drawn_by_package(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/core.py": "class Manager:\n    pass\n", "app/compat.py": "from app.core import Manager\n\nOld = Manager\n"}
    for p in range(3):
        files[f"app/p{p}/__init__.py"] = ""
        for i in range(8):
            files[f"app/p{p}/m{i}.py"] = "from app.compat import Old\n"
    write_project(tmp_path / "p", files)
    result = check(tmp_path / "p")
    alias = _d("SSOT102", "compat-alias", "app/compat.py", 3, "Old is an alias of Manager",
               {"concept": "manager", "alias": "app.compat:Old", "target": "app.core:Manager", "import_sites": 24})
    report = build_report(dataclasses.replace(result, diagnostics=[alias]))
    [concept] = report.concepts.items
    assert concept.members[0].import_sites == 24 and len(concept.members[0].importers) == 24
    nodes, links = fan_in_picture(concept)
    assert [n.label for n in nodes] == [
        "app.p0 (8 modules)", "app.p1 (8 modules)", "app.p2 (8 modules)", "app.compat:Old", "app.core:Manager",
    ]
    assert [(lk.source, lk.target) for lk in links] == [
        ("symbol:app.compat:Old", "symbol:app.core:Manager"),
        *((f"package:app.p{p}", "symbol:app.compat:Old") for p in range(3)),
    ]
    text = markdown.render(report)
    assert [check_flowchart(b) for b in mermaid_blocks(text)] == [[]]


def test_readme_picture_is_current() -> None:
    """docs/report-chat-monorepo.png was taken of today's demo report (see test_report_browser.py)."""
    if os.environ.get("SSOTLINT_UPDATE_SNAPSHOTS"):
        pytest.skip("test_report_browser.py::test_readme_picture retakes the picture and its digest")
    digest = Path(__file__).parents[1] / "docs" / "report-chat-monorepo.html.sha256"
    page = html.render(build_report(check(EXAMPLE_DIR)))
    assert hashlib.sha256(page.encode("utf-8")).hexdigest() + "\n" == digest.read_text(encoding="utf-8"), (
        "the README's picture shows an older report: SSOTLINT_UPDATE_SNAPSHOTS=1 python -m pytest tests/test_report_browser.py"
    )


# --- focus and how much is shown ------------------------------------------------------------------


def test_cli_concept_keeps_to_the_concept_and_the_cycles_through_its_modules(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    proc = run_cli("report", str(EXAMPLE_DIR), "--no-cache", "--concept", "websocket-*", "--format", "json", "-o", str(out))
    assert (proc.returncode, proc.stderr) == (0, "")
    doc = json.loads(out.read_text())
    jsonschema.validate(doc, SCHEMA)
    assert doc["focus"] == {"paths": [], "select": [], "concepts": ["websocket-*"], "unchecked": []}
    assert [c["name"] for c in doc["concepts"]["items"]] == ["websocket-manager"]
    assert doc["concepts"]["constants"] == [] and doc["events"]["items"] == []
    # Both cycle groups through the manager's module; not the shared library's.
    assert [(g["code"], g["size"]) for g in doc["cycles"]["items"]] == [("SSOT202", 4), ("SSOT201", 3)]
    assert [(r["code"], r["count"]) for r in doc["summary"]["rules"]] == [
        ("SSOT101", 2), ("SSOT102", 1), ("SSOT103", 1), ("SSOT201", 1), ("SSOT202", 1),
    ]


def test_cli_unknown_concept_is_an_error_with_a_suggestion() -> None:
    proc = run_cli("report", str(EXAMPLE_DIR), "--no-cache", "--concept", "websocket")
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == "ssotlint: error: no concept is named 'websocket'; did you mean websocket-manager?\n"


def test_cli_select_reports_the_other_families_as_not_checked() -> None:
    proc = run_cli("report", str(EXAMPLE_DIR), "--no-cache", "--select", "SSOT3", "--format", "markdown")
    assert proc.returncode == 0
    assert proc.stdout.count("_Not checked in this run (`--select`)._") == 2
    assert "Narrowed to rules `SSOT3`." in proc.stdout
    assert "## Event shapes\n\n4 event types" in proc.stdout


def test_cli_top_and_full(tmp_path: Path) -> None:
    def markdown_of(*args: str) -> str:
        proc = run_cli("report", str(REPORT_CYCLES), "--no-cache", "--format", "markdown", *args)
        assert proc.returncode == 0, proc.stderr
        return proc.stdout

    top1 = markdown_of("--top", "1")
    assert "### 1. `cycle-1`" in top1 and "### 2. `cycle-2`" not in top1
    assert "_2 more cycle groups: `--top N` or `--full` shows them._" in top1
    full = markdown_of("--full")
    assert "### 3. `cycle-3`" in full and "more cycle groups" not in full
    assert len(mermaid_blocks(full)) == 3 > len(mermaid_blocks(top1)) == 1
    # The JSON model is whole whatever is shown.
    assert run_cli("report", str(REPORT_CYCLES), "--no-cache", "--format", "json", "--top", "1").stdout == run_cli(
        "report", str(REPORT_CYCLES), "--no-cache", "--format", "json"
    ).stdout


def test_start_here_keeps_the_head_of_each_ranking_then_the_largest() -> None:
    from ssotlint.report.ranking import Candidate, pick

    events = [Candidate("event", r, n, f"e{r}") for r, n in enumerate([40, 30, 20, 10])]
    concepts = [Candidate("concept", r, n, f"c{r}") for r, n in enumerate([2, 50])]  # the declared one ranks first
    cycles = [Candidate("cycle", r, 1, f"g{r}") for r in range(3)]
    chosen = pick([*events, *concepts, *cycles])
    assert [c.payload for c in chosen] == ["c1", "e0", "e1", "c0", "g0"]
    assert [c.payload for c in pick([*cycles, Candidate("fix", 0, 1, "fix")], limit=2)] == ["fix", "g0"]


def test_start_here_commands_keep_to_the_paths_of_the_report() -> None:
    ws = "services/backend/chat_backend/websocket"
    report = build_report(check(EXAMPLE_DIR, paths=(EXAMPLE_DIR / ws,)))
    assert report.focus.paths == [ws]
    assert [(s.kind, s.command) for s in report.start_here if s.command] == [
        ("concept", f"ssotlint fix --unsafe {ws}"),
        ("fix", f"ssotlint fix {ws}"),
    ]
