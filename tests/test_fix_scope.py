"""What `ssotlint fix` takes on: paths, `--select`, `--concept`, and for `--unsafe` only
duplicates the findings show to be the same concept, never through an import cycle."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.conftest import write_project
from tests.test_fix_safety import WS_INIT, snapshot, ws_project

USER_B = "from app.ws import WebSocketManager\n\nm = WebSocketManager()\n"
REWRITTEN = "from app.ws.unified import UnifiedWebSocketManager as WebSocketManager\n\nm = WebSocketManager()\n"


def invoke(*args: str) -> Result:
    from ssotlint.cli import main

    return CliRunner().invoke(main, list(args))


def test_paths_limit_the_files_changed(tmp_path: Path) -> None:
    root = ws_project(tmp_path / "p", {"app/user_b.py": USER_B})
    done = invoke("fix", "--no-cache", "-v", str(root / "app/user_a.py"))
    assert done.exit_code == 0  # no finding touches app/user_a.py any more
    assert (root / "app/user_a.py").read_text() == REWRITTEN
    assert (root / "app/user_b.py").read_text() == USER_B
    assert (root / "app/ws/__init__.py").read_text() == WS_INIT
    assert "app/ws/__init__.py: left for later: SSOT102 remove the unused alias app.ws:WebSocketManager: the alias lies outside the paths\n" in done.stderr
    assert done.stdout.endswith("Fixed 1 place in 1 file.\nSSOT102: 1 fix, 1 left for later, 0 findings remain\n")


def test_select_and_concept_limit_the_rules_and_concepts_fixed(tmp_path: Path) -> None:
    root = ws_project(tmp_path / "p", {"app/user_b.py": USER_B})
    before = snapshot(root)
    for args in (["--select", "SSOT101"], ["--concept", "other"]):
        done = invoke("fix", "--no-cache", *args, str(root))
        assert (done.exit_code, done.stdout) == (0, "Nothing to fix.\n")
        assert snapshot(root) == before
    done = invoke("fix", "--no-cache", "--select", "SSOT102", "--concept", "websocket-manager", str(root))
    assert done.exit_code == 0, done.stderr
    assert (root / "app/user_b.py").read_text() == REWRITTEN
    assert (root / "app/ws/__init__.py").read_text() == "from app.ws.unified import UnifiedWebSocketManager\n"


METHODS = "    def connect(self) -> None: ...\n    def disconnect(self) -> None: ...\n    def send(self) -> None: ...\n    def broadcast(self) -> None: ...\n"


def cycle_project(root: Path) -> Path:
    return write_project(
        root,
        {
            "pyproject.toml": '[tool.ssotlint.concepts.manager]\ncanonical = "app.canon:Manager"\n',
            "app/__init__.py": "",
            "app/canon.py": f"import app.user\n\n\nclass Manager:\n{METHODS}",
            "app/dup.py": f"class LegacyManager:\n{METHODS}",
            "app/user.py": "from app.dup import LegacyManager\n\nm = LegacyManager()\n",
            "app/other.py": "from app.dup import LegacyManager\n\nm = LegacyManager()\n",
        },
    )


def test_unsafe_never_closes_an_import_cycle(tmp_path: Path) -> None:
    root = cycle_project(tmp_path / "p")
    done = invoke("fix", "--unsafe", "--no-cache", str(root))
    assert done.exit_code == 1
    assert done.stderr == (
        "app/user.py: not fixed: SSOT101 import app.canon:Manager instead of app.dup:LegacyManager: "
        "would close an import cycle: app.user -> app.canon -> app.user\n"
        "still reported: app/dup.py:1:7: SSOT101 LegacyManager duplicates app.canon:Manager, the canonical manager "
        "(100% of its interface in common; LegacyManager is imported by 1 module)\n"
    )
    assert (root / "app/other.py").read_text() == "from app.canon import Manager as LegacyManager\n\nm = LegacyManager()\n"
    assert (root / "app/user.py").read_text() == "from app.dup import LegacyManager\n\nm = LegacyManager()\n"


def test_a_fix_that_raises_a_count_it_set_out_to_lower_is_undone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import ssotlint.fix.apply

    root = cycle_project(tmp_path / "p")
    before = snapshot(root)
    monkeypatch.setattr(ssotlint.fix.apply._CycleGuard, "closes", lambda self, importer, target, contexts: "")
    done = invoke("fix", "--unsafe", "--no-cache", str(root))
    assert done.exit_code == 2
    assert done.stderr.endswith("the fixes were undone, every file is as it was:\n  SSOT201: 0 findings before, 1 after\n")
    assert snapshot(root) == before


def test_unsafe_rewrites_only_duplicates_of_a_declared_concept(tmp_path: Path) -> None:
    from tests.test_fix import CANONICAL, diag, fixes

    root = write_project(
        tmp_path / "p",
        {
            "app/__init__.py": "",
            "app/ws/__init__.py": "",
            "app/ws/unified_manager.py": f"class UnifiedWebSocketManager:\n{METHODS}",
            "app/ws/legacy.py": f"class LegacyWebSocketManager:\n{METHODS}",
            "app/ws/unified_user.py": "from app.ws.legacy import LegacyWebSocketManager\n",
            "app/api.py": "from app.ws.legacy import LegacyWebSocketManager\n\nLegacyWebSocketManager()\n",
        },
    )
    data = {"concept": "m", "duplicate": "app.ws.legacy:LegacyWebSocketManager", "canonical": CANONICAL}
    by_name = diag("SSOT101", "app/ws/legacy.py", 1, 1, {**data, "joined_by": "same name"})
    result = fixes(root, [by_name], unsafe=True)
    assert result.changes == []
    # A discovered concept's look-alikes are not evidence, however alike.
    for joined in ("interface overlap", "name pattern"):
        found = diag("SSOT101", "app/ws/legacy.py", 1, 1, {**data, "joined_by": joined, "declared": False})
        assert fixes(root, [found], unsafe=True).changes == []
    declared_same_name = diag("SSOT101", "app/ws/legacy.py", 1, 1, {**data, "joined_by": "same name", "declared": True})
    assert fixes(root, [declared_same_name], unsafe=True).changes == []
    for joined in ("interface overlap", "name pattern"):
        found = diag("SSOT101", "app/ws/legacy.py", 1, 1, {**data, "joined_by": joined, "declared": True})
        result = fixes(root, [found], unsafe=True)
        assert [c.path for c in result.changes] == ["app/api.py", "app/ws/unified_user.py"]


@pytest.mark.parametrize(
    ("core", "name"),
    [
        # A private class published in `__all__` under a public name.
        ('class _Impl:\n    pass\n\n\n_Private = _Impl\nManager = _Impl\nOther = _Impl\n__all__ = ["Other"]\n', "Other"),
        # No `__all__`: the first public name bound to it.
        ("class _Impl:\n    pass\n\n\n_Private = _Impl\nManager = _Impl\n", "Manager"),
        # Nothing public: the class's own name.
        ("class _Impl:\n    pass\n", "_Impl"),
        # A public class: its own name.
        ("class Impl:\n    pass\n\n\nManager = Impl\n", "Impl"),
    ],
)
def test_a_discovered_concept_is_imported_by_its_public_name(tmp_path: Path, core: str, name: str) -> None:
    from tests.test_fix import diag, fixes

    impl = "Impl" if "class Impl" in core else "_Impl"
    root = write_project(
        tmp_path / "p",
        {
            "app/__init__.py": "",
            "app/core.py": core,
            "app/compat.py": f"from app.core import {impl}\n\nOld = {impl}\n",
            "app/user.py": "from app.compat import Old\n",
        },
    )
    alias = diag("SSOT102", "app/compat.py", 3, 1, {"concept": "discovered", "alias": "app.compat:Old", "target": f"app.core:{impl}"})
    result = fixes(root, [alias])
    user = next(c.after for c in result.changes if c.path == "app/user.py")
    assert user == f"from app.core import {name}\n"


def test_an_alias_of_an_alias_goes_in_the_same_run(tmp_path: Path) -> None:
    from ssotlint.fix.apply import write
    from tests.test_fix import diag, fixes

    root = write_project(
        tmp_path / "p",
        {
            "app/__init__.py": "",
            "app/core.py": "class Manager:\n    pass\n",
            "app/compat.py": "from app.core import Manager\n\nWebSocketManager = Manager\nOldWebSocketManager = WebSocketManager\n",
            "app/user.py": "from app.compat import OldWebSocketManager, WebSocketManager\n\nWebSocketManager(), OldWebSocketManager()\n",
        },
    )
    findings = [
        diag("SSOT102", "app/compat.py", 3, 1, {"concept": "m", "alias": "app.compat:WebSocketManager", "target": "app.core:Manager"}),
        diag("SSOT102", "app/compat.py", 4, 1, {"concept": "m", "alias": "app.compat:OldWebSocketManager", "target": "app.core:Manager"}),
    ]
    write(root, fixes(root, findings)).commit()
    assert (root / "app/compat.py").read_text() == "from app.core import Manager\n"
    assert (root / "app/user.py").read_text() == (
        "from app.core import Manager as OldWebSocketManager, Manager as WebSocketManager\n\nWebSocketManager(), OldWebSocketManager()\n"
    )
    again = fixes(root, findings)
    assert (again.changes, again.refused) == ([], [])


def test_a_file_that_cannot_be_fixed_does_not_stop_the_others(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import ssotlint.fix.apply

    root = ws_project(tmp_path / "p", {"app/user_b.py": USER_B})
    real = ssotlint.fix.apply.rewrite_imports

    calls: list[str] = []

    def flaky(module, plan, text=None):  # type: ignore[no-untyped-def]
        calls.append(text or "")
        if len(calls) == 2:
            raise RecursionError("maximum recursion depth exceeded")
        return real(module, plan, text)

    monkeypatch.setattr(ssotlint.fix.apply, "rewrite_imports", flaky)
    done = invoke("fix", "--no-cache", "-j", "1", str(root))
    assert done.exit_code == 1
    assert done.stderr.startswith(
        "app/user_b.py: not fixed: SSOT102 import app.ws.unified:UnifiedWebSocketManager instead of app.ws:WebSocketManager: "
        "could not be fixed: RecursionError: maximum recursion depth exceeded\n"
    )
    assert (root / "app/user_a.py").read_text() == REWRITTEN
    assert (root / "app/user_b.py").read_text() == USER_B
    assert (root / "app/ws/__init__.py").read_text() == WS_INIT  # still imported by app/user_b.py


def test_an_alias_import_on_a_cycle_already_is_rewritten(tmp_path: Path) -> None:
    """`app.user -> app.compat -> app.canon -> app.user` is a cycle before the fix: the
    rewrite to `app.user -> app.canon` closes none that was not there."""
    root = write_project(
        tmp_path / "p",
        {
            "pyproject.toml": '[tool.ssotlint.concepts.manager]\ncanonical = "app.canon:Manager"\n',
            "app/__init__.py": "",
            "app/canon.py": f"import app.user\n\n\nclass Manager:\n{METHODS}",
            "app/compat.py": "from app.canon import Manager\n\nOldManager = Manager\n",
            "app/user.py": "from app.compat import OldManager\n\n\ndef make() -> object:\n    return OldManager()\n",
        },
    )
    done = invoke("fix", "--no-cache", str(root))
    assert done.exit_code == 0, done.stderr
    assert (root / "app/user.py").read_text().startswith("from app.canon import Manager as OldManager\n")
