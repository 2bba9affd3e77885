"""The facts cache: one pack file per (ssotlint version, facts schema, extraction config).

Entries are keyed by the blake2b digest of a file's bytes, never by path or time, so a
cache restored in CI or copied to a fresh clone is reused. A small stat index (path,
size, mtime, inode -> digest) only saves re-reading unchanged files; on any mismatch the
file is read and hashed again. Writes go to a temporary file renamed into place, so
concurrent runs never see a torn file; a corrupt or foreign pack is ignored.

Next to the pack, one result file holds the findings of the last run, keyed by a digest of
everything they were computed from (see ``engine.result_key``): when nothing changed, a
run reuses them instead of rebuilding the project index.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import marshal
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, NamedTuple

from ssotlint import __version__
from ssotlint.diagnostics import Diagnostic, Edit, Fix, Related, Severity, Span
from ssotlint.facts.extract import FACTS_SCHEMA

log = logging.getLogger(__name__)

MAGIC = b"SSOTLINT-FACTS\x02"
RESULT_MAGIC = b"SSOTLINT-RESULT\x05"
FAMILY_MAGIC = b"SSOTLINT-DUPLICATES\x04"
CYCLES_STATE_MAGIC = b"SSOTLINT-CYCLE-FINDINGS\x01"
SYMBOLS_MAGIC = b"SSOTLINT-SYMBOLS\x01"
StatKey = tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode
@dataclass(frozen=True)
class StoredResult:
    """A run's stored findings: what they were computed from, and the findings themselves,
    read (:meth:`findings`) only when needed."""

    inputs_key: bytes  # everything but the files (see engine.inputs_key)
    digests: dict[str, bytes]  # every file's content digest
    body: bytes

    def findings(self) -> tuple[list[tuple[Any, ...]], list[tuple[str, ...]]]:
        """(plain findings, the locations of each suppressed finding)."""
        plain, suppressed = marshal.loads(self.body)
        return plain, suppressed
class FamilyState(NamedTuple):
    """The duplicate rules' own state, as the last run left it."""

    inputs_key: bytes
    digests: dict[str, bytes]  # of the files it was computed for
    plain: list[tuple[Any, ...]]  # the findings before suppression
    queried: set[tuple[str, str]]  # the (module, name) lookups made
    summary: bytes  # what they made of the classes (index.class_changes.ConceptSummary; b"": no concepts)
    symbols: bytes  # token of the symbol answers kept beside it (FactsCache.save_symbols; b"": none)
    dirty: frozenset[str]  # classes changed since those answers were worked out


#: (ignore comments as (path, line), the same for SSOT202, imports.allow entries, the same
#: for SSOT202): the suppressions that removed an edge of a cycle.
SuppressionUsage = tuple[
    frozenset[tuple[str, int]], frozenset[tuple[str, int]], frozenset[str], frozenset[str]
]


class CyclesState(NamedTuple):
    """The cycle rules' own state, as the last run left it."""

    inputs_key: bytes
    digests: dict[str, bytes]
    plain: list[tuple[Any, ...]]  # the findings before suppression
    usage: SuppressionUsage

CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by ssotlint.\n"
)


def _stem(extraction_key: str) -> str:
    """The name part shared by every cache file of one ssotlint version, facts schema and
    extraction configuration."""
    return hashlib.blake2b(f"{__version__}\x1f{FACTS_SCHEMA}\x1f{extraction_key}".encode(), digest_size=8).hexdigest()


def _sealed(payload: bytes) -> bytes:
    """``payload`` behind its checksum, as every cache file stores it."""
    return hashlib.blake2b(payload, digest_size=16).digest() + payload


def _unsealed(raw: bytes) -> bytes:
    """The payload of :func:`_sealed` bytes; ValueError when they were damaged."""
    checksum, payload = raw[:16], raw[16:]
    if len(checksum) != 16 or hashlib.blake2b(payload, digest_size=16).digest() != checksum:
        raise ValueError("checksum mismatch")
    return payload


def content_digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


_MISSING = object()


class DeltaPack:
    """A few dicts kept in one pack file plus a small delta file beside it.

    A run that changed a handful of entries writes only those, to ``<name>.delta``,
    tagged with the checksum of the pack they apply to; a pack rewritten later (or by
    another process) makes an old delta inapplicable, never wrong. When the changes
    grow past a tenth of the pack, the pack is rewritten whole (dropping unused entries)
    and the delta removed. Damage in either file means starting afresh.
    """

    def __init__(self, directory: Path, name: str, magic: bytes, size: int) -> None:
        self.directory = directory
        self.file = directory / f"{name}.bin"
        self.delta_file = directory / f"{name}.delta"
        self.magic = magic
        self.size = size  # how many dicts
        self._base: tuple[Any, tuple[dict[Any, Any], ...]] | None = None
        self._base_id = b""
        self._delta: tuple[dict[Any, Any], ...] | None = None

    def _read(self, path: Path, magic: bytes, quiet: bool) -> tuple[bytes, Any] | None:
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            log.warning("ignoring unreadable cache %s: %s", path, exc.strerror or exc)
            return None
        try:
            if not raw.startswith(magic):
                raise ValueError("bad header")
            checksum = raw[len(magic) : len(magic) + 16]
            payload = _unsealed(raw[len(magic) :])
            meta, dicts = marshal.loads(payload)
            if not isinstance(dicts, tuple) or len(dicts) != self.size or not all(isinstance(d, dict) for d in dicts):
                raise ValueError("unexpected layout")
        except Exception as exc:  # any damage means: start afresh
            (log.debug if quiet else log.warning)("ignoring corrupt cache %s (%s)", path, exc)
            return None
        return checksum, (meta, dicts)

    def load(self) -> tuple[Any, tuple[dict[Any, Any], ...]] | None:
        """(meta, dicts) with the delta applied, or None when there is no usable pack."""
        base = self._read(self.file, self.magic, quiet=False)
        if base is None:
            return None
        self._base_id, (meta, dicts) = base
        self._base = (meta, dicts)
        delta = self._read(self.delta_file, self.magic + b"+", quiet=True)
        if delta is None or delta[1][0] != self._base_id:
            return meta, dicts
        self._delta = delta[1][1]
        return meta, tuple({**d, **changes} for d, changes in zip(dicts, self._delta, strict=True))

    def save(self, meta: Any, dicts: tuple[dict[Any, Any], ...]) -> None:
        """Store ``dicts`` (the whole wanted state) under ``meta``."""
        if self._base is not None and self._base[0] == meta:
            changes = tuple(
                {k: v for k, v in d.items() if (old := b.get(k, _MISSING)) is not v and old != v}
                for d, b in zip(dicts, self._base[1], strict=True)
            )
            count = sum(len(c) for c in changes)
            if count <= max(256, sum(len(d) for d in dicts) // 10):
                if count == 0:
                    if self._delta is not None and any(self._delta):
                        with contextlib.suppress(OSError):
                            self.delta_file.unlink()
                    return
                if changes != self._delta:
                    self._write(self.delta_file, self.magic + b"+", (self._base_id, changes))
                return
        self._write(self.file, self.magic, (meta, dicts))
        with contextlib.suppress(OSError):
            self.delta_file.unlink()

    def _write(self, target: Path, magic: bytes, value: Any) -> None:
        try:
            payload = marshal.dumps(value)
        except ValueError:  # something marshal cannot store: no cache rather than a crash
            return
        write_atomically(self.directory, target, magic + _sealed(payload))


class FactsCache:
    def __init__(self, directory: Path, extraction_key: str, enabled: bool = True) -> None:
        self.directory = directory
        self.enabled = enabled
        key = _stem(extraction_key)
        self.pack = DeltaPack(directory, f"facts-{key}", MAGIC, 2)
        self.file = self.pack.file
        self.result_file = directory / f"result-{key}.bin"
        self.family_file = directory / f"duplicates-{key}.bin"
        self.cycles_state_file = directory / f"cycle-findings-{key}.bin"
        self.symbols_file = directory / f"symbols-{key}.bin"
        self.entries: dict[bytes, bytes] = {}
        self.stats: dict[str, tuple[StatKey, bytes]] = {}
        self.used: dict[bytes, bytes] = {}
        self.new_stats: dict[str, tuple[StatKey, bytes]] = {}
        self.dirty = False

    def load(self) -> None:
        if not self.enabled:
            return
        loaded = self.pack.load()
        if loaded is not None:
            self.entries, self.stats = loaded[1]

    def digest_for_stat(self, rel: str, stat: StatKey) -> bytes | None:
        hit = self.stats.get(rel)
        if hit is not None and tuple(hit[0]) == stat and hit[1] in self.entries:
            return hit[1]
        return None

    def get(self, digest: bytes) -> bytes | None:
        return self.entries.get(digest)

    def record(self, rel: str, stat: StatKey | None, digest: bytes, blob: bytes, fresh: bool) -> None:
        self.used[digest] = blob
        if stat is not None:
            self.new_stats[rel] = (stat, digest)
        if fresh or self.stats.get(rel) != (stat, digest):
            self.dirty = True

    def save(self) -> None:
        if not self.enabled:
            return
        if not self.dirty and len(self.used) == len(self.entries) and len(self.new_stats) == len(self.stats):
            return
        self.pack.save(None, (self.used, self.new_stats))

    def load_result(self, key: bytes) -> tuple[list[Diagnostic], list[tuple[str, ...]]] | None:
        """(findings, locations of the suppressed findings) stored under ``key`` by
        :meth:`save_result`, or None."""
        stored = self._read_result(key)
        if stored is None:
            return None
        try:
            plain, suppressed = stored.findings()
            return decode_diagnostics(plain), [tuple(locs) for locs in suppressed]
        except Exception as exc:  # any damage means: compute afresh
            log.debug("ignoring unusable result cache %s (%s)", self.result_file, exc)
            return None

    def load_previous_result(self, inputs_key: bytes) -> StoredResult | None:
        """The stored findings, whatever the files' contents were, if they were computed
        from the same inputs besides the files (configuration, rules, versions, specs)."""
        stored = self._read_result(None)
        if stored is None or stored.inputs_key != inputs_key:
            return None
        return stored

    def _read_result(self, key: bytes | None) -> StoredResult | None:
        if not self.enabled:
            return None
        path = self.result_file
        try:
            with open(path, "rb") as fh:
                head = fh.read(len(RESULT_MAGIC) + 16)
                # The key comes first: another state's findings are not even read.
                if not head.startswith(RESULT_MAGIC) or (key is not None and head[len(RESULT_MAGIC) :] != key):
                    return None
                raw = fh.read()
        except OSError:
            return None
        try:
            payload = _unsealed(raw)
            size = int.from_bytes(payload[:8], "big")
            inputs_key, digests = marshal.loads(payload[8 : 8 + size])
            if not isinstance(inputs_key, bytes) or not isinstance(digests, dict):
                raise ValueError("unexpected layout")
            return StoredResult(inputs_key, digests, payload[8 + size :])
        except Exception as exc:  # any damage means: compute afresh
            log.debug("ignoring unusable result cache %s (%s)", path, exc)
            return None

    def save_result(
        self,
        key: bytes,
        diagnostics: Sequence[Diagnostic],
        suppressed: Sequence[tuple[str, ...]],
        inputs_key: bytes = b"",
        digests: dict[str, bytes] | None = None,
    ) -> None:
        """Store a run's findings under ``key`` (16 bytes: the digest of everything they
        were computed from), with the part of it that is not file contents
        (``inputs_key``) and the files' content ``digests``."""
        if not self.enabled:
            return
        plain = encode_diagnostics(diagnostics)
        if plain is None or len(key) != 16:
            return
        try:
            head = marshal.dumps((inputs_key, digests or {}))
            body = marshal.dumps((plain, [tuple(locs) for locs in suppressed]))
        except ValueError:  # a finding's data holds something marshal cannot store
            return
        payload = len(head).to_bytes(8, "big") + head + body
        self._write(self.result_file, RESULT_MAGIC + key + _sealed(payload))

    def save_duplicates_state(self, state: FamilyState) -> None:
        """Keep the duplicate rules' state (its findings already encoded)."""
        # A list: marshal writes a set's items sorted, ten times slower.
        self._write_sealed(self.family_file, FAMILY_MAGIC, (*state[:3], list(state.queried), *state[4:6], sorted(state.dirty)))

    def load_duplicates_state(self, inputs_key: bytes) -> FamilyState | None:
        found = self._load_state(self.family_file, FAMILY_MAGIC, inputs_key)
        if found is None:
            return None
        try:
            stored_inputs, digests, plain, queried, summary, symbols, dirty = found
            if not isinstance(queried, list) or not isinstance(summary, bytes) or not isinstance(symbols, bytes):
                raise ValueError("unexpected layout")
            return FamilyState(stored_inputs, digests, plain, set(queried), summary, symbols, frozenset(map(str, dirty)))
        except (ValueError, TypeError) as exc:
            log.debug("ignoring unusable duplicates state %s (%s)", self.family_file, exc)
            return None

    def save_symbols(self, token: bytes, state: tuple[Any, Any]) -> None:
        """Keep the symbol table's answers and roles that hold in later states (see
        ``SymbolTable.clean_state``) under ``token``."""
        self._write_sealed(self.symbols_file, SYMBOLS_MAGIC, (token, state))

    def load_symbols(self, token: bytes) -> tuple[Any, Any] | None:
        """What :meth:`save_symbols` kept under ``token``, or None."""
        found = self._read_sealed(self.symbols_file, SYMBOLS_MAGIC) if token else None
        try:
            if found is None or found[0] != token:
                return None
            memo, roles = found[1]
            if not isinstance(memo, dict) or not isinstance(roles, dict):
                raise ValueError("unexpected layout")
            return memo, roles
        except (ValueError, TypeError) as exc:
            log.debug("ignoring unusable symbols %s (%s)", self.symbols_file, exc)
            return None

    def save_cycles_state(
        self,
        inputs_key: bytes,
        digests: dict[str, bytes],
        diagnostics: Sequence[Diagnostic],
        usage: SuppressionUsage,
        plain: list[tuple[Any, ...]] | None = None,
    ) -> None:
        """Keep the cycle rules' findings (before suppression) and which ignore comments and
        ``imports.allow`` entries removed an edge of a cycle."""
        if plain is None:
            plain = encode_diagnostics(diagnostics)
        if plain is not None:
            usage_lists = tuple(sorted(u) for u in usage)
            self._write_sealed(self.cycles_state_file, CYCLES_STATE_MAGIC, (inputs_key, digests, plain, usage_lists))

    def load_cycles_state(self, inputs_key: bytes) -> CyclesState | None:
        found = self._load_state(self.cycles_state_file, CYCLES_STATE_MAGIC, inputs_key)
        if found is None:
            return None
        stored_inputs, digests, plain, usage = found
        try:
            comments, deferred_comments, allow, deferred_allow = usage
            typed = (
                frozenset((str(p), int(n)) for p, n in comments),
                frozenset((str(p), int(n)) for p, n in deferred_comments),
                frozenset(map(str, allow)),
                frozenset(map(str, deferred_allow)),
            )
        except Exception as exc:
            log.debug("ignoring unusable cycles state %s (%s)", self.cycles_state_file, exc)
            return None
        return CyclesState(stored_inputs, digests, plain, typed)

    def _write_sealed(self, target: Path, magic: bytes, value: Any) -> None:
        """Write ``value`` (marshal) behind ``magic`` and its checksum."""
        if not self.enabled:
            return
        try:
            payload = marshal.dumps(value)
        except ValueError:  # something marshal cannot store: no cache rather than a crash
            return
        self._write(target, magic + _sealed(payload))

    def _read_sealed(self, target: Path, magic: bytes) -> Any:
        """What :meth:`_write_sealed` wrote, or None (missing or damaged)."""
        if not self.enabled:
            return None
        try:
            raw = target.read_bytes()
        except OSError:
            return None
        try:
            if not raw.startswith(magic):
                raise ValueError("bad header")
            return marshal.loads(_unsealed(raw[len(magic) :]))
        except Exception as exc:  # any damage means: compute afresh
            log.debug("ignoring unusable cache file %s (%s)", target, exc)
            return None

    def _load_state(self, target: Path, magic: bytes, inputs_key: bytes) -> tuple[Any, ...] | None:
        """A family state (inputs key, digests, findings, ...), if it was computed under
        ``inputs_key``."""
        found = self._read_sealed(target, magic)
        if not isinstance(found, tuple) or len(found) < 3 or found[0] != inputs_key:
            return None
        if not isinstance(found[1], dict) or not isinstance(found[2], list):
            log.debug("ignoring unusable state %s", target)
            return None
        return found

    def _write(self, target: Path, blob: bytes) -> None:
        write_atomically(self.directory, target, blob)


def write_atomically(directory: Path, target: Path, blob: bytes) -> None:
    """Write ``blob`` to ``target`` in the cache folder through a renamed temporary file;
    a failure is a warning (the cache is an optimisation, never a reason to stop)."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        for name, text in (("CACHEDIR.TAG", CACHEDIR_TAG), (".gitignore", "# Created by ssotlint.\n*\n")):
            marker = directory / name
            if not marker.exists():
                marker.write_text(text)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=".tmp", dir=directory)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(blob)
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError as exc:
        log.warning("cannot write cache %s: %s", directory, exc.strerror or exc)


# --- findings as plain data (for the result file) -------------------------------------------

#: The fields the encoding below knows. When a class gains a field, findings are not cached
#: (and a test fails) until the encoding is taught about it.
_KNOWN_FIELDS: dict[type, tuple[str, ...]] = {
    Diagnostic: ("code", "name", "message", "path", "span", "severity", "fingerprint", "related", "fix", "data", "touches"),
    Span: ("line", "column", "end_line", "end_column"),
    Related: ("path", "line", "message", "column"),
    Fix: ("title", "edits", "safe"),
    Edit: ("path", "start_line", "start_column", "end_line", "end_column", "replacement"),
}


def _fields_known() -> bool:
    return all(tuple(f.name for f in fields(cls)) == names for cls, names in _KNOWN_FIELDS.items())


def encode_diagnostics(diagnostics: Sequence[Diagnostic]) -> list[tuple[Any, ...]] | None:
    """Plain tuples that marshal can store, or None when the layout is not known."""
    if not _fields_known():
        return None
    out = []
    for d in diagnostics:
        fix = None
        if d.fix is not None:
            edits = tuple(
                (e.path, e.start_line, e.start_column, e.end_line, e.end_column, e.replacement) for e in d.fix.edits
            )
            fix = (d.fix.title, edits, d.fix.safe)
        s = d.span
        out.append(
            (
                d.code, d.name, d.message, d.path, (s.line, s.column, s.end_line, s.end_column),
                d.severity.value, d.fingerprint, tuple((r.path, r.line, r.message, r.column) for r in d.related),
                fix, dict(d.data), d.touches,
            )
        )
    return out


def decode_diagnostics(plain: list[tuple[Any, ...]]) -> list[Diagnostic]:
    out = []
    for code, name, message, path, span, severity, fp, related, fix, data, touches in plain:
        out.append(
            Diagnostic(
                code=code,
                name=name,
                message=message,
                path=path,
                span=Span(*span),
                severity=Severity(severity),
                fingerprint=fp,
                related=tuple(Related(*r) for r in related),
                fix=None if fix is None else Fix(fix[0], tuple(Edit(*e) for e in fix[1]), fix[2]),
                data=data,
                touches=tuple(touches),
            )
        )
    return out


# --- resolved import edges -----------------------------------------------------------------

EDGES_MAGIC = b"SSOTLINT-EDGES\x04"


class KeyedStore:
    """One dict of plain values in a :class:`DeltaPack`, read on first use and valid only
    under ``meta``; saving keeps the entries this run read or wrote, nothing else."""

    def __init__(self, pack: DeltaPack, meta: Any, enabled: bool) -> None:
        self.pack = pack
        self.file = pack.file
        self.meta = meta
        self.enabled = enabled
        self.entries: dict[Any, Any] = {}
        self.used: dict[Any, Any] = {}
        self._loaded = False

    def lookup(self, key: Any) -> Any:
        if not self._loaded:
            self._loaded = True
            loaded = self.pack.load() if self.enabled else None
            if loaded is not None and loaded[0] == self.meta:
                self.entries = loaded[1][0]
        found = self.entries.get(key)
        if found is not None:
            self.used[key] = found
        return found

    def store(self, key: Any, value: Any) -> None:
        self.used[key] = value

    def save(self) -> None:
        if self.enabled and self._loaded:
            self.pack.save(self.meta, (self.used,))


class EdgeStore(KeyedStore):
    """Each file's resolved import edges, ignore comments and parse error from the last run,
    as plain tuples.

    Resolving an import depends on the importing file's content and on the project's
    module table (which files exist under which source roots), nothing else: entries are
    reused for a file whose content digest is unchanged, and the whole store is dropped
    when the module table differs (``modules_key``). A run with a few edited files then
    resolves only those files' imports.
    """

    def __init__(self, directory: Path, extraction_key: str, modules_key: bytes, enabled: bool = True) -> None:
        super().__init__(DeltaPack(directory, f"edges-{_stem(extraction_key)}", EDGES_MAGIC, 1), modules_key, enabled)

    def get(self, rel: str, digest: bytes) -> Any:
        hit = self.lookup(rel)
        return hit[1] if hit is not None and hit[0] == digest else None

    def put(self, rel: str, digest: bytes, entry: Any) -> None:
        self.store(rel, (digest, entry))


# --- analysed cycle groups -------------------------------------------------------------------

CYCLES_MAGIC = b"SSOTLINT-CYCLES\x01"


class CycleStore(KeyedStore):
    """Cycle groups analysed by earlier runs (shortest cycle and cut), keyed by a digest of
    the group's own imports: a group no changed file takes part in is not analysed again."""

    def __init__(self, directory: Path, extraction_key: str, enabled: bool = True) -> None:
        super().__init__(DeltaPack(directory, f"cycles-{_stem(extraction_key)}", CYCLES_MAGIC, 1), None, enabled)

    def get(self, key: bytes) -> Any:
        return self.lookup(key)

    def put(self, key: bytes, report: Any) -> None:
        self.store(key, report)
