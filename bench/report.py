"""Render bench_cycles.py results as the Markdown tables of RESULTS.md.

    /tmp/venv-bench/bin/python bench/report.py bench/out/latest.json [--before bench/out/before.json]

``--before`` adds a before/after table for the ssotlint rows (same corpora, same machine).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any


def _num(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def machine(report: dict[str, Any]) -> str:
    m, v = report["machine"], report["versions"]
    return (
        f"- date: {m['date']}; {m.get('cpu', '?')}, nproc {m['nproc']}, RAM {m.get('ram_gib', '?')} GiB; "
        f"Python {m['python']} ({m['platform']})\n"
        f"- ssotlint {v['ssotlint']}, pylint {v['pylint']} (astroid {v['astroid']}), grimp {v['grimp']}\n"
    )


def table(report: dict[str, Any]) -> str:
    lines = [
        "| corpus | tool | wall s | CPU s | MB/s | files | peak MB (largest process) | peak MB (process tree) | load | note |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|---|",
    ]
    for r in report["table"]:
        lines.append(
            f"| {r['corpus']} | {r['tool']} | {_num(r['seconds'])} | {_num(r.get('cpu_s'))} | {_num(r['mb_s'])} | "
            f"{r['files']} | {_num(r['peak_mb'], 0)} | {_num(r['tree_mb'], 0)} | {_num(r.get('load'), 1)} | {r['note']} |"
        )
    return "\n".join(lines) + "\n"


def targets(report: dict[str, Any]) -> str:
    lines = [
        "| corpus | cold vs pylint (>= 30x) | cold vs one-process ast.parse (wall, CPU) | warm (<= 1 s at 10k files) | peak memory (<= 1 GiB) |",
        "|---|---|---|---|---|",
    ]
    for name, res in report["corpora"].items():
        t = res["targets"]
        s = res["ssotlint"]
        base = res["ast_parse"]["measure"]
        pyl = t.get("cold_vs_pylint")
        pyl_text = "-" if pyl is None else f"{pyl['ratio']}x {'PASS' if pyl['pass'] else 'FAIL'} {pyl['note']}".strip()
        cold = s["cold"]
        ast_text = (
            f"{cold['seconds']:.2f} s vs {base['seconds']:.2f} s; CPU {cold['cpu_s']:.2f} vs {base['cpu_s']:.2f} "
            f"{'PASS' if t['cold_vs_ast_parse']['pass'] else 'FAIL'}"
        )
        w = t["warm"]
        warm_text = f"{w['seconds']:.2f} s (CPU {s['warm']['cpu_s']:.2f})" + (
            "" if w["pass"] is None else (" PASS" if w["pass"] else " FAIL")
        )
        mem = t["memory"]
        lines.append(
            f"| {name} | {pyl_text} | {ast_text} | {warm_text} | {mem['peak_tree_mb']:.0f} MB {'PASS' if mem['pass'] else 'FAIL'} |"
        )
    return "\n".join(lines) + "\n"


def cycles(report: dict[str, Any]) -> str:
    out = []
    for name, res in report["corpora"].items():
        c = res.get("cycles")
        if not c:
            continue
        out.append(f"### {name}\n")
        out.append(
            f"- pylint messages per run: {c['pylint_messages_per_run']}; distinct cycles over all runs: "
            f"{c['pylint_distinct_cycles_all_runs']}, reported by every run: {c['pylint_cycles_in_every_run']}; "
            f"modules in pylint cycles per run: {c['pylint_modules_in_cycles_per_run']}"
        )
        out.append(
            f"- ssotlint components: {c['ssotlint_components']} over {c['ssotlint_modules_in_components']} modules; "
            f"components holding at least one pylint cycle: {c['ssotlint_components_with_a_pylint_cycle']}"
        )
        out.append("- pylint cycles by category:")
        for cat, n in c["pylint_cycle_categories"].items():
            out.append(f"  - {n}: {cat}")
            for ex in c["examples"].get(cat, [])[:1]:
                out.append(f"    - e.g. `{ex[:300]}{'...' if len(ex) > 300 else ''}`")
        if c.get("modules_ssotlint_does_not_know"):
            names = ", ".join(c["modules_ssotlint_does_not_know"])
            out.append(f"- modules in pylint cycles that have no .py file (ssotlint does not analyse them): {names}")
        if c["missing_edges"]:
            out.append(f"- imports pylint sees and ssotlint does not: {', '.join(c['missing_edges'][:10])}")
        for code, reasons in c["ssotlint_components_without_pylint_cycle"].items():
            for reason, n in reasons.items():
                out.append(f"- {n} {code} component(s) with no pylint cycle: {reason}")
        out.append("")
    return "\n".join(out)


def before_after(before: dict[str, Any], after: dict[str, Any]) -> str:
    lines = [
        "| corpus | run | before wall s | before CPU s | before load | after wall s | after CPU s | after load | before tree MB | after tree MB |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for name, res in after["corpora"].items():
        old = before["corpora"].get(name)
        if old is None:
            continue
        for key in ("cold", "jobs1", "fill", "warm"):
            b, a = old["ssotlint"][key], res["ssotlint"][key]
            lines.append(
                f"| {name} | {key} | {b['seconds']:.2f} | {b['cpu_s']:.2f} | {b['load']:.1f} | "
                f"{a['seconds']:.2f} | {a['cpu_s']:.2f} | {a['load']:.1f} | "
                f"{b['tree_mb']:.0f} | {a['tree_mb']:.0f} |"
            )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("results", type=Path)
    parser.add_argument("--before", type=Path)
    args = parser.parse_args()
    report = json.loads(args.results.read_text())
    print(machine(report))
    print(table(report))
    print(targets(report))
    if args.before:
        print(before_after(json.loads(args.before.read_text()), report))
    print(cycles(report))


if __name__ == "__main__":
    main()
