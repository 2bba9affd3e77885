"""Collect every import with where it runs (import time, deferred, typing-only)."""

from __future__ import annotations

import ast
import re
from typing import Any

from ssotlint.facts.model import DEFERRED, IMPORT_TIME, MAIN_SCOPE, TYPING, ImportedName, ImportFact
from ssotlint.facts.walker import Collector, Context, SourceText, lines_matching

_CIRCULAR = re.compile(r"#[^\n]*circular", re.IGNORECASE)
_DYNAMIC_FUNCS = {"import_module", "__import__"}
_IMPORT_WORD = re.compile(r"\bimport\b")
_DYNAMIC_CALL = re.compile(r"\b(?:import_module|__import__)\s*\(")


def circular_comment_lines(text: str) -> frozenset[int]:
    """Lines whose comment mentions circular imports ("import here to avoid circular import")."""
    if "ircular" not in text and "IRCULAR" not in text:
        return frozenset()
    return lines_matching(text, _CIRCULAR)


class ImportCollector(Collector):
    def __init__(self, source: SourceText) -> None:
        self.facts: list[ImportFact] = []
        self.source = source
        self.comment_lines = circular_comment_lines(source.text)

    stmt_types = (ast.Import, ast.ImportFrom)

    def statement_lines(self, text: str) -> frozenset[int]:
        """Lines with the word ``import``: no import statement can be anywhere else."""
        return lines_matching(text, _IMPORT_WORD)

    def wants_expressions(self, text: str) -> bool | frozenset[int]:
        if "import_module" not in text and "__import__" not in text:
            return False
        return lines_matching(text, _DYNAMIC_CALL) or False

    def _context(self, ctx: Context) -> str:
        if ctx.typing_only:
            return TYPING
        return DEFERRED if ctx.func_depth or ctx.lambda_depth or ctx.main_only else IMPORT_TIME

    @staticmethod
    def _scope(ctx: Context) -> str:
        scope = ctx.scope if ctx.func_depth else ""
        if ctx.lambda_depth:
            return f"{scope}.<lambda>" if scope else "<lambda>"
        if not scope and ctx.main_only:
            return MAIN_SCOPE
        return scope

    def _circular(self, line: int) -> bool:
        if not self.comment_lines:
            return False
        if line in self.comment_lines:
            return True
        # A comment block directly above the import.
        above = line - 1
        lines = self.source.lines
        while above >= 1 and lines[above - 1].lstrip().startswith("#"):
            if above in self.comment_lines:
                return True
            above -= 1
        return False

    def enter_stmt(self, node: ast.stmt, ctx: Context) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                self._add(node, ctx, alias.name, 0, (), alias.asname, is_from=False)
        elif isinstance(node, ast.ImportFrom):
            names = tuple(ImportedName(a.name, a.asname) for a in node.names)
            self._add(node, ctx, node.module or "", node.level or 0, names, None, is_from=True)

    def _add(
        self,
        node: ast.AST,
        ctx: Context,
        module: str,
        level: int,
        names: tuple[ImportedName, ...],
        asname: str | None,
        *,
        is_from: bool,
        dynamic: bool = False,
        relative_to_name: bool = False,
    ) -> None:
        line = node.lineno  # type: ignore[attr-defined]
        end_line = node.end_lineno or line  # type: ignore[attr-defined]
        self.facts.append(
            ImportFact(
                line=line,
                column=self.source.column(line, node.col_offset),  # type: ignore[attr-defined]
                end_line=end_line,
                end_column=self.source.column(end_line, node.end_col_offset or 0),  # type: ignore[attr-defined]
                module=module,
                level=level,
                names=names,
                asname=asname,
                is_from=is_from,
                context=self._context(ctx),
                guarded=ctx.guarded,
                dynamic=dynamic,
                scope=self._scope(ctx),
                circular_comment=self._circular(line),
                relative_to_name=relative_to_name,
            )
        )

    def expr(self, node: ast.expr, ctx: Context) -> None:
        if not isinstance(node, ast.Call) or not node.args:
            return
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
        if name not in _DYNAMIC_FUNCS:
            return
        first = node.args[0]
        if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
            return
        target = first.value
        level = len(target) - len(target.lstrip("."))
        relative_to_name = False
        if level:
            if name != "import_module":
                return  # `__import__` takes the level as an argument: leading dots never resolve
            package = _keyword_or_arg(node, "package", 1)
            if not (isinstance(package, ast.Name) and package.id in ("__name__", "__package__")):
                return  # relative to a package we cannot see
            relative_to_name = package.id == "__name__"
        self._add(
            node, ctx, target[level:], level, (), None, is_from=False, dynamic=True, relative_to_name=relative_to_name
        )

    def finish(self) -> dict[str, Any]:
        return {"imports": tuple(self.facts)}


def _keyword_or_arg(call: ast.Call, keyword: str, position: int) -> ast.expr | None:
    for kw in call.keywords:
        if kw.arg == keyword:
            return kw.value
    if len(call.args) > position:
        return call.args[position]
    return None
