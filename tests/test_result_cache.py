"""Reusing the findings of the previous run when nothing changed, and only then."""

from __future__ import annotations

import dataclasses
import gc
import json
from pathlib import Path

import pytest

from ssotlint.cache import FactsCache, decode_diagnostics, encode_diagnostics
from ssotlint.config import load_config
from ssotlint.diagnostics import Diagnostic, Edit, Fix, Related, Severity, Span
from ssotlint.discovery import discover
from ssotlint.engine import (
    RunOptions,
    _extract_blob,
    collect_facts,
    inputs_key,
    result_key,
    selected_rules,
)
from ssotlint.rules.cycles import ImportCycle

from .conftest import check, findings, write_project

CYCLE = {
    "app/__init__.py": "",
    "app/a.py": "from app import b\n",
    "app/b.py": "from app import a\n",
    "app/c.py": "import app.a\n",
}


def _cache_files(root: Path) -> list[str]:
    return sorted(p.name for p in (root / ".ssotlint_cache").iterdir() if p.name.startswith("result-"))


def test_unchanged_project_reuses_findings(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", CYCLE)
    first = check(root, use_cache=True)
    assert not first.cached_findings
    assert findings(first) == ["SSOT201 app/a.py:1:1"]
    assert len(_cache_files(root)) == 1

    second = check(root, use_cache=True)
    assert second.cached_findings
    assert second.parsed == 0
    assert second.diagnostics == first.diagnostics
    assert second.suppressed == first.suppressed
    assert second.index.modules.by_name.keys() == first.index.modules.by_name.keys()


def test_changed_file_recomputes(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", CYCLE)
    check(root, use_cache=True)
    (root / "app/b.py").write_text("x = 1\n")
    again = check(root, use_cache=True)
    assert not again.cached_findings
    assert findings(again) == []


def test_new_and_deleted_files_recompute(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {**CYCLE, "app/b.py": "x = 1\n"})
    assert findings(check(root, use_cache=True)) == []
    (root / "app/d.py").write_text("import app.a\n")
    assert not check(root, use_cache=True).cached_findings
    (root / "app/d.py").unlink()
    (root / "app/b.py").write_text("from app import a\n")
    result = check(root, use_cache=True)
    assert not result.cached_findings
    assert findings(result) == ["SSOT201 app/a.py:1:1"]


def test_changed_configuration_recomputes(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", CYCLE)
    check(root, use_cache=True)
    (root / "pyproject.toml").write_text('[tool.ssotlint]\n[tool.ssotlint.imports]\nallow = ["app.b -> app.a"]\n')
    result = check(root, use_cache=True)
    assert not result.cached_findings
    assert findings(result) == []


def test_other_rule_selection_recomputes(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", CYCLE)
    check(root, use_cache=True)
    result = check(root, use_cache=True, select=("SSOT9",))
    # Not the whole result of the first run; the SSOT9 family's own findings, reused.
    assert findings(result) == [] == findings(check(root, select=("SSOT9",)))
    assert findings(check(root, use_cache=True)) == ["SSOT201 app/a.py:1:1"]


def test_touched_file_with_same_content_reuses(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", CYCLE)
    first = check(root, use_cache=True)
    (root / "app/c.py").write_text("import app.a\n")  # new mtime, same bytes
    again = check(root, use_cache=True)
    assert again.cached_findings
    assert again.diagnostics == first.diagnostics


def test_corrupt_result_file_is_ignored(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", CYCLE)
    first = check(root, use_cache=True)
    (result_file,) = (root / ".ssotlint_cache").glob("result-*.bin")
    intact = result_file.read_bytes()
    for damage in (b"", b"garbage", intact[:-3] + b"xyz"):
        result_file.write_bytes(damage)
        again = check(root, use_cache=True)
        assert again.diagnostics == first.diagnostics
        assert result_file.read_bytes() == intact  # written again


def test_no_cache_neither_reads_nor_writes_findings(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", CYCLE)
    check(root, use_cache=False)
    assert not (root / ".ssotlint_cache").exists()


def test_rules_reading_more_than_facts_are_never_reused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path / "p", CYCLE)
    monkeypatch.setattr(ImportCycle, "facts_only", False)
    check(root, use_cache=True)
    assert _cache_files(root) == []
    assert not check(root, use_cache=True).cached_findings


def test_json_output_identical_with_and_without_reuse(tmp_path: Path) -> None:
    from ssotlint.reporters.json_reporter import document

    root = write_project(tmp_path / "p", CYCLE)
    outputs = [json.dumps(document(check(root, use_cache=use))) for use in (False, True, True)]
    assert outputs[0] == outputs[1] == outputs[2]


def test_every_field_of_a_finding_survives_the_round_trip() -> None:
    d = Diagnostic(
        code="SSOT201",
        name="import-cycle",
        message="m",
        path="a.py",
        span=Span(1, 2, 3, 4),
        severity=Severity.WARNING,
        fingerprint="f",
        related=(Related("b.py", 5, "r", 6),),
        fix=Fix("t", (Edit("a.py", 1, 2, 3, 4, "x"),), safe=True),
        data={"modules": ["a", "b"], "cut": [{"line": 1}], "t": (1, 2), "n": None},
        touches=("c.py",),
    )
    plain = encode_diagnostics([d])
    assert plain is not None
    assert decode_diagnostics(plain) == [d]


def test_stored_findings_are_keyed(tmp_path: Path) -> None:
    cache = FactsCache(tmp_path / "c", "")
    d = Diagnostic("SSOT901", "syntax-error", "m", "a.py", Span.point(1), Severity.ERROR, "f")
    k1, k2 = b"1" * 16, b"2" * 16
    cache.save_result(k1, [d], [("a.py",), ("b.py", "a.py")])
    assert cache.load_result(k1) == ([d], [("a.py",), ("b.py", "a.py")])
    assert cache.load_result(k2) is None
    assert cache.load_result(b"k2") is None
    assert FactsCache(tmp_path / "c", "", enabled=False).load_result(b"k1") is None


def test_extraction_restores_the_garbage_collector() -> None:
    assert gc.isenabled()
    _extract_blob(b"import os\n")
    _extract_blob(b"def broken(:\n")
    assert gc.isenabled()
    gc.disable()
    try:
        _extract_blob(b"import os\n")
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_config_is_part_of_the_key(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", CYCLE)
    config = load_config(root)
    cache = FactsCache(tmp_path / "cache", "", enabled=False)
    facts, _ = collect_facts(discover(config), cache, jobs=1)
    rules = selected_rules(config, RunOptions())
    key = result_key(inputs_key(config, rules), facts)
    assert key == result_key(inputs_key(config, rules), facts)
    assert key != result_key(inputs_key(config, rules[:1]), facts)
    assert key != result_key(inputs_key(dataclasses.replace(config, src=("app",)), rules), facts)


def test_editing_the_event_spec_invalidates_reused_findings(tmp_path: Path) -> None:
    spec_v1 = "version: 1\nevents:\n  tool_executing:\n    required: [tool_name, timestamp]\n"
    spec_v2 = "version: 1\nevents:\n  tool_executing:\n    required: [tool_name, timestamp, parameters]\n"
    producer = 'import time\n\ndef f(name):\n    return {"type": "tool_executing", "tool_name": name, "timestamp": time.time()}\n'
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/bridge.py": producer}, config='event-spec = "events.yaml"\n', extra={"events.yaml": spec_v1})
    first = check(root, use_cache=True)
    assert [d.code for d in first.diagnostics] == []
    again = check(root, use_cache=True)
    assert again.cached_findings  # nothing changed: findings reused, spec included
    (root / "events.yaml").write_text(spec_v2)
    changed = check(root, use_cache=True)
    assert not changed.cached_findings
    assert [d.code for d in changed.diagnostics] == ["SSOT301"]


def test_default_selection_reuses_findings(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {**CYCLE, "app/events.py": "def send(ws):\n    ws.send({'type': 'x', 'a': 1})\n"})
    first = check(root, use_cache=True, select=("ALL",))
    second = check(root, use_cache=True, select=("ALL",))
    assert second.cached_findings
    assert second.diagnostics == first.diagnostics
