"""Write a fix's files as one transaction: all of them or none.

Every new file and a copy of every original are first written into a hidden folder at the
project root (``.ssotlint-fix-*``, skipped by discovery like every hidden folder) with a
journal; only then is each new file renamed into place. On any failure, interrupt or
termination the originals are put back; a run that is killed outright leaves the folder
and its journal behind, and the next ``ssotlint fix`` puts the originals back before it
starts. Nothing is ever written next to the source files except, on a file system that
cannot rename across folders, a temporary that is removed on any exit.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

PREFIX = ".ssotlint-fix-"
JOURNAL = "journal.json"


class StaleFile(Exception):
    """A file changed on disk since the fix read it."""

    def __init__(self, path: str) -> None:
        super().__init__(f"{path} changed since it was read; nothing was written")
        self.path = path


@dataclass(frozen=True)
class Change:
    path: str  # relative to the root, POSIX
    before: bytes
    after: bytes


def _write(path: Path, data: bytes, mode: int | None = None, sync: bool = False) -> None:
    with open(path, "wb") as fh:
        fh.write(data)
        if sync:
            fh.flush()
            os.fsync(fh.fileno())
    if mode is not None:
        os.chmod(path, mode)


def _sync_all(paths: Iterable[Path]) -> None:
    """Flush these files to disk (one system-wide sync where there is one: hundreds of
    fsync calls cost seconds on a busy disk)."""
    if hasattr(os, "sync"):
        os.sync()
        return
    for path in paths:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _put(source: Path, target: Path) -> None:
    """Move ``source`` over ``target`` atomically (through a temporary beside ``target``
    when they are on different file systems; the temporary never outlives the call)."""
    try:
        os.replace(source, target)
        return
    except OSError as exc:
        if exc.errno != 18:  # EXDEV
            raise
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".ssotlint-tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(source.read_bytes())
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, source.stat().st_mode & 0o7777)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


class Transaction:
    """Files written by one fix, with their originals kept until :meth:`commit`."""

    def __init__(self, root: Path, folder: Path, entries: Sequence[tuple[str, str]]) -> None:
        self.root = root
        self.folder = folder
        self.entries = list(entries)  # (relative path, backup file name in the folder)
        self.done = False

    @classmethod
    def write(cls, root: Path, changes: Iterable[Change], targets: dict[str, Path]) -> Transaction:
        """Write every change, or (on any error, interrupt or termination) none.

        ``targets`` gives each path's real file (checked to lie inside the root by the caller).
        """
        changes = list(changes)
        folder = Path(tempfile.mkdtemp(prefix=PREFIX, dir=root))
        txn = cls(root, folder, [])
        try:
            files = []
            for k, c in enumerate(changes):
                target = targets[c.path]
                if target.read_bytes() != c.before:
                    raise StaleFile(c.path)
                mode = target.stat().st_mode & 0o7777
                _write(folder / f"old-{k}", c.before, mode)
                _write(folder / f"new-{k}", c.after, mode)
                files.append({"path": c.path, "target": str(target), "backup": f"old-{k}", "new": f"new-{k}"})
            _sync_all(folder / f for entry in files for f in (entry["backup"], entry["new"]))
            _write(folder / JOURNAL, json.dumps({"pid": os.getpid(), "files": files}).encode(), sync=True)
            txn.entries = [(f["target"], f["backup"]) for f in files]
            for f in files:
                _put(folder / f["new"], Path(f["target"]))
        except BaseException:
            txn.rollback()
            raise
        return txn

    def rollback(self) -> list[str]:
        """Put every original back and remove the folder; the paths that could not be restored."""
        failed = _restore(self.folder, self.entries)
        if not failed:
            shutil.rmtree(self.folder, ignore_errors=True)
        self.done = True
        return failed

    def commit(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
        self.done = True


def _restore(folder: Path, entries: Iterable[tuple[str, str]]) -> list[str]:
    failed = []
    for target, backup in entries:
        source = folder / backup
        if not source.exists():
            continue
        try:
            if Path(target).read_bytes() != source.read_bytes():
                _put(source, Path(target))
        except OSError:
            failed.append(target)
    return failed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _journals(root: Path) -> list[tuple[Path, dict[str, object] | None]]:
    """The fix folders left at ``root`` with their journals (None: not written yet), except
    those of a fix that is still running."""
    out: list[tuple[Path, dict[str, object] | None]] = []
    for folder in sorted(root.glob(PREFIX + "*")):
        if not folder.is_dir():
            continue
        try:
            journal = json.loads((folder / JOURNAL).read_text())
        except (OSError, ValueError):
            out.append((folder, None))
            continue
        pid = journal.get("pid")
        if isinstance(pid, int) and pid != os.getpid() and _alive(pid):
            continue  # another fix is running
        out.append((folder, journal))
    return out


def interrupted(root: Path) -> list[str]:
    """The files an interrupted fix may have left half-written (what :func:`recover` puts back)."""
    return sorted(
        str(f["path"])
        for _, journal in _journals(root)
        if journal is not None
        for f in journal.get("files", [])  # type: ignore[attr-defined]
    )


def recover(root: Path) -> list[str]:
    """Undo the writes of fixes that were killed before they finished; what was restored."""
    restored: list[str] = []
    for folder, journal in _journals(root):
        if journal is None:
            # Killed before the journal was written: nothing was renamed into place yet.
            shutil.rmtree(folder, ignore_errors=True)
            continue
        files: list[dict[str, str]] = journal.get("files", [])  # type: ignore[assignment]
        if not _restore(folder, [(f["target"], f["backup"]) for f in files]):
            shutil.rmtree(folder, ignore_errors=True)
            restored.extend(f["path"] for f in files)
    return restored
