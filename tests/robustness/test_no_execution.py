"""Analysed code is never imported or run, whatever the command and whatever the file's name."""

from __future__ import annotations

from pathlib import Path

import pytest

from ..conftest import write_project
from .conftest import clean_run

TRAPS = (
    "conftest.py",
    "setup.py",
    "sitecustomize.py",
    "__main__.py",
    "app/__init__.py",
    "app/__main__.py",
    "app/models.py",
    "app/events.py",
    "tests/conftest.py",
)


def trap(marker: Path, name: str) -> str:
    """A module that leaves a file behind when it is imported or run."""
    return (
        "import pathlib\n"
        f"pathlib.Path({str(marker)!r}).joinpath({name.replace('/', '_')!r}).write_text('ran')\n"
        "import app.events\n"
        "def emit(send_event):\n"
        "    send_event({'type': 'user_joined', 'user': 1})\n"
        "class Manager:\n"
        "    def start(self): ...\n    def stop(self): ...\n    def send(self): ...\n    def close(self): ...\n"
    )


@pytest.mark.parametrize(
    "command",
    [
        ("check",),
        ("check", "--no-cache", "--jobs", "2"),
        ("report", "--format", "html"),
        ("fix",),
        ("fix", "--unsafe", "--diff"),
        ("events", "infer"),
        ("events", "list"),
        ("baseline",),
    ],
    ids=lambda c: " ".join(c),
)
def test_no_analysed_module_runs(tmp_path: Path, command: tuple[str, ...]) -> None:
    marker = tmp_path / "ran"
    marker.mkdir()
    files = {name: trap(marker, name) for name in TRAPS}
    # Enough files for the worker pool to start (it forks; nothing may run in the workers either).
    files |= {f"app/gen/m{i}.py": trap(marker, f"gen{i}") for i in range(30)}
    files["app/gen/__init__.py"] = ""
    root = write_project(tmp_path / "proj", files, config='[tool.ssotlint.events]\nemitters = ["send_event"]')
    clean_run(*command, str(root), cwd=root)
    assert sorted(p.name for p in marker.iterdir()) == []


def test_the_trap_works(tmp_path: Path) -> None:
    """Control: importing a trap module does leave its file (so the test above means something)."""
    import subprocess
    import sys

    marker = tmp_path / "ran"
    marker.mkdir()
    root = write_project(tmp_path / "proj", {"app/__init__.py": "", "app/events.py": "", "app/models.py": trap(marker, "app/models.py")})
    subprocess.run([sys.executable, "-c", "import app.models"], cwd=root, check=True)
    assert [p.name for p in marker.iterdir()] == ["app_models.py"]
