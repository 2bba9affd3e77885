"""Accuracy of the event rules (SSOT301-SSOT305) on real open-source projects.

For each project in ``projects.json``: the pinned sdist is fetched with pip (into the
git-ignored ``projects/``), unpacked into a temporary copy, given the spec and the
``[tool.ssotlint]`` table written for it (``<name>/events.yaml``, ``<name>/pyproject.toml``),
and checked. Every finding on the unmodified code must be judged in ``<name>/judged.json``
(``tp``/``fp`` and a one-line reason): precision = tp / (tp + fp). Then each seeded drift of
``<name>/drifts.json`` (a text edit of one file) is applied to a fresh copy: it is found
when a finding of the expected code appears in the edited file that the unmodified run
did not have.

    python bench/accuracy/events/run.py            # every project
    python bench/accuracy/events/run.py chainlit   # one
    python bench/accuracy/events/run.py --list     # also print every finding on unmodified code
    python bench/accuracy/events/run.py --src OTHER/src --plain   # another ssotlint (a baseline),
                                                   # emitters given as plain call patterns

Exit 1 when a finding is unjudged. Judged findings that are gone are listed as STALE (the
judgements also cover what earlier versions reported, for the baseline).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
STORE = HERE / "projects"
OPTIONS: dict[str, object] = {"src": None, "plain": False}


class Failed(Exception):
    """ssotlint could not check the project (a spec it cannot read, a crash)."""


def fetch(project: dict[str, str]) -> Path:
    archive = STORE / project["sdist"]
    if not archive.exists():
        STORE.mkdir(exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", project["pip"].split("==")[0],
             "-d", str(STORE), project["pip"]],
            check=True,
        )
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    if digest != project["sha256"]:
        raise SystemExit(f"{archive}: sha256 {digest} is not the pinned {project['sha256']}")
    return archive


def prepare(project: dict[str, str], archive: Path, into: Path) -> Path:
    with tarfile.open(archive) as tar:
        tar.extractall(into, filter="data")
    root = into / project["dir"]
    config = (HERE / project["name"] / "pyproject.toml").read_text("utf-8")
    if OPTIONS["plain"]:  # the form every version reads: call patterns only
        config = re.sub(r"\{call = (\"[^\"]+\")[^}]*\}", r"\1", config)
    (root / "pyproject.toml").write_text(config, "utf-8")
    shutil.copy(HERE / project["name"] / "events.yaml", root / "events.yaml")
    return root


def check(root: Path) -> list[dict[str, object]]:
    out = subprocess.run(
        [sys.executable, "-m", "ssotlint", "check", "--format", "json", "--exit-zero", "-j", "1", "--select", "SSOT3", "."],
        cwd=root, capture_output=True, text=True, check=False,
        env={**os.environ, "PYTHONPATH": str(OPTIONS["src"])} if OPTIONS["src"] else None,
    )
    if out.returncode != 0:
        raise Failed(out.stderr.strip().splitlines()[-1] if out.stderr.strip() else f"exit {out.returncode}")
    return list(json.loads(out.stdout)["findings"])


def key(f: dict[str, object]) -> tuple[object, ...]:
    return (f["code"], f["path"], f["line"], f["message"])


def run_project(project: dict[str, str], show: bool) -> dict[str, object]:
    name = project["name"]
    archive = fetch(project)
    judged = json.loads((HERE / name / "judged.json").read_text("utf-8"))
    drifts = json.loads((HERE / name / "drifts.json").read_text("utf-8"))
    verdicts = {(j["code"], j["path"], j["line"], j["message"]): j for j in judged}
    with tempfile.TemporaryDirectory() as tmp:
        root = prepare(project, archive, Path(tmp) / "base")
        findings = check(root)
        unjudged = [f for f in findings if key(f) not in verdicts]
        present = {key(f) for f in findings}
        stale = [j for k, j in verdicts.items() if k not in present]
        tp = sum(1 for f in findings if key(f) in verdicts and verdicts[key(f)]["verdict"] == "tp")
        fp = sum(1 for f in findings if key(f) in verdicts and verdicts[key(f)]["verdict"] == "fp")
        if show:
            for f in findings:
                v = verdicts.get(key(f), {"verdict": "??", "reason": ""})
                print(f"  {v['verdict']:>2} {f['code']} {f['path']}:{f['line']} {f['message']}  -- {v['reason']}")
        for f in unjudged:
            print(f"  UNJUDGED {json.dumps({k: f[k] for k in ('code', 'path', 'line', 'message')})}")
        for j in stale:
            print(f"  STALE {j['code']} {j['path']}:{j['line']} {j['message']}")
        base = {(f["code"], f["path"], f["message"]) for f in findings}
        found, missed = 0, []
        for d in drifts:
            copy = prepare(project, archive, Path(tmp) / f"drift-{d['id']}")
            target = copy / d["path"]
            text = target.read_text("utf-8")
            if text.count(d["find"]) != 1:
                raise SystemExit(f"{name} drift {d['id']}: `find` occurs {text.count(d['find'])} times in {d['path']}")
            target.write_text(text.replace(d["find"], d["replace"]), "utf-8")
            new = [f for f in check(copy) if (f["code"], f["path"], f["message"]) not in base]
            hit = any(f["code"] == d["expect"] and f["path"] == d["path"] for f in new)
            found += hit
            if not hit:
                missed.append(d)
            shutil.rmtree(copy.parent)
        for d in missed:
            print(f"  MISSED drift {d['id']} ({d['category']}): expected {d['expect']} in {d['path']}")
    return {
        "project": name, "findings": len(findings), "tp": tp, "fp": fp, "unjudged": len(unjudged), "stale": len(stale),
        "drifts": len(drifts), "found": found,
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("names", nargs="*")
    parser.add_argument("--list", action="store_true", help="print every finding on unmodified code with its verdict")
    parser.add_argument("--src", help="run the ssotlint package found in this folder instead")
    parser.add_argument("--plain", action="store_true", help="emitters as plain call patterns (no signatures)")
    args = parser.parse_args()
    OPTIONS.update(src=Path(args.src).resolve() if args.src else None, plain=args.plain)
    projects = json.loads((HERE / "projects.json").read_text("utf-8"))
    rows = []
    for p in projects:
        if args.names and p["name"] not in args.names:
            continue
        try:
            rows.append(run_project(p, args.list))
        except Failed as exc:
            print(f"  {p['name']}: ssotlint failed: {exc}")
            rows.append({"project": f"{p['name']} (failed)", **{k: 0 for k in ("findings", "tp", "fp", "unjudged", "drifts", "found")}})
    print("\n| project | findings | tp | fp | precision | unjudged | seeded drifts | found | recall |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    tot = {k: 0 for k in ("findings", "tp", "fp", "unjudged", "drifts", "found")}
    for r in rows:
        for k in tot:
            tot[k] += int(r[k])  # type: ignore[call-overload]
    for r in [*rows, {"project": "**total**", **tot}]:
        judged = int(r["tp"]) + int(r["fp"])  # type: ignore[call-overload]
        prec = f"{100 * int(r['tp']) / judged:.0f}%" if judged else "-"  # type: ignore[call-overload]
        rec = f"{100 * int(r['found']) / int(r['drifts']):.0f}%" if r["drifts"] else "-"  # type: ignore[call-overload]
        print(f"| {r['project']} | {r['findings']} | {r['tp']} | {r['fp']} | {prec} | {r['unjudged']} | {r['drifts']} | {r['found']} | {rec} |")
    return 1 if any(r["unjudged"] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
