"""Generated projects that mix every form of import, each checked against a real import trace.

Every module defines its names before it imports anything and every import at module
level sits in ``try/except ImportError``, so each module imports in any order, cycles
included, and each import-time statement runs: the trace then tests every edge.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from .conftest import write_project
from .test_import_graph import assert_graph_is_the_trace

PACKAGES = ["p0", "p0.s0", "p0.s1", "p1"]
MODULES = ["p0.a", "p0.b", "p0.s0.c", "p0.s0.d", "p0.s1.e", "p1.f", "ns.g", "ns.h", "top"]  # ns/: no __init__.py
ELSEWHERE = ["ns", "p0.missing", "p0.s0.missing.deep", "p1.f.nothing", "p2"]  # no code, or not in the tree
NAMES = ["ATTR", "OTHER", "MISSING"]
RELATIVE_TAILS = ["", "a", "b", "s0", "s0.c", "s1", "missing", "c", "p0"]


def _children(module: str) -> list[str]:
    return [m.rsplit(".", 1)[1] for m in PACKAGES + MODULES if m.rpartition(".")[0] == module]


def _statement(rng: random.Random, i: int) -> str:
    target = rng.choice(PACKAGES + MODULES + ELSEWHERE)
    parent, _, last = target.rpartition(".")
    kind = rng.randrange(9)
    if kind == 0:
        return f"import {target}"
    if kind == 1:
        return f"import {target} as _m{i}"
    if kind == 2 and parent:
        return f"from {parent} import {last}"
    if kind == 3:
        return f"from {target} import {', '.join(rng.sample(NAMES, rng.randint(1, 2)))}"
    if kind == 4 and _children(target):
        names = [rng.choice(_children(target)), rng.choice(NAMES[:2])]
        rng.shuffle(names)
        return f"from {target} import {', '.join(names)}"
    if kind == 5:
        tail = rng.choice(RELATIVE_TAILS)
        names = rng.choice([["ATTR"], ["a"], ["c", "ATTR"], ["ATTR", "s0"], ["d"], ["OTHER", "b"]])
        return f"from {'.' * rng.randint(1, 3)}{tail} import {', '.join(names)}"
    if kind == 6:
        return f'import_module("{target}")'
    if kind == 7:
        anchor = rng.choice(["__name__", "__package__"])
        return f'import_module("{"." * rng.randint(1, 2)}{rng.choice(RELATIVE_TAILS)}", package={anchor})'
    return f"import {target}.{rng.choice(['a', 'c', 'g', 'missing'])}"


def _wrapped(rng: random.Random, statement: str, i: int) -> list[str]:
    """The statement where it runs at import time (mostly), or where it never runs on import."""
    guarded = ["try:", f"    {statement}", "except ImportError:", "    pass"]
    where = rng.randrange(10)
    if where == 0:
        return [f"def _f{i}():", *("    " + line for line in guarded)]
    if where == 1 and statement.startswith("import_module"):
        return [f"_l{i} = lambda: {statement}"]
    if where == 2:
        return ['if __name__ == "__main__":', *("    " + line for line in guarded)]
    if where == 3:
        return ["if TYPE_CHECKING:", *("    " + line for line in guarded)]
    if where == 4:
        return [f"class _C{i}:", *("    " + line for line in guarded)]
    return guarded


def generate(seed: int) -> dict[str, str]:
    rng = random.Random(seed)
    files: dict[str, str] = {}
    for module in PACKAGES + MODULES:
        lines = ["from importlib import import_module", "from typing import TYPE_CHECKING", "", "ATTR = 1", "OTHER = 2", ""]
        for i in range(rng.randint(2, 6)):
            lines += _wrapped(rng, _statement(rng, i), i)
        rel = module.replace(".", "/") + ("/__init__.py" if module in PACKAGES else ".py")
        files[rel] = "\n".join(lines) + "\n"
    return files


@pytest.mark.parametrize("seed", range(6))
def test_generated_project_edges_match_an_import_trace(seed: int, tmp_path: Path) -> None:
    assert_graph_is_the_trace(write_project(tmp_path / f"gen{seed}", generate(seed)))
