"""Collect what duplicate detection needs: classes, aliases, constants, ``__all__``, factories.

Everything here works on statements: a class is summarised from its direct body, a
factory from the ``return`` and assignment statements of its function. No expression
traversal is requested, so this collector adds little to the per-file cost.
"""

from __future__ import annotations

import ast
import re
from typing import Any

from ssotlint.facts.model import (
    BODY_DELEGATES,
    BODY_REAL,
    BODY_TRIVIAL,
    AliasFact,
    ClassFact,
    ConstantFact,
    FactoryFact,
    MethodFact,
)
from ssotlint.facts.walker import Collector, Context, SourceText, lines_matching

_MARKER_COMMENT = re.compile(r"#[^\n]*(?:\bSSOT\b|[Ss]ingle [Ss]ource [Oo]f [Tt]ruth)")
_MARKER_TEXT = re.compile(r"\bSSOT\b|single source of truth", re.IGNORECASE)
_CONSTANT_NAME = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$|^[A-Z][A-Z0-9]+$")
_ALIAS_ANNOTATIONS = {"type", "Type", "TypeAlias"}


def dotted(node: ast.expr | None) -> str:
    """``a.b.C`` for a name or attribute chain; the value of a subscript; "" otherwise."""
    parts: list[str] = []
    while True:
        if isinstance(node, ast.Subscript):
            node = node.value
            continue
        if isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
            continue
        if isinstance(node, ast.Name):
            parts.append(node.id)
            return ".".join(reversed(parts))
        return ""


def _literal(node: ast.expr) -> str | None:
    """repr() of a plain literal (str, bytes, number, bool), also ``-1``; None otherwise."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        inner = node.operand
        if isinstance(inner, ast.Constant) and isinstance(inner.value, (int, float)) and not isinstance(inner.value, bool):
            number: int | float = inner.value
            return repr(number if isinstance(node.op, ast.UAdd) else -number)
        return None
    if isinstance(node, ast.Constant) and type(node.value) in (str, bytes, int, float, bool):
        return repr(node.value)
    return None


def _strip_docstring(body: list[ast.stmt]) -> list[ast.stmt]:
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
        return body[1:]
    return body


def _docstring(body: list[ast.stmt]) -> str:
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
        return body[0].value.value
    return ""


def _is_trivial_stmt(stmt: ast.stmt) -> bool:
    if isinstance(stmt, ast.Pass):
        return True
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
        return True  # `...` or a stray string
    if isinstance(stmt, ast.Raise):
        exc = stmt.exc.func if isinstance(stmt.exc, ast.Call) else stmt.exc
        return dotted(exc).rpartition(".")[2] == "NotImplementedError"
    return False


def _forwards(call: ast.expr) -> bool:
    """A call on ``self.x``, ``cls.x`` or ``super()``: the body hands the work to someone else."""
    if isinstance(call, ast.Await):
        call = call.value
    if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Attribute):
        return False
    root: ast.expr = call.func.value
    while isinstance(root, ast.Attribute):
        root = root.value
    if isinstance(root, ast.Call):
        return isinstance(root.func, ast.Name) and root.func.id == "super"
    return isinstance(root, ast.Name) and root.id in ("self", "cls")


def body_kind(body: list[ast.stmt]) -> str:
    start = 1 if len(body) > 1 and _is_docstring(body[0]) else 0
    if len(body) - start == 1:
        only = body[start]
        if _is_trivial_stmt(only):
            return BODY_TRIVIAL
        if isinstance(only, (ast.Return, ast.Expr)) and only.value is not None and _forwards(only.value):
            return BODY_DELEGATES
        return BODY_REAL
    if all(_is_trivial_stmt(s) for s in body[start:]):
        return BODY_TRIVIAL
    return BODY_REAL


def _is_docstring(stmt: ast.stmt) -> bool:
    return isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str)


_ABSTRACT_DECORATORS = frozenset({"abstractmethod", "abstractproperty", "abstractclassmethod", "abstractstaticmethod"})


def _method(node: ast.FunctionDef | ast.AsyncFunctionDef) -> MethodFact:
    args = node.args
    params = [a.arg for a in args.posonlyargs] + [a.arg for a in args.args] if args.posonlyargs else [a.arg for a in args.args]
    abstract = False
    if node.decorator_list:
        decorators = {dotted(d.func if isinstance(d, ast.Call) else d).rpartition(".")[2] for d in node.decorator_list}
        abstract = not decorators.isdisjoint(_ABSTRACT_DECORATORS)
        if "staticmethod" in decorators:
            params.insert(0, "")  # no self/cls to drop
    return MethodFact(
        name=node.name,
        line=node.lineno,
        params=tuple(params[1:]),
        is_async=isinstance(node, ast.AsyncFunctionDef),
        abstract=abstract,
        body=body_kind(node.body),
    )


class _Function:
    """A function that returns something: what its names were bound to, what it returns."""

    __slots__ = ("column", "line", "method", "module_level", "qualname", "returned")

    def __init__(self, qualname: str, line: int, column: int, method: bool) -> None:
        self.qualname = qualname
        self.line = line
        self.column = column
        self.module_level = "." not in qualname
        self.method = method
        self.returned: list[tuple[str, str]] = []  # ("call", callee) or ("name", bound key)


def _constructed(value: ast.expr | None) -> str:
    """The callee of ``Foo(...)`` / ``mod.Foo(...)`` when it looks like a class, else ""."""
    if isinstance(value, ast.Await):
        value = value.value
    if not isinstance(value, ast.Call):
        return ""
    name = dotted(value.func)
    last = name.rpartition(".")[2]
    if last[:1].isupper():
        return name
    return ""


class ClassCollector(Collector):
    # Everything enter_stmt looks at; other statements never reach it.
    stmt_types = (ast.ClassDef, ast.Return, ast.Assign, ast.AnnAssign, ast.AugAssign)

    def __init__(self, source: SourceText) -> None:
        self.source = source
        self.marker_lines = self._marker_lines(source.text)
        self.classes: list[ClassFact] = []
        self.aliases: list[AliasFact] = []
        self.constants: dict[str, ConstantFact | None] = {}  # None: bound more than once
        self.functions: dict[int, _Function] = {}  # id(function node) -> what it returns
        self.bound: dict[tuple[int, str], set[str]] = {}  # (id(function node), name) -> constructed callees
        self.dunder_all: list[str] | None = None

    @staticmethod
    def _marker_lines(text: str) -> list[int]:
        if "SSOT" not in text and "ource of " not in text:
            return []
        return sorted(lines_matching(text, _MARKER_COMMENT))

    # --- statements -------------------------------------------------------------------
    def enter_stmt(self, node: ast.stmt, ctx: Context) -> None:
        kind = type(node)
        if ctx.func_depth:
            # Inside a function: only what factories need. ``ctx.scope_node`` is the
            # innermost function, so no per-function bookkeeping is needed on the way in.
            if kind is ast.Return:
                self._return(node, ctx)  # type: ignore[arg-type]
            elif kind is ast.Assign or kind is ast.AnnAssign:
                self._bind(node, ctx)  # type: ignore[arg-type]
            return
        if kind is ast.ClassDef:
            self._class(node, ctx)  # type: ignore[arg-type]
        elif ctx.at_module_level and not ctx.typing_only:
            self._module_level(node)

    def _return(self, node: ast.Return, ctx: Context) -> None:
        value = node.value
        if value is None:
            return
        callee = _constructed(value)
        if callee:
            self._function(ctx).returned.append(("call", callee))
        elif isinstance(value, (ast.Name, ast.Attribute)):
            key = dotted(value)
            if key:
                self._function(ctx).returned.append(("name", key))

    def _bind(self, node: ast.Assign | ast.AnnAssign, ctx: Context) -> None:
        callee = _constructed(node.value)
        if not callee:
            return
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        scope = id(ctx.scope_node)
        for target in targets:
            key = dotted(target) if isinstance(target, (ast.Name, ast.Attribute)) else ""
            if key:
                self.bound.setdefault((scope, key), set()).add(callee)

    def _function(self, ctx: Context) -> _Function:
        scope = ctx.scope_node
        found = self.functions.get(id(scope))
        if found is None:
            assert isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef))
            found = _Function(ctx.scope, scope.lineno, self.source.column(scope.lineno, scope.col_offset), bool(ctx.class_stack))
            self.functions[id(scope)] = found
        return found

    def _factories(self) -> tuple[FactoryFact, ...]:
        out = []
        for scope, f in self.functions.items():
            built: set[str] = set()
            for kind, what in f.returned:
                if kind == "call":
                    built.add(what)
                else:
                    built |= self.bound.get((scope, what), set())
            if built:
                out.append(FactoryFact(f.qualname, f.line, f.column, tuple(sorted(built)), f.module_level, f.method))
        out.sort(key=lambda x: (x.line, x.column))
        return tuple(out)

    def _module_level(self, node: ast.stmt) -> None:
        if isinstance(node, ast.Assign):
            if len(node.targets) != 1 or not isinstance(node.targets[0], ast.Name):
                for t in node.targets:
                    for name in _target_names(t):
                        self._bind_other(name)
                return
            self._assign(node.targets[0].id, node.value, node, annotation=None)
        elif isinstance(node, ast.AnnAssign):
            if isinstance(node.target, ast.Name) and node.value is not None:
                self._assign(node.target.id, node.value, node, annotation=node.annotation)
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            if node.target.id == "__all__" and self.dunder_all is not None:
                self.dunder_all.extend(_string_list(node.value) or [])
            self._bind_other(node.target.id)

    def _bind_other(self, name: str) -> None:
        if name in self.constants or _CONSTANT_NAME.match(name):
            self.constants[name] = None

    def _assign(self, name: str, value: ast.expr, node: ast.stmt, annotation: ast.expr | None) -> None:
        if name == "__all__":
            self.dunder_all = _string_list(value)
            return
        line = node.lineno
        column = self.source.column(line, node.col_offset)
        if _CONSTANT_NAME.match(name):
            literal = _literal(value)
            if literal is None or name in self.constants:
                self.constants[name] = None
            else:
                self.constants[name] = ConstantFact(name, literal, line, column)
                return
        if isinstance(value, (ast.Name, ast.Attribute)):
            if annotation is not None and dotted(annotation).rpartition(".")[2] not in _ALIAS_ANNOTATIONS:
                return
            target = dotted(value)
            if target and target != name:
                self.aliases.append(AliasFact(name, target, line, column))

    def _class(self, node: ast.ClassDef, ctx: Context) -> None:
        methods: list[MethodFact] = []
        attributes: list[str] = []
        kinds: list[str] = []
        other = False
        body = _strip_docstring(node.body)
        for stmt in body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                m = _method(stmt)
                methods.append(m)
                kinds.append(m.body)
            elif isinstance(stmt, ast.Assign):
                for t in stmt.targets:
                    attributes.extend(_target_names(t))
                other = True
            elif isinstance(stmt, ast.AnnAssign):
                attributes.extend(_target_names(stmt.target))
                other = True
            elif not _is_trivial_stmt(stmt):
                other = True
        if not methods and not other:
            kind = BODY_TRIVIAL
        elif not other and all(k != BODY_REAL for k in kinds):
            kind = BODY_DELEGATES
        else:
            kind = BODY_REAL
        doc = _docstring(node.body)
        first = node.decorator_list[0].lineno if node.decorator_list else node.lineno
        end = node.end_lineno or node.lineno
        marker = bool(doc and _MARKER_TEXT.search(doc)) or any(first - 1 <= ln <= end for ln in self.marker_lines)
        keywords = tuple(f"{k.arg}={dotted(k.value) or '?'}" for k in node.keywords if k.arg)
        self.classes.append(
            ClassFact(
                name=node.name,
                qualname=".".join([*ctx.class_stack, node.name]),
                line=node.lineno,
                column=self.source.column(node.lineno, node.col_offset),
                end_line=end,
                bases=tuple(dotted(b.func if isinstance(b, ast.Call) else b) for b in node.bases),
                keywords=keywords,
                decorators=tuple(dotted(d.func if isinstance(d, ast.Call) else d) for d in node.decorator_list),
                methods=tuple(methods),
                attributes=tuple(attributes),
                docstring=doc.strip().split("\n", 1)[0][:200],
                marker=marker,
                body=kind,
                typing_only=ctx.typing_only,
            )
        )
        if ctx.at_module_level:
            self._bind_other(node.name)

    def finish(self) -> dict[str, Any]:
        return {
            "classes": tuple(self.classes),
            "aliases": tuple(self.aliases),
            "constants": tuple(sorted((c for c in self.constants.values() if c is not None), key=lambda c: c.line)),
            "factories": self._factories(),
            "dunder_all": tuple(self.dunder_all) if self.dunder_all is not None else None,
        }


def _target_names(target: ast.expr) -> list[str]:
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [n for e in target.elts for n in _target_names(e)]
    if isinstance(target, ast.Starred):
        return _target_names(target.value)
    return []


def _string_list(value: ast.expr) -> list[str] | None:
    if isinstance(value, (ast.List, ast.Tuple)):
        return [e.value for e in value.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
    return None
