"""Event rules beyond their own VALID/INVALID cases (run by test_rule_cases.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ssotlint.config import load_config
from ssotlint.engine import RunOptions, run
from ssotlint.rules.base import Case, Rule
from ssotlint.rules.events import EVENT_RULES


def write_case(root: Path, case: Case) -> None:
    (root / "pyproject.toml").write_text(f"[tool.ssotlint]\n{case.config}\n", "utf-8")
    for rel, text in {**case.files, **case.extra_files}.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, "utf-8")


def findings(root: Path, code: str) -> list[str]:
    result = run(load_config(root), RunOptions(use_cache=False, jobs=1, select=(code,)))
    return [f"{d.code} {d.path}:{d.line}:{d.column}" for d in result.diagnostics]


@pytest.mark.parametrize("rule", EVENT_RULES)
def test_every_rule_has_cases(rule: type[Rule]) -> None:
    assert rule.VALID and rule.INVALID


@pytest.mark.parametrize("rule", EVENT_RULES)
def test_silent_without_spec(tmp_path: Path, rule: type[Rule]) -> None:
    for case in rule.INVALID:
        write_case(tmp_path, Case(case.files, config=case.config.replace('event-spec = "events.yaml"', "")))
        assert findings(tmp_path, rule.code) == []
