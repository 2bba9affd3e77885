"""Rewrite grammar newer than the running interpreter into older grammar, line for line.

Used only when :func:`ast.parse` rejects a file that libcst's parser accepts.
"""

from __future__ import annotations

import libcst as cst


def _string_like(node: cst.CSTNode) -> cst.SimpleString:
    """A plain string literal spanning the same number of lines as ``node``."""
    newlines = cst.Module(body=[]).code_for_node(node).count("\n")
    if newlines:
        return cst.SimpleString('"""' + "\n" * newlines + '"""')
    return cst.SimpleString('""')


class Downgrade(cst.CSTTransformer):
    """Rewrite grammar newer than the interpreter into older grammar, line for line."""

    def leave_FormattedString(
        self, original_node: cst.FormattedString, updated_node: cst.FormattedString
    ) -> cst.BaseExpression:
        return _string_like(original_node)

    def leave_TemplatedString(
        self, original_node: cst.CSTNode, updated_node: cst.CSTNode
    ) -> cst.BaseExpression:
        return _string_like(original_node)

    def leave_ClassDef(self, original_node: cst.ClassDef, updated_node: cst.ClassDef) -> cst.ClassDef:
        if getattr(updated_node, "type_parameters", None) is not None:
            return updated_node.with_changes(type_parameters=None)
        return updated_node

    def leave_FunctionDef(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> cst.FunctionDef:
        if getattr(updated_node, "type_parameters", None) is not None:
            return updated_node.with_changes(type_parameters=None)
        return updated_node

    def leave_TypeAlias(  # `type X[T] = ...` becomes `X = ...`
        self, original_node: cst.CSTNode, updated_node: cst.CSTNode
    ) -> cst.BaseSmallStatement:
        alias = updated_node
        return cst.Assign(
            targets=[cst.AssignTarget(target=alias.name)],  # type: ignore[attr-defined]
            value=alias.value,  # type: ignore[attr-defined]
        )

    def leave_ExceptHandler(
        self, original_node: cst.ExceptHandler, updated_node: cst.ExceptHandler
    ) -> cst.ExceptHandler:
        kind = updated_node.type
        if isinstance(kind, cst.Tuple) and not kind.lpar:
            return updated_node.with_changes(
                type=kind.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
            )
        return updated_node

    def leave_ExceptStarHandler(
        self, original_node: cst.ExceptStarHandler, updated_node: cst.ExceptStarHandler
    ) -> cst.ExceptStarHandler:
        kind = updated_node.type
        if isinstance(kind, cst.Tuple) and not kind.lpar:
            return updated_node.with_changes(
                type=kind.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
            )
        return updated_node
