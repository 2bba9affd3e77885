"""A run on some files reports exactly the whole run's findings that touch those files.

Rules skip the work for findings that cannot touch the paths asked about (the pre-commit
hook passes a handful of changed files); what they still report must not differ from the
whole-project run, finding for finding, for every file and folder of every fixture.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ssotlint.diagnostics import Diagnostic
from tests.conftest import EXAMPLE_DIR, FIXTURES, check, findings, write_project

PROJECTS = sorted(p.name for p in FIXTURES.iterdir() if (p / "pyproject.toml").exists())


def _plain(d: Diagnostic) -> tuple[object, ...]:
    return (d.code, d.path, d.span, d.message, d.related, d.fingerprint, d.touches, repr(d.data))


def _touching(result_diagnostics: list[Diagnostic], rel: str) -> list[tuple[object, ...]]:
    return [_plain(d) for d in result_diagnostics if any(p == rel or p.startswith(rel + "/") for p in d.locations())]


def _agree(root: Path) -> int:
    whole = check(root)
    files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.py"))
    folders = sorted({f.rpartition("/")[0] for f in files if "/" in f})
    compared = 0
    for rel in [*files, *folders, "pyproject.toml"]:
        if not (root / rel).exists():
            continue
        scoped = check(root, paths=(root / rel,))
        assert [_plain(d) for d in scoped.diagnostics] == _touching(whole.diagnostics, rel), rel
        compared += len(scoped.diagnostics)
    return compared


@pytest.mark.parametrize("name", PROJECTS)
def test_scoped_run_equals_filtered_whole_run(name: str, tmp_path: Path) -> None:
    root = tmp_path / name
    shutil.copytree(FIXTURES / name, root)
    _agree(root)


def test_scoped_runs_on_the_demo(tmp_path: Path) -> None:
    root = tmp_path / "demo"
    shutil.copytree(EXAMPLE_DIR, root, ignore=shutil.ignore_patterns(".ssotlint_cache"))
    assert _agree(root) > 14  # every finding is seen from at least one of its files


def test_scoped_result_is_reused_and_kept_apart(tmp_path: Path) -> None:
    root = tmp_path / "demo"
    shutil.copytree(EXAMPLE_DIR, root, ignore=shutil.ignore_patterns(".ssotlint_cache"))
    target = root / "services/backend/chat_backend/websocket/manager.py"
    first = check(root, paths=(target,), use_cache=True)
    again = check(root, paths=(target,), use_cache=True)
    assert not first.cached_findings and again.cached_findings
    assert [_plain(d) for d in again.diagnostics] == [_plain(d) for d in first.diagnostics]
    assert again.suppressed == first.suppressed
    whole = check(root, use_cache=True)
    assert not whole.cached_findings  # the narrower run did not replace a whole run's findings
    narrower = check(root, paths=(target,), use_cache=True)
    assert narrower.cached_findings  # the whole run answers a narrower one
    assert [_plain(d) for d in narrower.diagnostics] == [_plain(d) for d in first.diagnostics]
    assert narrower.suppressed == first.suppressed


_MANAGER = "class Manager:\n    def start(self):\n        pass\n\n    def stop(self):\n        pass\n"


def test_duplicate_findings_are_seen_from_their_import_sites(tmp_path: Path) -> None:
    """A file that only imports a duplicate, an alias or a second factory is touched by
    its finding, as long as the finding lists that import (the first 50 by place)."""
    users = {f"users/u{i:02}.py": "from app.legacy import Manager\n" for i in range(55)}
    files = {
        "app/__init__.py": "",
        "app/core.py": _MANAGER,
        "app/legacy.py": _MANAGER,
        "app/compat.py": "from app.core import Manager\n\nOldManager = Manager\n",
        "app/factory.py": "from app.core import Manager\n\n\ndef get_manager():\n    return Manager()\n",
        "app/setup.py": "from app.core import Manager\n\n\ndef make_manager():\n    return Manager()\n",
        "app/a.py": "TIMEOUT = 30\n",
        "app/b.py": "TIMEOUT = 60\n",
        "users/__init__.py": "",
        **users,
        "users/u00.py": "from app.legacy import Manager\nfrom app.setup import make_manager\n",
        "users/u01.py": "from app.legacy import Manager\nfrom app.compat import OldManager\n",
    }
    config = (
        "[tool.ssotlint.concepts.manager]\n"
        'canonical = "app.core:Manager"\n'
        'factories = ["app.factory:get_manager"]\n'
    )
    root = write_project(tmp_path / "p", files, config)
    whole = check(root)
    assert {f.split()[0] for f in findings(whole, "SSOT10")} == {"SSOT101", "SSOT102", "SSOT103", "SSOT104"}
    assert _agree(root) > 0
    listed = check(root, paths=(root / "users/u49.py",))
    assert findings(listed, "SSOT10") == ["SSOT101 app/legacy.py:1:1"]
    assert findings(check(root, paths=(root / "users/u50.py",)), "SSOT10") == []
