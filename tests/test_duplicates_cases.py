"""Every VALID/INVALID case of the duplicate rules produces exactly its expected findings."""

from __future__ import annotations

from pathlib import Path

import pytest

from ssotlint.rules.base import Case, Rule
from ssotlint.rules.duplicates import CompatAlias, ConflictingConstant, DuplicateFactory, DuplicateImplementation
from tests.dup_helpers import run_case

RULES: tuple[type[Rule], ...] = (DuplicateImplementation, CompatAlias, DuplicateFactory, ConflictingConstant)
CASES = [
    pytest.param(rule, case, id=f"{rule.code}-{kind}-{i}")
    for rule in RULES
    for kind, cases in (("valid", rule.VALID), ("invalid", rule.INVALID))
    for i, case in enumerate(cases)
]


@pytest.mark.parametrize(("rule", "case"), CASES)
def test_case(rule: type[Rule], case: Case, tmp_path: Path) -> None:
    assert run_case(tmp_path / "project", case, rule.code) == sorted(case.expected)


@pytest.mark.parametrize("rule", RULES)
def test_docs_have_every_heading(rule: type[Rule]) -> None:
    doc = rule.documentation()
    for heading in ("What it does", "Why is this bad?", "Example", "Use instead", "Options", "Known problems"):
        assert f"## {heading}" in doc
    assert rule.VALID and rule.INVALID
