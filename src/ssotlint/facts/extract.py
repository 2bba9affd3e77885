"""Turn one file's bytes into :class:`FileFacts`: the only place that parses source."""

from __future__ import annotations

import io
import re
import tokenize
from typing import Any

from ssotlint.facts.classes import ClassCollector
from ssotlint.facts.events import EventCollector
from ssotlint.facts.imports import ImportCollector
from ssotlint.facts.model import FileFacts, ParseError, Suppression
from ssotlint.facts.parse import parse_source
from ssotlint.facts.walker import Collector, SourceText, Walker

_SUPPRESSION = re.compile(
    r"#\s*ssotlint:\s*(?P<kind>ignore-file|ignore)\b(?:\[(?P<codes>[^\]]*)\])?"
)

#: Bumped when the shape or meaning of facts changes, so old caches are not used (9: files
#: of newer syntax over 512 KiB are a syntax error, no longer parsed again; 10: event facts
#: of emitter signatures, nested discriminators and any envelope; 11: class shapes,
#: deprecation markers, name columns, constant comments).
FACTS_SCHEMA = 11


#: Optional collector families. Imports (and suppressions) are always extracted; classes and
#: events only when a selected rule needs them, which keeps `--select SSOT2` as cheap as an
#: imports-only walk. The set is part of the cache key.
FAMILIES: frozenset[str] = frozenset({"classes", "events"})


def collectors_for(text: str, emitters: tuple[str, ...] = (), families: frozenset[str] = FAMILIES) -> list[Collector]:
    source = SourceText(text)
    collectors: list[Collector] = [ImportCollector(source)]
    if "events" in families:
        collectors.append(EventCollector(source, emitters))
    if "classes" in families:
        collectors.append(ClassCollector(source))
    return collectors


def extract(data: bytes, emitters: tuple[str, ...] = (), families: frozenset[str] = FAMILIES) -> FileFacts:
    """``emitters``: ``[tool.ssotlint.events] emitters`` call patterns (part of the cache key);
    ``families``: the optional collectors to run (see :data:`FAMILIES`)."""
    parsed = parse_source(data)
    line_count = parsed.text.count("\n") + 1 if parsed.text else 0
    suppressions = find_suppressions(parsed.text)
    if parsed.tree is None:
        assert parsed.error is not None
        message, line, column = parsed.error
        return FileFacts(
            error=ParseError(message, line, column),
            suppressions=suppressions,
            line_count=line_count,
            downgraded=False,
        )
    collectors = collectors_for(parsed.text, emitters, families)
    try:
        Walker(collectors, parsed.text).run(parsed.tree)
    except RecursionError:
        return FileFacts(
            error=ParseError("file is nested too deeply to analyse", 1, 1),
            suppressions=suppressions,
            line_count=line_count,
            downgraded=parsed.downgraded,
        )
    fields: dict[str, Any] = {}
    for c in collectors:
        fields.update(c.finish())
    return FileFacts(
        error=None,
        suppressions=suppressions,
        line_count=line_count,
        downgraded=parsed.downgraded,
        **fields,
    )


def find_suppressions(text: str) -> tuple[Suppression, ...]:
    """``# ssotlint: ignore[...]`` comments, read from real comment tokens only."""
    if "ssotlint:" not in text:
        return ()
    found: list[Suppression] = []
    for line, column, comment in _comments(text):
        m = _SUPPRESSION.search(comment)
        if not m:
            continue
        codes_text = m.group("codes")
        codes = tuple(sorted({c.strip().upper() for c in codes_text.split(",") if c.strip()})) if codes_text else ()
        found.append(Suppression(line, column + m.start() + 1, codes, m.group("kind") == "ignore-file"))
    return tuple(found)


def _comments(text: str) -> list[tuple[int, int, str]]:
    try:
        return [
            (tok.start[0], tok.start[1], tok.string)
            for tok in tokenize.generate_tokens(io.StringIO(text).readline)
            if tok.type == tokenize.COMMENT
        ]
    except (tokenize.TokenError, SyntaxError, IndentationError):
        # Newer syntax or broken file: fall back to a line scan.
        out = []
        for i, line in enumerate(text.split("\n"), 1):
            pos = line.find("#")
            if pos >= 0 and "ssotlint:" in line[pos:]:
                out.append((i, pos, line[pos:]))
        return out
