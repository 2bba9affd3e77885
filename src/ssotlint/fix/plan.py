"""Which fixes a run's findings call for, as plain data (no file is read here).

Findings are read through their documented ``data`` keys:

- SSOT102 compat-alias: ``alias`` ("mod:Name"), ``target`` ("mod:Class"), ``concept``.
  Safe: every import of the alias is rewritten to the canonical class by its public name;
  then the alias itself is removed when nothing uses it any more.
- SSOT101 duplicate-implementation: ``duplicate``, ``canonical``, ``joined_by``,
  ``declared``. Unsafe (the two classes may differ): imports of the duplicate are
  rewritten to the canonical class, only for a declared concept and a duplicate that
  matched its pattern or interface (see :func:`evidence`).
- SSOT303 event-envelope-mismatch: ``event``, ``field``/``fields``, and where known
  ``expected`` (the spec's level: "payload", "data", or "" / "flat" for the top level, as
  a name or a one-name list) and ``found``. Unsafe:
  the fields of a fully literal dict are moved to the spec's level (also with
  ``--events producers``).
- SSOT305 consumer-spec-mismatch: ``event``, ``field``, ``level`` (where the consumer
  reads it), ``kind`` and, for a field the spec defines, ``expected`` (the spec's level).
  With ``--events consumers``: the read or table entry is rewritten to the spec's level
  (:func:`ssotlint.fix.codemods.rewrite_consumer`); a field the spec does not define
  needs a person.
- Any other finding that carries a ``Fix`` (text edits) is applied as-is; unsafe ones
  only with ``--unsafe``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ssotlint.diagnostics import Diagnostic, Fix
from ssotlint.index.concepts import INTERFACE, NAME_PATTERN

ENVELOPES = ("payload", "data")


@dataclass(frozen=True)
class RewriteImports:
    """Point every ``from <source module> import <Name>`` at ``target`` instead."""

    code: str
    fingerprint: str
    source: str  # "mod:Name"
    target: str  # "mod:Name"
    safe: bool
    concept: str = ""

    @property
    def title(self) -> str:
        return f"import {self.target} instead of {self.source}"


@dataclass(frozen=True)
class RemoveAlias:
    """Delete the alias definition once no module imports it."""

    code: str
    fingerprint: str
    alias: str  # "mod:Name"
    path: str
    concept: str = ""

    @property
    def title(self) -> str:
        return f"remove the unused alias {self.alias}"


@dataclass(frozen=True)
class EventSite:
    """A finding of an event rule at ``path:line:column``."""

    code: str
    fingerprint: str
    path: str
    line: int
    column: int
    event: str


@dataclass(frozen=True)
class MoveEventFields(EventSite):
    """Move the fields of the dict literal (or the keywords of the call) at
    ``path:line:column`` to the spec's level."""

    fields: tuple[str, ...]  # empty: every field found at the wrong level
    expected: str  # "flat", "payload" or "data"; "" = infer from the dict
    keywords: bool = False  # also an event passed as keyword arguments (--events producers)

    @property
    def title(self) -> str:
        where = "the top level" if self.expected in ("flat", "") else f"`{self.expected}`"
        return f"move the fields of event {self.event!r} to {where}"


@dataclass(frozen=True)
class RewriteConsumer(EventSite):
    """Rewrite the consumer's read (or table entry) of ``field`` at ``path:line:column``
    from level ``found`` to level ``expected`` ("" = the top level)."""

    field: str
    found: str
    expected: str
    kind: str  # "table" / "read" / "call", as the finding says

    @property
    def title(self) -> str:
        where = "the top level" if not self.expected else f"`{self.expected}`"
        verb = "require" if self.kind == "table" else "read"
        return f"{verb} {self.event}.{self.field} at {where}"


@dataclass(frozen=True)
class TextEdits:
    """A finding's own ``Fix``."""

    code: str
    fingerprint: str
    path: str
    fix: Fix

    @property
    def title(self) -> str:
        return self.fix.title


Action = RewriteImports | RemoveAlias | MoveEventFields | RewriteConsumer | TextEdits

#: ``--events`` sides and the finding each one fixes.
EVENT_SIDES = {"producers": "SSOT303", "consumers": "SSOT305"}


def split_symbol(symbol: str) -> tuple[str, str]:
    """``"pkg.mod:Name"`` -> ``("pkg.mod", "Name")`` (a dotted ``pkg.mod.Name`` is accepted too)."""
    if ":" in symbol:
        module, _, name = symbol.partition(":")
    else:
        module, _, name = symbol.rpartition(".")
    return module, name


def _str(data: Mapping[str, Any], *keys: str) -> str:
    for key in keys:
        value = data.get(key)
        if isinstance(value, str) and value:
            return value
    return ""


def _fields(data: Mapping[str, Any]) -> tuple[str, ...]:
    out: list[str] = []
    for key in ("field", "fields"):
        value = data.get(key)
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, (list, tuple)):
            out.extend(str(v) for v in value)
    return tuple(dict.fromkeys(out))


def _level(data: Mapping[str, Any], *keys: str) -> str:
    """The spec's envelope as "flat", "payload" or "data" ("" when the finding does not say).

    A level is written as a name or a list of names; "" (or "flat") is the top level.
    """
    for key in keys:
        value = data.get(key)
        if isinstance(value, (list, tuple)):
            value = value[0] if len(value) == 1 else None
        if not isinstance(value, str):
            continue
        value = value.lower()
        if value in ("", "flat", "top", "top-level", "top level", "none"):
            return "flat"
        if value in ENVELOPES:
            return value
    return ""


def evidence(d: Diagnostic) -> str:
    """Why a duplicate (SSOT101) is the canonical class's concept, as the finding's data
    says; "" when it does not. Its imports are rewritten only then.

    Only a declared concept is evidence (the user named its canonical class), and only for
    a duplicate that matched the concept's name pattern or shares its interface: classes
    that merely share a name, or a discovered concept's look-alikes (two matrix formats,
    two integrations' managers with the same methods), are not the same thing.
    """
    if d.data.get("declared") is not True:
        return ""
    joined = _str(d.data, "joined_by")
    if joined == INTERFACE:
        return "its interface overlaps the declared canonical class's"
    if joined == NAME_PATTERN:
        return "it matches the declared concept's name pattern"
    return ""


def needs_a_person(d: Diagnostic) -> str:
    """Why a consumer finding (SSOT305) cannot be rewritten from its data alone; "" when it can."""
    if d.data.get("kind") == "call":
        return "the keys a mock assertion expects: change the asserted dict by hand"
    if not isinstance(d.data.get("expected"), str):
        return "the spec does not define this field for the event: rename it or add it to the spec"
    return ""


def plan_fixes(
    diagnostics: Iterable[Diagnostic],
    unsafe: bool = False,
    skipped: list[Diagnostic] | None = None,
    *,
    events: frozenset[str] = frozenset(),
    manual: list[Diagnostic] | None = None,
) -> list[Action]:
    """The fixes for these findings, safe ones only unless ``unsafe``; deterministic order.

    Duplicates the findings do not show to be the same concept go to ``skipped``. With
    ``events`` (a subset of :data:`EVENT_SIDES`), only the event findings of those sides
    are fixed: producers (SSOT303) and consumers (SSOT305); consumer findings no rewrite
    can fix go to ``manual``.
    """
    actions: list[Action] = []
    if events:
        codes = {EVENT_SIDES[side] for side in events}
        seen: set[tuple[str, str, int, int]] = set()
        for d in diagnostics:
            # One place, one rewrite (a read under two guards is reported twice).
            if d.code not in codes or (d.code, d.path, d.line, d.column) in seen:
                continue
            seen.add((d.code, d.path, d.line, d.column))
            if d.code == "SSOT303":
                actions.extend(dataclasses.replace(a, keywords=True) for a in plan_fixes([d], unsafe=True) if isinstance(a, MoveEventFields))
            elif needs_a_person(d):
                if manual is not None:
                    manual.append(d)
            else:
                actions.append(
                    RewriteConsumer(
                        d.code, d.fingerprint, d.path, d.line, d.column, _str(d.data, "event"), _str(d.data, "field"),
                        str(d.data.get("level") or ""), str(d.data["expected"]), str(d.data.get("kind") or ""),
                    )
                )
        return actions
    for d in diagnostics:
        concept = _str(d.data, "concept")
        if d.code == "SSOT102":
            alias, target = _str(d.data, "alias"), _str(d.data, "target", "canonical")
            if alias and target and alias != target:
                actions.append(RewriteImports(d.code, d.fingerprint, alias, target, safe=True, concept=concept))
                actions.append(RemoveAlias(d.code, d.fingerprint, alias, d.path, concept=concept))
        elif d.code == "SSOT101":
            dup, canonical = _str(d.data, "duplicate"), _str(d.data, "canonical")
            if unsafe and dup and canonical and dup != canonical:
                if not evidence(d):
                    if skipped is not None:
                        skipped.append(d)
                    continue
                actions.append(RewriteImports(d.code, d.fingerprint, dup, canonical, safe=False, concept=concept))
        elif d.code == "SSOT303":
            if unsafe:
                expected = _level(d.data, "expected", "spec_envelope")
                actions.append(
                    MoveEventFields(d.code, d.fingerprint, d.path, d.line, d.column, _str(d.data, "event"), _fields(d.data), expected)
                )
        elif d.fix is not None and (d.fix.safe or unsafe):
            actions.append(TextEdits(d.code, d.fingerprint, d.path, d.fix))
    return actions
