"""The cycle rules' findings are reused, renumbered, when the changed files' imports,
ignore comments and parse errors are the same but for their lines; they always agree
with a fresh run."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from ssotlint.engine import RunResult
from ssotlint.rules.cycles import DeferredImportCycle, ImportCycle
from tests.conftest import check, copy_fixture, findings, write_project
from tests.test_shift import _agrees, _insert, _plain

CLASS = "class Added:\n    def run(self):\n        return 1\n\n\n"


def _spy_cycles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    for rule in (ImportCycle, DeferredImportCycle):
        real = rule.check

        def counting(self: object, index: object, real: object = real, code: str = rule.code) -> object:
            calls.append(code)
            return real(self, index)  # type: ignore[operator]

        monkeypatch.setattr(rule, "check", counting)
    return calls


def _cached_and_fresh(root: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[RunResult, list[str]]:
    calls = _spy_cycles(monkeypatch)
    cached = check(root, use_cache=True)
    monkeypatch.undo()
    fresh = check(root)
    assert _plain(cached) == _plain(fresh)
    assert cached.suppressed == fresh.suppressed
    return cached, calls


def test_a_class_added_above_a_cycle_renumbers_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_fixture("cycles-deferred", tmp_path)
    before = check(root, use_cache=True)
    assert findings(before, "SSOT2") == ["SSOT202 ws/factory.py:3:5"]
    _insert(root / "ws/factory.py", 0, CLASS)
    after, calls = _cached_and_fresh(root, monkeypatch)
    assert calls == []  # renumbered, not computed
    assert findings(after, "SSOT2") == ["SSOT202 ws/factory.py:8:5"]


def test_used_ignore_comments_move_with_their_lines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_fixture("cycles-suppressed", tmp_path)
    before = check(root, use_cache=True)
    assert findings(before) == ["SSOT902 core/e.py:1:14", "SSOT902 pyproject.toml:6:1"]
    for rel in ("core/c.py", "core/e.py"):
        _insert(root / rel, 0, CLASS.replace("Added", "Added" + rel[5]))
    after, calls = _cached_and_fresh(root, monkeypatch)
    assert calls == []
    # c.py's comment still removes an edge of a cycle; e.py's still removes nothing.
    assert findings(after) == ["SSOT902 core/e.py:6:14", "SSOT902 pyproject.toml:6:1"]


@pytest.mark.parametrize(
    ("rel", "text"),
    [
        ("ws/manager.py", "import ws\n"),  # an import
        ("ws/manager.py", "import json  # ssotlint: ignore[SSOT202]\n"),  # a comment on an import
        ("ws/manager.py", "def broken(:\n"),  # a parse error
    ],
)
def test_what_the_cycle_rules_read_makes_them_run(
    rel: str, text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_fixture("cycles-deferred", tmp_path)
    check(root, use_cache=True)
    _insert(root / rel, 0, text)
    _, calls = _cached_and_fresh(root, monkeypatch)
    assert sorted(calls) == ["SSOT201", "SSOT202"]


def test_an_ignore_comment_on_an_import_makes_them_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_fixture("cycles-deferred", tmp_path)
    check(root, use_cache=True)
    factory = root / "ws/factory.py"
    factory.write_text(factory.read_text().replace("import Manager\n", "import Manager  # ssotlint: ignore[SSOT202]\n"))
    after, calls = _cached_and_fresh(root, monkeypatch)
    assert sorted(calls) == ["SSOT201", "SSOT202"]
    assert findings(after) == []
    assert after.suppressed == 0  # the edge is gone: no cycle left to hide


@pytest.mark.parametrize("name", ["cycles-deferred", "cycles-guarded", "cycles-init", "cycles-relative", "cycles-suppressed"])
def test_random_edits_on_cycles_agree_with_a_fresh_run(name: str, tmp_path: Path) -> None:
    rng = random.Random(name)
    root = copy_fixture(name, tmp_path)
    files = sorted(root.rglob("*.py"))
    check(root, use_cache=True)
    for _ in range(5):
        edited = rng.sample(files, min(2, len(files)))
        for path in edited:
            n = len(path.read_bytes().splitlines())
            text = rng.choice([CLASS, "\n", "# ssotlint: ignore[SSOT201]\n", "X = 1  # ssotlint: ignore\n", "import json\n"])
            _insert(path, rng.randint(0, n), text)
        _agrees(root, tuple(edited))
    _agrees(root)


def test_analysed_groups_follow_the_allow_list(tmp_path: Path) -> None:
    # One group under two `imports.allow` lists: the stored analysis holds for the edges
    # the first list left, not for those of the second (same files, same modules).
    files = {
        "app/__init__.py": "",
        "app/a.py": "import app.b\nimport app.c\n",
        "app/b.py": "import app.c\n",
        "app/c.py": "import app.a\n",
    }
    root = write_project(tmp_path / "p", files, '[tool.ssotlint.imports]\nallow = ["app.a -> app.c"]\n')
    first = check(root, use_cache=True)
    assert findings(first, "SSOT201") == ["SSOT201 app/a.py:1:1"]
    config = root / "pyproject.toml"
    config.write_text(config.read_text().replace('"app.a -> app.c"', '"app.x -> app.y"'))
    cached = check(root, use_cache=True)
    assert _plain(cached) == _plain(check(root))
    assert _plain(cached) != _plain(first)
