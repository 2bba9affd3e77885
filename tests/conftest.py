"""Helpers shared by the tests: build mini-projects, run the engine, format findings."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from ssotlint.config import load_config
from ssotlint.engine import RunOptions, RunResult, run

FIXTURES = Path(__file__).parent / "fixtures"
EXAMPLE_DIR = Path(__file__).resolve().parents[1] / "examples" / "chat-monorepo"


def write_project(root: Path, files: Mapping[str, str], config: str = "", extra: Mapping[str, str] | None = None) -> Path:
    """Write a mini-project; ``config`` goes under ``[tool.ssotlint]`` unless it has headers."""
    root.mkdir(parents=True, exist_ok=True)
    if "pyproject.toml" not in files:
        text = "[tool.ssotlint]\n"
        if config:
            text += config if config.endswith("\n") else config + "\n"
        (root / "pyproject.toml").write_text(text)
    for rel, source in {**files, **(extra or {})}.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source)
    return root


def check(root: Path, *, jobs: int = 1, use_cache: bool = False, paths: tuple[Path, ...] = (), **kwargs: object) -> RunResult:
    config = load_config(root)
    return run(config, RunOptions(jobs=jobs, use_cache=use_cache, paths=paths, **kwargs))  # type: ignore[arg-type]


def findings(result: RunResult, code: str | None = None) -> list[str]:
    return [
        f"{d.code} {d.path}:{d.span.line}:{d.span.column}"
        for d in result.diagnostics
        if code is None or d.code.startswith(code)
    ]


def copy_fixture(name: str, tmp_path: Path) -> Path:
    target = tmp_path / name
    shutil.copytree(FIXTURES / name, target)
    return target


def ssotlint_exe() -> list[str]:
    """The installed console script next to this interpreter (falls back to -m)."""
    exe = Path(sys.executable).parent / ("ssotlint.exe" if os.name == "nt" else "ssotlint")
    if exe.exists():
        return [str(exe)]
    found = shutil.which("ssotlint")
    return [found] if found else [sys.executable, "-m", "ssotlint"]


def run_cli(*args: str, cwd: Path | None = None, env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
    full_env.pop("FORCE_COLOR", None)
    return subprocess.run(
        [*ssotlint_exe(), *args], cwd=cwd, capture_output=True, text=True, env=full_env, timeout=300, check=False
    )


@pytest.fixture(scope="session")
def generated_report(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The report of the generated 10,000-file monorepo (tests/generated_monorepo.py), built once."""
    from ssotlint.report.model import build_report
    from tests.generated_monorepo import Shape, write

    shape = Shape()
    root = write(tmp_path_factory.mktemp("generated") / "monorepo", shape)
    result = check(root, jobs=2)
    assert result.files == shape.files
    return build_report(result)


@pytest.fixture
def project(tmp_path: Path):  # type: ignore[no-untyped-def]
    def make(files: Mapping[str, str], config: str = "", extra: Mapping[str, str] | None = None) -> Path:
        return write_project(tmp_path / "proj", files, config, extra)

    return make
