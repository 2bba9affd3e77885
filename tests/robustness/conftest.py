"""Helpers of the robustness suite: hostile projects, CLI runs that must end cleanly."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.conftest import run_cli, ssotlint_exe


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


_MEASURE = """
import json, resource, subprocess, sys
proc = subprocess.run(sys.argv[1:], capture_output=True, text=True, check=False)
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
json.dump({"rc": proc.returncode, "stdout": proc.stdout, "stderr": proc.stderr,
           "cpu": usage.ru_utime + usage.ru_stime, "rss_kib": usage.ru_maxrss}, sys.stdout)
"""


@dataclass(frozen=True)
class Measured:
    proc: subprocess.CompletedProcess[str]
    cpu_seconds: float  # of the CLI and its workers
    peak_mib: float  # the largest resident set of the CLI or one of its workers


def measured_run(*args: str, cwd: Path | None = None, codes: tuple[int, ...] = (0, 1)) -> Measured:
    """Like :func:`clean_run`, measuring CPU time and peak memory in a fresh process (the
    test process's own children would count too)."""
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("FORCE_COLOR", None)
    wrapper = subprocess.run(
        [sys.executable, "-c", _MEASURE, *ssotlint_exe(), *args],
        cwd=cwd, capture_output=True, text=True, env=env, timeout=300, check=True,
    )
    out = json.loads(wrapper.stdout)
    proc = subprocess.CompletedProcess(args, out["rc"], out["stdout"], out["stderr"])
    assert "Traceback" not in proc.stderr, proc.stderr
    assert "internal error" not in proc.stderr + proc.stdout, proc.stderr + proc.stdout
    assert proc.returncode in codes, (proc.returncode, proc.stdout, proc.stderr)
    return Measured(proc, out["cpu"], out["rss_kib"] / 1024)
