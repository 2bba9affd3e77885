"""Project-wide view of event producers and consumers, with event types resolved.

An event type written as a module constant, an imported constant or an Enum member
(``EventType.TOOL_EXECUTING`` / ``.value``) is resolved through the project's imports to
its string. The spec configured with ``event-spec`` is loaded here, once per run.
"""

from __future__ import annotations

import copy
import difflib
import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import pathspec

from ssotlint.facts import blob
from ssotlint.facts.events import ARGUMENT_TAG
from ssotlint.facts.model import (
    EventConsumer,
    EventKey,
    EventProducer,
    EventRef,
    EventTag,
    FileFacts,
    StringConstant,
)
from ssotlint.index.imports import Resolver
from ssotlint.index.modules import ModuleTable
from ssotlint.index.project import ProjectIndex
from ssotlint.specs.model import ENVELOPES, Spec

log = logging.getLogger(__name__)
_MAX_DEPTH = 8
#: How close an unknown event type must be to a spec event to be taken for a misspelling.
NEAR_MISS = 0.75


@dataclass(frozen=True)
class Producer:
    path: str
    line: int
    column: int
    kind: str  # "dict" / "dict-call" / "emitter" ("typed" dicts are left out)
    event: str
    ref: EventRef
    keys: tuple[EventKey, ...]  # the discriminator excluded
    open_levels: tuple[str, ...]
    scope: str
    by_argument: bool = False  # the type is an emitter's argument: every key is a field
    in_tests: bool = False  # in a test file (`test-paths`): test data, not checked against the spec

    @property
    def is_open(self) -> bool:
        return "" in self.open_levels

    def levels(self) -> dict[str, str]:
        """Field name -> level it is set at (top-level wins when set at both)."""
        found: dict[str, str] = {}
        for k in self.keys:
            if k.level == "" and k.name in ENVELOPES and self._has_nested(k.name):
                continue  # a container, not a field
            if k.name not in found or k.level == "":
                found[k.name] = k.level
        return found

    def _has_nested(self, level: str) -> bool:
        return level in self.open_levels or any(k.level == level for k in self.keys)

    def containers(self) -> tuple[str, ...]:
        """Envelope keys this producer nests fields under."""
        return tuple(e for e in ENVELOPES if self._has_nested(e) and any(k.name == e and k.level == "" for k in self.keys))

    def shape(self) -> tuple[str, tuple[str, ...]]:
        """(envelope used or "", sorted ``level.field`` names): what `events infer` groups by."""
        containers = self.containers()
        env = containers[0] if containers else ""
        names = sorted(f"{lvl}.{n}" if lvl else n for n, lvl in self.levels().items())
        return env, tuple(names)


@dataclass(frozen=True)
class Consumer:
    path: str
    kind: str  # "table" / "read" / "call" (a mock assertion on an emitter)
    event: str
    ref: EventRef
    keys: tuple[EventKey, ...]
    scope: str
    table: str  # "line:column" of the table, "" for reads


class Constants:
    """Resolve a name written in one file to the string constant or Enum value it means."""

    def __init__(self, modules: ModuleTable, files: Mapping[str, FileFacts]) -> None:
        self.modules = modules
        self.files = files
        self.resolver = Resolver(modules)
        self.local: dict[str, dict[str, StringConstant]] = {
            rel: {c.name: c for c in facts.string_constants}
            for rel, facts in blob.having(files, blob.STRING_CONSTANTS)
            if facts.string_constants
        }

    def resolve(self, rel: str, ref: EventRef) -> str | None:
        if ref.kind == "literal":
            return ref.value
        return self._lookup(rel, ref.value, ref.value_attr, 0)

    def _lookup(self, rel: str, dotted: str, value_attr: bool, depth: int) -> str | None:
        if depth > _MAX_DEPTH:
            return None
        const = self.local.get(rel, {}).get(dotted)
        if const is not None:
            if const.enum == "enum" and not value_attr:
                return None  # a plain Enum member is not a string
            if const.enum == "" and value_attr:
                return None
            return const.value
        importer = self.modules.by_rel.get(rel)
        facts = self.files.get(rel)
        if importer is None or facts is None:
            return None
        head, _, rest = dotted.partition(".")
        for fact in reversed(facts.imports):
            if fact.dynamic:
                continue
            if fact.is_from:
                for n in fact.names:
                    if n.name == "*":
                        star_base = self.resolver._absolute_base(importer, fact)
                        star = self.modules.get(star_base) if star_base else None
                        found = self._lookup(star.rel, dotted, value_attr, depth + 1) if star is not None else None
                        if found is not None:
                            return found
                        continue
                    if (n.asname or n.name) != head:
                        continue
                    base = self.resolver._absolute_base(importer, fact)
                    if not base:
                        return None
                    sub = self.modules.get(f"{base}.{n.name}")
                    if sub is not None and rest:
                        return self._lookup(sub.rel, rest, value_attr, depth + 1)
                    mod = self.modules.get(base)
                    if mod is None:
                        return None
                    return self._lookup(mod.rel, n.name + ("." + rest if rest else ""), value_attr, depth + 1)
            elif fact.asname == head and rest:
                mod = self.modules.get(fact.module)
                return self._lookup(mod.rel, rest, value_attr, depth + 1) if mod is not None else None
            elif fact.asname is None and fact.module.split(".", 1)[0] == head:
                parts = dotted.split(".")
                for cut in range(len(parts) - 1, 0, -1):
                    mod = self.modules.get(".".join(parts[:cut]))
                    if mod is not None:
                        return self._lookup(mod.rel, ".".join(parts[cut:]), value_attr, depth + 1)
                return None
        return None


class EventIndex:
    """Producers and consumers whose event type resolves to a string, for the discriminator
    keys (the first of them, or its nested path, names the event)."""

    def __init__(self, index: ProjectIndex, discriminator: str | tuple[str, ...], spec: Spec | None = None) -> None:
        self.keys = (discriminator,) if isinstance(discriminator, str) else discriminator
        self.discriminator = self.keys[0]
        self.spec = spec
        self.envelopes = spec.envelopes if spec is not None else ENVELOPES
        self.emitters_configured = bool(index.config.event_emitters)
        self._tests = pathspec.GitIgnoreSpec.from_lines(index.config.test_paths)
        self.constants = Constants(index.modules, index.files)
        self.producers: list[Producer] = []
        self.consumers: list[Consumer] = []
        for rel, facts in blob.having(index.files, blob.EVENTS):
            for p in facts.event_producers:
                made = self._producer(rel, p)
                if made is not None:
                    self.producers.append(made)
            for c in facts.event_consumers:
                made_c = self._consumer(rel, c)
                if made_c is not None:
                    self.consumers.append(made_c)

    def _is_discriminator(self, k: EventKey) -> bool:
        return (f"{k.level}.{k.name}" if k.level else k.name) in self.keys

    def _fields(
        self, event: str, keys: tuple[EventKey, ...], open_levels: tuple[str, ...], by_argument: bool
    ) -> tuple[tuple[EventKey, ...], tuple[str, ...]]:
        """Keys at the levels the spec knows; an emitter's payload keys are placed where the
        spec puts the event's fields (its envelope)."""
        e = self.spec.events.get(event) if self.spec is not None else None
        env = e.envelope if e is not None else ""
        if by_argument:
            if env:
                keys = tuple(k._replace(level=env) if k.level == "" else k for k in keys)
                open_levels = tuple(sorted({env if lv == "" else lv for lv in open_levels}))
        else:
            # The discriminator, and the key a nested one lives in (``header`` of ``header.msg_type``).
            containers = {d.split(".", 1)[0] for d in self.keys if "." in d}
            keys = tuple(k for k in keys if not self._is_discriminator(k) and not (k.level == "" and k.name in containers))
        # A key nested under a field of the event (``data`` of a Jupyter display message) is
        # part of that field's value, not an event field.
        fields = {n for n in e.fields if n != env} if e is not None else set()
        levels = {lv for lv in self.envelopes if lv not in fields}
        keys = tuple(k for k in keys if k.level == "" or k.level in levels)
        open_levels = tuple(lv for lv in open_levels if lv == "" or lv in levels)
        return keys, open_levels

    def _producer(self, rel: str, p: EventProducer) -> Producer | None:
        if p.kind == "typed":
            return None  # annotated with a TypedDict or model of its own: not an event dict
        open_levels = p.open_levels
        by_argument = False
        argument = next((t for t in p.tags if t.key == ARGUMENT_TAG), None)
        if argument is not None:
            value = self.constants.resolve(rel, argument.ref)
            if value is None:
                return None
            tag, event, by_argument = argument, value, True
        elif p.kind == "emitter" and any(t.key == "*" for t in p.tags):
            # The first argument that resolves is the type; a later unresolved name is a
            # mapping of fields we cannot see.
            tags = [t for t in p.tags if t.key == "*"]
            resolved: list[tuple[int, EventTag, str]] = []
            for i, t in enumerate(tags):
                value = self.constants.resolve(rel, t.ref)
                if value is not None:
                    resolved.append((i, t, value))
            if not resolved:
                return None
            # With a spec, an argument naming one of its events wins over, say, a user id constant.
            known = [r for r in resolved if self.spec is not None and r[2] in self.spec.events]
            i, tag, event = (known or resolved)[0]
            if any(u.ref.kind == "name" for u in tags[i + 1 :]):
                open_levels = tuple(sorted({*open_levels, ""}))
        else:
            found = next((t for key in self.keys for t in p.tags if t.key == key), None)
            if found is None:
                return None
            tag = found
            value = self.constants.resolve(rel, tag.ref)
            if value is None:
                return None
            event = value
        keys, open_levels = self._fields(event, p.keys, open_levels, by_argument)
        in_tests = self._tests.match_file(rel)
        return Producer(rel, p.line, p.column, p.kind, event, tag.ref, keys, open_levels, p.scope, by_argument, in_tests)

    def _consumer(self, rel: str, c: EventConsumer) -> Consumer | None:
        if c.kind != "table" and c.tag != ARGUMENT_TAG and c.tag not in self.keys:
            return None
        event = self.constants.resolve(rel, c.event)
        if event is None:
            return None
        keys, _ = self._fields(event, c.keys, (), c.tag == ARGUMENT_TAG)
        return Consumer(rel, c.kind, event, c.event, keys, c.scope, c.tag if c.kind == "table" else "")

    def event_shaped(self, p: Producer, known_fields: frozenset[str] | None = None) -> bool:
        """An event rather than any dict with a ``type`` key (``{"type": "json", "body": ...}``,
        a content part ``{"type": "text", "text": ...}``).

        Emitter calls always are; so is a dict whose type is a near miss of a spec event and
        that shares a field with it. With emitters configured nothing else is (events flow into
        them). Otherwise, with a spec: a ``timestamp`` or at least half of its fields known to
        the spec; without one: a ``timestamp`` or fields nested under an envelope key.
        """
        if p.kind == "emitter":
            return True
        if self.spec is not None and self._misspelt(p):
            return True
        if self.emitters_configured:
            return False  # events flow into the configured emitters
        names = {k.name for k in p.keys}
        if "timestamp" in names:
            return True
        if known_fields is not None:
            return len(names & known_fields) * 2 >= len(names) > 0
        return any(k.level for k in p.keys)

    def _misspelt(self, p: Producer) -> bool:
        """The type is a near miss of a spec event, and the dict shares a field with that event
        (``{"type": "messages", "messages": [...]}`` is another stream, not ``message``)."""
        assert self.spec is not None
        close = difflib.get_close_matches(p.event, list(self.spec.events), n=1, cutoff=NEAR_MISS)
        if not close:
            return False
        e = self.spec.events[close[0]]
        return not p.keys or e.additional or not e.fields or any(k.name in e.fields for k in p.keys)

    def tables(self) -> Iterator[list[Consumer]]:
        """Table consumers grouped by the table they belong to."""
        groups: dict[tuple[str, str], list[Consumer]] = {}
        for c in self.consumers:
            if c.kind == "table":
                groups.setdefault((c.path, c.table), []).append(c)
        yield from groups.values()


def load_event_spec(index: ProjectIndex) -> Spec | None:
    """The configured spec, loaded once per index (``SpecError`` when broken)."""
    if "_event_spec" not in index.__dict__:
        cfg = index.config
        from ssotlint.specs.load import load_spec  # YAML is imported only when a spec is configured

        spec = load_spec(cfg.root, cfg.event_spec, cfg.display_config, cfg.max_file_size) if cfg.event_spec else None
        for warning in spec.warnings if spec is not None else ():
            log.warning("event spec: %s", warning)
        index.__dict__["_event_spec"] = spec
    return index.__dict__["_event_spec"]  # type: ignore[no-any-return]


def with_event_spec(index: ProjectIndex, spec: Spec) -> ProjectIndex:
    """A view of ``index`` whose event index and rules use ``spec`` instead of the configured
    one (what the findings would be under another spec); facts and other views are shared."""
    view = copy.copy(index)
    for key in [k for k in view.__dict__ if k.startswith("_event")]:
        del view.__dict__[key]
    view.__dict__["_event_spec"] = spec
    return view


def event_index(index: ProjectIndex, discriminator: str | None = None) -> EventIndex:
    """Shared by the event rules and commands: built once per index and discriminator."""
    spec = load_event_spec(index)
    disc = (discriminator,) if discriminator else (spec.keys if spec is not None else ("type",))
    cache: dict[tuple[str, ...], EventIndex] = index.__dict__.setdefault("_event_indexes", {})
    if disc not in cache:
        cache[disc] = EventIndex(index, disc, spec)
    return cache[disc]
