"""The rule registry: an explicit tuple, in code order."""

from __future__ import annotations

from ssotlint.rules.base import Case, Rule
from ssotlint.rules.cycles import DeferredImportCycle, ImportCycle
from ssotlint.rules.duplicates import (
    CompatAlias,
    ConflictingConstant,
    DuplicateFactory,
    DuplicateImplementation,
)
from ssotlint.rules.events import (
    ConsumerSpecMismatch,
    EventEnvelopeMismatch,
    EventMissingField,
    EventUnknownField,
    UnknownEventType,
)
from ssotlint.rules.meta import StaleBaselineEntry, SyntaxErrorRule, UnusedSuppression

ALL_RULES: tuple[type[Rule], ...] = (
    DuplicateImplementation,
    CompatAlias,
    DuplicateFactory,
    ConflictingConstant,
    ImportCycle,
    DeferredImportCycle,
    EventMissingField,
    EventUnknownField,
    EventEnvelopeMismatch,
    UnknownEventType,
    ConsumerSpecMismatch,
    SyntaxErrorRule,
    UnusedSuppression,
    StaleBaselineEntry,
)

BY_CODE: dict[str, type[Rule]] = {r.code: r for r in ALL_RULES}
BY_NAME: dict[str, type[Rule]] = {r.name: r for r in ALL_RULES}


def lookup(code_or_name: str) -> type[Rule] | None:
    return BY_CODE.get(code_or_name.upper()) or BY_NAME.get(code_or_name.lower())


def is_selected(code: str, select: tuple[str, ...], ignore: tuple[str, ...]) -> bool:
    """ruff-like selection: the most specific matching prefix decides; ties go to ignore."""

    def best(prefixes: tuple[str, ...]) -> int:
        lengths = [0 if p == "ALL" else len(p) for p in prefixes if p == "ALL" or code.startswith(p)]
        return max(lengths, default=-1)

    s, i = best(select), best(ignore)
    return s >= 0 and s > i


__all__ = ["ALL_RULES", "BY_CODE", "Case", "Rule", "is_selected", "lookup"]
