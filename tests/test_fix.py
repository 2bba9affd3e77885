"""`ssotlint fix`: the codemods on fixture projects, driven by findings built by hand.

The SSOT101/102/303 findings are written here with the documented ``data`` keys, so the
codemod layer is tested on its own; the CLI takes the same findings from a run.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from ssotlint.diagnostics import Diagnostic, Edit, Fix, Severity, Span, fingerprint
from ssotlint.fix.apply import FixResult, compute, write
from ssotlint.fix.plan import plan_fixes
from ssotlint.index.project import ProjectIndex
from ssotlint.rules.base import Rule, RuleFamily
from tests.conftest import FIXTURES, check, run_cli, write_project

CANONICAL = "app.ws.unified_manager:UnifiedWebSocketManager"


def diag(code: str, path: str, line: int, column: int, data: dict[str, Any], fix: Fix | None = None) -> Diagnostic:
    return Diagnostic(
        code=code,
        name="test",
        message=f"{code} at {path}:{line}",
        path=path,
        span=Span.point(line, column),
        severity=Severity.WARNING,
        fingerprint=fingerprint(code, path, repr(sorted(data.items()))),
        data=data,
        fix=fix,
    )


ALIAS = diag(
    "SSOT102",
    "app/ws/compat.py",
    6,
    1,
    {"concept": "WebSocketManager", "alias": "app.ws.compat:WebSocketManager", "target": CANONICAL, "import_sites": 2},
)
DUPLICATE = diag(
    "SSOT101",
    "app/ws/legacy.py",
    4,
    1,
    {"concept": "WebSocketManager", "duplicate": "app.ws.legacy:LegacyWebSocketManager", "canonical": CANONICAL, "similarity": 1.0, "import_sites": 1, "joined_by": "interface overlap", "declared": True},
)
ENVELOPE = diag(
    "SSOT303",
    "app/api/events.py",
    7,
    13,
    {"event": "tool_executing", "fields": ["parameters", "tool_name"], "found": ["payload"], "expected": [""]},
)


@pytest.fixture
def proj(tmp_path: Path) -> Path:
    target = tmp_path / "proj"
    shutil.copytree(FIXTURES / "fix-aliases", target)
    return target


def fixes(root: Path, diagnostics: list[Diagnostic], unsafe: bool = False) -> FixResult:
    return compute(check(root).index, plan_fixes(diagnostics, unsafe))


def snapshot(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text() for p in sorted(root.rglob("*.py"))}


ROUTES_AFTER = '''"""Routes that push messages to connected users."""

import json
from app.ws.unified_manager import UnifiedWebSocketManager as WebSocketManager  # the process-wide manager


def handler() -> str:
    return json.dumps(len(WebSocketManager().connections))
'''

ADMIN_AFTER_SAFE = '''"""Admin endpoints."""

from app.ws.compat import (
    UnifiedWebSocketManager,  # already canonical
)
from app.ws.legacy import LegacyWebSocketManager
from app.ws.unified_manager import UnifiedWebSocketManager as WebSocketManager  # still the old name


def managers() -> list[object]:
    # import here to keep start-up fast
    from ..ws.unified_manager import UnifiedWebSocketManager as Manager

    return [UnifiedWebSocketManager(), WebSocketManager(), Manager(), LegacyWebSocketManager()]
'''

COMPAT_AFTER = '''"""Old names, kept for callers that have not migrated yet."""

from app.ws.unified_manager import UnifiedWebSocketManager

__all__ = ["UnifiedWebSocketManager"]
'''


def test_diff_shows_every_change_and_writes_nothing(proj: Path) -> None:
    before = snapshot(proj)
    result = fixes(proj, [ALIAS])
    assert snapshot(proj) == before
    assert [(a.path, a.code, a.title) for a in result.applied] == [
        ("app/api/admin.py", "SSOT102", f"import {CANONICAL} instead of app.ws.compat:WebSocketManager"),
        ("app/api/routes.py", "SSOT102", f"import {CANONICAL} instead of app.ws.compat:WebSocketManager"),
        ("app/ws/compat.py", "SSOT102", "remove the unused alias app.ws.compat:WebSocketManager"),
    ]
    assert result.refused == []
    diff = result.diff()
    assert "--- a/app/api/routes.py\n+++ b/app/api/routes.py\n" in diff
    assert "-from app.ws.compat import WebSocketManager  # the process-wide manager\n" in diff
    assert "+from app.ws.unified_manager import UnifiedWebSocketManager as WebSocketManager  # the process-wide manager\n" in diff
    assert "-WebSocketManager = UnifiedWebSocketManager\n" in diff
    assert [c.path for c in result.changes] == ["app/api/admin.py", "app/api/routes.py", "app/ws/compat.py"]


def test_apply_rewrites_alias_imports_keeps_comments_and_removes_the_alias(proj: Path) -> None:
    untouched = {p: t for p, t in snapshot(proj).items() if p not in {"app/api/admin.py", "app/api/routes.py", "app/ws/compat.py"}}
    write(proj, fixes(proj, [ALIAS])).commit()
    after = snapshot(proj)
    assert after["app/api/routes.py"] == ROUTES_AFTER
    assert after["app/api/admin.py"] == ADMIN_AFTER_SAFE
    assert after["app/ws/compat.py"] == COMPAT_AFTER
    assert {p: t for p, t in after.items() if p in untouched} == untouched
    assert not [p for p in proj.rglob("*") if p.name.endswith(".ssotlint-tmp")]


def test_second_run_changes_nothing(proj: Path) -> None:
    write(proj, fixes(proj, [ALIAS, DUPLICATE], unsafe=True)).commit()
    first = snapshot(proj)
    again = fixes(proj, [ALIAS, DUPLICATE], unsafe=True)
    assert again.changes == [] and again.applied == [] and again.refused == []
    write(proj, again).commit()
    assert snapshot(proj) == first


def test_the_fixed_project_checks_clean(proj: Path) -> None:
    write(proj, fixes(proj, [ALIAS, DUPLICATE, ENVELOPE], unsafe=True)).commit()
    assert [f"{d.code} {d.path}:{d.line}" for d in check(proj).diagnostics] == []


def test_alias_still_used_in_its_module_is_kept(proj: Path) -> None:
    compat = proj / "app/ws/compat.py"
    compat.write_text(compat.read_text() + "\n\ndef default() -> WebSocketManager:\n    return WebSocketManager()\n")
    result = fixes(proj, [ALIAS])
    assert [a.path for a in result.applied] == ["app/api/admin.py", "app/api/routes.py"]


def test_alias_kept_while_the_module_itself_is_imported(proj: Path) -> None:
    (proj / "app/api/old.py").write_text("import app.ws.compat\n\nX = app.ws.compat.WebSocketManager\n")
    result = fixes(proj, [ALIAS])
    assert "app/ws/compat.py" not in [a.path for a in result.applied]


def test_unsafe_fixes_need_the_flag(proj: Path) -> None:
    assert plan_fixes([DUPLICATE, ENVELOPE]) == []
    result = fixes(proj, [DUPLICATE, ENVELOPE], unsafe=True)
    assert [(a.path, a.code, a.safe) for a in result.applied] == [
        ("app/api/admin.py", "SSOT101", False),
        ("app/api/events.py", "SSOT303", False),
    ]
    admin = next(c.after for c in result.changes if c.path == "app/api/admin.py")
    assert "from app.ws.unified_manager import UnifiedWebSocketManager as LegacyWebSocketManager\n" in admin
    events = next(c.after for c in result.changes if c.path == "app/api/events.py")
    assert events.splitlines()[6:12] == [
        "    event = {",
        '        "type": "tool_executing",',
        '        "tool_name": tool_name,',
        '        "parameters": parameters,  # nested: the spec is flat',
        '        "timestamp": time.time(),',
        "    }",
    ]


def test_fields_move_into_the_envelope_when_the_spec_nests(proj: Path) -> None:
    nest = diag("SSOT303", "app/api/events.py", 16, 12, {"event": "tool_completed", "fields": ["tool_name", "results"], "expected": "payload"})
    result = fixes(proj, [nest], unsafe=True)
    after = result.changes[0].after.splitlines()
    assert after[15] == (
        '    return {"type": "tool_completed", "payload": {"tool_name": tool_name, "results": results}, "timestamp": time.time()}'
    )


def test_dict_that_is_not_literal_is_refused(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "p",
        {"ev.py": 'def f(extra):\n    return {"type": "x", "payload": {"a": 1}, **extra}\n'},
    )
    d = diag("SSOT303", "ev.py", 2, 12, {"event": "x", "field": "a", "expected": "flat"})
    result = fixes(root, [d], unsafe=True)
    assert result.changes == []
    assert [(r.path, r.reason) for r in result.refused] == [("ev.py", "the dict is not fully literal")]


def test_unparsable_file_is_refused(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"ok.py": "X = 1\n", "broken.py": 'E = {"type": "x", "payload": {"a": 1}\n'})
    d = diag("SSOT303", "broken.py", 1, 5, {"event": "x", "field": "a", "expected": "flat"})
    result = fixes(root, [d], unsafe=True)
    assert result.changes == []
    assert [(r.path, r.reason.split(":")[0]) for r in result.refused] == [("broken.py", "does not parse")]


def test_edits_that_break_the_file_are_refused(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"m.py": "X = 1\n"})
    bad = Fix("break it", (Edit("m.py", 1, 1, 1, 2, "def"),), safe=True)
    result = fixes(root, [diag("SSOT999", "m.py", 1, 1, {}, fix=bad)])
    assert result.changes == []
    assert [(r.path, r.reason) for r in result.refused] == [("m.py", "the edits do not produce valid Python")]
    good = Fix("rename", (Edit("m.py", 1, 1, 1, 2, "Y"),), safe=True)
    result = fixes(root, [diag("SSOT999", "m.py", 1, 1, {}, fix=good)])
    assert [c.after for c in result.changes] == ["Y = 1\n"]


def test_nothing_is_written_outside_the_root(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    victim = outside / "events.py"
    victim.write_text('E = {"type": "x", "payload": {"a": 1}}\n')
    root = write_project(tmp_path / "p", {"ok.py": "X = 1\n"})
    os.symlink(victim, root / "linked.py")
    through_link = diag("SSOT303", "linked.py", 1, 5, {"event": "x", "field": "a", "expected": "flat"})
    dotdot = diag("SSOT303", "../outside/events.py", 1, 5, {"event": "x", "field": "a", "expected": "flat"})
    edit = diag("SSOT999", "ok.py", 1, 1, {}, fix=Fix("t", (Edit("../outside/events.py", 1, 1, 1, 2, "F"),), safe=True))
    result = fixes(root, [through_link, dotdot, edit], unsafe=True)
    assert result.changes == []
    assert sorted((r.path, r.reason) for r in result.refused) == [
        ("../outside/events.py", "outside the project root (through '..' or a symlink)"),
        ("../outside/events.py", "outside the project root (through '..' or a symlink)"),
        ("linked.py", "outside the project root (through '..' or a symlink)"),
    ]
    write(root, result).commit()
    assert victim.read_text() == 'E = {"type": "x", "payload": {"a": 1}}\n'


def test_cli_fix_without_fixable_findings(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/a.py": "import app.b\n", "app/b.py": "from app import a\n"})
    diff = run_cli("fix", "--diff", str(root))
    assert (diff.returncode, diff.stdout, diff.stderr) == (0, "", "")
    applied = run_cli("fix", str(root))
    assert (applied.returncode, applied.stdout) == (0, "Nothing to fix.\n")


class _AliasWhileImported(Rule):
    """Stands in for SSOT102 until that rule lands: the alias is reported while it is imported."""

    code = "SSOT102"
    name = "compat-alias"
    summary = "test stand-in"
    severity = Severity.WARNING

    def check(self, index: ProjectIndex) -> Iterable[Diagnostic]:
        from ssotlint.report.model import import_sites

        alias = "app.ws.compat:WebSocketManager"
        if import_sites(index, alias):
            yield self.diagnostic(
                message="WebSocketManager is an alias of UnifiedWebSocketManager",
                path="app/ws/compat.py",
                span=Span.point(6, 1),
                entity="WebSocketManager",
                data={"concept": "WebSocketManager", "alias": alias, "target": CANONICAL, "import_sites": 2},
            )


class _AliasFamily(RuleFamily):
    name = "alias-stand-in"
    rules = (_AliasWhileImported,)


def register_alias_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run the stand-in rule beside the others (a rule family of its own)."""
    import ssotlint.rules

    monkeypatch.setattr(ssotlint.rules, "FAMILIES", (*ssotlint.rules.FAMILIES, _AliasFamily()))


def test_cli_takes_fixes_from_the_findings_of_a_run(proj: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from ssotlint.cli import main

    register_alias_rule(monkeypatch)
    monkeypatch.setenv("NO_COLOR", "1")
    runner = CliRunner()
    before = snapshot(proj)
    diff = runner.invoke(main, ["fix", "--diff", "--no-cache", str(proj)])
    assert diff.exit_code == 1
    assert "+from app.ws.unified_manager import UnifiedWebSocketManager as WebSocketManager  # the process-wide manager\n" in diff.stdout
    assert snapshot(proj) == before

    done = runner.invoke(main, ["fix", "--no-cache", str(proj)])
    assert (done.exit_code, done.stdout) == (
        0,
        f"app/api/admin.py: SSOT102 import {CANONICAL} instead of app.ws.compat:WebSocketManager\n"
        f"app/api/routes.py: SSOT102 import {CANONICAL} instead of app.ws.compat:WebSocketManager\n"
        "app/ws/compat.py: SSOT102 remove the unused alias app.ws.compat:WebSocketManager\n"
        "Fixed 3 places in 3 files.\n"
        "SSOT102: 3 fixes, 0 findings remain\n",
    )
    assert snapshot(proj)["app/api/routes.py"] == ROUTES_AFTER
    again = runner.invoke(main, ["fix", "--diff", "--no-cache", str(proj)])
    assert (again.exit_code, again.stdout) == (0, "")


def test_several_event_dicts_in_one_file(tmp_path: Path) -> None:
    source = (
        "def a(x, y):\n"
        "    return {\n"
        '        "type": "tool_executing",\n'
        '        "payload": {"tool_name": x, "parameters": y},\n'
        "    }\n"
        "\n"
        "\n"
        "def b(x, r):\n"
        '    return {"type": "tool_completed", "payload": {"tool_name": x, "results": r}, "timestamp": 1}\n'
    )
    root = write_project(tmp_path / "p", {"ev.py": source})
    first = diag("SSOT303", "ev.py", 2, 12, {"event": "tool_executing", "fields": ["parameters", "tool_name"], "found": ["payload"], "expected": [""]})
    second = diag("SSOT303", "ev.py", 9, 12, {"event": "tool_completed", "fields": ["results", "tool_name"], "found": ["payload"], "expected": [""]})
    result = fixes(root, [first, second], unsafe=True)
    assert result.refused == []
    assert result.changes[0].after == (
        "def a(x, y):\n"
        "    return {\n"
        '        "type": "tool_executing",\n'
        '        "tool_name": x,\n'
        '        "parameters": y,\n'
        "    }\n"
        "\n"
        "\n"
        "def b(x, r):\n"
        '    return {"type": "tool_completed", "tool_name": x, "results": r, "timestamp": 1}\n'
    )
