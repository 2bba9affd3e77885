"""Counts shared by the reporters."""

from __future__ import annotations

from collections import Counter
from typing import Any

from ssotlint.engine import RunResult


def summary(result: RunResult) -> dict[str, Any]:
    by_code = Counter(d.code for d in result.diagnostics)
    by_severity = Counter(d.severity.value for d in result.diagnostics)
    return {
        "files": result.files,
        "findings": len(result.diagnostics),
        "errors": by_severity.get("error", 0),
        "warnings": by_severity.get("warning", 0),
        "suppressed": result.suppressed,
        "baselined": len(result.baselined),
        "by_code": dict(sorted(by_code.items())),
    }


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
