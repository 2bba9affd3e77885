"""Every rule's own VALID and INVALID examples, run as real mini-projects."""

from __future__ import annotations

from pathlib import Path

import pytest

from ssotlint.rules import ALL_RULES, Case, Rule

from .conftest import check, findings, write_project

CASES = [
    pytest.param(rule, case, id=f"{rule.code}-{kind}-{i}")
    for rule in ALL_RULES
    for kind, cases in (("valid", rule.VALID), ("invalid", rule.INVALID))
    for i, case in enumerate(cases)
]


@pytest.mark.parametrize(("rule", "case"), CASES)
def test_case(rule: type[Rule], case: Case, tmp_path: Path) -> None:
    root = write_project(tmp_path / "case", case.files, case.config, case.extra_files)
    result = check(root)
    assert findings(result, rule.code) == list(case.expected), case.note


def test_every_rule_has_both_kinds_of_cases() -> None:
    for rule in ALL_RULES:
        assert rule.VALID, f"{rule.code} has no VALID case"
        assert rule.INVALID, f"{rule.code} has no INVALID case"
        assert any(c.expected for c in rule.INVALID), f"{rule.code} has no INVALID case with a finding"
