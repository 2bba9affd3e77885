"""Whether the imports a fix touches still resolve: checked before writing and after.

An import ``from m import n`` of a first-party module resolves when ``m.n`` is a module or
``m`` binds ``n`` at its top level (a definition, an assignment, an import). A module whose
top-level names cannot be told statically (a star import, a module ``__getattr__``) resolves
every name. Only imports that resolved before the fix and do not after (or new imports
that do not) are reported: a project's own unresolvable imports are not the fix's doing.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Mapping

from ssotlint.fix.codemods import relative_base
from ssotlint.fix.names import ImportFacts
from ssotlint.index.project import ProjectIndex

Broken = tuple[str, int, str, str]  # path, line, module, name


class _TopLevel(ast.NodeVisitor):
    """Names bound at a module's top level (through if/try/with/for blocks too)."""

    def __init__(self) -> None:
        self.names: set[str] = set()
        self.open = False  # a star import or a module __getattr__: any name may exist

    def _target(self, node: ast.AST) -> None:
        for sub in ast.walk(node):
            if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
                self.names.add(sub.id)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.names.add(node.name)
        if node.name == "__getattr__":
            self.open = True

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        self.names.add(node.name)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.names.add(node.name)

    def visit_Lambda(self, node: ast.Lambda) -> None:
        return

    def visit_Assign(self, node: ast.Assign) -> None:
        for t in node.targets:
            self._target(t)
        self.visit(node.value)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self._target(node.target)
            self.visit(node.value)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self._target(node.target)

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        self.names.add(node.target.id)

    def visit_For(self, node: ast.For) -> None:
        self._target(node.target)
        self.generic_visit(node)

    def visit_With(self, node: ast.With) -> None:
        for item in node.items:
            if item.optional_vars is not None:
                self._target(item.optional_vars)
        self.generic_visit(node)

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.name:
            self.names.add(node.name)
        self.generic_visit(node)

    def visit_Import(self, node: ast.Import) -> None:
        for a in node.names:
            self.names.add(a.asname or a.name.split(".", 1)[0])

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        for a in node.names:
            if a.name == "*":
                self.open = True
            else:
                self.names.add(a.asname or a.name)

    def visit_Global(self, node: ast.Global) -> None:
        self.names.update(node.names)


def top_level_names(text: str) -> set[str] | None:
    """The names ``text`` binds at its top level; None when that cannot be told."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return None
    visitor = _TopLevel()
    for stmt in tree.body:
        visitor.visit(stmt)
    # `global x` inside a function binds a module name too.
    for node in ast.walk(tree):
        if isinstance(node, ast.Global):
            visitor.names.update(node.names)
    return None if visitor.open else visitor.names


def _from_imports(text: str) -> list[tuple[int, int, str, str]]:
    """(line, level, module, name) of every ``from`` import in ``text``."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return []
    return [
        (node.lineno, node.level or 0, node.module or "", a.name)
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for a in node.names
        if a.name != "*"
    ]


def broken_imports(
    index: ProjectIndex,
    facts: ImportFacts,
    texts: Mapping[str, str],
    read: Callable[[str], str | None],
) -> set[Broken]:
    """The ``from`` imports that do not resolve when the files in ``texts`` read so (every
    other file as it is): those in these files, and those of other files from them."""
    modules = index.modules
    names_of: dict[str, set[str] | None] = {}

    def bound(module: str) -> set[str] | None:
        if module not in names_of:
            info = modules.get(module)
            text = None if info is None else texts[info.rel] if info.rel in texts else read(info.rel)
            names_of[module] = None if text is None else top_level_names(text)
        return names_of[module]

    def resolves(module: str, name: str) -> bool:
        if f"{module}.{name}" in modules:
            return True
        names = bound(module)
        return names is None or name in names

    out: set[Broken] = set()
    changed = {modules.by_rel[rel].name: rel for rel in texts if rel in modules.by_rel}
    for rel, text in texts.items():
        info = modules.by_rel.get(rel)
        if info is None:
            continue
        package = info.name if info.is_package else info.name.rpartition(".")[0]
        for line, level, module, name in _from_imports(text):
            base = relative_base(package, level, module)
            if base and base in modules and not resolves(base, name):
                out.add((rel, line, base, name))
    for (module, name), sites in facts.from_sites.items():
        if module not in changed or resolves(module, name):
            continue
        for rel, found in sites.items():
            if rel not in texts:
                out.update((rel, f.line, module, name) for f in found)
    return out


def new_problems(before: Iterable[Broken], after: Iterable[Broken]) -> list[Broken]:
    """What breaks that did not before (lines may move: compared by path, module and name)."""
    known = {(p, m, n) for p, _, m, n in before}
    return sorted(b for b in set(after) if (b[0], b[2], b[3]) not in known)
