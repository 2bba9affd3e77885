"""Carry out planned fixes: compute every file's new text, then (optionally) write it.

``compute`` reads files and returns the changes without touching the disk, so ``--diff``
and the write path share one code path. Each touched file is read and parsed once (in
worker processes when there are many); the work grows with the files touched, not with
aliases times files. A file is refused (left alone, and listed) when it does not parse,
when the result would not parse, when it lies outside the project root (also through a
symlink), or when a codemod cannot apply safely. Before anything is written, every import
the changes touch is checked to still resolve. :func:`write` writes all files or none
(see :mod:`ssotlint.fix.transaction`).
"""

from __future__ import annotations

import ast
import difflib
import os
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import libcst as cst

from ssotlint.diagnostics import Edit
from ssotlint.discovery import in_scope
from ssotlint.fix.codemods import (
    ImportPlan,
    Symbol,
    move_call_fields,
    move_event_fields,
    remove_alias,
    rewrite_consumer,
    rewrite_imports,
)
from ssotlint.fix.names import ImportFacts, public_symbol, text_uses
from ssotlint.fix.plan import (
    Action,
    EventSite,
    MoveEventFields,
    RemoveAlias,
    RewriteConsumer,
    RewriteImports,
    TextEdits,
    split_symbol,
)
from ssotlint.fix.transaction import Change, Transaction
from ssotlint.fix.verify import Broken, broken_imports, new_problems
from ssotlint.index.project import ProjectIndex

#: From this many files on, files are fixed in worker processes.
PARALLEL_THRESHOLD = 48


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
    #: Fixes left for later on purpose (an alias still used elsewhere, or outside the paths).
    kept: list[Refused] = field(default_factory=list)
    #: Imports the changes would break (path, line, module, name); nothing is written then.
    broken: list[Broken] = field(default_factory=list)

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


# --- one file ------------------------------------------------------------------------------

#: Fixes at a place in one file, applied bottom-up.
Placed = TextEdits | MoveEventFields | RewriteConsumer


@dataclass
class FileJob:
    """Everything one file's fixes need (plain data: it travels to worker processes)."""

    rel: str
    placed: list[Placed] = field(default_factory=list)
    imports: ImportPlan | None = None
    actions: dict[Symbol, RewriteImports] = field(default_factory=dict)  # by the symbol imported now


@dataclass
class FileOutcome:
    rel: str
    encoding: str = "utf-8"
    before: str = ""
    after: str = ""
    error: str = ""  # the file could not be read or parsed: nothing was done
    applied: list[Applied] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)
    rewritten: list[Symbol] = field(default_factory=list)  # the imported symbols it rewrote


def _load(root: Path, rel: str) -> tuple[cst.Module | None, str]:
    """The parsed file (one parse: libcst finds the encoding) and its text, or None and
    why there is none."""
    try:
        data = resolve_inside(root, rel).read_bytes()
        module = cst.parse_module(data)
        return module, data.decode(module.encoding)
    except UnsafePath as exc:
        return None, str(exc)
    except OSError as exc:
        return None, exc.strerror or str(exc)
    except (cst.ParserSyntaxError, UnicodeDecodeError, ValueError) as exc:
        return None, f"does not parse: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"


def _parses(before: str, after: str) -> str:
    """"" when ``after`` is valid Python, else why not (libcst decides when this Python's
    own parser cannot read ``before`` either: syntax newer than the interpreter)."""
    try:
        ast.parse(after)
        return ""
    except (SyntaxError, ValueError) as exc:
        reason = str(exc)
    try:
        ast.parse(before)
    except (SyntaxError, ValueError):
        try:
            cst.parse_module(after)
            return ""
        except cst.ParserSyntaxError as exc:
            reason = str(exc).splitlines()[0]
    return f"the result would not parse: {reason}"


def fix_file(root: Path, job: FileJob) -> FileOutcome:
    """Apply one file's fixes: positioned ones bottom-up first, then the import rewrites.

    One file that cannot be fixed (whatever goes wrong) is refused; the others go on.
    """
    try:
        return _fix_file(root, job)
    except Exception as exc:  # one bad file never stops the run
        return FileOutcome(job.rel, error=f"could not be fixed: {type(exc).__name__}: {exc}")


def _fix_file(root: Path, job: FileJob) -> FileOutcome:
    out = FileOutcome(job.rel)
    module, text = _load(root, job.rel)
    if module is None:
        out.error = text
        return out
    out.encoding, out.before = module.encoding, text
    applied: list[Applied] = []
    placed = sorted(job.placed, key=_position, reverse=True)
    for a in placed:
        if isinstance(a, TextEdits):
            try:
                module = cst.parse_module(_apply_edits(module.code, [e for e in a.fix.edits if e.path == job.rel]))
            except cst.ParserSyntaxError:
                out.refused.append(Refused(job.rel, a.code, a.title, "the edits do not produce valid Python"))
                continue
            applied.append(Applied(job.rel, a.code, a.title, a.fix.safe, a.fingerprint))
        else:
            if isinstance(a, RewriteConsumer):
                new, reason = rewrite_consumer(module, a.line, a.column, a.field, a.found, a.expected)
            else:
                new, reason = move_event_fields(module, a.line, a.column, a.fields, a.expected)
                if a.keywords and reason.startswith("no dict literal"):
                    # Not a dict literal: an event passed as keyword arguments.
                    called, why = move_call_fields(module, a.line, a.column, a.fields, a.expected)
                    if not why.startswith("no call at"):
                        new, reason = called, why
            if reason:
                out.refused.append(Refused(job.rel, a.code, a.title, reason))
                continue
            module = new
            applied.append(Applied(job.rel, a.code, a.title, False, a.fingerprint))
    if job.imports is not None:
        module, changed = rewrite_imports(module, job.imports, None if applied else text)
        for sym in sorted({src for src, _ in changed}):
            r = job.actions[sym]
            out.rewritten.append(sym)
            applied.append(Applied(job.rel, r.code, _title(r, job.imports.rewrites[sym]), r.safe, r.fingerprint))
    out.after = module.code
    if applied and out.after != out.before:
        reason = _parses(out.before, out.after)
        if reason:
            out.refused.extend(Refused(job.rel, a.code, a.title, reason) for a in applied)
            out.after = out.before
            return out
    out.applied = applied
    return out


def _title(r: RewriteImports, target: Symbol) -> str:
    """The rewrite's title with the name actually imported."""
    return f"import {target[0]}:{target[1]} instead of {r.source}"


def _position(a: Placed) -> tuple[int, int]:
    if isinstance(a, EventSite):
        return a.line, a.column
    return min((e.start_line, e.start_column) for e in a.fix.edits)


def _run_jobs(
    root: Path, jobs: list[FileJob], workers: int, progress: Callable[[int, int], None] | None
) -> list[FileOutcome]:
    total = len(jobs)
    results: list[FileOutcome] = []
    if workers > 1 and total >= PARALLEL_THRESHOLD and hasattr(os, "fork"):
        import functools
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        ctx = multiprocessing.get_context("fork")
        chunk = max(1, min(16, total // (workers * 8)))
        with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
            try:
                for outcome in pool.map(functools.partial(fix_file, root), jobs, chunksize=chunk):
                    results.append(outcome)
                    if progress:
                        progress(len(results), total)
            except BaseException:
                pool.shutdown(wait=False, cancel_futures=True)
                raise
        return results
    for job in jobs:
        results.append(fix_file(root, job))
        if progress:
            progress(len(results), total)
    return results


# --- the whole fix -------------------------------------------------------------------------


def compute(
    index: ProjectIndex,
    actions: Sequence[Action],
    *,
    scope: tuple[str, ...] | None = None,
    jobs: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> FixResult:
    """Every change the actions make inside ``scope`` (None: everywhere), without writing."""
    root = index.root
    result = FixResult()
    facts = ImportFacts.read(index)
    work: dict[str, FileJob] = {}

    def job(rel: str) -> FileJob:
        if rel not in work:
            work[rel] = FileJob(rel)
        return work[rel]

    for a in actions:
        if isinstance(a, EventSite):
            if in_scope(a.path, scope):
                job(a.path).placed.append(a)
        elif isinstance(a, TextEdits):
            for rel in sorted({e.path for e in a.fix.edits}):
                if in_scope(rel, scope):
                    job(rel).placed.append(a)

    # Import rewrites: each site read from the facts, each target by its public name.
    rewrites = [a for a in actions if isinstance(a, RewriteImports)]
    table: dict[Symbol, Symbol] = {}
    by_symbol: dict[Symbol, RewriteImports] = {}
    for r in rewrites:
        source = split_symbol(r.source)
        table[source] = public_symbol(index, r.target, r.concept)
        by_symbol[source] = r
    guard = _CycleGuard(index)
    per_file: dict[str, dict[Symbol, Symbol]] = defaultdict(dict)
    for source, target in sorted(table.items()):
        r = by_symbol[source]
        for rel, found in sorted(facts.from_sites.get(source, {}).items()):
            importer = index.modules.by_rel.get(rel)
            if importer is None or importer.name == source[0] or not in_scope(rel, scope):
                continue
            if importer.name == target[0]:
                result.refused.append(Refused(rel, r.code, _title(r, target), "the target is defined in this module"))
                continue
            cycle = guard.closes(importer.name, target[0], {f.context for f in found})
            if cycle:
                result.refused.append(Refused(rel, r.code, _title(r, target), f"would close an import cycle: {cycle}"))
                continue
            per_file[rel][source] = target
    for rel, wanted in per_file.items():
        info = index.modules.by_rel[rel]
        own = index.files[rel].dunder_all or ()
        locals_ = {
            imported.asname or imported.name
            for source in wanted
            for fact in facts.from_sites[source][rel]
            for imported in fact.names
            if imported.name == source[1]
        }
        exported = frozenset(n for n in locals_ if n in own or facts.imported(info.name, n))
        j = job(rel)
        j.imports = ImportPlan(_package(index, rel), wanted, exported)
        j.actions = {s: by_symbol[s] for s in wanted}

    outcomes = {o.rel: o for o in _run_jobs(root, [work[rel] for rel in sorted(work)], jobs, progress)}
    for rel, o in outcomes.items():
        if o.error:
            j = work[rel]
            result.refused.extend(Refused(rel, a.code, a.title, o.error) for a in j.placed)
            result.refused.extend(Refused(rel, a.code, _title(a, t), o.error) for s, a in j.actions.items() for t in [table[s]])
        result.refused.extend(o.refused)

    _remove_aliases(index, facts, [a for a in actions if isinstance(a, RemoveAlias)], outcomes, scope, result)

    for rel in sorted(outcomes):
        o = outcomes[rel]
        if o.applied and o.after != o.before:
            result.changes.append(FileChange(rel, o.before, o.after, o.encoding))
            result.applied.extend(o.applied)

    texts = {c.path: c.after for c in result.changes}
    before = {c.path: c.before for c in result.changes}
    reader = _Reader(root)
    result.broken = new_problems(
        broken_imports(index, facts, before, reader), broken_imports(index, facts, texts, reader)
    )
    result.applied.sort(key=lambda x: (x.path, x.code, x.title))
    result.refused.sort(key=lambda x: (x.path, x.code, x.title, x.reason))
    result.kept.sort(key=lambda x: (x.path, x.code, x.title, x.reason))
    return result


class _Reader:
    """File texts read on demand, each once."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.base = str(root)
        self.texts: dict[str, str | None] = {}

    def __call__(self, rel: str) -> str | None:
        if rel not in self.texts:
            data = self.data(rel)
            self.texts[rel] = None if data is None else data.decode("utf-8", errors="replace")
        return self.texts[rel]

    def data(self, rel: str) -> bytes | None:
        """The file's bytes (only read: a path that leads outside the root is harmless here)."""
        try:
            with open(os.path.join(self.base, rel), "rb") as fh:  # thousands of files: no pathlib
                return fh.read()
        except OSError:
            return None


class _CycleGuard:
    """Whether a new import ``importer -> target`` would close an import cycle."""

    def __init__(self, index: ProjectIndex) -> None:
        self.index = index
        self.reach: dict[tuple[str, bool], dict[str, str]] = {}
        self.succ: dict[bool, dict[str, set[str]]] = {}

    def _successors(self, deferred: bool) -> dict[str, set[str]]:
        if deferred not in self.succ:
            from ssotlint.facts.model import DEFERRED, IMPORT_TIME

            kinds = frozenset({IMPORT_TIME, DEFERRED} if deferred else {IMPORT_TIME})
            succ: dict[str, set[str]] = defaultdict(set)
            for e in self.index.imports.edges:
                if e.kind in kinds:
                    succ[e.importer].add(e.imported)
            self.succ[deferred] = succ
        return self.succ[deferred]

    def _reachable(self, start: str, deferred: bool) -> dict[str, str]:
        """Every module ``start`` runs (with the module it was reached from)."""
        key = (start, deferred)
        if key not in self.reach:
            succ = self._successors(deferred)
            seen = {start: ""}
            todo = [start]
            while todo:
                node = todo.pop()
                for nxt in sorted(succ.get(node, ())):
                    if nxt not in seen:
                        seen[nxt] = node
                        todo.append(nxt)
            self.reach[key] = seen
        return self.reach[key]

    def closes(self, importer: str, target: str, contexts: Iterable[str]) -> str:
        """The cycle (as text) the import would close, or ""."""
        from ssotlint.facts.model import DEFERRED, IMPORT_TIME

        kinds = set(contexts)
        if not kinds & {IMPORT_TIME, DEFERRED}:
            return ""  # typing-only imports never run
        deferred = DEFERRED in kinds
        seen = self._reachable(target, deferred)
        if importer not in seen or target in self._reachable(importer, deferred):
            return ""  # no cycle, or one the importer is already on (through the import replaced)
        path = [importer]
        while path[-1] != target:
            path.append(seen[path[-1]])
        return " -> ".join([importer, *reversed(path)])


def _remove_aliases(
    index: ProjectIndex,
    facts: ImportFacts,
    removals: list[RemoveAlias],
    outcomes: dict[str, FileOutcome],
    scope: tuple[str, ...] | None,
    result: FixResult,
) -> None:
    """Remove every alias no importer of any form uses once the imports are rewritten.

    Repeated until nothing more goes, so that a second run has nothing left to remove.
    """
    if not removals:
        return
    rewritten: dict[Symbol, set[str]] = defaultdict(set)
    for o in outcomes.values():
        if o.applied and o.after != o.before:
            for sym in o.rewritten:
                rewritten[sym].add(o.rel)
    names = {split_symbol(a.alias)[1] for a in removals}
    reader = _Reader(index.root)
    mentions = _files_mentioning(index, names, reader)
    pending: list[tuple[RemoveAlias, Symbol]] = []
    for a in removals:
        sym = split_symbol(a.alias)
        info = index.modules.get(sym[0])
        if info is None:
            continue
        if not in_scope(info.rel, scope):
            result.kept.append(Refused(info.rel, a.code, a.title, "the alias lies outside the paths"))
            continue
        users = sorted(set(facts.from_sites.get(sym, {})) - rewritten[sym] - {info.rel})
        if users:
            result.kept.append(Refused(info.rel, a.code, a.title, f"still imported by {_files(users)}"))
            continue
        exported = index.files[info.rel].dunder_all
        stars = sorted(facts.stars.get(sym[0], set()) - {info.rel})
        if stars and (sym[1] in exported if exported is not None else not sym[1].startswith("_")):
            result.kept.append(Refused(info.rel, a.code, a.title, f"star-imported by {_files(stars)}"))
            continue
        candidates = sorted(mentions.get(sym[1], set()) - {info.rel})
        texts = text_uses(sym[0], sym[1], facts, _after_text(outcomes, reader), candidates)
        if texts:
            result.kept.append(Refused(info.rel, a.code, a.title, f"still used by {_files(texts)}"))
            continue
        pending.append((a, sym))
    parsed: dict[str, cst.Module] = {}  # alias modules, parsed once each
    progress = True
    while pending and progress:
        progress = False
        for a, sym in list(pending):
            info = index.modules.get(sym[0])
            assert info is not None
            found = outcomes.get(info.rel)
            if found is None:
                module, text = _load(index.root, info.rel)
                if module is None:
                    result.refused.append(Refused(info.rel, a.code, a.title, text))
                    pending.remove((a, sym))
                    continue
                o = outcomes[info.rel] = FileOutcome(info.rel, module.encoding, text, text)
            else:
                o = found
            if o.error:
                result.refused.append(Refused(info.rel, a.code, a.title, o.error))
                pending.remove((a, sym))
                continue
            current = parsed.get(info.rel)
            if current is None:
                try:
                    current = parsed[info.rel] = cst.parse_module(o.after)
                except cst.ParserSyntaxError:
                    pending.remove((a, sym))
                    continue
            new = remove_alias(current, sym[1])
            if new is None:
                continue
            parsed[info.rel] = new
            o.after = new.code
            o.applied.append(Applied(info.rel, a.code, a.title, True, a.fingerprint))
            pending.remove((a, sym))
            progress = True


def _after_text(outcomes: dict[str, FileOutcome], reader: _Reader) -> Callable[[str], str | None]:
    def read(rel: str) -> str | None:
        o = outcomes.get(rel)
        return o.after if o is not None and not o.error else reader(rel)

    return read


def _files_mentioning(index: ProjectIndex, names: set[str], reader: _Reader) -> dict[str, set[str]]:
    """name -> the project files whose text contains it (one read of each file)."""
    out: dict[str, set[str]] = defaultdict(set)
    if not names:
        return out
    ordered = [(name, name.encode()) for name in sorted(names)]
    anyone = re.compile(b"|".join(re.escape(raw) for _, raw in sorted(ordered, key=lambda n: -len(n[1]))))
    for rel in index.files:
        data = reader.data(rel)
        if data is None or not anyone.search(data):
            continue
        for name, raw in ordered:
            if raw in data:
                out[name].add(rel)
    return out


def _files(rels: Sequence[str]) -> str:
    shown = ", ".join(rels[:3])
    return shown if len(rels) <= 3 else f"{shown} and {len(rels) - 3} more"


def broken_on_disk(index: ProjectIndex, result: FixResult) -> list[Broken]:
    """The imports that resolved before ``result`` was written and do not now, as the files
    read on disk (``index``: a run after the writes)."""
    reader = _Reader(index.root)
    now = {c.path: reader(c.path) or "" for c in result.changes}
    facts = ImportFacts.read(index)
    before = {c.path: c.before for c in result.changes}
    return new_problems(broken_imports(index, facts, before, reader), broken_imports(index, facts, now, reader))


def write(root: Path, result: FixResult) -> Transaction:
    """Write every change, all or none; files were checked by :func:`compute`.

    The returned transaction still holds the originals: :meth:`Transaction.commit` once
    the result is accepted, :meth:`Transaction.rollback` to put them back.
    """
    targets = {c.path: resolve_inside(root, c.path) for c in result.changes}
    changes = [Change(c.path, c.before.encode(c.encoding), c.after.encode(c.encoding)) for c in result.changes]
    return Transaction.write(root, changes, targets)
