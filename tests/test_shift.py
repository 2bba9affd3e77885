"""Findings reused across edits that only move lines equal the findings computed afresh."""

from __future__ import annotations

import random
import shutil
from pathlib import Path
from typing import Any

import pytest

from ssotlint import engine
from ssotlint.facts.model import FileFacts, ImportFact, Suppression
from ssotlint.rules import FAMILIES
from ssotlint.shift import line_map
from tests.conftest import EXAMPLE_DIR, FIXTURES, check

PROJECTS = sorted(p.name for p in FIXTURES.iterdir() if (p / "pyproject.toml").exists())


def _plain(result: engine.RunResult) -> list[tuple[object, ...]]:
    return [
        (d.code, d.path, d.span, d.message, d.related, d.fingerprint, d.touches, repr(d.data), d.fix)
        for d in result.diagnostics
    ]


def _agrees(root: Path, paths: tuple[Path, ...] = ()) -> engine.RunResult:
    """A cached run on ``paths`` (the hook's call), checked against a run without cache."""
    cached = check(root, use_cache=True, paths=paths)
    fresh = check(root, paths=paths)
    assert _plain(cached) == _plain(fresh)
    assert cached.suppressed == fresh.suppressed
    return cached


def _insert(path: Path, at: int, text: str) -> None:
    lines = path.read_bytes().splitlines(keepends=True)
    lines.insert(min(at, len(lines)), text.encode())
    path.write_bytes(b"".join(lines))


def _family_runs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the rule families that run (rather than reuse their findings)."""
    calls: list[str] = []
    for family in FAMILIES:
        real = family.check

        def counting(*args: object, real: Any = real, name: str = family.name) -> object:
            calls.append(name)
            return real(*args)

        monkeypatch.setattr(family, "check", counting)
    return calls


@pytest.mark.parametrize("name", [*PROJECTS, "demo"])
def test_lines_added_on_top_reuse_the_findings(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / name
    shutil.copytree(EXAMPLE_DIR if name == "demo" else FIXTURES / name, root, ignore=shutil.ignore_patterns(".ssotlint_cache"))
    check(root, use_cache=True)
    files = sorted(root.rglob("*.py"))
    for path in files[::2]:
        _insert(path, 0, "# a comment pushed everything down\n\n")
    calls = _family_runs(monkeypatch)
    reused = check(root, use_cache=True)
    monkeypatch.undo()
    fresh = check(root)
    assert _plain(reused) == _plain(fresh)
    assert reused.suppressed == fresh.suppressed
    if name != "syntax":  # there, pushing the coding line down changes how the file decodes
        assert calls == []  # every family's findings renumbered
        assert reused.cached_findings


@pytest.mark.parametrize(("name", "seed"), [("demo", s) for s in range(6)] + [(p, 0) for p in PROJECTS])
def test_random_edits_agree_with_a_fresh_run(name: str, seed: int, tmp_path: Path) -> None:
    rng = random.Random(seed)
    root = tmp_path / name
    shutil.copytree(EXAMPLE_DIR if name == "demo" else FIXTURES / name, root, ignore=shutil.ignore_patterns(".ssotlint_cache"))
    files = sorted(root.rglob("*.py"))
    check(root, use_cache=True)
    for _ in range(4):  # successive hook runs, each on a few edited files
        edited = rng.sample(files, min(3, len(files)))
        for path in edited:
            n = len(path.read_bytes().splitlines())
            text = rng.choice(["\n", "# note\n", "    \n", "x_unused = 1\n", "import os\n", "pass\n"])
            _insert(path, rng.randint(0, n), text)
        _agrees(root, tuple(edited))
    _agrees(root)


def test_structural_change_is_computed_afresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "demo"
    shutil.copytree(EXAMPLE_DIR, root, ignore=shutil.ignore_patterns(".ssotlint_cache"))
    check(root, use_cache=True)
    manager = root / "services/backend/chat_backend/websocket/manager.py"
    manager.write_text(manager.read_text().replace("class WebSocketManager", "class RenamedManager", 1))
    calls = _family_runs(monkeypatch)
    reused = check(root, use_cache=True)
    assert calls == ["duplicates"] and not reused.cached_findings  # the others read no class
    monkeypatch.undo()
    assert _plain(reused) == _plain(check(root))


def _imp(line: int, column: int = 1, module: str = "a") -> ImportFact:
    return ImportFact(line, column, line, column + 8, module, 0, (), None, False, "import-time", False, False, "", False)


def _facts(*imports: ImportFact, suppressions: tuple[Suppression, ...] = ()) -> FileFacts:
    return FileFacts(None, suppressions, 10, False, imports)


def test_line_map() -> None:
    old = _facts(_imp(1), _imp(5, module="b"), suppressions=(Suppression(5, 20, (), False),))
    assert line_map(old, _facts(_imp(3), _imp(9, module="b"), suppressions=(Suppression(9, 20, (), False),))) == {1: 3, 5: 9}
    # The comment no longer on the import's line: not a renumbering.
    assert line_map(old, _facts(_imp(3), _imp(9, module="b"), suppressions=(Suppression(10, 20, (), False),))) is None
    assert line_map(old, _facts(_imp(3), _imp(9, module="c"), suppressions=(Suppression(9, 20, (), False),))) is None
    assert line_map(old, _facts(_imp(3, column=5), _imp(9, module="b"), suppressions=(Suppression(9, 20, (), False),))) is None
    # Two places swapped order.
    assert line_map(_facts(_imp(1), _imp(5)), _facts(_imp(5), _imp(1))) is None
    assert line_map(_facts(_imp(1), _imp(5)), _facts(_imp(2), _imp(2))) is None


def _spy_duplicates(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    from ssotlint.rules.duplicates import DuplicateImplementation

    calls: list[int] = []
    real = DuplicateImplementation.check

    def counting(self: DuplicateImplementation, index: object) -> object:
        calls.append(1)
        return real(self, index)  # type: ignore[arg-type]

    monkeypatch.setattr(DuplicateImplementation, "check", counting)
    return calls


def _demo(tmp_path: Path) -> Path:
    root = tmp_path / "demo"
    shutil.copytree(EXAMPLE_DIR, root, ignore=shutil.ignore_patterns(".ssotlint_cache"))
    return root


def test_new_plain_import_keeps_the_duplicate_findings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _demo(tmp_path)
    check(root, use_cache=True)
    legacy = root / "services/backend/chat_backend/websocket/manager.py"
    _insert(legacy, 0, "import os\n")
    compat = root / "services/backend/chat_backend/websocket/compat.py"
    _insert(compat, 10**6, "\nimport chat_backend.startup\n")  # a first-party import: the graph changes
    calls = _spy_duplicates(monkeypatch)
    reused = check(root, use_cache=True)
    assert calls == []  # the duplicate rules did not run: their findings were renumbered
    assert not reused.cached_findings
    monkeypatch.undo()
    assert _plain(reused) == _plain(check(root))
    # ...and the state carries on to the next edit.
    _insert(legacy, 0, "\n\n")
    calls = _spy_duplicates(monkeypatch)
    again = check(root, use_cache=True)
    monkeypatch.undo()
    assert _plain(again) == _plain(check(root))


def test_binding_a_name_the_rules_looked_up_reruns_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {
        "app/__init__.py": "",
        "app/helpers.py": "class Base:\n    def run(self):\n        return 1\n",
        "app/a.py": "class Worker(helpers.Base):\n    def run(self):\n        return 2\n\n    def stop(self):\n        return 3\n",
        "app/b.py": "class Worker:\n    def run(self):\n        return 2\n\n    def stop(self):\n        return 3\n",
    }
    from tests.conftest import write_project

    root = write_project(tmp_path / "p", files)
    first = check(root, use_cache=True)
    _insert(root / "app/a.py", 0, "import app.helpers as helpers\n")  # now Worker subclasses a first-party class
    calls = _spy_duplicates(monkeypatch)
    second = check(root, use_cache=True)
    assert calls == [1]  # (app.a, helpers) was looked up last time: the rules run again
    monkeypatch.undo()
    assert _plain(second) == _plain(check(root))
    assert first.cached_findings is False


@pytest.mark.parametrize("seed", range(4))
def test_random_import_edits_agree_with_a_fresh_run(seed: int, tmp_path: Path) -> None:
    rng = random.Random(seed)
    root = _demo(tmp_path)
    files = sorted(root.rglob("*.py"))
    check(root, use_cache=True)
    for _ in range(4):
        edited = rng.sample(files, 2)
        for path in edited:
            n = len(path.read_bytes().splitlines())
            text = rng.choice(
                ["import os\n", "import json as chat_backend\n", "import chat_backend.startup\n", "import shared\n",
                 "from shared import config\n", "\n", "import typing\n"]
            )
            _insert(path, rng.randint(0, n), text)
        _agrees(root, tuple(edited))
    _agrees(root)
