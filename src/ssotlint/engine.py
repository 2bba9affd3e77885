"""discover -> extract facts (parallel, cached) -> project index -> rules -> suppress -> sort.

Rules run family by family (``rules.FAMILIES``, see ``rules.base.RuleFamily``); the engine
knows no family by name. With a cache, each family's findings are reused, renumbered,
while what it reads of the changed files differs only by its lines (``shift``).

The engine never prints and never exits: it returns data, logs warnings through
:mod:`logging`, and raises :class:`~ssotlint.config.ConfigError` or :class:`UsageError`.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import logging
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from ssotlint import __version__
from ssotlint import baseline as baseline_mod
from ssotlint import rules as registry
from ssotlint.cache import (
    EdgeStore,
    FactsCache,
    StatKey,
    content_digest,
    decode_diagnostics,
    encode_diagnostics,
    new_run,
)
from ssotlint.config import Config, default_jobs
from ssotlint.diagnostics import Diagnostic, Span
from ssotlint.discovery import SourceFile, discover, in_scope, resolve_scope
from ssotlint.facts.blob import SUPPRESSIONS, flagged, pack, unpack
from ssotlint.facts.extract import FACTS_SCHEMA, FAMILIES, extract
from ssotlint.facts.model import FileFacts, ParseError
from ssotlint.index.project import ProjectIndex
from ssotlint.limits import DEFAULT_MAX_FILE_SIZE, too_large
from ssotlint.rules import Rule, RuleFamily, is_selected
from ssotlint.rules.base import Changed, Outcome
from ssotlint.rules.meta import StaleBaselineEntry, UnusedSuppression
from ssotlint.shift import changed_files, line_maps, renumbered

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
    cached_findings: bool = False  # no rule ran: every finding is an earlier run's (renumbered)


def selected_rules(config: Config, options: RunOptions) -> tuple[type[Rule], ...]:
    select = options.select if options.select is not None else config.select
    select = (*select, *config.extend_select, *options.extend_select)
    ignore = (*config.ignore, *options.ignore)
    return tuple(r for family in registry.FAMILIES for r in family.rules if is_selected(r.code, select, ignore))


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
        with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=die_with_parent, initargs=(os.getpid(),)) as pool:
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


def die_with_parent(parent: int) -> None:
    """In a worker process: be killed when ``parent`` dies (Linux), rather than linger
    after a run that was killed (``kill -9``, a CI timeout)."""
    if sys.platform != "linux":
        return
    import ctypes
    import signal

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


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


def apply_suppressions(
    index: ProjectIndex,
    diagnostics: list[Diagnostic],
    rules: tuple[type[Rule], ...],
    usage: tuple[frozenset[tuple[str, int]], frozenset[str] | None] = (frozenset(), None),
) -> tuple[list[Diagnostic], list[tuple[str, ...]]]:
    """Drop suppressed findings; add SSOT902 for suppressions that suppressed nothing
    (``usage``: the ignore comments, as (path, line), and ``imports.allow`` entries that
    the rule families used, see ``Outcome``; None: no family that ran reads the entries).

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

    comments, allow_used = usage
    used |= comments
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
    if allow_used is not None:
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
    ``pending``: when given, writing the facts cache is appended to it instead of done here,
    and so is writing the import edges resolved meanwhile (the caller does both once the
    rules ran).
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
    edges = EdgeStore(cache.directory, key, index.modules.key(), enabled=options.use_cache)
    index.edge_store = edges
    if pending is not None:
        pending.append(edges.save)
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
    new_run()
    pending: list[Callable[[], None]] = []
    index, scope, parsed = index_project(config, options, pending=pending)
    rules = selected_rules(config, options)
    store = FactsCache(config.root / config.cache_dir, config.extraction_key(), enabled=options.use_cache)
    cached = store.enabled and isinstance(index.files, FactsTable) and all(r.facts_only for r in rules)
    key = result_key(inputs_key(config, rules, _input_files(index, _inputs(rules, index))), index.files) if cached else None
    stored = store.load_result(key) if key is not None else None
    reused = stored is not None
    if stored is not None:
        log.info("nothing changed since the last run: its findings are reused")
        diagnostics, hidden = stored
    else:
        # Without a findings cache, rules skip what cannot touch the paths asked about
        # (the findings that do are the same as in a whole-project run). With one, the
        # whole project's findings are stored for later runs to reuse.
        index.focus = None if cached else scope
        outcomes = [_outcome(family, chosen, index, store if cached else None) for family, chosen in _families(rules)]
        reused = all(again for _, again in outcomes)
        allow = [o.used_allow for o, _ in outcomes if o.used_allow is not None]
        used = (frozenset().union(*(o.used_comments for o, _ in outcomes)), frozenset().union(*allow) if allow else None)
        found = [d for o, _ in outcomes for d in o.findings]
        diagnostics, hidden = apply_suppressions(index, found, rules, used)
        if key is not None:
            store.save_result(key, diagnostics, hidden)
    for write in pending:
        write()
    return _finish(config, options, index, rules, scope, diagnostics, hidden, parsed, reused)


def _families(rules: Sequence[type[Rule]]) -> list[tuple[RuleFamily, list[type[Rule]]]]:
    """Each family with its selected rules, in registry order."""
    chosen = [(family, [r for r in family.rules if r in rules]) for family in registry.FAMILIES]
    return [(family, found) for family, found in chosen if found]


def _inputs(rules: Sequence[type[Rule]], index: ProjectIndex) -> list[str]:
    """The files other than sources that the selected rules' families read (specs...)."""
    return [rel for family, _ in _families(rules) for rel in family.inputs(index)]


def _outcome(
    family: RuleFamily, rules: list[type[Rule]], index: ProjectIndex, store: FactsCache | None
) -> tuple[Outcome, bool]:
    """A family's findings, and whether they are the last run's: renumbered when what the
    family reads of every changed file differs only by its lines (see ``shift``)."""
    if store is None or not isinstance(index.files, FactsTable):
        return family.check(index, rules, None, None), False
    table = index.files
    settings = inputs_key(family.settings(index), rules, _input_files(index, family.inputs(index)))
    last = _Saved.load(store, family.name, settings)
    changed = changed_files(last.digests, table.digests, table.stored_blob, table.__getitem__) if last else None
    moved = None
    if last is not None and changed is not None:
        maps = line_maps(changed, lambda rel, facts: family.reads(index, rel, facts, last.state))
        moved = renumbered(last.plain, last.comments, maps) if maps is not None else None
    findings = _decoded(moved[0]) if moved is not None else None
    if last is not None and moved is not None and findings is not None:
        log.info("%s rules: what they read changed at most by its lines, their findings are reused", family.name)
        plain: list[tuple[Any, ...]] | None = moved[0]
        outcome = Outcome(findings, moved[1], last.allow, last.state)
        if last.digests == table.digests:
            return outcome, True
    else:
        log.debug("%s rules: they run (%s)", family.name, "no earlier findings" if last is None else "what they read changed")
        changes = None if changed is None else [Changed(*c) for c in changed]
        outcome = family.check(index, rules, last.state if last is not None else None, changes)
        plain = encode_diagnostics(outcome.findings)
    if plain is not None:  # the state follows the files, for the next run to compare with
        allow = None if outcome.used_allow is None else sorted(outcome.used_allow)
        saved = (settings, table.digests, plain, sorted(outcome.used_comments), allow, outcome.state)
        store.save_blob(family.name, saved)
    return outcome, findings is not None


def _decoded(plain: list[tuple[Any, ...]]) -> list[Diagnostic] | None:
    try:
        return decode_diagnostics(plain)
    except Exception:  # stored by another layout: compute afresh
        return None


class _Saved(NamedTuple):
    """A family's findings as the last run left them, for the files it had then."""

    digests: dict[str, bytes]
    plain: list[tuple[Any, ...]]  # before suppression, encoded
    comments: list[tuple[str, int]]
    allow: frozenset[str] | None
    state: Any

    @classmethod
    def load(cls, store: FactsCache, name: str, settings: bytes) -> _Saved | None:
        """What :func:`_outcome` saved under the same ``settings`` (see inputs_key)."""
        found = store.load_blob(name)
        try:
            stored_settings, digests, plain, comments, allow, state = found
            if stored_settings != settings:
                return None
            if not isinstance(digests, dict) or not isinstance(plain, list):
                raise TypeError("unexpected layout")
            allowed = None if allow is None else frozenset(map(str, allow))
            return cls(digests, plain, [(str(p), int(n)) for p, n in comments], allowed, state)
        except (TypeError, ValueError):  # none, or another layout: compute afresh
            return None


def _finish(
    config: Config,
    options: RunOptions,
    index: ProjectIndex,
    rules: tuple[type[Rule], ...],
    scope: tuple[str, ...] | None,
    diagnostics: list[Diagnostic],
    hidden: list[tuple[str, ...]],
    parsed: int,
    reused: bool,
) -> RunResult:
    """The baseline and the scope applied to the project's findings, sorted."""
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
        cached_findings=reused,
    )


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


def _input_files(index: ProjectIndex, rels: Iterable[str]) -> dict[str, bytes]:
    """Content digests of files other than sources that rules read (event specs...)."""
    digests: dict[str, bytes] = {}
    for rel in rels:
        if rel not in digests:
            try:
                digests[rel] = content_digest((index.root / rel).read_bytes())
            except OSError:
                digests[rel] = b"(unreadable)"
    return dict(sorted(digests.items()))


def inputs_key(settings: Any, rules: Sequence[type[Rule]], inputs: dict[str, bytes] | None = None) -> bytes:
    """Identifies what findings are computed from besides the project's files: the
    ``settings`` (the configuration, whose repr holds every setting and the project root,
    or what one family reads of it), the selected rules, every other input they read
    (event specs), and the versions of ssotlint, of its facts and of Python."""
    h = hashlib.blake2b(digest_size=16)
    h.update(repr((__version__, FACTS_SCHEMA, sys.version_info[:2], settings, [r.code for r in rules])).encode())
    for rel, digest in (inputs or {}).items():
        h.update(b"\1" + rel.encode("utf-8", "surrogateescape") + b"\0" + digest)
    return h.digest()


def result_key(inputs: bytes, facts: Mapping[str, FileFacts]) -> bytes:
    """Identifies everything the findings (before baseline and scope) are computed from:
    ``inputs`` (see :func:`inputs_key`) and the content of every file."""
    h = hashlib.blake2b(inputs, digest_size=16)
    assert isinstance(facts, FactsTable)
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
