"""Resolved import edges are reused for unchanged files and never change a finding."""

from __future__ import annotations

from pathlib import Path

import pytest

from ssotlint.cache import EdgeStore
from tests.conftest import check, findings, write_project

FILES = {
    "app/__init__.py": "",
    "app/a.py": "from app import b\n",
    "app/b.py": "import app.c\n",
    "app/c.py": "x = 1\n",
}


def _edges_file(root: Path) -> Path:
    (found,) = (root / ".ssotlint_cache").glob("edges-*.bin")
    return found


def _spy(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    counts = {"reused": 0, "resolved": 0}
    get, put = EdgeStore.get, EdgeStore.put

    def counting_get(self: EdgeStore, rel: str, digest: bytes) -> object:
        hit = get(self, rel, digest)
        if hit is not None:
            counts["reused"] += 1
        return hit

    def counting_put(self: EdgeStore, rel: str, digest: bytes, edges: tuple[tuple[object, ...], ...]) -> None:
        counts["resolved"] += 1
        put(self, rel, digest, edges)

    monkeypatch.setattr(EdgeStore, "get", counting_get)
    monkeypatch.setattr(EdgeStore, "put", counting_put)
    return counts


def test_edited_file_is_resolved_again_the_others_reused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path / "p", FILES)
    assert findings(check(root, use_cache=True)) == []
    counts = _spy(monkeypatch)
    (root / "app/c.py").write_text("from app import a\n")  # closes a -> b -> c -> a
    result = check(root, use_cache=True)
    assert findings(result) == ["SSOT201 app/a.py:1:1"]
    assert counts == {"reused": 3, "resolved": 1}
    assert findings(result) == findings(check(root))  # the same without any cache


def test_a_new_module_drops_every_stored_edge(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `from app import d` names a module once app/d.py exists: every importer may change.
    root = write_project(tmp_path / "p", {**FILES, "app/c.py": "from app import d\n"})
    check(root, use_cache=True)
    counts = _spy(monkeypatch)
    (root / "app/d.py").write_text("import app.a\n")
    result = check(root, use_cache=True)
    assert counts["reused"] == 0
    assert findings(result) == ["SSOT201 app/a.py:1:1"] == findings(check(root))


def test_damaged_edge_cache_is_ignored(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {**FILES, "app/c.py": "import app.a\n"})
    expected = findings(check(root, use_cache=True))
    edges = _edges_file(root)
    edges.write_bytes(edges.read_bytes()[:-7] + b"garbage")
    (root / "app/c.py").write_text("import app.a\n\n")  # not the findings' cache: the graph is rebuilt
    assert findings(check(root, use_cache=True)) == expected
    edges.write_bytes(b"")
    (root / "app/c.py").write_text("import app.a\n\n\n")
    assert findings(check(root, use_cache=True)) == expected


def _spy_analyse(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, ...]]:
    from ssotlint.rules import cycles as cycle_rules

    analysed: list[tuple[str, ...]] = []
    real = cycle_rules.analyse_component

    def counting(g: object, members: tuple[str, ...], *args: object, **kwargs: object) -> object:
        analysed.append(members)
        return real(g, members, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(cycle_rules, "analyse_component", counting)
    return analysed


def test_cycle_groups_untouched_by_a_change_are_not_analysed_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {
        **FILES,
        "app/c.py": "import app.a\n",  # a -> b -> c -> a
        "lib/__init__.py": "",
        "lib/x.py": "from lib import y\n",
        "lib/y.py": "from lib import x\n",  # x <-> y
        "lib/z.py": "VALUE = 1\n",
    }
    root = write_project(tmp_path / "p", files)
    expected = findings(check(root, use_cache=True))
    assert len(expected) == 2
    analysed = _spy_analyse(monkeypatch)
    (root / "lib/z.py").write_text("import os\nVALUE = 2\n")  # in no cycle
    assert findings(check(root, use_cache=True)) == expected
    assert analysed == []
    (root / "lib/y.py").write_text("import os\nfrom lib import x\n")  # moves the import of a cycle
    result = findings(check(root, use_cache=True))
    assert analysed == [("lib.x", "lib.y")]
    monkeypatch.undo()
    assert result == findings(check(root))
