"""libcst codemods: each takes a parsed module and returns the changed module (or the same).

libcst keeps every comment and every bit of whitespace that is not part of a change, so a
rewritten file differs from the original only where the fix is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

Symbol = tuple[str, str]  # (module, name)
ENVELOPES = ("payload", "data")


def dotted(node: cst.BaseExpression | None) -> str:
    if node is None:
        return ""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{dotted(node.value)}.{node.attr.value}"
    return ""


def module_expr(name: str) -> cst.Attribute | cst.Name:
    parts = name.split(".")
    expr: cst.Attribute | cst.Name = cst.Name(parts[0])
    for part in parts[1:]:
        expr = cst.Attribute(value=expr, attr=cst.Name(part))
    return expr


def absolute_module(node: cst.ImportFrom, package: str) -> str | None:
    """The module a from-import reads from; ``package`` is the importing file's package."""
    level = len(node.relative)
    name = dotted(node.module)
    if level == 0:
        return name
    parts = package.split(".") if package else []
    up = level - 1
    if up > len(parts):
        return None
    base = parts[: len(parts) - up]
    if name:
        base.append(name)
    return ".".join(base) or None


# --- import rewriting ------------------------------------------------------------------------


class ImportRewriter(cst.CSTTransformer):
    """``from old.mod import Old [as x]`` -> ``from new.mod import New as <local name>``."""

    def __init__(self, package: str, rewrites: Mapping[Symbol, Symbol]) -> None:
        super().__init__()
        self.package = package
        self.rewrites = rewrites
        self.changed: list[tuple[Symbol, Symbol]] = []
        self.comments: dict[int, list[str]] = {}  # id(new import) -> comments of the names it took over

    def _split(self, node: cst.ImportFrom) -> tuple[cst.ImportFrom | None, list[cst.ImportFrom]]:
        """(what stays of ``node`` or None, the new imports) -- or (node, []) when nothing matches."""
        if isinstance(node.names, cst.ImportStar):
            return node, []
        source = absolute_module(node, self.package)
        if source is None:
            return node, []
        keep: list[cst.ImportAlias] = []
        new: dict[str, list[cst.ImportAlias]] = {}
        moved_comments: dict[str, list[str]] = {}
        for alias in node.names:
            name = dotted(alias.name)
            target = self.rewrites.get((source, name))
            if target is None:
                keep.append(alias)
                continue
            local = alias.evaluated_alias or name
            as_name = None if local == target[1] else cst.AsName(name=cst.Name(local))
            new.setdefault(target[0], []).append(cst.ImportAlias(name=cst.Name(target[1]), asname=as_name))
            moved_comments.setdefault(target[0], []).extend(_comments_in(alias))
            self.changed.append(((source, name), target))
        if not new:
            return node, []
        made = [
            cst.ImportFrom(module=module_expr(mod), names=_with_commas(aliases))
            for mod, aliases in new.items()
        ]
        for mod, imp in zip(new, made, strict=True):
            self.comments[id(imp)] = moved_comments[mod]
        if not keep:
            # The statement goes: comments inside its parentheses go with the first new import.
            self.comments[id(made[0])] = [*_comments_in(node.lpar, node.rpar), *self.comments[id(made[0])]]
            return None, made
        return node.with_changes(names=_keep_last_comma(node, keep)), made

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement]:
        body: list[cst.BaseSmallStatement] = []
        extra: list[cst.ImportFrom] = []
        touched = False
        for stmt in updated_node.body:
            if not isinstance(stmt, cst.ImportFrom):
                body.append(stmt)
                continue
            kept, made = self._split(stmt)
            if not made:
                body.append(stmt)
                continue
            touched = True
            if kept is not None:
                body.append(kept)
            extra.extend(made)
        if not touched:
            return updated_node
        if len(updated_node.body) > 1:
            # `import os; from x import A`: stay on one line.
            notes = [c for imp in extra for c in self.comments.pop(id(imp), [])]
            return updated_node.with_changes(
                body=_semicolons([*body, *extra]), leading_lines=[*updated_node.leading_lines, *_comment_lines(notes)]
            )
        lines: list[cst.BaseStatement] = []
        first_stmts = body or extra[:1]
        rest = extra if body else extra[1:]
        first = updated_node.with_changes(body=_semicolons(first_stmts))
        if not body:
            notes = self.comments.pop(id(extra[0]), [])
            first = first.with_changes(leading_lines=[*first.leading_lines, *_comment_lines(notes)])
        lines.append(first)
        for imp in rest:
            notes = self.comments.pop(id(imp), [])
            trailing = cst.TrailingWhitespace(whitespace=cst.SimpleWhitespace("  "), comment=cst.Comment(notes[-1])) if notes else cst.TrailingWhitespace()
            lines.append(cst.SimpleStatementLine(body=[imp], leading_lines=_comment_lines(notes[:-1]), trailing_whitespace=trailing))
        return cst.FlattenSentinel(lines)


class _CommentCollector(cst.CSTVisitor):
    def __init__(self) -> None:
        self.found: list[str] = []

    def visit_Comment(self, node: cst.Comment) -> None:
        self.found.append(node.value)


def _comments_in(*nodes: cst.CSTNode | cst.MaybeSentinel | None) -> list[str]:
    """Every comment inside ``nodes`` (an import name with its comma, parentheses), in order."""
    collector = _CommentCollector()
    for node in nodes:
        if isinstance(node, cst.CSTNode):
            node.visit(collector)
    return collector.found


def _comment_lines(comments: Sequence[str]) -> list[cst.EmptyLine]:
    return [cst.EmptyLine(comment=cst.Comment(c)) for c in comments]


def ending(own: cst.Comma | cst.MaybeSentinel, last: cst.Comma | cst.MaybeSentinel) -> cst.Comma | cst.MaybeSentinel:
    """The comma of an element that becomes last: the old last one's, keeping its own comment."""
    if (
        isinstance(own, cst.Comma)
        and isinstance(last, cst.Comma)
        and isinstance(own.whitespace_after, cst.ParenthesizedWhitespace)
        and isinstance(last.whitespace_after, cst.ParenthesizedWhitespace)
    ):
        return own.with_changes(
            whitespace_after=own.whitespace_after.with_changes(
                empty_lines=last.whitespace_after.empty_lines,
                indent=last.whitespace_after.indent,
                last_line=last.whitespace_after.last_line,
            )
        )
    return last


def _keep_last_comma(node: cst.ImportFrom, keep: list[cst.ImportAlias]) -> list[cst.ImportAlias]:
    """The kept names end like the original list did (a trailing comma, the line break before `)`)."""
    assert not isinstance(node.names, cst.ImportStar)
    if keep[-1] is node.names[-1]:
        return keep
    last = node.names[-1].comma if node.lpar is not None else cst.MaybeSentinel.DEFAULT
    return [*keep[:-1], keep[-1].with_changes(comma=ending(keep[-1].comma, last))]


def _with_commas(aliases: Sequence[cst.ImportAlias]) -> list[cst.ImportAlias]:
    out = [a.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))) for a in aliases[:-1]]
    return [*out, aliases[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)]


def _semicolons(stmts: Sequence[cst.BaseSmallStatement]) -> list[cst.BaseSmallStatement]:
    out = [s.with_changes(semicolon=cst.MaybeSentinel.DEFAULT) for s in stmts]
    return out


def rewrite_imports(module: cst.Module, package: str, rewrites: Mapping[Symbol, Symbol]) -> tuple[cst.Module, list[tuple[Symbol, Symbol]]]:
    rewriter = ImportRewriter(package, rewrites)
    return module.visit(rewriter), rewriter.changed


class _ImportFinder(cst.CSTVisitor):
    def __init__(self, package: str, symbol: Symbol) -> None:
        self.package = package
        self.symbol = symbol
        self.found = False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if isinstance(node.names, cst.ImportStar):
            return
        if absolute_module(node, self.package) == self.symbol[0] and any(dotted(a.name) == self.symbol[1] for a in node.names):
            self.found = True


def imports_symbol(module: cst.Module, package: str, symbol: Symbol) -> bool:
    finder = _ImportFinder(package, symbol)
    module.visit(finder)
    return finder.found


# --- alias removal -----------------------------------------------------------------------------


class _NameCounter(cst.CSTVisitor):
    def __init__(self, name: str) -> None:
        self.name = name
        self.count = 0

    def visit_Name(self, node: cst.Name) -> None:
        if node.value == self.name:
            self.count += 1


def _is_thin_class(node: cst.ClassDef) -> bool:
    for stmt in node.body.body:
        if not isinstance(stmt, cst.SimpleStatementLine):
            return False
        for small in stmt.body:
            if isinstance(small, cst.Pass):
                continue
            if isinstance(small, cst.Expr) and isinstance(small.value, (cst.SimpleString, cst.ConcatenatedString, cst.Ellipsis)):
                continue
            return False
    return True


def _defines(stmt: cst.BaseStatement, name: str) -> str | None:
    """How ``stmt`` (module level) binds ``name`` as an alias: "assign", "import", "class" or None."""
    if isinstance(stmt, cst.ClassDef):
        return "class" if stmt.name.value == name and _is_thin_class(stmt) else None
    if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
        return None
    small = stmt.body[0]
    if isinstance(small, cst.Assign) and len(small.targets) == 1:
        target = small.targets[0].target
        if isinstance(target, cst.Name) and target.value == name and dotted(small.value):
            return "assign"
    if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name) and small.target.value == name:
        return "assign" if small.value is not None and dotted(small.value) else None
    if (
        isinstance(small, cst.ImportFrom)
        and not isinstance(small.names, cst.ImportStar)
        and any(a.asname is not None and a.evaluated_alias == name for a in small.names)
    ):
        return "import"
    return None


def _all_entry(stmt: cst.BaseStatement, name: str) -> bool:
    if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
        return False
    small = stmt.body[0]
    if not isinstance(small, (cst.Assign, cst.AugAssign, cst.AnnAssign)):
        return False
    targets = [t.target for t in small.targets] if isinstance(small, cst.Assign) else [small.target]
    if not any(isinstance(t, cst.Name) and t.value == "__all__" for t in targets):
        return False
    return isinstance(small.value, (cst.List, cst.Tuple)) and any(
        isinstance(e.value, cst.SimpleString) and e.value.evaluated_value == name for e in small.value.elements
    )


def _drop_from_all(stmt: cst.SimpleStatementLine, name: str) -> cst.SimpleStatementLine:
    small = stmt.body[0]
    assert isinstance(small, (cst.Assign, cst.AugAssign, cst.AnnAssign))
    seq = small.value
    assert isinstance(seq, (cst.List, cst.Tuple))
    elements = list(seq.elements)
    kept = [e for e in elements if not (isinstance(e.value, cst.SimpleString) and e.value.evaluated_value == name)]
    if kept and len(kept) < len(elements) and elements[-1] not in kept:
        kept[-1] = kept[-1].with_changes(comma=elements[-1].comma)
    if isinstance(seq, cst.Tuple) and len(kept) == 1 and not isinstance(kept[0].comma, cst.Comma):
        kept[0] = kept[0].with_changes(comma=cst.Comma())
    return stmt.with_changes(body=[small.with_changes(value=seq.with_changes(elements=kept))])


def _blank_prefix(lines: Sequence[cst.EmptyLine]) -> list[cst.EmptyLine]:
    out = []
    for line in lines:
        if line.comment is not None:
            break
        out.append(line)
    return out


def remove_alias(module: cst.Module, name: str) -> cst.Module | None:
    """Remove the module-level alias ``name``; None when it cannot be removed safely.

    Refused when the name is used anywhere else in the module (other than ``__all__``), or
    when it is not bound by a plain alias (``A = B``, ``A: type = B``, ``from x import B as
    A``, a class with nothing but a docstring or ``pass``).
    """
    counter = _NameCounter(name)
    module.visit(counter)
    new_body: list[cst.BaseStatement] = []
    removed = 0
    spacing: list[cst.EmptyLine] = []  # blank lines that stood before a removed statement
    for stmt in module.body:
        how = _defines(stmt, name)
        if how in ("assign", "class"):
            removed += 1
            assert isinstance(stmt, (cst.SimpleStatementLine, cst.ClassDef))
            spacing = spacing or _blank_prefix(stmt.leading_lines)
            continue
        if how == "import":
            assert isinstance(stmt, cst.SimpleStatementLine)
            small = stmt.body[0]
            assert isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar)
            keep = [a for a in small.names if a.evaluated_alias != name]
            removed += 1
            if keep:
                new_body.append(stmt.with_changes(body=[small.with_changes(names=_keep_last_comma(small, keep))]))
            else:
                spacing = spacing or _blank_prefix(stmt.leading_lines)
            continue
        if _all_entry(stmt, name):
            assert isinstance(stmt, cst.SimpleStatementLine)
            stmt = _drop_from_all(stmt, name)
        if spacing and isinstance(stmt, (cst.SimpleStatementLine, cst.BaseCompoundStatement)) and not _blank_prefix(stmt.leading_lines):
            stmt = stmt.with_changes(leading_lines=[*spacing, *stmt.leading_lines])
        spacing = []
        new_body.append(stmt)
    # Each binding form names the alias once (the target, the class name, the `as` name).
    if removed != 1 or counter.count != 1:
        return None
    return module.with_changes(body=new_body)


# --- event fields ---------------------------------------------------------------------------


def _key(element: cst.BaseDictElement) -> str | None:
    if isinstance(element, cst.DictElement) and isinstance(element.key, cst.SimpleString):
        value = element.key.evaluated_value
        return value if isinstance(value, str) else None
    return None


def _literal(d: cst.Dict) -> bool:
    return all(_key(e) is not None for e in d.elements)


def _recomma(elements: list[cst.BaseDictElement], template: cst.Comma, last: cst.Comma | cst.MaybeSentinel) -> list[cst.BaseDictElement]:
    if not elements:
        return []
    return [*(e.with_changes(comma=template) for e in elements[:-1]), elements[-1].with_changes(comma=last)]


def _last(elements: list[cst.BaseDictElement], comma: cst.Comma | cst.MaybeSentinel) -> list[cst.BaseDictElement]:
    """The dict still ends as it did (trailing comma or not, the line break before `}`)."""
    if not elements:
        return elements
    return [*elements[:-1], elements[-1].with_changes(comma=ending(elements[-1].comma, comma))]


def _template(d: cst.Dict) -> cst.Comma:
    for e in d.elements:
        if isinstance(e.comma, cst.Comma):
            return e.comma
    return cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))


class _Dicts(cst.CSTVisitor):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, line: int, column: int) -> None:
        self.line, self.column = line, column
        self.containing: list[cst.Dict] = []  # outermost first

    def visit_Dict(self, node: cst.Dict) -> None:
        r = self.get_metadata(PositionProvider, node)
        start = (r.start.line, r.start.column + 1)
        end = (r.end.line, r.end.column + 1)
        if start <= (self.line, self.column) <= end or r.start.line == self.line:
            self.containing.append(node)


class _Replace(cst.CSTTransformer):
    def __init__(self, old: cst.Dict, new: cst.Dict) -> None:
        self.old, self.new = old, new

    def leave_Dict(self, original_node: cst.Dict, updated_node: cst.Dict) -> cst.BaseExpression:
        return self.new if original_node is self.old else updated_node


class _Mover:
    def __init__(self, fields: tuple[str, ...], expected: str) -> None:
        self.fields = fields
        self.expected = expected
        self.refused = ""

    def relevant(self, d: cst.Dict) -> bool:
        keys = [_key(e) for e in d.elements]
        if self.expected in ("flat", ""):
            return any(
                k in ENVELOPES and isinstance(e, cst.DictElement) and isinstance(e.value, cst.Dict)
                for k, e in zip(keys, d.elements, strict=True)
            )
        return any(k in self.fields for k in keys)

    def move(self, d: cst.Dict) -> cst.Dict | None:
        elements = list(d.elements)
        keys = [_key(e) for e in elements]
        envelope = next(
            (k for k, e in zip(keys, elements, strict=True)
             if k in ENVELOPES and isinstance(e, cst.DictElement) and isinstance(e.value, cst.Dict)),
            None,
        )
        expected = self.expected or ("flat" if envelope else "")
        last_comma = elements[-1].comma
        if expected == "flat":
            if envelope is None:
                self.refused = "no literal envelope dict to move fields out of"
                return None
            i = keys.index(envelope)
            env_el = elements[i]
            assert isinstance(env_el, cst.DictElement) and isinstance(env_el.value, cst.Dict)
            inner = env_el.value
            if not _literal(inner):
                self.refused = f"the {envelope!r} dict is not fully literal"
                return None
            moving = [e for e in inner.elements if not self.fields or _key(e) in self.fields]
            staying = [e for e in inner.elements if e not in moving]
            clash = {_key(e) for e in moving} & set(keys)
            if clash:
                self.refused = f"fields already at the top level: {', '.join(sorted(k for k in clash if k))}"
                return None
            if not moving:
                self.refused = "no field to move"
                return None
            template = _template(d)
            # The envelope's own comma (with any comment after it) goes to the last element
            # that takes its place.
            moved = [e.with_changes(comma=template) for e in moving]
            new = elements[:i]
            if staying:
                new += moved
                new.append(env_el.with_changes(value=inner.with_changes(elements=_recomma(staying, _template(inner), cst.MaybeSentinel.DEFAULT))))
            else:
                new += [*moved[:-1], moved[-1].with_changes(comma=env_el.comma)]
            new += elements[i + 1 :]
            return d.with_changes(elements=_last(new, last_comma))
        if expected in ENVELOPES:
            moving = [e for e in elements if _key(e) in self.fields and _key(e) != expected]
            if not moving:
                self.refused = "no field to move"
                return None
            rest = [e for e in elements if e not in moving]
            inline = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
            if expected in keys:
                j = keys.index(expected)
                env_el = elements[j]
                if not (isinstance(env_el, cst.DictElement) and isinstance(env_el.value, cst.Dict) and _literal(env_el.value)):
                    self.refused = f"the {expected!r} value is not a literal dict"
                    return None
                inner = env_el.value
                clash = {_key(e) for e in moving} & {_key(e) for e in inner.elements}
                if clash:
                    self.refused = f"fields already under {expected!r}: {', '.join(sorted(k for k in clash if k))}"
                    return None
                merged = [*inner.elements, *moving]
                template = _template(inner) if inner.elements else inline
                new_env = env_el.with_changes(value=inner.with_changes(elements=_recomma(merged, template, cst.MaybeSentinel.DEFAULT)))
                rest = [new_env if e is env_el else e for e in rest]
            else:
                first = elements.index(moving[0])
                new_env = cst.DictElement(
                    key=cst.SimpleString(f'"{expected}"'),
                    value=cst.Dict(elements=_recomma(moving, inline, cst.MaybeSentinel.DEFAULT)),
                    comma=moving[-1].comma,
                )
                before = [e for e in elements[:first] if e not in moving]
                rest = [*before, new_env, *[e for e in elements[first:] if e not in moving]]
            return d.with_changes(elements=_last(rest, last_comma))
        self.refused = "the spec's envelope is unknown"
        return None


def move_event_fields(module: cst.Module, line: int, column: int, fields: tuple[str, ...], expected: str) -> tuple[cst.Module, str]:
    """(new module, "") or (the same module, why nothing was moved).

    The dict is the innermost dict literal around ``line:column`` (or starting on ``line``)
    that holds an envelope dict (moving out) or one of ``fields`` (moving in).
    """
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    finder = _Dicts(line, column)
    wrapper.visit(finder)
    mover = _Mover(fields, expected)
    target = next((d for d in reversed(finder.containing) if mover.relevant(d)), None)
    if target is None:
        return module, f"no dict literal at line {line} has fields to move"
    if not _literal(target):
        return module, "the dict is not fully literal"
    new = mover.move(target)
    if new is None:
        return module, mover.refused
    return module.visit(_Replace(target, new)), ""
