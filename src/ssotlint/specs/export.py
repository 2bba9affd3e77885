"""Write the event spec model out for code and tools that are not ssotlint.

Three forms, each generated from one :class:`~ssotlint.specs.model.Spec`, in the spec's own
order of events and fields so that the same spec always gives the same text:

- ``jsonschema``: a JSON Schema 2020-12 document, one ``$defs`` entry per event and a
  ``oneOf`` over them, for run-time validators (``jsonschema``, ``ajv``);
- ``asyncapi``: an AsyncAPI 3.0 document with one channel, one message per event and the
  payload schemas under ``components.schemas``;
- ``typeddict``: a Python module with one ``TypedDict`` per event (``Literal`` discriminator,
  ``NotRequired`` optional fields, a nested envelope as a ``TypedDict`` of its own) and a
  ``Union`` of them, for static typing.

Both schema forms load back through :mod:`ssotlint.specs.load` into the same model
(:func:`signature` says what "the same" means) when the discriminator is one top-level key
and the envelope is ``payload`` or ``data``; other vocabularies are written as valid schemas
that describe the same documents, with a note in :func:`export_notes`.

This module depends on the spec model only.
"""

from __future__ import annotations

import json
import keyword
import re
from collections.abc import Mapping
from typing import Any

from ssotlint.specs.model import ENVELOPES, EventSpec, FieldSpec, Spec

FORMATS = ("jsonschema", "asyncapi", "typeddict")
JSON_SCHEMA_2020 = "https://json-schema.org/draft/2020-12/schema"

_PY_TYPES = {
    "string": "str",
    "number": "float",
    "integer": "int",
    "boolean": "bool",
    "object": "dict[str, Any]",
    "array": "list[Any]",
    "null": "None",
}


Signature = tuple[tuple[str, ...], tuple[tuple[str, str, bool, tuple[tuple[str, str, bool, str | None], ...]], ...]]


def signature(spec: Spec) -> Signature:
    """What a spec says, without where it says it: the discriminator keys and, per event, its
    envelope, whether unknown fields are allowed, and each field's level, requiredness and
    type (event and field order ignored; lines, paths and the source format too)."""
    events = tuple(
        sorted(
            (
                e.name,
                e.envelope,
                e.additional,
                tuple(sorted((f.name, f.level, f.required, f.type) for f in e.fields.values())),
            )
            for e in spec.events.values()
        )
    )
    return spec.keys, events


def export_notes(spec: Spec, fmt: str) -> list[str]:
    """What the written form cannot say the way ssotlint's own YAML says it."""
    notes: list[str] = []
    if fmt in ("jsonschema", "asyncapi"):
        if len(spec.keys) > 1:
            notes.append(
                f"the spec has several discriminators ({', '.join(spec.keys)}); each event is written with the first, {spec.keys[0]!r}"
            )
        if "." in spec.keys[0]:
            notes.append(
                f"the discriminator {spec.keys[0]!r} is nested: the schemas describe it, but loading them back reads the event name from the schema name"
            )
        odd = sorted({e.envelope for e in spec.events.values() if e.envelope and e.envelope not in ENVELOPES})
        if odd:
            notes.append(
                f"envelope {', '.join(map(repr, odd))} is written as an object property; loaded back, only 'payload' and 'data' are read as envelopes"
            )
    elif fmt == "typeddict" and len(spec.keys) > 1:
        notes.append(f"the spec has several discriminators ({', '.join(spec.keys)}); each event is typed with the first, {spec.keys[0]!r}")
    head = spec.keys[0].split(".", 1)[0]
    shadowed = sorted(e.name for e in spec.events.values() if any(f.name == head and not f.level for f in e.fields.values()))
    if shadowed:
        notes.append(
            f"{', '.join(shadowed)}: a top-level field named like the discriminator {head!r} is written as the discriminator"
        )
    return notes


# --- JSON Schema ---------------------------------------------------------------------------------


def _field_schema(f: FieldSpec) -> dict[str, Any]:
    return {"type": f.type} if f.type else {}


def _object(fields: list[FieldSpec], additional: bool, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    extra = extra or {}
    props: dict[str, Any] = dict(extra)
    for f in fields:
        props[f.name] = _field_schema(f)
    required = [*(k for k in extra), *(f.name for f in fields if f.required)]
    schema: dict[str, Any] = {"type": "object", "properties": props}
    if required:
        schema["required"] = required
    if not additional:
        schema["additionalProperties"] = False
    return schema


def _discriminator_schema(key: str, name: str) -> tuple[str, dict[str, Any]]:
    """(top-level property, its schema): ``header.msg_type`` becomes ``header: {msg_type: const}``."""
    head, _, rest = key.partition(".")
    if not rest:
        return head, {"const": name}
    inner_key, inner = _discriminator_schema(rest, name)
    return head, {"type": "object", "properties": {inner_key: inner}, "required": [inner_key]}


def event_schema(spec: Spec, e: EventSpec) -> dict[str, Any]:
    """The JSON Schema of one event document."""
    disc_key, disc_schema = _discriminator_schema(spec.keys[0], e.name)
    top = [f for f in e.fields.values() if not f.level and f.name != disc_key]
    nested = [f for f in e.fields.values() if f.level]
    extra: dict[str, Any] = {disc_key: disc_schema}
    schema = _object(top, e.additional, extra)
    if e.envelope:
        envelope = _object(nested, e.additional)
        schema["properties"][e.envelope] = envelope
        if any(f.required for f in nested):
            schema.setdefault("required", []).append(e.envelope)
    return schema


def _def_names(spec: Spec) -> dict[str, str]:
    """Event name -> a key for ``$defs`` and AsyncAPI components (letters, digits, ``.-_``
    only, as AsyncAPI requires; unique)."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    for name in spec.events:
        base = re.sub(r"[^A-Za-z0-9._-]", "_", name) or "event"
        key, i = base, 2
        while key in taken:
            key, i = f"{base}_{i}", i + 1
        taken.add(key)
        out[name] = key
    return out


def _pointer(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def to_json_schema(spec: Spec, title: str | None = None) -> dict[str, Any]:
    names = _def_names(spec)
    doc: dict[str, Any] = {
        "$schema": JSON_SCHEMA_2020,
        "title": title or f"Events of {spec.path}",
        "description": f"Generated by ssotlint from {spec.path}; do not edit: regenerate with `ssotlint events export`.",
        "discriminator": {"propertyName": spec.keys[0]},
        "oneOf": [{"$ref": f"#/$defs/{_pointer(names[n])}"} for n in spec.events],
        "$defs": {names[n]: event_schema(spec, e) for n, e in spec.events.items()},
    }
    return doc


# --- AsyncAPI 3.0 --------------------------------------------------------------------------------


def to_asyncapi(spec: Spec, title: str | None = None) -> dict[str, Any]:
    names = _def_names(spec)
    messages: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    for n, e in spec.events.items():
        key = names[n]
        schemas[key] = event_schema(spec, e)
        messages[key] = {"name": n, "payload": {"$ref": f"#/components/schemas/{_pointer(key)}"}}
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": title or f"Events of {spec.path}",
            "version": "1.0.0",
        },
        "channels": {
            "events": {
                "address": "events",
                "messages": {names[n]: {"$ref": f"#/components/messages/{_pointer(names[n])}"} for n in spec.events},
            }
        },
        "operations": {
            "sendEvents": {
                "action": "send",
                "channel": {"$ref": "#/channels/events"},
                "messages": [{"$ref": f"#/channels/events/messages/{_pointer(names[n])}"} for n in spec.events],
            }
        },
        "components": {"messages": messages, "schemas": schemas},
    }


# --- TypedDict module ----------------------------------------------------------------------------


def _class_name(name: str, suffix: str, taken: set[str]) -> str:
    words = re.split(r"[^0-9A-Za-z]+|(?<=[a-z0-9])(?=[A-Z])", name)
    base = "".join(w[:1].upper() + w[1:] for w in words if w) or "Event"
    if base[0].isdigit():
        base = "E" + base
    candidate = base + suffix
    i = 2
    while candidate in taken:
        candidate = f"{base}{i}{suffix}"
        i += 1
    taken.add(candidate)
    return candidate


def _py_type(f: FieldSpec) -> str:
    return _PY_TYPES.get(f.type or "", "Any")


def _typed_dict(cls: str, entries: list[tuple[str, str]], doc: str) -> list[str]:
    """Class syntax when every key is an identifier, the functional form otherwise."""
    if all(k.isidentifier() and not keyword.iskeyword(k) for k, _ in entries):
        return [f"class {cls}(TypedDict):", f"    {_docstring(doc)}", *(f"    {k}: {t}" for k, t in entries)]
    body = ", ".join(f"{json.dumps(k)}: {t}" for k, t in entries)
    return [f"# {doc}", f"{cls} = TypedDict({json.dumps(cls)}, {{{body}}})"]


def _docstring(text: str) -> str:
    return '"""' + text.replace("\\", "\\\\").replace('"', '\\"') + '"""'


def _annotation(f: FieldSpec) -> str:
    t = _py_type(f)
    return f"Required[{t}]" if f.required else f"NotRequired[{t}]"


def to_typeddict_module(spec: Spec, union: str = "Event") -> str:
    """Python source of a module of TypedDicts for ``spec``."""
    taken: set[str] = {union, "Any", "Literal", "NotRequired", "Required", "TypedDict", "Union", "EVENT_TYPES"}
    blocks: list[list[str]] = []
    classes: list[str] = []
    disc = spec.keys[0]
    for n, e in spec.events.items():
        cls = _class_name(n, "Event", taken)
        classes.append(cls)
        head, _, rest = disc.partition(".")
        entries: list[tuple[str, str]] = []
        if rest:
            # header.msg_type: the header is a TypedDict with the Literal (other header keys are
            # not described by the spec, so the header stays open to them at run time only).
            hcls = _class_name(n, head[:1].upper() + head[1:], taken)
            inner = rest.split(".")
            blocks.append(_nested_discriminator(hcls, inner, n, taken))
            entries.append((head, f"Required[{hcls}]"))
        else:
            entries.append((disc, f"Required[Literal[{json.dumps(n)}]]"))
        entries += [(f.name, _annotation(f)) for f in e.fields.values() if not f.level and f.name != head]
        nested = [f for f in e.fields.values() if f.level]
        if e.envelope:
            ecls = _class_name(n, e.envelope[:1].upper() + e.envelope[1:], taken)
            blocks.append(
                _typed_dict(ecls, [(f.name, _annotation(f)) for f in nested], f"The {e.envelope!r} of the {n} event.")
            )
            needed = any(f.required for f in nested)
            entries.append((e.envelope, f"Required[{ecls}]" if needed else f"NotRequired[{ecls}]"))
        blocks.append(_typed_dict(cls, entries, f"The {n} event."))
    header = [
        f'"""Event types generated by ssotlint from {spec.path}: one TypedDict per event and their union.',
        "",
        "Do not edit: regenerate with `ssotlint events export --format typeddict`.",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        "import sys",
        "from typing import Any, Literal, Union",
        "",
        "if sys.version_info >= (3, 11):",
        "    from typing import NotRequired, Required, TypedDict",
        "else:",
        "    from typing_extensions import NotRequired, Required, TypedDict",
    ]
    out = header
    for block in blocks:
        out += ["", "", *block]
    members = ", ".join(classes)
    out += ["", "", f"{union} = Union[{members}]"]
    out += ["", "#: Every event type the spec defines.", f"EVENT_TYPES: tuple[str, ...] = {_tuple(spec.events)}"]
    return "\n".join(out) + "\n"


def _tuple(names: Mapping[str, Any]) -> str:
    items = [json.dumps(n) for n in names]
    return f"({items[0]},)" if len(items) == 1 else f"({', '.join(items)})"


def _nested_discriminator(cls: str, path: list[str], name: str, taken: set[str]) -> list[str]:
    if len(path) == 1:
        return _typed_dict(cls, [(path[0], f"Required[Literal[{json.dumps(name)}]]")], f"The part of the {name} event that names it.")
    inner = _class_name(name, path[0][:1].upper() + path[0][1:], taken)
    lines = _nested_discriminator(inner, path[1:], name, taken)
    return [*lines, "", "", *_typed_dict(cls, [(path[0], f"Required[{inner}]")], f"The part of the {name} event that names it.")]


# --- entry point ---------------------------------------------------------------------------------


def render(spec: Spec, fmt: str) -> str:
    """The text of the export in ``fmt`` (one of :data:`FORMATS`)."""
    if fmt == "jsonschema":
        return json.dumps(to_json_schema(spec), indent=2, ensure_ascii=False) + "\n"
    if fmt == "asyncapi":
        import yaml

        header = f"# Generated by ssotlint from {spec.path}; do not edit: regenerate with `ssotlint events export --format asyncapi`.\n"
        return header + yaml.safe_dump(to_asyncapi(spec), sort_keys=False, allow_unicode=True, width=100)
    if fmt == "typeddict":
        return to_typeddict_module(spec)
    raise ValueError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")
