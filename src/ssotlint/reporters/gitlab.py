"""GitLab Code Quality report (a JSON array of issues)."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any, TextIO

from ssotlint.engine import RunResult
from ssotlint.reporters import indented_json

if TYPE_CHECKING:
    from ssotlint.reporters import ReportOptions

SEVERITY = {"error": "major", "warning": "minor", "info": "info"}


def document(result: RunResult) -> list[dict[str, Any]]:
    seen: Counter[str] = Counter()
    issues = []
    for d in result.diagnostics:
        seen[d.fingerprint] += 1
        # GitLab needs unique fingerprints; repeated ones get a stable ordinal.
        fp = d.fingerprint if seen[d.fingerprint] == 1 else f"{d.fingerprint}-{seen[d.fingerprint]}"
        issues.append(
            {
                "type": "issue",
                "check_name": d.code,
                "description": f"{d.code} {d.message}",
                "categories": ["Style"],
                "severity": SEVERITY.get(d.severity.value, "info"),
                "fingerprint": fp,
                "location": {"path": d.path, "lines": {"begin": d.span.line, "end": d.span.end_line}},
            }
        )
    return issues


def render(result: RunResult, out: TextIO, options: ReportOptions) -> None:
    indented_json.dump(document(result), out)
    out.write("\n")
