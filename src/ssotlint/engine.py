"""discover -> extract facts (parallel, cached) -> project index -> rules -> suppress -> sort.

The engine never prints and never exits: it returns data, logs warnings through
:mod:`logging`, and raises :class:`~ssotlint.config.ConfigError` or :class:`UsageError`.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import logging
import marshal
import os
import signal
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from ssotlint import __version__
from ssotlint import baseline as baseline_mod
from ssotlint.cache import (
    CyclesState,
    CycleStore,
    EdgeStore,
    FactsCache,
    FamilyState,
    StatKey,
    SuppressionUsage,
    content_digest,
    decode_diagnostics,
    encode_diagnostics,
)
from ssotlint.config import Config, default_jobs
from ssotlint.diagnostics import Diagnostic, Span
from ssotlint.discovery import SourceFile, discover, in_scope, resolve_scope
from ssotlint.facts.blob import SUPPRESSIONS, flagged, pack, unpack
from ssotlint.facts.extract import FACTS_SCHEMA, FAMILIES, extract
from ssotlint.facts.model import FileFacts, ParseError
from ssotlint.index import class_changes
from ssotlint.index.imports import Resolver
from ssotlint.index.project import ProjectIndex
from ssotlint.index.symbols import build_namespace
from ssotlint.limits import DEFAULT_MAX_FILE_SIZE, too_large
from ssotlint.rules import ALL_RULES, Rule, is_selected
from ssotlint.rules.cycles import CYCLE_RULES, analysis
from ssotlint.rules.meta import StaleBaselineEntry, UnusedSuppression
from ssotlint.shift import ClassVersions, shifted, shifted_cycles, shifted_duplicates

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
PARALLEL_THRESHOLD = 24  # below this many files to parse, worker start-up costs more than it saves


class UsageError(Exception):
    """Bad command-line input (a path outside the project...)."""


@dataclass(frozen=True)
class RunOptions:
    paths: Sequence[Path] = ()
    jobs: int | None = None
    use_cache: bool = True
    select: tuple[str, ...] | None = None  # overrides config.select
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    progress: Progress | None = None
    baseline: Path | None = None  # overrides config.baseline
    use_baseline: bool = True


@dataclass
class RunResult:
    config: Config
    diagnostics: list[Diagnostic]
    files: int
    parsed: int  # files actually parsed (cache misses)
    suppressed: int
    index: ProjectIndex
    rules: tuple[type[Rule], ...]
    scope: tuple[str, ...] | None = None
    baselined: list[Diagnostic] = field(default_factory=list)  # hidden by the baseline
    baseline_file: Path | None = None
    cached_findings: bool = False  # findings reused from the result cache: nothing changed


def selected_rules(config: Config, options: RunOptions) -> tuple[type[Rule], ...]:
    select = options.select if options.select is not None else config.select
    select = (*select, *config.extend_select, *options.extend_select)
    ignore = (*config.ignore, *options.ignore)
    return tuple(r for r in ALL_RULES if is_selected(r.code, select, ignore))


# --- facts ---------------------------------------------------------------------------


def _extract_blob(data: bytes, emitters: tuple[str, ...] = (), families: frozenset[str] = FAMILIES) -> bytes:
    # A syntax tree has no reference cycles and is freed by reference counting; the cyclic
    # collector would only rescan it over and over while it is built (a third of the time).
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        facts = extract(data, emitters, families)
    except Exception as exc:  # a bug in a collector must not stop the run
        facts = FileFacts(
            error=ParseError(f"internal error while analysing this file: {type(exc).__name__}: {exc}", 1, 1),
            suppressions=(),
            line_count=0,
            downgraded=False,
        )
    finally:
        if gc_was_enabled:
            gc.enable()
    return pack(facts)


class FactsTable(Mapping[str, FileFacts]):
    """Facts by relative path (sorted), decoded from their stored form on first access.

    ``digests`` holds each file's content digest: together they identify the project state.
    """

    def __init__(
        self,
        blobs: Mapping[str, bytes],
        digests: Mapping[str, bytes],
        stored_blob: Callable[[bytes], bytes | None] = lambda digest: None,
    ) -> None:
        self._blobs = {rel: blobs[rel] for rel in sorted(blobs)}
        self.digests = {rel: digests[rel] for rel in self._blobs}
        self._decoded: dict[str, FileFacts] = {}
        #: The stored facts of any content digest the cache knows (earlier versions of files).
        self.stored_blob = stored_blob

    def __getitem__(self, rel: str) -> FileFacts:
        facts = self._decoded.get(rel)
        if facts is None:
            facts = unpack(self._blobs[rel])
            self._decoded[rel] = facts
        return facts

    def having(self, flags: int) -> Iterator[str]:
        """The files whose stored facts have any of ``flags`` (see ``facts.blob``)."""
        return (rel for rel, b in self._blobs.items() if b[0] & flags)

    def __iter__(self) -> Iterator[str]:
        return iter(self._blobs)

    def __len__(self) -> int:
        return len(self._blobs)

    def __contains__(self, rel: object) -> bool:
        return rel in self._blobs


def _stat_key(st: os.stat_result) -> StatKey:
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def collect_facts(
    files: Sequence[SourceFile],
    cache: FactsCache,
    jobs: int,
    progress: Progress | None = None,
    emitters: tuple[str, ...] = (),
    families: frozenset[str] = FAMILIES,
    max_size: int = DEFAULT_MAX_FILE_SIZE,
) -> tuple[FactsTable, int]:
    """Facts for every file, from the cache where the content is known. Returns (facts, parsed).

    Files of more than ``max_size`` bytes are skipped with a warning, before they are read.
    """
    blobs: dict[str, bytes] = {}
    digests: dict[str, bytes] = {}
    todo: list[tuple[str, StatKey | None, bytes, bytes]] = []  # rel, stat, digest, data
    total = len(files)
    for f in files:
        try:
            st = f.path.stat()
        except OSError as exc:
            log.warning("skipping %s: %s", f.rel, exc.strerror or exc)
            continue
        if st.st_size > max_size:
            log.warning("skipping %s: %s", f.rel, too_large(st.st_size, max_size))
            continue
        stat = _stat_key(st)
        digest = cache.digest_for_stat(f.rel, stat)
        if digest is not None:
            blob = cache.get(digest)
            assert blob is not None
            cache.record(f.rel, stat, digest, blob, fresh=False)
            blobs[f.rel] = blob
            digests[f.rel] = digest
            continue
        try:
            data = _read_at_most(f.path, max_size, st.st_size)
        except OSError as exc:
            log.warning("skipping %s: %s", f.rel, exc.strerror or exc)
            continue
        if data is None:  # it grew since
            log.warning("skipping %s: %s", f.rel, too_large(max_size + 1, max_size))
            continue
        digest = content_digest(data)
        blob = cache.get(digest)
        if blob is not None:
            cache.record(f.rel, stat, digest, blob, fresh=False)
            blobs[f.rel] = blob
            digests[f.rel] = digest
        else:
            todo.append((f.rel, stat, digest, data))
    done = total - len(todo)
    if progress:
        progress(done, total)

    results: Iterable[bytes]
    work = functools.partial(_extract_blob, emitters=emitters, families=families)
    if jobs > 1 and len(todo) >= PARALLEL_THRESHOLD:
        # Largest files first: a big file left for the end would keep one worker busy while
        # the others idle. (Results are keyed by path, so the order changes nothing else.)
        todo.sort(key=lambda t: (-len(t[3]), t[0]))
        import multiprocessing  # only when files are parsed in parallel
        from concurrent.futures import ProcessPoolExecutor

        ctx = multiprocessing.get_context("fork") if sys.platform == "linux" else None
        chunk = max(1, min(64, len(todo) // (jobs * 8)))
        with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
            results = pool.map(work, (t[3] for t in todo), chunksize=chunk)
            done = _store(todo, results, cache, blobs, progress, done, total)
    else:
        done = _store(todo, map(work, (t[3] for t in todo)), cache, blobs, progress, done, total)
    for rel, _, digest, _ in todo:
        digests[rel] = digest
    return FactsTable(blobs, digests, cache.get), len(todo)


def _read_at_most(path: Path, limit: int, expected: int) -> bytes | None:
    """The file's bytes, or None when it has more than ``limit`` (``expected``: its size
    when it was looked at; it may have changed since)."""
    with path.open("rb") as fh:
        data = fh.read(min(limit, expected) + 1)
        while len(data) <= limit:
            more = fh.read(min(1 << 22, limit + 1 - len(data)))
            if not more:
                return data
            data += more
    return None


def _store(
    todo: list[tuple[str, StatKey | None, bytes, bytes]],
    results: Iterable[bytes],
    cache: FactsCache,
    blobs: dict[str, bytes],
    progress: Progress | None,
    done: int,
    total: int,
) -> int:
    for (rel, stat, digest, _), blob in zip(todo, results, strict=True):
        cache.record(rel, stat, digest, blob, fresh=True)
        blobs[rel] = blob
        done += 1
        if progress and (done % 64 == 0 or done == total):
            progress(done, total)
    return done


# --- suppression ---------------------------------------------------------------------------


def suppression_usage(index: ProjectIndex, rules: Sequence[type[Rule]]) -> SuppressionUsage:
    """Which ignore comments and ``imports.allow`` entries removed an edge of a cycle, for
    the cycle rules among ``rules`` (see cache.SuppressionUsage)."""
    codes = {r.code for r in rules}
    if not {"SSOT201", "SSOT202"} & codes:
        return frozenset(), frozenset(), frozenset(), frozenset()
    cycles = analysis(index)
    runtime = cycles.runtime_suppression if "SSOT201" in codes else None
    deferred = cycles.deferred_suppression if "SSOT202" in codes else None
    return (
        runtime.used_comments if runtime else frozenset(),
        deferred.used_comments if deferred else frozenset(),
        runtime.used_allow if runtime else frozenset(),
        deferred.used_allow if deferred else frozenset(),
    )


def apply_suppressions(
    index: ProjectIndex,
    diagnostics: list[Diagnostic],
    rules: tuple[type[Rule], ...],
    usage: SuppressionUsage | None = None,
) -> tuple[list[Diagnostic], list[tuple[str, ...]]]:
    """Drop suppressed findings; add SSOT902 for suppressions that suppressed nothing
    (``usage``: :func:`suppression_usage`, when already known).

    Returns the findings kept and the locations of each finding dropped.
    """
    import pathspec

    selected_codes = {r.code for r in rules}
    pfi = [(pathspec.GitIgnoreSpec.from_lines([glob]), codes) for glob, codes in index.config.per_file_ignores]
    used: set[tuple[str, int]] = set()
    kept: list[Diagnostic] = []
    suppressed: list[tuple[str, ...]] = []
    commented = set(flagged(index.files, SUPPRESSIONS))  # the other files have no comments to read
    for d in diagnostics:
        facts = index.files.get(d.path) if d.path in commented else None
        hidden = False
        for spec, codes in pfi:
            if any(d.code.startswith(c) or c == "ALL" for c in codes) and spec.match_file(d.path):
                hidden = True
        if facts is not None and not hidden:
            for s in facts.suppressions:
                applies = not s.codes or any(d.code.startswith(c) for c in s.codes)
                if applies and (s.file_level or s.line == d.span.line):
                    hidden = True
                    used.add((d.path, s.line))
        if hidden:
            suppressed.append(d.locations())
        else:
            kept.append(d)

    if UnusedSuppression.code not in selected_codes:
        return kept, suppressed

    if usage is None:
        usage = suppression_usage(index, rules)
    comments, deferred_comments, allow, deferred_allow = usage
    used |= comments | deferred_comments
    # An unused-suppression finding lies in the comment's file only: only the files with
    # suppression comments (and in focus, if there is one) need reading.
    for path in flagged(index.files, SUPPRESSIONS):
        if not index.in_focus(path):
            continue
        facts = index.files[path]
        for s in facts.suppressions:
            if (path, s.line) in used:
                continue
            named = [c for c in s.codes if any(c.startswith(sc) or sc.startswith(c) for sc in selected_codes)]
            if s.codes and not named:
                continue  # about rules not run now: cannot tell
            what = ", ".join(s.codes) if s.codes else "all rules"
            d = UnusedSuppression.diagnostic(
                message=f"unused suppression for {what}",
                path=path,
                span=Span.point(s.line, s.column),
                entity=f"comment:{','.join(s.codes)}",
                data={"codes": list(s.codes), "file_level": s.file_level},
            )
            if not _line_suppresses(facts, s.line, d.code):
                kept.append(d)
    allow_used = allow | deferred_allow
    if {"SSOT201", "SSOT202"} & selected_codes:
        cfg = index.config.display_config
        for entry in index.config.allow_imports:
            if entry.text in allow_used:
                continue
            kept.append(
                UnusedSuppression.diagnostic(
                    message=f"unused imports.allow entry {entry.text!r}: it removes no import that is part of a cycle",
                    path=cfg,
                    span=Span.point(entry.line or 1, 1),
                    entity=f"allow:{entry.text}",
                    data={"allow": entry.text},
                )
            )
    return kept, suppressed


def _line_suppresses(facts: FileFacts, line: int, code: str) -> bool:
    return any(
        (s.file_level or s.line == line) and s.codes and any(code.startswith(c) for c in s.codes)
        for s in facts.suppressions
    )


# --- the run ------------------------------------------------------------------------------------


def index_project(
    config: Config,
    options: RunOptions,
    families: frozenset[str] | None = None,
    pending: list[Callable[[], None]] | None = None,
) -> tuple[ProjectIndex, tuple[str, ...] | None, int]:
    """Facts and the project index, before any rule runs: (index, report scope, files parsed).

    ``families``: the optional facts to extract; default: what the selected rules read.
    ``pending``: when given, writing the facts cache is appended to it instead of done here
    (the caller does it while other work runs).
    """
    try:
        scope = resolve_scope(config, options.paths) if options.paths else None
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    for p in options.paths:
        if not p.exists():
            raise UsageError(f"{p}: no such file or directory")
    files = discover(config)
    jobs = options.jobs or config.jobs or default_jobs()
    if families is None:
        families = frozenset().union(*(r.families for r in selected_rules(config, options)))
    key = f"{config.extraction_key()}|families={','.join(sorted(families))}"
    cache = FactsCache(config.root / config.cache_dir, key, enabled=options.use_cache)
    cache.load()
    facts, parsed = collect_facts(
        files, cache, jobs, options.progress, config.event_emitters, families, config.max_file_size
    )
    if pending is None:
        cache.save()
    else:
        pending.append(cache.save)
    index = ProjectIndex(config, facts)
    index.edge_store = EdgeStore(cache.directory, key, index.modules.key(), enabled=options.use_cache)
    index.cycle_store = CycleStore(cache.directory, key, enabled=options.use_cache)
    return index, scope, parsed


def run(config: Config, options: RunOptions) -> RunResult:
    # The facts and the index are hundreds of thousands of small objects, and the analysis
    # makes few reference cycles: the cyclic collector would scan them again and again
    # (a third of a run's time). Reference counting frees what the run drops.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _run(config, options)
    finally:
        if collecting:
            gc.enable()


def _run(config: Config, options: RunOptions) -> RunResult:
    pending: list[Callable[[], None]] = []
    index, scope, parsed = index_project(config, options, pending=pending)
    rules = selected_rules(config, options)
    stored: tuple[list[Diagnostic], list[tuple[str, ...]]] | None = None
    key: bytes | None = None
    inputs = b""
    results = FactsCache(config.root / config.cache_dir, config.extraction_key(), enabled=options.use_cache)
    table = index.files if isinstance(index.files, FactsTable) else None
    if results.enabled and table is not None and all(r.facts_only for r in rules):
        inputs = inputs_key(config, rules, _input_files(index, rules))
        key = result_key(inputs, table)
        stored = results.load_result(key)
        if stored is not None:
            log.info("nothing changed since the last run: its findings are reused")
        else:
            moved = shifted(results.load_previous_result(inputs), table.digests, table.stored_blob, table.__getitem__)
            if moved is not None:
                log.info("the changed files differ only by where their lines are: findings renumbered")
                stored = decode_diagnostics(moved[0]), moved[1]
                results.save_result(key, stored[0], stored[1], inputs, table.digests)
    if stored is not None:
        diagnostics, hidden = stored
        for write in pending:
            write()
    else:
        # Without a findings cache, rules skip what cannot touch the paths asked about
        # (the findings that do are the same as in a whole-project run). With one, the
        # whole project's findings are stored for later runs to reuse.
        index.focus = scope if key is None else None
        jobs = options.jobs or config.jobs or default_jobs()
        if isinstance(index.edge_store, EdgeStore):
            pending.append(index.edge_store.save)
        if isinstance(index.cycle_store, CycleStore):
            pending.append(index.cycle_store.save)
        # Each family's findings may be the last run's, renumbered, when the changed files
        # differ only in what the family does not read. Each rule reports under its own code.
        by_rule: dict[str, list[Diagnostic]] = {r.code: [] for r in rules}
        duplicates = duplicate_rules(rules)
        reused: _Reused | None = None
        carried: _Carried | None = None  # the symbol answers of the last full run that still hold
        if key is not None and table is not None and duplicates:
            reused, carried = _reused_duplicates(results.load_duplicates_state(inputs), index, table)
        save_state: FamilySaver | None = None
        if key is not None and table is not None and duplicates:
            digests = table.digests

            def save_state(plain: list[tuple[Any, ...]], queries: set[tuple[str, str]], summary: bytes) -> None:
                # The symbol answers that hold in later states go beside the state.
                symbols = index.__dict__.get("symbols")
                token = b""
                if symbols is not None and summary:
                    token = os.urandom(16)
                    results.save_symbols(token, symbols.clean_state())
                results.save_duplicates_state(
                    FamilyState(inputs, digests, plain, queries, summary, token, frozenset())
                )

        def prepare() -> None:  # before the duplicate rules run, wherever they run
            if carried is not None:
                _prefill(index, results, carried)

        # The duplicate rules, when they must run, start in a child process at once.
        children: list[int] = []
        child = None
        if reused is None and _forks(index, rules, jobs):
            child = _fork_rules(index, duplicates, save_state, prepare)
        cycles = cycle_rules(rules)
        kept_cycles = None
        if key is not None and table is not None and cycles:
            try:
                kept_cycles = _reused_cycles(results.load_cycles_state(inputs), table)
            except BaseException:
                _stop(child)
                raise
        if kept_cycles is not None:
            log.info("the changes do not reach the cycle rules: their findings renumbered")
            for d in kept_cycles.findings:
                by_rule[d.code].append(d)
        to_run = [r for r in rules if kept_cycles is None or r not in cycles]
        if reused is None:
            found = check_rules(
                index, to_run, jobs, then=pending, save_state=save_state, child=child, children=children, prepare=prepare
            )
            for d in found:
                by_rule[d.code].append(d)
        else:
            log.info("the changes do not reach the duplicate rules: their findings renumbered, the rest computed")
            for d in reused.findings:
                by_rule[d.code].append(d)
            for r in to_run:
                if r not in duplicates:
                    by_rule[r.code] += r().check(index)
            for work in pending:
                work()
        diagnostics = [d for r in rules for d in by_rule[r.code]]
        usage = kept_cycles.usage if kept_cycles is not None and kept_cycles.usage else suppression_usage(index, rules)
        diagnostics, hidden = apply_suppressions(index, diagnostics, rules, usage)
        if key is not None and table is not None:
            results.save_result(key, diagnostics, hidden, inputs, table.digests)
            # Each family's state follows the files (renumbered after a reuse): the facts
            # of the files' earlier versions, which the next run compares against, are
            # kept only as long as they are current.
            # (When the duplicate rules ran, they kept their state themselves.)
            if reused is not None and reused.digests != table.digests and index.symbol_queries is not None:
                token, dirty = carried or (b"", frozenset())
                results.save_duplicates_state(
                    FamilyState(
                        inputs, table.digests, reused.plain, index.symbol_queries, index.concept_summary, token, dirty
                    )
                )
            if cycles and not (kept_cycles is not None and kept_cycles.digests == table.digests):
                raw = [d for r in cycles for d in by_rule[r.code]]
                results.save_cycles_state(inputs, table.digests, raw, usage, kept_cycles and kept_cycles.plain)
        for pid in children:  # a child still writing the duplicate state
            with contextlib.suppress(OSError):
                os.waitpid(pid, 0)
    if scope is not None:
        hidden = [locs for locs in hidden if _touches(locs, scope)]
    suppressed = len(hidden)

    baselined: list[Diagnostic] = []
    stale: list[Diagnostic] = []  # about files in scope, anchored in the baseline file
    baseline_file = baseline_path(config, options) if options.use_baseline else None
    if baseline_file is not None and baseline_file.exists():
        try:
            loaded = baseline_mod.load(baseline_file)
        except baseline_mod.BaselineError as exc:
            raise UsageError(str(exc)) from exc
        matched = baseline_mod.match(loaded, diagnostics, (r.code for r in rules))
        diagnostics, baselined = matched.new, matched.baselined
        if StaleBaselineEntry in rules:
            rel = _relative(config.root, baseline_file)
            stale.extend(
                StaleBaselineEntry.diagnostic(
                    message=f"baseline entry for {e.code} in {e.path} matches no finding any more",
                    path=rel,
                    span=Span.point(e.line, 1),
                    entity=f"{e.fingerprint}",
                    data={"fingerprint": e.fingerprint, "code": e.code, "path": e.path},
                    touches=(e.path,),
                )
                for e in matched.stale
                if scope is None or in_scope(e.path, scope)
            )

    if scope is not None:
        diagnostics = _touching(diagnostics, scope)
        baselined = _touching(baselined, scope)
    diagnostics += stale
    diagnostics.sort(key=Diagnostic.sort_key)
    baselined.sort(key=Diagnostic.sort_key)
    return RunResult(
        config=config,
        diagnostics=diagnostics,
        files=len(index.files),
        parsed=parsed,
        suppressed=suppressed,
        index=index,
        rules=rules,
        scope=scope,
        baselined=baselined,
        baseline_file=baseline_file,
        cached_findings=stored is not None,
    )


def duplicate_rules(rules: Sequence[type[Rule]]) -> list[type[Rule]]:
    """The rules that read class facts (the duplicate family): they share nothing with the
    others but the facts, and are the ones run apart and reused apart."""
    return [r for r in rules if "classes" in r.families]


#: From this many files on, the duplicate rules run in a forked process beside the others.
FORK_THRESHOLD = 1000


#: Keeps the duplicate rules' state: (their findings before suppression, plain; the
#: lookups they made; the class summary).
FamilySaver = Callable[[list[tuple[Any, ...]], set[tuple[str, str]], bytes], None]


def _forks(index: ProjectIndex, rules: Sequence[type[Rule]], jobs: int) -> bool:
    """Whether the duplicate rules run in a child process beside the others."""
    forked = duplicate_rules(rules)
    rest = [r for r in rules if r not in forked]
    return jobs >= 2 and bool(forked) and bool(rest) and len(index.files) >= FORK_THRESHOLD and hasattr(os, "fork")


def check_rules(
    index: ProjectIndex,
    rules: Sequence[type[Rule]],
    jobs: int = 1,
    then: Sequence[Callable[[], None]] = (),
    save_state: FamilySaver | None = None,
    child: tuple[int, int] | None = None,
    children: list[int] | None = None,
    prepare: Callable[[], None] = lambda: None,
) -> list[Diagnostic]:
    """Every selected rule's findings, in rule order; ``then``: work to do once this
    process has run its rules (cache writes), while a forked child may still be busy;
    ``save_state``: keeps the duplicate rules' state wherever they ran.

    The duplicate rules (class facts, symbol table, concepts) share nothing with the import
    and event rules but the facts: on a large project with two or more jobs they run in a
    forked child process while this one runs the rest (``child``: one started already),
    and their findings come back as plain data. If the child fails in any way, they run
    here instead. A child that is still writing the state is added to ``children``, for
    the caller to wait for.
    """
    forked = duplicate_rules(rules)
    rest = [r for r in rules if r not in forked]
    if child is None and not _forks(index, rules, jobs):
        if forked:
            prepare()
        diagnostics = [d for rule in rules for d in rule().check(index)]
        if forked:
            index.symbol_queries, index.concept_summary = _family(index)
            if save_state is not None:
                codes = {r.code for r in forked}
                plain = encode_diagnostics([d for d in diagnostics if d.code in codes])
                if plain is not None:
                    save_state(plain, index.symbol_queries, index.concept_summary)
        for work in then:
            work()
        return diagnostics
    if child is None:
        child = _fork_rules(index, forked, save_state, prepare)
    try:
        found: dict[str, list[Diagnostic]] = {r.code: list(r().check(index)) for r in rest}
        for work in then:
            work()
    except BaseException:
        _stop(child)
        raise
    found.update(_join_rules(child, index, forked, save_state, children, prepare))
    return [d for rule in rules for d in found[rule.code]]


def _stop(child: tuple[int, int] | None) -> None:
    """Kill and reap a child: never leave it blocked on a pipe nobody reads."""
    if child is not None:
        with contextlib.suppress(OSError):
            os.close(child[1])
        with contextlib.suppress(OSError):
            os.kill(child[0], signal.SIGKILL)
            os.waitpid(child[0], 0)


def _fork_rules(
    index: ProjectIndex,
    rules: Sequence[type[Rule]],
    save_state: FamilySaver | None = None,
    prepare: Callable[[], None] = lambda: None,
) -> tuple[int, int] | None:
    """Start a child that runs ``rules`` (after ``prepare``), writes their findings to a
    pipe, then keeps their state (``save_state``): (pid, fd)."""
    try:
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        read_fd, write_fd = os.pipe()
        pid = os.fork()
    except OSError as exc:
        log.debug("running the duplicate rules in this process: %s", exc)
        return None
    if pid:
        os.close(write_fd)
        return pid, read_fd
    # The child: never return into the caller's code, never run exit handlers.
    status = 0
    try:
        os.close(read_fd)
        prepare()
        found = {r.code: encode_diagnostics(list(r().check(index))) for r in rules}
        usable = all(v is not None for v in found.values())
        payload = marshal.dumps(found) if usable else b""
        with os.fdopen(write_fd, "wb") as pipe:
            pipe.write(payload)
        if usable and save_state is not None:  # the parent goes on meanwhile
            queries, summary = _family(index)
            save_state([d for r in rules for d in found[r.code] or ()], queries, summary)
    except BaseException:  # the parent runs the rules itself, and reports their errors
        status = 1
    os._exit(status)


def _join_rules(
    child: tuple[int, int] | None,
    index: ProjectIndex,
    rules: Sequence[type[Rule]],
    save_state: FamilySaver | None = None,
    children: list[int] | None = None,
    prepare: Callable[[], None] = lambda: None,
) -> dict[str, list[Diagnostic]]:
    payload = b""
    if child is not None:
        pid, read_fd = child
        with os.fdopen(read_fd, "rb") as pipe:
            payload = pipe.read()
        if payload and children is not None:
            children.append(pid)  # it keeps the state now: the caller waits for it later
        else:
            _, status = os.waitpid(pid, 0)
            if status != 0:
                payload = b""
    if payload:
        try:
            found = marshal.loads(payload)
            return {code: decode_diagnostics(found[code]) for code in (r.code for r in rules)}
        except Exception as exc:  # run them here instead
            log.debug("unusable findings from the child process: %s", exc)
    prepare()
    decoded = {r.code: list(r().check(index)) for r in rules}
    index.symbol_queries, index.concept_summary = _family(index)
    if save_state is not None:
        plain = encode_diagnostics([d for r in rules for d in decoded[r.code]])
        if plain is not None:
            save_state(plain, index.symbol_queries, index.concept_summary)
    return decoded


def _family(index: ProjectIndex) -> tuple[set[tuple[str, str]], bytes]:
    """The lookups the duplicate rules made, and the summary of what they made of the
    classes (b"" when they built no concepts)."""
    symbols = index.__dict__.get("symbols")  # built by the rules, if they needed it
    concepts = index.__dict__.get("concepts")
    if symbols is None:
        return set(), b""
    summary = b""
    if concepts is not None:
        summary = class_changes.summarise(symbols, concepts, index.config.min_methods).dumps()
    return symbols.queried(), summary


def cycle_rules(rules: Sequence[type[Rule]]) -> list[type[Rule]]:
    """The rules that read only imports, ignore comments and parse errors: reused apart."""
    return [r for r in rules if r in CYCLE_RULES]


class _Carried(NamedTuple):
    """Symbol answers and roles of the last full run that hold now (see SymbolTable.prefill)."""

    token: bytes  # of the stored answers (cache.FactsCache.save_symbols)
    dirty: frozenset[str]  # classes changed since: their roles are worked out again


class _Reused(NamedTuple):
    """A rule family's findings carried over from the last run, renumbered."""

    findings: list[Diagnostic]
    plain: list[tuple[Any, ...]]  # the same, encoded
    digests: dict[str, bytes]  # of the files they were computed for
    usage: SuppressionUsage | None = None  # the cycle rules': suppressions that removed a cycle edge


def _reused_cycles(state: CyclesState | None, table: FactsTable) -> _Reused | None:
    """The cycle rules' findings of the last run and the suppressions they used,
    renumbered, when no changed file's imports, comments or parse error changed (see
    ``shift.shifted_cycles``), and the digests they were computed for."""
    if state is None:
        return None
    comments, deferred_comments, allow, deferred_allow = state.usage
    moved = shifted_cycles(
        state.digests, state.plain, (comments, deferred_comments), table.digests, table.stored_blob, table.__getitem__
    )
    if moved is None:
        return None
    findings, (comments, deferred_comments) = moved
    usage = (comments, deferred_comments, allow, deferred_allow)
    return _Reused(decode_diagnostics(findings), findings, state.digests, usage)


def _reused_duplicates(
    state: FamilyState | None, index: ProjectIndex, table: FactsTable
) -> tuple[_Reused | None, _Carried | None]:
    """The duplicate rules' findings of the last run, renumbered, when the changed files
    cannot change them (see ``shift.shifted_duplicates``), and the symbol answers of the
    last full run that still hold (for the next state, or for running the rules again);
    the lookups the findings depend on and the summary of the classes, brought up to
    date, go to ``index.symbol_queries`` and ``index.concept_summary``."""
    if state is None:
        return None, None
    resolver = Resolver(index.modules)

    def bindings(rel: str, facts: FileFacts) -> tuple[str, Any] | None:
        info = index.modules.by_rel.get(rel)
        if info is None:
            return None
        return info.name, build_namespace(facts, functools.partial(resolver._absolute_base, info))

    def classes_inert(old: ClassVersions, new: ClassVersions, looked_up: set[str]) -> Any:
        summary = class_changes.ConceptSummary.loads(state.summary) if state.summary else None
        if summary is None:
            return None
        return class_changes.inert(summary, index.config, index.modules, table, old, new, looked_up)

    shifted = shifted_duplicates(state, table.digests, table.stored_blob, table.__getitem__, bindings, classes_inert)
    if shifted is None:
        return None, None
    carried = _Carried(state.symbols, state.dirty | shifted.changed) if state.symbols else None
    if shifted.plain is None:  # to compute, with the answers that still hold
        return None, carried
    if shifted.verdict is None:
        index.symbol_queries, index.concept_summary = state.queried, state.summary
    else:
        summary, lookups = shifted.verdict
        index.symbol_queries, index.concept_summary = state.queried | lookups, summary.dumps()
    return _Reused(decode_diagnostics(shifted.plain), shifted.plain, state.digests), carried


def _prefill(index: ProjectIndex, results: FactsCache, carried: _Carried) -> None:
    """Give the symbol table the last full run's answers and roles that still hold."""
    stored = results.load_symbols(carried.token)
    if stored is None or "symbols" in index.__dict__:
        return
    memo, roles = stored
    index.symbols.prefill(memo, roles, carried.dirty)
    log.info("the duplicate rules run again, with %d answers and %d roles of an earlier run", len(memo), len(roles))


def _touches(locations: Iterable[str], scope: tuple[str, ...]) -> bool:
    return any(in_scope(p, scope) for p in locations)


def _touching(diagnostics: list[Diagnostic], scope: tuple[str, ...]) -> list[Diagnostic]:
    """The findings with a location inside ``scope``: their anchor or a related location;
    for a cycle, an import of the cycle it shows (a commit to one of a large cycle group's
    other modules does not fail on it). Each path is tested once: thousands of findings
    name the same few thousand paths."""
    known: dict[str, bool] = {}

    def inside(path: str) -> bool:
        found = known.get(path)
        if found is None:
            found = known[path] = in_scope(path, scope)
        return found

    return [d for d in diagnostics if any(inside(p) for p in d.locations())]


def _input_files(index: ProjectIndex, rules: Sequence[type[Rule]]) -> dict[str, bytes]:
    """Content digests of the other files the rules read (event specs...)."""
    digests: dict[str, bytes] = {}
    for rule in rules:
        for rel in rule.input_files(index):
            if rel not in digests:
                try:
                    digests[rel] = content_digest((index.root / rel).read_bytes())
                except OSError:
                    digests[rel] = b"(unreadable)"
    return dict(sorted(digests.items()))


def inputs_key(config: Config, rules: Sequence[type[Rule]], inputs: dict[str, bytes] | None = None) -> bytes:
    """Identifies what the findings are computed from besides the project's files: the
    configuration (its repr holds every setting and the project root), the selected rules,
    every other input the rules read (event specs), and the versions of ssotlint, of its
    facts and of Python."""
    h = hashlib.blake2b(digest_size=16)
    h.update(repr((__version__, FACTS_SCHEMA, sys.version_info[:2], config, [r.code for r in rules])).encode())
    for rel, digest in (inputs or {}).items():
        h.update(b"\1" + rel.encode("utf-8", "surrogateescape") + b"\0" + digest)
    return h.digest()


def result_key(inputs: bytes, facts: FactsTable) -> bytes:
    """Identifies everything the findings (before baseline and scope) are computed from:
    ``inputs`` (see :func:`inputs_key`) and the content of every file."""
    h = hashlib.blake2b(inputs, digest_size=16)
    for rel, digest in facts.digests.items():
        h.update(rel.encode("utf-8", "surrogateescape"))
        h.update(b"\0")
        h.update(digest)
    return h.digest()


def baseline_path(config: Config, options: RunOptions) -> Path:
    return options.baseline if options.baseline is not None else config.root / config.baseline


def _relative(root: Path, path: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
