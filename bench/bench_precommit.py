"""The pre-commit scenario on a 10,000-file project: warm runs, and runs with changed files.

    python bench/bench_precommit.py                  # synthetic10k (built by corpora.py)
    python bench/bench_precommit.py --changed 5 --repeat 3

A copy of the project is checked once to fill the cache. Then, each repetition:
1. ``ssotlint check`` with nothing changed (the warm run),
2. five files get a new trailing comment and ``ssotlint check FILE...`` runs on them, the
   way the pre-commit hook calls it (whole project analysed, findings touching the files),
3. the same hook call again with nothing changed since (a retried commit),
4. five other files each get a new module-level import of their top-level package (the
   imports, and so the import graph, change; some of these close new cycles) and the hook
   runs on them,
5. five other files each get a new class (what the duplicate rules read changes) and the
   hook runs on them,
6. five other files each get a new method in one of their classes (an existing class
   changes) and the hook runs on them,
7. five files each get a new method in a class that duplicates another (SSOT101: the
   duplicate rules must run again) and the hook runs on them.
Wall and CPU seconds (the process and its children) are printed as a table and written
to bench/out/precommit.json.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import corpora  # noqa: E402  (a sibling script, not a package)


def ssotlint() -> list[str]:
    exe = Path(sys.executable).parent / "ssotlint"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "ssotlint"]


CPU: dict[str, list[float]] = {}


def timed(cmd: list[str], cwd: Path, name: str = "") -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 1) or "internal error" in proc.stderr:
        raise SystemExit(f"ssotlint failed ({proc.returncode}): {proc.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    CPU.setdefault(name, []).append(cpu)
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", default="synthetic10k")
    parser.add_argument("--changed", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    source = corpora.prepare(args.corpus)
    with tempfile.TemporaryDirectory(prefix="ssotlint-precommit-") as tmp:
        root = Path(tmp) / args.corpus
        shutil.copytree(source, root)
        files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.py"))
        base = [*ssotlint(), "check", "--exit-zero", "-q", "--format", "concise"]
        fill = timed(base, root, "fill")
        members = _duplicates(root)
        rows: dict[str, list[float]] = {
            "warm, nothing changed": [],
            "hook, files changed": [],
            "hook, rerun": [],
            "hook, imports added": [],
            "hook, classes added": [],
            "hook, methods added": [],
            "hook, duplicates changed": [],
        }
        step = max(1, len(files) // (3 * args.changed * args.repeat + 1))
        picks = iter(files[i * step] for i in range(3 * args.changed * args.repeat))
        others = iter(files[i * step + step // 2] for i in range(3 * args.changed * args.repeat))
        for r in range(args.repeat):
            name = "warm, nothing changed"
            rows[name].append(timed(base, root, name))
            changed = [next(picks) for _ in range(args.changed)]
            for rel in changed:
                with open(root / rel, "a", encoding="utf-8") as fh:
                    fh.write(f"\n# edited in round {r}\n")
            for name in ("hook, files changed", "hook, rerun"):
                rows[name].append(timed([*base, *changed], root, name))
            changed = [next(picks) for _ in range(args.changed)]
            for rel in changed:
                with open(root / rel, "a", encoding="utf-8") as fh:
                    fh.write(f"\nimport {rel.split('/', 1)[0]}  # added in round {r}\n")
            name = "hook, imports added"
            rows[name].append(timed([*base, *changed], root, name))
            changed = [next(picks) for _ in range(args.changed)]
            for i, rel in enumerate(changed):
                with open(root / rel, "a", encoding="utf-8") as fh:
                    fh.write(f"\n\nclass AddedInRound{r}x{i}:\n    def handle(self, event):\n        return event\n")
            name = "hook, classes added"
            rows[name].append(timed([*base, *changed], root, name))
            changed = [_add_method(root, rel, r) for rel in _with_class(root, others, args.changed)]
            name = "hook, methods added"
            rows[name].append(timed([*base, *changed], root, name))
            changed = []
            while len(changed) < args.changed and members:
                rel, line = members.pop(0)
                if _add_method_at(root, rel, line, r):
                    changed.append(rel)
            if changed:
                name = "hook, duplicates changed"
                rows[name].append(timed([*base, *changed], root, name))

    print(f"{args.corpus}: {len(files)} files; cache filled in {fill:.2f} s; {args.changed} files changed per round")
    load = os.getloadavg()[0]
    print(f"load average at the end: {load:.1f}")
    print(f"{'scenario':<26} {'median s':>9} {'min s':>7} {'max s':>7} {'median CPU s':>13}")
    result = {"corpus": args.corpus, "files": len(files), "changed": args.changed, "fill": fill, "runs": rows, "cpu": CPU, "load": load}
    for name, values in rows.items():
        if not values:
            continue
        cpu = statistics.median(CPU[name])
        print(f"{name:<26} {statistics.median(values):>9.2f} {min(values):>7.2f} {max(values):>7.2f} {cpu:>13.2f}")
    out = BENCH / "out"
    out.mkdir(exist_ok=True)
    (out / "precommit.json").write_text(json.dumps(result, indent=2))
    return 0


_CLASS_LINE = re.compile(r"^class \w+.*:[ \t]*$", re.M)


def _method_added(text: str, r: int) -> str | None:
    """``text`` with a method at the top of its first class, if that still parses."""
    m = _CLASS_LINE.search(text)
    if m is None:
        return None
    edited = text[: m.end()] + f"\n    def added_in_round_{r}(self, value):\n        return value\n" + text[m.end() :]
    try:
        ast.parse(edited)
    except (SyntaxError, ValueError):
        return None
    return edited


def _with_class(root: Path, candidates: Iterator[str], count: int) -> list[str]:
    """The next ``count`` files of ``candidates`` with a class a method can be added to."""
    out: list[str] = []
    for rel in candidates:
        if _method_added((root / rel).read_text("utf-8", "replace"), 0) is not None:
            out.append(rel)
            if len(out) == count:
                break
    return out


def _duplicates(root: Path) -> list[tuple[str, int]]:
    """(path, line) of the classes the duplicate rules report, one per file, spread out."""
    proc = subprocess.run([*ssotlint(), "check", "--exit-zero", "--format", "json"], cwd=root, capture_output=True, text=True, check=False)
    seen: dict[str, int] = {}
    for d in json.loads(proc.stdout)["findings"]:
        if d["code"] == "SSOT101":
            seen.setdefault(d["path"], d["line"])
    found = sorted(seen.items())
    return found[:: max(1, len(found) // 40)]


def _add_method_at(root: Path, rel: str, line: int, r: int) -> bool:
    """Add a method to the class whose statement is on ``line``, if it still parses."""
    path = root / rel
    lines = path.read_text("utf-8", "replace").splitlines(keepends=True)
    head = lines[line - 1] if 0 < line <= len(lines) else ""
    if not _CLASS_LINE.match(head.rstrip("\r\n")):
        return False
    lines.insert(line, f"    def added_in_round_{r}(self, value):\n        return value\n")
    edited = "".join(lines)
    try:
        ast.parse(edited)
    except (SyntaxError, ValueError):
        return False
    path.write_text(edited, "utf-8")
    return True


def _add_method(root: Path, rel: str, r: int) -> str:
    path = root / rel
    edited = _method_added(path.read_text("utf-8", "replace"), r)
    assert edited is not None
    path.write_text(edited, "utf-8")
    return rel


if __name__ == "__main__":
    raise SystemExit(main())
