"""Size and time of `ssotlint report` on a generated 10,000-file monorepo.

    python bench/bench_report.py                      # 10,000 files, into a temporary folder
    python bench/bench_report.py --files 20000 --keep /tmp/gen

The project comes from tests/generated_monorepo.py (hundreds of concepts, cycle groups and
drifting event types; the same one tests/test_report_scale.py checks). For each format,
by default and with --full, the installed `ssotlint report --no-cache` runs as a child
process; the table gives wall seconds, output bytes and lines. Results go to
bench/out/report-latest.json and are printed as a Markdown table for RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.generated_monorepo import Shape, write  # noqa: E402

FORMATS = ("terminal", "markdown", "html", "json")


def _ssotlint() -> list[str]:
    exe = Path(sys.executable).parent / "ssotlint"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "ssotlint"]


def measure(root: Path, fmt: str, full: bool, out: Path) -> dict[str, Any]:
    args = [*_ssotlint(), "report", str(root), "--no-cache", "--format", fmt, "-o", str(out)]
    if full:
        args.append("--full")
    load = os.getloadavg()[0]
    started = time.monotonic()
    proc = subprocess.run(args, capture_output=True, text=True, check=False, env={**os.environ, "NO_COLOR": "1"})
    seconds = time.monotonic() - started
    if proc.returncode != 0:
        raise SystemExit(f"ssotlint report failed ({proc.returncode}): {proc.stderr}")
    data = out.read_bytes()
    return {
        "format": fmt,
        "full": full,
        "seconds": round(seconds, 2),
        "bytes": len(data),
        "lines": data.count(b"\n"),
        "load": round(load, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--keep", type=Path, help="generate the project here and keep it")
    ns = parser.parse_args()
    shape = Shape(files=ns.files)
    base = ns.keep or Path(tempfile.mkdtemp(prefix="ssotlint-report-bench-"))
    root = base / "monorepo"
    if root.exists():
        shutil.rmtree(root)
    started = time.monotonic()
    write(root, shape)
    generated = time.monotonic() - started
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for full in (False, True):
            for fmt in FORMATS:
                rows.append(measure(root, fmt, full, Path(tmp) / f"report.{fmt}"))
        summary = json.loads((Path(tmp) / "report.json").read_text())
    counts = {
        "findings": summary["summary"]["findings"],
        "concepts": len(summary["concepts"]["items"]),
        "cycle_groups": len(summary["cycles"]["items"]),
        "event_types": len(summary["events"]["items"]),
    }
    result = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "nproc": os.cpu_count(),
        "python": sys.version.split()[0],
        "shape": shape.__dict__,
        "generated_seconds": round(generated, 1),
        "counts": counts,
        "rows": rows,
    }
    out_dir = REPO / "bench" / "out"
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "report-latest.json").write_text(json.dumps(result, indent=2) + "\n")
    if ns.keep is None:
        shutil.rmtree(base)
    print(f"- date: {result['date']}; nproc {result['nproc']}; Python {result['python']}")
    print(f"- project: {shape.files} files, generated in {generated:.1f} s; " + ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in counts.items()))
    print()
    print("| format | shown | wall s | bytes | lines | load |")
    print("|---|---|--:|--:|--:|--:|")
    for r in rows:
        print(f"| {r['format']} | {'--full' if r['full'] else 'default (--top 10)'} | {r['seconds']:.2f} | {r['bytes']:,} | {r['lines']:,} | {r['load']} |")


if __name__ == "__main__":
    main()
