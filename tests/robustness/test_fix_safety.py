"""`ssotlint fix` loses nothing: files still parse, comments stay, writes are all-or-nothing per file."""

from __future__ import annotations

import ast
import io
import os
import shutil
import tokenize
from collections import Counter
from pathlib import Path

import pytest

import ssotlint.fix.apply
import ssotlint.fix.transaction
from ssotlint.fix.apply import FixResult, write

from ..conftest import FIXTURES
from ..test_fix import ALIAS, DUPLICATE, ENVELOPE, fixes

#: The leading comment of the alias statement goes with the statement it explains.
ALIAS_COMMENT = "# Backwards compatibility: remove once every caller imports the unified manager."


def comments(data: bytes) -> Counter[str]:
    tokens = tokenize.tokenize(io.BytesIO(data).readline)
    return Counter(t.string for t in tokens if t.type == tokenize.COMMENT)


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def proj(tmp_path: Path) -> Path:
    """The alias fixture with odd but valid files: CRLF endings, a latin-1 cookie, an executable bit."""
    root = tmp_path / "proj"
    shutil.copytree(FIXTURES / "fix-aliases", root)
    routes = root / "app" / "api" / "routes.py"
    routes.write_bytes(routes.read_bytes().replace(b"\n", b"\r\n"))
    admin = root / "app" / "api" / "admin.py"
    admin.write_bytes(b"# -*- coding: latin-1 -*-\n# Caf\xe9 admin\n" + admin.read_bytes())
    admin.chmod(0o755)
    return root


def _all_fixes(root: Path) -> FixResult:
    result = fixes(root, [ALIAS, DUPLICATE, ENVELOPE], unsafe=True)
    assert [c.path for c in result.changes] == [
        "app/api/admin.py", "app/api/events.py", "app/api/routes.py", "app/ws/compat.py"
    ]
    assert result.refused == []
    return result


def test_fixed_files_parse_and_keep_every_comment(proj: Path) -> None:
    before = files(proj)
    write(proj, _all_fixes(proj)).commit()
    after = files(proj)
    assert sorted(after) == sorted(before)  # no temporary file left behind
    for rel, data in after.items():
        if not rel.endswith(".py"):
            continue
        ast.parse(data)
        lost = comments(before[rel]) - comments(data)
        assert list(lost) == ([ALIAS_COMMENT] if rel == "app/ws/compat.py" else []), rel
    assert b"\n" not in after["app/api/routes.py"].replace(b"\r\n", b"")  # CRLF kept
    assert after["app/api/admin.py"].startswith(b"# -*- coding: latin-1 -*-\n# Caf\xe9 admin\n")
    assert (proj / "app" / "api" / "admin.py").stat().st_mode & 0o777 == 0o755


def test_failure_midway_leaves_every_file_as_it_was(proj: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = _all_fixes(proj)
    before = files(proj)
    new = {c.path: c.after.encode(c.encoding) for c in result.changes}
    real_replace = os.replace
    calls: list[str] = []

    def failing_replace(src: str, dst: str) -> None:
        calls.append(str(dst))
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(ssotlint.fix.transaction.os, "replace", failing_replace)
    with pytest.raises(OSError, match="No space left on device"):
        write(proj, result)
    after = files(proj)
    assert sorted(after) == sorted(before)  # no temporary file or folder is left
    state = {rel: "new" if after[rel] == new.get(rel) else "old" if after[rel] == before[rel] else "torn" for rel in after}
    assert state == {
        "app/__init__.py": "old",
        "app/api/__init__.py": "old",
        "app/api/admin.py": "old",
        "app/api/events.py": "old",
        "app/api/routes.py": "old",
        "app/ws/__init__.py": "old",
        "app/ws/compat.py": "old",
        "app/ws/legacy.py": "old",
        "app/ws/unified_manager.py": "old",
        "pyproject.toml": "old",
    }


def test_a_failed_write_is_a_clean_error_on_the_command_line(proj: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from ssotlint.cli import main

    from ..test_fix import register_alias_rule

    register_alias_rule(monkeypatch)

    def failing_replace(src: str, dst: str) -> None:
        raise PermissionError(13, "Permission denied", dst)

    monkeypatch.setattr(ssotlint.fix.transaction.os, "replace", failing_replace)
    before = files(proj)
    done = CliRunner().invoke(main, ["fix", "--no-cache", str(proj)])
    assert done.exit_code == 2
    assert done.exception is None or isinstance(done.exception, SystemExit)
    assert "internal error" not in done.output
    admin = proj / "app" / "api" / "admin.py"
    assert f"ssotlint: error: cannot write {admin}: Permission denied" in done.output
    assert files(proj) == before


def test_never_writes_through_a_symlink_out_of_the_project(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    shutil.copytree(FIXTURES / "fix-aliases", root)
    outside = tmp_path / "outside"
    outside.mkdir()
    routes = root / "app" / "api" / "routes.py"
    shutil.move(routes, outside / "routes.py")
    os.symlink(outside / "routes.py", routes)
    kept = (outside / "routes.py").read_bytes()
    result = fixes(root, [ALIAS], unsafe=False)
    assert "app/api/routes.py" not in [c.path for c in result.changes]
    assert [(r.path, r.reason) for r in result.refused] == [
        ("app/api/routes.py", "outside the project root (through '..' or a symlink)")
    ]
    write(root, result).commit()
    assert (outside / "routes.py").read_bytes() == kept
    assert routes.is_symlink()
