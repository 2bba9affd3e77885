"""Draft an event spec from the code, and count producers and consumers per event type.

A view over the event index (it lies above ``index.events`` and below the commands). Data
only: ``ssotlint events infer`` and ``ssotlint events list`` render it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ssotlint.index.events import EventIndex, Producer
from ssotlint.specs.model import Spec

_MAX_EXAMPLES = 3
_PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
_YAML_WORDS = {"true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"}


@dataclass(frozen=True)
class Shape:
    """One distinct way producers build an event."""

    envelope: str  # "" flat, or the key the fields are nested under
    fields: tuple[str, ...]  # sorted; nested ones written "payload.tool_name"
    count: int
    examples: tuple[str, ...]  # "path:line"
    drift: bool  # not the event's most common shape: another envelope or another set of fields


@dataclass(frozen=True)
class InferredEvent:
    name: str
    producers: int
    envelope: str
    required: tuple[str, ...]
    optional: tuple[str, ...]
    shapes: tuple[Shape, ...]
    unseen: bool = False  # every producer passes fields ssotlint cannot see (a call result...)


@dataclass(frozen=True)
class Inference:
    discriminator: str
    envelope: str
    top_level: tuple[str, ...]  # fields kept at the top level of a nested envelope
    events: tuple[InferredEvent, ...]

    @property
    def drift(self) -> int:
        """Producers whose shape (envelope and fields) is not their event's most common one."""
        return sum(s.count for e in self.events for s in e.shapes if s.drift)

    def to_yaml(self) -> str:
        total = sum(e.producers for e in self.events)
        lines = [
            f"# Drafted by `ssotlint events infer` from {total} producer(s) of {len(self.events)} event type(s).",
            "# required: fields every producer sets; optional: fields some set. Review before use.",
            "version: 1",
            f"discriminator: {_scalar(self.discriminator)}",
            f"envelope: {self.envelope or 'flat'}",
        ]
        if self.envelope and self.top_level:
            lines.append(f"top-level: {_flow(self.top_level)}")
        lines += ["additional: false", "events:" if self.events else "events: {}"]
        for e in self.events:
            lines.append(f"  {_scalar(e.name)}:")
            if e.envelope != self.envelope:
                lines.append(f"    envelope: {e.envelope or 'flat'}")
            lines.append(f"    required: {_flow(e.required)}")
            if e.optional:
                lines.append(f"    optional: {_flow(e.optional)}")
            if e.unseen:
                lines.append("    additional: true  # its producers pass fields that are not visible: write them down")
        return "\n".join(lines) + "\n"


def _scalar(text: str) -> str:
    if _PLAIN.match(text) and text.lower() not in _YAML_WORDS:
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _flow(items: Iterable[str]) -> str:
    return "[" + ", ".join(_scalar(i) for i in items) + "]"


def _majority(values: list[str]) -> str:
    """The most common value; ties go to flat ("") and then to the alphabetically first."""
    counts = Counter(values)
    return min(counts, key=lambda v: (-counts[v], v != "", v))


def event_producers(
    events: EventIndex, in_scope: Callable[[str], bool] | None = None, spec: Spec | None = None
) -> dict[str, list[Producer]]:
    """Producers by event type, leaving out types that never look like an event.

    With emitters configured, only what flows into them (and spec-like dicts) counts: a dict
    with a ``type`` that a guard reads may be a content part or a schema.
    """
    consumed = {c.event for c in events.consumers if c.kind == "read"} if not events.emitters_configured else set()
    if spec is not None:
        consumed |= set(spec.events)
    known = spec.all_fields if spec is not None else None
    groups: dict[str, list[Producer]] = {}
    for p in events.producers:
        if in_scope is None or in_scope(p.path):
            groups.setdefault(p.event, []).append(p)
    return {
        name: ps
        for name, ps in sorted(groups.items())
        if name in consumed or any(events.event_shaped(p, known) for p in ps)
    }


def infer(events: EventIndex, in_scope: Callable[[str], bool] | None = None) -> Inference:
    groups = event_producers(events, in_scope)
    overall = _majority([p.shape()[0] for ps in groups.values() for p in ps]) if groups else ""
    drafts: list[InferredEvent] = []
    top_votes: Counter[str] = Counter()
    nested_votes: Counter[str] = Counter()
    for name, ps in groups.items():
        envelope = _majority([p.shape()[0] for p in ps])
        field_sets = [set(p.levels()) for p in ps]
        closed = [f for f, p in zip(field_sets, ps, strict=True) if not p.open_levels] or field_sets
        required = set.intersection(*closed) if closed else set()
        every = set().union(*field_sets)
        for p in ps:
            if p.shape()[0]:
                for field, level in p.levels().items():
                    (top_votes if level == "" else nested_votes)[field] += 1
        by_shape: dict[tuple[str, tuple[str, ...]], list[Producer]] = {}
        for p in ps:
            by_shape.setdefault(p.shape(), []).append(p)
        # The most common shape with the majority envelope is the norm; every other one drifts.
        norm = min(by_shape, key=lambda k: (k[0] != envelope, -len(by_shape[k]), k))
        shapes = [
            Shape(env, fields, len(members), tuple(f"{m.path}:{m.line}" for m in members[:_MAX_EXAMPLES]), (env, fields) != norm)
            for (env, fields), members in by_shape.items()
        ]
        shapes.sort(key=lambda s: (s.drift, -s.count, s.envelope, s.fields))
        unseen = all(p.open_levels for p in ps)  # the listed fields may not be all of them
        drafts.append(
            InferredEvent(
                name, len(ps), envelope, tuple(sorted(required)), tuple(sorted(every - required)), tuple(shapes), unseen
            )
        )
    top_level = tuple(sorted(f for f in top_votes if top_votes[f] > nested_votes[f]))
    return Inference(events.discriminator, overall, top_level, tuple(drafts))


@dataclass(frozen=True)
class EventCount:
    name: str
    in_spec: bool
    producers: int
    consumers: int


def count_events(events: EventIndex, spec: Spec | None) -> list[EventCount]:
    """Every event type known from the spec, the producers or the consumers, with counts."""
    producers = {name: len(ps) for name, ps in event_producers(events, spec=spec).items()}
    known = set(producers) | (set(spec.events) if spec is not None else set())
    consumers: Counter[str] = Counter()
    for c in events.consumers:
        if c.kind == "read":
            consumers[c.event] += 1
    for table in events.tables():
        if any(c.event in known for c in table):
            for c in table:
                consumers[c.event] += 1
    names = known | set(consumers)
    return [
        EventCount(n, spec is not None and n in spec.events, producers.get(n, 0), consumers.get(n, 0))
        for n in sorted(names)
    ]
