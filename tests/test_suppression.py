"""Generic suppression: line comments, file comments, per-file-ignores, unused ones."""

from __future__ import annotations

from pathlib import Path

from .conftest import check, findings, write_project

CYCLE = {"app/__init__.py": "", "app/a.py": "import app.b\n", "app/b.py": "import app.a\n"}


def test_line_comment_on_the_anchor(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {**CYCLE, "app/a.py": "import app.b  # ssotlint: ignore[SSOT201]\n"})
    result = check(root)
    assert findings(result) == []


def test_bare_ignore_covers_every_code(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"bad.py": "def f(:  # ssotlint: ignore\n    pass\n"})
    assert findings(check(root)) == []


def test_ignore_file(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {**CYCLE, "app/a.py": "# ssotlint: ignore-file[SSOT2]\nimport app.b\n"})
    result = check(root)
    assert findings(result) == []
    assert result.suppressed == 1


def test_ignore_file_for_another_code_does_not_hide(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {**CYCLE, "app/a.py": "# ssotlint: ignore-file[SSOT901]\nimport app.b\n"})
    assert findings(check(root)) == ["SSOT902 app/a.py:1:1", "SSOT201 app/a.py:2:1"]


def test_per_file_ignores(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", CYCLE, config='per-file-ignores = { "app/a.py" = ["SSOT201"] }\n')
    result = check(root)
    assert findings(result) == []
    assert result.suppressed == 1


def test_comment_in_a_string_is_not_a_suppression(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {**CYCLE, "app/a.py": 'import app.b\nX = "# ssotlint: ignore-file"\n'})
    assert findings(check(root)) == ["SSOT201 app/a.py:1:1"]


def test_unused_suppression_can_itself_be_ignored(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"a.py": "import json  # ssotlint: ignore[SSOT201]\n"}, config='ignore = ["SSOT902"]\n')
    assert findings(check(root)) == []
