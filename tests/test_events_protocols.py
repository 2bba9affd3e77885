"""Event rules on protocols beyond flat dicts: emitters with signatures (Socket.IO style),
nested discriminators and envelopes (Jupyter style), several discriminators (agent actions
and observations), and the official AsyncAPI examples."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from ssotlint.config import load_config
from ssotlint.engine import RunOptions, run
from ssotlint.specs.load import load_spec
from ssotlint.specs.model import Spec, SpecError

FIXTURES = Path(__file__).parent / "fixtures"
SRC = Path(__file__).parent.parent / "src" / "ssotlint"
REPO = Path(__file__).resolve().parent.parent
ASYNCAPI = next(
    (d / "data" / "asyncapi-examples" for d in (REPO.parent / "shared", REPO.parent.parent / "shared") if d.is_dir()),
    REPO.parent / "shared" / "data" / "asyncapi-examples",
)


def spec_from(tmp_path: Path, name: str, text: str) -> Spec:
    (tmp_path / name).write_text(text, "utf-8")
    return load_spec(tmp_path, name)


def findings(fixture: str) -> list[str]:
    result = run(load_config(FIXTURES / fixture), RunOptions(use_cache=False, jobs=1, select=("SSOT3",)))
    return [f"{d.code} {d.path}:{d.line}:{d.column}" for d in result.diagnostics]


def test_socketio_emitters_with_signatures() -> None:
    # Nothing in the "no finding" half of server/emitter.py: call results, dict(d), kw["x"]
    # as payloads; a `type` field of the payload; to=/room=/namespace=; a keyword payload with a
    # field named payload; TypedDict steps, MIME types and tool calls with a `type` key; the
    # values of a Literal[...] parameter; helper calls with declared event names.
    assert findings("events-socketio") == [
        "SSOT302 server/emitter.py:50:14",  # a payload built in a local variable: kind
        "SSOT301 server/emitter.py:51:16",  # ... and without type
        "SSOT301 server/emitter.py:55:16",  # a **spread of a local dict: isSequence missing
        "SSOT304 server/emitter.py:57:61",  # a Literal[...] parameter value: call_fn_timout
        "SSOT304 server/emitter.py:61:26",  # through a helper's parameter: clear_asks
        "SSOT301 server/emitter.py:64:16",  # a positional argument after the payload
        "SSOT302 server/emitter.py:67:69",  # a channel-style emitter: the type in the payload
        "SSOT305 tests/test_emitter.py:6:17",  # call_args unpacked, then a guarded read
        "SSOT305 tests/test_emitter.py:11:64",  # assert_called_with(...)
    ]


def test_jupyter_nested_discriminator_and_content_envelope() -> None:
    assert findings("events-jupyter") == [
        "SSOT302 kernel/kernel.py:8:38",  # txt under content
        "SSOT301 kernel/kernel.py:9:9",  # text missing under content
        "SSOT305 tests/test_kernel.py:6:29",  # reply["content"]["ename"] under header.msg_type guard
        "SSOT305 tests/test_kernel.py:12:16",  # a content field read at the top level
        # (nothing for the test's own old-protocol message at line 17: test data)
        "SSOT305 tests/test_kernel.py:22:65",  # a read after the guard in the same `and`
    ]


def test_several_discriminators_and_envelopes() -> None:
    assert findings("events-agent") == [
        "SSOT301 agent/events.py:9:12",
        "SSOT302 agent/events.py:9:39",  # comand under args
        "SSOT303 agent/events.py:17:12",  # observation fields at the top level, not under extras
        # (nothing for the content part at line 21, the dict annotated `Step` at line 29, the
        # dict passed to `Step(...)` at line 34)
    ]


def test_native_spec_vocabulary(tmp_path: Path) -> None:
    spec = spec_from(
        tmp_path,
        "spec.yaml",
        "version: 1\ndiscriminator: [action, observation]\nenvelope: args\nevents:\n  run:\n    required: [command]\n"
        "  toast:\n    envelope: flat\n    required: [type, message]\n",
    )
    assert (spec.discriminator, spec.keys) == ("action", ("action", "observation"))
    assert spec.events["run"].fields["command"].level == "args"
    assert [(f.name, f.level) for f in spec.events["toast"].fields.values()] == [("type", ""), ("message", "")]
    assert spec.envelopes == ("payload", "data", "args")


def test_json_spec_lines_with_tabs(tmp_path: Path) -> None:
    spec = spec_from(
        tmp_path,
        "spec.json",
        '{\n\t"oneOf": [\n\t\t{"properties": {"type": {"const": "a"}}},\n\t\t{"properties": {"type": {"const": "b"}, "x": {"type": "text"}}}\n\t]\n}\n',
    )
    assert [(e.name, e.line) for e in spec.events.values()] == [("a", 3), ("b", 4)]


def test_asyncapi_repeated_names_merge_and_avro_is_opaque(tmp_path: Path) -> None:
    spec = spec_from(
        tmp_path,
        "api.yaml",
        "asyncapi: 2.6.0\nchannels:\n  a:\n    publish:\n      message: {$ref: '#/components/messages/m'}\n"
        "    subscribe:\n      message:\n        name: m\n        payload: {type: object, properties: {x: {type: string}, y: {}}, required: [x, y]}\n"
        "  b:\n    publish:\n      message:\n        messageId: blob\n        schemaFormat: application/vnd.apache.avro;version=1.9.0\n        payload: {type: record}\n"
        "components:\n  messages:\n    m:\n      payload: {type: object, properties: {x: {type: string}}, required: [x]}\n",
    )
    assert sorted(spec.events) == ["blob", "m"]
    assert {n: f.required for n, f in spec.events["m"].fields.items()} == {"x": True, "y": False}
    assert spec.events["blob"].additional and not spec.events["blob"].fields
    assert spec.warnings == (
        "api.yaml:9: m: a second event with this name; their fields are merged",
        "api.yaml:13: blob: its payload is application/vnd.apache.avro;version=1.9.0, not JSON Schema; its fields are not checked",
    )


def test_asyncapi_discriminator_only_where_values_differ(tmp_path: Path) -> None:
    spec = spec_from(
        tmp_path,
        "api.yaml",
        "asyncapi: 3.0.0\nchannels:\n  c:\n    messages:\n"
        "      hello: {payload: {type: object, properties: {type: {const: event}, greeting: {}}}}\n"
        "      bye: {payload: {type: object, properties: {type: {const: event}, reason: {}}}}\n",
    )
    assert sorted(spec.events) == ["bye", "hello"]
    assert spec.discriminator != "type"
    assert "type" in spec.events["hello"].fields  # a constant field, not the discriminator


@pytest.mark.skipif(not ASYNCAPI.is_dir(), reason="the AsyncAPI examples are not here")
@pytest.mark.parametrize("version", ["v2.6.0", "v3.0.0"])
def test_every_official_asyncapi_example_loads(version: str) -> None:
    documents = sorted(p for p in (ASYNCAPI / version).rglob("*.y*ml") if "common" not in p.parts)
    assert documents
    failures = []
    for doc in documents:
        try:
            load_spec(ASYNCAPI, doc.relative_to(ASYNCAPI).as_posix())
        except SpecError as exc:
            failures.append(str(exc))
    assert failures == []


def test_infer_refuses_an_empty_draft(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.ssotlint]\n", "utf-8")
    (tmp_path / "a.py").write_text('def f():\n    return {"type": "x", "timestamp": 1}\n', "utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "ssotlint", "events", "infer", "--no-cache", "--discriminator", "action"],
        cwd=tmp_path, capture_output=True, text=True, check=False,
    )
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr.startswith("ssotlint: error: no producers with the discriminator 'action' found: nothing to draft")


def test_infer_takes_only_emitter_fed_dicts_when_emitters_are_configured(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.ssotlint.events]\nemitters = [{call = "*.emit", event = 0, payload = 1}]\n', "utf-8"
    )
    (tmp_path / "a.py").write_text(
        "def f(sio, t, action):\n"
        '    part = {"type": "text", "text": t, "timestamp": 1}\n'
        '    if part["type"] == "text":\n'
        '        print(part["text"])\n'
        '    sio.emit("toast", {"message": t})\n'
        '    sio.emit("action", action.to_dict())\n',
        "utf-8",
    )
    proc = subprocess.run(
        [sys.executable, "-m", "ssotlint", "events", "infer", "--no-cache", "-q"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-6:] == [
        "events:",
        "  action:",
        "    required: []",
        "    additional: true  # its producers pass fields that are not visible: write them down",
        "  toast:",
        "    required: [message]",
    ]


def test_specs_lie_below_the_index() -> None:
    """specs/ imports nothing else of ssotlint but the leaf module of limits; the index and rules import it, never the reverse."""
    for module in sorted((SRC / "specs").glob("*.py")):
        for node in ast.walk(ast.parse(module.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("ssotlint."):
                assert node.module.startswith(("ssotlint.specs", "ssotlint.limits")), f"{module.name} imports {node.module}"


def test_plain_emitter_ignores_transport_keywords(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.ssotlint]\nevent-spec = "events.yaml"\n[tool.ssotlint.events]\nemitters = ["*.emit"]\n', "utf-8"
    )
    (tmp_path / "events.yaml").write_text("version: 1\nevents:\n  toast:\n    required: [message]\n", "utf-8")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("", "utf-8")
    (tmp_path / "app" / "a.py").write_text(
        "def f(sio, sid, m, action):\n"
        '    sio.emit("toast", message=m, to=sid, room=sid, namespace="/x", skip_sid=sid)\n'
        '    sio.emit("toast", action.to_dict(), to=sid)\n'
        '    sio.emit("toast", mesage=m, to=sid)\n'
        '    sio.emit({"type": "toast", "message": m, "level": 1})\n',
        "utf-8",
    )
    result = run(load_config(tmp_path), RunOptions(use_cache=False, jobs=1, select=("SSOT3",)))
    assert [f"{d.code} {d.path}:{d.line}:{d.column}" for d in result.diagnostics] == [
        "SSOT301 app/a.py:4:5",
        "SSOT302 app/a.py:4:23",
        "SSOT302 app/a.py:5:46",  # the type inside the dict an emitter is given
    ]
