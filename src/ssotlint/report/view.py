"""How much of the model a rendering shows.

The model is always complete; a rendering shows the top ``top`` items of each ranked list
(concepts, cycle groups, event types, plan steps...), says how many more there are, and
draws pictures and full tables for the first ``detail`` of them. ``View.everything()``
(``--full``) shows it all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")

DEFAULT_TOP = 10
DEFAULT_DETAIL = 1  # items per section with a diagram and untrimmed tables
LIST_LIMIT = 8  # rows of a list inside one item (members, importers, cut imports, locations)


@dataclass(frozen=True)
class View:
    top: int | None = DEFAULT_TOP  # None: every item
    detail: int | None = DEFAULT_DETAIL
    rows: int | None = LIST_LIMIT

    @classmethod
    def everything(cls) -> View:
        return cls(None, None, None)

    @classmethod
    def first(cls, top: int) -> View:
        """The top ``top`` items of each section (0: none, only the counts)."""
        return cls(top, min(DEFAULT_DETAIL, top))

    @property
    def full(self) -> bool:
        return self.top is None

    def head(self, items: Sequence[T]) -> tuple[Sequence[T], int]:
        """The items shown and how many are left out."""
        return _cut(items, self.top)

    def lines(self, items: Sequence[T], limit: int | None = None) -> tuple[Sequence[T], int]:
        """Rows of a list inside one item; ``limit`` overrides the view's row limit."""
        return _cut(items, None if self.rows is None else (limit if limit is not None else self.rows))

    def detailed(self, rank: int) -> bool:
        """Whether the item at 0-based ``rank`` gets its diagram and full tables."""
        return self.detail is None or rank < self.detail


def _cut(items: Sequence[T], limit: int | None) -> tuple[Sequence[T], int]:
    if limit is None or len(items) <= limit:
        return items, 0
    return items[:limit], len(items) - limit


def more(n: int, noun: str, plural: str | None = None) -> str:
    """``"12 more concepts"``."""
    return f"{n} more {noun if n == 1 else (plural or noun + 's')}"


HINT = "`--top N` or `--full` shows them"
