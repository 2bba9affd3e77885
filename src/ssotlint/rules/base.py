"""What a rule is: metadata, documentation, examples, and a pure ``check``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from ssotlint.diagnostics import Diagnostic, Fix, Related, Severity, Span, fingerprint
from ssotlint.index.project import ProjectIndex

DOC_SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead", "Options", "Known problems")


@dataclass(frozen=True)
class Case:
    """A mini-project and the exact findings a rule must produce on it.

    ``expected`` holds ``"CODE path:line:col"`` strings; an empty tuple means: silent.
    ``config`` is TOML placed under ``[tool.ssotlint]``; ``extra_files`` are written as-is
    (specs, data files).
    """

    files: Mapping[str, str]
    expected: tuple[str, ...] = ()
    config: str = ""
    note: str = ""
    extra_files: Mapping[str, str] = field(default_factory=dict)


class Rule:
    """Base class of all rules. Subclasses set the class attributes and ``check``.

    The class docstring is the user documentation, with the headings listed in
    :data:`DOC_SECTIONS` (``## What it does`` ...).
    """

    code: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str]  # one line for `ssotlint rules`
    severity: ClassVar[Severity] = Severity.ERROR
    VALID: ClassVar[tuple[Case, ...]] = ()
    INVALID: ClassVar[tuple[Case, ...]] = ()
    #: True when ``check`` reads nothing but the index (facts of the analysed files), the
    #: Config and the files named by :meth:`input_files`: its findings are then reused while
    #: none of those changed. A rule that reads anything else must leave it False.
    facts_only: ClassVar[bool] = False
    #: Optional fact families ``check`` reads (see ``facts.extract.FAMILIES``); imports are
    #: always there. Only the families of the selected rules are extracted.
    families: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def input_files(cls, index: ProjectIndex) -> tuple[str, ...]:
        """Files other than the analysed sources that ``check`` reads (relative paths)."""
        return ()

    def check(self, index: ProjectIndex) -> Iterable[Diagnostic]:
        raise NotImplementedError

    @classmethod
    def diagnostic(
        cls,
        *,
        message: str,
        path: str,
        span: Span,
        entity: str,
        related: Iterable[Related] = (),
        data: Mapping[str, Any] | None = None,
        fix: Fix | None = None,
        fingerprint_path: str | None = None,
        touches: Iterable[str] = (),
    ) -> Diagnostic:
        return Diagnostic(
            code=cls.code,
            name=cls.name,
            message=message,
            path=path,
            span=span,
            severity=cls.severity,
            fingerprint=fingerprint(cls.code, path if fingerprint_path is None else fingerprint_path, entity),
            related=tuple(related),
            fix=fix,
            data=dict(data or {}),
            touches=tuple(touches),
        )

    @classmethod
    def documentation(cls) -> str:
        import inspect

        return inspect.cleandoc(cls.__doc__ or "")
