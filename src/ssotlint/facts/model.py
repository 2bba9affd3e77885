"""The plain records extracted from one file.

Every record is a ``NamedTuple`` of primitives, tuples and other records, so that
:mod:`ssotlint.facts.codec` can store it in the cache without pickling classes. Facts
depend only on the file's bytes and the extraction options, never on its path: the cache
is keyed by content.
"""

from __future__ import annotations

from typing import NamedTuple

# Where an import runs.
IMPORT_TIME = "import-time"  # module level, class bodies, top-level if/try/with
DEFERRED = "deferred"  # inside a function or method
TYPING = "typing-only"  # under `if TYPE_CHECKING:`


class ImportedName(NamedTuple):
    name: str  # as written after `import` ("*" for a star import)
    asname: str | None


class ImportFact(NamedTuple):
    """One imported module reference.

    ``import a.b, c`` yields two facts; ``from x import m, n`` yields one fact with two
    names. ``importlib.import_module("x")`` yields a fact with ``dynamic=True``.
    """

    line: int
    column: int
    end_line: int
    end_column: int
    module: str  # the module as written ("" for `from . import x`)
    level: int  # leading dots of a relative import
    names: tuple[ImportedName, ...]  # from-imports only
    asname: str | None  # `import a.b as c`
    is_from: bool
    context: str  # IMPORT_TIME / DEFERRED / TYPING
    guarded: bool  # inside try/except ImportError
    dynamic: bool  # importlib.import_module / __import__
    scope: str  # enclosing function (dotted), "" at module level
    circular_comment: bool  # a nearby comment mentions circular imports


class Suppression(NamedTuple):
    """A ``# ssotlint: ignore[...]`` or ``# ssotlint: ignore-file[...]`` comment."""

    line: int
    column: int
    codes: tuple[str, ...]  # empty: every code
    file_level: bool


class ParseError(NamedTuple):
    message: str
    line: int
    column: int


class FileFacts(NamedTuple):
    """Everything the project-wide rules need to know about one file."""

    error: ParseError | None
    suppressions: tuple[Suppression, ...]
    line_count: int
    downgraded: bool  # parsed by the fallback parser (syntax newer than the interpreter)
    # What collectors contribute; empty for a file that could not be parsed.
    imports: tuple[ImportFact, ...] = ()
