"""Collect what duplicate detection needs: classes, aliases, constants, ``__all__``, factories.

Everything here works on statements: a class is summarised from its direct body, a
factory from the ``return`` and assignment statements of its function. No expression
traversal is requested, so this collector adds little to the per-file cost.
"""

from __future__ import annotations

import ast
import re
import zlib
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
#: "use X instead", "in favour of X", "replaced by X", "moved to X": the replacement a
#: deprecation message names (a dotted name, possibly in backquotes or quotes).
_REPLACEMENT = re.compile(
    r"(?:\b[Uu]se|[Ss]witch to|[Mm]igrate to|[Rr]eplaced (?:by|with)|[Mm]oved to|in favou?r of|[Ss]uperseded by)"
    r"\s+(?:the\s+)?[`'\"]*:?(?:class:|py:class:)?[`'\"~]*([A-Za-z_][\w.]*[A-Za-z0-9_])"
)
_DEPRECATED_DOC = re.compile(r"^\s*(?:\.\.\s*deprecated::|[Dd]eprecated\b|DEPRECATED\b)|[Tt]his class is deprecated", re.MULTILINE)
_HOOK_DECORATORS = re.compile(r"(?:^|_)validator$|^pre_init$|^post_init$|^field_serializer$|^model_serializer$|^computed_field$")
_INIT_METHODS = frozenset({"__init__", "__new__", "__init_subclass__", "__post_init__"})
#: Statements too small to say anything about what a class does.
_SKIPPED_STATEMENTS = (ast.Pass, ast.Import, ast.ImportFrom, ast.Global, ast.Nonlocal)
#: Statements hashed by their header only (their bodies are hashed statement by statement).
_HEADERS: dict[type, tuple[str, ...]] = {
    ast.If: ("test",), ast.While: ("test",), ast.For: ("target", "iter"), ast.AsyncFor: ("target", "iter"),
    ast.With: ("items",), ast.AsyncWith: ("items",), ast.Try: (), ast.Match: ("subject",),
}  # fmt: skip
_MAX_SHAPE = 512


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
    abstract = hook = False
    if node.decorator_list:
        decorators = {dotted(d.func if isinstance(d, ast.Call) else d).rpartition(".")[2] for d in node.decorator_list}
        abstract = not decorators.isdisjoint(_ABSTRACT_DECORATORS)
        hook = any(_HOOK_DECORATORS.search(d) for d in decorators)
        if "staticmethod" in decorators:
            params.insert(0, "")  # no self/cls to drop
    return MethodFact(
        name=node.name,
        line=node.lineno,
        params=tuple(params[1:]),
        is_async=isinstance(node, ast.AsyncFunctionDef),
        abstract=abstract,
        body=body_kind(node.body),
        hook=hook,
    )


def _text(node: ast.expr) -> str:
    """The literal text of a string, an f-string (placeholders as spaces) or a ``+`` of them."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(_text(v) if not isinstance(v, ast.FormattedValue) else " " for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _text(node.left) + _text(node.right)
    return ""


def replacement_in(text: str) -> str:
    """The class a deprecation message says to use instead ("" when it names none)."""
    for m in _REPLACEMENT.finditer(text):
        name = m.group(1)
        if name.rpartition(".")[2][:1].isupper():
            return name
    return ""


def deprecation_warning(call: ast.expr) -> str | None:
    """``warnings.warn(message, SomeDeprecationWarning)``: the replacement the message names
    ("" for none); None for any other expression."""
    if not isinstance(call, ast.Call) or dotted(call.func).rpartition(".")[2] != "warn" or not call.args:
        return None
    category = call.args[1] if len(call.args) > 1 else next((k.value for k in call.keywords if k.arg == "category"), None)
    if category is None or "Deprecat" not in dotted(category).rpartition(".")[2]:
        return None
    return replacement_in(_text(call.args[0]))


def _deprecated(node: ast.ClassDef, doc: str) -> str | None:
    """What the class's own deprecation markers name as its replacement; None when unmarked."""
    found: str | None = None
    for d in node.decorator_list:
        call = d if isinstance(d, ast.Call) else None
        if dotted(call.func if call is not None else d).rpartition(".")[2] != "deprecated":
            continue
        found = found or ""
        if call is None:
            continue
        for kw in call.keywords:
            if kw.arg == "alternative_import":
                found = found or _text(kw.value).strip()
            elif kw.arg == "alternative":
                text = _text(kw.value)
                first = re.search(r"[A-Za-z_][\w.]*", text.strip("`'\" :~"))
                found = found or replacement_in(text) or (first.group(0) if first and first.group(0).rpartition(".")[2][:1].isupper() else "")
        for arg in call.args:
            found = found or replacement_in(_text(arg))
    # A warning the class always raises (a statement of its body or of its constructor), or
    # one that names the class: a warning under an `if` is about an argument.
    for stmt in node.body:
        scopes = [stmt] if not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) else []
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name in _INIT_METHODS:
            scopes = list(stmt.body)
        for scope in scopes:
            direct = scope.value if isinstance(scope, ast.Expr) else None
            for sub in ast.walk(scope):
                if isinstance(sub, ast.Call):
                    named = deprecation_warning(sub)
                    if named is not None and (sub is direct or re.search(rf"\b{re.escape(node.name)}\b", _text(sub.args[0]))):
                        found = found or named or ""
    if doc and _DEPRECATED_DOC.search(doc):
        found = found or replacement_in(doc) or ""
    return found


def _hash(text: str) -> int:
    return zlib.crc32(text.encode("utf-8", "surrogatepass"))


def _norm(node: ast.AST) -> str:
    """A statement's text for hashing: its structure, names, attributes and literals, with
    keyword arguments left out, so that a copy whose call options drifted still hashes the
    same (literals stay: per-language or per-service tables are what tells copies of one
    template apart)."""
    if isinstance(node, ast.Constant):
        return repr(node.value)
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return _norm(node.value) + "." + node.attr
    if isinstance(node, ast.Call):
        return _norm(node.func) + "(" + ",".join(_norm(a) for a in node.args) + ")"
    parts = [type(node).__name__]
    for name in node._fields:
        value = getattr(node, name, None)
        if isinstance(value, ast.AST):
            if not isinstance(value, (ast.expr_context, ast.Load, ast.Store, ast.Del)):
                parts.append(_norm(value))
        elif isinstance(value, list):
            parts.append("[" + ",".join(_norm(v) if isinstance(v, ast.AST) else repr(v) for v in value) + "]")
        elif value is not None and name not in ("type_comment", "kind"):
            parts.append(repr(value))
    return "(" + " ".join(parts) + ")"


def _shape(node: ast.ClassDef) -> tuple[int, ...]:
    """Hashes of the class body's statements: every statement of every method (compound
    statements by their header), and the class-level assignments. Docstrings, ``pass``,
    ``...`` and imports are left out; a statement is hashed with its names (see
    :func:`_norm`), so a copy keeps most hashes and an added method changes a few."""
    out: set[int] = set()
    todo: list[ast.stmt] = []
    for stmt in node.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            todo += stmt.body
        elif isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            todo.append(stmt)
    while todo and len(out) < _MAX_SHAPE:
        stmt = todo.pop()
        if isinstance(stmt, _SKIPPED_STATEMENTS) or (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)):
            continue
        header = _HEADERS.get(type(stmt))
        if header is not None:
            out.add(_hash(type(stmt).__name__ + "".join(_norm(v) for f in header for v in _as_list(getattr(stmt, f)))))
            for field in ("body", "orelse", "finalbody"):
                todo += getattr(stmt, field, None) or []
            for handler in getattr(stmt, "handlers", None) or []:
                todo += handler.body
            for case in getattr(stmt, "cases", None) or []:
                todo += case.body
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            todo += stmt.body
        else:
            out.add(_hash(_norm(stmt)))
    return tuple(sorted(out))


def _as_list(value: Any) -> list[ast.AST]:
    return value if isinstance(value, list) else [value]


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
    stmt_types = (ast.ClassDef, ast.Return, ast.Assign, ast.AnnAssign, ast.AugAssign, ast.Expr)

    def __init__(self, source: SourceText) -> None:
        self.source = source
        self.marker_lines = self._marker_lines(source.text)
        self.classes: list[ClassFact] = []
        self.aliases: list[AliasFact] = []
        self.constants: dict[str, ConstantFact | None] = {}  # None: bound more than once
        self.functions: dict[int, _Function] = {}  # id(function node) -> what it returns
        self.bound: dict[tuple[int, str], set[str]] = {}  # (id(function node), name) -> constructed callees
        self.dunder_all: list[str] | None = None
        self.deprecated_module: str | None = None

    @staticmethod
    def _marker_lines(text: str) -> list[int]:
        if "SSOT" not in text and "ource of " not in text:
            return []
        return sorted(lines_matching(text, _MARKER_COMMENT))

    # --- statements -------------------------------------------------------------------
    def enter_stmt(self, node: ast.stmt, ctx: Context) -> None:
        kind = type(node)
        if kind is ast.Expr:
            if not ctx.func_depth and ctx.at_module_level and self.deprecated_module is None:
                self.deprecated_module = deprecation_warning(node.value)  # type: ignore[attr-defined]
            return
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

    def _comment(self, node: ast.stmt) -> str:
        """The comment after a one-line statement: two copies of a constant keep it."""
        if node.end_lineno != node.lineno or node.end_col_offset is None or node.lineno > len(self.source.lines):
            return ""
        rest = self.source.lines[node.lineno - 1].encode("utf-8")[node.end_col_offset :].decode("utf-8", "replace").strip()
        return " ".join(rest[1:].split()) if rest.startswith("#") else ""

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
                self.constants[name] = ConstantFact(name, literal, line, column, self._comment(node))
                return
        if isinstance(value, (ast.Name, ast.Attribute, ast.Subscript)):
            if annotation is not None and dotted(annotation).rpartition(".")[2] not in _ALIAS_ANNOTATIONS:
                return
            target = dotted(value)
            if target and target != name:
                self.aliases.append(AliasFact(name, target, line, column, isinstance(value, ast.Subscript)))

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
        text = self.source.lines[node.lineno - 1] if node.lineno <= len(self.source.lines) else ""
        found = re.search(r"\bclass\s+" + re.escape(node.name) + r"\b", text)
        name_column = self.source.column(node.lineno, len(text[: found.end() - len(node.name)].encode("utf-8"))) if found else 0
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
                shape=_shape(node),
                deprecated=_deprecated(node, doc),
                name_column=name_column,
                subscripted_bases=tuple(
                    i for i, b in enumerate(b for b in node.bases if dotted(b.func if isinstance(b, ast.Call) else b)) if isinstance(b, ast.Subscript)
                ),
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
            "deprecated_module": self.deprecated_module,
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
