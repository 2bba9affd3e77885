"""`ssotlint fix` on a generated project against the cold `check` of the same project.

    python bench/bench_fix.py                                   # 500 importers, 20 aliases, 10,000 files
    python bench/bench_fix.py --importers 200 --aliases 10 --files 1000 --repeat 3

The project (tests/fixgen.py) has one declared concept whose canonical class is private and
published under a public name, aliases of it in compat modules, and importers that use them
every way Python allows (`from X import a`, `from X import submodule, a`, `import X` then
`X.a`, under `TYPE_CHECKING`, re-exported through `__all__`), plus unrelated modules up to
``--files``. Each repetition, on a fresh copy:

1. ``ssotlint check --no-cache`` (cold),
2. ``ssotlint fix --diff --no-cache`` (the whole fix, nothing written),
3. libcst parsing every file the diff touches, once each, in this process (the floor the
   target is stated against: "within 2x the cold check plus libcst parsing of the touched
   files"),
4. ``ssotlint fix --no-cache`` (writes, checks again), then ``fix --diff`` again, which must
   print nothing.
Wall seconds are printed as a table and written to bench/out/fix.json with the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))

from tests.fixgen import generate  # noqa: E402  (the generator the tests use)


def ssotlint() -> list[str]:
    exe = Path(sys.executable).parent / "ssotlint"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "ssotlint"]


def timed(args: list[str], cwd: Path) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.perf_counter()
    proc = subprocess.run([*ssotlint(), *args], cwd=cwd, capture_output=True, text=True, check=False)
    return time.perf_counter() - started, proc


def parse_touched(root: Path, diff: str) -> tuple[float, int]:
    import libcst as cst

    touched = sorted(set(re.findall(r"^\+\+\+ b/(.+)$", diff, re.MULTILINE)))
    datas = [(root / rel).read_bytes() for rel in touched]
    started = time.perf_counter()
    for data in datas:
        cst.parse_module(data)
    return time.perf_counter() - started, len(touched)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--importers", type=int, default=500)
    parser.add_argument("--aliases", type=int, default=20)
    parser.add_argument("--files", type=int, default=10_000, help="total files, unrelated modules included")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()

    base = Path(tempfile.mkdtemp(prefix="ssotlint-bench-fix-"))
    template = base / "template"
    filler = max(0, args.files - args.importers - args.aliases - 8)
    generate(template, importers=args.importers, aliases=args.aliases, filler=filler)
    files = sum(1 for _ in template.rglob("*.py"))
    rounds = []
    try:
        for _ in range(args.repeat):
            root = base / "run"
            shutil.rmtree(root, ignore_errors=True)
            shutil.copytree(template, root)
            load = os.getloadavg()[0]
            check_s, _ = timed(["check", "--no-cache", "-q"], root)
            diff_s, diff = timed(["fix", "--diff", "--no-cache"], root)
            parse_s, touched = parse_touched(root, diff.stdout)
            write_s, done = timed(["fix", "--no-cache"], root)
            _, again = timed(["fix", "--diff", "--no-cache"], root)
            rounds.append(
                {
                    "load": round(load, 2),
                    "check": round(check_s, 2),
                    "fix_diff": round(diff_s, 2),
                    "parse_touched": round(parse_s, 2),
                    "touched": touched,
                    "fix_write": round(write_s, 2),
                    "fix_exit": done.returncode,
                    "second_run_changes": again.stdout.count("+++ b/"),
                    "ratio": round(diff_s / (2 * check_s + parse_s), 2),
                }
            )
    finally:
        shutil.rmtree(base, ignore_errors=True)
    print(f"{files} files, {args.importers} importers of {args.aliases} aliases (x2: one module each and one shared)")
    print("| load | check --no-cache s | fix --diff s | libcst parse of touched s | touched | fix (write + re-check) s | fix / (2 check + parse) | 2nd run changes |")
    print("|--:|--:|--:|--:|--:|--:|--:|--:|")
    for r in rounds:
        print(
            f"| {r['load']} | {r['check']} | {r['fix_diff']} | {r['parse_touched']} | {r['touched']} | {r['fix_write']} "
            f"| {r['ratio']} | {r['second_run_changes']} |"
        )
    if len(rounds) > 1:
        print(f"median fix --diff / check: {statistics.median(r['fix_diff'] / r['check'] for r in rounds):.2f}")
    out = BENCH / "out"
    out.mkdir(exist_ok=True)
    (out / "fix.json").write_text(json.dumps({"files": files, "args": vars(args), "rounds": rounds}, indent=2) + "\n")


if __name__ == "__main__":
    main()
