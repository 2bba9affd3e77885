"""Import sites built on demand equal one eager pass over every from-import.

The reference below resolves every first-party ``from`` import of the project in path
order and files each site under every binding it passes through. The symbol table builds
sites only for the bindings asked about; the answers, and what the resolution memoised on
the way (cyclic re-exports resolve as first seen), must be the same.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from pathlib import Path

import pytest

from ssotlint.cache import FactsCache
from ssotlint.config import load_config
from ssotlint.discovery import discover
from ssotlint.engine import collect_facts
from ssotlint.facts.model import FileFacts
from ssotlint.index.project import ProjectIndex
from ssotlint.index.symbols import Hop, ImportSite, SymbolTable

from .conftest import EXAMPLE_DIR, FIXTURES, write_project

PROJECTS = sorted(p for p in FIXTURES.iterdir() if (p / "pyproject.toml").exists())


def _eager(symbols: SymbolTable) -> tuple[dict[Hop, list[ImportSite]], dict[Hop, list[ImportSite]]]:
    sites: dict[Hop, list[ImportSite]] = {}
    direct: dict[Hop, list[ImportSite]] = {}
    for rel, facts in symbols.files.items():
        info = symbols.modules.by_rel.get(rel)
        if info is None:
            continue
        for fact in facts.imports:
            if not fact.is_from or fact.dynamic:
                continue
            base = symbols.absolute_import(info, fact)
            if not base or base not in symbols.modules:
                continue
            for imported in fact.names:
                if imported.name == "*":
                    continue
                r = symbols.resolve_from(base, imported.name)
                hops = {*r.via, (base, imported.name)}
                if r.symbol.kind in ("class", "other"):
                    hops.add((r.symbol.module, r.symbol.name))
                site = ImportSite(info.name, rel, fact.line, fact.column)
                if base != info.name:
                    direct.setdefault((base, imported.name), []).append(site)
                for hop in hops:
                    if hop[0] != info.name:
                        sites.setdefault(hop, []).append(site)
    return sites, direct


def _facts(root: Path) -> dict[str, FileFacts]:
    cfg = load_config(root)
    facts, _ = collect_facts(discover(cfg), FactsCache(root / ".cache", "", enabled=False), 1)
    return dict(facts)


def _agree(root: Path, facts: Mapping[str, FileFacts]) -> int:
    """Compare both ways on one project; the number of bindings with sites."""
    cfg = load_config(root)
    tables = [ProjectIndex(cfg, facts).symbols for _ in range(2)]
    for symbols in tables:  # as the concepts do: every role first
        for c in symbols.classes.values():
            symbols.role(c)
    lazy, reference = tables
    sites, direct = _eager(reference)
    asked = {*sites, *direct, *reference._memo, ("nowhere", "Nothing")}
    for module, name in sorted(asked):
        assert lazy.import_sites(module, name) == sites.get((module, name), []), (module, name)
        assert lazy.direct_import_sites(module, name) == direct.get((module, name), []), (module, name)
        expected = sorted({s.importer for s in sites.get((module, name), [])})
        assert lazy.importing_modules(module, name) == expected
    assert lazy._memo == reference._memo
    return len(sites)


@pytest.mark.parametrize("root", [*PROJECTS, EXAMPLE_DIR], ids=lambda p: p.name)
def test_sites_on_demand_equal_the_eager_pass_on_fixtures(root: Path) -> None:
    _agree(root, _facts(root))


_PACKAGES = ("pa", "pb")
_MODULES = ("m0", "m1", "m2")
_NAMES = ("Foo", "Bar", "Baz")


def _random_module(rng: random.Random, package: str) -> str:
    lines: list[str] = []
    for _ in range(rng.randint(1, 6)):
        name = rng.choice(_NAMES)
        other = rng.choice(_PACKAGES)
        module = rng.choice(_MODULES)
        kind = rng.randrange(9)
        if kind == 0:
            lines.append(f"class {name}:\n    pass")
        elif kind == 1:
            lines.append(f"from .{module} import {name}")
        elif kind == 2:
            lines.append(f"from .{module} import {name} as {rng.choice(_NAMES)}")
        elif kind == 3:
            lines.append(f"from {other}.{module} import *")
        elif kind == 4:
            lines.append(f"from {other} import {module}\n{rng.choice(_NAMES)} = {module}.{name}")
        elif kind == 5:
            lines.append(f"{rng.choice(_NAMES)} = {name}")
        elif kind == 6:
            lines.append(f"from {other} import {name}")
        elif kind == 7:
            lines.append(f"def f():\n    from {other}.{module} import {name}")
        else:
            lines.append(f"from . import {module} as mod\n{rng.choice(_NAMES)} = mod.{name}.Inner")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("seed", range(40))
def test_sites_on_demand_equal_the_eager_pass_on_random_projects(seed: int, tmp_path: Path) -> None:
    rng = random.Random(seed)
    files = {f"{p}/__init__.py": _random_module(rng, p) for p in _PACKAGES}
    files |= {f"{p}/{m}.py": _random_module(rng, p) for p in _PACKAGES for m in _MODULES}
    root = write_project(tmp_path / "p", files)
    assert _agree(root, _facts(root)) > 0
