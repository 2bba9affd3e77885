"""One traversal per file that feeds every collector.

Statements are walked recursively (Python limits their nesting), expressions
iteratively (they can nest a thousand deep). The walker tracks where each node runs:
at import time or deferred (inside a function or a ``lambda``, or under
``if __name__ == "__main__":``, which runs only when the module is executed as a script),
under ``if TYPE_CHECKING:``, inside a ``try`` that catches ``ImportError``. Collectors read
that context while it is current.
"""

from __future__ import annotations

import ast
import bisect
import re
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from typing import Any

_IMPORT_ERRORS = {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"}


def lines_matching(text: str, pattern: re.Pattern[str]) -> frozenset[int]:
    """1-based numbers of the lines where ``pattern`` matches, in one pass over ``text``."""
    lines = set()
    line, last = 1, 0
    for m in pattern.finditer(text):
        line += text.count("\n", last, m.start())
        last = m.start()
        lines.add(line)
    return frozenset(lines)


class SourceText:
    """One file's text as every collector needs it: lines and character columns.

    Lines are split on ``\\n`` only, as the interpreter counts them (``decode_source`` has
    already turned CR and CRLF into LF); ``str.splitlines`` would also split at form feeds.
    """

    __slots__ = ("_lines", "ascii", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.ascii = text.isascii()
        self._lines: list[str] | None = None

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = self.text.split("\n")
        return self._lines

    def column(self, line: int, byte_offset: int) -> int:
        """ast columns count UTF-8 bytes; diagnostics count characters (1-based)."""
        if self.ascii or not 1 <= line <= len(self.lines):
            return byte_offset + 1
        raw = self.lines[line - 1]
        if raw.isascii():
            return byte_offset + 1
        return len(raw.encode("utf-8")[:byte_offset].decode("utf-8", "replace")) + 1


class Context:
    """Where the walker is now. Collectors must copy what they need; it changes."""

    __slots__ = (
        "class_stack",
        "func_depth",
        "guarded",
        "lambda_depth",
        "main_only",
        "scope",
        "scope_node",
        "stmt",
        "typing_only",
    )

    def __init__(self) -> None:
        self.func_depth = 0
        self.lambda_depth = 0  # expressions inside the body of a lambda: they run when it is called
        self.main_only = False  # under `if __name__ == "__main__":`: never runs on import
        self.typing_only = False
        self.guarded = False
        self.scope = ""  # dotted name of the enclosing function/class chain
        self.scope_node: ast.AST | None = None  # the enclosing function node, None at module level
        self.class_stack: list[str] = []
        self.stmt: ast.stmt | None = None

    @property
    def at_module_level(self) -> bool:
        return self.func_depth == 0 and not self.class_stack


class Collector:
    """Base class: override what you need. One instance per file."""

    #: Statement types :meth:`enter_stmt` / :meth:`leave_stmt` are called for (None: all).
    stmt_types: tuple[type[ast.stmt], ...] | None = None

    def wants_expressions(self, text: str) -> bool | AbstractSet[int]:
        """Whether :meth:`expr` should see expression nodes of this file.

        Return a set of line numbers to see only the statements that touch those lines
        (cheap text pre-checks keep the walk off most files).
        """
        return False

    def statement_lines(self, text: str) -> AbstractSet[int] | None:
        """Lines this collector's statements can be on (None: anywhere).

        When every collector names its lines, the walker skips statements (and whole
        blocks) that touch none of them.
        """
        return None

    def enter_stmt(self, node: ast.stmt, ctx: Context) -> None:
        """Called for every statement (of ``stmt_types``), before its children."""

    def leave_stmt(self, node: ast.stmt, ctx: Context) -> None:
        """Called for every statement (of ``stmt_types``), after its children."""

    def expr(self, node: ast.expr, ctx: Context) -> None:
        """Called for every expression node (pre-order) when expressions are wanted."""

    def finish(self) -> dict[str, Any]:
        """The fields this collector contributes to :class:`~ssotlint.facts.model.FileFacts`."""
        return {}


_STMT_LIST_FIELDS = ("body", "orelse", "finalbody")
_SKIP_CHILDREN = (ast.expr_context, ast.operator, ast.cmpop, ast.unaryop, ast.boolop)
_TRY_TYPES: tuple[type[ast.stmt], ...] = (ast.Try, *((ast.TryStar,) if hasattr(ast, "TryStar") else ()))
# Markers on the expression stack around a lambda's body.
_ENTER_LAMBDA = object()
_LEAVE_LAMBDA = object()


class Walker:
    def __init__(self, collectors: Sequence[Collector], text: str) -> None:
        self.collectors = list(collectors)
        self.all_lines: list[Collector] = []
        self.some_lines: list[tuple[Collector, AbstractSet[int]]] = []
        for c in self.collectors:
            wanted = c.wants_expressions(text)
            if wanted is True:
                self.all_lines.append(c)
            elif wanted:
                self.some_lines.append((c, wanted))  # type: ignore[arg-type]
        self.active: list[Collector] = []
        self.stmt_lines: list[int] | None = []
        for c in self.collectors:
            lines = c.statement_lines(text)
            if lines is None:
                self.stmt_lines = None
                break
            self.stmt_lines.extend(lines)
        for _, lines in self.some_lines:
            if self.stmt_lines is not None:
                self.stmt_lines.extend(lines)
        if self.all_lines:
            self.stmt_lines = None
        if self.stmt_lines is not None:
            self.stmt_lines = sorted(set(self.stmt_lines))
        self.ctx = Context()
        self.type_checking_names = {"TYPE_CHECKING"}
        self.typing_modules = {"typing", "typing_extensions"}
        self._dispatch: dict[type, tuple[Collector, ...]] = {}

    def run(self, tree: ast.Module) -> None:
        self._body(tree.body)

    # statements -------------------------------------------------------------
    def _body(self, body: Iterable[ast.stmt]) -> None:
        lines = self.stmt_lines
        if lines is None:
            for stmt in body:
                self._stmt(stmt)
            return
        for stmt in body:
            # Skip statements and blocks that hold none of the wanted lines.
            i = bisect.bisect_left(lines, stmt.lineno)
            if i < len(lines) and lines[i] <= (stmt.end_lineno or stmt.lineno):
                self._stmt(stmt)

    def _collectors_for(self, kind: type) -> tuple[Collector, ...]:
        found = self._dispatch.get(kind)
        if found is None:
            found = tuple(c for c in self.collectors if c.stmt_types is None or issubclass(kind, c.stmt_types))
            self._dispatch[kind] = found
        return found

    def _expression_collectors(self, node: ast.stmt) -> list[Collector]:
        if not self.some_lines:
            return self.all_lines
        first = node.lineno
        body = getattr(node, "body", None)
        last = body[0].lineno - 1 if isinstance(body, list) and body else (node.end_lineno or first)
        active = list(self.all_lines)
        for c, lines in self.some_lines:
            if any(n in lines for n in range(first, last + 1)):
                active.append(c)
        return active

    def _stmt(self, node: ast.stmt) -> None:
        ctx = self.ctx
        outer_stmt, outer_active = ctx.stmt, self.active
        ctx.stmt = node
        if isinstance(node, ast.ImportFrom):
            self._note_typing_aliases(node)
        interested = self._collectors_for(type(node))
        for c in interested:
            c.enter_stmt(node, ctx)
        self.active = self._expression_collectors(node) if (self.all_lines or self.some_lines) else []
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if self.active:
                self._exprs([*node.decorator_list, node.args, node.returns])
            self._scoped(node, node.name, is_function=True)
        elif isinstance(node, ast.ClassDef):
            if self.active:
                self._exprs([*node.decorator_list, *node.bases, *node.keywords])
            self._scoped(node, node.name, is_function=False)
        elif isinstance(node, ast.If):
            if self.active:
                self._exprs([node.test])
            self._if(node)
        elif isinstance(node, _TRY_TYPES):
            self._try(node)  # type: ignore[arg-type]
        else:
            if self.active:
                for name, value in ast.iter_fields(node):
                    if name not in _STMT_LIST_FIELDS and name != "cases":
                        self._exprs(value if isinstance(value, list) else [value])
            for name in _STMT_LIST_FIELDS:
                sub = getattr(node, name, None)
                if sub:
                    self._body(sub)
            cases = getattr(node, "cases", None)
            if cases:
                for case in cases:
                    if self.active:
                        self._exprs([case.pattern, case.guard])
                    self._body(case.body)
        for c in interested:
            c.leave_stmt(node, ctx)
        ctx.stmt, self.active = outer_stmt, outer_active

    def _scoped(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef, name: str, is_function: bool) -> None:
        ctx = self.ctx
        outer_scope, outer_node = ctx.scope, ctx.scope_node
        ctx.scope = f"{outer_scope}.{name}" if outer_scope else name
        if is_function:
            ctx.func_depth += 1
            ctx.scope_node = node
        else:
            ctx.class_stack.append(name)
        self._body(node.body)
        if is_function:
            ctx.func_depth -= 1
        else:
            ctx.class_stack.pop()
        ctx.scope, ctx.scope_node = outer_scope, outer_node

    def _if(self, node: ast.If) -> None:
        ctx = self.ctx
        check = self._type_checking_test(node.test)
        main = _main_test(node.test)
        outer, outer_main = ctx.typing_only, ctx.main_only
        ctx.typing_only = outer or check == 1
        ctx.main_only = outer_main or main == 1
        self._body(node.body)
        ctx.typing_only = outer or check == -1
        ctx.main_only = outer_main or main == -1
        self._body(node.orelse)
        ctx.typing_only, ctx.main_only = outer, outer_main

    def _try(self, node: ast.Try) -> None:
        ctx = self.ctx
        outer = ctx.guarded
        catches = any(self._catches_import_error(h) for h in node.handlers)
        ctx.guarded = outer or catches
        self._body(node.body)
        for handler in node.handlers:
            if handler.type is not None and self.active:
                self._exprs([handler.type])
            self._body(handler.body)
        ctx.guarded = outer
        self._body(node.orelse)
        self._body(node.finalbody)

    @staticmethod
    def _catches_import_error(handler: ast.ExceptHandler) -> bool:
        kind = handler.type
        if kind is None:
            return True
        names = kind.elts if isinstance(kind, ast.Tuple) else [kind]
        for n in names:
            ident = n.id if isinstance(n, ast.Name) else n.attr if isinstance(n, ast.Attribute) else None
            if ident in _IMPORT_ERRORS:
                return True
        return False

    def _type_checking_test(self, test: ast.expr) -> int:
        """1 for `if TYPE_CHECKING`, -1 for `if not TYPE_CHECKING`, 0 otherwise."""
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            return -self._type_checking_test(test.operand)
        if isinstance(test, ast.Name) and test.id in self.type_checking_names:
            return 1
        if (
            isinstance(test, ast.Attribute)
            and test.attr == "TYPE_CHECKING"
            and isinstance(test.value, ast.Name)
        ):
            return 1
        return 0

    def _note_typing_aliases(self, node: ast.ImportFrom) -> None:
        if node.module in self.typing_modules:
            for alias in node.names:
                if alias.name == "TYPE_CHECKING":
                    self.type_checking_names.add(alias.asname or alias.name)

    # expressions --------------------------------------------------------------
    def _exprs(self, roots: Iterable[Any]) -> None:
        collectors = self.active
        if not collectors:
            return
        ctx = self.ctx
        stack: list[Any] = [r for r in roots if isinstance(r, ast.AST)]
        stack.reverse()
        while stack:
            node = stack.pop()
            if node is _ENTER_LAMBDA:
                ctx.lambda_depth += 1
                continue
            if node is _LEAVE_LAMBDA:
                ctx.lambda_depth -= 1
                continue
            if isinstance(node, ast.expr):
                for c in collectors:
                    c.expr(node, ctx)
            if isinstance(node, ast.Lambda):
                # Defaults are evaluated where the lambda is written, its body when it is called.
                stack.extend((_LEAVE_LAMBDA, node.body, _ENTER_LAMBDA, node.args))
                continue
            children = [child for child in ast.iter_child_nodes(node) if not isinstance(child, _SKIP_CHILDREN)]
            children.reverse()
            stack.extend(children)


def _main_test(test: ast.expr) -> int:
    """1 for `if __name__ == "__main__"` (also with `and ...`), -1 for `!=`, 0 otherwise."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        return 1 if any(_main_test(v) == 1 for v in test.values) else 0
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], (ast.Eq, ast.NotEq))):
        return 0
    sides = (test.left, test.comparators[0])
    named = any(isinstance(s, ast.Name) and s.id == "__name__" for s in sides)
    main = any(isinstance(s, ast.Constant) and s.value == "__main__" for s in sides)
    if not (named and main):
        return 0
    return 1 if isinstance(test.ops[0], ast.Eq) else -1
