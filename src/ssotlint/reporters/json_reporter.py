"""The stable machine contract: ``{"version": 1, "findings": [...], "summary": {...}}``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TextIO

from ssotlint.diagnostics import Diagnostic
from ssotlint.engine import RunResult
from ssotlint.reporters import indented_json
from ssotlint.reporters.summary import summary

if TYPE_CHECKING:
    from ssotlint.reporters import ReportOptions

VERSION = 1


def finding(d: Diagnostic) -> dict[str, Any]:
    return {
        "code": d.code,
        "name": d.name,
        "severity": d.severity.value,
        "message": d.message,
        "path": d.path,
        "line": d.span.line,
        "column": d.span.column,
        "end_line": d.span.end_line,
        "end_column": d.span.end_column,
        "related": [{"path": r.path, "line": r.line, "message": r.message} for r in d.related],
        "fingerprint": d.fingerprint,
        "data": d.data,
        "fix": None
        if d.fix is None
        else {
            "title": d.fix.title,
            "safe": d.fix.safe,
            "edits": [
                {
                    "path": e.path,
                    "line": e.start_line,
                    "column": e.start_column,
                    "end_line": e.end_line,
                    "end_column": e.end_column,
                    "replacement": e.replacement,
                }
                for e in d.fix.edits
            ],
        },
    }


def document(result: RunResult, show_baselined: bool = False) -> dict[str, Any]:
    findings = [finding(d) for d in result.diagnostics]
    if show_baselined:
        findings = [{**f, "baselined": False} for f in findings]
        findings += [{**finding(d), "baselined": True} for d in result.baselined]
    return {
        "version": VERSION,
        "findings": findings,
        "summary": summary(result),
    }


def render(result: RunResult, out: TextIO, options: ReportOptions) -> None:
    indented_json.dump(document(result, options.show_baselined), out)
    out.write("\n")
