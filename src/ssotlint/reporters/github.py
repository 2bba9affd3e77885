"""GitHub Actions workflow commands: one annotation per finding."""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

from ssotlint.engine import RunResult

if TYPE_CHECKING:
    from ssotlint.reporters import ReportOptions


def _escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(s: str) -> str:
    return _escape_data(s).replace(":", "%3A").replace(",", "%2C")


def render(result: RunResult, out: TextIO, options: ReportOptions) -> None:
    for d in result.diagnostics:
        level = {"error": "error", "warning": "warning"}.get(d.severity.value, "notice")
        props = [
            f"file={_escape_property(d.path)}",
            f"line={d.span.line}",
            f"col={d.span.column}",
            f"title={_escape_property(d.code)}",
        ]
        message = d.message
        if d.related:
            message += "\n" + "\n".join(f"  {r.path}:{r.line}: {r.message}" for r in d.related)
        out.write(f"::{level} {','.join(props)}::{_escape_data(message)}\n")
