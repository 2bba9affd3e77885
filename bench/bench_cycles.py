"""Time ssotlint against stdlib ast.parse, pylint's cyclic-import and grimp on real code.

    /tmp/venv-bench/bin/python bench/bench_cycles.py                  # every corpus
    /tmp/venv-bench/bin/python bench/bench_cycles.py django sympy     # some
    ... --pylint-runs 3 --pylint-timeout 1800 --warm-repeat 5

Run it with the interpreter that has ssotlint installed. The peers (pinned in
bench/requirements.txt) live in their own virtualenv, created on first use
(``--peers-venv``, default /tmp/venv-peers). For each corpus, in one run:

* ssotlint cold (``--no-cache``, default jobs), with ``--jobs 1``, and warm (cache filled
  by a previous run, nothing changed: median of ``--warm-repeat`` runs);
* the baseline: read + ``ast.parse`` of the same files, one process, same interpreter;
* ``pylint --disable=all --enable=cyclic-import -j 1`` (``--pylint-runs`` times, each with
  a different PYTHONHASHSEED, to show how its cycle list varies), with a timeout;
* cold and the baseline are run ``--cold-repeat`` times, alternately, keeping the fastest
  of each (the machine may be shared);
* ``grimp.build_graph`` cold (no cache) and warm (its cache filled);
* peak memory: the largest process (rusage from wait4) and the whole process tree
  (sum of RSS sampled every 50 ms, which catches worker processes).

It prints a table and writes everything, including the cycle comparison with pylint, to
``bench/out/bench-<UTC time>.json`` and ``bench/out/latest.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpora

BENCH = Path(__file__).resolve().parent
OUT = BENCH / "out"
REQUIREMENTS = BENCH / "requirements.txt"
PAGE = os.sysconf("SC_PAGE_SIZE")

AST_SCRIPT = r"""
import ast, json, os, sys, time, warnings
warnings.simplefilter("ignore")
root = sys.argv[1]
paths = []
for folder, dirs, names in os.walk(root):
    dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
    paths.extend(os.path.join(folder, n) for n in sorted(names) if n.endswith(".py"))
start = time.perf_counter()
size = errors = 0
for p in paths:
    with open(p, "rb") as fh:
        data = fh.read()
    size += len(data)
    try:
        ast.parse(data)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        errors += 1
print(json.dumps({"files": len(paths), "bytes": size, "errors": errors, "inner": time.perf_counter() - start}))
"""

GRIMP_SCRIPT = r"""
import json, sys, time
import grimp
packages = sys.argv[1].split(",")
cache = sys.argv[2] or None
start = time.perf_counter()
graph = grimp.build_graph(*packages, cache_dir=cache, exclude_type_checking_imports=True)
inner = time.perf_counter() - start
print(json.dumps({"modules": len(graph.modules), "imports": graph.count_imports(), "inner": inner}))
"""

CYCLE_LINE = re.compile(r"Cyclic import \((?P<chain>[^)]*)\)")


# --- measuring a child process ----------------------------------------------------------------


@dataclass
class Measure:
    seconds: float
    peak_mb: float  # the largest single process (ru_maxrss of the child and its children)
    tree_mb: float  # the sampled sum over the process tree
    returncode: int
    cpu_s: float = 0.0  # user + system time of the process and every child it waited for
    load: float = 0.0  # 1-minute load average when it started (other work on the machine)
    timed_out: bool = False
    stdout: str = field(default="", repr=False)
    stderr: str = field(default="", repr=False)


def _tree_rss(pid: int) -> int:
    total = 0
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/statm") as fh:
                total += int(fh.read().split()[1]) * PAGE
            with open(f"/proc/{p}/task/{p}/children") as fh:
                todo.extend(int(c) for c in fh.read().split())
        except (OSError, ValueError):
            continue
    return total


# GNU time reports the peak RSS of the command itself. The rusage of a child of this
# process would not do: Linux keeps the peak of the pre-exec copy of a forked child, so
# every measured tool would seem at least as large as this (growing) benchmark process.
GNU_TIME = "/usr/bin/time"


def measure(cmd: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: float | None = None) -> Measure:
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile("r") as usage_file:
        timed = Path(GNU_TIME).is_file()
        if timed:
            cmd = [GNU_TIME, "-f", "%M %U %S", "-o", usage_file.name, *cmd]
        load = os.getloadavg()[0]
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=err, start_new_session=True)
        peak_tree = 0
        stop = threading.Event()

        def sample() -> None:
            nonlocal peak_tree
            while not stop.wait(0.05):
                peak_tree = max(peak_tree, _tree_rss(proc.pid))

        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        timer = threading.Timer(timeout, kill) if timeout else None
        if timer:
            timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        stop.set()
        if timer:
            timer.cancel()
        sampler.join()
        out.seek(0)
        err.seek(0)
        maxrss_kb, cpu = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
        if timed:
            try:
                fields = usage_file.read().split()[-3:]
                maxrss_kb, cpu = int(fields[0]), float(fields[1]) + float(fields[2])
            except (ValueError, IndexError):  # killed before time could write: keep the rusage
                pass
        return Measure(
            seconds=seconds,
            peak_mb=maxrss_kb / 1024,
            tree_mb=max(peak_tree, maxrss_kb * 1024) / 2**20,
            returncode=proc.returncode,
            cpu_s=cpu,
            load=load,
            timed_out=timed_out.is_set(),
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
        )


# --- environment ------------------------------------------------------------------------------


def ensure_peers(venv: Path) -> Path:
    """The peers' interpreter, with bench/requirements.txt installed (once)."""
    python = venv / "bin" / "python"
    stamp = venv / ".bench-requirements"
    wanted = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    if python.exists() and stamp.is_file() and stamp.read_text().strip() == wanted:
        return python
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", "-r", str(REQUIREMENTS)],
        check=True,
    )
    stamp.write_text(wanted + "\n")
    return python


def machine() -> dict[str, Any]:
    info: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "nproc": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["ram_gib"] = round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    return info


def versions(peers: Path) -> dict[str, str]:
    import ssotlint

    out = subprocess.run(
        [str(peers), "-c", "import importlib.metadata as m; print(m.version('pylint'), m.version('astroid'), m.version('grimp'))"],
        capture_output=True, text=True, check=True,
    ).stdout.split()
    return {"ssotlint": ssotlint.__version__, "pylint": out[0], "astroid": out[1], "grimp": out[2]}


def corpus_size(root: Path, packages: list[str]) -> tuple[int, int]:
    files = size = 0
    for package in packages:
        for p in (root / package).rglob("*.py"):
            if "__pycache__" not in p.parts:
                files += 1
                size += p.stat().st_size
    return files, size


def packages_of(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.is_dir() and (p / "__init__.py").is_file())


# --- the tools --------------------------------------------------------------------------------


#: Extra options for every ssotlint run (``--select``, from the command line).
SSOTLINT_EXTRA: list[str] = []


def ssotlint_cmd(root: Path, out: Path, *extra: str) -> list[str]:
    return [
        sys.executable, "-m", "ssotlint", "check", "--format", "json", "-o", str(out),
        "--exit-zero", "-q", "--no-progress", *SSOTLINT_EXTRA, *extra, str(root),
    ]


def ssotlint_internal_errors(m: Measure) -> list[str]:
    return [line for line in m.stderr.splitlines() if "internal error" in line or "Traceback" in line]


def run_cold(root: Path, name: str, repeat: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """ssotlint cold and the ast.parse baseline, alternately, so both meet the same load.

    The fastest run of each is kept (the one least disturbed by other work).
    """
    colds: list[Measure] = []
    asts: list[Measure] = []
    for _ in range(repeat):
        colds.append(measure(ssotlint_cmd(root, OUT / f"ssotlint-{name}.json", "--no-cache"), root))
        asts.append(measure([sys.executable, "-c", AST_SCRIPT, str(root)], root))
    cold = min(colds, key=lambda m: m.seconds)
    base = min(asts, key=lambda m: m.seconds)
    return (
        {"cold": cold, "cold_all": [round(m.seconds, 3) for m in colds]},
        {"measure": base, "all": [round(m.seconds, 3) for m in asts], **json.loads(base.stdout)},
    )


def run_ssotlint(root: Path, name: str, warm_repeat: int, cold: dict[str, Any]) -> dict[str, Any]:
    res: dict[str, Any] = dict(cold)
    res["jobs1"] = measure(ssotlint_cmd(root, OUT / f"ssotlint-{name}-j1.json", "--no-cache", "--jobs", "1"), root)
    shutil.rmtree(root / ".ssotlint_cache", ignore_errors=True)
    res["fill"] = measure(ssotlint_cmd(root, OUT / f"ssotlint-{name}-fill.json"), root)
    warm = [measure(ssotlint_cmd(root, OUT / f"ssotlint-{name}-warm.json"), root) for _ in range(warm_repeat)]
    warm.sort(key=lambda w: w.seconds)
    res["warm"] = warm[len(warm) // 2]
    res["warm_all"] = [w.seconds for w in warm]
    outputs = {k: (OUT / f"ssotlint-{name}{s}.json").read_bytes() for k, s in (("cold", ""), ("jobs1", "-j1"), ("fill", "-fill"), ("warm", "-warm"))}
    res["identical_outputs"] = len(set(outputs.values())) == 1
    res["internal_errors"] = sorted({e for k in ("cold", "jobs1", "fill", "warm") for e in ssotlint_internal_errors(res[k])})
    return res


def run_pylint(peers: Path, root: Path, packages: list[str], runs: int, timeout: float) -> list[dict[str, Any]]:
    rc = OUT / "empty-pylintrc"
    rc.write_text("")
    out = []
    for i in range(runs):
        env = {**os.environ, "PYTHONHASHSEED": str(i + 1)}
        cmd = [
            str(peers), "-m", "pylint", "--disable=all", "--enable=cyclic-import", "-j", "1", "--persistent=n",
            f"--rcfile={rc}", "--score=n", "--msg-template={msg}", *packages,
        ]
        m = measure(cmd, root, env=env, timeout=timeout)
        cycles = [tuple(x.strip() for x in mm.group("chain").split("->")) for mm in CYCLE_LINE.finditer(m.stdout)]
        out.append({"measure": m, "seed": i + 1, "cycles": cycles})
        (OUT / f"pylint-{root.name}-seed{i + 1}.txt").write_text(m.stdout)
    return out


def run_grimp(peers: Path, root: Path, packages: list[str], name: str) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    cache = OUT / "grimp-cache" / name
    shutil.rmtree(cache, ignore_errors=True)
    res: dict[str, Any] = {}
    for label, cache_dir in (("cold", ""), ("fill", str(cache)), ("warm", str(cache))):
        m = measure([str(peers), "-c", GRIMP_SCRIPT, ",".join(packages), cache_dir], root, env=env)
        res[label] = m
        if m.returncode == 0:
            res[f"{label}_info"] = json.loads(m.stdout.strip().splitlines()[-1])
        else:
            res[f"{label}_error"] = (m.stderr.strip().splitlines() or ["?"])[-1]
    return res


# --- comparing cycles with pylint -------------------------------------------------------------


def _norm(cycle: tuple[str, ...]) -> tuple[str, ...]:
    i = cycle.index(min(cycle))
    return cycle[i:] + cycle[:i]


def compare_cycles(root: Path, findings_json: Path, pylint_runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Map pylint's cycles onto ssotlint's components and explain each difference."""
    from ssotlint.config import load_config
    from ssotlint.engine import RunOptions, run

    findings = json.loads(findings_json.read_text())["findings"]
    comps = {
        code: [tuple(f["data"]["modules"]) for f in findings if f["code"] == code]
        for code in ("SSOT201", "SSOT202")
    }
    result = run(load_config(root), RunOptions(select=("SSOT201",)))
    kinds: dict[tuple[str, str], set[str]] = defaultdict(set)
    direct: dict[tuple[str, str], set[str]] = defaultdict(set)
    for e in result.index.imports.edges:
        kinds[(e.importer, e.imported)].add(e.kind)
        if not e.implicit:
            direct[(e.importer, e.imported)].add(e.kind)
    modules = result.index.modules

    per_run = [sorted({_norm(c) for c in r["cycles"]}) for r in pylint_runs]
    every = sorted(set().union(*map(set, per_run))) if per_run else []
    in_all = set.intersection(*map(set, per_run)) if per_run else set()

    member_of: dict[str, dict[str, int]] = {code: {} for code in comps}
    for code, cs in comps.items():
        for i, c in enumerate(cs):
            for m in c:
                member_of[code][m] = i

    categories: Counter[str] = Counter()
    examples: dict[str, list[str]] = defaultdict(list)
    covered: dict[str, set[int]] = {code: set() for code in comps}
    missing_edges: Counter[tuple[str, str]] = Counter()
    unknown_modules: Counter[str] = Counter()
    for cyc in every:
        steps = list(zip(cyc, cyc[1:] + cyc[:1], strict=True))
        step_kinds = []
        for u, v in steps:
            k = kinds.get((u, v), set())
            if "import-time" in k:
                step_kinds.append("import-time")
            elif "deferred" in k:
                step_kinds.append("deferred")
            elif "typing-only" in k:
                step_kinds.append("typing-only")
            elif u not in modules or v not in modules:
                unknown = u if u not in modules else v
                stub = root / (unknown.replace(".", "/") + ".pyi")
                step_kinds.append("stub-only-module" if stub.is_file() else "unknown-module")
                unknown_modules[unknown] += 1
            else:
                step_kinds.append("none")
                missing_edges[(u, v)] += 1
        owners201 = {member_of["SSOT201"].get(m) for m in cyc}
        owners202 = {member_of["SSOT202"].get(m) for m in cyc}
        if len(owners201) == 1 and None not in owners201:
            covered["SSOT201"].add(owners201.pop())
            cat = "import-time cycle, inside an SSOT201 component" if set(step_kinds) == {"import-time"} else (
                "cycle through a function-level import, inside an SSOT201 component (the import-time part is already cyclic)"
            )
        elif len(owners202) == 1 and None not in owners202:
            covered["SSOT202"].add(owners202.pop())
            cat = "cycle through a function-level import: SSOT202"
        elif "stub-only-module" in step_kinds:
            cat = "pylint follows the imports of a .pyi stub of a compiled module (stubs never run)"
        elif "typing-only" in step_kinds:
            cat = "pylint counts a typing-only import (under if TYPE_CHECKING)"
        elif "none" in step_kinds or "unknown-module" in step_kinds:
            cat = "pylint has an import ssotlint does not (see missing_edges)"
        else:
            cat = "other"
        categories[cat] += 1
        if len(examples[cat]) < 3:
            examples[cat].append(" -> ".join((*cyc, cyc[0])) + "  [" + ", ".join(step_kinds) + "]")

    # ssotlint components no pylint cycle falls into: does the component need __init__ edges?
    uncovered: dict[str, list[dict[str, Any]]] = {}
    for code, cs in comps.items():
        wanted = {"SSOT201": {"import-time"}, "SSOT202": {"import-time", "deferred"}}[code]
        rows = []
        for i, c in enumerate(cs):
            if i in covered[code]:
                continue
            members = set(c)
            explicit_cyclic = _has_cycle(members, {k for k, v in direct.items() if v & wanted})
            reason = (
                "pylint's DFS did not report it (the component is cyclic through plain imports too)"
                if explicit_cyclic
                else "needs the implicit edges to package __init__ modules, which pylint does not model"
            )
            rows.append({"modules": len(c), "first": c[0], "reason": reason})
        uncovered[code] = rows

    return {
        "pylint_messages_per_run": [len(r["cycles"]) for r in pylint_runs],
        "pylint_distinct_cycles_per_run": [len(r) for r in per_run],
        "pylint_distinct_cycles_all_runs": len(every),
        "pylint_cycles_in_every_run": len(in_all),
        "pylint_modules_in_cycles_per_run": [len({m for c in r for m in c}) for r in per_run],
        "ssotlint_components": {code: len(cs) for code, cs in comps.items()},
        "ssotlint_modules_in_components": {code: len({m for c in cs for m in c}) for code, cs in comps.items()},
        "ssotlint_components_with_a_pylint_cycle": {code: len(v) for code, v in covered.items()},
        "pylint_cycle_categories": dict(categories.most_common()),
        "examples": dict(examples),
        "missing_edges": [f"{u} -> {v}" for (u, v), _ in missing_edges.most_common(20)],
        "modules_ssotlint_does_not_know": dict(unknown_modules.most_common(20)),
        "ssotlint_components_without_pylint_cycle": {
            code: dict(Counter(r["reason"] for r in rows)) for code, rows in uncovered.items()
        },
        "uncovered_examples": {code: rows[:5] for code, rows in uncovered.items()},
    }


def _has_cycle(members: set[str], edges: set[tuple[str, str]]) -> bool:
    """Is ``members`` one strongly connected component with these edges alone?"""
    succ: dict[str, set[str]] = defaultdict(set)
    pred: dict[str, set[str]] = defaultdict(set)
    for u, v in edges:
        if u in members and v in members and u != v:
            succ[u].add(v)
            pred[v].add(u)
    start = min(members)

    def reach(adj: dict[str, set[str]]) -> set[str]:
        seen = {start}
        todo = [start]
        while todo:
            for n in adj[todo.pop()]:
                if n not in seen:
                    seen.add(n)
                    todo.append(n)
        return seen

    return reach(succ) == members and reach(pred) == members


# --- the run ----------------------------------------------------------------------------------


def mbps(size: int, seconds: float | None) -> float | None:
    return round(size / seconds / 1e6, 2) if seconds else None


def row(corpus: str, tool: str, m: Measure | None, size: int, files: int, note: str = "") -> dict[str, Any]:
    if m is None:
        return {"corpus": corpus, "tool": tool, "seconds": None, "cpu_s": None, "mb_s": None, "files": files,
                "peak_mb": None, "tree_mb": None, "load": None, "note": note}
    if m.timed_out:
        note = (note + " " if note else "") + "TIMED OUT"
    elif m.returncode not in (0,) and not tool.startswith("pylint"):
        note = (note + " " if note else "") + f"exit {m.returncode}"
    return {
        "corpus": corpus, "tool": tool, "seconds": round(m.seconds, 3), "cpu_s": round(m.cpu_s, 3),
        "mb_s": mbps(size, m.seconds), "files": files, "peak_mb": round(m.peak_mb, 1),
        "tree_mb": round(m.tree_mb, 1), "load": round(m.load, 1), "note": note,
    }


def print_table(rows: list[dict[str, Any]]) -> None:
    head = (
        f"{'corpus':13} {'tool':24} {'seconds':>9} {'CPU s':>8} {'MB/s':>7} {'files':>6} {'peak MB':>8} "
        f"{'tree MB':>8} {'load':>5}  note"
    )
    print(head)
    print("-" * len(head))
    for r in rows:
        secs = f"{r['seconds']:.2f}" if r["seconds"] is not None else "-"
        cpu = f"{r['cpu_s']:.2f}" if r["cpu_s"] is not None else "-"
        load = f"{r['load']:.1f}" if r["load"] is not None else "-"
        speed = f"{r['mb_s']:.2f}" if r["mb_s"] is not None else "-"
        peak = f"{r['peak_mb']:.0f}" if r["peak_mb"] is not None else "-"
        tree = f"{r['tree_mb']:.0f}" if r["tree_mb"] is not None else "-"
        print(
            f"{r['corpus']:13} {r['tool']:24} {secs:>9} {cpu:>8} {speed:>7} {r['files']:>6} {peak:>8} "
            f"{tree:>8} {load:>5}  {r['note']}"
        )


def targets(corpus: str, res: dict[str, Any], size: int) -> dict[str, Any]:
    s = res["ssotlint"]
    t: dict[str, Any] = {}
    cold = s["cold"].seconds
    if res.get("pylint"):
        py = res["pylint"][0]["measure"]
        ratio = py.seconds / cold
        t["cold_vs_pylint"] = {"ratio": round(ratio, 1), "target": ">= 30", "pass": ratio >= 30 and not py.timed_out,
                               "note": "pylint timed out: ratio is a lower bound" if py.timed_out else ""}
    base = res["ast_parse"]["measure"].seconds
    t["cold_vs_ast_parse"] = {"ssotlint_s": round(cold, 2), "ast_parse_s": round(base, 2), "pass": cold <= base}
    warm = s["warm"].seconds
    t["warm"] = {"seconds": round(warm, 3), "files": res["files"], "target": "<= 1 s on 10,000 files",
                 "pass": warm <= 1.0 if res["files"] >= 10_000 else None}
    peak = max(s[k].tree_mb for k in ("cold", "jobs1", "fill", "warm"))
    t["memory"] = {"peak_tree_mb": round(peak, 1), "target": "<= 1024", "pass": peak <= 1024}
    return t


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("names", nargs="*", help=f"corpora (default: {', '.join(corpora.ALL_NAMES)})")
    parser.add_argument("--peers-venv", type=Path, default=Path("/tmp/venv-peers"))
    parser.add_argument("--pylint-runs", type=int, default=2, help="pylint runs per corpus (0: skip pylint)")
    parser.add_argument("--pylint-timeout", type=float, default=1800.0, help="seconds per pylint run")
    parser.add_argument("--pylint-on-synthetic", action="store_true", help="also run pylint on synthetic10k and real10k")
    parser.add_argument("--no-grimp", action="store_true")
    parser.add_argument("--select", help="rules for every ssotlint run, e.g. SSOT2,SSOT9 (the engine and cycle rules)")
    parser.add_argument("--warm-repeat", type=int, default=3, help="warm runs (the median is kept)")
    parser.add_argument("--cold-repeat", type=int, default=3, help="cold and ast.parse runs (the fastest is kept)")
    args = parser.parse_args(argv)
    if args.select:
        SSOTLINT_EXTRA[:] = ["--select", args.select]
    names = args.names or list(corpora.ALL_NAMES)
    unknown = [n for n in names if n not in corpora.ALL_NAMES]
    if unknown:
        parser.error(f"unknown corpus {', '.join(unknown)}")

    OUT.mkdir(parents=True, exist_ok=True)
    peers = ensure_peers(args.peers_venv)
    report: dict[str, Any] = {"machine": machine(), "versions": versions(peers), "corpora": {}}
    rows: list[dict[str, Any]] = []
    for name in names:
        root = corpora.prepare(name)
        packages = packages_of(root)
        files, size = corpus_size(root, packages)
        print(f"== {name}: {files} files, {size / 1e6:.1f} MB", file=sys.stderr, flush=True)
        res: dict[str, Any] = {"files": files, "bytes": size, "packages": packages}

        print(f"   ssotlint cold and ast.parse x{args.cold_repeat} ...", file=sys.stderr, flush=True)
        cold, res["ast_parse"] = run_cold(root, name, args.cold_repeat)
        m = res["ast_parse"]["measure"]
        print("   ssotlint ...", file=sys.stderr, flush=True)
        res["ssotlint"] = run_ssotlint(root, name, args.warm_repeat, cold)
        grimp = None
        if not args.no_grimp:
            print("   grimp ...", file=sys.stderr, flush=True)
            grimp = res["grimp"] = run_grimp(peers, root, packages, name)
        pylint_runs: list[dict[str, Any]] = []
        if args.pylint_runs and (name not in (corpora.SYNTHETIC, corpora.REAL) or args.pylint_on_synthetic):
            print(f"   pylint x{args.pylint_runs} ...", file=sys.stderr, flush=True)
            pylint_runs = res["pylint"] = run_pylint(peers, root, packages, args.pylint_runs, args.pylint_timeout)
            done = [r for r in pylint_runs if not r["measure"].timed_out]
            if done:
                res["cycles"] = compare_cycles(root, OUT / f"ssotlint-{name}.json", done)

        s = res["ssotlint"]
        errors = len(s["internal_errors"])
        same = "outputs identical" if s["identical_outputs"] else "OUTPUTS DIFFER"
        rows.append(row(name, "ssotlint cold", s["cold"], size, files, f"best of {s['cold_all']}; {same}; internal errors: {errors}"))
        rows.append(row(name, "ssotlint cold --jobs 1", s["jobs1"], size, files))
        rows.append(row(name, "ssotlint fill cache", s["fill"], size, files))
        rows.append(row(name, "ssotlint warm", s["warm"], size, files, f"median of {len(s['warm_all'])}"))
        rows.append(row(name, "ast.parse 1 process", m, size, files, f"best of {res['ast_parse']['all']}; inner {res['ast_parse']['inner']:.2f} s"))
        if grimp is not None:
            for label in ("cold", "warm"):
                info = grimp.get(f"{label}_info")
                note = f"{info['modules']} modules, {info['imports']} imports" if info else grimp.get(f"{label}_error", "")
                rows.append(row(name, f"grimp build_graph {label}", grimp[label], size, files, note))
        for r in pylint_runs:
            pm = r["measure"]
            rows.append(row(name, f"pylint cyclic-import #{r['seed']}", pm, size, files, f"{len(r['cycles'])} messages"))
        res["targets"] = targets(name, res, size)
        report["corpora"][name] = res

    print_table(rows)
    for name, res in report["corpora"].items():
        print(f"\n{name} targets: {json.dumps(res['targets'])}")
        if "cycles" in res:
            print(f"{name} cycles: {json.dumps(res['cycles'], indent=1)}")
    report["table"] = rows
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    text = json.dumps(report, indent=1, default=_jsonable)
    (OUT / f"bench-{stamp}.json").write_text(text)
    (OUT / "latest.json").write_text(text)
    print(f"\nwritten: {OUT / f'bench-{stamp}.json'}")
    return 0


def _jsonable(value: Any) -> Any:
    if isinstance(value, Measure):
        d = asdict(value)
        d["stdout"] = d["stdout"][-2000:]
        d["stderr"] = d["stderr"][-2000:]
        return d
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(type(value))


if __name__ == "__main__":
    sys.exit(main())
