"""What a rule is (metadata, documentation, examples, and a pure ``check``) and what a
rule family is: the rules that share their work, run, cached and reused together."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, NamedTuple

from ssotlint.diagnostics import Diagnostic, Fix, Related, Severity, Span, fingerprint
from ssotlint.facts.model import FileFacts
from ssotlint.index.project import ProjectIndex

DOC_SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead", "Options", "Known problems")
#: Headings a rule with a fix adds after :data:`DOC_SECTIONS`.
OPTIONAL_DOC_SECTIONS = ("Fix safety",)


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
    :data:`DOC_SECTIONS` (``## What it does`` ...), then any of
    :data:`OPTIONAL_DOC_SECTIONS` (``## Fix safety``: what its fix changes and when it is
    refused).
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


class Outcome(NamedTuple):
    """What one run of a rule family found."""

    findings: list[Diagnostic]  # before suppression, in rule order
    #: Ignore comments, as (path, line), and ``imports.allow`` entries that removed
    #: something the family reads (they are not unused: see SSOT902); ``used_allow`` is
    #: None when the family does not read ``imports.allow`` at all.
    used_comments: frozenset[tuple[str, int]] = frozenset()
    used_allow: frozenset[str] | None = None
    #: Plain data (what ``marshal`` stores) handed back to the next run's ``reads`` and
    #: ``check``: whatever finer reuse the family wants.
    state: Any = None


class Changed(NamedTuple):
    """A file whose content changed since the family's last run: its facts then and now."""

    rel: str
    old: FileFacts
    new: FileFacts


class RuleFamily:
    """Rules that share their work (an analysis, a table built once), and so are run,
    cached and reused together. The engine knows families only through this interface.

    The engine keeps each family's findings with the content digest of every file they
    came from. In a later run it compares, for every changed file, what the family
    :meth:`reads` of the old and of the new facts with every ``line`` and ``end_line``
    set aside: when those are equal (and the lines keep their order), and so are the
    family's :meth:`settings` and its other :meth:`inputs`, the findings are the stored
    ones renumbered. Otherwise :meth:`check` runs, handed the family's own state of the
    last run and the changed files, for any finer reuse it derives from its own code.
    """

    name: ClassVar[str]
    rules: ClassVar[tuple[type[Rule], ...]]

    def reads(self, index: ProjectIndex, rel: str, facts: FileFacts, state: Any) -> Any:
        """What the family reads of one file: plain records, compared with their line
        numbers set aside (``state``: the family's state of the last run)."""
        return facts

    def settings(self, index: ProjectIndex) -> Any:
        """Everything else the findings depend on, as a value whose ``repr`` identifies
        it (default: the whole configuration, which holds the project root)."""
        return index.config

    def inputs(self, index: ProjectIndex) -> tuple[str, ...]:
        """Files other than the analysed sources that the rules read (relative paths)."""
        return tuple(dict.fromkeys(rel for rule in self.rules for rel in rule.input_files(index)))

    def check(
        self, index: ProjectIndex, rules: Sequence[type[Rule]], state: Any, changed: Sequence[Changed] | None
    ) -> Outcome:
        """The findings of ``rules`` (selected, all of this family). ``state``: the
        family's state of the last run, None when there is none; ``changed``: the files
        changed since it, None when that is not known (files added or removed, many
        changed)."""
        return Outcome([d for rule in rules for d in rule().check(index)])
