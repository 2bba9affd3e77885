"""Carry out planned fixes: compute every file's new text, then (optionally) write it.

``compute`` reads files and returns the changes without touching the disk, so ``--diff``
and the write path share one code path. A file is refused (left alone, and listed) when
it does not parse, when the result would not parse, when it lies outside the project root
(also through a symlink), or when a codemod cannot apply safely. Writes are atomic: a
temporary file in the same folder, then ``os.replace``.
"""

from __future__ import annotations

import ast
import difflib
import functools
import os
import re
import tempfile
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import libcst as cst

from ssotlint.diagnostics import Edit
from ssotlint.fix.codemods import (
    Symbol,
    imports_symbol,
    move_event_fields,
    remove_alias,
    rewrite_imports,
)
from ssotlint.fix.plan import (
    Action,
    MoveEventFields,
    RemoveAlias,
    RewriteImports,
    TextEdits,
    split_symbol,
)
from ssotlint.index.project import ProjectIndex


@dataclass(frozen=True)
class Applied:
    """One fix carried out in one file."""

    path: str
    code: str
    title: str
    safe: bool
    fingerprint: str


@dataclass(frozen=True)
class Refused:
    path: str
    code: str
    title: str
    reason: str


@dataclass
class FileChange:
    path: str
    before: str
    after: str
    encoding: str


@dataclass
class FixResult:
    changes: list[FileChange] = field(default_factory=list)
    applied: list[Applied] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)

    @property
    def fixed_fingerprints(self) -> set[str]:
        """The findings a fix was applied for (a re-check tells whether they are gone)."""
        return {a.fingerprint for a in self.applied}

    def diff(self) -> str:
        out: list[str] = []
        for c in self.changes:
            out.extend(
                difflib.unified_diff(
                    c.before.splitlines(keepends=True), c.after.splitlines(keepends=True), f"a/{c.path}", f"b/{c.path}"
                )
            )
        return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in out)


class UnsafePath(Exception):
    pass


def resolve_inside(root: Path, rel: str) -> Path:
    """The real file behind ``rel``; raises :class:`UnsafePath` when it is outside ``root``."""
    real_root = root.resolve()
    candidate = Path(rel)
    if candidate.is_absolute():
        raise UnsafePath("absolute path")
    real = (real_root / candidate).resolve()
    if not real.is_relative_to(real_root):
        raise UnsafePath("outside the project root (through '..' or a symlink)")
    return real


@dataclass
class _Work:
    """One file being fixed: its text, and what changed it."""

    rel: str
    path: Path
    encoding: str
    before: str
    module: cst.Module
    ast_ok: bool
    applied: list[Applied] = field(default_factory=list)


def _package(index: ProjectIndex, rel: str) -> str:
    info = index.modules.by_rel.get(rel)
    if info is None:
        return ""
    name = info.name.split("@", 1)[0]
    return name if info.is_package else name.rpartition(".")[0]


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def _apply_edits(text: str, edits: Sequence[Edit]) -> str:
    # Lines as the interpreter counts them (str.splitlines also breaks at form feeds).
    lines = _LINE.findall(text)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(line: int, column: int) -> int:
        return starts[min(line, len(lines) + 1) - 1] + column - 1

    for e in sorted(edits, key=lambda e: (e.start_line, e.start_column), reverse=True):
        a, b = offset(e.start_line, e.start_column), offset(e.end_line, e.end_column)
        text = text[:a] + e.replacement + text[b:]
    return text


def compute(index: ProjectIndex, actions: Sequence[Action]) -> FixResult:
    """Every change the actions make, without writing anything."""
    result = FixResult()
    root = index.root
    work: dict[str, _Work] = {}
    broken: dict[str, str] = {}

    def load(rel: str) -> _Work | None:
        if rel in work:
            return work[rel]
        if rel in broken:
            return None
        try:
            real = resolve_inside(root, rel)
            data = real.read_bytes()
            encoding = cst.parse_module(data).encoding  # BOM, PEP 263 cookie, else UTF-8
            text = data.decode(encoding)
            module = cst.parse_module(text)
        except UnsafePath as exc:
            broken[rel] = str(exc)
            return None
        except OSError as exc:
            broken[rel] = exc.strerror or str(exc)
            return None
        except (cst.ParserSyntaxError, UnicodeDecodeError, ValueError) as exc:
            broken[rel] = f"does not parse: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"
            return None
        try:
            ast.parse(text)
            ast_ok = True
        except (SyntaxError, ValueError):
            ast_ok = False  # syntax newer than this Python: libcst's parse is the check
        work[rel] = _Work(rel, real, encoding, text, module, ast_ok)
        return work[rel]

    def refuse(rel: str, action: Action, reason: str) -> None:
        result.refused.append(Refused(rel, action.code, action.title, reason))

    def with_file(rel: str, action: Action, change: Callable[[_Work], str]) -> None:
        w = load(rel)
        if w is None:
            refuse(rel, action, broken[rel])
            return
        reason = change(w)
        if reason:
            refuse(rel, action, reason)

    # 1. Fixes placed by position (a finding's text edits, event dicts): positions refer to
    # the original text, so each file's are applied bottom-up, before anything moves lines.
    placed: dict[str, list[tuple[tuple[int, int], int, TextEdits | MoveEventFields]]] = defaultdict(list)
    for k, a in enumerate(actions):
        if isinstance(a, MoveEventFields):
            placed[a.path].append(((a.line, a.column), k, a))
        elif isinstance(a, TextEdits):
            for rel in sorted({edit.path for edit in a.fix.edits}):
                start = min((edit.start_line, edit.start_column) for edit in a.fix.edits if edit.path == rel)
                placed[rel].append((start, k, a))
    for rel in sorted(placed):
        for _, _, a in sorted(placed[rel], key=lambda t: (t[0], t[1]), reverse=True):
            if isinstance(a, TextEdits):
                with_file(rel, a, functools.partial(_text_edits, a=a, rel=rel))
            else:
                with_file(rel, a, functools.partial(_move_fields, a=a))

    # 2. Import rewrites, all files at once.
    rewrites = [a for a in actions if isinstance(a, RewriteImports)]
    table: dict[Symbol, Symbol] = {split_symbol(a.source): split_symbol(a.target) for a in rewrites}
    by_symbol = {split_symbol(a.source): a for a in rewrites}
    sites: dict[str, set[Symbol]] = defaultdict(set)
    for e in index.imports.edges:
        if e.implicit or e.importer == e.imported:
            continue
        for name in e.names:
            if (e.imported, name) in table and e.importer != e.imported:
                sites[e.path].add((e.imported, name))
    for rel in sorted(sites):
        w = load(rel)
        if w is None:
            for sym in sorted(sites[rel]):
                refuse(rel, by_symbol[sym], broken[rel])
            continue
        wanted = {s: table[s] for s in sites[rel]}
        w.module, changed = rewrite_imports(w.module, _package(index, rel), wanted)
        for sym in sorted({src for src, _ in changed}):
            a = by_symbol[sym]
            w.applied.append(Applied(rel, a.code, a.title, a.safe, a.fingerprint))

    # 3. Aliases nothing imports any more.
    for a in actions:
        if isinstance(a, RemoveAlias):
            _remove_alias(index, a, load, work, sites, refuse, broken)

    # Every changed file must still parse.
    for rel in sorted(work):
        w = work[rel]
        after = w.module.code
        if after == w.before or not w.applied:
            continue
        try:
            cst.parse_module(after)
            if w.ast_ok:
                ast.parse(after)
        except (cst.ParserSyntaxError, SyntaxError, ValueError) as exc:
            for ap in w.applied:
                result.refused.append(Refused(rel, ap.code, ap.title, f"the result would not parse: {exc}"))
            continue
        result.changes.append(FileChange(rel, w.before, after, w.encoding))
        result.applied.extend(w.applied)
    result.applied.sort(key=lambda x: (x.path, x.code, x.title))
    result.refused.sort(key=lambda x: (x.path, x.code, x.title, x.reason))
    return result


def _text_edits(w: _Work, a: TextEdits, rel: str) -> str:
    try:
        w.module = cst.parse_module(_apply_edits(w.module.code, [e for e in a.fix.edits if e.path == rel]))
    except cst.ParserSyntaxError:
        return "the edits do not produce valid Python"
    w.applied.append(Applied(rel, a.code, a.title, a.fix.safe, a.fingerprint))
    return ""


def _move_fields(w: _Work, a: MoveEventFields) -> str:
    new, reason = move_event_fields(w.module, a.line, a.column, a.fields, a.expected)
    if not reason:
        w.module = new
        w.applied.append(Applied(w.rel, a.code, a.title, False, a.fingerprint))
    return reason


def _remove_alias(
    index: ProjectIndex,
    a: RemoveAlias,
    load: Callable[[str], _Work | None],
    work: dict[str, _Work],
    sites: dict[str, set[Symbol]],
    refuse: Callable[[str, Action, str], None],
    broken: dict[str, str],
) -> None:
    module_name, name = split_symbol(a.alias)
    info = index.modules.get(module_name)
    if info is None:
        return
    for e in index.imports.edges:
        if e.imported != module_name or e.implicit or e.importer == module_name:
            continue
        if not e.statement.startswith("from ") or "*" in e.names or e.dynamic or module_name.rsplit(".", 1)[-1] in e.names:
            return  # the module itself is imported: `mod.Alias` may be used anywhere, keep it
    for rel in sites:
        w = work.get(rel)
        if w is not None and imports_symbol(w.module, _package(index, rel), (module_name, name)):
            return  # an import could not be rewritten
    w = load(info.rel)
    if w is None:
        refuse(info.rel, a, broken[info.rel])
        return
    new = remove_alias(w.module, name)
    if new is None:
        return  # still used in its own module, or not a plain alias: nothing to report
    w.module = new
    w.applied.append(Applied(info.rel, a.code, a.title, True, a.fingerprint))


def write(root: Path, result: FixResult) -> None:
    """Write every change atomically; files were checked by :func:`compute`."""
    for c in result.changes:
        target = resolve_inside(root, c.path)
        data = c.after.encode(c.encoding)
        mode = target.stat().st_mode & 0o7777
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".ssotlint-tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, mode)
            os.replace(tmp, target)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
