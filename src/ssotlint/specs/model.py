"""The one model every event-spec form is loaded into.

It lies below the project index and the rules that use it, and depends on nothing else of
ssotlint: ``specs.load`` fills it, ``index.events`` and the event rules read it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

#: Keys event fields are nested under when the spec does not name its own.
ENVELOPES = ("payload", "data")
FLAT = "flat"
JSON_TYPES = ("string", "number", "integer", "boolean", "object", "array", "null")


class SpecError(Exception):
    """A spec that cannot be used: names the file, the line and the key."""

    def __init__(self, file: str, line: int | None, key: str, message: str) -> None:
        self.file, self.line, self.key, self.message = file, line, key, message
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: {key}: {message}")


@dataclass(frozen=True)
class FieldSpec:
    name: str
    level: str  # "" at the top level, or the envelope key it is nested under (any key)
    required: bool
    type: str | None
    line: int


@dataclass(frozen=True)
class EventSpec:
    name: str
    fields: Mapping[str, FieldSpec]
    additional: bool  # unknown fields allowed
    envelope: str  # "" flat, or the key most fields are nested under (``payload``, ``args``...)
    line: int

    def required(self) -> list[FieldSpec]:
        return [f for f in self.fields.values() if f.required]


@dataclass(frozen=True)
class Spec:
    path: str  # POSIX, relative to the project root
    format: str  # "ssotlint" / "json-schema" / "asyncapi"
    discriminator: str  # the first of ``discriminators``
    events: Mapping[str, EventSpec]
    line: int = 1
    documents: tuple[str, ...] = ()  # every file read for it: the spec and what its $refs reach
    #: Every key that names the event type, in order of preference; a dotted one is nested
    #: (``header.msg_type``). Empty: just ``discriminator``.
    discriminators: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()  # problems that did not stop the load, "file:line: message"

    @property
    def keys(self) -> tuple[str, ...]:
        return self.discriminators or (self.discriminator,)

    @property
    def all_fields(self) -> frozenset[str]:
        return frozenset(f for e in self.events.values() for f in e.fields)

    @property
    def envelopes(self) -> tuple[str, ...]:
        """Keys fields may be nested under: the default ones and every envelope the spec uses."""
        used = {e.envelope for e in self.events.values() if e.envelope} | {
            f.level for e in self.events.values() for f in e.fields.values() if f.level
        }
        return tuple(dict.fromkeys((*ENVELOPES, *sorted(used))))
