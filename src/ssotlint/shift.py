"""Reuse the last run's findings when files changed only in ways that move lines.

Most edits between two runs (a function body rewritten, lines added or removed, a
comment) leave a file's facts the same except for their line numbers. Rules see files
only through their facts, and use line numbers only to report and to order places within a
file, so the findings of such a state are the previous findings with those files' lines
renumbered. This module checks that condition exactly and renumbers:

- the set of files is unchanged (so is the module table), and so is every input besides
  file contents (configuration, selected rules, versions, specs: the caller's key);
- for every changed file, its old and new facts are equal once every ``line`` and
  ``end_line`` field is set aside, and the two sequences of line numbers are in the same
  order (``old[i] < old[j]`` exactly when ``new[i] < new[j]``, equal exactly when equal):
  renumbering is then one increasing map from old lines to new ones;
- every line a stored finding names in a changed file (its anchor, related places, fix
  edits, and ``path``/``line`` pairs in its data) is a line of the old facts.

Anything else (a new import, a renamed class, a column that moved, a line the map does not
know) returns None and the caller computes the findings afresh.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from ssotlint.cache import FamilyState, StoredResult
from ssotlint.facts import blob
from ssotlint.facts.model import FileFacts

log = logging.getLogger(__name__)

#: Beyond this many changed files, computing afresh is as quick as comparing.
MAX_CHANGED = 200
_LINE_FIELDS = frozenset({"line", "end_line"})
_IGNORED_FIELDS = frozenset({"line_count"})  # read by no rule
#: String fields that hold "line:column" (a field table's identity, see EventConsumer).
_POSITION_STRINGS = frozenset({("EventConsumer", "tag")})


class _NoShift(Exception):
    pass


def _shape(value: Any, lines: list[int]) -> Any:
    """``value`` with its line numbers set aside (appended to ``lines`` in walk order)."""
    if isinstance(value, tuple):
        fields = getattr(value, "_fields", None)
        if fields is None:
            return tuple(_shape(v, lines) for v in value)
        kind = type(value).__name__
        out: list[Any] = [kind]
        for name, v in zip(fields, value, strict=True):
            if (kind, name) in _POSITION_STRINGS and isinstance(v, str):
                line, sep, column = v.partition(":")
                if sep and line.isdigit() and column.isdigit():
                    lines.append(int(line))
                    out.append(("line:", column))
                    continue
            if name in _LINE_FIELDS:
                lines.append(v)
                out.append(None)
            elif name in _IGNORED_FIELDS:
                out.append(None)
            else:
                out.append(_shape(v, lines))
        return tuple(out)
    return value


def line_map(old: Any, new: Any) -> dict[int, int] | None:
    """The increasing map from ``old``'s lines to ``new``'s, if they differ only by it
    (``old`` and ``new``: facts, or any tuples of them)."""
    old_lines: list[int] = []
    new_lines: list[int] = []
    if _shape(old, old_lines) != _shape(new, new_lines):
        return None
    forward: dict[int, int] = {}
    backward: dict[int, int] = {}
    for o, n in zip(old_lines, new_lines, strict=True):
        if forward.setdefault(o, n) != n or backward.setdefault(n, o) != o:
            return None
    pairs = sorted(forward.items())
    if any(b[1] <= a[1] for a, b in itertools.pairwise(pairs)):
        return None  # the order of two places changed
    return forward


def shifted(
    previous: StoredResult | None,
    digests: Mapping[str, bytes],
    old_blob: Callable[[bytes], bytes | None],
    new_facts: Callable[[str], FileFacts],
) -> tuple[list[tuple[Any, ...]], list[tuple[str, ...]]] | None:
    """The previous findings (plain) renumbered for the files' current ``digests``, or None."""
    if previous is None:
        return None
    changed = _changed_files(previous.digests, digests, old_blob, new_facts)
    if changed is None:
        return None
    maps: dict[str, dict[int, int]] = {}
    for rel, old, new in changed:
        mapping = line_map(old, new)
        if mapping is None:
            return None
        maps[rel] = mapping
    try:
        plain, suppressed = previous.findings()
        if not maps:
            return list(plain), list(suppressed)
        return [_shift_finding(d, maps) for d in plain], list(suppressed)
    except _NoShift:
        return None
    except Exception:  # a damaged file: compute afresh
        return None


def _changed_files(
    old_digests: Mapping[str, bytes],
    digests: Mapping[str, bytes],
    old_blob: Callable[[bytes], bytes | None],
    new_facts: Callable[[str], FileFacts],
) -> list[tuple[str, FileFacts, FileFacts]] | None:
    """(path, old facts, new facts) of every changed file; None when files were added or
    removed, too many changed, or an old version is no longer in the cache."""
    if old_digests.keys() != digests.keys():
        return None
    changed = [rel for rel, digest in digests.items() if old_digests[rel] != digest]
    if len(changed) > MAX_CHANGED:
        return None
    out = []
    for rel in changed:
        stored = old_blob(old_digests[rel])
        if stored is None:
            return None
        try:
            old = blob.unpack(stored)
        except Exception:  # a damaged entry: compute afresh
            return None
        out.append((rel, old, new_facts(rel)))
    return out


def _line(maps: Mapping[str, dict[int, int]], path: str, line: int) -> int:
    mapping = maps.get(path)
    if mapping is None:
        return line
    new = mapping.get(line)
    if new is None:
        raise _NoShift
    return new


def _shift_finding(d: tuple[Any, ...], maps: Mapping[str, dict[int, int]]) -> tuple[Any, ...]:
    # The layout of cache.encode_diagnostics.
    code, name, message, path, span, severity, fp, related, fix, data, touches = d
    line, column, end_line, end_column = span
    span = (_line(maps, path, line), column, _line(maps, path, end_line), end_column)
    related = tuple((p, _line(maps, p, ln), msg, col) for p, ln, msg, col in related)
    if fix is not None:
        title, edits, safe = fix
        edits = tuple(
            (p, _line(maps, p, sl), sc, _line(maps, p, el), ec, text) for p, sl, sc, el, ec, text in edits
        )
        fix = (title, edits, safe)
    return (code, name, message, path, span, severity, fp, related, fix, _shift_data(data, maps), touches)


def _shift_data(value: Any, maps: Mapping[str, dict[int, int]]) -> Any:
    if isinstance(value, dict):
        out = {k: _shift_data(v, maps) for k, v in value.items()}
        has_line = any(k in _LINE_FIELDS for k in out)
        if has_line:
            path = out.get("path")
            if not isinstance(path, str):
                # A line without its file: cannot tell whether it moved.
                if maps:
                    raise _NoShift
                return out
            for k in _LINE_FIELDS:
                if isinstance(out.get(k), int):
                    out[k] = _line(maps, path, out[k])
        return out
    if isinstance(value, list):
        return [_shift_data(v, maps) for v in value]
    if isinstance(value, tuple):
        return tuple(_shift_data(v, maps) for v in value)
    return value


# --- the cycle rules alone ----------------------------------------------------------------
#
# The cycle rules read, of each file, its imports, its ignore comments and its parse error
# (and the module table, which is the same while the set of files is). When those are
# equal but for a renumbering in every changed file (a class added, a function body
# rewritten), their findings, and which suppressions removed an edge of a cycle, are the
# last run's renumbered.


def cycle_view(facts: FileFacts) -> tuple[Any, ...]:
    """What the cycle rules read of a file."""
    return (facts.error, facts.imports, facts.suppressions)


def shifted_cycles(
    old_digests: Mapping[str, bytes],
    plain: list[tuple[Any, ...]],
    places: tuple[frozenset[tuple[str, int]], ...],
    digests: Mapping[str, bytes],
    old_blob: Callable[[bytes], bytes | None],
    new_facts: Callable[[str], FileFacts],
) -> tuple[list[tuple[Any, ...]], tuple[frozenset[tuple[str, int]], ...]] | None:
    """The last cycle findings (plain) and the (path, line) ``places`` of the ignore
    comments they used, renumbered for the current files; None when a changed file's
    imports, comments or parse error changed beyond their lines."""
    changed = _changed_files(old_digests, digests, old_blob, new_facts)
    if changed is None:
        return None
    maps: dict[str, dict[int, int]] = {}
    for rel, old, new in changed:
        mapping = line_map(cycle_view(old), cycle_view(new))
        if mapping is None:
            return None
        maps[rel] = mapping
    try:
        findings = [_shift_finding(d, maps) for d in plain] if maps else list(plain)
        moved = tuple(frozenset((path, _line(maps, path, line)) for path, line in group) for group in places)
    except _NoShift:
        return None
    return findings, moved


# --- the duplicate rules alone -------------------------------------------------------------
#
# When the whole-state reuse above fails (an import added, a class changed), the duplicate
# rules may still be unaffected. They read, of each file: its classes, aliases, constants,
# factories, `__all__` and from-imports (all of which must then be equal but for a
# renumbering, classes aside), and its top-level bindings, only through lookups of
# (module, name) in the symbol table. A binding that changed (a plain `import x` added,
# a class added) changes nothing if the previous run never looked that (module, name) up:
# the rules make the same lookups, in the same order, and get the same answers. Classes
# that changed are handed to ``classes_inert`` (see index.class_changes), which decides
# whether the passes over every class can notice them.


def duplicate_view(facts: FileFacts, skip: frozenset[str] = frozenset()) -> tuple[Any, ...]:
    """What the duplicate rules read of a file besides its top-level bindings (without the
    classes whose qualnames are in ``skip``)."""
    from_imports = tuple(f for f in facts.imports if f.is_from and not f.dynamic)
    classes = tuple(c for c in facts.classes if c.qualname not in skip) if skip else facts.classes
    return (facts.error, classes, facts.aliases, facts.constants, facts.factories, facts.dunder_all, from_imports)


def changed_classes(old: FileFacts, new: FileFacts) -> frozenset[str]:
    """Qualnames of the classes added, removed, or changed beyond their line numbers (none
    when a qualname is defined twice in a file: such classes are compared in place)."""
    before = {c.qualname: c for c in old.classes}
    after = {c.qualname: c for c in new.classes}
    if len(before) != len(old.classes) or len(after) != len(new.classes):
        return frozenset()
    return frozenset(
        q
        for q in before.keys() | after.keys()
        if q not in before or q not in after or _shape(before[q], []) != _shape(after[q], [])
    )


def changed_bindings(old: Any, new: Any) -> set[str]:
    """Names bound differently at the top level (``old``/``new``: namespaces)."""
    names = set(old.imports) | set(new.imports)
    return {n for n in names if old.imports.get(n) != new.imports.get(n)}


ClassVersions = list[tuple[str, str, Any]]  # (path, module, ClassFact)


class DuplicateShift(NamedTuple):
    """What :func:`shifted_duplicates` found."""

    plain: list[tuple[Any, ...]] | None  # the findings renumbered; None: they must be computed
    verdict: Any  # what ``classes_inert`` said of the changed classes (None: no class changed)
    changed: frozenset[str]  # keys of the classes that changed (either version)


def shifted_duplicates(
    previous: FamilyState | None,
    digests: Mapping[str, bytes],
    old_blob: Callable[[bytes], bytes | None],
    new_facts: Callable[[str], FileFacts],
    bindings: Callable[[str, FileFacts], tuple[str, Any] | None],
    classes_inert: Callable[[ClassVersions, ClassVersions, set[str]], Any] | None = None,
) -> DuplicateShift | None:
    """The previous raw duplicate findings (plain) renumbered for the current files, or
    (``plain`` None) only the word that every lookup the last run made still has its
    answer and every class it looked up its role; None when neither holds.

    ``bindings(rel, facts)``: the file's module name and top-level namespace.
    ``classes_inert(old, new, looked_up)``: given the changed classes before and after
    (and the keys of those the last run looked up, changed in place with the same bases),
    a tuple when they leave the findings as they were, a string when only the lookups
    hold, None else (see index.class_changes.inert); without it, every class must be
    unchanged but for its lines.
    """
    if previous is None:
        return None
    old_digests, plain, queried = previous.digests, previous.plain, previous.queried
    changed = _changed_files(old_digests, digests, old_blob, new_facts)
    if changed is None:
        return None
    maps: dict[str, dict[int, int]] = {}
    old_classes: ClassVersions = []
    new_classes: ClassVersions = []
    looked_up: set[str] = set()  # keys of changed classes the last run looked up
    for rel, old, new in changed:
        before, after = bindings(rel, old), bindings(rel, new)
        if (before is None) != (after is None):
            return None
        classes = changed_classes(old, new) if classes_inert is not None else frozenset()
        mapping = line_map(duplicate_view(old, classes), duplicate_view(new, classes))
        if mapping is None:
            log.debug("duplicate findings not reused: %s changed what the rules read", rel)
            return None
        if before is not None and after is not None:
            module = after[0]
            if any((module, name) in queried for name in changed_bindings(before[1], after[1])):
                log.debug("duplicate findings not reused: %s rebinds a name the rules looked up", rel)
                return None
            if classes:
                before_classes = {c.qualname: c for c in old.classes}
                after_classes = {c.qualname: c for c in new.classes}
                for q in classes:
                    if (module, q.partition(".")[0]) not in queried:
                        continue
                    # Looked up: what the lookup answered must stay (a top-level class of
                    # that name, with the same bases), and so must what its subclasses read
                    # of it (its role: see index.class_changes).
                    was, now = before_classes.get(q), after_classes.get(q)
                    if was is None or now is None or q != was.name or was.bases != now.bases or was.keywords != now.keywords:
                        log.debug("duplicate findings not reused: %s:%s, looked up, was replaced", module, q)
                        return None
                    looked_up.add(f"{module}:{q}")
                old_classes += [(rel, module, c) for c in old.classes if c.qualname in classes]
                new_classes += [(rel, module, c) for c in new.classes if c.qualname in classes]
        maps[rel] = mapping
    changed_keys = frozenset(f"{module}:{c.qualname}" for _, module, c in (*old_classes, *new_classes))
    verdict = None
    if old_classes or new_classes:
        verdict = classes_inert(old_classes, new_classes, looked_up) if classes_inert is not None else None
        if verdict is None:
            return None
        if not isinstance(verdict, tuple):  # the lookups hold, the concepts may not
            return DuplicateShift(None, None, changed_keys)
    try:
        return DuplicateShift([_shift_finding(d, maps) for d in plain], verdict, changed_keys)
    except _NoShift:
        return DuplicateShift(None, None, changed_keys)
