"""The rule registry: an explicit tuple of rule families, in code order."""

from __future__ import annotations

from ssotlint.rules.base import Case, Rule, RuleFamily
from ssotlint.rules.cycles import CycleFamily
from ssotlint.rules.duplicates import DuplicateFamily
from ssotlint.rules.events import EventFamily
from ssotlint.rules.meta import MetaFamily

#: Every rule family; the engine runs the selected rules family by family.
FAMILIES: tuple[RuleFamily, ...] = (DuplicateFamily(), CycleFamily(), EventFamily(), MetaFamily())

ALL_RULES: tuple[type[Rule], ...] = tuple(rule for family in FAMILIES for rule in family.rules)

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


__all__ = ["ALL_RULES", "BY_CODE", "FAMILIES", "Case", "Rule", "RuleFamily", "is_selected", "lookup"]
