"""Helpers of the robustness suite: hostile projects, CLI runs that must end cleanly."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from tests.conftest import run_cli


def clean_run(*args: str, cwd: Path | None = None, codes: tuple[int, ...] = (0, 1)) -> subprocess.CompletedProcess[str]:
    """Run the CLI; it must end with one of ``codes`` and without a traceback or internal error."""
    proc = run_cli(*args, cwd=cwd)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert "internal error" not in proc.stderr + proc.stdout, proc.stderr + proc.stdout
    assert proc.returncode in codes, (proc.returncode, proc.stdout, proc.stderr)
    return proc


def concise(proc: subprocess.CompletedProcess[str]) -> list[str]:
    """``CODE path:line:col`` for every finding of a ``--format concise`` run."""
    out = []
    for line in proc.stdout.splitlines():
        if not line or line.startswith("Found ") or ": " not in line:
            continue
        where, rest = line.split(": ", 1)
        out.append(f"{rest.split()[0]} {where}")
    return out


def json_findings(text: str) -> list[dict[str, Any]]:
    findings: list[dict[str, Any]] = json.loads(text)["findings"]
    return findings
