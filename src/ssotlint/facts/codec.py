"""Turn fact records into plain tuples (marshal-able) and back.

The cache stores facts with :mod:`marshal`, which is fast but only handles builtin types.
Decoders are derived once per record class from its type annotations, so new record
types need no hand-written serialisation. They are generated as Python source and
compiled: decoding a whole project's facts is on the path of every run.
"""

from __future__ import annotations

import functools
import types
import typing
from collections.abc import Callable
from typing import Any, Union

Decoder = Callable[[Any], Any]

_PRIMITIVES = (str, int, float, bool, bytes, type(None))


def _is_record(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, tuple) and hasattr(tp, "_fields")


def encode(value: Any) -> Any:
    """Records become plain tuples, recursively; everything else is returned as is."""
    if isinstance(value, tuple) and (type(value) is tuple or _is_record(type(value))):
        return tuple(encode(v) for v in value)
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {k: encode(v) for k, v in value.items()}
    return value


def _identity(raw: Any) -> Any:
    return raw


class _Generator:
    """Writes the source of one decoding function per record class.

    The stored form comes from :func:`encode` through :mod:`marshal`, so tuple fields are
    tuples (a tuple of plain values is kept as it is) and records have all their fields. Each record is rebuilt with one
    ``tuple.__new__`` call; records nested in a tuple field are decoded inline by a
    comprehension that unpacks their fields, without a function call per record.
    """

    def __init__(self) -> None:
        self.namespace: dict[str, Any] = {"_tn": tuple.__new__, "_tuple": tuple, "_map": map}
        self.counter = 0

    def fresh(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    def constant(self, value: Any, prefix: str) -> str:
        name = self.fresh(prefix)
        self.namespace[name] = value
        return name

    def fields(self, tp: Any) -> list[Any]:
        hints = typing.get_type_hints(tp)
        return [hints[name] for name in tp._fields]

    def record_expr(self, tp: Any, names: list[str]) -> str | None:
        """The expression rebuilding ``tp`` from its plain fields bound to ``names``; None if they need no decoding."""
        parts = [self.expr(ftp, name) for ftp, name in zip(self.fields(tp), names, strict=True)]
        if all(p is None for p in parts):
            return None
        values = ", ".join(name if p is None else p for name, p in zip(names, parts, strict=True))
        return f"_tn({self.constant(tp, '_C')}, ({values},))"

    def expr(self, tp: Any, var: str) -> str | None:
        """An expression decoding the plain value in the variable ``var``; None when it is returned as is."""
        if tp in _PRIMITIVES or tp is Any:
            return None
        origin = typing.get_origin(tp)
        args = typing.get_args(tp)
        if origin in (Union, types.UnionType):
            inner = [a for a in args if a is not type(None)]
            parts = [self.expr(a, var) for a in inner]
            if all(p is None for p in parts):
                return None
            if len(inner) == 1:
                return f"(None if {var} is None else {parts[0]})"
            raise TypeError(f"cannot decode a union of several record types: {tp}")
        if origin is tuple:
            if len(args) == 2 and args[1] is Ellipsis:
                return self.items_expr(args[0], var)
            parts = [self.expr(a, f"{var}[{i}]") for i, a in enumerate(args)]
            if all(p is None for p in parts):
                return f"_tuple({var})"
            items = ", ".join(f"{var}[{i}]" if p is None else p for i, p in enumerate(parts))
            return f"({items},)"
        if origin in (dict, list) or tp in (dict, list):
            return None
        if _is_record(tp):
            if not tp._fields:
                return f"_tn({self.constant(tp, '_C')}, {var})"
            names = [self.fresh("v") for _ in tp._fields]
            rebuilt = self.record_expr(tp, names)
            if rebuilt is None:
                return f"_tn({self.constant(tp, '_C')}, {var})"
            return f"{self.function(tp, names, rebuilt)}({var})"
        raise TypeError(f"no decoder for {tp!r}")

    def items_expr(self, item: Any, var: str) -> str | None:
        """Decode a ``tuple[item, ...]``; an empty tuple is returned as is."""
        if _is_record(item) and item._fields:
            names = [self.fresh("v") for _ in item._fields]
            rebuilt = self.record_expr(item, names)
            if rebuilt is None:
                maker = self.constant(functools.partial(tuple.__new__, item), "_P")
                return f"({var} and _tuple(_map({maker}, {var})))"
            target = ", ".join(names)
            return f"({var} and _tuple([{rebuilt} for ({target},) in {var}]))"
        element = self.fresh("e")
        inner = self.expr(item, element)
        if inner is None:
            return None  # already a tuple of plain values
        return f"({var} and _tuple([{inner} for {element} in {var}]))"

    def function(self, tp: Any, names: list[str], rebuilt: str) -> str:
        name = self.fresh(f"_decode_{tp.__name__}_")
        source = f"def {name}(raw):\n    {', '.join(names)}, = raw\n    return {rebuilt}\n"
        exec(compile(source, f"<ssotlint decoder of {tp.__qualname__}>", "exec"), self.namespace)
        return name


@functools.cache
def decoder_for(tp: Any) -> Decoder:
    """Build the function that turns the plain form of ``tp`` back into ``tp``."""
    generator = _Generator()
    if _is_record(tp) and tp._fields:
        names = [generator.fresh("v") for _ in tp._fields]
        rebuilt = generator.record_expr(tp, names)
        if rebuilt is None:
            return tp._make  # type: ignore[no-any-return]
        return generator.namespace[generator.function(tp, names, rebuilt)]  # type: ignore[no-any-return]
    body = generator.expr(tp, "raw")
    if body is None:
        return _identity
    source = f"def _decode(raw):\n    return {body}\n"
    exec(compile(source, f"<ssotlint decoder of {tp!r}>", "exec"), generator.namespace)
    return generator.namespace["_decode"]  # type: ignore[no-any-return]


def decode(tp: type[Any], raw: Any) -> Any:
    return decoder_for(tp)(raw)  # type: ignore[arg-type]
