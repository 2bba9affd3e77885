"""Find the project's Python files: excludes, .gitignore, virtualenvs, symlink loops."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pathspec

from ssotlint.config import Config

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SourceFile:
    rel: str  # POSIX path relative to the project root
    path: Path  # absolute path


def _spec(patterns: Iterable[str]) -> pathspec.GitIgnoreSpec:
    return pathspec.GitIgnoreSpec.from_lines(list(patterns))


class _Ignore:
    """Combines the configured excludes with every .gitignore met on the way down."""

    def __init__(self, config: Config) -> None:
        self.exclude = _spec([*config.exclude, *config.extend_exclude])
        self.respect_gitignore = config.respect_gitignore
        self.root = config.root.resolve()
        self.gitignores: list[tuple[str, pathspec.GitIgnoreSpec]] = []

    def load_gitignore(self, folder: Path, rel: str) -> None:
        if not self.respect_gitignore:
            return
        gi = folder / ".gitignore"
        try:
            if gi.is_file():
                lines = gi.read_text("utf-8", errors="replace").splitlines()
                self.gitignores.append((rel, _spec(lines)))
        except OSError as exc:
            log.warning("cannot read %s: %s", gi, exc)

    def ignored(self, rel: str, is_dir: bool) -> bool:
        probe = rel + "/" if is_dir else rel
        if self.exclude.match_file(probe):
            return True
        for base, spec in self.gitignores:
            if base:
                if not probe.startswith(base + "/"):
                    continue
                if spec.match_file(probe[len(base) + 1 :]):
                    return True
            elif spec.match_file(probe):
                return True
        return False


def discover(config: Config) -> list[SourceFile]:
    """Every Python file of the project, sorted by relative path."""
    root = config.root
    ignore = _Ignore(config)
    seen_dirs: set[tuple[int, int]] = set()
    found: list[SourceFile] = []
    for rel, path in _walk(root.resolve(), "", ignore, seen_dirs):
        found.append(SourceFile(rel, path))
    found.sort(key=lambda f: f.rel)
    return found


def _walk(folder: Path, rel: str, ignore: _Ignore, seen: set[tuple[int, int]]) -> Iterator[tuple[str, Path]]:
    try:
        st = folder.stat()
    except OSError:
        return
    key = (st.st_dev, st.st_ino)
    if key in seen:  # a symlink loop or a second link to a folder already walked
        return
    seen.add(key)
    if rel and (folder / "pyvenv.cfg").exists():
        return  # a virtualenv, whatever its name
    ignore.load_gitignore(folder, rel)
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        log.warning("cannot list %s: %s", folder, exc.strerror or exc)
        return
    for entry in entries:
        child_rel = f"{rel}/{entry.name}" if rel else entry.name
        try:
            is_dir = entry.is_dir()  # follows symlinks; loops are caught by `seen`
            is_file = not is_dir and entry.is_file()
        except OSError:
            continue
        if (is_dir or entry.name.endswith(".py")) and not _is_utf8(entry.name):
            # Not a module name Python could import, and not a path any report format can carry.
            printable = child_rel.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            log.warning("skipping %s: the name is not valid UTF-8", printable)
            continue
        if is_dir:
            if ignore.ignored(child_rel, True):
                continue
            child = Path(entry.path)
            if entry.is_symlink() and not _inside(child, ignore.root):
                continue  # never leave the project through a link
            yield from _walk(child, child_rel, ignore, seen)
        elif is_file and entry.name.endswith(".py") and not ignore.ignored(child_rel, False):
            yield child_rel, Path(entry.path)


def _is_utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # undecodable bytes arrive as lone surrogates
        return False
    return True


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root)
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def resolve_scope(config: Config, paths: Iterable[Path]) -> tuple[str, ...] | None:
    """Relative POSIX prefixes of the paths named on the command line; None = everything.

    Raises ValueError for a path outside the project root.
    """
    root = config.root.resolve()
    scope: list[str] = []
    for p in paths:
        full = p.resolve()
        try:
            rel = full.relative_to(root).as_posix()
        except ValueError as exc:
            raise ValueError(f"{p} is outside the project root {root}") from exc
        if rel in ("", "."):
            return None
        scope.append(rel)
    return tuple(scope)


def in_scope(rel: str, scope: tuple[str, ...] | None) -> bool:
    if scope is None:
        return True
    return any(rel == s or rel.startswith(s + "/") for s in scope)
