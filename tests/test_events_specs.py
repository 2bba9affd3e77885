"""Loading event specs: the three forms, and broken specs reported with file, line and key."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ssotlint.specs.load import load_spec
from ssotlint.specs.model import SpecError

REPO = Path(__file__).parent.parent
SHIPPED = ("rules/specs/agent-events.yaml", "rules/specs/agent-events.schema.json", "rules/specs/agent-events.asyncapi.yaml")


def summary(root: Path, rel: str) -> dict[str, object]:
    spec = load_spec(root, rel)
    return {
        "discriminator": spec.discriminator,
        "events": {
            name: (
                e.envelope,
                e.additional,
                sorted((f.name, f.level, f.required, f.type) for f in e.fields.values()),
            )
            for name, e in sorted(spec.events.items())
        },
    }


def test_shipped_specs_agree() -> None:
    first, *others = (summary(REPO, rel) for rel in SHIPPED)
    assert sorted(first["events"]) == ["agent_completed", "agent_started", "agent_thinking", "tool_completed", "tool_executing"]  # type: ignore[call-overload]
    for other in others:
        assert other == first


def test_event_lines_point_into_the_spec() -> None:
    spec = load_spec(REPO, SHIPPED[0])
    assert spec.events["tool_executing"].line == 15
    assert spec.events["tool_executing"].fields["tool_name"].line == 16


def test_nested_envelope_native_and_json_schema(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(
        "envelope: payload\ntop-level: [timestamp]\nevents:\n  tool_executing:\n    required: [tool_name, timestamp]\n",
        "utf-8",
    )
    (tmp_path / "b.json").write_text(
        '{"oneOf": [{"type": "object", "properties": {"type": {"const": "tool_executing"},'
        ' "timestamp": {}, "payload": {"type": "object", "properties": {"tool_name": {}}, "required": ["tool_name"]}},'
        ' "required": ["type", "timestamp", "payload"], "additionalProperties": false}]}',
        "utf-8",
    )
    for rel in ("a.yaml", "b.json"):
        e = load_spec(tmp_path, rel).events["tool_executing"]
        assert e.envelope == "payload"
        assert {n: (f.level, f.required) for n, f in e.fields.items()} == {"tool_name": ("payload", True), "timestamp": ("", True)}


def test_ref_into_another_file(tmp_path: Path) -> None:
    (tmp_path / "common.yaml").write_text("Started:\n  type: object\n  properties:\n    type: {const: agent_started}\n    user_id: {}\n", "utf-8")
    (tmp_path / "spec.yaml").write_text("oneOf:\n  - $ref: 'common.yaml#/Started'\n", "utf-8")
    spec = load_spec(tmp_path, "spec.yaml")
    assert list(spec.events) == ["agent_started"]
    assert spec.events["agent_started"].additional is True


BROKEN = [
    ("events:\n  a:\n    required: [x\n", "spec.yaml:4: (yaml): invalid YAML"),
    ("version: 1\nevents:\n  a:\n    requried: [x]\n", "spec.yaml:4: events.a.requried: unknown key (did you mean 'required'?)"),
    ("evnts: {}\n", "spec.yaml:1: evnts: unknown key (did you mean 'events'?)"),
    ("events:\n  a: {required: [x]}\n  a: {required: [y]}\n", "spec.yaml:3: a: duplicate key"),
    ("discriminator: 'not a key'\nevents:\n  a: {}\n", "spec.yaml:1: discriminator: expected a key"),
    ("discriminator: []\nevents:\n  a: {}\n", "spec.yaml:1: discriminator: expected a key"),
    ("envelope: a.b\nevents:\n  a: {}\n", "spec.yaml:1: envelope: expected flat or the key"),
    ("events:\n  a:\n    required: {x: text}\n", "spec.yaml:3: events.a.required.x: unknown JSON type 'text'"),
    ("oneOf:\n  - $ref: '#/definitions/missing'\n", "spec.yaml:2: $ref: '#/definitions/missing' points nowhere"),
    (
        "oneOf:\n  - $ref: '#/definitions/a'\ndefinitions:\n  a: {$ref: '#/definitions/b'}\n  b: {$ref: '#/definitions/a'}\n",
        "spec.yaml:5: $ref: reference cycle",
    ),
    (
        "oneOf:\n  - properties: {type: {const: a}}\n  - properties: {type: {const: a}}\n",
        "spec.yaml:2: (schema): no property tells the events apart",
    ),
    ("oneOf:\n  - $ref: '../outside.yaml#/x'\n", "spec.yaml:2: $ref: "),
    ("asyncapi: 1.2.0\n", "spec.yaml:1: asyncapi: unsupported AsyncAPI version '1.2.0'"),
]


@pytest.mark.parametrize(("text", "message"), BROKEN)
def test_broken_spec(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "spec.yaml").write_text(text, "utf-8")
    with pytest.raises(SpecError) as info:
        load_spec(tmp_path, "spec.yaml")
    assert str(info.value).startswith(message)


def test_spec_outside_root_and_missing(tmp_path: Path) -> None:
    (tmp_path / "project").mkdir()
    (tmp_path / "spec.yaml").write_text("events: {a: {}}\n", "utf-8")
    with pytest.raises(SpecError, match=r"event-spec: '\.\./spec\.yaml' is outside the project root"):
        load_spec(tmp_path / "project", "../spec.yaml")
    with pytest.raises(SpecError, match=r"event-spec: no such file: nope\.yaml"):
        load_spec(tmp_path / "project", "nope.yaml")


def test_cli_exits_2_on_a_broken_spec(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.ssotlint]\nevent-spec = "events.yaml"\n', "utf-8")
    (tmp_path / "events.yaml").write_text("version: 1\nevents:\n  a:\n    requried: [x]\n", "utf-8")
    (tmp_path / "m.py").write_text("x = 1\n", "utf-8")
    for args in (["check", "--no-cache"], ["events", "list", "--no-cache"]):
        proc = subprocess.run(
            [sys.executable, "-m", "ssotlint", *args], cwd=tmp_path, capture_output=True, text=True, check=False
        )
        assert proc.returncode == 2
        assert "events.yaml:4: events.a.requried: unknown key" in proc.stderr
        assert "Traceback" not in proc.stderr


def test_config_rejects_wrong_types(tmp_path: Path) -> None:
    from ssotlint.config import ConfigError, load_config

    (tmp_path / "pyproject.toml").write_text(
        "[tool.ssotlint]\nevent-spec = 3\n\n[tool.ssotlint.events]\nemitters = \"send_event\"\nemiters = []\n", "utf-8"
    )
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    text = str(info.value)
    assert "pyproject.toml:2: tool.ssotlint.event-spec: expected a string" in text
    assert "pyproject.toml:5: tool.ssotlint.events.emitters: expected a list of call patterns or tables" in text
    assert "tool.ssotlint.events.emiters: unknown key (did you mean 'emitters'?)" in text


@pytest.mark.parametrize(
    ("emitters", "message"),
    [
        ('[{call = "*.emit", event = 0, payload = 1, room = 2}]', "unknown key 'room' in an emitter; expected call, event, payload, channel"),
        ('[{event = 0}]', "an emitter table needs call = 'pattern'"),
        ('[{call = "*.emit", event = -1}]', "event of emitter '*.emit': expected a position (0, 1...), a keyword name, or a list of them"),
        ('[{call = "*.emit", event = 0, channel = 0}]', "emitter '*.emit': give event or channel, not both"),
        ('[{call = "*.emit"}]', "emitter '*.emit': give event or channel, and payload"),
        ('["*.emit(x)"]', "expected a call pattern such as '*.send_event', got '*.emit(x)'"),
    ],
)
def test_config_rejects_bad_emitter_signatures(tmp_path: Path, emitters: str, message: str) -> None:
    from ssotlint.config import ConfigError, load_config

    (tmp_path / "pyproject.toml").write_text(f"[tool.ssotlint.events]\nemitters = {emitters}\n", "utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    assert f"pyproject.toml:2: tool.ssotlint.events.emitters: {message}" in str(info.value)


def test_config_emitter_signatures_round_trip(tmp_path: Path) -> None:
    from ssotlint.config import load_config
    from ssotlint.facts.events import Emitter, parse_emitter

    (tmp_path / "pyproject.toml").write_text(
        '[tool.ssotlint.events]\nemitters = ["send_event", {call = "*.session.send", event = [1, "msg_type"], payload = [2, "content"]},'
        ' {call = "*.sio.emit", channel = 0, payload = 1}]\n',
        "utf-8",
    )
    config = load_config(tmp_path)
    assert config.event_emitters == ("send_event", "*.session.send(event=1|msg_type,payload=2|content)", "*.sio.emit(payload=1,channel=0)")
    assert [parse_emitter(e) for e in config.event_emitters] == [
        Emitter("send_event"),
        Emitter("*.session.send", (1, "msg_type"), (2, "content")),
        Emitter("*.sio.emit", (), (1,), (0,)),
    ]


def test_definitions_keyed_by_event_name(tmp_path: Path) -> None:
    (tmp_path / "spec.json").write_text(
        '{"$schema": "http://json-schema.org/draft-07/schema#", "definitions": {\n'
        '  "agent_thinking": {"type": "object", "properties": {"reasoning": {"type": "string"}},\n'
        '                     "required": ["reasoning"], "additionalProperties": false}}}\n',
        "utf-8",
    )
    spec = load_spec(tmp_path, "spec.json")
    assert spec.format == "json-schema"
    e = spec.events["agent_thinking"]
    assert (e.line, e.additional, e.fields["reasoning"].required, e.fields["reasoning"].type) == (2, False, True, "string")


def test_rule_docs_have_every_heading_and_pages_are_current() -> None:
    from ssotlint.docs import page_name, rule_page
    from ssotlint.rules.base import DOC_SECTIONS, OPTIONAL_DOC_SECTIONS
    from ssotlint.rules.events import EVENT_RULES

    for rule in EVENT_RULES:
        doc = rule.documentation()
        headings = [line[3:] for line in doc.splitlines() if line.startswith("## ")]
        assert headings[: len(DOC_SECTIONS)] == list(DOC_SECTIONS)
        assert all(h in OPTIONAL_DOC_SECTIONS for h in headings[len(DOC_SECTIONS) :])
        assert (REPO / "rules" / page_name(rule)).read_text("utf-8") == rule_page(rule)
