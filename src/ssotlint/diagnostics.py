"""Diagnostics as plain data: what a rule found, where, and how to identify it.

Stdlib only. Paths are POSIX, relative to the project root; lines and columns are
1-based. Nothing here knows how a diagnostic is rendered.
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class Span:
    line: int
    column: int
    end_line: int
    end_column: int

    @classmethod
    def point(cls, line: int, column: int = 1) -> Span:
        return cls(line, column, line, column)


@dataclass(frozen=True, slots=True)
class Related:
    """Another place that belongs to a finding (a cycle's import, the canonical class...)."""

    path: str
    line: int
    message: str
    column: int = 1


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace the text between two 1-based (line, column) positions of ``path``."""

    path: str
    start_line: int
    start_column: int
    end_line: int
    end_column: int
    replacement: str


@dataclass(frozen=True, slots=True)
class Fix:
    title: str
    edits: tuple[Edit, ...]
    safe: bool


@dataclass(frozen=True, slots=True)
class Diagnostic:
    code: str
    name: str
    message: str
    path: str
    span: Span
    severity: Severity
    fingerprint: str
    related: tuple[Related, ...] = ()
    fix: Fix | None = None
    data: Mapping[str, Any] = field(default_factory=dict)
    #: Further files the finding is about without a location of their own (every module
    #: of a large cycle group). They do not make it touch those files: a run on some paths
    #: reports the findings that show a location there (see :meth:`locations`).
    touches: tuple[str, ...] = ()

    @property
    def line(self) -> int:
        return self.span.line

    @property
    def column(self) -> int:
        return self.span.column

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.span.line, self.span.column, self.code, self.message)

    def locations(self) -> tuple[str, ...]:
        """Every path this finding touches: its anchor and its related places (for a cycle,
        the imports of the cycle it shows, not the other modules of its group)."""
        return (self.path, *(r.path for r in self.related))


def fingerprint(code: str, path: str, entity: str) -> str:
    """Identify a finding without line numbers: rule + path + the entity it is about.

    ``entity`` is a stable name: a class, the sorted members of a cycle, an event type and
    field. Baselines store this, so it must survive unrelated edits.
    """
    digest = hashlib.blake2b(f"{code}\x1f{path}\x1f{entity}".encode(), digest_size=10)
    return digest.hexdigest()
