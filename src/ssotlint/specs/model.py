"""The one model every event-spec form is loaded into."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

#: Keys event fields may be nested under.
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
    level: str  # "" at the top level, or the envelope key it is nested under
    required: bool
    type: str | None
    line: int


@dataclass(frozen=True)
class EventSpec:
    name: str
    fields: Mapping[str, FieldSpec]
    additional: bool  # unknown fields allowed
    envelope: str  # "" flat, or the key most fields are nested under
    line: int

    def required(self) -> list[FieldSpec]:
        return [f for f in self.fields.values() if f.required]


@dataclass(frozen=True)
class Spec:
    path: str  # POSIX, relative to the project root
    format: str  # "ssotlint" / "json-schema" / "asyncapi"
    discriminator: str
    events: Mapping[str, EventSpec]
    line: int = 1
    documents: tuple[str, ...] = ()  # every file read for it: the spec and what its $refs reach

    @property
    def all_fields(self) -> frozenset[str]:
        return frozenset(f for e in self.events.values() for f in e.fields)
