"""Robustness sweep: every ssotlint command on whole real code bases, looking for crashes and drift.

    python bench/sweep.py                       # stdlib + django + sympy + pandas
    python bench/sweep.py stdlib django         # only these
    python bench/sweep.py --fuzz 2000           # also a long hypothesmith run
    python bench/sweep.py --source myproj=/path/to/code

Targets: a copy of the standard library of the running interpreter
(``sysconfig.get_paths()["stdlib"]`` without ``site-packages``; its test suite holds files with
bad syntax and other encodings) and the full unpacked archives of the pinned corpora of
``bench/corpora.py`` (tests, docs and scripts included), and on request its 10,000-file
``synthetic10k`` project, the largest corpus. Every target is copied into a
temporary folder first, so that the cache and the outputs never land in the original.

Per target: ``check --format json`` (all rules) four ways (no cache with the default jobs, no
cache with ``--jobs 1``, filling the cache, reading it), ``report --format json`` and
``events infer``. Recorded: internal errors (a traceback, an "internal error" line, an exit
code other than 0/1, a finding about an internal error: there must be none), whether the four
JSON outputs are identical, findings per rule, wall time and the peak RSS of the largest
ssotlint process (``getrusage(RUSAGE_CHILDREN)`` of a small wrapper process, so the workers
count too). Results go to ``bench/out/sweep-robust.json`` (``--json``) and a Markdown table
to stdout.
Exit status 1 when any target had an internal error or differing outputs.

Nothing here imports or runs the analysed code. Standard library only (plus pytest and
hypothesmith for ``--fuzz``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
OUT = BENCH / "out"
CONFIG_NAME = "ssotlint-sweep.toml"  # beside the target's own pyproject.toml, never replacing it

sys.path.insert(0, str(BENCH))
import corpora  # the pinned archives (bench/corpora.py)  # noqa: E402

# Runs a command and reports the peak RSS of its process tree's largest member (KiB on Linux).
_WRAPPER = """
import resource, subprocess, sys
code = subprocess.run(sys.argv[2:]).returncode
with open(sys.argv[1], "w") as fh:
    fh.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
sys.exit(code)
"""


@dataclass
class Run:
    label: str
    returncode: int
    seconds: float
    peak_rss_mib: float
    stdout: str
    stderr: str


def measured(label: str, cmd: list[str], cwd: Path, scratch: Path) -> Run:
    rss_file = scratch / f"rss-{label}"
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", _WRAPPER, str(rss_file), *cmd],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1", "CI": "1"},
        check=False,
    )
    seconds = time.perf_counter() - started
    try:
        kib = int(rss_file.read_text())
    except (OSError, ValueError):
        kib = 0
    return Run(label, proc.returncode, seconds, round(kib / 1024, 1), proc.stdout, proc.stderr)


def stdlib_source() -> Path:
    return Path(sysconfig.get_paths()["stdlib"])


def sources(names: list[str], extra: dict[str, Path]) -> dict[str, Path]:
    out: dict[str, Path] = {}
    for name in names:
        if name in extra:
            out[name] = extra[name]
        elif name == "stdlib":
            out[name] = stdlib_source()
        elif name in corpora.CORPORA:
            out[name] = corpora.unpack(corpora.CORPORA[name])
        elif name == corpora.SYNTHETIC:
            out[name] = corpora.synthetic()
        else:
            raise SystemExit(f"unknown target {name!r}; use --source {name}=DIR for another folder")
    return out


def internal_errors(run: Run, document: dict[str, Any] | None) -> list[str]:
    found = [
        f"{run.label}: {line}" for line in run.stderr.splitlines() if "internal error" in line or "Traceback" in line
    ]
    if run.returncode not in (0, 1):
        found.append(f"{run.label}: exit code {run.returncode}: {run.stderr.strip()[:300]}")
    if document is not None:
        found += [
            f"{run.label}: {f['path']}:{f['line']}: {f['message']}"
            for f in document.get("findings", [])
            if "internal error" in f.get("message", "")
        ]
    return found


def _load_json(path: Path) -> dict[str, Any] | None:
    try:
        data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return data


def sweep(name: str, source: Path, scratch_root: Path) -> dict[str, Any]:
    scratch = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=scratch_root))
    root = scratch / "code"
    started = time.perf_counter()
    shutil.copytree(source, root, symlinks=True, ignore=shutil.ignore_patterns("site-packages", "__pycache__"))
    copy_seconds = time.perf_counter() - started
    config = root / CONFIG_NAME
    config.write_text("# Generated by bench/sweep.py: default settings, every rule.\n[tool.ssotlint]\n")
    exe = [sys.executable, "-m", "ssotlint"]
    common = ["--config", str(config)]

    runs: list[Run] = []
    outputs: dict[str, bytes] = {}
    documents: dict[str, dict[str, Any] | None] = {}
    for label, extra in (
        ("check-cold", ["--no-cache"]),
        ("check-jobs1", ["--no-cache", "--jobs", "1"]),
        ("check-fill", []),
        ("check-warm", []),
    ):
        out = scratch / f"{label}.json"
        run = measured(label, [*exe, "check", str(root), *common, "--format", "json", "-o", str(out), "--no-progress", *extra], root, scratch)
        runs.append(run)
        outputs[label] = out.read_bytes() if out.is_file() else b""
        documents[label] = _load_json(out)
    report_out = scratch / "report.json"
    runs.append(measured("report", [*exe, "report", str(root), *common, "--format", "json", "-o", str(report_out)], root, scratch))
    documents["report"] = _load_json(report_out)
    infer_out = scratch / "events.yaml"
    runs.append(measured("events-infer", [*exe, "events", "infer", str(root), *common, "-o", str(infer_out)], root, scratch))

    errors: list[str] = []
    for run in runs:
        errors += internal_errors(run, documents.get(run.label))
    if documents["report"] is None:
        errors.append("report: no JSON written")
    if not infer_out.is_file():
        errors.append("events infer: no spec written")
    cold = documents["check-cold"] or {}
    findings = cold.get("findings", [])
    result = {
        "source": str(source),
        "files": cold.get("summary", {}).get("files"),
        "megabytes": round(sum(p.stat().st_size for p in root.rglob("*.py") if p.is_file()) / 1e6, 1),
        "findings_by_code": dict(sorted(Counter(f["code"] for f in findings).items())),
        "syntax_errors": sorted(f"{f['path']}:{f['line']}: {f['message']}" for f in findings if f["code"] == "SSOT901"),
        "internal_errors": sorted(set(errors)),
        "identical_check_outputs": len(set(outputs.values())) == 1 and bool(outputs["check-cold"]),
        "event_types_inferred": infer_out.read_text("utf-8").count("\n  ") if infer_out.is_file() else None,
        "exit_codes": {r.label: r.returncode for r in runs},
        "seconds": {r.label: round(r.seconds, 2) for r in runs},
        "peak_rss_mib": {r.label: r.peak_rss_mib for r in runs},
        "copy_seconds": round(copy_seconds, 1),
        "warnings": sorted({ln for r in runs for ln in r.stderr.splitlines() if "warning" in ln})[:20],
    }
    shutil.rmtree(scratch, ignore_errors=True)
    return result


def fuzz(examples: int) -> dict[str, Any]:
    """The property tests of tests/robustness/test_property.py with many more examples."""
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/robustness/test_property.py"],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ, "SSOTLINT_FUZZ_EXAMPLES": str(examples)},
        check=False,
    )
    tail = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else proc.stderr.strip()[-300:]
    return {
        "examples_per_test": examples,
        "tests": 3,
        "passed": proc.returncode == 0,
        "summary": tail,
        "seconds": round(time.perf_counter() - started, 1),
        "failures": proc.stdout[-4000:] if proc.returncode else "",
    }


def markdown(report: dict[str, Any]) -> str:
    lines = [
        f"Machine: {report['machine']}; {report['date']}.",
        "",
        "| target | files | MB | internal errors | identical outputs (4 check runs) | check cold / jobs 1 / warm (s) "
        "| report (s) | events infer (s) | peak RSS (MiB) | findings per rule |",
        "| --- | ---: | ---: | ---: | --- | --- | ---: | ---: | ---: | --- |",
    ]
    for name, r in report["targets"].items():
        s = r["seconds"]
        rules = ", ".join(f"{code} {n}" for code, n in r["findings_by_code"].items()) or "none"
        lines.append(
            f"| {name} | {r['files']:,} | {r['megabytes']} | {len(r['internal_errors'])} | "
            f"{'yes' if r['identical_check_outputs'] else 'NO'} | "
            f"{s['check-cold']} / {s['check-jobs1']} / {s['check-warm']} | {s['report']} | {s['events-infer']} | "
            f"{max(r['peak_rss_mib'].values())} | {rules} |"
        )
    if "fuzz" in report:
        f = report["fuzz"]
        lines += [
            "",
            f"hypothesmith: {f['examples_per_test']} examples for each of {f['tests']} property tests, "
            f"{'passed' if f['passed'] else 'FAILED'} in {f['seconds']} s ({f['summary']}).",
        ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    known = ["stdlib", *corpora.CORPORA]
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("names", nargs="*", help=f"targets (default: {', '.join(known)}; also {corpora.SYNTHETIC})")
    parser.add_argument("--source", action="append", default=[], metavar="NAME=DIR", help="another folder to sweep")
    parser.add_argument("--fuzz", type=int, default=0, metavar="N", help="also run the property tests with N examples each")
    parser.add_argument("--scratch", type=Path, help="folder for the temporary copies (default: the system's)")
    parser.add_argument("--json", type=Path, default=OUT / "sweep-robust.json", help="where the results go")
    args = parser.parse_args(argv)
    extra = {}
    for item in args.source:
        name, sep, folder = item.partition("=")
        if not sep or not Path(folder).is_dir():
            parser.error(f"--source expects NAME=DIR with an existing folder, got {item!r}")
        extra[name] = Path(folder)
    names = args.names or [*known, *extra]
    args.json.parent.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": f"{os.cpu_count()} cores, {platform.system()} {platform.machine()}, Python {platform.python_version()}",
        "targets": {},
    }
    failed = False
    with tempfile.TemporaryDirectory(prefix="ssotlint-sweep-", dir=args.scratch) as scratch:
        for name, source in sources(names, extra).items():
            print(f"== {name}: {source}", file=sys.stderr, flush=True)
            res = report["targets"][name] = sweep(name, source, Path(scratch))
            failed |= bool(res["internal_errors"]) or not res["identical_check_outputs"]
            print(json.dumps({k: res[k] for k in ("files", "internal_errors", "identical_check_outputs", "seconds", "peak_rss_mib")}), file=sys.stderr, flush=True)
    if args.fuzz:
        print(f"== hypothesmith, {args.fuzz} examples per test", file=sys.stderr, flush=True)
        report["fuzz"] = fuzz(args.fuzz)
        failed |= not report["fuzz"]["passed"]
    args.json.write_text(json.dumps(report, indent=2) + "\n")
    sys.stdout.write(markdown(report))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
