"""Load an event spec (ssotlint YAML, JSON Schema draft 7+, AsyncAPI 2.6/3.0) into a :class:`Spec`.

YAML is read with a safe loader that remembers the line of every mapping and key, so that
findings can point at the spec entry an event drifted from and a broken spec is reported
with file, line and key. ``$ref`` is followed inside the document and into other files
next to it (inside the project root), with cycle detection.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from ssotlint.limits import DEFAULT_MAX_FILE_SIZE, too_large
from ssotlint.specs.model import ENVELOPES, FLAT, JSON_TYPES, EventSpec, FieldSpec, Spec, SpecError

#: Keys a JSON Schema or AsyncAPI discriminator is preferred among, when several would do.
PREFERRED_DISCRIMINATORS = ("type", "event", "event_type", "kind", "message_type", "msg_type", "action", "method")
_KEY = re.compile(r"^[A-Za-z_$@][\w$@-]*(\.[A-Za-z_$@][\w$@-]*)*$")

# --- line-aware YAML ------------------------------------------------------------------------


class LineDict(dict[Any, Any]):
    line: int = 1
    key_lines: dict[Any, int]


class LineList(list[Any]):
    line: int = 1
    item_lines: list[int]


class _Duplicate(Exception):
    def __init__(self, key: object, line: int, message: str = "duplicate key") -> None:
        self.key, self.line, self.message = key, line, message


class _Loader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        try:
            hash(key)
        except TypeError:
            raise _Duplicate(key, line, "a key must be a string") from None
        if key in result:
            raise _Duplicate(key, line)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = line
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)  # type: ignore[arg-type]
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)  # type: ignore[arg-type]


def parse_document(text: str, display: str) -> Any:
    """YAML or JSON text -> data with line numbers; errors name file and line."""
    if display.endswith(".json") and "\t" in text:
        text = text.replace("\t", " ")  # JSON allows no raw tab inside a string: only indentation
    try:
        return yaml.load(text, Loader=_Loader)
    except _Duplicate as dup:
        raise SpecError(display, dup.line, str(dup.key), dup.message) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        if display.endswith(".json"):
            try:
                return json.loads(text)  # JSON that YAML 1.1 rejects (tabs...): no line numbers
            except json.JSONDecodeError as jexc:
                raise SpecError(display, jexc.lineno, "(json)", f"invalid JSON: {jexc.msg}") from None
        raise SpecError(display, line, "(yaml)", f"invalid YAML: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise SpecError(display, None, "(yaml)", f"invalid YAML: {exc}") from None
    except RecursionError:
        raise SpecError(display, None, "(yaml)", "the document nests too deeply") from None


def line_of(node: Any, key: Any = None) -> int:
    if key is not None and isinstance(node, LineDict):
        return node.key_lines.get(key, node.line)
    return getattr(node, "line", 1)


# --- documents and $ref --------------------------------------------------------------------------


class Documents:
    """The spec file and every file its ``$ref``s reach, parsed once each (none may have
    more than ``max_size`` bytes: YAML is read at about 10 s per megabyte)."""

    def __init__(self, root: Path, max_size: int = DEFAULT_MAX_FILE_SIZE) -> None:
        self.root = root.resolve()
        self.max_size = max_size
        self.docs: dict[str, Any] = {}

    def display(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def load(self, path: Path, referrer: str | None = None, line: int | None = None) -> Any:
        path = path.resolve()
        display = self.display(path)
        if display in self.docs:
            return self.docs[display]
        if not path.is_relative_to(self.root):
            where = referrer or display
            raise SpecError(where, line, "$ref" if referrer else "event-spec", f"{path} is outside the project root")
        try:
            size = path.stat().st_size
            if size > self.max_size:
                raise SpecError(display, None, "(file)", too_large(size, self.max_size))
            text = path.read_text("utf-8")
        except FileNotFoundError:
            raise SpecError(referrer or display, line, "$ref" if referrer else "event-spec", f"no such file: {display}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise SpecError(display, None, "(file)", f"cannot read: {exc}") from None
        data = parse_document(text, display)
        self.docs[display] = data
        return data

    def resolve(self, ref: Any, file: str, line: int) -> tuple[Any, str]:
        """The target of one ``$ref`` written in ``file``: (node, file it lives in)."""
        if not isinstance(ref, str):
            raise SpecError(file, line, "$ref", "expected a string")
        target_file, _, pointer = ref.partition("#")
        if target_file:
            if "://" in target_file:
                raise SpecError(file, line, "$ref", f"remote references are not supported: {ref}")
            base = (self.root / file).parent
            doc_path = base / target_file
            doc = self.load(doc_path, file, line)
            file = self.display(doc_path)
        else:
            doc = self.docs[file]
        node = doc
        if pointer and pointer != "/":
            for raw in pointer.lstrip("/").split("/"):
                part = raw.replace("~1", "/").replace("~0", "~")
                if isinstance(node, dict) and part in node:
                    node = node[part]
                elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                    node = node[int(part)]
                else:
                    raise SpecError(file, line, "$ref", f"{ref!r} points nowhere ({part!r} not found)")
        return node, file

    def deref(self, node: Any, file: str) -> tuple[Any, str]:
        """Follow ``$ref`` chains; a chain that comes back to itself is an error."""
        seen: set[tuple[str, str]] = set()
        while isinstance(node, dict) and "$ref" in node:
            ref = node["$ref"]
            key = (file, str(ref))
            line = line_of(node, "$ref")
            if key in seen:
                raise SpecError(file, line, "$ref", f"reference cycle through {ref!r}")
            seen.add(key)
            node, file = self.resolve(ref, file, line)
        return node, file


# --- entry point ---------------------------------------------------------------------------------


def load_spec(
    root: Path, rel: str, config_display: str = "pyproject.toml", max_size: int = DEFAULT_MAX_FILE_SIZE
) -> Spec:
    root = root.resolve()
    path = (root / rel).resolve()
    if not path.is_relative_to(root):
        raise SpecError(config_display, None, "event-spec", f"{rel!r} is outside the project root")
    if not path.is_file():
        raise SpecError(config_display, None, "event-spec", f"no such file: {rel}")
    docs = Documents(root, max_size)
    data = docs.load(path)
    display = docs.display(path)
    if not isinstance(data, dict):
        raise SpecError(display, line_of(data), "(document)", "expected a mapping at the top level")
    if "asyncapi" in data:
        spec = _AsyncApi(docs, display).build(data)
    elif not any(k in data for k in _JSON_SCHEMA_MARKERS):
        spec = _native(data, display)
    else:
        spec = _JsonSchema(docs, display).build(data)
    return dataclasses.replace(spec, documents=tuple(sorted(docs.docs)))


_JSON_SCHEMA_MARKERS = ("$schema", "oneOf", "anyOf", "definitions", "$defs")


# --- ssotlint's own format -------------------------------------------------------------------------

_TOP_KEYS = ("version", "discriminator", "envelope", "additional", "top-level", "events")
_EVENT_KEYS = ("required", "optional", "additional", "envelope", "description")


def _unknown(display: str, node: dict[Any, Any], key: Any, known: tuple[str, ...], where: str) -> SpecError:
    close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return SpecError(display, line_of(node, key), f"{where}{key}", f"unknown key{hint}; expected one of {', '.join(known)}")


def _envelope_value(value: Any, display: str, line: int, key: str) -> str:
    if not isinstance(value, str) or "." in value or not _KEY.match(value):
        raise SpecError(display, line, key, f"expected {FLAT} or the key fields are nested under (payload, data, args...); got {value!r}")
    return "" if value == FLAT else value


def _discriminators(value: Any, display: str, line: int) -> tuple[str, ...]:
    """``type``, ``header.msg_type`` (nested) or a list of keys (``[action, observation]``)."""
    values = value if isinstance(value, list) else [value]
    if not values or not all(isinstance(v, str) and _KEY.match(v) for v in values):
        raise SpecError(
            display, line, "discriminator", f"expected a key (type, event, header.msg_type...) or a list of keys; got {value!r}"
        )
    return tuple(dict.fromkeys(values))


def _native(data: dict[Any, Any], display: str) -> Spec:
    for key in data:
        if key not in _TOP_KEYS:
            raise _unknown(display, data, key, _TOP_KEYS, "")
    version = data.get("version", 1)
    if version != 1:
        raise SpecError(display, line_of(data, "version"), "version", f"unsupported version {version!r} (expected 1)")
    discs = _discriminators(data.get("discriminator", "type"), display, line_of(data, "discriminator"))
    envelope = _envelope_value(data.get("envelope", FLAT), display, line_of(data, "envelope"), "envelope")
    additional = data.get("additional", False)
    if not isinstance(additional, bool):
        raise SpecError(display, line_of(data, "additional"), "additional", "expected true or false")
    top_level = data.get("top-level", [])
    if not isinstance(top_level, list) or not all(isinstance(t, str) for t in top_level):
        raise SpecError(display, line_of(data, "top-level"), "top-level", "expected a list of field names")
    events_node = data.get("events")
    if not isinstance(events_node, dict) or not events_node:
        raise SpecError(display, line_of(data, "events"), "events", "expected a mapping of event name -> fields")
    events: dict[str, EventSpec] = {}
    for name, body in events_node.items():
        where = f"events.{name}"
        line = line_of(events_node, name)
        if not isinstance(name, str):
            raise SpecError(display, line, where, "an event name must be a string")
        if body is None:
            body = LineDict()
            body.line, body.key_lines = line, {}
        if not isinstance(body, dict):
            raise SpecError(display, line, where, "expected a mapping with required/optional")
        for key in body:
            if key not in _EVENT_KEYS:
                raise _unknown(display, body, key, _EVENT_KEYS, where + ".")
        ev_env = envelope
        if "envelope" in body:
            ev_env = _envelope_value(body["envelope"], display, line_of(body, "envelope"), where + ".envelope")
        ev_add = body.get("additional", additional)
        if not isinstance(ev_add, bool):
            raise SpecError(display, line_of(body, "additional"), where + ".additional", "expected true or false")
        fields: dict[str, FieldSpec] = {}
        for kind in ("required", "optional"):
            for fname, ftype, fline in _field_list(body, kind, display, where):
                if fname in fields:
                    raise SpecError(display, fline, f"{where}.{kind}", f"field {fname!r} is listed twice")
                # A field named like the discriminator stays: an emitter's payload may carry one
                # (a toast's ``type``); a dict whose type sits under that key is not asked for it.
                level = "" if (not ev_env or fname in top_level) else ev_env
                fields[fname] = FieldSpec(fname, level, kind == "required", ftype, fline)
        events[name] = EventSpec(name, fields, ev_add, ev_env, line)
    return Spec(display, "ssotlint", discs[0], events, 1, discriminators=discs)


def _field_list(body: dict[Any, Any], kind: str, display: str, where: str) -> Iterator[tuple[str, str | None, int]]:
    node = body.get(kind)
    if node is None:
        return
    key = f"{where}.{kind}"
    if isinstance(node, list):
        lines = getattr(node, "item_lines", [line_of(body, kind)] * len(node))
        for item, line in zip(node, lines, strict=True):
            if not isinstance(item, str):
                raise SpecError(display, line, key, f"expected field names, got {item!r}")
            yield item, None, line
    elif isinstance(node, dict):
        for fname, ftype in node.items():
            line = line_of(node, fname)
            if not isinstance(fname, str):
                raise SpecError(display, line, key, f"expected field names, got {fname!r}")
            if ftype is not None and ftype not in JSON_TYPES:
                raise SpecError(display, line, f"{key}.{fname}", f"unknown JSON type {ftype!r}; expected one of {', '.join(JSON_TYPES)}")
            yield fname, ftype, line
    else:
        raise SpecError(display, line_of(body, kind), key, "expected a list of field names or a mapping name -> JSON type")


# --- JSON Schema -------------------------------------------------------------------------------


#: YAML aliases let a short file repeat a schema exponentially often (each of nine ``allOf``
#: entries an alias of the level below: 9**9 schemas). No real spec comes near this.
MAX_EXPANDED_SCHEMAS = 100_000


class _Schemas:
    """Event object schemas -> :class:`EventSpec`; shared by JSON Schema and AsyncAPI."""

    format = "json-schema"

    def __init__(self, docs: Documents, display: str) -> None:
        self.docs = docs
        self.display = display
        self.expanded = 0  # schemas merged so far, whole spec

    def merged(self, node: Any, file: str, depth: int = 0) -> tuple[dict[str, Any], list[str], bool, int]:
        """(properties, required, closed, line) of an object schema, ``allOf`` merged."""
        node, file = self.docs.deref(node, file)
        if not isinstance(node, dict):
            raise SpecError(file, line_of(node), "(schema)", "expected an object schema")
        if depth > 32:
            raise SpecError(file, line_of(node, "allOf"), "allOf", "`allOf` nests too deeply (a reference cycle?)")
        self.expanded += 1
        if self.expanded > MAX_EXPANDED_SCHEMAS:
            raise SpecError(
                file, line_of(node), "allOf", f"`allOf` expands to more than {MAX_EXPANDED_SCHEMAS:,} schemas (an alias bomb?)"
            )
        props: dict[str, Any] = {}
        required: list[str] = []
        closed = node.get("additionalProperties") is False or node.get("unevaluatedProperties") is False
        parts = node.get("allOf") or []
        if not isinstance(parts, list):
            raise SpecError(file, line_of(node, "allOf"), "allOf", "expected a list of schemas")
        for part in parts:
            p, r, c, _ = self.merged(part, file, depth + 1)
            props.update(p)
            required.extend(r)
            closed = closed or c
        own = node.get("properties") or {}
        if isinstance(own, dict):
            for k, v in own.items():
                props[k] = (v, file, line_of(own, k))
        req = node.get("required") or []
        if isinstance(req, list):
            required.extend(r for r in req if isinstance(r, str))
        return props, required, closed, line_of(node)

    def const_of(self, prop: Any) -> str | None:
        schema, file = prop[0], prop[1]
        schema, _ = self.docs.deref(schema, file)
        if not isinstance(schema, dict):
            return None
        if isinstance(schema.get("const"), str):
            return str(schema["const"])
        enum = schema.get("enum")
        if isinstance(enum, list) and len(enum) == 1 and isinstance(enum[0], str):
            return enum[0]
        return None

    def pick_discriminator(self, candidates: list[tuple[dict[str, Any], str, int]], explicit: str | None) -> str:
        """The explicit one, else a property with a constant in every schema and a different
        value in each (a ``type`` that is ``"object"`` everywhere names nothing)."""
        if explicit is not None:
            return explicit
        common: set[str] | None = None
        for props, _, _ in candidates:
            with_const = {k for k, v in props.items() if self.const_of(v) is not None}
            common = with_const if common is None else common & with_const
        distinct = sorted(
            k for k in common or set() if len({self.const_of(p[k]) for p, _, _ in candidates}) == len(candidates)
        )
        for preferred in PREFERRED_DISCRIMINATORS:
            if preferred in distinct:
                return preferred
        if distinct:
            return distinct[0]
        # Events are told apart by name (the channel or message): a key no payload has.
        present = {k for props, _, _ in candidates for k in props}
        return next((k for k in PREFERRED_DISCRIMINATORS if k not in present), "type")

    def event(
        self, name: str, props: dict[str, Any], required: list[str], closed: bool, disc: str, line: int
    ) -> EventSpec:
        fields: dict[str, FieldSpec] = {}
        envelope = ""
        for key, (schema, file, kline) in props.items():
            if key == disc:
                continue
            if key in ENVELOPES:
                sub, sub_file = self.docs.deref(schema, file)
                if isinstance(sub, dict) and ("properties" in sub or "allOf" in sub):
                    envelope = key
                    nprops, nreq, nclosed, _ = self.merged(sub, sub_file)
                    closed = closed or nclosed
                    for nkey, (nschema, nfile, nline) in nprops.items():
                        fields[nkey] = FieldSpec(nkey, key, nkey in nreq, self.type_of(nschema, nfile), nline)
                    continue
            fields[key] = FieldSpec(key, "", key in required, self.type_of(schema, file), kline)
        return EventSpec(name, fields, not closed, envelope, line)

    def type_of(self, schema: Any, file: str) -> str | None:
        schema, _ = self.docs.deref(schema, file)
        if isinstance(schema, dict) and isinstance(schema.get("type"), str):
            return str(schema["type"])
        return None

    def build_events(
        self,
        items: list[tuple[Any, str, str | None]],
        explicit_disc: str | None,
        root_line: int,
        opaque: tuple[tuple[str, str, int, str], ...] = (),
    ) -> Spec:
        """items: (schema node, file, fallback name); opaque: (name, file, line, why) of events
        whose fields cannot be read (not JSON Schema, not an object)."""
        candidates: list[tuple[dict[str, Any], str, int]] = []
        meta: list[tuple[list[str], bool, str | None, str]] = []
        for node, file, fallback in items:
            props, required, closed, line = self.merged(node, file)
            _, target_file = self.docs.deref(node, file)
            candidates.append((props, target_file, line))
            meta.append((required, closed, fallback, target_file))
        disc = self.pick_discriminator(candidates, explicit_disc)
        if not _KEY.match(disc):
            raise SpecError(self.display, root_line, "discriminator", f"expected a property name; got {disc!r}")
        events: dict[str, EventSpec] = {}
        warnings: list[str] = []
        for (props, _, line), (required, closed, fallback, file) in zip(candidates, meta, strict=True):
            name = self.const_of(props[disc]) if disc in props else None
            name = name or fallback
            if name is None and disc in props:
                raise SpecError(file, line, disc, f"an event schema has neither a `const` for its {disc!r} property nor a name")
            if name is None:
                raise SpecError(
                    file, line, "(schema)", "no property tells the events apart (a `const` with a different value in each) and this schema has no name"
                )
            made = self.event(name, props, required, closed, disc, line)
            if name in events:
                warnings.append(f"{file}:{line}: {name}: a second event with this name; their fields are merged")
                made = _merge(events[name], made)
            events[name] = made
        for name, file, line, why in opaque:
            warnings.append(f"{file}:{line}: {name}: {why}; its fields are not checked")
            events.setdefault(name, EventSpec(name, {}, True, "", line))
        if not events:
            raise SpecError(self.display, root_line, "(schema)", "no event schemas found")
        return Spec(self.display, self.format, disc, events, root_line, warnings=tuple(warnings))


def _merge(a: EventSpec, b: EventSpec) -> EventSpec:
    """One event described twice (sent and received): every field of either, required by both."""
    fields = dict(a.fields)
    for name, f in b.fields.items():
        if name in fields:
            fields[name] = dataclasses.replace(fields[name], required=fields[name].required and f.required)
        else:
            fields[name] = dataclasses.replace(f, required=False)
    for name, f in a.fields.items():
        if name not in b.fields:
            fields[name] = dataclasses.replace(f, required=False)
    return EventSpec(a.name, fields, a.additional or b.additional, a.envelope or b.envelope, a.line)


def _explicit_discriminator(node: Any) -> str | None:
    value = node.get("discriminator") if isinstance(node, dict) else None
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("propertyName"), str):
        return str(value["propertyName"])
    return None


class _JsonSchema(_Schemas):
    def build(self, data: dict[Any, Any]) -> Spec:
        file = self.display
        items: list[tuple[Any, str, str | None]] = []
        for key in ("oneOf", "anyOf"):
            branch = data.get(key)
            if isinstance(branch, list):
                items.extend((b, file, None) for b in branch)
        if not items:
            for key in ("definitions", "$defs"):
                defs = data.get(key)
                if isinstance(defs, dict):
                    items.extend((v, file, str(k)) for k, v in defs.items())
        if not items:
            raise SpecError(file, line_of(data), "(schema)", "expected `oneOf`/`anyOf` of event schemas or `definitions` keyed by event name")
        return self.build_events(items, _explicit_discriminator(data), line_of(data))


# --- AsyncAPI ----------------------------------------------------------------------------------


class _AsyncApi(_Schemas):
    format = "asyncapi"

    def build(self, data: dict[Any, Any]) -> Spec:
        file = self.display
        version = str(data.get("asyncapi", ""))
        if not (version.startswith("2.") or version.startswith("3.")):
            raise SpecError(file, line_of(data, "asyncapi"), "asyncapi", f"unsupported AsyncAPI version {version!r} (2.x or 3.0)")
        default_format = data.get("defaultContentType")
        del default_format
        messages: list[tuple[Any, str, str | None]] = []
        opaque: list[tuple[str, str, int, str]] = []
        seen: set[int] = set()

        def add(node: Any, node_file: str, hint: str | None) -> None:
            """hint: the name the place it is listed at gives (channel message key, operation)."""
            name = _ref_key(node) or hint  # a components key names the message
            msg, msg_file = self.docs.deref(node, node_file)
            if not isinstance(msg, dict) or id(msg) in seen:
                return
            if isinstance(msg.get("oneOf"), list):
                seen.add(id(msg))
                for i, sub in enumerate(msg["oneOf"], 1):
                    add(sub, msg_file, f"{name}.{i}" if name else None)
                return
            payload = msg.get("payload")
            if payload is None:
                return
            seen.add(id(msg))
            label = next((msg[k] for k in ("name", "messageId") if isinstance(msg.get(k), str)), None) or name
            fmt = msg.get("schemaFormat")
            if isinstance(payload, dict) and "schemaFormat" in payload and "schema" in payload:
                fmt, payload = payload["schemaFormat"], payload["schema"]  # AsyncAPI 3.0 multi-format schema
            if isinstance(fmt, str) and not _json_schema_format(fmt):
                opaque.append((label or "message", msg_file, line_of(msg), f"its payload is {fmt}, not JSON Schema"))
                return
            target, target_file = self.docs.deref(payload, msg_file)
            branches = None
            if isinstance(target, dict) and "properties" not in target:
                branches = target.get("oneOf") or target.get("anyOf")
            if isinstance(branches, list):
                for i, sub in enumerate(branches, 1):  # one event per branch
                    sub_name = _ref_key(sub) or _title(self.docs.deref(sub, target_file)[0])
                    messages.append((sub, target_file, sub_name or (f"{label}.{i}" if label else None)))
                return
            if not (isinstance(target, dict) and ("properties" in target or "allOf" in target)):
                # Not an object (a string, a binary blob): an event whose fields are not checked.
                opaque.append((label or "message", msg_file, line_of(msg), "its payload is not an object schema"))
                return
            messages.append((payload, msg_file, label))

        channels = data.get("channels") or {}
        if isinstance(channels, dict):
            for channel_key, channel in channels.items():
                channel, ch_file = self.docs.deref(channel, file)
                if not isinstance(channel, dict):
                    continue
                for op in ("publish", "subscribe"):  # AsyncAPI 2.x
                    operation = channel.get(op)
                    if isinstance(operation, dict) and "message" in operation:
                        op_id = operation.get("operationId")
                        add(operation["message"], ch_file, op_id if isinstance(op_id, str) else str(channel_key))
                msgs = channel.get("messages")  # AsyncAPI 3.0
                if isinstance(msgs, dict):
                    for key, msg in msgs.items():
                        add(msg, ch_file, str(key))
        components = data.get("components") or {}
        comp_messages = components.get("messages") if isinstance(components, dict) else None
        if isinstance(comp_messages, dict):
            for key, msg in comp_messages.items():
                add(msg, file, str(key))
        if not messages and not opaque:
            raise SpecError(file, line_of(data), "channels", "no messages with a payload found")
        explicit = None
        for payload, pfile, _ in messages:
            target, _ = self.docs.deref(payload, pfile)
            explicit = explicit or _explicit_discriminator(target)
        return self.build_events(messages, explicit, line_of(data), tuple(opaque))


def _ref_key(node: Any) -> str | None:
    """``{"$ref": "#/components/messages/lightMeasured"}`` -> ``lightMeasured``."""
    ref = node.get("$ref") if isinstance(node, dict) else None
    if isinstance(ref, str) and "#/" in ref:
        return ref.rsplit("/", 1)[-1] or None
    return None


def _title(node: Any) -> str | None:
    title = node.get("title") if isinstance(node, dict) else None
    return title if isinstance(title, str) else None


def _json_schema_format(fmt: str) -> bool:
    """AsyncAPI ``schemaFormat``: JSON Schema and AsyncAPI schemas are read; Avro, RAML,
    Protobuf... are not."""
    kind = fmt.split(";", 1)[0].strip().lower()
    return kind in ("application/schema+json", "application/schema+yaml", "") or kind.startswith("application/vnd.aai.asyncapi")
