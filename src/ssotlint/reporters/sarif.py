"""SARIF 2.1.0 for code scanning: rule metadata, related locations, partial fingerprints."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TextIO

from ssotlint import __version__
from ssotlint.diagnostics import Diagnostic
from ssotlint.engine import RunResult
from ssotlint.reporters import indented_json
from ssotlint.rules import ALL_RULES

if TYPE_CHECKING:
    from ssotlint.reporters import ReportOptions

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFO_URI = "https://pypi.org/project/ssotlint/"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def _location(path: str, line: int, column: int, end_line: int | None = None, end_column: int | None = None) -> dict[str, Any]:
    region: dict[str, Any] = {"startLine": max(1, line), "startColumn": max(1, column)}
    if end_line is not None and end_line >= line:
        region["endLine"] = end_line
        if end_column is not None and (end_line > line or end_column >= column):
            region["endColumn"] = max(1, end_column)
    return {"physicalLocation": {"artifactLocation": {"uri": path, "uriBaseId": "%SRCROOT%"}, "region": region}}


def _rule_descriptor(rule: Any) -> dict[str, Any]:
    doc = rule.documentation()
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": doc.split("\n\n", 1)[0]},
        "help": {"text": doc, "markdown": doc},
        "defaultConfiguration": {"level": LEVELS[rule.severity.value]},
        "properties": {"tags": ["ssot"]},
    }


def _result(d: Diagnostic, rule_index: dict[str, int], baseline_state: str | None) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": d.code,
        "ruleIndex": rule_index[d.code],
        "level": LEVELS[d.severity.value],
        "message": {"text": d.message},
        "locations": [_location(d.path, d.span.line, d.span.column, d.span.end_line, d.span.end_column)],
        "partialFingerprints": {"ssotlint/v1": d.fingerprint},
    }
    if d.related:
        result["relatedLocations"] = [
            {**_location(r.path, r.line, r.column), "id": i, "message": {"text": r.message}}
            for i, r in enumerate(d.related)
        ]
    if d.data:
        result["properties"] = {"data": d.data}
    if baseline_state is not None:
        result["baselineState"] = baseline_state
    return result


def document(result: RunResult, show_baselined: bool = False) -> dict[str, Any]:
    rule_index = {r.code: i for i, r in enumerate(ALL_RULES)}
    state = "new" if show_baselined else None
    results = [_result(d, rule_index, state) for d in result.diagnostics]
    if show_baselined:
        results += [_result(d, rule_index, "unchanged") for d in result.baselined]
    root_uri = result.config.root.resolve().as_uri() + "/"
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "ssotlint",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": INFO_URI,
                        "rules": [_rule_descriptor(r) for r in ALL_RULES],
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"uri": root_uri}},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


def render(result: RunResult, out: TextIO, options: ReportOptions) -> None:
    indented_json.dump(document(result, options.show_baselined), out)
    out.write("\n")
