"""Reuse earlier findings when files changed only in ways that move lines.

Most edits between two runs (a function body rewritten, lines added or removed, a
comment) leave what a rule family reads of a file the same except for its line numbers.
Rules see files only through their facts, and use line numbers only to report and to
order places within a file, so the findings of such a state are the previous findings
with those files' lines renumbered. This module checks that condition exactly and
renumbers, for any view of the facts (all of them, or what one family reads):

- the set of files is unchanged (so is the module table), and so is every input besides
  file contents (configuration, selected rules, versions, specs: the caller's key);
- for every changed file, the old and new views are equal once every ``line`` and
  ``end_line`` field is set aside, and the two sequences of line numbers are in the same
  order (``old[i] < old[j]`` exactly when ``new[i] < new[j]``, equal exactly when equal):
  renumbering is then one increasing map from old lines to new ones;
- every line a stored finding names in a changed file (its anchor, related places, fix
  edits, and ``path``/``line`` pairs in its data) is a line of the old view.

Anything else (a new import, a renamed class, a column that moved, a line the map does not
know) returns None and the caller computes the findings afresh.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

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


def changed_files(
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


def line_maps(
    changed: Sequence[tuple[str, FileFacts, FileFacts]], view: Callable[[str, FileFacts], Any]
) -> dict[str, dict[int, int]] | None:
    """Each changed file's line map between what ``view`` takes of its old and new facts,
    or None when one of them differs by more than its lines."""
    maps: dict[str, dict[int, int]] = {}
    for rel, old, new in changed:
        mapping = line_map(view(rel, old), view(rel, new))
        if mapping is None:
            log.debug("%s changed beyond its lines", rel)
            return None
        maps[rel] = mapping
    return maps


def renumbered(
    plain: Sequence[tuple[Any, ...]], places: Iterable[tuple[str, int]], maps: Mapping[str, dict[int, int]]
) -> tuple[list[tuple[Any, ...]], frozenset[tuple[str, int]]] | None:
    """Findings (plain, see ``cache.encode_diagnostics``) and (path, line) ``places``
    renumbered by ``maps``; None when one names a line the maps do not know."""
    try:
        findings = [_shift_finding(d, maps) for d in plain] if maps else list(plain)
        return findings, frozenset((path, _line(maps, path, line)) for path, line in places)
    except _NoShift:
        return None
    except Exception:  # a damaged state: compute afresh
        return None


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
