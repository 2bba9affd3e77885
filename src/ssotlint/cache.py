"""The facts cache: one pack file per (ssotlint version, facts schema, extraction config).

Entries are keyed by the blake2b digest of a file's bytes, never by path or time, so a
cache restored in CI or copied to a fresh clone is reused. A small stat index (path,
size, mtime, inode -> digest) only saves re-reading unchanged files; on any mismatch the
file is read and hashed again. Writes go to a temporary file renamed into place, so
concurrent runs never see a torn file; a corrupt or foreign pack is ignored.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import marshal
import os
import tempfile
from pathlib import Path

from ssotlint import __version__
from ssotlint.facts.extract import FACTS_SCHEMA

log = logging.getLogger(__name__)

MAGIC = b"SSOTLINT-FACTS\x01"
StatKey = tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode

CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by ssotlint.\n"
)


def content_digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


class FactsCache:
    def __init__(self, directory: Path, extraction_key: str, enabled: bool = True) -> None:
        self.directory = directory
        self.enabled = enabled
        key = hashlib.blake2b(
            f"{__version__}\x1f{FACTS_SCHEMA}\x1f{extraction_key}".encode(), digest_size=8
        ).hexdigest()
        self.file = directory / f"facts-{key}.bin"
        self.entries: dict[bytes, bytes] = {}
        self.stats: dict[str, tuple[StatKey, bytes]] = {}
        self.used: dict[bytes, bytes] = {}
        self.new_stats: dict[str, tuple[StatKey, bytes]] = {}
        self.dirty = False

    def load(self) -> None:
        if not self.enabled:
            return
        try:
            raw = self.file.read_bytes()
        except FileNotFoundError:
            return
        except OSError as exc:
            log.warning("ignoring unreadable cache %s: %s", self.file, exc.strerror or exc)
            return
        try:
            if not raw.startswith(MAGIC):
                raise ValueError("bad header")
            checksum = raw[len(MAGIC) : len(MAGIC) + 16]
            payload = raw[len(MAGIC) + 16 :]
            if hashlib.blake2b(payload, digest_size=16).digest() != checksum:
                raise ValueError("checksum mismatch")
            entries, stats = marshal.loads(payload)
            if not isinstance(entries, dict) or not isinstance(stats, dict):
                raise ValueError("unexpected layout")
        except Exception as exc:  # any damage means: start afresh
            log.warning("ignoring corrupt cache %s (%s)", self.file, exc)
            return
        self.entries = entries
        self.stats = stats

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
        payload = marshal.dumps((self.used, self.new_stats))
        blob = MAGIC + hashlib.blake2b(payload, digest_size=16).digest() + payload
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            self._write_marker_files()
            fd, tmp = tempfile.mkstemp(prefix=".facts-", suffix=".tmp", dir=self.directory)
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(blob)
                os.replace(tmp, self.file)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        except OSError as exc:
            log.warning("cannot write cache %s: %s", self.directory, exc.strerror or exc)

    def _write_marker_files(self) -> None:
        for name, text in (("CACHEDIR.TAG", CACHEDIR_TAG), (".gitignore", "# Created by ssotlint.\n*\n")):
            marker = self.directory / name
            if not marker.exists():
                marker.write_text(text)
