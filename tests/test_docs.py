"""Rule documentation: every heading present, pages in rules/ up to date, explain works."""

from __future__ import annotations

from pathlib import Path

import pytest

from ssotlint.docs import expected_pages, rule_page
from ssotlint.rules import ALL_RULES, Rule, lookup
from ssotlint.rules.base import DOC_SECTIONS, OPTIONAL_DOC_SECTIONS

from .conftest import run_cli

RULES_DIR = Path(__file__).resolve().parents[1] / "rules"


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.code)
def test_rule_doc_has_every_section(rule: type[Rule]) -> None:
    doc = rule.documentation()
    for section in DOC_SECTIONS:
        assert f"## {section}\n" in doc, f"{rule.code} lacks '## {section}'"
    positions = [doc.index(f"## {s}\n") for s in DOC_SECTIONS]
    assert positions == sorted(positions), f"{rule.code}: sections out of order"
    headings = [line[3:] for line in doc.splitlines() if line.startswith("## ")]
    assert headings[: len(DOC_SECTIONS)] == list(DOC_SECTIONS), f"{rule.code}: unexpected heading"
    assert all(h in OPTIONAL_DOC_SECTIONS for h in headings[len(DOC_SECTIONS) :]), f"{rule.code}: unexpected heading"
    assert rule.summary and not rule.summary.endswith(".")
    assert "```" in doc, f"{rule.code}: examples need code blocks"


def test_codes_and_names_are_unique() -> None:
    assert len({r.code for r in ALL_RULES}) == len(ALL_RULES)
    assert len({r.name for r in ALL_RULES}) == len(ALL_RULES)
    assert [r.code for r in ALL_RULES] == sorted(r.code for r in ALL_RULES)


def test_rule_pages_are_up_to_date() -> None:
    stale = [
        name
        for name, text in expected_pages().items()
        if not (RULES_DIR / name).exists() or (RULES_DIR / name).read_text("utf-8") != text
    ]
    assert not stale, f"regenerate with `python -m ssotlint.docs rules`: {stale}"


def test_explain_prints_the_page() -> None:
    proc = run_cli("explain", "SSOT201")
    assert proc.returncode == 0
    rule = lookup("SSOT201")
    assert rule is not None
    assert proc.stdout == rule_page(rule)
    by_name = run_cli("explain", "import-cycle")
    assert by_name.stdout == proc.stdout


def test_explain_unknown_code_suggests() -> None:
    proc = run_cli("explain", "SSOT209")
    assert proc.returncode == 2
    assert "unknown rule 'SSOT209'" in proc.stderr
    assert "did you mean" in proc.stderr
