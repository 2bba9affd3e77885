"""Print two classes of a prepared project side by side, as a unified diff, to judge a finding.

    python bench/accuracy/duplicates/show.py langchain pkg.mod:ClassA other.mod:ClassB
"""

from __future__ import annotations

import ast
import difflib
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def source(root: Path, key: str) -> tuple[str, str]:
    module, _, name = key.partition(":")
    tail = Path(*module.split("."))
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root).with_suffix("")
        parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
        if tuple(parts[-len(tail.parts):]) != tail.parts:
            continue
        text = path.read_text(errors="replace")
        for node in ast.parse(text).body:
            if isinstance(node, (ast.ClassDef, ast.FunctionDef)) and node.name == name:
                return str(path.relative_to(root)), ast.get_source_segment(text, node) or ""
    return "?", ""


def main() -> int:
    project, a, b = sys.argv[1:4]
    root = HERE / "work" / project
    pa, sa = source(root, a)
    pb, sb = source(root, b)
    ratio = difflib.SequenceMatcher(None, sa, sb, autojunk=False).ratio()
    print(f"--- {pa} ({len(sa.splitlines())} lines)  +++ {pb} ({len(sb.splitlines())} lines)  text similarity {ratio:.2f}")
    sys.stdout.writelines(difflib.unified_diff(sa.splitlines(True), sb.splitlines(True), n=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
