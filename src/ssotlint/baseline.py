"""Baselines: remember today's findings so that only new ones fail a build.

The file maps each finding's fingerprint (rule + path + entity, never a line number) to
what it was, one entry per line, sorted, so that it diffs well and survives unrelated edits.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ssotlint.diagnostics import Diagnostic

VERSION = 1
DEFAULT_FILE = ".ssotlint-baseline.json"


class BaselineError(Exception):
    def __init__(self, path: Path, message: str, line: int | None = None) -> None:
        self.path = path
        self.line = line
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Entry:
    fingerprint: str
    code: str
    path: str
    message: str
    count: int
    line: int  # where the entry stands in the baseline file


@dataclass(frozen=True)
class Baseline:
    entries: tuple[Entry, ...]

    @classmethod
    def empty(cls) -> Baseline:
        return cls(())


@dataclass
class Match:
    new: list[Diagnostic]
    baselined: list[Diagnostic]
    stale: list[Entry]  # entries (or parts of their count) that matched nothing


def load(path: Path) -> Baseline:
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        return Baseline.empty()
    except (OSError, UnicodeDecodeError) as exc:
        raise BaselineError(path, f"cannot read baseline: {exc}") from exc
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BaselineError(path, f"invalid JSON: {exc.msg}", exc.lineno) from exc
    if not isinstance(doc, dict) or doc.get("version") != VERSION or not isinstance(doc.get("findings"), dict):
        raise BaselineError(path, f'not an ssotlint baseline (expected {{"version": {VERSION}, "findings": {{...}}}})')
    lines = {}
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith('"') and '": {' in stripped:
            lines[stripped[1 : stripped.index('"', 1)]] = number
    entries = []
    for fp, item in doc["findings"].items():
        if not isinstance(item, dict) or not isinstance(item.get("code"), str) or not isinstance(item.get("path"), str):
            raise BaselineError(path, f"entry {fp!r} needs 'code' and 'path'", lines.get(fp))
        count = item.get("count", 1)
        if not isinstance(count, int) or count < 1:
            raise BaselineError(path, f"entry {fp!r}: 'count' must be a positive integer", lines.get(fp))
        entries.append(Entry(fp, item["code"], item["path"], str(item.get("message", "")), count, lines.get(fp, 1)))
    return Baseline(tuple(entries))


def match(baseline: Baseline, diagnostics: Sequence[Diagnostic], selected_codes: Iterable[str]) -> Match:
    """Split findings into new and baselined; list entries that no longer match anything."""
    budget = Counter({e.fingerprint: e.count for e in baseline.entries})
    new: list[Diagnostic] = []
    old: list[Diagnostic] = []
    for d in diagnostics:
        if budget[d.fingerprint] > 0:
            budget[d.fingerprint] -= 1
            old.append(d)
        else:
            new.append(d)
    selected = set(selected_codes)
    stale = [e for e in baseline.entries if budget[e.fingerprint] > 0 and e.code in selected]
    return Match(new, old, stale)


def render(diagnostics: Iterable[Diagnostic], keep: Iterable[Entry] = ()) -> str:
    """The baseline file for these findings (plus entries to keep as they are)."""
    items: dict[str, dict[str, object]] = {}
    for e in keep:
        items[e.fingerprint] = {"code": e.code, "path": e.path, "message": e.message, "count": e.count}
    counts = Counter(d.fingerprint for d in diagnostics)
    for d in diagnostics:
        items[d.fingerprint] = {"code": d.code, "path": d.path, "message": d.message, "count": counts[d.fingerprint]}
    ordered = sorted(items.items(), key=lambda kv: (str(kv[1]["path"]), str(kv[1]["code"]), kv[0]))
    body = ",\n".join(f"    {json.dumps(fp)}: {json.dumps(item, ensure_ascii=False)}" for fp, item in ordered)
    return f'{{\n  "version": {VERSION},\n  "findings": {{\n{body}\n  }}\n}}\n' if body else f'{{\n  "version": {VERSION},\n  "findings": {{}}\n}}\n'


def write(path: Path, text: str) -> None:
    """Atomically replace ``path`` with ``text``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".ssotlint-baseline-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
