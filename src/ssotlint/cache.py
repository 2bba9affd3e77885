"""The facts cache: one pack file per (ssotlint version, facts schema, extraction config).

Entries are keyed by the blake2b digest of a file's bytes, never by path or time, so a
cache restored in CI or copied to a fresh clone is reused. A small stat index (path,
size, mtime, inode -> digest) only saves re-reading unchanged files; on any mismatch the
file is read and hashed again. Writes go to a temporary file renamed into place, so
concurrent runs never see a torn file; a corrupt or foreign pack is ignored.

Next to the pack, one result file holds the findings of the last run, keyed by a digest of
everything they were computed from (see ``engine.result_key``): when nothing changed, a
run reuses them instead of rebuilding the project index. Other state is kept as opaque
blobs by name (:meth:`FactsCache.load_blob`): marshalled values behind a checksum.

Every damaged cache file is ignored with one warning, and each warning is given once per
run (:func:`new_run`). Temporary files that a killed run left behind are removed.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import marshal
import os
import re
import tempfile
import time
from collections.abc import Sequence
from dataclasses import fields
from pathlib import Path
from typing import Any

from ssotlint import __version__
from ssotlint.diagnostics import Diagnostic, Edit, Fix, Related, Severity, Span
from ssotlint.facts.extract import FACTS_SCHEMA

log = logging.getLogger(__name__)

MAGIC = b"SSOTLINT-FACTS\x02"
RESULT_MAGIC = b"SSOTLINT-RESULT\x06"
BLOB_MAGIC = b"SSOTLINT-BLOB\x01"
StatKey = tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode
#: A temporary file of :func:`write_atomically`: ".<target>-<pid>-<random>.tmp".
_TEMPORARY = re.compile(r"^\..+\.tmp$")
_WRITER = re.compile(r"-(\d+)-[^-]+\.tmp$")
#: A temporary file older than this is left over, whatever process made it.
_STALE_SECONDS = 3600

_warned: set[str] = set()


def new_run() -> None:
    """Start a run: its cache warnings are given again, each once."""
    _warned.clear()


def _warn_once(message: str, *args: object) -> None:
    text = message % args
    if text not in _warned:
        _warned.add(text)
        log.warning("%s", text)


def _damaged(path: Path, why: object) -> None:
    _warn_once("ignoring corrupt cache %s (%s)", path, why)


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

    def _read(self, path: Path, magic: bytes) -> tuple[bytes, Any] | None:
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            _warn_once("ignoring unreadable cache %s: %s", path, exc.strerror or exc)
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
            _damaged(path, exc)
            return None
        return checksum, (meta, dicts)

    def load(self) -> tuple[Any, tuple[dict[Any, Any], ...]] | None:
        """(meta, dicts) with the delta applied, or None when there is no usable pack."""
        base = self._read(self.file, self.magic)
        if base is None:
            return None
        self._base_id, (meta, dicts) = base
        self._base = (meta, dicts)
        delta = self._read(self.delta_file, self.magic + b"+")
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
        self.stem = key
        self.entries: dict[bytes, bytes] = {}
        self.stats: dict[str, tuple[StatKey, bytes]] = {}
        self.used: dict[bytes, bytes] = {}
        self.new_stats: dict[str, tuple[StatKey, bytes]] = {}
        self.dirty = False

    def load(self) -> None:
        if not self.enabled:
            return
        remove_leftovers(self.directory)
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
        if not self.enabled:
            return None
        path = self.result_file
        try:
            with open(path, "rb") as fh:
                head = fh.read(len(RESULT_MAGIC) + 16)
                # The key comes first: another state's findings are not even read.
                if head[len(RESULT_MAGIC) :] != key and head.startswith(RESULT_MAGIC):
                    return None
                raw = fh.read()
        except FileNotFoundError:
            return None
        except OSError as exc:
            _warn_once("ignoring unreadable cache %s: %s", path, exc.strerror or exc)
            return None
        try:
            if not head.startswith(RESULT_MAGIC):
                raise ValueError("bad header")
            plain, suppressed = marshal.loads(_unsealed(raw))
            return decode_diagnostics(plain), [tuple(locs) for locs in suppressed]
        except Exception as exc:  # any damage means: compute afresh
            _damaged(path, exc)
            return None

    def save_result(self, key: bytes, diagnostics: Sequence[Diagnostic], suppressed: Sequence[tuple[str, ...]]) -> None:
        """Store a run's findings under ``key`` (16 bytes: the digest of everything they
        were computed from)."""
        plain = encode_diagnostics(diagnostics)
        if not self.enabled or plain is None or len(key) != 16:
            return
        try:
            payload = marshal.dumps((plain, [tuple(locs) for locs in suppressed]))
        except ValueError:  # a finding's data holds something marshal cannot store
            return
        write_atomically(self.directory, self.result_file, RESULT_MAGIC + key + _sealed(payload))

    def blob_file(self, name: str) -> Path:
        return self.directory / f"{name}-{self.stem}.bin"

    def save_blob(self, name: str, value: Any) -> None:
        """Keep ``value`` (what marshal stores) under ``name``, behind its checksum."""
        if not self.enabled:
            return
        try:
            payload = marshal.dumps(value)
        except ValueError:  # something marshal cannot store: no cache rather than a crash
            return
        write_atomically(self.directory, self.blob_file(name), BLOB_MAGIC + _sealed(payload))

    def load_blob(self, name: str) -> Any:
        """What :meth:`save_blob` kept under ``name``; None when missing or damaged."""
        if not self.enabled:
            return None
        path = self.blob_file(name)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            _warn_once("ignoring unreadable cache %s: %s", path, exc.strerror or exc)
            return None
        try:
            if not raw.startswith(BLOB_MAGIC):
                raise ValueError("bad header")
            return marshal.loads(_unsealed(raw[len(BLOB_MAGIC) :]))
        except Exception as exc:  # any damage means: compute afresh
            _damaged(path, exc)
            return None


def remove_leftovers(directory: Path) -> None:
    """Remove the temporary files of writes that never finished (a killed run): those of
    processes that no longer exist, and any older than an hour."""
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return
    now = time.time()
    for entry in entries:
        if _TEMPORARY.match(entry.name) is None:
            continue
        writer = _WRITER.search(entry.name)
        with contextlib.suppress(OSError):
            if (writer is None or _alive(int(writer.group(1)))) and now - entry.stat().st_mtime < _STALE_SECONDS:
                continue  # maybe another run's write, under way
            os.unlink(entry.path)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, ValueError, OverflowError):
        return True  # another user's process, or cannot tell: keep its file
    return True


def write_atomically(directory: Path, target: Path, blob: bytes) -> None:
    """Write ``blob`` to ``target`` in the cache folder through a renamed temporary file;
    a failure is a warning (the cache is an optimisation, never a reason to stop)."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        for name, text in (("CACHEDIR.TAG", CACHEDIR_TAG), (".gitignore", "# Created by ssotlint.\n*\n")):
            marker = directory / name
            if not marker.exists():
                marker.write_text(text)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}-{os.getpid()}-", suffix=".tmp", dir=directory)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(blob)
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError as exc:
        _warn_once("cannot write cache %s: %s", directory, exc.strerror or exc)


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


class Memo:
    """Entries kept by an earlier run; ``used`` keeps those this run read or wrote, which
    is what the next run needs."""

    def __init__(self, entries: dict[Any, Any] | None = None) -> None:
        self.entries = entries if entries is not None else {}
        self.used: dict[Any, Any] = {}

    def get(self, key: Any) -> Any:
        found = self.entries.get(key)
        if found is not None:
            self.used[key] = found
        return found

    def put(self, key: Any, value: Any) -> None:
        self.used[key] = value


class KeyedStore:
    """A :class:`Memo` kept in a :class:`DeltaPack`, read on first use and valid only
    under ``meta``; saving keeps the entries this run read or wrote, nothing else."""

    def __init__(self, pack: DeltaPack, meta: Any, enabled: bool) -> None:
        self.pack = pack
        self.file = pack.file
        self.meta = meta
        self.enabled = enabled
        self._memo: Memo | None = None

    @property
    def memo(self) -> Memo:
        if self._memo is None:
            loaded = self.pack.load() if self.enabled else None
            self._memo = Memo(loaded[1][0] if loaded is not None and loaded[0] == self.meta else None)
        return self._memo

    def save(self) -> None:
        if self.enabled and self._memo is not None:
            self.pack.save(self.meta, (self._memo.used,))


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
        hit = self.memo.get(rel)
        return hit[1] if hit is not None and hit[0] == digest else None

    def put(self, rel: str, digest: bytes, entry: Any) -> None:
        self.memo.put(rel, (digest, entry))
