"""Run ssotlint on mini-projects written to a temporary folder."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ssotlint.config import load_config
from ssotlint.engine import RunOptions, RunResult, run
from ssotlint.rules.base import Case


def write_project(root: Path, files: Mapping[str, str], config: str = "", extra: Mapping[str, str] | None = None) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text("[tool.ssotlint]\n" + config + "\n", "utf-8")
    for rel, text in {**files, **(extra or {})}.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    return root


def run_project(root: Path, select: tuple[str, ...] = ("ALL",), jobs: int = 1, use_cache: bool = False) -> RunResult:
    config = load_config(root)
    return run(config, RunOptions(jobs=jobs, use_cache=use_cache, select=select))


def findings(result: RunResult, prefix: str = "") -> list[str]:
    return [
        f"{d.code} {d.path}:{d.line}:{d.column}" for d in result.diagnostics if d.code.startswith(prefix)
    ]


def run_case(root: Path, case: Case, code: str) -> list[str]:
    write_project(root, case.files, case.config, case.extra_files)
    return findings(run_project(root, select=(code,)))
