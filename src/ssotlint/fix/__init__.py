"""``ssotlint fix``: libcst codemods driven by the findings of a run.

``plan`` turns findings into actions (plain data), ``codemods`` changes one parsed module,
``apply`` computes every file's new text and writes it atomically.
"""

from __future__ import annotations

from ssotlint.engine import RunResult
from ssotlint.fix.apply import FixResult, compute, write
from ssotlint.fix.plan import plan_fixes


def fixes_for(result: RunResult, unsafe: bool = False) -> FixResult:
    """What fixing the findings of ``result`` would change (nothing is written)."""
    return compute(result.index, plan_fixes(result.diagnostics, unsafe))


__all__ = ["FixResult", "fixes_for", "write"]
