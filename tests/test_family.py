"""A rule family defined here, outside ssotlint's rule modules, plugs into the engine
unchanged: its findings are cached, reused (renumbered) while what it reads of the changed
files differs only by its lines, and computed again, with its state handed back, when it
does not."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pytest

from ssotlint import rules as registry
from ssotlint.diagnostics import Diagnostic, Span
from ssotlint.facts.model import FileFacts
from ssotlint.index.project import ProjectIndex
from ssotlint.rules.base import Changed, Outcome, Rule, RuleFamily
from tests.conftest import check, findings, write_project
from tests.test_shift import _insert, _plain


class PickleImport(Rule):
    """A module-level import of `pickle` (a toy rule of a toy family)."""

    code = "SSOT991"
    name = "pickle-import"
    summary = "pickle is imported"
    facts_only = True

    def check(self, index: ProjectIndex) -> Iterable[Diagnostic]:
        for rel, facts in index.files.items():
            for imp in facts.imports:
                if imp.module == "pickle":
                    yield self.diagnostic(message="pickle imported", path=rel, span=Span.point(imp.line, imp.column), entity="pickle")


class PickleFamily(RuleFamily):
    """Reads the imports; counts its own runs in its state."""

    name = "pickle"
    rules = (PickleImport,)

    def __init__(self) -> None:
        self.runs: list[tuple[Any, int | None]] = []  # (state handed in, number of changed files)

    def reads(self, index: ProjectIndex, rel: str, facts: FileFacts, state: Any) -> Any:
        return facts.imports

    def check(
        self, index: ProjectIndex, rules: Sequence[type[Rule]], state: Any, changed: Sequence[Changed] | None
    ) -> Outcome:
        self.runs.append((state, None if changed is None else len(changed)))
        found = super().check(index, rules, state, changed)
        return found._replace(state={"runs": (state or {"runs": 0})["runs"] + 1})


@pytest.fixture
def family(monkeypatch: pytest.MonkeyPatch) -> PickleFamily:
    toy = PickleFamily()
    monkeypatch.setattr(registry, "FAMILIES", (*registry.FAMILIES, toy))
    return toy


def _agrees(root: Path) -> list[str]:
    cached = check(root, use_cache=True)
    assert _plain(cached) == _plain(check(root))
    return findings(cached, "SSOT991")


def test_a_family_from_outside_is_cached_and_reused(family: PickleFamily, tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/a.py": "import pickle\n", "app/b.py": "X = 1\n"})
    assert findings(check(root, use_cache=True), "SSOT991") == ["SSOT991 app/a.py:1:1"]
    assert family.runs == [(None, None)]
    family.runs.clear()

    # Lines moved, and a class added: not what the family reads. Reused, renumbered.
    _insert(root / "app/a.py", 0, "# moved down\n\n")
    _insert(root / "app/b.py", 10**6, "\n\nclass Added:\n    def run(self):\n        return 1\n")
    assert _agrees(root) == ["SSOT991 app/a.py:3:1"]
    assert family.runs == [(None, None)]  # only the run without cache computed it
    family.runs.clear()

    # A new import: it runs again, handed its state and the two changed files.
    _insert(root / "app/b.py", 0, "import pickle\n")
    assert _agrees(root) == ["SSOT991 app/a.py:3:1", "SSOT991 app/b.py:1:1"]
    assert family.runs == [({"runs": 1}, 1), (None, None)]
    family.runs.clear()

    # Nothing changed: the whole result is reused; its state went on counting.
    assert check(root, use_cache=True).cached_findings
    assert family.runs == []
    _insert(root / "app/a.py", 0, "import os\n")
    _agrees(root)
    assert family.runs[0] == ({"runs": 2}, 1)


def test_its_settings_and_selection_are_part_of_what_it_reads(family: PickleFamily, tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/a.py": "import pickle\n"})
    check(root, use_cache=True)
    (root / "pyproject.toml").write_text('[tool.ssotlint]\nignore = ["SSOT902"]\n')
    assert _agrees(root) == ["SSOT991 app/a.py:1:1"]
    assert [changed for _, changed in family.runs] == [None, None, None]  # first run, then config: no earlier findings hold


_EDITS = [
    "\n",
    "# a comment\n",
    "import os\n",
    "from app import constants\n",
    "X_ADDED = 'tool_executing'\n",
    "class AddedThing:\n    def run(self):\n        return 1\n\n",
    'def emit():\n    return {"type": "tool_executing", "tool_name": "x", "timestamp": 1}\n\n',
    'def emit_nested():\n    return {"type": "tool_completed", "payload": {"results": 1}}\n\n',
    'def read(event):\n    if event["type"] == "agent_started":\n        return event["user_id"]\n\n',
    "import app.producers  # ssotlint: ignore[SSOT201]\n",
]


@pytest.mark.parametrize("seed", range(6))
def test_random_edits_every_family_reads_agree_with_a_fresh_run(seed: int, tmp_path: Path) -> None:
    """Edits that some families read and others do not (each run reuses some families'
    findings and computes the others'), on a project with event findings, unused
    suppressions and cycles coming and going: each cached run equals a fresh one."""
    import random
    import shutil

    from tests.conftest import FIXTURES
    from tests.test_shift import _agrees

    rng = random.Random(seed)
    root = tmp_path / "p"
    shutil.copytree(FIXTURES / "events-basic", root)
    files = sorted(root.rglob("*.py"))
    check(root, use_cache=True)
    for _ in range(5):
        edited = rng.sample(files, 2)
        for path in edited:
            lines = path.read_text().splitlines(keepends=True)
            at = rng.choice([i for i, line in enumerate([*lines, ""]) if not line.startswith((" ", "\t", ")", "]", "}"))])
            lines.insert(at, rng.choice(_EDITS))
            path.write_text("".join(lines))
        _agrees(root, tuple(edited))
    _agrees(root)
