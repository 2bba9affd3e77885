"""``ssotlint fix``: libcst codemods driven by the findings of a run.

``plan`` turns findings into actions (plain data), ``codemods`` changes one parsed module,
``apply`` computes every file's new text, ``verify`` checks that imports still resolve,
``transaction`` writes all files or none. Importing this package imports nothing heavy
(``check`` looks at ``transaction`` on every run).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ssotlint.diagnostics import Diagnostic
    from ssotlint.engine import RunResult
    from ssotlint.fix.apply import FixResult
    from ssotlint.fix.transaction import Transaction


def fixes_for(
    result: RunResult,
    unsafe: bool = False,
    *,
    concept: str | None = None,
    jobs: int = 1,
    progress: Callable[[int, int], None] | None = None,
    events: frozenset[str] = frozenset(),
) -> FixResult:
    """What fixing the findings of ``result`` would change (nothing is written).

    Only the findings of ``concept`` when given; only inside the run's paths. With
    ``events`` ("producers" and/or "consumers"), only those sides of the event findings:
    the spec as written is applied to them; what no rewrite can fix is refused as needing
    a person.
    """
    from ssotlint.discovery import in_scope
    from ssotlint.fix.apply import Refused, compute
    from ssotlint.fix.plan import needs_a_person, plan_fixes

    diagnostics = [d for d in result.diagnostics if concept is None or d.data.get("concept") == concept]
    skipped: list[Diagnostic] = []
    manual: list[Diagnostic] = []
    actions = plan_fixes(diagnostics, unsafe, skipped, events=events, manual=manual)
    fixed = compute(result.index, actions, scope=result.scope, jobs=jobs, progress=progress)
    for d in skipped:
        title = f"import {d.data.get('canonical')} instead of {d.data.get('duplicate')}"
        fixed.kept.append(Refused(d.path, d.code, title, "not shown to be the same concept (declare the concept to fix its imports)"))
    for d in manual:
        if in_scope(d.path, result.scope):
            title = f"{d.data.get('event')}.{d.data.get('field')} at line {d.line}"
            fixed.refused.append(Refused(d.path, d.code, title, f"needs a person: {needs_a_person(d)}"))
    fixed.refused.sort(key=lambda x: (x.path, x.code, x.title, x.reason))
    return fixed


def write(root: Path, result: FixResult) -> Transaction:
    """Write every change of ``result``, all or none (see :func:`ssotlint.fix.apply.write`)."""
    from ssotlint.fix.apply import write as write_all

    return write_all(root, result)


__all__ = ["fixes_for", "write"]
