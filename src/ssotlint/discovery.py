"""Find the project's Python files: excludes, .gitignore, virtualenvs, symlink loops."""

from __future__ import annotations

import logging
import operator
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pathspec

from ssotlint.config import MAX_SETTING_LENGTH, Config
from ssotlint.limits import too_large

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SourceFile:
    rel: str  # POSIX path relative to the project root
    path: Path  # absolute path


def _spec(patterns: Iterable[str]) -> pathspec.GitIgnoreSpec:
    return pathspec.GitIgnoreSpec.from_lines(list(patterns))


_GROUP = re.compile(r"\(\?P<[^>]+>")
_ANY_DEPTH = "^(?:.+/)?"  # how pathspec starts the regex of a pattern without a slash


class _Matcher:
    """``spec.match_file``, with one regular expression that rules out most paths first.

    A path no pattern matches is never ignored, whatever the order and negations of the
    patterns; only the paths some pattern matches ask the spec itself.
    """

    __slots__ = ("could_match", "spec")

    def __init__(self, spec: pathspec.GitIgnoreSpec) -> None:
        self.spec = spec
        self.could_match = self._any_pattern(spec)

    @staticmethod
    def _any_pattern(spec: pathspec.GitIgnoreSpec) -> Callable[[str], object] | None:
        sources = []
        for pattern in spec.patterns:
            if getattr(pattern, "include", None) is None:
                continue  # a comment or a blank line
            regex = getattr(pattern, "regex", None)
            if regex is None or not isinstance(regex.pattern, str) or regex.flags & ~re.UNICODE:
                return None
            sources.append(_GROUP.sub("(?:", regex.pattern))
        if not sources:
            return lambda path: None
        # Patterns without a slash match at any depth and share their start; one shared
        # start saves the regex engine trying every folder boundary once per pattern.
        anywhere: list[str] = []
        alternatives: list[str] = []
        for source in sources:
            rest = source[len(_ANY_DEPTH) :]
            if source.startswith(_ANY_DEPTH) and not _has_top_level_branch(rest):
                anywhere.append(rest)
            else:
                alternatives.append(f"(?:{source})")
        if anywhere:
            alternatives.append(_ANY_DEPTH + "(?:" + "|".join(f"(?:{s})" for s in anywhere) + ")")
        try:
            return re.compile("|".join(alternatives)).search
        except re.error:
            return None

    def match(self, path: str) -> bool:
        could_match = self.could_match
        if could_match is not None and could_match(path) is None:
            return False
        return bool(self.spec.match_file(path))


def _has_top_level_branch(regex: str) -> bool:
    """Whether ``regex`` has a ``|`` outside any group (it could not follow a shared start)."""
    depth = 0
    i = 0
    while i < len(regex):
        c = regex[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":  # a character class: skip to its end
            i += 1
            if i < len(regex) and regex[i] == "^":
                i += 1
            if i < len(regex) and regex[i] == "]":
                i += 1
            while i < len(regex) and regex[i] != "]":
                i += 2 if regex[i] == "\\" else 1
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            return True
        i += 1
    return False


class _Ignore:
    """Combines the configured excludes with every .gitignore met on the way down."""

    def __init__(self, config: Config) -> None:
        self.exclude = _Matcher(_spec([*config.exclude, *config.extend_exclude]))
        self.respect_gitignore = config.respect_gitignore
        self.max_size = config.max_file_size
        self.root = config.root.resolve()
        self.gitignores: list[tuple[str, _Matcher]] = []

    def load_gitignore(self, folder: str, rel: str) -> None:
        if not self.respect_gitignore:
            return
        gi = Path(folder, ".gitignore")
        try:
            if gi.is_file():
                # Patterns are compiled in time growing with their number and faster than
                # their length: the limits of source files and of settings apply.
                where = f"{rel}/.gitignore" if rel else ".gitignore"
                size = gi.stat().st_size
                if size > self.max_size:
                    log.warning("ignoring %s: %s", where, too_large(size, self.max_size))
                    return
                lines = gi.read_text("utf-8", errors="replace").splitlines()
                for number, line in enumerate(lines, 1):
                    if len(line) > MAX_SETTING_LENGTH:
                        log.warning(
                            "ignoring %s line %d: a pattern of %s characters, more than %s",
                            where, number, f"{len(line):,}", f"{MAX_SETTING_LENGTH:,}",
                        )
                        lines[number - 1] = ""
                self.gitignores.append((rel + "/" if rel else "", _Matcher(_spec(lines))))
        except OSError as exc:
            log.warning("cannot read %s: %s", gi, exc)

    def ignored(self, probe: str) -> bool:
        """``probe`` is a relative path, with a trailing slash for a folder."""
        if self.exclude.match(probe):
            return True
        for base, matcher in self.gitignores:
            if base:
                if probe.startswith(base) and matcher.match(probe[len(base) :]):
                    return True
            elif matcher.match(probe):
                return True
        return False


_by_name = operator.attrgetter("name")
_by_rel = operator.attrgetter("rel")


def discover(config: Config) -> list[SourceFile]:
    """Every Python file of the project, sorted by relative path."""
    root = config.root
    ignore = _Ignore(config)
    found: list[SourceFile] = []
    _walk(str(root.resolve()), "", ignore, set(), found)
    found.sort(key=_by_rel)
    return found


def _walk(folder: str, rel: str, ignore: _Ignore, seen: set[tuple[int, int]], found: list[SourceFile]) -> None:
    try:
        st = os.stat(folder)
    except OSError:
        return
    key = (st.st_dev, st.st_ino)
    if key in seen:  # a symlink loop or a second link to a folder already walked
        return
    seen.add(key)
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=_by_name)
    except OSError as exc:
        if rel and os.path.exists(os.path.join(folder, "pyvenv.cfg")):
            return
        ignore.load_gitignore(folder, rel)
        log.warning("cannot list %s: %s", folder, exc.strerror or exc)
        return
    names = {e.name: e for e in entries}
    if rel and "pyvenv.cfg" in names and _exists(names["pyvenv.cfg"]):
        return  # a virtualenv, whatever its name
    if ".gitignore" in names:
        ignore.load_gitignore(folder, rel)
    prefix = rel + "/" if rel else ""
    here: Path | None = None
    for entry in entries:
        name = entry.name
        try:
            is_dir = entry.is_dir()  # follows symlinks; loops are caught by `seen`
            is_file = not is_dir and entry.is_file()
        except OSError:
            continue
        if is_dir:
            child_rel = prefix + name
            if not _is_utf8(name):
                _skip_undecodable(child_rel)
                continue
            if ignore.ignored(child_rel + "/"):
                continue
            if entry.is_symlink() and not _inside(Path(entry.path), ignore.root):
                continue  # never leave the project through a link
            _walk(entry.path, child_rel, ignore, seen, found)
        elif name.endswith(".py"):
            child_rel = prefix + name
            if not _is_utf8(name):
                _skip_undecodable(child_rel)
                continue
            if is_file and not ignore.ignored(child_rel):
                if here is None:
                    here = Path(folder)
                found.append(SourceFile(child_rel, here / name))


def _exists(entry: os.DirEntry[str]) -> bool:
    """What ``Path.exists`` says of a listed entry: a link counts when its target exists."""
    if not entry.is_symlink():
        return True
    try:
        os.stat(entry.path)
    except OSError:
        return False
    return True


def _skip_undecodable(rel: str) -> None:
    # Not a module name Python could import, and not a path any report format can carry.
    printable = rel.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    log.warning("skipping %s: the name is not valid UTF-8", printable)


def _is_utf8(name: str) -> bool:
    if name.isascii():
        return True
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
    if len(scope) < 4:
        return any(rel == s or rel.startswith(s + "/") for s in scope)
    # Many paths (a pre-commit hook names every changed file): look up rel and each folder above it.
    prefixes = _scope_set(scope)
    if rel in prefixes:
        return True
    end = rel.find("/")
    while end >= 0:
        if rel[:end] in prefixes:
            return True
        end = rel.find("/", end + 1)
    return False


_last_scope: list[tuple[tuple[str, ...], frozenset[str]]] = []


def _scope_set(scope: tuple[str, ...]) -> frozenset[str]:
    if _last_scope and _last_scope[0][0] is scope:
        return _last_scope[0][1]
    prefixes = frozenset(scope)
    _last_scope[:] = [(scope, prefixes)]
    return prefixes
