"""The event format decision as data: per event type and candidate shape, what would change.

The candidates are the spec as written and every shape the producers and consumers use (flat,
or nested under ``payload``/``data``/any envelope key, with the fields that the nesting
producers keep at the top level). Nothing here classifies a producer or a consumer: for each
candidate, the spec is replaced by the candidate (:func:`ssotlint.index.events.with_event_spec`)
and the event rules themselves say which producers would put their fields elsewhere
(SSOT303) and which consumers would read a field at another level (SSOT305). What
``ssotlint fix --events producers,consumers`` would do with those findings is asked of the fixer itself
(:func:`ssotlint.fix.plan.plan_fixes` and :func:`ssotlint.fix.apply.compute`, which writes
nothing): a fix it applies is mechanical, anything else needs a person.

The model is plain data (``to_json``, ``"version": 1``); :mod:`ssotlint.eventplan.render`
formats it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pathspec

from ssotlint.diagnostics import Diagnostic
from ssotlint.fix.apply import compute
from ssotlint.fix.plan import EVENT_SIDES, plan_fixes
from ssotlint.index.events import with_event_spec
from ssotlint.index.project import ProjectIndex
from ssotlint.rules.events import ConsumerSpecMismatch, EventEnvelopeMismatch, analysis
from ssotlint.specs.model import EventSpec, FieldSpec, Spec

VERSION = 1
SPEC = "spec"


@dataclass(frozen=True)
class Candidate:
    id: str  # "spec", "flat", or the envelope key ("payload")
    envelope: str | None  # None: each event as the spec writes it
    top_level: tuple[str, ...]  # fields kept at the top level when nested
    found_in: tuple[str, ...]  # "spec" / "producers" / "consumers"
    spec: Spec  # the spec with every event in this shape

    @property
    def label(self) -> str:
        if self.envelope is None:
            shapes = sorted({e.envelope for e in self.spec.events.values()})
            return "the spec as written (" + ", ".join(_shape_text(s) for s in shapes) + ")"
        return _shape_text(self.envelope, self.top_level)


def _shape_text(envelope: str, top_level: tuple[str, ...] = ()) -> str:
    if not envelope:
        return "flat"
    kept = f"; {', '.join(top_level)} at the top level" if top_level else ""
    return f"nested under {envelope!r}{kept}"


@dataclass(frozen=True)
class Site:
    path: str
    line: int
    column: int
    fixable: bool
    field: str = ""  # consumers: the field read
    level: str = ""  # consumers: where it is read ("" top level)
    reason: str = ""  # producers: why `ssotlint fix` would not rewrite it


@dataclass(frozen=True)
class Change:
    """What one candidate asks of one event type's producers and consumers."""

    candidate: str
    producers: tuple[Site, ...]
    consumers: tuple[Site, ...]

    @property
    def files(self) -> int:
        return len({s.path for s in (*self.producers, *self.consumers)})


@dataclass(frozen=True)
class TestRead:
    path: str
    line: int
    column: int
    level: str
    kind: str  # "table" / "read" / "call"


@dataclass(frozen=True)
class FieldReads:
    field: str
    spec_level: str
    tests: tuple[TestRead, ...]


@dataclass(frozen=True)
class EventPlan:
    event: str
    producers: int  # producers the event rules check (test data left out, as they do)
    consumers: int  # consumer sites: reads, table entries, mock expectations
    changes: tuple[Change, ...]  # one per candidate, in candidate order
    fields: tuple[FieldReads, ...]


@dataclass(frozen=True)
class Plan:
    spec: str
    discriminator: str
    candidates: tuple[Candidate, ...]
    events: tuple[EventPlan, ...]

    def totals(self, candidate: str) -> Change:
        producers = _sorted(s for e in self.events for c in e.changes if c.candidate == candidate for s in c.producers)
        consumers = _sorted(s for e in self.events for c in e.changes if c.candidate == candidate for s in c.consumers)
        return Change(candidate, producers, consumers)

    def to_json(self) -> dict[str, Any]:
        return {
            "version": VERSION,
            "spec": self.spec,
            "discriminator": self.discriminator,
            "candidates": [
                {
                    "id": c.id,
                    "label": c.label,
                    "envelope": c.envelope,
                    "top_level": list(c.top_level),
                    "found_in": list(c.found_in),
                    "totals": _change_json(self.totals(c.id)),
                }
                for c in self.candidates
            ],
            "events": [
                {
                    "event": e.event,
                    "producers": e.producers,
                    "consumers": e.consumers,
                    "changes": [_change_json(c) for c in e.changes],
                    "fields": [
                        {
                            "field": f.field,
                            "spec_level": f.spec_level,
                            "tests": [dataclasses.asdict(t) for t in f.tests],
                        }
                        for f in e.fields
                    ],
                }
                for e in self.events
            ],
        }


def _count(sites: tuple[Site, ...]) -> dict[str, Any]:
    return {
        "sites": len(sites),
        "files": len({s.path for s in sites}),
        "fixable": sum(1 for s in sites if s.fixable),
        "manual": sum(1 for s in sites if not s.fixable),
    }


def _change_json(c: Change) -> dict[str, Any]:
    return {
        "candidate": c.candidate,
        "files": c.files,
        "producers": {**_count(c.producers), "locations": [_site_json(s, False) for s in c.producers]},
        "consumers": {**_count(c.consumers), "locations": [_site_json(s, True) for s in c.consumers]},
    }


def _site_json(s: Site, consumer: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"path": s.path, "line": s.line, "column": s.column, "fixable": s.fixable}
    if consumer:
        out.update(field=s.field, level=s.level)
    if s.reason:
        out["reason"] = s.reason
    return out


# --- candidates ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Reshaped(Spec):
    """A candidate spec that still knows the envelopes of the spec it was made from, so that
    fields read or set under them are seen (and found misplaced) rather than taken for the
    inside of some other field."""

    former: tuple[str, ...] = ()

    @property
    def envelopes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((*super().envelopes, *self.former)))


def _reshaped(spec: Spec, envelope: str, top_level: frozenset[str]) -> Spec:
    """Every event of ``spec`` with its fields under ``envelope`` (flat when ""), except
    ``top_level`` and a field named like the envelope itself."""
    events: dict[str, EventSpec] = {}
    for name, e in spec.events.items():
        fields: dict[str, FieldSpec] = {}
        for fname, f in e.fields.items():
            level = "" if not envelope or fname in top_level or fname == envelope else envelope
            fields[fname] = dataclasses.replace(f, level=level)
        events[name] = dataclasses.replace(e, fields=fields, envelope=envelope)
    values = {f.name: getattr(spec, f.name) for f in dataclasses.fields(spec)}
    return _Reshaped(**{**values, "events": events}, former=spec.envelopes)


def _levels(spec: Spec) -> dict[str, tuple[str, str, tuple[tuple[str, str], ...]]]:
    return {n: (e.name, e.envelope, tuple(sorted((f.name, f.level) for f in e.fields.values()))) for n, e in spec.events.items()}


def _telling(name: str, level: str, e: EventSpec) -> bool:
    """A field of ``e`` set or read at ``level`` shows that shape; a field that stays at the
    top level of a nested event (its ``timestamp``) shows none."""
    f = e.fields.get(name)
    return f is not None and (bool(level) or bool(f.level) or not e.envelope)


def candidates(index: ProjectIndex) -> tuple[Candidate, ...]:
    """The spec as written, then each shape found in the checked producers and consumers."""
    a = analysis(index)
    spec = a.spec
    assert spec is not None
    found: dict[str, set[str]] = {}
    kept: dict[str, set[str]] = {}
    for cmp in a.comparisons():
        p, e = cmp.producer, cmp.spec
        containers = p.containers()
        if containers:
            env = containers[0]
            found.setdefault(env, set()).add("producers")
            kept.setdefault(env, set()).update(k.name for k in p.keys if k.level == "" and k.name != env and k.name in e.fields)
        elif any(k.level == "" and _telling(k.name, k.level, e) for k in p.keys):
            found.setdefault("", set()).add("producers")
    for c in a.consumers():
        read = spec.events.get(c.event)
        if read is None:
            continue
        for k in c.keys:
            if _telling(k.name, k.level, read):
                found.setdefault(k.level, set()).add("consumers")
    spec_candidate = Candidate(SPEC, None, (), (SPEC,), spec)
    out = [spec_candidate]
    spec_shape = _levels(spec)
    for env in sorted(found):
        top = tuple(sorted(kept.get(env, set()))) if env else ()
        reshaped = _reshaped(spec, env, frozenset(top))
        sources = tuple(s for s in ("producers", "consumers") if s in found[env])
        if _levels(reshaped) == spec_shape:
            merged = tuple(dict.fromkeys((*out[0].found_in, *sources)))
            out[0] = dataclasses.replace(out[0], found_in=merged)
            continue
        out.append(Candidate(env or "flat", env, top, sources, reshaped))
    return tuple(out)


# --- the plan ------------------------------------------------------------------------------------


def _findings(view: ProjectIndex, candidate: Spec) -> tuple[list[Diagnostic], list[Diagnostic]]:
    """(SSOT303 findings, SSOT305 findings about a field the candidate places elsewhere)."""
    producers = list(EventEnvelopeMismatch().check(view))
    consumers = []
    for d in ConsumerSpecMismatch().check(view):
        e = candidate.events.get(str(d.data.get("event")))
        f = e.fields.get(str(d.data.get("field"))) if e is not None else None
        if f is not None and f.level != d.data.get("level"):
            consumers.append(d)  # a field of the event read at another level; unknown fields are not a format question
    return producers, consumers


def _fixable(index: ProjectIndex, findings: list[Diagnostic]) -> dict[int, tuple[bool, str]]:
    """Finding number -> (``ssotlint fix --events producers,consumers`` rewrites it, why not)."""
    numbered = [dataclasses.replace(d, fingerprint=str(i)) for i, d in enumerate(findings)]
    planned = plan_fixes(numbered, unsafe=True, events=frozenset(EVENT_SIDES))
    result = compute(index, planned)
    applied = {a.fingerprint for a in result.applied}
    reasons: dict[tuple[str, str], set[str]] = {}
    for r in result.refused:
        reasons.setdefault((r.path, r.title), set()).add(r.reason)
    actions = {a.fingerprint: a for a in planned}
    out: dict[int, tuple[bool, str]] = {}
    for i, d in enumerate(numbered):
        action = actions.get(str(i))
        if str(i) in applied:
            out[i] = (True, "")
        elif action is None:
            out[i] = (False, "ssotlint fix has no rewrite for it")
        elif len(found := reasons.get((d.path, action.title), set())) == 1:
            out[i] = (False, next(iter(found)))
        else:  # refusals of one title in one file for different reasons: asked alone
            refused = compute(index, [action]).refused
            out[i] = (False, refused[0].reason if refused else "")
    return out


def build(index: ProjectIndex, in_scope: Callable[[str], bool] = lambda _: True) -> Plan:
    """The plan for the configured spec; sites outside ``in_scope`` are left out."""
    a = analysis(index)
    spec = a.spec
    assert spec is not None and a.events is not None
    tests = pathspec.GitIgnoreSpec.from_lines(index.config.test_paths)
    cands = candidates(index)
    producers: dict[str, int] = {}
    for cmp in a.comparisons():
        if in_scope(cmp.producer.path):
            producers[cmp.spec.name] = producers.get(cmp.spec.name, 0) + 1
    consumer_sites: dict[str, int] = {}
    reads: dict[tuple[str, str], list[TestRead]] = {}
    for c in a.consumers():
        if c.event not in spec.events or not in_scope(c.path):
            continue
        consumer_sites[c.event] = consumer_sites.get(c.event, 0) + len(c.keys)
        if tests.match_file(c.path):
            for k in c.keys:
                reads.setdefault((c.event, k.name), []).append(TestRead(c.path, k.line, k.column, k.level, c.kind))
    per_event: dict[str, list[Change]] = {n: [] for n in spec.events}
    for cand in cands:
        view = index if cand.id == SPEC else with_event_spec(index, cand.spec)
        found_p, found_c = _findings(view, cand.spec)
        found_p = [d for d in found_p if in_scope(d.path)]
        found_c = [d for d in found_c if in_scope(d.path)]
        fixes = _fixable(index, [*found_p, *found_c])
        sites_p: dict[str, list[Site]] = {}
        sites_c: dict[str, list[Site]] = {}
        for i, d in enumerate(found_p):
            ok, reason = fixes[i]
            sites_p.setdefault(str(d.data["event"]), []).append(Site(d.path, d.line, d.column, ok, reason=reason))
        for j, d in enumerate(found_c, len(found_p)):
            ok, reason = fixes[j]
            field = str(d.data["field"])
            sites_c.setdefault(str(d.data["event"]), []).append(
                Site(d.path, d.line, d.column, ok, field, str(d.data["level"]), reason)
            )
        for name in spec.events:
            per_event[name].append(Change(cand.id, _sorted(sites_p.get(name, ())), _sorted(sites_c.get(name, ()))))
    events = tuple(
        EventPlan(
            name,
            producers.get(name, 0),
            consumer_sites.get(name, 0),
            tuple(per_event[name]),
            tuple(
                FieldReads(f.name, f.level, tuple(sorted(reads.get((name, f.name), ()), key=lambda t: (t.path, t.line, t.column))))
                for f in e.fields.values()
            ),
        )
        for name, e in spec.events.items()
    )
    return Plan(spec.path, spec.discriminator, cands, events)


def _sorted(sites: Iterable[Site]) -> tuple[Site, ...]:
    return tuple(sorted(sites, key=lambda s: (s.path, s.line, s.column, s.field)))


def count_table(plan: Plan) -> Mapping[str, Mapping[str, tuple[int, int, int, int]]]:
    """event -> candidate -> (producer sites, fixable, consumer sites, files): the figures of
    the table, for tests and summaries."""
    return {
        e.event: {
            c.candidate: (len(c.producers), sum(1 for s in c.producers if s.fixable), len(c.consumers), c.files)
            for c in e.changes
        }
        for e in plan.events
    }
