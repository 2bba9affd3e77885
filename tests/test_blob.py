"""Stored facts carry flags that let project-wide passes skip files without decoding them."""

from __future__ import annotations

from ssotlint.engine import FactsTable
from ssotlint.facts import blob
from ssotlint.facts.extract import extract

SOURCES = {
    "plain.py": b"import os\n\nx = 1\n",
    "events.py": b"def f(ws):\n    ws.send({'type': 'ping', 'at': 1})\n",
    "consts.py": b"PING = 'ping'\n",
    "classes.py": b"class A:\n    def run(self):\n        pass\n",
    "broken.py": b"def f(:\n",
    "quiet.py": b"import app.b  # ssotlint: ignore[SSOT201]\n",
}


def test_flags_say_what_a_file_has() -> None:
    flags = {name: blob.flags_of(extract(src, ("send",))) for name, src in SOURCES.items()}
    assert flags["plain.py"] == 0
    assert flags["events.py"] & blob.EVENTS
    assert flags["consts.py"] & blob.STRING_CONSTANTS
    assert flags["classes.py"] & blob.CLASSES and not flags["classes.py"] & blob.EVENTS
    assert flags["broken.py"] & blob.ERROR
    assert flags["quiet.py"] & blob.SUPPRESSIONS


def test_round_trip_and_filtered_iteration() -> None:
    facts = {name: extract(src, ("send",)) for name, src in SOURCES.items()}
    table = FactsTable({n: blob.pack(f) for n, f in facts.items()}, {n: b"d" for n in facts})
    assert {n: table[n] for n in table} == facts
    assert [rel for rel, _ in blob.having(table, blob.EVENTS)] == ["events.py"]
    assert [rel for rel, _ in blob.having(table, blob.EVENTS | blob.STRING_CONSTANTS)] == ["consts.py", "events.py"]
    # A plain mapping has no flags: every file is offered.
    assert [rel for rel, _ in blob.having(facts, blob.EVENTS)] == list(facts)
