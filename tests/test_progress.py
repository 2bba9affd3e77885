"""The progress bar: on a terminal for runs over a second, never elsewhere."""

from __future__ import annotations

import os
import pty
import select
import subprocess
from pathlib import Path

from .conftest import copy_fixture, run_cli, ssotlint_exe, write_project


def test_no_progress_output_when_not_a_terminal(tmp_path: Path) -> None:
    root = copy_fixture("cycles-init", tmp_path)
    proc = run_cli("check", str(root))
    assert proc.stderr == ""


def _big_project(root: Path) -> Path:
    body = "".join(f"def f{i}(x):\n    return x + {i}\n\n" for i in range(60))
    files = {f"pkg/m{i:04d}.py": f"import pkg.m{(i + 1) % 2000:04d}\n{body}" for i in range(2000)}
    files["pkg/__init__.py"] = ""
    return write_project(root, files)


def on_a_terminal(*args: str) -> tuple[int, bytes]:
    """Run ssotlint with its stderr on a pseudo-terminal: (exit code, what it showed)."""
    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "NO_COLOR")}
    env["TERM"] = "xterm"
    proc = subprocess.Popen([*ssotlint_exe(), *args], stdin=slave, stdout=subprocess.DEVNULL, stderr=slave, env=env)
    os.close(slave)
    seen = b""
    while True:
        ready, _, _ = select.select([master], [], [], 120)
        if not ready:
            break
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    proc.wait(timeout=300)
    os.close(master)
    return proc.returncode, seen


def test_progress_bar_on_a_terminal_for_slow_runs(tmp_path: Path) -> None:
    root = _big_project(tmp_path / "big")
    code, seen = on_a_terminal("check", str(root), "--no-cache", "-j", "1", "--exit-zero", "--format", "concise")
    assert code == 0
    # Files analysed of all, then the project-wide checks under their own label.
    assert b"analysing files" in seen
    assert b"checking the project" in seen
    assert seen.index(b"analysing files") < seen.rindex(b"checking the project")


def test_progress_bar_for_slow_fixes(tmp_path: Path) -> None:
    from .fixgen import generate

    root = generate(tmp_path / "gen", importers=1500, aliases=10)
    code, seen = on_a_terminal("fix", "--diff", str(root), "--no-cache", "-j", "1")
    assert code == 1
    assert b"fixing files" in seen
