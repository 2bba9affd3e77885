"""Collect what event-shape checks need from one file.

- producers: dict literals, ``dict(k=...)`` calls and configured emitter calls whose keys
  may name an event type, with their keys (top level and nested under ``payload``/``data``)
  and the keys added later in the same function (``event["k"] = v``, ``.update``,
  ``.setdefault``);
- consumers: tables of expected fields keyed by event name, and reads of an event under a
  type guard (``if event["type"] == ...``, ``assert event["type"] == ...``, or a variable
  holding a producer);
- module-level string constants and Enum members, to resolve event types project-wide.

Nothing here knows the spec: which key is the discriminator is decided later, so every
candidate key is recorded.
"""

from __future__ import annotations

import ast
import fnmatch
import re
from collections.abc import Sequence
from typing import Any, NamedTuple

from ssotlint.facts.model import (
    EventConsumer,
    EventKey,
    EventProducer,
    EventRef,
    EventTag,
    StringConstant,
)
from ssotlint.facts.walker import Collector, Context, SourceText

#: Keys nested event fields live under when no spec says otherwise.
ENVELOPES = ("payload", "data")
#: Keys whose value may name an event's type in a dict literal. A spec may use any key (a
#: dict literal is then seen where it flows into an emitter); these are also recorded one
#: level down (``{"header": {"msg_type": ...}}`` is tagged ``header.msg_type``).
DISCRIMINATORS = (
    "type", "event", "event_type", "kind", "message_type", "msg_type", "action", "observation", "method", "op",
)
#: Keyword arguments of an emitter call that give the event type.
_TYPE_KEYWORDS = ("event_type", "type", "event", "kind")
#: Keyword arguments of Socket.IO-style emitters that say where an event goes, not what it
#: holds: never fields of a plain-pattern emitter (a signature names the fields exactly).
_TRANSPORT_KEYWORDS = frozenset({"to", "room", "namespace", "sid", "skip_sid", "broadcast", "include_self", "callback"})
_MAX_CONSTANT = 120
#: Tag key of an event type given by a declared emitter argument: every payload key is a field.
ARGUMENT_TAG = "@"
#: Mock assertions whose arguments are the expected call of an emitter.
_MOCK_ASSERTS = frozenset(
    {"assert_called_with", "assert_called_once_with", "assert_any_call", "assert_awaited_with",
     "assert_awaited_once_with", "assert_any_await"}
)

Selector = int | str  # a positional index or a keyword name


class Emitter(NamedTuple):
    """A call that emits an event; with a signature, only the declared arguments are read.

    ``event``: where the event type is; ``payload``: where the fields are (a mapping);
    ``channel``: a channel or topic argument, the event type then sits in the payload under
    the discriminator. Each is a tuple of positions and keyword names, the first present wins.
    """

    pattern: str
    event: tuple[Selector, ...] = ()
    payload: tuple[Selector, ...] = ()
    channel: tuple[Selector, ...] = ()

    @property
    def signed(self) -> bool:
        return bool(self.event or self.payload or self.channel)

    def text(self) -> str:
        """The canonical form kept in the configuration and the cache key."""
        if not self.signed:
            return self.pattern
        parts = [
            f"{name}=" + "|".join(str(s) for s in sel)
            for name, sel in (("event", self.event), ("payload", self.payload), ("channel", self.channel))
            if sel
        ]
        return f"{self.pattern}({','.join(parts)})"


def parse_emitter(text: str) -> Emitter:
    """Inverse of :meth:`Emitter.text`: ``"*.emit(event=0,payload=1|data)"``."""
    pattern, _, rest = text.partition("(")
    if not rest:
        return Emitter(text)
    found: dict[str, tuple[Selector, ...]] = {}
    for part in rest.rstrip(")").split(","):
        name, _, value = part.partition("=")
        found[name] = tuple(int(v) if v.lstrip("-").isdigit() else v for v in value.split("|") if v)
    return Emitter(pattern, found.get("event", ()), found.get("payload", ()), found.get("channel", ()))

ScopeKey = int  # id() of the enclosing function node, 0 at module level


_QUOTED_NEEDLES = tuple(f"{q}{k}{q}" for k in DISCRIMINATORS for q in "\"'")
_DICT_CALL = re.compile(r"dict\([^)]{0,400}?\b(?:" + "|".join(DISCRIMINATORS) + r")\s*=")
_TABLE = re.compile(r""":\s*[\[\(\{]\s*["']""")  # `"key": ["field", ...` (a superset)


def wanted_lines(text: str, emitters: Sequence[str]) -> frozenset[int]:
    """Lines whose statements may build an event or a table of expected fields.

    Reads under a type guard need no expression walk: they are found statement by
    statement (see ``EventCollector._scan_reads``). Empty: nothing here can be an event.
    """
    starts: list[int] = []
    for p in emitters:
        tail = _tail(parse_emitter(p).pattern)
        if tail and tail in text:
            # ``emit(`` and a test's ``emit.assert_called_once_with(``
            starts.extend(m.start() for m in re.finditer(rf"\b{re.escape(tail)}\s*(?:\(|\.assert_)", text))
    # str.find and literal-prefixed patterns: a regex that can start anywhere is ten times slower.
    for needle in _QUOTED_NEEDLES:
        pos = text.find(needle)
        while pos >= 0:
            after = pos + len(needle)
            while after < len(text) and text[after] in " \t":
                after += 1
            if after < len(text) and text[after] in ":])":
                starts.append(pos)
            pos = text.find(needle, after)
    if "dict(" in text:
        starts.extend(m.start() for m in _DICT_CALL.finditer(text))
    if ":" in text:
        starts.extend(m.start() for m in _TABLE.finditer(text))
    if not starts:
        return frozenset()
    starts.sort()
    lines: set[int] = set()
    line, pos = 1, 0
    for start in starts:
        line += text.count("\n", pos, start)
        pos = start
        lines.add(line)
    return frozenset(lines)


def could_hold_events(text: str, emitters: Sequence[str]) -> bool:
    """A cheap text test: can this file contain a producer or a consumer?"""
    return bool(wanted_lines(text, emitters))


def _tail(pattern: str) -> str:
    return pattern.rsplit(".", 1)[-1].replace("*", "")


def emitter_matches(dotted: str, patterns: Sequence[str]) -> bool:
    """``*.send_event`` matches ``send_event``, ``self.send_event``, ``bridge.send_event``."""
    return any(_matches(dotted, parse_emitter(p).pattern) for p in patterns)


def _matches(dotted: str, pattern: str) -> bool:
    if fnmatch.fnmatchcase(dotted, pattern):
        return True
    return pattern.startswith("*.") and fnmatch.fnmatchcase(dotted, pattern[2:])


def _select(call: ast.Call, selectors: tuple[Selector, ...]) -> ast.expr | None:
    """The argument a selector names; None when absent or hidden behind a ``*args``."""
    for sel in selectors:
        if isinstance(sel, int):
            if any(isinstance(a, ast.Starred) for a in call.args[: sel + 1]):
                return None
            if 0 <= sel < len(call.args):
                return call.args[sel]
        else:
            for kw in call.keywords:
                if kw.arg == sel:
                    return kw.value
    return None


def dotted_name(node: ast.expr) -> str | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def _str(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


class _Draft:
    """A producer being built: keys are added by later statements of the same function."""

    __slots__ = ("absorbed", "column", "keys", "kind", "line", "open_levels", "scope", "sources", "tags")

    def __init__(self, line: int, column: int, kind: str, scope: str) -> None:
        self.line, self.column, self.kind, self.scope = line, column, kind, scope
        self.tags: list[EventTag] = []
        self.keys: list[EventKey] = []
        self.open_levels: set[str] = set()
        self.sources: list[_Draft] = []  # local dicts whose keys this one takes (at freeze time)
        self.absorbed = False  # passed whole to an emitter: that call is the producer

    def merged(self) -> tuple[list[EventTag], list[EventKey], set[str]]:
        tags, keys, open_levels = list(self.tags), list(self.keys), set(self.open_levels)
        for src in self.sources:
            t, k, o = src.merged()
            tags.extend(t)
            keys.extend(k)
            open_levels |= o
        return tags, keys, open_levels

    def freeze(self) -> EventProducer:
        tags, keys, open_levels = self.merged()
        return EventProducer(self.line, self.column, self.kind, tuple(tags), tuple(keys), tuple(sorted(open_levels)), self.scope)


class _Helper(NamedTuple):
    """A function that passes its parameter on as an emitter's event type: calls of it in the
    same file are producers."""

    name: str
    event: tuple[Selector, ...]  # where its callers pass the event type
    payload: tuple[Selector, ...]  # where they pass the fields; () when the helper builds them
    fields: _Draft
    declared: frozenset[str]  # the values of its ``Literal[...]`` annotation: already producers


class _Guard:
    __slots__ = ("end", "event", "key", "name", "reads", "scope", "start", "var")

    def __init__(self, scope: ScopeKey, var: str, key: str, event: EventRef, start: int, end: int, name: str) -> None:
        self.scope, self.var, self.key, self.event, self.start, self.end = scope, var, key, event, start, end
        self.name = name  # dotted name of the enclosing function
        self.reads: list[EventKey] = []


_INACTIVE_STMTS: tuple[type[ast.stmt], ...] = (ast.Assign, ast.AnnAssign, ast.ClassDef)
_BODY_FIELDS = frozenset({"body", "orelse", "finalbody", "handlers", "cases"})


def _literal_parameter(func: ast.AST, name: str) -> list[ast.Constant] | None:
    """The string values of ``name: Literal["a", "b"]`` among ``func``'s parameters."""
    args = getattr(func, "args", None)
    if not isinstance(args, ast.arguments):
        return None
    for a in (*args.posonlyargs, *args.args, *args.kwonlyargs):
        if a.arg != name or a.annotation is None:
            continue
        ann = a.annotation
        if not (isinstance(ann, ast.Subscript) and (dotted_name(ann.value) or "").rsplit(".", 1)[-1] == "Literal"):
            return None
        elts = ann.slice.elts if isinstance(ann.slice, ast.Tuple) else [ann.slice]
        values = [e for e in elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
        return values if values and len(values) == len(elts) else None
    return None


_MAPPING_ANNOTATIONS = frozenset({"dict", "Dict", "Mapping", "MutableMapping", "Any", "object", "JSON", "Json"})


def _names_a_class(annotation: ast.expr) -> bool:
    """``StepDict``, ``types.Step``: a TypedDict or model; ``dict[str, Any]``, ``Any``: not."""
    if isinstance(annotation, ast.Subscript):
        return False
    dotted = dotted_name(annotation)
    if dotted is None:
        return False
    tail = dotted.rsplit(".", 1)[-1]
    return tail not in _MAPPING_ANNOTATIONS and tail[:1].isupper()


def _parameter_position(func: ast.AST, name: str) -> int | None:
    """Where callers pass parameter ``name`` (``self``/``cls`` not counted); None: not one."""
    args = getattr(func, "args", None)
    if not isinstance(args, ast.arguments):
        return None
    positional = [a.arg for a in (*args.posonlyargs, *args.args)]
    if name not in positional:
        return None
    skip = 1 if positional and positional[0] in ("self", "cls") else 0
    return positional.index(name) - skip


class EventCollector(Collector):

    def __init__(self, source: SourceText, emitters: Sequence[str] = ()) -> None:
        self.emitters = tuple(emitters)
        self.signatures = tuple(parse_emitter(e) for e in emitters)
        self.source = source
        self.n_lines = source.text.count("\n") + 1
        self.drafts: list[_Draft] = []
        self.consumers: list[EventConsumer] = []
        self.constants: list[StringConstant] = []
        self.guards: list[_Guard] = []
        self.reads: list[tuple[ScopeKey, str, EventKey]] = []
        self._assigned: dict[int, str] = {}  # id(dict node) -> variable it is assigned to
        self._skip: set[int] = set()  # ids of nodes already handled by a statement
        self._vars: dict[tuple[ScopeKey, str], _Draft] = {}
        self._guard_end: dict[ScopeKey, int] = {}
        self._scope_guards: dict[ScopeKey, list[_Guard]] = {}
        self.active = True  # False: the file cannot hold events; only constants are collected
        self._helpers: list[_Helper] = []
        self._typed: set[int] = set()  # ids of dicts annotated with a class of their own
        self._call_args: dict[tuple[ScopeKey, str], str] = {}  # event variable -> payload variable
        self._calls: list[tuple[ast.Call, str]] = []  # statement-level calls with a string argument

    def wants_expressions(self, text: str) -> frozenset[int] | bool:
        lines = wanted_lines(text, self.emitters)
        self.active = bool(lines)
        # A file that cannot hold events only contributes module-level constants and Enums.
        self.stmt_types = None if self.active else _INACTIVE_STMTS
        return lines or False

    # positions -------------------------------------------------------------------------------
    def _col(self, node: ast.AST) -> int:
        return self.source.column(node.lineno, node.col_offset)  # type: ignore[attr-defined]

    def _key(self, name: str, level: str, node: ast.AST) -> EventKey:
        return EventKey(name, level, node.lineno, self._col(node))  # type: ignore[attr-defined]

    def _ref(self, node: ast.expr | None) -> EventRef | None:
        if node is None:
            return None
        value = _str(node)
        if value is not None:
            if not value or len(value) > _MAX_CONSTANT:
                return None
            return EventRef("literal", value, node.lineno, self._col(node), False)
        dotted = dotted_name(node)
        if dotted is None:
            return None
        value_attr = dotted.endswith(".value") and "." in dotted[: -len(".value")]
        if value_attr:
            dotted = dotted[: -len(".value")]
        return EventRef("name", dotted, node.lineno, self._col(node), value_attr)

    @staticmethod
    def _scope(ctx: Context) -> ScopeKey:
        return id(ctx.scope_node) if ctx.scope_node is not None else 0

    def _scope_end(self, ctx: Context) -> int:
        node = ctx.scope_node
        return (node.end_lineno or self.n_lines) if node is not None else self.n_lines  # type: ignore[attr-defined]

    # statements ------------------------------------------------------------------------------
    def enter_stmt(self, node: ast.stmt, ctx: Context) -> None:
        if not self.active:
            if ctx.at_module_level:
                if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                    self._constant(node.targets[0], node.value)
                elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
                    self._constant(node.target, node.value)
                elif isinstance(node, ast.ClassDef):
                    self._enum(node)
            return
        scope = self._scope(ctx)
        if scope in self._scope_guards:
            self._scan_reads(node, scope, ctx)
        value = getattr(node, "value", None) if isinstance(node, (ast.Expr, ast.Return, ast.Assign, ast.AnnAssign)) else None
        if isinstance(value, ast.Await):
            value = value.value
        if isinstance(value, ast.Call) and any(_str(a) is not None for a in value.args):
            self._calls.append((value, ctx.scope))
        self._guard_end[scope] = self._scope_end(ctx)
        if isinstance(node, ast.Assign):
            self._assign(node.targets, node.value, ctx)
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            if isinstance(node.value, ast.Dict) and _names_a_class(node.annotation):
                self._typed.add(id(node.value))  # ``step: StepDict = {...}``: that class's dict
            self._assign([node.target], node.value, ctx)
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            self._method_call(node.value, ctx)
        elif isinstance(node, ast.If):
            guard = self._guard_test(node.test, self._scope(ctx))
            if guard is not None and node.body:
                var, key, ref = guard
                end = node.body[-1].end_lineno or node.body[-1].lineno
                self._add_guard(_Guard(self._scope(ctx), var, key, ref, node.lineno, end, ctx.scope))
                self._reads_after_guard(node.test, var, scope)
        elif isinstance(node, ast.Assert):
            guard = self._guard_test(node.test, self._scope(ctx))
            if guard is not None:
                var, key, ref = guard
                self._add_guard(_Guard(self._scope(ctx), var, key, ref, node.lineno, self._scope_end(ctx), ctx.scope))
                self._reads_after_guard(node.test, var, scope)
        elif isinstance(node, ast.ClassDef) and ctx.at_module_level:
            self._enum(node)
        elif isinstance(node, ast.Match):
            self._match(node, ctx)
        elif isinstance(node, (ast.For, ast.AsyncFor)):
            self._loop(node, ctx)

    def _assign(self, targets: list[ast.expr], value: ast.expr, ctx: Context) -> None:
        scope = self._scope(ctx)
        if len(targets) == 1 and isinstance(targets[0], ast.Tuple):
            self._unpack_call_args(targets[0], value, scope)
        for target in targets:
            if isinstance(target, ast.Name):
                name = target.id
                self._rebind(scope, name, target.lineno)
                if ctx.at_module_level and len(targets) == 1:
                    self._constant(target, value)
                if self._is_dict_value(value):
                    # Handled here, not by the expression walk: the statement may lie on no
                    # line the walker visits (``event = {}`` filled in later).
                    self._assigned[id(value)] = name
                    self.expr(value, ctx)
                    self._skip.add(id(value))
                else:
                    self._vars.pop((scope, name), None)
                    self._filtered(name, value, ctx)
            elif isinstance(target, ast.Subscript):
                self._subscript_store(target, value, scope)

    def _unpack_call_args(self, target: ast.Tuple, value: ast.expr, scope: ScopeKey) -> None:
        """``event, data = emit.call_args[0]`` (or ``.call_args.args``, ``.call_args_list[i][0]``)
        on a signed emitter's mock: ``data`` holds the fields of the event ``event`` names."""
        names = [e.id if isinstance(e, ast.Name) else None for e in target.elts]
        node: ast.expr = value
        if (isinstance(node, ast.Attribute) and node.attr == "args") or (isinstance(node, ast.Subscript) and _is_index(node.slice)):
            node = node.value
        else:
            return
        if isinstance(node, ast.Subscript) and _is_index(node.slice):
            node = node.value  # call_args_list[i]
        dotted = dotted_name(node)
        if dotted is None:
            return
        head, _, attr = dotted.rpartition(".")
        if attr not in ("call_args", "call_args_list", "await_args", "await_args_list") or not head:
            return
        for em in self.signatures:
            if _matches(head, em.pattern) and em.event and em.payload:
                ev = next((s for s in em.event if isinstance(s, int)), None)
                pl = next((s for s in em.payload if isinstance(s, int)), None)
                if ev is None or pl is None or max(ev, pl) >= len(names):
                    return
                event_var, payload_var = names[ev], names[pl]
                if event_var is not None and payload_var is not None:
                    self._call_args[(scope, event_var)] = payload_var
                return

    def _rebind(self, scope: ScopeKey, name: str, line: int) -> None:
        """A new value for ``name`` ends the guards that were about the old one."""
        for g in self._scope_guards.get(scope, ()):
            if g.var in (name, name + "[]") and g.start < line <= g.end:
                g.end = line - 1

    def _filtered(self, name: str, value: ast.expr, ctx: Context) -> None:
        """``x = next(e for e in events if e["type"] == "a")`` guards ``x``;
        ``xs = [e for e in events if e["type"] == "a"]`` guards ``xs[0]`` and ``for x in xs``."""
        single = isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "next"
        comp = value.args[0] if single and value.args else value  # type: ignore[attr-defined]
        guard = self._comprehension_guard(comp)
        if guard is None:
            return
        key, ref = guard
        var = name if single else name + "[]"
        self._add_guard(_Guard(self._scope(ctx), var, key, ref, value.lineno, self._scope_end(ctx), ctx.scope))

    def _comprehension_guard(self, comp: ast.expr) -> tuple[str, EventRef] | None:
        if not isinstance(comp, (ast.ListComp, ast.GeneratorExp)) or len(comp.generators) != 1:
            return None
        gen = comp.generators[0]
        if not (isinstance(gen.target, ast.Name) and isinstance(comp.elt, ast.Name) and comp.elt.id == gen.target.id):
            return None
        for test in gen.ifs:
            found = self._guard_test(test)
            if found is not None and found[0] == gen.target.id:
                return found[1], found[2]
        return None

    def _loop(self, node: ast.For | ast.AsyncFor, ctx: Context) -> None:
        """``for x in xs`` over a filtered collection (or a filtering generator) guards ``x``."""
        if not isinstance(node.target, ast.Name) or not node.body:
            return
        scope = self._scope(ctx)
        self._rebind(scope, node.target.id, node.lineno)
        found: tuple[str, EventRef] | None = None
        if isinstance(node.iter, ast.Name):
            collection = node.iter.id + "[]"
            for g in reversed(self._scope_guards.get(scope, [])):
                if g.var == collection and g.start <= node.lineno <= g.end:
                    found = g.key, g.event
                    break
        else:
            found = self._comprehension_guard(node.iter)
        if found is not None:
            end = node.body[-1].end_lineno or node.body[-1].lineno
            self._add_guard(_Guard(scope, node.target.id, found[0], found[1], node.body[0].lineno, end, ctx.scope))

    def _constant(self, target: ast.Name, value: ast.expr) -> None:
        text = _str(value)
        if text is not None and 0 < len(text) <= _MAX_CONSTANT:
            self.constants.append(StringConstant(target.id, text, target.lineno, ""))

    @staticmethod
    def _is_dict_value(value: ast.expr) -> bool:
        if isinstance(value, ast.Dict):
            return True
        return isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "dict"

    def _subscript_store(self, target: ast.Subscript, value: ast.expr, scope: ScopeKey) -> None:
        key = _str(target.slice)
        if key is None:
            return
        base = target.value
        if isinstance(base, ast.Name):
            draft = self._vars.get((scope, base.id))
            if draft is None:
                return
            had_tags = bool(draft.tags)
            self._add_item(draft, key, value, target.slice)
            if draft.tags and not had_tags:
                tag = draft.tags[0]
                self.guards.append(
                    _Guard(scope, base.id, tag.key, tag.ref, target.lineno, self._guard_end.get(scope, self.n_lines), draft.scope)
                )
        elif isinstance(base, ast.Subscript) and isinstance(base.value, ast.Name):
            env = _str(base.slice)
            draft = self._vars.get((scope, base.value.id))
            if draft is not None and env in ENVELOPES:
                assert env is not None
                draft.keys.append(self._key(key, env, target.slice))

    def _nested(self, draft: _Draft, level: str, value: ast.expr) -> None:
        if isinstance(value, ast.Dict):
            for k, v in zip(value.keys, value.values, strict=True):
                name = _str(k)
                if k is None:
                    draft.open_levels.add(level)
                elif name is not None:
                    draft.keys.append(self._key(name, level, k))
                    if name in DISCRIMINATORS and level not in ENVELOPES:
                        ref = self._ref(v)
                        if ref is not None:
                            draft.tags.append(EventTag(f"{level}.{name}", ref))
        elif isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "dict" and not value.args:
            for kw in value.keywords:
                if kw.arg is None:
                    draft.open_levels.add(level)
                else:
                    draft.keys.append(self._key(kw.arg, level, kw))
        else:
            draft.open_levels.add(level)

    def _method_call(self, call: ast.Call, ctx: Context) -> None:
        func = call.func
        if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)):
            return
        draft = self._vars.get((self._scope(ctx), func.value.id))
        if draft is None:
            return
        if func.attr == "update":
            for arg in call.args:
                self._skip.add(id(arg))
                self._add_mapping(draft, arg, self._scope(ctx))
            for kw in call.keywords:
                if kw.arg is None:
                    draft.open_levels.add("")
                else:
                    self._add_item(draft, kw.arg, kw.value, kw)
        elif func.attr == "setdefault" and call.args:
            key = _str(call.args[0])
            if key is not None:
                value = call.args[1] if len(call.args) > 1 else None
                self._add_item(draft, key, value, call.args[0])

    def _add_mapping(self, draft: _Draft, arg: ast.expr, scope: ScopeKey | None = None) -> None:
        if isinstance(arg, ast.Dict):
            for k, v in zip(arg.keys, arg.values, strict=True):
                if k is None:
                    self._spread(draft, v, scope)
                    continue
                name = _str(k)
                if name is not None:
                    self._add_item(draft, name, v, k)
        elif not self._take_local(draft, arg, scope):
            draft.open_levels.add("")

    def _spread(self, draft: _Draft, value: ast.expr, scope: ScopeKey | None) -> None:
        """``**base``: the keys of a local dict built in this function, else unknown keys."""
        if isinstance(value, ast.Dict):
            self._add_mapping(draft, value, scope)
        elif not self._take_local(draft, value, scope):
            draft.open_levels.add("")

    def _take_local(self, draft: _Draft, value: ast.expr, scope: ScopeKey | None) -> bool:
        if scope is None or not isinstance(value, ast.Name):
            return False
        local = self._vars.get((scope, value.id))
        if local is None or local is draft:
            return False
        draft.sources.append(local)
        return True

    def _add_item(self, draft: _Draft, key: str, value: ast.expr | None, at: ast.AST) -> None:
        draft.keys.append(self._key(key, "", at))
        if value is None:
            return
        if key in ENVELOPES:
            self._nested(draft, key, value)
            self._skip.add(id(value))
        elif key in DISCRIMINATORS:
            ref = self._ref(value)
            if ref is not None:
                draft.tags.append(EventTag(key, ref))
        elif isinstance(value, ast.Dict):
            # Any key may be a spec's envelope (``args``, ``content``): one level is kept.
            self._nested(draft, key, value)

    def _guard_test(self, test: ast.expr, scope: ScopeKey | None = None) -> tuple[str, str, EventRef] | None:
        if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
            for value in test.values:
                found = self._guard_test(value, scope)
                if found is not None:
                    return found
            return None
        if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], (ast.Eq, ast.Is))):
            return None
        left, right = test.left, test.comparators[0]
        for side, other in ((left, right), (right, left)):
            payload_var = self._call_args.get((scope, side.id)) if scope is not None and isinstance(side, ast.Name) else None
            if payload_var is not None:
                # ``event, data = emit.call_args[0]`` then ``assert event == "toast"``: guards data
                ref = self._ref(other)
                if ref is not None:
                    return payload_var, ARGUMENT_TAG, ref
            read = _key_read(side)
            if read is not None and read[1] in DISCRIMINATORS:
                ref = self._ref(other)
                if ref is not None:
                    return read[0], f"{read[2]}.{read[1]}" if read[2] else read[1], ref
        return None

    def _match(self, node: ast.Match, ctx: Context) -> None:
        """``match event["type"]:`` / ``case "tool_completed":`` guards each case body."""
        read = _key_read(node.subject)
        if read is None or read[1] not in DISCRIMINATORS:
            return
        key = f"{read[2]}.{read[1]}" if read[2] else read[1]
        for case in node.cases:
            patterns = case.pattern.patterns if isinstance(case.pattern, ast.MatchOr) else [case.pattern]
            if len(patterns) != 1 or not isinstance(patterns[0], ast.MatchValue) or not case.body:
                continue
            ref = self._ref(patterns[0].value)
            if ref is not None:
                end = case.body[-1].end_lineno or case.body[-1].lineno
                self._add_guard(_Guard(self._scope(ctx), read[0], key, ref, case.body[0].lineno, end, ctx.scope))

    def _enum(self, node: ast.ClassDef) -> None:
        """Enum members, and UPPER_CASE string attributes of a plain class of constants."""
        bases = [dotted_name(b) or "" for b in node.bases]
        tails = {b.rsplit(".", 1)[-1] for b in bases}
        is_enum = any(t.endswith("Enum") for t in tails)
        kind = ("str" if ("str" in tails or "StrEnum" in tails) else "enum") if is_enum else ""
        for stmt in node.body:
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                target, value = stmt.targets[0], stmt.value
            elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value is not None:
                target, value = stmt.target, stmt.value
            else:
                continue
            text = _str(value)
            if text is None or target.id.startswith("_") or len(text) > _MAX_CONSTANT:
                continue
            if is_enum or target.id.isupper():
                self.constants.append(StringConstant(f"{node.name}.{target.id}", text, stmt.lineno, kind))

    # expressions -----------------------------------------------------------------------------
    def expr(self, node: ast.expr, ctx: Context) -> None:
        if id(node) in self._skip:
            return
        if isinstance(node, ast.Dict):
            self._dict(node, ctx)
        elif isinstance(node, ast.Call):
            self._call(node, ctx)

    def _register(self, draft: _Draft, node: ast.expr, ctx: Context) -> None:
        var = self._assigned.pop(id(node), None)
        if var is not None:
            scope = self._scope(ctx)
            self._vars[(scope, var)] = draft
            draft.scope = ctx.scope
            self.drafts.append(draft)
            tag = next((t for t in draft.tags if t.key in DISCRIMINATORS), None)
            if tag is not None:
                self._add_guard(_Guard(scope, var, tag.key, tag.ref, node.lineno, self._scope_end(ctx), ctx.scope))
        elif draft.tags and len(draft.keys) >= 2:
            self.drafts.append(draft)

    def _dict(self, node: ast.Dict, ctx: Context) -> None:
        if self._table(node, ctx):
            return
        draft = _Draft(node.lineno, self._col(node), "typed" if id(node) in self._typed else "dict", ctx.scope)
        for k, v in zip(node.keys, node.values, strict=True):
            if k is None:
                self._spread(draft, v, self._scope(ctx))
                continue
            name = _str(k)
            if name is None:
                continue
            self._add_item(draft, name, v, k)
        self._register(draft, node, ctx)

    def _table(self, node: ast.Dict, ctx: Context) -> bool:
        """``{"tool_executing": ["type", "tool_name", ...], ...}``: expected fields by event."""
        if len(node.keys) < 2:
            return False
        entries: list[tuple[EventRef, list[ast.expr]]] = []
        for k, v in zip(node.keys, node.values, strict=True):
            ref = self._ref(k)
            if ref is None or not isinstance(v, (ast.List, ast.Tuple, ast.Set)) or not v.elts:
                return False
            if not all(_str(e) is not None for e in v.elts):
                return False
            entries.append((ref, v.elts))
        table = f"{node.lineno}:{self._col(node)}"
        for ref, elts in entries:
            keys = []
            for e in elts:
                text = _str(e)
                assert text is not None
                level, _, name = text.rpartition(".")
                if level and level not in ENVELOPES:
                    level, name = "", text
                keys.append(self._key(name, level, e))
            self.consumers.append(EventConsumer("table", table, ref, tuple(keys), ctx.scope))
        for v in node.values:
            self._skip.add(id(v))
        return True

    def _call(self, node: ast.Call, ctx: Context) -> None:
        func = node.func
        if _names_a_class(func):
            # ``StepDict({...})``, ``Model(**{...})``: the dict is that class's, not an event.
            for arg in (*node.args, *(kw.value for kw in node.keywords)):
                inner = arg.value if isinstance(arg, ast.Starred) else arg
                if isinstance(inner, ast.Dict):
                    self._typed.add(id(inner))
        if isinstance(func, ast.Name) and func.id == "dict":
            if node.args:
                return
            draft = _Draft(node.lineno, self._col(node), "dict-call", ctx.scope)
            for kw in node.keywords:
                if kw.arg is None:
                    draft.open_levels.add("")
                else:
                    self._add_item(draft, kw.arg, kw.value, kw)
            self._register(draft, node, ctx)
            return
        if self.emitters:
            dotted = dotted_name(func)
            if dotted is None:
                return
            mock = False
            head, _, method = dotted.rpartition(".")
            if method in _MOCK_ASSERTS and head:
                dotted, mock = head, True
            for em in self.signatures:
                if _matches(dotted, em.pattern):
                    if mock:
                        if em.signed:
                            self._mock_assert(node, ctx, em)
                    elif em.signed:
                        self._signed_emitter(node, ctx, em)
                    else:
                        self._emitter(node, ctx)
                    return

    def _payload_draft(self, node: ast.Call, ctx: Context, em: Emitter) -> _Draft:
        """The fields a signed emitter call sends (unknown ones as an open level)."""
        draft = _Draft(node.lineno, self._col(node), "emitter", ctx.scope)
        payload = _select(node, em.payload) if em.payload else None
        scope = self._scope(ctx)
        if payload is None:
            if em.payload:
                draft.open_levels.add("")  # passed some other way (``*args``): unknown
        elif isinstance(payload, ast.Dict) or (
            isinstance(payload, ast.Call) and isinstance(payload.func, ast.Name) and payload.func.id == "dict" and not payload.args
        ):
            self._skip.add(id(payload))
            if isinstance(payload, ast.Dict):
                self._add_mapping(draft, payload, scope)
            else:
                for kw in payload.keywords:
                    if kw.arg is None:
                        self._spread(draft, kw.value, scope)
                    else:
                        self._add_item(draft, kw.arg, kw.value, kw)
        elif isinstance(payload, ast.Name) and (scope, payload.id) in self._vars:
            local = self._vars[(scope, payload.id)]
            local.absorbed = True
            draft.sources.append(local)
        else:
            # A call result, a parameter, a subscript: fields we cannot see, never "missing".
            draft.open_levels.add("")
        return draft

    def _event_refs(self, node: ast.Call, ctx: Context, em: Emitter, mock: bool = False) -> list[EventRef]:
        """The event types a signed emitter call names: one, or each value of a ``Literal``
        parameter the type is passed through."""
        expr = _select(node, em.event)
        if expr is None:
            return []
        ref = self._ref(expr)
        if ref is None:
            return []
        if ref.kind == "name" and "." not in ref.value and ctx.scope_node is not None:
            literal = _literal_parameter(ctx.scope_node, ref.value) or []
            position = _parameter_position(ctx.scope_node, ref.value)
            if position is not None and not mock:
                self._helper(node, ctx, em, position, ref.value, frozenset(str(v.value) for v in literal))
            if literal:
                return [EventRef("literal", str(v.value), v.lineno, self._col(v), False) for v in literal]
            if position is not None:
                return []
        return [ref]

    def _helper(self, node: ast.Call, ctx: Context, em: Emitter, position: int, name: str, declared: frozenset[str]) -> None:
        """``def clear(self, event): return self.emit(event, {})``: calls ``self.clear("x")`` emit ``x``."""
        func = ctx.scope_node
        assert isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef))
        payload_sel: tuple[Selector, ...] = ()
        payload = _select(node, em.payload) if em.payload else None
        if isinstance(payload, ast.Name):
            at = _parameter_position(func, payload.id)
            if at is not None:
                payload_sel = (at, payload.id)
        fields = self._payload_draft(node, ctx, em) if not payload_sel else _Draft(node.lineno, self._col(node), "emitter", ctx.scope)
        self._helpers.append(_Helper(func.name, (position, name), payload_sel, fields, declared))

    def _helper_calls(self) -> None:
        taken: set[int] = set()  # a call matched by one helper (two classes may name one alike)
        for helper in self._helpers:
            for call, scope in self._calls:
                if id(call) in taken:
                    continue
                dotted = dotted_name(call.func)
                if dotted is None or dotted.rsplit(".", 1)[-1] != helper.name or emitter_matches(dotted, self.emitters):
                    continue  # an emitter call itself is a producer already
                ref = self._ref(_select(call, helper.event))
                if ref is None or (ref.kind == "literal" and ref.value in helper.declared):
                    continue
                taken.add(id(call))
                draft = _Draft(call.lineno, self._col(call), "emitter", scope)
                draft.tags.append(EventTag(ARGUMENT_TAG, ref))
                if helper.payload:
                    self._add_mapping(draft, _select(call, helper.payload) or ast.Constant(None))
                else:
                    draft.sources.append(helper.fields)
                self.drafts.append(draft)

    def _signed_emitter(self, node: ast.Call, ctx: Context, em: Emitter) -> None:
        """``sio.emit("toast", data, to=sid)`` read by its declared signature only."""
        refs = self._event_refs(node, ctx, em) if em.event else []
        if em.event and not refs:
            return  # the type is computed at run time
        typed: list[EventRef | None] = list(refs) or [None]
        for ref in typed:
            draft = self._payload_draft(node, ctx, em)
            if ref is not None:
                draft.tags.insert(0, EventTag(ARGUMENT_TAG, ref))
            self.drafts.append(draft)

    def _mock_assert(self, node: ast.Call, ctx: Context, em: Emitter) -> None:
        """``emit.assert_called_once_with("toast", {...})``: what a test expects an emitter sent."""
        refs = self._event_refs(node, ctx, em, mock=True) if em.event else []
        draft = self._payload_draft(node, ctx, em)
        ref = refs[0] if refs else next((t.ref for t in draft.tags), None)
        tag = ARGUMENT_TAG if refs else next((t.key for t in draft.tags), "")
        keys = tuple(draft.merged()[1])
        if ref is not None and keys:
            self.consumers.append(EventConsumer("call", tag, ref, keys, ctx.scope))

    def _emitter(self, node: ast.Call, ctx: Context) -> None:
        """``send_event(user_id, "tool_completed", tool_name=..., **more)``.

        Every positional string or name is a candidate event type ("*" tags, in order): the
        first one that resolves project-wide is the type, later unresolved names are mappings
        of fields.
        """
        candidates: list[EventRef] = []
        dicts: list[ast.Dict] = []
        unseen = False
        for arg in node.args:
            if isinstance(arg, ast.Dict):
                dicts.append(arg)
            elif isinstance(arg, ast.Starred):
                continue
            else:
                ref = self._ref(arg)
                if ref is not None:
                    candidates.append(ref)
                else:
                    unseen = True  # a call result or a subscript: a mapping we cannot see
        keywords = [kw for kw in node.keywords if kw.arg not in _TRANSPORT_KEYWORDS]
        for kw in keywords:
            if kw.arg in _TYPE_KEYWORDS:
                ref = self._ref(kw.value)
                if ref is not None:
                    candidates.insert(0, ref)
                    keywords.remove(kw)
                    break
        if not candidates and not dicts:
            return
        # No type among the arguments: it sits in the dict (``send_event({"type": ...})``).
        draft = _Draft(node.lineno, self._col(node), "emitter", ctx.scope)
        draft.tags.extend(EventTag("*", ref) for ref in candidates)
        if unseen or any(isinstance(arg, ast.Starred) for arg in node.args):
            draft.open_levels.add("")
        for arg in dicts:
            self._skip.add(id(arg))
            self._add_mapping(draft, arg)
        for kw in keywords:
            if kw.arg is None:
                draft.open_levels.add("")
            else:
                self._add_item(draft, kw.arg, kw.value, kw)
        if draft.tags:
            self.drafts.append(draft)

    # reads -----------------------------------------------------------------------------------
    def _add_guard(self, guard: _Guard) -> None:
        self.guards.append(guard)
        self._scope_guards.setdefault(guard.scope, []).append(guard)

    def _reads_after_guard(self, test: ast.expr, var: str, scope: ScopeKey) -> None:
        """``if msg["header"]["msg_type"] == "status" and msg["content"]["state"] == ...``: the
        reads that follow the guard in the same ``and``."""
        if not (isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And)):
            return
        guarded = False
        for value in test.values:
            if not guarded:
                guarded = self._guard_test(value, scope) is not None
                continue
            handled: set[int] = set()
            for n in ast.walk(value):  # outer nodes first: a nested read covers its inner one
                if id(n) in handled:
                    continue
                found, inner, at = self._read_of(n)
                if found is not None and found[0] == var:
                    self.reads.append((scope, var, self._key(found[1], found[2], at)))
                    if inner is not None:
                        handled.add(id(inner))

    def _scan_reads(self, node: ast.stmt, scope: ScopeKey, ctx: Context) -> None:
        """Reads of a guarded variable in this statement's own expressions (not its body)."""
        line = node.lineno
        names = {g.var for g in self._scope_guards[scope] if g.start <= line <= g.end}
        if not names or isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            return
        stack: list[ast.AST] = []
        for field, value in ast.iter_fields(node):
            if field in _BODY_FIELDS:
                continue
            if isinstance(value, list):
                stack.extend(v for v in value if isinstance(v, ast.AST))
            elif isinstance(value, ast.AST):
                stack.append(value)
        handled: set[int] = set()
        while stack:
            n = stack.pop()
            if id(n) not in handled:
                found, inner, at = self._read_of(n)
                if found is not None and found[0] in names:
                    self.reads.append((scope, found[0], self._key(found[1], found[2], at)))
                    if inner is not None:
                        handled.add(id(inner))
            stack.extend(ast.iter_child_nodes(n))

    @staticmethod
    def _read_of(n: ast.AST) -> tuple[tuple[str, str, str] | None, ast.AST | None, ast.AST]:
        """(var, key, level) read by ``n``, the inner node already covered, the key's node."""
        if isinstance(n, ast.Subscript):
            if not isinstance(n.ctx, ast.Load):
                return None, None, n
            found = _key_read(n)
            return found, (n.value if found is not None and found[2] else None), n.slice
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "get" and n.args:
            found = _key_read(n)
            return found, (n.func.value if found is not None and found[2] else None), n.args[0]
        if isinstance(n, ast.Compare) and len(n.ops) == 1 and isinstance(n.ops[0], (ast.In, ast.NotIn)):
            key = _str(n.left)
            container = n.comparators[0]
            if key is None:
                return None, None, n
            if isinstance(container, ast.Name):
                return (container.id, key, ""), None, n.left
            env = _key_read(container)
            if env is not None and env[2] == "":
                return (env[0], key, env[1]), container, n.left
        return None, None, n

    # result ----------------------------------------------------------------------------------
    def finish(self) -> dict[str, Any]:
        self._helper_calls()
        producers = tuple(p for p in (d.freeze() for d in self.drafts if not d.absorbed) if p.tags)
        by_var: dict[tuple[ScopeKey, str], list[_Guard]] = {}
        for g in self.guards:
            by_var.setdefault((g.scope, g.var), []).append(g)
        for scope, var, key in self.reads:
            candidates = [g for g in by_var.get((scope, var), ()) if g.start <= key.line <= g.end]
            if candidates:
                max(candidates, key=lambda g: g.start).reads.append(key)
        consumers = list(self.consumers)
        for g in self.guards:
            reads = tuple(r for r in g.reads if (f"{r.level}.{r.name}" if r.level else r.name) != g.key)
            if reads:
                consumers.append(EventConsumer("read", g.key, g.event, reads, g.name))
        return {
            "event_producers": tuple(sorted(producers, key=lambda p: (p.line, p.column))),
            "event_consumers": tuple(sorted(consumers, key=lambda c: (c.event.line, c.event.column, c.kind))),
            "string_constants": tuple(self.constants),
        }


def _is_index(node: ast.expr) -> bool:
    """``0`` or ``-1``: an element of a list."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        node = node.operand
    return isinstance(node, ast.Constant) and type(node.value) is int


def _key_read(node: ast.expr) -> tuple[str, str, str] | None:
    """``var["k"]`` / ``var.get("k")`` -> (var, "k", ""); ``var["content"]["k"]`` -> (var, "k", "content")."""
    if isinstance(node, ast.Subscript):
        key, base = _str(node.slice), node.value
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" and node.args:
        key, base = _str(node.args[0]), node.func.value
    else:
        return None
    if key is None:
        return None
    if isinstance(base, ast.Name):
        return base.id, key, ""
    if isinstance(base, ast.Subscript) and isinstance(base.value, ast.Name) and _is_index(base.slice):
        return base.value.id + "[]", key, ""  # xs[0]["k"]: an element of a filtered list
    inner = _key_read(base)
    if inner is not None and inner[2] == "":
        return inner[0], key, inner[1]  # one level down: which levels are envelopes the spec says
    return None
