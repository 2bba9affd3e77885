"""SSOT301-SSOT305: event producers and consumers checked against one event spec."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from ssotlint.diagnostics import Diagnostic, Related, Severity, Span
from ssotlint.facts.model import EventKey, FileFacts
from ssotlint.index.events import (
    NEAR_MISS,
    Consumer,
    EventIndex,
    Producer,
    event_index,
    load_event_spec,
)
from ssotlint.index.project import ProjectIndex
from ssotlint.rules.base import Case, Rule, RuleFamily
from ssotlint.specs.model import EventSpec, FieldSpec, Spec

# --- shared analysis ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """One producer against its event's spec entry."""

    producer: Producer
    spec: EventSpec
    missing: tuple[FieldSpec, ...]
    unknown: tuple[EventKey, ...]
    misplaced: tuple[EventKey, ...]
    wrong_containers: tuple[str, ...]  # envelope keys used where the spec does not nest

    @property
    def envelope_mismatch(self) -> bool:
        return bool(self.misplaced) or any(c in self.producer.open_levels for c in self.wrong_containers)


def compare(p: Producer, e: EventSpec, discriminators: tuple[str, ...] = ()) -> Comparison:
    """``discriminators``: spec fields a dict producer is not asked for (its type sits there)."""
    own_fields = {n for n, f in e.fields.items() if f.level == ""}
    containers = [c for c in p.containers() if c not in own_fields]
    wrong = tuple(c for c in containers if c != e.envelope)
    unknown: list[EventKey] = []
    misplaced: list[EventKey] = []
    for k in p.keys:
        if k.level == "" and (k.name in containers or k.name == e.envelope):
            continue
        f = e.fields.get(k.name)
        if f is None:
            unknown.append(k)
        elif f.level != k.level:
            misplaced.append(k)
    names = {k.name for k in p.keys}
    open_elsewhere = any(c in p.open_levels for c in wrong)
    missing = tuple(
        f
        for f in e.required()
        if f.name not in names and f.level not in p.open_levels and not open_elsewhere
        and (p.by_argument or f.level or f.name not in discriminators)
    )
    return Comparison(p, e, missing, tuple(unknown), tuple(misplaced), wrong)


def _shares_a_field(p: Producer, e: EventSpec) -> bool:
    """A dict literal with the type of an event but none of its fields is something else
    (``{"type": "image", "source": ...}`` sent to an LLM API is not the ``image`` event)."""
    if not p.keys or e.additional or not e.fields:
        return True
    names = [k.name for k in p.keys]
    if any(n in e.fields or n == e.envelope for n in names):
        return True
    return any(difflib.get_close_matches(n, list(e.fields), n=1, cutoff=NEAR_MISS) for n in names)  # a misspelt field


def _level_text(level: str) -> str:
    return f"under {level!r}" if level else "at the top level"


def spec_related(spec: Spec, event: EventSpec, field: FieldSpec | None = None) -> Related:
    if field is not None:
        return Related(spec.path, field.line, f"spec of {event.name}.{field.name}")
    return Related(spec.path, event.line, f"spec of {event.name}")


def closest(name: str, known: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
    return close[0] if close else None


class EventAnalysis:
    """Everything the five rules need, computed once per project index."""

    def __init__(self, index: ProjectIndex) -> None:
        self.spec = load_event_spec(index)
        self.events: EventIndex | None = event_index(index) if self.spec is not None else None

    def comparisons(self) -> Iterator[Comparison]:
        if self.spec is None or self.events is None:
            return
        for p in self.events.producers:
            e = self.spec.events.get(p.event)
            if e is not None and not p.in_tests and (p.kind == "emitter" or _shares_a_field(p, e)):
                yield compare(p, e, self.spec.keys)

    def unknown_producers(self) -> Iterator[Producer]:
        if self.spec is None or self.events is None:
            return
        known = self.spec.all_fields
        for p in self.events.producers:
            if p.event not in self.spec.events and not p.in_tests and self.events.event_shaped(p, known):
                yield p

    def tables(self) -> Iterator[list[Consumer]]:
        """Tables keyed mostly by event names of the spec."""
        if self.spec is None or self.events is None:
            return
        disc = self.spec.discriminator
        for table in self.events.tables():
            hits = sum(1 for c in table if c.event in self.spec.events)
            if not hits or hits * 2 < len(table):
                continue
            # Lists of handler names keyed by event are not field tables: some entry must
            # name a field of its event (or the discriminator).
            if any(
                k.name == disc or k.name in self.spec.events[c.event].fields
                for c in table
                if c.event in self.spec.events
                for k in c.keys
            ):
                yield table

    def consumers(self) -> Iterator[Consumer]:
        if self.spec is None or self.events is None:
            return
        for table in self.tables():
            yield from table
        for c in self.events.consumers:
            if c.kind in ("read", "call"):
                yield c


def analysis(index: ProjectIndex) -> EventAnalysis:
    cached = index.__dict__.get("_event_analysis")
    if cached is None:
        cached = EventAnalysis(index)
        index.__dict__["_event_analysis"] = cached
    return cached  # type: ignore[no-any-return]


def _span(line: int, column: int) -> Span:
    return Span.point(line, column)


# --- test cases shared by the docs ---------------------------------------------------------------

SPEC = """\
version: 1
discriminator: type
envelope: flat
additional: false
events:
  tool_executing:
    required: [tool_name, parameters, timestamp]
    optional: [run_id]
  tool_completed:
    required: [tool_name, results, timestamp]
"""
NESTED_SPEC = """\
version: 1
discriminator: type
envelope: payload
top-level: [timestamp]
events:
  tool_executing:
    required: [tool_name, parameters, timestamp]
"""
CONFIG = 'event-spec = "events.yaml"'
FILES = {"events.yaml": SPEC}
NESTED = {"events.yaml": NESTED_SPEC}


def _case(source: str, expected: tuple[str, ...] = (), note: str = "", spec: dict[str, str] | None = None, config: str = CONFIG) -> Case:
    return Case({"app/bridge.py": source}, expected=expected, config=config, note=note, extra_files=spec or FILES)


# --- rules ------------------------------------------------------------------------------------------


def spec_documents(index: ProjectIndex) -> tuple[str, ...]:
    """The spec file and the documents its ``$ref``s reach: their content decides findings too."""
    spec = load_event_spec(index)
    return spec.documents if spec is not None else ()


class EventRule(Rule):
    """Shared by the event rules: findings depend on the facts, the config and the spec."""

    facts_only = True
    families = frozenset({"events"})

    @classmethod
    def input_files(cls, index: ProjectIndex) -> tuple[str, ...]:
        return spec_documents(index)


class EventMissingField(EventRule):
    """An event is produced without a field its spec requires.

    ## What it does
    Checks every event producer against the event spec configured with `event-spec`: dict
    literals, `dict(type=...)` calls and calls of the configured emitter helpers whose
    discriminator (`"type"` by default) names an event of the spec. The event type may be
    written as a string, a module constant (also imported from another module, or through
    `import *`), an Enum member (`EventType.TOOL_EXECUTING` or `.value`) or an UPPER_CASE
    attribute of a plain class of constants (`Events.TOOL_EXECUTING`). Fields added later in the same function
    (`event["k"] = v`, `event.update(...)`, `event.setdefault(...)`) count. One finding is
    reported per missing required field, on the dict (or the emitter call).

    An emitter declared with its signature (`{call = "*.emit", event = 0, payload = 1}`) is
    read by those arguments only: the payload may be a dict literal, `dict(...)`, or a local
    variable bound to one (with its later `d[k] = v` and `d.update(...)`, and the keys of a
    local dict it `**`-spreads); the event type may come through a `Literal[...]` parameter
    (one producer per value) or, one level up, from the callers of a helper in the same file
    that passes its parameter on. A payload that is anything else (a call result such as
    `self.to_dict()`, a parameter, `kw["x"]`) has unknown fields and is never reported as
    missing one. Keyword arguments that are not declared (`to=`, `room=`, `namespace=`) and
    trailing positional arguments are not fields.

    A field that is present but at the wrong level (nested under `payload` where the spec is
    flat, or the other way round) is reported once by SSOT303 instead. Producers in test files
    (`test-paths`) are test data (partial events, old protocol versions, malformed input on
    purpose) and are not checked by SSOT301-SSOT304; the reads and expectations of tests are
    checked by SSOT305.

    ## Why is this bad?
    The consumer of the event (a front end, a test, another service) reads a field that is not
    there: `KeyError`, `undefined`, or a silently empty UI. When producers disagree about the
    shape, every consumer grows support for several formats.

    ## Example
    ```python
    # spec: tool_completed requires tool_name, results, timestamp
    event = {"type": "tool_completed", "tool_name": name, "timestamp": time.time()}
    ```

    ## Use instead
    ```python
    event = {"type": "tool_completed", "tool_name": name, "results": results, "timestamp": time.time()}
    ```

    ## Options
    - `event-spec = "events.yaml"` in `[tool.ssotlint]`: the spec (ssotlint YAML, JSON Schema or
      AsyncAPI). Without it the event rules are silent.
    - `[tool.ssotlint.events] emitters = ["*.send_event"]`: helper calls taking the event type
      as first argument (or `event_type=`) and the fields as keywords or a dict.
    - `emitters = [{call = "*.emit", event = 0, payload = 1}]`: only the declared arguments are
      read, each a position or a keyword name or a list of them (`payload = [2, "content"]`);
      `channel = 0` instead of `event` when the first argument is a channel and the type sits in
      the payload under the discriminator. With emitters configured, a dict that does not flow
      into one is an event only when its type is a spec event or a near miss of one.

    ## Known problems
    A dict with a `**spread` of unknown content, or an emitter given a mapping it cannot see,
    may hold any field: it is not reported as missing anything. Fields added in another
    function (a dict passed around and filled elsewhere) are not seen, nor are the fields of a
    TypedDict or dataclass passed as the payload (unknown, so never missing). Helpers are
    followed one level, within their own file.
    """

    code = "SSOT301"
    name = "event-missing-field"
    summary = "An event is produced without a field its spec requires"
    severity = Severity.ERROR

    VALID = (
        _case('import time\n\ndef f(name, params):\n    return {"type": "tool_executing", "tool_name": name, "parameters": params, "timestamp": time.time()}\n', note="complete event, optional run_id omitted"),
        _case('def f(extra):\n    return {"type": "tool_executing", "tool_name": "x", **extra}\n', note="an open **spread may add the rest"),
        _case('def f(body):\n    return {"type": "json", "body": body}\n', note="not an event of the spec"),
        _case(
            'def f(name):\n    event = {"type": "tool_completed"}\n    event["tool_name"] = name\n    event.update(results=[])\n    event.setdefault("timestamp", 0)\n    return event\n',
            note="filled in step by step",
        ),
    )
    INVALID = (
        _case(
            'import time\n\ndef f(name):\n    return {"type": "tool_completed", "tool_name": name, "timestamp": time.time()}\n',
            expected=("SSOT301 app/bridge.py:4:12",),
        ),
        Case(
            {
                "app/__init__.py": "",
                "app/kinds.py": 'import enum\n\nclass EventType(str, enum.Enum):\n    TOOL_COMPLETED = "tool_completed"\n',
                "app/bridge.py": 'from app.kinds import EventType\n\ndef f():\n    return dict(type=EventType.TOOL_COMPLETED, tool_name="x", timestamp=1)\n',
            },
            expected=("SSOT301 app/bridge.py:4:12",),
            config=CONFIG,
            extra_files=FILES,
            note="an imported str-Enum member, dict(...) form",
        ),
        Case(
            {"app/bridge.py": 'def f(bridge):\n    bridge.send_event("tool_executing", tool_name="x", timestamp=1)\n'},
            expected=("SSOT301 app/bridge.py:2:5",),
            config=CONFIG + '\n[tool.ssotlint.events]\nemitters = ["*.send_event"]',
            extra_files=FILES,
            note="an emitter helper",
        ),
    )

    def check(self, index: ProjectIndex) -> Iterable[Diagnostic]:
        a = analysis(index)
        for cmp in a.comparisons():
            p, e = cmp.producer, cmp.spec
            assert a.spec is not None
            for f in cmp.missing:
                where = f" {_level_text(f.level)}" if f.level else ""
                yield self.diagnostic(
                    message=f"{e.name} event is missing required field {f.name!r}{where}",
                    path=p.path,
                    span=_span(p.line, p.column),
                    entity=f"{e.name}:{f.name}",
                    related=[spec_related(a.spec, e, f)],
                    data={"event": e.name, "field": f.name, "level": f.level},
                )


class EventUnknownField(EventRule):
    """An event carries a field its spec does not define.

    ## What it does
    Reports each field of an event producer that the spec does not list for that event (as
    required or optional), when the spec says `additional: false` (the default of ssotlint's
    format; `additionalProperties: false` in JSON Schema and AsyncAPI). The discriminator key
    is always known. The finding is on the key.

    ## Why is this bad?
    A field the spec does not know is either a typo (`tool_nme`), a field that a consumer
    somewhere depends on without it being written down, or dead weight. Each of these is how
    a second, unofficial event format starts.

    ## Example
    ```python
    event = {"type": "tool_executing", "tool_name": name, "parameters": params,
             "timestamp": now, "tool_nme": name}
    ```

    ## Use instead
    ```python
    event = {"type": "tool_executing", "tool_name": name, "parameters": params, "timestamp": now}
    ```
    or add the field to the spec as `optional`.

    ## Options
    - `additional: true` at the top of the spec or on one event turns this rule off for it.

    ## Known problems
    Fields added through a `**spread` of something other than a local dict are not seen, so
    they cannot be reported. Keys nested under a field that is itself part of the event (the
    `data` of a Jupyter display message) belong to that field's value and are not checked.
    """

    code = "SSOT302"
    name = "event-unknown-field"
    summary = "An event carries a field its spec does not define"
    severity = Severity.WARNING

    VALID = (
        _case('def f():\n    return {"type": "tool_executing", "tool_name": "x", "parameters": {}, "timestamp": 1, "run_id": "r"}\n', note="an optional field"),
        _case(
            'def f():\n    return {"type": "tool_executing", "tool_name": "x", "parameters": {}, "timestamp": 1, "extra": 2}\n',
            spec={"events.yaml": SPEC.replace("additional: false", "additional: true")},
            note="additional fields allowed",
        ),
    )
    INVALID = (
        _case(
            'def f(extra):\n    return {"type": "tool_executing", "tool_name": "x", "parameters": {},\n            "timestamp": 1, "tool_nme": "x", **extra}\n',
            expected=("SSOT302 app/bridge.py:3:29",),
            note="unknown fields are still checked in an open dict",
        ),
    )

    def check(self, index: ProjectIndex) -> Iterable[Diagnostic]:
        a = analysis(index)
        for cmp in a.comparisons():
            e = cmp.spec
            if e.additional:
                continue
            assert a.spec is not None
            for k in cmp.unknown:
                where = f" {_level_text(k.level)}" if k.level else ""
                hint = closest(k.name, e.fields)
                suggestion = f" (did you mean {hint!r}?)" if hint else ""
                yield self.diagnostic(
                    message=f"{e.name} event has field {k.name!r}{where} that its spec does not define{suggestion}",
                    path=cmp.producer.path,
                    span=_span(k.line, k.column),
                    entity=f"{e.name}:{k.name}",
                    related=[spec_related(a.spec, e)],
                    data={"event": e.name, "field": k.name, "level": k.level, "suggestion": hint},
                )


class EventEnvelopeMismatch(EventRule):
    """An event nests its fields under `payload`/`data` where the spec is flat, or the reverse.

    ## What it does
    Compares where a producer puts the fields of an event with where the spec puts them. A
    producer that writes `{"type": ..., "payload": {"tool_name": ...}}` for a flat spec, or
    writes the fields at the top level when the spec nests them under an envelope key
    (`envelope: payload`), gets one finding on the dict naming the misplaced fields. Those
    fields are not reported again as missing (SSOT301) or unknown (SSOT302).

    ## Why is this bad?
    This is the drift that makes half the consumers fail: one side reads `event["tool_name"]`,
    the other sends `event["payload"]["tool_name"]`. Validators then grow support for several
    formats, and nobody knows which one is canonical.

    ## Example
    ```python
    # spec: envelope: flat
    event = {"type": "tool_executing",
             "payload": {"tool_name": name, "parameters": params},
             "timestamp": now}
    ```

    ## Use instead
    ```python
    event = {"type": "tool_executing", "tool_name": name, "parameters": params, "timestamp": now}
    ```

    ## Options
    - `envelope: flat | payload | data | KEY` in the spec (per event too; any key, such as
      `args` or `content`); `top-level: [timestamp]` lists the fields that stay at the top
      level of a nested envelope.

    ## Known problems
    An envelope filled from a variable (`"payload": payload`) hides its fields: where the spec
    is flat that is reported, where it nests it is trusted.

    ## Fix safety
    `ssotlint fix --events producers` (or `--unsafe`) moves the fields of a fully literal
    dict to the spec's level, in and out of the envelope; `--events producers` also moves
    fields passed as keywords to an emitter or `dict(...)`: `tool_name=x` becomes
    `payload={"tool_name": x}` and back.
    It is unsafe: every consumer of that event must read the new shape (`--events
    consumers` rewrites the ones SSOT305 reports). A dict built step by step and an
    envelope that is not a literal dict are left for a person.
    """

    code = "SSOT303"
    name = "event-envelope-mismatch"
    summary = "Event fields nested under payload/data where the spec is flat, or the reverse"
    severity = Severity.ERROR

    VALID = (
        _case(
            'def f():\n    return {"type": "tool_executing", "payload": {"tool_name": "x", "parameters": {}}, "timestamp": 1}\n',
            spec=NESTED,
            note="nested, as the spec says",
        ),
    )
    INVALID = (
        _case(
            'def f(name, params):\n    return {"type": "tool_executing", "payload": {"tool_name": name, "parameters": params}, "timestamp": 1}\n',
            expected=("SSOT303 app/bridge.py:2:12",),
            note="the scenario's bug: nested under payload where the spec is flat",
        ),
        _case(
            'def f(name, params):\n    return {"type": "tool_executing", "tool_name": name, "parameters": params, "timestamp": 1}\n',
            expected=("SSOT303 app/bridge.py:2:12",),
            spec=NESTED,
            note="flat where the spec nests",
        ),
    )

    def check(self, index: ProjectIndex) -> Iterable[Diagnostic]:
        a = analysis(index)
        for cmp in a.comparisons():
            if not cmp.envelope_mismatch:
                continue
            assert a.spec is not None
            e, p = cmp.spec, cmp.producer
            fields = sorted({k.name for k in cmp.misplaced})
            found = sorted({k.level for k in cmp.misplaced} | set(cmp.wrong_containers))
            expected = sorted({e.fields[n].level for n in fields}) or [e.envelope]
            listed = ", ".join(fields) if fields else "its fields"
            found_text = " and ".join(_level_text(lv) for lv in found)
            expected_text = " and ".join(_level_text(lv) for lv in expected)
            yield self.diagnostic(
                message=f"{e.name} event puts {listed} {found_text} but the spec defines them {expected_text}",
                path=p.path,
                span=_span(p.line, p.column),
                entity=f"{e.name}:envelope",
                related=[spec_related(a.spec, e)],
                data={"event": e.name, "fields": fields, "found": found, "expected": expected},
            )


class UnknownEventType(EventRule):
    """An event-shaped dict or emitter call names an event type the spec does not define.

    ## What it does
    Reports a producer whose discriminator resolves to a string that is not an event of the
    spec, when it looks like an event. Calls of configured emitters always do. A dict does when
    its type is a near miss of a spec event and it shares a field with that event; and, when
    no emitters are configured, when it has a `timestamp` or at least half of its fields are
    fields of the spec. The closest spec event name is suggested (`tool_executed` ->
    `tool_executing`). Dicts such as `{"type": "json", "body": ...}`, content parts
    (`{"type": "text", "text": ...}`), JSON-Schema properties (`{"type": "string"}`) or
    tool-call dicts are not events and are left alone; with emitters configured, neither is
    any dict that does not flow into one unless its type is a near miss. A dict annotated with,
    or passed to, a class (`step: StepDict = {...}`, `Step({...})`, `Model(**{...})`) is that
    class's dict, not an event. Tables of expected
    fields keyed mostly by spec events are checked the same way for their other keys.

    ## Why is this bad?
    No consumer handles an event type that the spec does not know: a misspelt type is dropped
    silently, and an undocumented type is a second source of truth.

    ## Example
    ```python
    event = {"type": "tool_executed", "tool_name": name, "results": r, "timestamp": now}
    ```

    ## Use instead
    ```python
    event = {"type": "tool_completed", "tool_name": name, "results": r, "timestamp": now}
    ```
    or add the event to the spec.

    ## Options
    None beyond `event-spec`.

    ## Known problems
    An event type computed at run time (an f-string, a function call) is not resolved and
    not reported. An undocumented event type far from every spec name, built as a plain dict
    in a project with emitters configured, is not reported either.
    """

    code = "SSOT304"
    name = "unknown-event-type"
    summary = "An event-shaped dict names an event type the spec does not define"
    severity = Severity.ERROR

    VALID = (
        _case('def f(body):\n    return {"type": "json", "body": body}\n', note="not event-shaped"),
        _case('def f(x):\n    return {"type": "json", "data": {"x": x}}\n', note="nested, but no spec field or timestamp"),
        _case('def f(t):\n    return {"type": t, "tool_name": "x", "timestamp": 1}\n', note="type computed at run time"),
        Case(
            {"app/bridge.py": 'ADMIN = "admin"\n\ndef f(bus):\n    bus.send_event(ADMIN, "tool_executing", tool_name="x", parameters={}, timestamp=1)\n'},
            config=CONFIG + '\n[tool.ssotlint.events]\nemitters = ["*.send_event"]',
            extra_files=FILES,
            note="an emitter's argument naming a spec event wins over another string constant",
        ),
    )
    INVALID = (
        _case(
            'TOOL_EXECUTED = "tool_executed"\n\ndef f():\n    return {"type": TOOL_EXECUTED, "tool_name": "x", "timestamp": 1}\n',
            expected=("SSOT304 app/bridge.py:4:21",),
        ),
    )

    def check(self, index: ProjectIndex) -> Iterable[Diagnostic]:
        a = analysis(index)
        if a.spec is None:
            return
        spec = a.spec
        for p in a.unknown_producers():
            yield self._finding(spec, p.event, p.path, p.ref.line, p.ref.column, "producer")
        for table in a.tables():
            for c in table:
                if c.event not in spec.events:
                    yield self._finding(spec, c.event, c.path, c.ref.line, c.ref.column, "consumer")

    def _finding(self, spec: Spec, event: str, path: str, line: int, column: int, kind: str) -> Diagnostic:
        hint = closest(event, spec.events)
        suggestion = f" (did you mean {hint!r}?)" if hint else ""
        return self.diagnostic(
            message=f"event type {event!r} is not defined in {spec.path}{suggestion}",
            path=path,
            span=_span(line, column),
            entity=event,
            related=[Related(spec.path, spec.events[hint].line, f"spec of {hint}")] if hint else [],
            data={"event": event, "suggestion": hint, "kind": kind},
        )


class ConsumerSpecMismatch(EventRule):
    """A consumer reads or requires a field the spec does not define for that event.

    ## What it does
    Checks the places that expect fields of an event:
    - tables of expected fields keyed by event name, like a test's
      `required_fields = {"tool_executing": ["type", "tool_name", ...]}` (an entry written
      `"payload.tool_name"` means nested);
    - reads under a type guard: `if event["type"] == "tool_completed":`,
      `assert event["type"] == ...`, `match event["type"]:` with `case "tool_completed":`,
      a variable holding a known producer, `next(e for e in events if e["type"] == ...)`, or
      the elements of `[e for e in events if e["type"] == ...]` (`done[0]`, `for e in done:`),
      followed by `event["x"]`, `event.get("x")`, `event["payload"]["x"]` or
      `assert "x" in event`; a nested discriminator works the same way
      (`assert reply["header"]["msg_type"] == "execute_reply"`, then
      `reply["content"]["status"]`);
    - mock assertions on a configured emitter with a signature:
      `emit.assert_called_once_with("toast", {...})` (the dict's keys), and
      `event, data = emit.call_args[0]` followed by `assert event == "toast"` and reads of
      `data`.

    Each field that the spec does not define for that event, or defines at another level
    (flat vs. nested under the envelope: `payload`, `data` or the spec's own), is reported on
    the read or the table entry.

    ## Why is this bad?
    A test that expects `tool_name` at the top level while the producers nest it fails, or,
    worse, the production consumer silently gets `None`. Consumers must follow the same spec as
    producers, or the spec is not the single source of truth.

    ## Example
    ```python
    # spec: tool_completed has tool_name, results, timestamp (flat)
    if event["type"] == "tool_completed":
        assert event["payload"]["tool_name"]
        assert "duration" in event
    ```

    ## Use instead
    ```python
    if event["type"] == "tool_completed":
        assert event["tool_name"]
        assert "results" in event
    ```

    ## Options
    None beyond `event-spec`.

    ## Known problems
    A consumer that receives the event through a variable with no type guard in the same
    function (a helper taking `event` as a parameter) is not checked. A read one level under a
    key that is not an envelope of the spec (`event["tool"]["name"]`) is not checked.

    ## Fix safety
    `ssotlint fix --events consumers` rewrites each reported read or table entry to the
    level the spec defines for that field: `event["payload"]["tool_name"]` becomes
    `event["tool_name"]`, `event.get("payload", {}).get("x")` becomes `event.get("x")`,
    `"x" in event["data"]` becomes `"x" in event`, and back (`event["payload"]["x"]`,
    `event.get("payload", {}).get("x")`); a table entry `"tool_name"` becomes
    `"payload.tool_name"` and back. It is unsafe: the consumer then reads only the spec's
    shape, and the code that walks a table (`for f in required_fields[t]: assert f in
    event`) must follow the dotted entries itself. A field the spec does not define, an
    envelope taken into a variable first, and a mock assertion's expected keys are listed
    as needing a person.
    """

    code = "SSOT305"
    name = "consumer-spec-mismatch"
    summary = "A consumer reads or requires a field the spec does not define for that event"
    severity = Severity.WARNING

    VALID = (
        Case(
            {
                "tests/test_events.py": (
                    'def test_events(events):\n'
                    '    required_fields = {"tool_executing": ["type", "tool_name", "parameters", "timestamp"],\n'
                    '                       "tool_completed": ["type", "tool_name", "results", "timestamp"]}\n'
                    '    for event in events:\n'
                    '        if event["type"] == "tool_completed":\n'
                    '            assert "results" in event\n'
                    '            assert event.get("results") is not None and event["tool_name"]\n'
                ),
            },
            config=CONFIG,
            extra_files=FILES,
            note="a table and guarded reads that follow the spec",
        ),
        Case(
            {"app/handlers.py": 'HANDLERS = {"tool_executing": ["on_tool", "log"], "tool_completed": ["log"]}\n'},
            config=CONFIG,
            extra_files=FILES,
            note="handler names keyed by event: no entry names a field, so not a field table",
        ),
    )
    INVALID = (
        Case(
            {
                "tests/test_events.py": (
                    'def test_events(events):\n'
                    '    required_fields = {"tool_executing": ["type", "tool_name", "payload.parameters"],\n'
                    '                       "tool_completed": ["type", "duration"]}\n'
                    '    for event in events:\n'
                    '        if event["type"] == "tool_completed":\n'
                    '            assert event["payload"]["tool_name"]\n'
                ),
            },
            expected=(
                "SSOT305 tests/test_events.py:2:64",
                "SSOT305 tests/test_events.py:3:51",
                "SSOT305 tests/test_events.py:6:37",
            ),
            config=CONFIG,
            extra_files=FILES,
        ),
    )

    def check(self, index: ProjectIndex) -> Iterable[Diagnostic]:
        a = analysis(index)
        if a.spec is None:
            return
        spec = a.spec
        for c in a.consumers():
            e = spec.events.get(c.event)
            if e is None:
                continue
            verb = {"table": "requires", "call": "expects"}.get(c.kind, "reads")
            for k in c.keys:
                if k.level == "" and k.name == e.envelope:
                    continue
                f = e.fields.get(k.name)
                if f is not None and f.level == k.level:
                    continue
                if f is None:
                    message = f"consumer {verb} field {k.name!r} {_level_text(k.level)} of {e.name}, which its spec does not define"
                    related = [spec_related(spec, e)]
                else:
                    message = f"consumer {verb} field {k.name!r} of {e.name} {_level_text(k.level)} but the spec defines it {_level_text(f.level)}"
                    related = [spec_related(spec, e, f)]
                yield self.diagnostic(
                    message=message,
                    path=c.path,
                    span=_span(k.line, k.column),
                    entity=f"{e.name}:{k.name}",
                    related=related,
                    data={
                        "event": e.name,
                        "field": k.name,
                        "level": k.level,
                        "kind": c.kind,
                        **({"expected": f.level} if f is not None else {}),
                    },
                )


EVENT_RULES: tuple[type[Rule], ...] = (
    EventMissingField,
    EventUnknownField,
    EventEnvelopeMismatch,
    UnknownEventType,
    ConsumerSpecMismatch,
)


class EventFamily(RuleFamily):
    """SSOT301-SSOT305: one event index, one spec.

    They read every fact but those of classes (classes, aliases, constants, factories,
    ``__all__``) and the ignore comments; their other inputs are the spec's documents.
    """

    name = "events"
    rules = (EventMissingField, EventUnknownField, EventEnvelopeMismatch, UnknownEventType, ConsumerSpecMismatch)

    def reads(self, index: ProjectIndex, rel: str, facts: FileFacts, state: Any) -> Any:
        return facts._replace(classes=(), aliases=(), constants=(), factories=(), dunder_all=None, suppressions=())
