"""The stored form of one file's facts: a byte of flags, then the marshalled records.

The flags say which kinds of facts the file has, so that project-wide passes that need
only some kinds (event producers, string constants...) skip the other files without
decoding them: on 10,000 files, decoding everything costs a quarter of a second.
"""

from __future__ import annotations

import marshal
from collections.abc import Iterator, Mapping

from ssotlint.facts.codec import decode, encode
from ssotlint.facts.model import FileFacts

ERROR = 1
SUPPRESSIONS = 2
EVENTS = 4  # event producers or consumers
STRING_CONSTANTS = 8
CLASSES = 16  # classes, aliases, constants, factories or __all__


def flags_of(facts: FileFacts) -> int:
    flags = 0
    if facts.error is not None:
        flags |= ERROR
    if facts.suppressions:
        flags |= SUPPRESSIONS
    if facts.event_producers or facts.event_consumers:
        flags |= EVENTS
    if facts.string_constants:
        flags |= STRING_CONSTANTS
    if facts.classes or facts.aliases or facts.constants or facts.factories or facts.dunder_all is not None:
        flags |= CLASSES
    return flags


def pack(facts: FileFacts) -> bytes:
    return bytes((flags_of(facts),)) + marshal.dumps(encode(facts))


def unpack(blob: bytes) -> FileFacts:
    return decode(FileFacts, marshal.loads(memoryview(blob)[1:]))  # type: ignore[no-any-return]


def flagged(files: Mapping[str, FileFacts], flags: int) -> Iterator[str]:
    """The paths of the files that may have any of ``flags``: only the flagged ones of a
    table of stored facts (see ``engine.FactsTable.having``), every file of a plain mapping."""
    having_flags = getattr(files, "having", None)
    return iter(files) if having_flags is None else having_flags(flags)  # type: ignore[no-any-return]


def having(files: Mapping[str, FileFacts], flags: int) -> Iterator[tuple[str, FileFacts]]:
    """(path, facts) of the files that may have any of ``flags`` (see :func:`flagged`)."""
    for rel in flagged(files, flags):
        yield rel, files[rel]
