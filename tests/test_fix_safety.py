"""`ssotlint fix` never leaves code that does not import, and writes all files or none.

The fixture projects are ours, so these tests import their modules (in forked children
of a fresh interpreter, see tests/importcheck.py) before and after a fix.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from ssotlint.fix.transaction import PREFIX, recover
from tests.conftest import EXAMPLE_DIR, FIXTURES, run_cli, write_project
from tests.fixgen import ATTRIBUTE_USERS, generate
from tests.importcheck import compiles, importable

CONCEPT = '[tool.ssotlint.concepts.websocket-manager]\ncanonical = "app.ws.unified:UnifiedWebSocketManager"\n'
UNIFIED = (
    "class UnifiedWebSocketManager:\n"
    "    def connect(self) -> None: ...\n"
    "    def disconnect(self) -> None: ...\n"
    "    def send(self) -> None: ...\n"
    "    def broadcast(self) -> None: ...\n"
)
WS_INIT = "from app.ws.unified import UnifiedWebSocketManager\n\nWebSocketManager = UnifiedWebSocketManager\n"


def ws_project(root: Path, extra: dict[str, str]) -> Path:
    files = {
        "pyproject.toml": CONCEPT,
        "app/__init__.py": "",
        "app/ws/__init__.py": WS_INIT,
        "app/ws/helpers.py": "def h() -> int:\n    return 1\n",
        "app/ws/unified.py": UNIFIED,
        "app/user_a.py": "from app.ws import WebSocketManager\n\nm = WebSocketManager()\n",
        **extra,
    }
    return write_project(root, files)


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file() and ".ssotlint_cache" not in p.parts}


def invoke(*args: str) -> Result:
    from ssotlint.cli import main

    return CliRunner().invoke(main, list(args))


def test_an_alias_imported_after_a_submodule_is_rewritten_before_it_goes(tmp_path: Path) -> None:
    root = ws_project(tmp_path / "p", {"app/user_b.py": "from app.ws import helpers, WebSocketManager\n\nm = WebSocketManager()\n"})
    before = importable(root)
    done = run_cli("fix", "--no-cache", str(root))
    assert done.returncode == 0, done.stderr
    assert (root / "app/user_b.py").read_text() == (
        "from app.ws import helpers\nfrom app.ws.unified import UnifiedWebSocketManager as WebSocketManager\n\nm = WebSocketManager()\n"
    )
    assert (root / "app/ws/__init__.py").read_text() == "from app.ws.unified import UnifiedWebSocketManager\n"
    assert importable(root) == before == {"app", "app.ws", "app.ws.helpers", "app.ws.unified", "app.user_a", "app.user_b"}


@pytest.mark.parametrize(
    ("rel", "source"),
    [
        ("app/user_b.py", "import app.ws\n\nm = app.ws.WebSocketManager()\n"),
        ("app/user_b.py", "import app.ws as ws\n\nm = ws.WebSocketManager()\n"),
        ("app/user_b.py", "from app import ws\n\nm = getattr(ws, 'WebSocketManager')\n"),
        ("app/user_b.py", "from app.ws import *\n\nm = WebSocketManager()\n"),
        ("tests/test_b.py", "from unittest import mock\n\nP = mock.patch('app.ws.WebSocketManager')\n"),
        ("app/user_b.py", "import importlib\n\nm = importlib.import_module('app.ws').WebSocketManager\n"),
    ],
)
def test_an_alias_still_used_in_any_form_stays(tmp_path: Path, rel: str, source: str) -> None:
    root = ws_project(tmp_path / "p", {rel: source})
    done = run_cli("fix", "--no-cache", "-v", str(root))
    assert done.returncode == 1, done.stderr  # the alias is still reported
    assert (root / "app/ws/__init__.py").read_text() == WS_INIT
    assert (root / "app/user_a.py").read_text() == "from app.ws.unified import UnifiedWebSocketManager as WebSocketManager\n\nm = WebSocketManager()\n"
    assert "app/ws/__init__.py: left for later: SSOT102 remove the unused alias app.ws:WebSocketManager: " in done.stderr
    assert (root / rel).read_text() == source


def test_a_fix_that_would_break_an_import_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import ssotlint.fix.apply

    root = ws_project(tmp_path / "p", {})
    monkeypatch.setattr(ssotlint.fix.apply, "public_symbol", lambda index, target, concept: ("app.ws.unified", "Missing"))
    before = snapshot(root)
    done = invoke("fix", "--no-cache", str(root))
    assert done.exit_code == 2
    assert "the fixes would break these imports; nothing was written:\n  app/user_a.py:1: from app.ws.unified import Missing\n" in done.stderr
    assert snapshot(root) == before


def test_imports_broken_on_disk_are_undone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import ssotlint.fix.apply

    root = ws_project(tmp_path / "p", {})
    real = ssotlint.fix.apply.compute

    def unchecked(*args: object, **kwargs: object) -> ssotlint.fix.apply.FixResult:
        result = real(*args, **kwargs)  # type: ignore[arg-type]
        result.broken = []  # as if the check before writing had missed it
        return result

    monkeypatch.setattr(ssotlint.fix.apply, "public_symbol", lambda index, target, concept: ("app.ws.unified", "Missing"))
    monkeypatch.setattr(ssotlint.fix.apply, "compute", unchecked)
    before = snapshot(root)
    done = invoke("fix", "--no-cache", str(root))
    assert done.exit_code == 2
    assert "the fixes were undone, every file is as it was:\n" in done.stderr
    assert "  app/user_a.py:1: from app.ws.unified import Missing does not resolve any more\n" in done.stderr
    assert snapshot(root) == before


def test_a_failed_write_puts_every_file_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import ssotlint.fix.transaction as txn

    root = ws_project(tmp_path / "p", {"app/user_b.py": "from app.ws import helpers, WebSocketManager\n\nm = WebSocketManager()\n"})
    before = snapshot(root)
    real = txn._put
    calls: list[Path] = []

    def failing(source: Path, target: Path) -> None:
        calls.append(target)
        if len(calls) == 2:
            raise OSError(28, "No space left on device", str(target))
        real(source, target)

    monkeypatch.setattr(txn, "_put", failing)
    done = invoke("fix", "--no-cache", str(root))
    assert done.exit_code == 2
    assert "nothing was written" in done.stderr
    assert snapshot(root) == before
    assert not list(root.glob(PREFIX + "*")) and not list(root.rglob("*.ssotlint-tmp"))


_KILLED = r"""
import os, signal, sys
import ssotlint.fix.transaction as txn
real = txn._put
calls = []
def put(source, target):
    real(source, target)
    calls.append(target)
    if len(calls) == 2:
        os.kill(os.getpid(), getattr(signal, sys.argv[2]))
txn._put = put
from ssotlint.cli import main
main(["fix", "--no-cache", sys.argv[1]])
"""


def test_a_terminated_fix_puts_every_file_back(tmp_path: Path) -> None:
    root = ws_project(tmp_path / "p", {"app/user_b.py": "from app.ws import WebSocketManager\n\nm = WebSocketManager()\n"})
    before = snapshot(root)
    done = subprocess.run([sys.executable, "-c", _KILLED, str(root), "SIGTERM"], capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert snapshot(root) == before
    assert not list(root.glob(PREFIX + "*")) and not list(root.rglob("*.ssotlint-tmp"))


def test_a_killed_fix_is_undone_by_the_next_run(tmp_path: Path) -> None:
    root = ws_project(tmp_path / "p", {"app/user_b.py": "from app.ws import WebSocketManager\n\nm = WebSocketManager()\n"})
    before = snapshot(root)
    done = subprocess.run([sys.executable, "-c", _KILLED, str(root), "SIGKILL"], capture_output=True, text=True, timeout=120)
    assert done.returncode == -9
    half = {p: t for p, t in snapshot(root).items() if not p.startswith(PREFIX)}
    assert half != before  # two files were renamed into place before the kill
    assert not list(root.rglob("*.ssotlint-tmp"))
    check = run_cli("check", "--no-cache", str(root))
    assert "ssotlint: warning: a fix was interrupted while writing 3 files (app/user_a.py, app/user_b.py, app/ws/__init__.py); `ssotlint fix` puts them back first\n" in check.stderr
    restored = recover(root)
    assert sorted(restored) == ["app/user_a.py", "app/user_b.py", "app/ws/__init__.py"]
    assert snapshot(root) == before


def test_the_next_fix_puts_back_a_killed_one_first(tmp_path: Path) -> None:
    root = ws_project(tmp_path / "p", {"app/user_b.py": "from app.ws import WebSocketManager\n\nm = WebSocketManager()\n"})
    before = snapshot(root)
    subprocess.run([sys.executable, "-c", _KILLED, str(root), "SIGKILL"], capture_output=True, timeout=120)
    diff = run_cli("fix", "--diff", "--no-cache", str(root))
    assert "app/user_a.py: put back as it was before an interrupted fix" in diff.stderr
    assert snapshot(root) == before
    assert "-from app.ws import WebSocketManager\n" in diff.stdout


# --- the generated project: 200 importers of 10 aliases --------------------------------------

_PRIVATE_IMPORT = re.compile(r"^\+\s*from \S+ import .*\b_[A-Za-z]", re.MULTILINE)


def test_generated_project_imports_public_names_and_still_imports(tmp_path: Path) -> None:
    root = generate(tmp_path / "gen", importers=200, aliases=10)
    before = importable(root)
    assert len(before) == 200 + 10 + 6
    diff = run_cli("fix", "--diff", "--no-cache", "-j", "2", str(root))
    assert diff.returncode == 1, diff.stderr
    assert "not fixed" not in diff.stderr
    serial = run_cli("fix", "--diff", "--no-cache", "-j", "1", str(root))
    assert (serial.stdout, serial.stderr) == (diff.stdout, diff.stderr)  # same fixes in worker processes
    assert not _PRIVATE_IMPORT.findall(diff.stdout)
    assert "+from app.core.manager import Manager as OldManager0\n" in diff.stdout

    done = run_cli("fix", "--no-cache", str(root))
    assert done.returncode == 1  # the two aliases still used as attributes are still reported
    assert [line.split(": SSOT102")[0] for line in done.stderr.splitlines()] == [
        "still reported: app/compat/old8.py:6:1",
        "still reported: app/compat/old9.py:6:1",
    ]
    assert compiles(root) == []
    assert importable(root) == before
    # Aliases whose module is still used as `import X` then `X.Alias` stay; the others go.
    kept = range(10 - ATTRIBUTE_USERS, 10)
    for k in range(10):
        text = (root / f"app/compat/old{k}.py").read_text()
        assert (f"OldManager{k} = Manager" in text) == (k in kept)
    assert "SharedManager" not in (root / "app/compat/__init__.py").read_text()
    # Under TYPE_CHECKING the string annotation still names the local binding.
    assert (root / "app/features/f0030.py").read_text().endswith(
        '    from app.core.manager import Manager as OldManager0\n\n\ndef run(m: "OldManager0") -> object:\n    return m\n'
    )
    # `from X import submodule, alias`: the submodule stays, the alias is rewritten.
    assert "from app.compat import helpers\nfrom app.core.manager import Manager as SharedManager0\n" in (root / "app/features/f0010.py").read_text()

    again = run_cli("fix", "--diff", "--no-cache", str(root))
    assert (again.returncode, again.stdout, again.stderr) == (0, "", "")


# --- the property: after `fix --unsafe`, no module that imported stops importing ------------

PROJECTS = sorted(p.name for p in FIXTURES.iterdir() if (p / "pyproject.toml").exists())


@pytest.mark.parametrize("name", [*PROJECTS, "chat-monorepo"])
def test_fix_never_breaks_an_import(tmp_path: Path, name: str) -> None:
    source = EXAMPLE_DIR if name == "chat-monorepo" else FIXTURES / name
    root = tmp_path / name
    shutil.copytree(source, root)
    broken_before = compiles(root)
    before = importable(root)
    done = run_cli("fix", "--unsafe", "--no-cache", str(root))
    assert done.returncode in (0, 1), done.stderr
    assert compiles(root) == broken_before
    assert importable(root) >= before
    again = run_cli("fix", "--unsafe", "--diff", "--no-cache", str(root))
    assert again.stdout == ""
