"""Precision, recall and canonical choice of the duplicate rules (SSOT101-SSOT104) on real projects.

    python bench/accuracy/duplicates/accuracy.py            # prepare, run, score: print the table
    python bench/accuracy/duplicates/accuracy.py --pending  # also list the findings without a verdict
    python bench/accuracy/duplicates/accuracy.py --only scrapy --no-run   # score the last run again

- The projects are pinned sdists (``projects.toml``), fetched with ``pip download`` into
  ``downloads/`` and unpacked under ``work/<project>/`` with a ``pyproject.toml`` that sets
  only ``src`` (both folders git-ignored).
- ``ssotlint check --no-cache --format json --select SSOT101,SSOT102,SSOT103,SSOT104`` runs on
  each project; the findings are written to ``work/<project>.findings.json``.
- **Precision**: every finding is looked up in ``verdicts.tsv`` (one line per finding, judged
  by reading the code: ``project, code, path, subject, other, verdict, reason``). The subject
  is the duplicate / alias / factory / constant name, ``other`` the canonical class or
  factory it was compared with; a finding whose pair changed needs a new verdict.
- **Recall**: the projects' own deprecation markers name duplicate -> canonical pairs:
  ``@deprecated(..., alternative_import="pkg.mod.Class")`` and ``alternative="Class"`` on a
  class, ``warnings.warn("... use X instead ...", SomeDeprecationWarning)`` in a
  class body or its ``__init__``/``__new__``, and in a module body naming a class of the
  same name. A pair counts when its target class exists in the project (a target that is
  itself marked is followed to the end of the chain); it is found when a SSOT101 (duplicate) or SSOT102 (alias, subclass) finding
  names the deprecated class, and the canonical choice is right when that finding's
  canonical class is the maintainers' target.

Analysed code is only parsed (``ast``), never imported.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tarfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import tomllib

HERE = Path(__file__).resolve().parent
DOWNLOADS = HERE / "downloads"
WORK = HERE / "work"
VERDICTS = HERE / "verdicts.tsv"
CODES = ("SSOT101", "SSOT102", "SSOT103", "SSOT104")
_USE_INSTEAD = re.compile(
    r"(?:[Uu]se|[Pp]lease use|[Ss]witch to|[Mm]igrate to|replaced by|in favou?r of)\s+(?:the\s+)?[`'\"]*([A-Za-z_][\w.]*)"
)
_SKIP_DIRS = {".git", "__pycache__", "node_modules", ".venv"}


# --- preparing the projects ---------------------------------------------------------------
def _archive(req: str, sha256: str) -> Path:
    name, _, version = req.partition("==")
    stem = f"{name.replace('-', '_')}-{version}".lower()
    DOWNLOADS.mkdir(parents=True, exist_ok=True)
    found = [p for p in DOWNLOADS.iterdir() if p.name.lower().startswith(stem) and p.name.endswith((".tar.gz", ".zip"))]
    if not found:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:", "--no-build-isolation", "-d", str(DOWNLOADS), req],
            check=True,
        )
        found = [p for p in DOWNLOADS.iterdir() if p.name.lower().startswith(stem) and p.name.endswith((".tar.gz", ".zip"))]
    archive = found[0]
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    if digest != sha256:
        raise SystemExit(f"{archive.name}: sha256 {digest} does not match the pin {sha256}")
    return archive


def prepare(project: dict[str, object]) -> Path:
    root = WORK / str(project["name"])
    stamp = root / ".prepared"
    pins = json.dumps(project, sort_keys=True)
    if stamp.exists() and stamp.read_text() == pins:
        return root
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    for dist in project["dists"]:  # type: ignore[attr-defined]
        archive = _archive(dist["req"], dist["sha256"])
        into = root / dist["into"]
        with tarfile.open(archive) as tar:
            for member in tar.getmembers():
                parts = Path(member.name).parts[1:]  # drop the "name-version/" folder
                if not parts or not (member.isfile() or member.isdir()):
                    continue
                member.name = str(Path(*parts))
                tar.extract(member, into, filter="data")
        # Each dist's own build configuration would make its folder look like a project root.
        for name in ("pyproject.toml", "setup.py", "setup.cfg", "PKG-INFO"):
            if dist["into"] != "." and (into / name).exists():
                (into / name).rename(into / f"{name}.orig")
    if (root / "pyproject.toml").exists():
        (root / "pyproject.toml").rename(root / "pyproject.toml.orig")
    src = ", ".join(json.dumps(s) for s in project["src"])  # type: ignore[attr-defined]
    (root / "pyproject.toml").write_text(f"[tool.ssotlint]\nsrc = [{src}]\n")
    stamp.write_text(pins)
    return root


def run(name: str, root: Path) -> tuple[list[dict[str, object]], float]:
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "ssotlint", "check", "--no-cache", "--format", "json", "--exit-zero", "-j", "2",
         "--select", ",".join(CODES), str(root)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    elapsed = time.monotonic() - start
    if proc.returncode != 0:
        raise SystemExit(f"{name}: ssotlint exited with {proc.returncode}\n{proc.stderr[-2000:]}")
    findings = json.loads(proc.stdout)["findings"]
    (WORK / f"{name}.findings.json").write_text(json.dumps(findings, indent=1))
    return findings, elapsed


# --- findings and verdicts ------------------------------------------------------------------
def subject(finding: dict[str, object]) -> tuple[str, str]:
    """(subject, other) of a finding: what it reports and what it compares it with."""
    data = finding.get("data") or {}
    assert isinstance(data, dict)
    code = finding["code"]
    if code == "SSOT101":
        return str(data.get("duplicate", "")), str(data.get("canonical", ""))
    if code == "SSOT102":
        return str(data.get("alias", "")), str(data.get("target", ""))
    if code == "SSOT103":
        return str(data.get("factory", "")), ",".join(data.get("canonical_factories", []))
    return str(data.get("name", "")), ""


@dataclass(frozen=True)
class Verdict:
    real: bool
    reason: str


def load_verdicts() -> dict[tuple[str, str, str, str, str], Verdict]:
    out: dict[tuple[str, str, str, str, str], Verdict] = {}
    if not VERDICTS.exists():
        return out
    for number, line in enumerate(VERDICTS.read_text().splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if len(cells) != 7 or cells[5] not in ("TP", "FP"):
            raise SystemExit(f"{VERDICTS.name}:{number}: expected 7 tab-separated cells ending in TP/FP and a reason")
        out[(cells[0], cells[1], cells[2], cells[3], cells[4])] = Verdict(cells[5] == "TP", cells[6])
    return out


# --- recall: the maintainers' own deprecation markers -------------------------------------------
def _source_roots(root: Path, src: list[str]) -> list[Path]:
    roots = [root]
    for pattern in src:
        roots += [root] if pattern in (".", "") else [p for p in sorted(root.glob(pattern)) if p.is_dir()]
    return sorted(set(roots), key=lambda p: len(p.parts), reverse=True)


def _module_name(path: Path, roots: list[Path]) -> str:
    for r in roots:
        if path.is_relative_to(r):
            parts = list(path.relative_to(r).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            return ".".join(parts)
    return ""


def _files(root: Path) -> list[Path]:
    out = []
    for p in sorted(root.rglob("*.py")):
        if not _SKIP_DIRS.intersection(p.relative_to(root).parts):
            out.append(p)
    return out


def _strings(node: ast.expr) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(_strings(v) if not isinstance(v, ast.FormattedValue) else " " for v in node.values)
    if isinstance(node, ast.BinOp):
        return _strings(node.left) + _strings(node.right)
    return ""


def _last(node: ast.expr) -> str:
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Call):
        return _last(node.func)
    return ""


def _targets_in(text: str) -> list[str]:
    return [m.rstrip(".") for m in _USE_INSTEAD.findall(text) if m.rstrip(".").rpartition(".")[2][:1].isupper()]


def _markers(cls: ast.ClassDef) -> list[tuple[str, str]]:
    """(how, target) the class's own deprecation markers name."""
    out: list[tuple[str, str]] = []
    for d in cls.decorator_list:
        if isinstance(d, ast.Call) and _last(d.func) == "deprecated":
            for kw in d.keywords:
                if kw.arg == "alternative_import":
                    out += [("alternative_import", _strings(kw.value))]
                elif kw.arg == "alternative":
                    text = _strings(kw.value).strip("`' ")
                    named = _targets_in(text) or re.findall(r"[A-Za-z_][\w.]*", text)[:1]
                    out += [("alternative", t) for t in named[:1] if t.rpartition(".")[2][:1].isupper()]
            for arg in d.args:
                out += [("deprecated()", t) for t in _targets_in(_strings(arg))]
    scopes: list[ast.AST] = [cls]
    scopes += [n for n in cls.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name in ("__init__", "__new__", "__init_subclass__", "__post_init__")]
    for scope in scopes:
        body = scope.body if isinstance(scope, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) else []
        for stmt in body:
            for node in ast.walk(stmt) if not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) else ():
                # Always raised (a statement of its own), or naming the class: a warning
                # under an `if` is about an argument.
                always = isinstance(stmt, ast.Expr) and stmt.value is node
                if not always and isinstance(node, ast.Call) and node.args and cls.name not in _strings(node.args[0]):
                    continue
                if isinstance(node, ast.Call) and _last(node.func) == "warn" and node.args:
                    category = [node.args[1]] if len(node.args) > 1 else [k.value for k in node.keywords if k.arg == "category"]
                    if category and "Deprecat" in _last(category[0]):
                        out += [("warnings.warn", t) for t in _targets_in(_strings(node.args[0]))]
    return out


def recall_set(root: Path, src: list[str]) -> list[tuple[str, str, str]]:
    """(deprecated class key, target class key, how) for each marker whose target class exists."""
    roots = _source_roots(root, src)
    classes: dict[str, list[str]] = {}  # class name -> keys
    marked: list[tuple[str, str, str]] = []
    for path in _files(root):
        try:
            tree = ast.parse(path.read_bytes())
        except (SyntaxError, ValueError):
            continue
        module = _module_name(path, roots)
        moved = [
            t
            for n in tree.body
            if isinstance(n, ast.Expr) and isinstance(n.value, ast.Call) and _last(n.value.func) == "warn"
            and len(n.value.args) > 1 and "Deprecat" in _last(n.value.args[1])
            for t in _targets_in(_strings(n.value.args[0]))
        ]  # fmt: skip
        for node in tree.body:
            if isinstance(node, ast.ClassDef):
                marked += [(f"{module}:{node.name}", t, "module warnings.warn") for t in moved if t.rpartition(".")[2] == node.name]
        for node in tree.body:
            if isinstance(node, ast.ClassDef):
                key = f"{module}:{node.name}"
                classes.setdefault(node.name, []).append(key)
                for how, target in _markers(node):
                    marked.append((key, target, how))
    resolved: dict[str, str] = {}
    for key, target, _how in marked:
        prefix, _, name = target.rpartition(".")
        candidates = [k for k in classes.get(name, ()) if k != key and (not prefix or k.partition(":")[0] == prefix or k.startswith(prefix + "."))]
        if not prefix and len(candidates) > 1:
            own = key.partition(":")[0].split(".")[0]
            candidates = [k for k in candidates if k.split(".")[0] == own] or candidates
        if len(candidates) == 1:
            resolved.setdefault(key, candidates[0])
        elif candidates:  # the target's package re-exports one of several: the shortest module path
            resolved.setdefault(key, min(candidates, key=lambda k: (k.count("."), k)))
    # A target the maintainers deprecated in turn: their final word is the end of the chain.
    out = []
    for key, target in resolved.items():
        seen = {key}
        while target in resolved and target not in seen:
            seen.add(target)
            target = resolved[target]
        out.append((key, target, next(h for k, _, h in marked if k == key)))
    return sorted(set(out))


# --- the table ---------------------------------------------------------------------------
def score(projects: list[dict[str, object]], show_pending: bool) -> int:
    verdicts = load_verdicts()
    rows = []
    totals: Counter[str] = Counter()
    pending: list[str] = []
    used: set[tuple[str, str, str, str, str]] = set()
    recall_rows = []
    for project in projects:
        name = str(project["name"])
        path = WORK / f"{name}.findings.json"
        if not path.exists():
            continue
        findings = json.loads(path.read_text())
        per: Counter[str] = Counter()
        for f in findings:
            code = f["code"]
            subj, other = subject(f)
            key = (name, code, f["path"], subj, other)
            v = verdicts.get(key)
            per[code, "n"] += 1  # type: ignore[index]
            if v is None:
                per[code, "?"] += 1  # type: ignore[index]
                pending.append("\t".join((*key, "??", f["message"])))
            else:
                used.add(key)
                per[code, "TP" if v.real else "FP"] += 1  # type: ignore[index]
        rows.append((name, per))
        for k, v in per.items():
            totals[k] += v  # type: ignore[index]
        pairs = recall_set(WORK / name, list(project["src"]))  # type: ignore[call-overload]
        by_subject: dict[str, str] = {}
        for f in findings:
            if f["code"] in ("SSOT101", "SSOT102"):
                subj, other = subject(f)
                by_subject.setdefault(subj, other)
        found = [(d, t) for d, t, _ in pairs if d in by_subject]
        right = [(d, t) for d, t in found if by_subject[d] == t]
        recall_rows.append((name, len(pairs), len(found), len(right), [(d, t, by_subject.get(d)) for d, t, _ in pairs]))

    def cell(per: Counter[str], code: str) -> str:
        n, tp, fp, unk = (per[code, k] for k in ("n", "TP", "FP", "?"))  # type: ignore[index]
        if not n:
            return "0"
        prec = f"{100 * tp / (tp + fp):.0f}%" if tp + fp else "-"
        return f"{n} ({tp}/{tp + fp} {prec}{f', {unk}?' if unk else ''})"

    print("Precision: findings (real / judged, precision, unjudged)")
    print("| project | " + " | ".join(CODES) + " | all |")
    print("|---|" + "---|" * (len(CODES) + 1))
    for name, per in [*rows, ("**total**", totals)]:
        merged: Counter[str] = Counter()
        for (_code, k), v in per.items():  # type: ignore[misc]
            merged["all", k] += v  # type: ignore[index]
        print(f"| {name} | " + " | ".join(cell(per, c) for c in CODES) + f" | {cell(merged, 'all')} |")
    print()
    print("Recall: maintainer-marked pairs whose target exists (found, canonical = maintainers' target)")
    print("| project | pairs | found | recall | canonical right | canonical accuracy |")
    print("|---|---|---|---|---|---|")
    tp_pairs = tf = tr = 0
    for name, n, f, r, _detail in recall_rows:
        tp_pairs, tf, tr = tp_pairs + n, tf + f, tr + r
        print(f"| {name} | {n} | {f} | {_pct(f, n)} | {r} | {_pct(r, f)} |")
    print(f"| **total** | {tp_pairs} | {tf} | {_pct(tf, tp_pairs)} | {tr} | {_pct(tr, tf)} |")
    if show_pending:
        print("\nRecall pairs (deprecated -> target: canonical of the finding, '-' not found):")
        for name, *_, detail in recall_rows:
            for d, t, got in detail:
                mark = "-" if got is None else ("ok" if got == t else f"canonical {got}")
                print(f"  {name}: {d} -> {t}: {mark}")
        print(f"\n{len(pending)} findings without a verdict:")
        for line in pending:
            print(line)
    return 0


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:.0f}%" if b else "-"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--only", action="append", help="project name (repeatable)")
    parser.add_argument("--no-run", action="store_true", help="score the findings of the last run")
    parser.add_argument("--pending", action="store_true", help="list findings without a verdict and every recall pair")
    args = parser.parse_args()
    config = tomllib.loads((HERE / "projects.toml").read_text())
    projects = [p for p in config["project"] if not args.only or p["name"] in args.only]
    if not args.no_run:
        for project in projects:
            root = prepare(project)
            findings, elapsed = run(project["name"], root)
            print(f"{project['name']}: {len(findings)} findings in {elapsed:.1f}s", file=sys.stderr)
    return score(projects, args.pending)


if __name__ == "__main__":
    raise SystemExit(main())
