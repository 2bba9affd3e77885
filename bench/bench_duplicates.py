"""Benchmark of duplicate detection (SSOT101-SSOT104) on a generated 50,000-class project.

    python bench/bench_duplicates.py                   # 50,000 classes, 5 per module
    python bench/bench_duplicates.py --classes 10000   # smaller
    python bench/bench_duplicates.py --keep /tmp/p     # keep the generated project

The project is written to a temporary folder: 10,000 modules in 100 packages, each with
five classes (implementations with 3-8 public methods, plus enums, protocols, ABCs,
exceptions, validators and mocks), a factory, constants and imports of classes from other
modules. About 1% of the classes reuse a name from another module, another 1% copy the
interface of another class, and 5% of the constants disagree, so the rules have real work
to do. Every class also shares a few very common method names (``run``, ``close``...),
which is what makes naive pairwise comparison quadratic.

Measured, each on a fresh project index built from the extracted facts:

- extraction: parsing and walking every file with all collectors (``--jobs`` workers),
  and the share of the walk spent in the duplicate collector (single process);
- discovery: symbol table, roles of every class and concept grouping (also once with the
  loaded facts frozen out of the garbage collector's generations, ``gc.freeze()``);
- rules: SSOT101-SSOT104 on top of discovery;
- peak memory of discovery + rules (tracemalloc, a separate run) and peak RSS.
"""

from __future__ import annotations

import argparse
import ast
import gc
import os
import platform
import random
import resource
import shutil
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from ssotlint.cache import FactsCache
from ssotlint.config import load_config
from ssotlint.discovery import discover
from ssotlint.engine import collect_facts
from ssotlint.facts.classes import ClassCollector
from ssotlint.facts.imports import ImportCollector
from ssotlint.facts.parse import decode_source
from ssotlint.facts.walker import SourceText, Walker
from ssotlint.index.project import ProjectIndex
from ssotlint.rules.duplicates import (
    CompatAlias,
    ConflictingConstant,
    DuplicateFactory,
    DuplicateImplementation,
)

COMMON = ("run", "close", "start", "stop", "get", "reset", "flush", "open", "load", "save")
WORDS = (
    "Socket", "Session", "User", "Order", "Invoice", "Report", "Cache", "Queue", "Event", "Token",
    "Agent", "Tool", "Thread", "Message", "Channel", "Stream", "Payment", "Search", "Index", "Schema",
)  # fmt: skip
SUFFIXES = ("Manager", "Service", "Client", "Handler", "Registry", "Store", "Builder", "Worker")
CLASSES_PER_MODULE = 5
MODULES_PER_PACKAGE = 100


def class_name(i: int) -> str:
    return f"{WORDS[i % 20]}{WORDS[(i // 20) % 20]}{SUFFIXES[(i // 400) % 8]}{i}"


def generate(root: Path, classes: int, seed: int = 7) -> dict[str, int]:
    rng = random.Random(seed)
    modules = classes // CLASSES_PER_MODULE
    (root / "pyproject.toml").write_text('[tool.ssotlint]\nsrc = ["src"]\n', "utf-8")
    interfaces: dict[int, list[tuple[str, int]]] = {}
    names: dict[int, str] = {}
    stats = {"modules": modules, "classes": 0, "same_name": 0, "same_interface": 0, "special": 0}
    for m in range(modules):
        pkg, mod = divmod(m, MODULES_PER_PACKAGE)
        folder = root / "src" / f"pkg{pkg}"
        if mod == 0:
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "__init__.py").write_text("", "utf-8")
        lines = [
            '"""Generated module."""',
            "import enum",
            "from abc import ABC, abstractmethod",
            "from typing import Protocol",
            "",
        ]
        for _ in range(3):
            other = rng.randrange(max(1, m))
            if other != m and other in names:
                lines.append(f"from pkg{other // MODULES_PER_PACKAGE}.m{other % MODULES_PER_PACKAGE} import {names[other]}")
        lines.append(f"TIMEOUT_{m % 500} = {30 if rng.random() > 0.05 else 60}")
        lines.append(f'SERVICE_URL_{m} = "https://svc{m}.internal"')
        lines.append("")
        for k in range(CLASSES_PER_MODULE):
            i = m * CLASSES_PER_MODULE + k
            stats["classes"] += 1
            roll = rng.random()
            if k == 4 and roll < 0.5:
                stats["special"] += 1
                lines += _special(i, rng)
                continue
            name = class_name(i)
            if i > 100 and rng.random() < 0.01:
                name = class_name(rng.randrange(i - 100))
                stats["same_name"] += 1
            if i > 100 and rng.random() < 0.01:
                methods = interfaces[rng.choice(list(interfaces)[-50:])]
                stats["same_interface"] += 1
            else:
                own = [(f"do_{i}_{n}", rng.randrange(4)) for n in range(rng.randrange(1, 6))]
                methods = own + [(c, 1) for c in rng.sample(COMMON, 3)]
            interfaces[i] = methods
            lines.append(f"class {name}:")
            lines.append(f'    """Class {i}."""')
            lines.append("    def __init__(self):")
            lines.append("        self.items = {}")
            for meth, arity in methods:
                params = "".join(f", a{p}" for p in range(arity))
                lines.append(f"    def {meth}(self{params}):")
                lines.append(f"        return self.items.get({meth!r})")
            lines.append("")
            if k == 0:
                names[m] = name
        lines.append(f"def make_{m}():")
        lines.append(f"    return {names.get(m, 'dict')}()")
        lines.append("")
        (folder / f"m{mod}.py").write_text("\n".join(lines), "utf-8")
    return stats


def _special(i: int, rng: random.Random) -> list[str]:
    kind = i % 5
    if kind == 0:
        return [f"class Mode{i}(enum.Enum):", "    A = 1", "    B = 2", ""]
    if kind == 1:
        return [f"class Port{i}(Protocol):", "    def run(self, a0): ...", "    def close(self, a0): ...", ""]
    if kind == 2:
        return [f"class Base{i}(ABC):", "    @abstractmethod", "    def run(self, a0): ...", ""]
    if kind == 3:
        return [f"class Failure{i}(RuntimeError):", "    pass", ""]
    return [f"class Item{i}Validator:", "    def validate(self, a0):", "        return True", ""]


def _timed(fn):  # type: ignore[no-untyped-def]
    """(value, wall seconds, CPU seconds of this process and its finished children)."""

    def cpu() -> float:
        me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime

    start, start_cpu = time.perf_counter(), cpu()
    value = fn()
    return value, time.perf_counter() - start, cpu() - start_cpu


def walk_costs(paths: list[Path]) -> tuple[int, float, float]:
    """CPU seconds to walk ~2,000 parsed files with the import collector alone, then with both."""
    trees = []
    for path in paths[:: max(1, len(paths) // 2000)]:
        text = decode_source(path.read_bytes())
        trees.append((SourceText(text), ast.parse(text)))
    _, _, imports_only = _timed(lambda: [Walker([ImportCollector(t)], t.text).run(tree) for t, tree in trees])
    _, _, both = _timed(lambda: [Walker([ImportCollector(t), ClassCollector(t)], t.text).run(tree) for t, tree in trees])
    return len(trees), imports_only, both


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--classes", type=int, default=50_000)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--keep", type=Path, default=None, help="generate here and keep the project")
    args = parser.parse_args()

    root = args.keep or Path(tempfile.mkdtemp(prefix="ssotlint-dups-"))
    root.mkdir(parents=True, exist_ok=True)
    try:
        stats, t_gen, _ = _timed(lambda: generate(root, args.classes))
        config = load_config(root)
        files = discover(config)
        cache = FactsCache(root / ".cache", config.extraction_key(), enabled=False)
        (facts, _), t_extract, c_extract = _timed(lambda: collect_facts(files, cache, args.jobs))

        # Share of the single-process walk spent in the duplicate collector.
        walked, t_imports_only, t_both = walk_costs([f.path for f in files])
        gc.collect()

        def discovery(index: ProjectIndex) -> int:
            for c in index.symbols.classes.values():
                index.symbols.role(c)
            return len(index.concepts.concepts)

        rules = (DuplicateImplementation, CompatAlias, DuplicateFactory, ConflictingConstant)

        def run_rules(index: ProjectIndex) -> dict[str, int]:
            return {r.code: sum(1 for _ in r().check(index)) for r in rules}

        index = ProjectIndex(config, facts)
        concepts, t_discovery, c_discovery = _timed(lambda: discovery(index))
        counts, t_rules, c_rules = _timed(lambda: run_rules(index))
        compared = index.concepts.compared_pairs
        n_classes = len(index.symbols.classes)

        # The same on a fresh index once the facts are moved out of the collector's sight:
        # what an engine calling gc.freeze() after loading facts would see.
        gc.collect()
        gc.freeze()
        _, _, c_frozen = _timed(lambda: discovery(ProjectIndex(config, facts)))
        gc.unfreeze()

        tracemalloc.start()
        fresh = ProjectIndex(config, facts)
        discovery(fresh)
        run_rules(fresh)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

        rows = [
            ("files", f"{len(files):,}"),
            ("classes (in facts)", f"{n_classes:,}"),
            (
                "planted: same name / same interface / non-implementations",
                f"{stats['same_name']} / {stats['same_interface']} / {stats['special']}",
            ),
            ("generate project", f"{t_gen:.2f} s"),
            (f"extract facts (all collectors, {args.jobs} jobs): wall / CPU", f"{t_extract:.2f} s / {c_extract:.2f} s"),
            (
                "walk, CPU: imports only / + duplicate collector",
                f"{t_imports_only * 1000 / walked:.3f} / {t_both * 1000 / walked:.3f} ms per file",
            ),
            ("discovery (symbols, roles, concepts): wall / CPU", f"{t_discovery:.2f} s / {c_discovery:.2f} s"),
            ("discovery CPU with gc.freeze() after loading facts", f"{c_frozen:.2f} s"),
            ("interface comparisons", f"{compared:,}"),
            ("concepts found", f"{concepts:,}"),
            ("rules SSOT101-104: wall / CPU", f"{t_rules:.2f} s / {c_rules:.2f} s"),
            ("findings", ", ".join(f"{k} {v}" for k, v in counts.items())),
            ("peak traced memory, discovery + rules", f"{peak / 2**20:.1f} MiB"),
            ("peak RSS of the process", f"{rss_mb:.0f} MiB"),
        ]
        width = max(len(r[0]) for r in rows)
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(
            f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"{platform.system()} {platform.machine()}, load average {load}"
        )
        print(f"{'measure'.ljust(width)} | value")
        print(f"{'-' * width}-|------")
        for label, value in rows:
            print(f"{label.ljust(width)} | {value}")
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
