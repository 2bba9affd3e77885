"""The hook, installed and run by the real pre-commit framework (`pre-commit try-repo`)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

pytestmark = [
    pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed"),
    pytest.mark.skipif(not (REPO / ".git").exists(), reason="the ssotlint checkout is not a git repository"),
]


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", "-c", "commit.gpgsign=false", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def _try_repo(work: Path, home: Path, hook: str, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1", "PRE_COMMIT_COLOR": "never"}
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(REPO), hook, "--verbose", *extra],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


@pytest.fixture
def work(tmp_path: Path) -> Path:
    work = tmp_path / "work"
    (work / "app").mkdir(parents=True)
    (work / "pyproject.toml").write_text("[tool.ssotlint]\n")
    (work / "app" / "__init__.py").write_text("")
    (work / "app" / "a.py").write_text("import app.b\n")
    (work / "app" / "b.py").write_text("VALUE = 1\n")
    (work / "app" / "c.py").write_text("VALUE = 1\n")
    _git(work, "init", "-q")
    _git(work, "add", ".")
    _git(work, "commit", "-q", "-m", "start")
    return work


def test_commit_that_closes_a_cycle_fails_and_shows_it(work: Path, pre_commit_home: Path) -> None:
    # Only b.py changes, so pre-commit passes only b.py; a.py's import closes the cycle.
    (work / "app" / "b.py").write_text("import app.a\n\nVALUE = 1\n")
    _git(work, "add", "app/b.py")
    proc = _try_repo(work, pre_commit_home, "ssotlint")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert "SSOT201 import cycle: app.a -> app.b -> app.a (2 modules)" in out
    assert "app/a.py:1: app.a imports app.b (`import app.b`)" in out
    assert "app/b.py:1: app.b imports app.a (`import app.a`)" in out


def test_clean_commit_passes(work: Path, pre_commit_home: Path) -> None:
    (work / "app" / "c.py").write_text("import app.b\n\nVALUE = 1\n")
    _git(work, "add", "app/c.py")
    proc = _try_repo(work, pre_commit_home, "ssotlint")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Passed" in proc.stdout


def test_whole_project_hook(work: Path, pre_commit_home: Path) -> None:
    (work / "app" / "b.py").write_text("import app.a\n")
    _git(work, "add", ".")
    _git(work, "commit", "-q", "-m", "cycle")
    # Nothing staged: the -all hook still checks the whole project.
    proc = _try_repo(work, pre_commit_home, "ssotlint-all", "--all-files")
    assert proc.returncode == 1
    assert "SSOT201" in proc.stdout


def test_commit_to_a_module_of_a_cycle_group_off_the_shown_cycle_passes(tmp_path: Path, pre_commit_home: Path) -> None:
    # The deferred cycle a -> b -> a is shown; c is one more module of its group, on no
    # shown import: a commit that only touches c is not failed by it.
    work = tmp_path / "work"
    files = {
        "pyproject.toml": "[tool.ssotlint]\n",
        "pkg/__init__.py": "",
        "pkg/a.py": "import pkg.b\n",
        "pkg/b.py": "import pkg.c\n\n\ndef f():\n    import pkg.a\n",
        "pkg/c.py": "def g():\n    import pkg.a\n",
    }
    for rel, text in files.items():
        (work / rel).parent.mkdir(parents=True, exist_ok=True)
        (work / rel).write_text(text)
    _git(work, "init", "-q")
    _git(work, "add", ".")
    _git(work, "commit", "-q", "-m", "start")
    (work / "pkg" / "c.py").write_text(files["pkg/c.py"] + "# a comment\n")
    _git(work, "add", "pkg/c.py")
    proc = _try_repo(work, pre_commit_home, "ssotlint")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Passed" in proc.stdout
    # The same commit to b.py, on the cycle, fails: tests/test_focus.py runs both cases.
