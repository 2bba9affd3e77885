"""libcst codemods: each takes a parsed module and returns the changed module (or the same).

libcst keeps every comment and every bit of whitespace that is not part of a change, so a
rewritten file differs from the original only where the fix is.
"""

from __future__ import annotations

import keyword
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import libcst as cst
from libcst.metadata import MetadataWrapper, ParentNodeProvider, PositionProvider

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
    return relative_base(package, len(node.relative), dotted(node.module))


def relative_base(package: str, level: int, name: str) -> str | None:
    """The module ``from <level dots><name> import ...`` reads from, inside ``package``."""
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


@dataclass(frozen=True)
class ImportPlan:
    """How to rewrite one file's imports (plain data: it travels to worker processes).

    ``rewrites`` maps what a ``from`` import names now, ``(module, name)``, to what it
    should name instead. ``exported`` holds the names other modules import from this file
    (or that its ``__all__`` lists): their binding keeps its name whatever the file does.
    """

    package: str
    rewrites: Mapping[Symbol, Symbol]
    exported: frozenset[str] = frozenset()


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class _Uses(cst.CSTVisitor):
    """The names a module refers to outside its import statements, and what its imports bind.

    Every identifier in the text counts (in code, strings -- ``__all__`` entries, string
    annotations, ``getattr(m, "Name")`` -- and comments: when in doubt, a name is used),
    less those inside import statements. Only statements are walked, never expressions.
    """

    def __init__(self, module: cst.Module, package: str, text: str) -> None:
        super().__init__()
        self.module = module
        self.package = package
        self.counts: Counter[str] = Counter(_WORD.findall(text))
        self.bound: dict[str, set[object]] = defaultdict(set)  # local name -> (module, name) or a module

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> bool:
        for small in node.body:
            if isinstance(small, cst.Import):
                self._import(small)
            elif isinstance(small, cst.ImportFrom):
                self._import_from(small)
            else:
                continue
            self.counts.subtract(_WORD.findall(self.module.code_for_node(small)))
        return False

    def visit_Decorator(self, node: cst.Decorator) -> bool:
        return False

    def visit_Parameters(self, node: cst.Parameters) -> bool:
        return False

    def _import(self, node: cst.Import) -> None:
        for a in node.names:
            name = dotted(a.name)
            local = a.evaluated_alias or name.split(".", 1)[0]
            self.bound[local].add(name if a.asname else local)

    def _import_from(self, node: cst.ImportFrom) -> None:
        if not isinstance(node.names, cst.ImportStar):
            module = absolute_module(node, self.package) or ""
            for a in node.names:
                self.bound[a.evaluated_alias or dotted(a.name)].add((module, dotted(a.name)))


class ImportRewriter(cst.CSTTransformer):
    """``from old.mod import Old [as x]`` -> ``from new.mod import New [as x]``.

    The local name stays (``as x``) only while the file, or a module importing from it,
    uses it; otherwise the file binds the new name itself. A rewritten import joins an
    import from the same module in the same block, and an import block sorted the way
    isort sorts it stays sorted.
    """

    def __init__(self, plan: ImportPlan, uses: _Uses) -> None:
        super().__init__()
        self.package = plan.package
        self.rewrites = plan.rewrites
        self.exported = plan.exported
        self.uses = uses
        self.changed: list[tuple[Symbol, Symbol]] = []
        self.comments: dict[int, list[str]] = {}  # id(new import) -> comments of the names it took over
        self.new_lines: set[int] = set()  # id() of the statement lines this rewriter made

    def _clash(self, target: Symbol) -> bool:
        """Whether binding ``target``'s own name here would shadow or change another binding."""
        name = target[1]
        same = {target, *(src for src, dst in self.rewrites.items() if dst == target)}
        bound = self.uses.bound.get(name, set())
        if bound - same:
            return True
        return self.uses.counts[name] > 0 and not bound

    def _local(self, alias: cst.ImportAlias, target: Symbol) -> cst.AsName | None:
        local = alias.evaluated_alias or dotted(alias.name)
        if local == target[1]:
            return None
        if self.uses.counts[local] > 0 or local in self.exported or self._clash(target):
            return cst.AsName(name=cst.Name(local))
        return None

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
            fresh = cst.ImportAlias(name=cst.Name(target[1]), asname=self._local(alias, target))
            if not any(_same_alias(fresh, a) for a in new.get(target[0], ())):
                new.setdefault(target[0], []).append(fresh)
            moved_comments.setdefault(target[0], []).extend(_comments_in(alias))
            self.changed.append(((source, name), target))
        if not new:
            return node, []
        made = [_from_import(mod, aliases, self.package if node.relative else None) for mod, aliases in new.items()]
        for mod, imp in zip(new, made, strict=True):
            self.comments[id(imp)] = moved_comments[mod]
        if not keep:
            # The statement goes: comments inside its parentheses go with the first new import.
            self.comments[id(made[0])] = [*_comments_in(node.lpar, node.rpar), *self.comments[id(made[0])]]
            return None, made
        return node.with_changes(names=_keep_last_comma(node, keep)), made

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> bool:
        return False  # expressions hold no import: the line is handled as a whole on leaving

    def visit_Decorator(self, node: cst.Decorator) -> bool:
        return False

    def visit_Parameters(self, node: cst.Parameters) -> bool:
        return False

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
            self.new_lines.add(id(first))
        lines.append(first)
        for imp in rest:
            notes = self.comments.pop(id(imp), [])
            trailing = cst.TrailingWhitespace(whitespace=cst.SimpleWhitespace("  "), comment=cst.Comment(notes[-1])) if notes else cst.TrailingWhitespace()
            line = cst.SimpleStatementLine(body=[imp], leading_lines=_comment_lines(notes[:-1]), trailing_whitespace=trailing)
            self.new_lines.add(id(line))
            lines.append(line)
        return cst.FlattenSentinel(lines)

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock) -> cst.IndentedBlock:
        body = self._merge(updated_node.body)
        return updated_node if body is None else updated_node.with_changes(body=body)

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        body = self._merge(updated_node.body)
        if body is None:
            return updated_node
        return updated_node.with_changes(body=_sort_runs(body, self.new_lines, self.package))

    def _merge(self, body: Sequence[cst.BaseStatement]) -> list[cst.BaseStatement] | None:
        """New imports joined to an import from the same module in the same block."""
        if not any(id(s) in self.new_lines for s in body):
            return None
        out: list[cst.BaseStatement | None] = list(body)
        for i, stmt in enumerate(body):
            if id(stmt) not in self.new_lines:
                continue
            assert isinstance(stmt, cst.SimpleStatementLine)
            module = dotted(_single_from(stmt).module)  # type: ignore[union-attr]
            for j, other in enumerate(out):
                if j == i or other is None or (j > i and id(other) in self.new_lines):
                    continue
                between = out[i + 1 : j] if j > i else out[j + 1 : i]
                if any(s is not None and _import_key(s, self.package) is None for s in between):
                    continue  # code between them may use or bind the name: it stays where it is

                imp = _single_from(other)
                if imp is None or absolute_module(imp, self.package) != module:
                    continue
                assert isinstance(other, cst.SimpleStatementLine)
                merged = _join(other, stmt)
                if id(other) in self.new_lines:
                    self.new_lines.add(id(merged))
                out[j], out[i] = merged, None
                break
        return [s for s in out if s is not None]


def _from_import(module: str, aliases: Sequence[cst.ImportAlias], package: str | None) -> cst.ImportFrom:
    """``from <module> import <aliases>``, written relative to ``package`` when one is given
    and the module lies in the same top-level package (a relative import stays relative)."""
    names = _with_commas(aliases)
    if package:
        here, there = package.split("."), module.split(".")
        common = 0
        while common < min(len(here), len(there)) and here[common] == there[common]:
            common += 1
        if common:
            rest = there[common:]
            dots = [cst.Dot() for _ in range(len(here) - common + 1)]
            return cst.ImportFrom(module=module_expr(".".join(rest)) if rest else None, relative=dots, names=names)
    return cst.ImportFrom(module=module_expr(module), names=names)


def _same_alias(a: cst.ImportAlias, b: cst.ImportAlias) -> bool:
    return dotted(a.name) == dotted(b.name) and a.evaluated_alias == b.evaluated_alias


def _single_from(stmt: cst.BaseStatement) -> cst.ImportFrom | None:
    """The ``from`` import (not a star) that is the whole of ``stmt``, if it is one."""
    if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1:
        imp = stmt.body[0]
        if isinstance(imp, cst.ImportFrom) and not isinstance(imp.names, cst.ImportStar):
            return imp
    return None


def _name_kind(name: str) -> tuple[int, str]:
    """isort's order by type: CONSTANTS, then Classes, then everything else; case folded."""
    kind = 0 if name.isupper() and len(name) > 1 else 1 if name[:1].isupper() else 2
    return kind, name.lower()


def _plain_key(name: str) -> tuple[int, str]:
    return 0, name


def _plain_comma(comma: cst.Comma | cst.MaybeSentinel) -> cst.Comma:
    """A comma like ``comma`` without the comments it carries."""
    if not isinstance(comma, cst.Comma):
        return cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    after = comma.whitespace_after
    if isinstance(after, cst.ParenthesizedWhitespace):
        after = after.with_changes(first_line=cst.TrailingWhitespace(), empty_lines=[])
    return comma.with_changes(whitespace_after=after)


def _join(line: cst.SimpleStatementLine, new: cst.SimpleStatementLine) -> cst.SimpleStatementLine:
    """``line`` (a ``from`` import) with the names of ``new`` added; the comments of ``new``
    go along (on the line if it has none, above it otherwise)."""
    imp, extra = _single_from(line), _single_from(new)
    assert imp is not None and extra is not None
    assert not isinstance(imp.names, cst.ImportStar) and not isinstance(extra.names, cst.ImportStar)
    names = list(imp.names)
    adding = [a for a in extra.names if not any(_same_alias(a, b) for b in names)]
    if adding:
        keys = [dotted(a.name) for a in names]
        key: Callable[[str], tuple[int, str]] | None = None
        if keys == sorted(keys, key=_name_kind):
            key = _name_kind
        elif keys == sorted(keys):
            key = _plain_key
        template = _plain_comma(next((a.comma for a in names if isinstance(a.comma, cst.Comma)), cst.MaybeSentinel.DEFAULT))
        last_comma = names[-1].comma if imp.lpar is not None else cst.MaybeSentinel.DEFAULT
        for a in adding:
            at = len(names)
            if key is not None:
                at = next((k for k, b in enumerate(names) if key(dotted(b.name)) > key(dotted(a.name))), len(names))
            names.insert(at, a)
        names = [a if isinstance(a.comma, cst.Comma) and a is not names[-1] else a.with_changes(comma=template) for a in names]
        names[-1] = names[-1].with_changes(comma=last_comma)
    joined = imp.with_changes(names=names)
    if imp.lpar is None and len(cst.Module(body=[]).code_for_node(joined)) > LINE_LENGTH:
        joined = _parenthesized(joined)
    out = line.with_changes(body=[joined])
    notes = [e.comment.value for e in new.leading_lines if e.comment is not None]
    trailing = new.trailing_whitespace.comment
    if trailing is not None:
        if line.trailing_whitespace.comment is None:
            out = out.with_changes(trailing_whitespace=new.trailing_whitespace)
        else:
            notes.append(trailing.value)
    if notes:
        out = out.with_changes(leading_lines=[*out.leading_lines, *_comment_lines(notes)])
    return out


#: A joined import longer than this is written one name per line, in parentheses.
LINE_LENGTH = 99


def _parenthesized(imp: cst.ImportFrom) -> cst.ImportFrom:
    assert not isinstance(imp.names, cst.ImportStar)
    newline = cst.ParenthesizedWhitespace(indent=True, last_line=cst.SimpleWhitespace("    "))
    last = cst.ParenthesizedWhitespace(indent=True, last_line=cst.SimpleWhitespace(""))
    names = [a.with_changes(comma=cst.Comma(whitespace_after=newline)) for a in imp.names]
    names[-1] = names[-1].with_changes(comma=cst.Comma(whitespace_after=last))
    return imp.with_changes(names=names, lpar=cst.LeftParen(whitespace_after=newline), rpar=cst.RightParen())


def _import_key(stmt: cst.BaseStatement, package: str) -> tuple[tuple[int, str], tuple[int, str]] | None:
    """(isort's key with `import x` before `from x import`, its key with both sorted together)."""
    if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
        return None
    imp = stmt.body[0]
    if isinstance(imp, cst.Import):
        name = dotted(imp.names[0].name).lower()
        return (0, name), (0, name)
    if isinstance(imp, cst.ImportFrom):
        name = ("." * len(imp.relative) + dotted(imp.module)).lower()
        return (1, name), (0, name)
    return None


def _key_of(stmt: cst.BaseStatement, package: str, k: int) -> tuple[int, str]:
    key = _import_key(stmt, package)
    assert key is not None
    return key[k]


def _sort_runs(body: Sequence[cst.BaseStatement], new: set[int], package: str) -> list[cst.BaseStatement]:
    """Move each new import to its place in a run of imports that was sorted without it.

    A run is a series of import lines with no blank line or comment between them (an
    isort section); the first line's blank lines and comments stay first.
    """
    out = list(body)
    i = 0
    while i < len(out):
        if _import_key(out[i], package) is None:
            i += 1
            continue
        j = i + 1
        while j < len(out) and _import_key(out[j], package) is not None and not out[j].leading_lines:  # type: ignore[attr-defined]
            j += 1
        run = out[i:j]
        moved = [s for s in run if id(s) in new]
        old = [s for s in run if id(s) not in new]
        if moved and len(old) > 1:  # one other line says nothing about an order
            keys = [_import_key(s, package) for s in old]
            for k in (0, 1):
                seq = [key[k] for key in keys if key is not None]
                if seq != sorted(seq):
                    continue
                lead = run[0].leading_lines  # type: ignore[attr-defined]
                placed = list(old)
                for s in moved:
                    key = _import_key(s, package)
                    assert key is not None
                    at = next((n for n, o in enumerate(placed) if _key_of(o, package, k) > key[k]), len(placed))
                    placed.insert(at, s)
                placed = [
                    s.with_changes(leading_lines=lead if n == 0 else [])  # type: ignore[attr-defined]
                    for n, s in enumerate(placed)
                ]
                out[i:j] = placed
                break
        i = j
    return out


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


def rewrite_imports(
    module: cst.Module, plan: ImportPlan, text: str | None = None
) -> tuple[cst.Module, list[tuple[Symbol, Symbol]]]:
    """``module`` with the imports of ``plan`` rewritten, and the (old, new) symbols it changed
    (``text``: the module's source, when the caller has it)."""
    uses = _Uses(module, plan.package, module.code if text is None else text)
    module.visit(uses)
    rewriter = ImportRewriter(plan, uses)
    return module.visit(rewriter), rewriter.changed


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
    """``stmt`` without the ``__all__`` entry ``name``; every other entry keeps its comments
    (the comment after an entry, and the comment lines above it)."""
    small = stmt.body[0]
    assert isinstance(small, (cst.Assign, cst.AugAssign, cst.AnnAssign))
    seq = small.value
    assert isinstance(seq, (cst.List, cst.Tuple))
    elements = list(seq.elements)
    gone = {k for k, e in enumerate(elements) if isinstance(e.value, cst.SimpleString) and e.value.evaluated_value == name}
    kept: list[cst.BaseElement] = []
    for k, e in enumerate(elements):
        if k in gone:
            if kept:
                # What followed the removed entry (the comment lines above the next one,
                # or the end of the list) now follows the entry before it.
                prev = kept[-1]
                kept[-1] = prev.with_changes(comma=_follow(prev.comma, e.comma))
            continue
        kept.append(e)
    if isinstance(seq, cst.Tuple) and len(kept) == 1 and not isinstance(kept[0].comma, cst.Comma):
        kept[0] = kept[0].with_changes(comma=cst.Comma())
    closing = seq.rbracket if isinstance(seq, cst.List) else seq.rpar[-1] if seq.rpar else None
    new_seq = seq.with_changes(elements=kept)
    if kept and len(elements) - 1 in gone and closing is not None:
        # The last entry's comment sits before the closing bracket: the new last entry's goes there.
        before = closing.whitespace_before
        own = kept[-1].comma
        if (
            isinstance(before, cst.ParenthesizedWhitespace)
            and isinstance(own, cst.Comma)
            and isinstance(own.whitespace_after, cst.ParenthesizedWhitespace)
        ):
            kept[-1] = kept[-1].with_changes(comma=own.with_changes(whitespace_after=cst.SimpleWhitespace("")))
            closed = closing.with_changes(whitespace_before=before.with_changes(first_line=own.whitespace_after.first_line))
            new_seq = seq.with_changes(elements=kept, **({"rbracket": closed} if isinstance(seq, cst.List) else {"rpar": [*seq.rpar[:-1], closed]}))
    return stmt.with_changes(body=[small.with_changes(value=new_seq)])


def _follow(own: cst.Comma | cst.MaybeSentinel, removed: cst.Comma | cst.MaybeSentinel) -> cst.Comma | cst.MaybeSentinel:
    """The comma after an entry whose next entry was removed: its own comment stays."""
    if isinstance(own, cst.Comma) and isinstance(own.whitespace_after, cst.ParenthesizedWhitespace):
        if isinstance(removed, cst.Comma) and isinstance(removed.whitespace_after, cst.ParenthesizedWhitespace):
            return ending(own, removed)
        return own  # the removed entry was the last: the closing bracket's line follows
    return removed if isinstance(own, cst.Comma) else own


def _split_leading(lines: Sequence[cst.EmptyLine]) -> tuple[list[cst.EmptyLine], list[cst.EmptyLine]]:
    """(the lines up to the last blank one, the comment lines right above the statement)."""
    last_blank = max((k for k, line in enumerate(lines) if line.comment is None), default=-1)
    return list(lines[: last_blank + 1]), list(lines[last_blank + 1 :])


def _tidy_blanks(lines: Sequence[cst.EmptyLine]) -> list[cst.EmptyLine]:
    """At most two blank lines in a row."""
    out: list[cst.EmptyLine] = []
    blanks = 0
    for line in lines:
        blanks = blanks + 1 if line.comment is None else 0
        if blanks <= 2:
            out.append(line)
    return out


def remove_alias(module: cst.Module, name: str) -> cst.Module | None:
    """Remove the module-level alias ``name``; None when it cannot be removed safely.

    Refused when the name is used anywhere else in the module (other than ``__all__``), or
    when it is not bound by a plain alias (``A = B``, ``A: type = B``, ``from x import B as
    A``, a class with nothing but a docstring or ``pass``).

    Comments stay with what they describe: the comment lines right above the alias go
    with it, unless the next statement follows it without a blank line (then they head
    a group of lines and stay, above the next one); comments separated from the alias
    by a blank line always stay.
    """
    counter = _NameCounter(name)
    module.visit(counter)
    new_body: list[cst.BaseStatement] = []
    removed = 0
    carried: list[cst.EmptyLine] = []  # leading lines of a removed statement, for the next one
    attached: list[cst.EmptyLine] = []  # its own comment lines: they stay only with a next line of its group
    for stmt in module.body:
        how = _defines(stmt, name)
        drop = how in ("assign", "class")
        if how == "import":
            assert isinstance(stmt, cst.SimpleStatementLine)
            small = stmt.body[0]
            assert isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar)
            keep = [a for a in small.names if a.evaluated_alias != name]
            if keep:
                removed += 1
                stmt = stmt.with_changes(body=[small.with_changes(names=_keep_last_comma(small, keep))])
            else:
                drop = True
        if drop:
            removed += 1
            assert isinstance(stmt, (cst.SimpleStatementLine, cst.ClassDef))
            detached, own = _split_leading(stmt.leading_lines)
            carried, attached = [*carried, *attached, *detached], own
            continue
        if _all_entry(stmt, name):
            assert isinstance(stmt, cst.SimpleStatementLine)
            stmt = _drop_from_all(stmt, name)
        if carried or attached:
            assert isinstance(stmt, (cst.SimpleStatementLine, cst.BaseCompoundStatement))
            lines = list(stmt.leading_lines)
            group = not any(line.comment is None for line in lines[:1])  # no blank line between
            lead = [*carried, *(attached if group else [])]
            if lines and lines[0].comment is None and not any(line.comment is not None for line in lead):
                lead = []  # the next statement's own blank lines are enough
            elif lead and lead[-1].comment is None:
                while lines and lines[0].comment is None:
                    lines.pop(0)  # one set of blank lines between the kept comments and it
            stmt = stmt.with_changes(leading_lines=_tidy_blanks([*lead, *lines]))
        carried, attached = [], []
        new_body.append(stmt)
    # Each binding form names the alias once (the target, the class name, the `as` name).
    if removed != 1 or counter.count != 1:
        return None
    out = module.with_changes(body=new_body)
    comments = [line for line in carried if line.comment is not None]
    if comments:
        out = out.with_changes(footer=[*comments, *module.footer])
    return out


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


# --- event consumers -------------------------------------------------------------------------


class _StringAt(cst.CSTVisitor):
    """The string literal that starts at ``line:column`` (1-based, in characters)."""

    METADATA_DEPENDENCIES = (PositionProvider, ParentNodeProvider)

    def __init__(self, line: int, column: int) -> None:
        self.line, self.column = line, column
        self.found: cst.SimpleString | None = None
        self.parents: list[cst.CSTNode] = []  # innermost first

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        r = self.get_metadata(PositionProvider, node)
        if self.found is None and (r.start.line, r.start.column + 1) == (self.line, self.column):
            self.found = node
            parent: cst.CSTNode | None = self.get_metadata(ParentNodeProvider, node, None)
            while parent is not None and len(self.parents) < 4:
                self.parents.append(parent)
                parent = self.get_metadata(ParentNodeProvider, parent, None)


class _ReplaceNode(cst.CSTTransformer):
    def __init__(self, old: cst.CSTNode, new: cst.CSTNode) -> None:
        self.old, self.new = old, new

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode) -> cst.CSTNode:  # type: ignore[override]
        return self.new if original_node is self.old else updated_node


def _string_like(template: cst.SimpleString, value: str) -> cst.SimpleString:
    """``value`` as a string literal written like ``template`` (same prefix and quotes)."""
    return cst.SimpleString(f"{template.prefix}{template.quote}{value}{template.quote}")


def _str_value(node: cst.BaseExpression | None) -> str | None:
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def _get_call(node: cst.CSTNode) -> cst.Attribute | None:
    """The ``x.get`` of a call ``x.get(...)``."""
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "get" and node.args:
        return node.func
    return None


def _envelope_key(container: cst.BaseExpression) -> tuple[cst.SimpleString, cst.BaseExpression] | None:
    """``base["payload"]`` / ``base.get("payload", ...)`` -> (the key literal, base)."""
    if isinstance(container, cst.Subscript) and len(container.slice) == 1:
        index = container.slice[0].slice
        if isinstance(index, cst.Index) and isinstance(index.value, cst.SimpleString):
            return index.value, container.value
    get = _get_call(container)
    if get is not None and isinstance(container, cst.Call) and isinstance(container.args[0].value, cst.SimpleString):
        return container.args[0].value, get.value
    return None


def _relevel(container: cst.BaseExpression, found: str, expected: str, by_get: bool, quote: cst.SimpleString) -> cst.BaseExpression | str:
    """The expression a field is read from, moved from level ``found`` to ``expected``
    ("" = the event itself); a reason string when the shape is not one this rewrites."""
    if found:
        key = _envelope_key(container)
        if key is None or _str_value(key[0]) != found:
            return f"the {found!r} level is not read on the spot (`x[{found!r}]` or `x.get({found!r}, ...)`)"
        if expected:
            return container.deep_replace(key[0], _string_like(key[0], expected))  # type: ignore[return-value]
        return key[1]
    if by_get:
        empty = cst.Arg(cst.Dict([]))
        return cst.Call(cst.Attribute(container, cst.Name("get")), [cst.Arg(_string_like(quote, expected), comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))), empty])
    return cst.Subscript(container, [cst.SubscriptElement(cst.Index(_string_like(quote, expected)))])


def rewrite_consumer(module: cst.Module, line: int, column: int, field: str, found: str, expected: str) -> tuple[cst.Module, str]:
    """(new module, "") or (the same module, why nothing was rewritten).

    The string literal at ``line:column`` is the field as a consumer finding locates it:
    the key of a read (``x["f"]``, ``x.get("f")``, ``"f" in x``, one level down under an
    envelope) or an entry of a table of required fields (``"f"`` / ``"payload.f"``). A read
    gets the envelope removed, added or renamed in front of it; an entry is rewritten.
    """
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    finder = _StringAt(line, column)
    wrapper.visit(finder)
    node, parents = finder.found, finder.parents
    if node is None or not parents:
        return module, f"no string literal at line {line}, column {column}"
    value = _str_value(node)
    parent = parents[0]
    old: cst.CSTNode
    new: cst.CSTNode
    if isinstance(parent, cst.Element) and len(parents) > 1 and isinstance(parents[1], (cst.List, cst.Tuple, cst.Set)):
        if value != (f"{found}.{field}" if found else field):
            return module, f"the table entry is not {field!r} any more"
        old, new = node, _string_like(node, f"{expected}.{field}" if expected else field)
    else:
        if value != field:
            return module, f"the key read is not {field!r} any more"
        container: cst.BaseExpression
        by_get = False
        if isinstance(parent, cst.Index) and len(parents) > 2 and isinstance(parents[2], cst.Subscript):
            old, container = parents[2], parents[2].value
        elif isinstance(parent, cst.Arg) and len(parents) > 1 and _get_call(parents[1]) is not None and parents[1].args[0] is parent:  # type: ignore[attr-defined]
            call = parents[1]
            assert isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute)
            old, container, by_get = call, call.func.value, True
        elif (
            isinstance(parent, cst.Comparison)
            and parent.left is node
            and len(parent.comparisons) == 1
            and isinstance(parent.comparisons[0].operator, (cst.In, cst.NotIn))
        ):
            old, container = parent, parent.comparisons[0].comparator
        else:
            return module, "not a read this can rewrite (`x[...]`, `x.get(...)`, `... in x`)"
        moved = _relevel(container, found, expected, by_get, node)
        if isinstance(moved, str):
            return module, moved
        if isinstance(old, cst.Subscript):
            new = old.with_changes(value=moved)
        elif isinstance(old, cst.Call):
            assert isinstance(old.func, cst.Attribute)
            new = old.with_changes(func=old.func.with_changes(value=moved))
        else:
            assert isinstance(old, cst.Comparison)
            new = old.with_changes(comparisons=[old.comparisons[0].with_changes(comparator=moved)])
    return module.visit(_ReplaceNode(old, new)), ""


# --- event fields passed as keywords -----------------------------------------------------------


class _CallAt(cst.CSTVisitor):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, line: int, column: int) -> None:
        self.line, self.column = line, column
        self.found: cst.Call | None = None

    def visit_Call(self, node: cst.Call) -> None:
        r = self.get_metadata(PositionProvider, node)
        if self.found is None and (r.start.line, r.start.column + 1) == (self.line, self.column):
            self.found = node


_INLINE = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))


def _with_args(call: cst.Call, args: list[cst.Arg]) -> cst.Call:
    """``call`` with ``args``; the last one ends as the call's last argument did."""
    if args:
        args[-1] = args[-1].with_changes(comma=call.args[-1].comma)
    return call.with_changes(args=args)


def _moved_in(call: cst.Call, fields: tuple[str, ...], expected: str) -> cst.Call | str:
    moving = [a for a in call.args if a.keyword is not None and a.keyword.value in fields]
    if not moving:
        return "no keyword argument to move"
    if any(a.keyword is not None and a.keyword.value == expected for a in call.args):
        return f"the call already passes {expected}="
    value = cst.Dict(
        [
            cst.DictElement(cst.SimpleString(f'"{a.keyword.value}"'), a.value, comma=_INLINE if i < len(moving) - 1 else cst.MaybeSentinel.DEFAULT)
            for i, a in enumerate(moving)
            if a.keyword is not None
        ]
    )
    envelope = cst.Arg(value, keyword=cst.Name(expected), equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")), comma=moving[0].comma)
    args: list[cst.Arg] = []
    for a in call.args:
        if a is moving[0]:
            args.append(envelope)
        elif a not in moving:
            args.append(a)
    return _with_args(call, args)


def _moved_out(call: cst.Call, fields: tuple[str, ...]) -> cst.Call | str:
    env = next(
        (a for a in call.args if a.keyword is not None and a.keyword.value in ENVELOPES and isinstance(a.value, cst.Dict)),
        None,
    )
    if env is None or not isinstance(env.value, cst.Dict):
        return "no literal envelope keyword to move fields out of"
    inner = env.value
    if not _literal(inner):
        return f"the {env.keyword.value if env.keyword else ''!r} dict is not fully literal"
    moving = [e for e in inner.elements if not fields or _key(e) in fields]
    names = [_key(e) or "" for e in moving]
    if not moving or not all(n.isidentifier() and not keyword.iskeyword(n) for n in names):
        return "the fields are not all valid keyword names"
    taken = {a.keyword.value for a in call.args if a.keyword is not None}
    if taken & set(names):
        return f"fields already passed as keywords: {', '.join(sorted(taken & set(names)))}"
    staying = [e for e in inner.elements if e not in moving]
    equal = cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace(""))
    spread = [
        cst.Arg(e.value, keyword=cst.Name(n), equal=equal, comma=_INLINE)
        for e, n in zip(moving, names, strict=True)
        if isinstance(e, cst.DictElement)
    ]
    if staying:
        spread.append(env.with_changes(value=inner.with_changes(elements=_recomma(staying, _template(inner), cst.MaybeSentinel.DEFAULT))))
    else:
        spread[-1] = spread[-1].with_changes(comma=env.comma)
    args: list[cst.Arg] = []
    for a in call.args:
        args.extend(spread if a is env else [a])
    return _with_args(call, args)


def move_call_fields(module: cst.Module, line: int, column: int, fields: tuple[str, ...], expected: str) -> tuple[cst.Module, str]:
    """(new module, "") or (the same module, why nothing was moved), for an event passed as
    keyword arguments to a helper (``send_event(uid, "tool_executing", tool_name=x)``) or to
    ``dict(...)``: the event rules read its keywords as the event's top level and a literal
    ``payload={...}`` keyword as its envelope, so fields move between the two."""
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    finder = _CallAt(line, column)
    wrapper.visit(finder)
    call = finder.found
    if call is None:
        return module, f"no call at line {line}, column {column}"
    if expected in ("flat", ""):
        new = _moved_out(call, fields)
    elif expected in ENVELOPES:
        new = _moved_in(call, fields, expected)
    else:
        return module, "the spec's envelope is unknown"
    if isinstance(new, str):
        return module, new
    return module.visit(_ReplaceNode(call, new)), ""
