"""SARIF output validates against the official 2.1.0 schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from .conftest import copy_fixture, run_cli

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())


def test_sarif_is_valid_and_complete(tmp_path: Path) -> None:
    root = copy_fixture("syntax", tmp_path)
    proc = run_cli("check", str(root), "--format", "sarif")
    assert proc.returncode == 1
    doc = json.loads(proc.stdout)
    jsonschema.validate(doc, SCHEMA)
    run = doc["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules][:2] == ["SSOT201", "SSOT202"]
    assert all(r["help"]["text"] and r["shortDescription"]["text"] for r in rules)
    cycle = next(r for r in run["results"] if r["ruleId"] == "SSOT201")
    assert cycle["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "mod/newer.py"
    assert cycle["locations"][0]["physicalLocation"]["region"]["startLine"] == 1
    assert len(cycle["relatedLocations"]) == 2
    assert cycle["partialFingerprints"]["ssotlint/v1"]
    assert rules[cycle["ruleIndex"]]["id"] == "SSOT201"


def test_sarif_without_findings_is_valid(tmp_path: Path) -> None:
    root = copy_fixture("cycles-typing-only", tmp_path)
    proc = run_cli("check", str(root), "--format", "sarif")
    assert proc.returncode == 0
    jsonschema.validate(json.loads(proc.stdout), SCHEMA)
