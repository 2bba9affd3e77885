"""Rule documentation pages, generated from the rules' own docstrings.

``python -m ssotlint.docs rules/`` rewrites the Markdown pages under ``rules/``; a test
fails when a page is out of date. ``ssotlint explain CODE`` prints the same text.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ssotlint.rules import ALL_RULES, Rule


def rule_page(rule: type[Rule]) -> str:
    doc = rule.documentation()
    first, _, rest = doc.partition("\n")
    header = (
        f"# {rule.code} {rule.name}\n\n"
        f"{first.strip()}\n\n"
        f"Default severity: **{rule.severity.value}**. "
        f"Suppress with `# ssotlint: ignore[{rule.code}]` on the reported line.\n"
    )
    return header + rest.rstrip() + "\n"


def page_name(rule: type[Rule]) -> str:
    return f"{rule.code}-{rule.name}.md"


def index_page() -> str:
    lines = ["# ssotlint rules", "", "| Code | Name | Severity | Summary |", "| --- | --- | --- | --- |"]
    for r in ALL_RULES:
        lines.append(f"| [{r.code}]({page_name(r)}) | {r.name} | {r.severity.value} | {r.summary} |")
    return "\n".join(lines) + "\n"


def expected_pages() -> dict[str, str]:
    pages = {page_name(r): rule_page(r) for r in ALL_RULES}
    pages["README.md"] = index_page()
    return pages


def write_pages(folder: Path) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    changed = []
    for name, text in expected_pages().items():
        target = folder / name
        if not target.exists() or target.read_text("utf-8") != text:
            target.write_text(text, "utf-8")
            changed.append(name)
    return changed


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "rules")
    for name in write_pages(out):
        print(f"wrote {out / name}")
