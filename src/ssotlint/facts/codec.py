"""Turn fact records into plain tuples (marshal-able) and back.

The cache stores facts with :mod:`marshal`, which is fast but only handles builtin types.
Decoders are derived once per record class from its type annotations, so new record
types need no hand-written serialisation.
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


@functools.cache
def decoder_for(tp: Any) -> Decoder:
    """Build the function that turns the plain form of ``tp`` back into ``tp``."""
    if tp in _PRIMITIVES or tp is Any:
        return _identity
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        decoders = [decoder_for(a) for a in inner]
        if all(d is _identity for d in decoders):
            return _identity
        if len(inner) == 1:
            only = decoders[0]
            return lambda raw: None if raw is None else only(raw)
        raise TypeError(f"cannot decode a union of several record types: {tp}")
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            item = decoder_for(args[0])
            if item is _identity:
                return tuple
            return lambda raw: tuple(map(item, raw))
        parts = [decoder_for(a) for a in args]
        return lambda raw: tuple(d(v) for d, v in zip(parts, raw, strict=True))
    if origin in (dict, list) or tp in (dict, list):
        return _identity
    if _is_record(tp):
        hints = typing.get_type_hints(tp)
        field_decoders = [decoder_for(hints[name]) for name in tp._fields]
        make = tp._make
        if all(d is _identity for d in field_decoders):
            return make  # type: ignore[no-any-return]
        pairs = list(enumerate(field_decoders))
        plain = [i for i, d in pairs if d is _identity]
        special = [(i, d) for i, d in pairs if d is not _identity]

        def decode_record(raw: Any) -> Any:
            values = list(raw)
            for i, d in special:
                values[i] = d(values[i])
            return make(values)

        del plain
        return decode_record
    raise TypeError(f"no decoder for {tp!r}")


def decode(tp: type[Any], raw: Any) -> Any:
    return decoder_for(tp)(raw)  # type: ignore[arg-type]
