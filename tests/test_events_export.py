"""`ssotlint events export`: JSON Schema, AsyncAPI and TypedDicts written from the event spec.

The exports are checked by the tools they are written for (jsonschema on real events from a
fixture project, mypy --strict on code that builds events) and loaded back through
ssotlint's own loaders.
"""

from __future__ import annotations

import importlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from ssotlint.specs.export import (
    export_notes,
    render,
    signature,
    to_asyncapi,
    to_json_schema,
    to_typeddict_module,
)
from ssotlint.specs.load import load_spec
from tests.conftest import run_cli

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
EXPORT = FIXTURES / "events-export"

#: Specs whose every statement the schema forms can carry: exported and loaded back, the same model.
ROUND_TRIP = [
    (ROOT / "examples" / "chat-monorepo", "events.yaml"),
    (ROOT / "rules" / "specs", "agent-events.yaml"),
    (ROOT / "rules" / "specs", "agent-events.schema.json"),
    (ROOT / "rules" / "specs", "agent-events.asyncapi.yaml"),
    (FIXTURES / "events-nested", "specs/events.yaml"),
    (FIXTURES / "events-nested", "specs/events.asyncapi.yaml"),
    (FIXTURES / "events-nested", "specs/events.schema.json"),
]


@pytest.mark.parametrize(("root", "rel"), ROUND_TRIP, ids=lambda v: str(v).rsplit("/", 1)[-1])
@pytest.mark.parametrize(("fmt", "name"), [("jsonschema", "events.schema.json"), ("asyncapi", "events.asyncapi.yaml")])
def test_round_trip(tmp_path: Path, root: Path, rel: str, fmt: str, name: str) -> None:
    spec = load_spec(root, rel)
    (tmp_path / name).write_text(render(spec, fmt), "utf-8")
    back = load_spec(tmp_path, name)
    assert back.format == ("json-schema" if fmt == "jsonschema" else "asyncapi")
    assert signature(back) == signature(spec)
    assert back.warnings == ()
    assert export_notes(spec, fmt) == []


def test_round_trip_keeps_the_nested_envelope() -> None:
    """The nested fixture is the interesting one: `event` discriminator, fields under payload,
    timestamp at the top level."""
    spec = load_spec(FIXTURES / "events-nested", "specs/events.yaml")
    assert signature(spec) == (
        ("event",),
        (
            ("tool_completed", "payload", False, (("duration", "payload", False, None), ("results", "payload", True, None), ("timestamp", "", True, None), ("tool_name", "payload", True, None))),
            ("tool_executing", "payload", False, (("parameters", "payload", True, None), ("timestamp", "", True, None), ("tool_name", "payload", True, None))),
        ),
    )


def test_json_schema_document() -> None:
    spec = load_spec(EXPORT, "events.yaml")
    doc = to_json_schema(spec)
    jsonschema.Draft202012Validator.check_schema(doc)
    assert doc["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert doc["oneOf"][0] == {"$ref": "#/$defs/agent_started"}
    assert doc["$defs"]["tool_completed"] == {
        "type": "object",
        "properties": {
            "type": {"const": "tool_completed"},
            "tool_name": {"type": "string"},
            "results": {"type": "array"},
            "duration": {"type": "number"},
            "timestamp": {"type": "number"},
            "run_id": {"type": "string"},
        },
        "required": ["type", "tool_name", "results", "duration", "timestamp"],
        "additionalProperties": False,
    }


def test_nested_envelope_schema_validates(tmp_path: Path) -> None:
    spec = load_spec(FIXTURES / "events-nested", "specs/events.yaml")
    validator = jsonschema.Draft202012Validator(to_json_schema(spec))
    good = {"event": "tool_executing", "payload": {"tool_name": "x", "parameters": {}}, "timestamp": 1}
    flat = {"event": "tool_executing", "tool_name": "x", "parameters": {}, "timestamp": 1}
    assert validator.is_valid(good)
    assert not validator.is_valid(flat)


def test_json_schema_validates_real_events(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fixture's producers, run: the events that follow the spec validate, the drifted
    ones (the same that `ssotlint check` reports) are rejected."""
    spec = load_spec(EXPORT, "events.yaml")
    validator = jsonschema.Draft202012Validator(json.loads(render(spec, "jsonschema")))
    monkeypatch.syspath_prepend(str(EXPORT))
    monkeypatch.delitem(sys.modules, "app", raising=False)
    monkeypatch.delitem(sys.modules, "app.producers", raising=False)
    producers = importlib.import_module("app.producers")
    for event in producers.VALID:
        assert list(validator.iter_errors(event)) == [], event
    rejected = [sorted(e.message for e in validator.iter_errors(event)) for event in producers.DRIFTED]
    assert all(rejected), rejected
    # Each drifted event fails against its own event's schema for the reason ssotlint reports.
    defs = to_json_schema(spec)["$defs"]
    reasons = [
        sorted(e.message for e in jsonschema.Draft202012Validator(defs[event["type"]]).iter_errors(event))
        for event in producers.DRIFTED
    ]
    assert reasons == [
        [
            "'parameters' is a required property",
            "'tool_name' is a required property",
            "Additional properties are not allowed ('payload' was unexpected)",
        ],
        ["'results' is a required property"],
        ["Additional properties are not allowed ('tool_nme' was unexpected)"],
    ]
    proc = run_cli("check", ".", "--no-cache", "--format", "concise", cwd=EXPORT)
    assert proc.stdout.splitlines()[:3] == [
        "app/producers.py:25:12: SSOT303 tool_executing event puts parameters, tool_name under 'payload' but the spec defines them at the top level",
        "app/producers.py:29:12: SSOT301 tool_completed event is missing required field 'results'",
        "app/producers.py:33:113: SSOT302 tool_completed event has field 'tool_nme' that its spec does not define (did you mean 'tool_name'?)",
    ]


def test_typeddict_module_type_checks(tmp_path: Path) -> None:
    """mypy --strict accepts the generated module and code that builds valid events, and
    rejects each drifted event on its own line."""
    proc = run_cli("events", "export", "--format", "typeddict", "-o", str(tmp_path / "agent_events.py"), cwd=EXPORT)
    assert proc.returncode == 0, proc.stderr
    for name in ("valid_events.py", "invalid_events.py"):
        shutil.copy(EXPORT / "typing_checks" / name, tmp_path / name)
    mypy = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", str(tmp_path / ".mypy_cache"),
         "--no-error-summary", "--hide-error-context", "--python-version", "3.10",
         "agent_events.py", "valid_events.py", "invalid_events.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    errors = sorted(line.split(": error: ", 1)[0] + ": " + line.rsplit("[", 1)[-1].rstrip("]") for line in mypy.stdout.splitlines())
    assert errors == [
        "invalid_events.py:7: typeddict-item",
        "invalid_events.py:7: typeddict-unknown-key",
        "invalid_events.py:8: typeddict-item",
        "invalid_events.py:9: typeddict-item",
    ], mypy.stdout + mypy.stderr
    assert mypy.returncode == 1
    # The valid events alone pass.
    ok = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", str(tmp_path / ".mypy_cache"),
         "agent_events.py", "valid_events.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert ok.returncode == 0, ok.stdout


def test_typeddict_module_shapes() -> None:
    spec = load_spec(FIXTURES / "events-nested", "specs/events.yaml")
    text = to_typeddict_module(spec)
    assert '''class ToolCompletedPayload(TypedDict):
    """The 'payload' of the tool_completed event."""
    tool_name: Required[Any]
    results: Required[Any]
    duration: NotRequired[Any]
''' in text
    assert '''class ToolCompletedEvent(TypedDict):
    """The tool_completed event."""
    event: Required[Literal["tool_completed"]]
    timestamp: Required[Any]
    payload: Required[ToolCompletedPayload]
''' in text
    assert "Event = Union[ToolExecutingEvent, ToolCompletedEvent]\n" in text
    assert to_typeddict_module(spec) == text  # deterministic
    namespace: dict[str, object] = {}
    exec(compile(text, "agent_events.py", "exec"), namespace)  # our own generated module, not analysed code
    assert namespace["EVENT_TYPES"] == ("tool_executing", "tool_completed")


def test_typeddict_keys_that_are_not_identifiers(tmp_path: Path) -> None:
    (tmp_path / "events.yaml").write_text(
        "version: 1\nevents:\n  user.created:\n    required: {from: string, user-id: integer}\n", "utf-8"
    )
    text = to_typeddict_module(load_spec(tmp_path, "events.yaml"))
    assert (
        'UserCreatedEvent = TypedDict("UserCreatedEvent", {"type": Required[Literal["user.created"]], '
        '"from": Required[str], "user-id": Required[int]})'
    ) in text
    namespace: dict[str, object] = {}
    exec(compile(text, "events_types.py", "exec"), namespace)
    assert namespace["EVENT_TYPES"] == ("user.created",)


def test_nested_discriminator_and_other_envelopes_are_noted() -> None:
    jupyter = load_spec(FIXTURES / "events-jupyter", "events.yaml")
    schema = to_json_schema(jupyter)["$defs"]["execute_reply"]
    assert schema["properties"]["header"] == {
        "type": "object",
        "properties": {"msg_type": {"const": "execute_reply"}},
        "required": ["msg_type"],
    }
    assert schema["properties"]["content"]["required"] == ["status"]
    jsonschema.Draft202012Validator(schema).validate(
        {"header": {"msg_type": "execute_reply", "msg_id": "1"}, "content": {"status": "ok", "execution_count": 1}}
    )
    assert export_notes(jupyter, "jsonschema") == [
        "the discriminator 'header.msg_type' is nested: the schemas describe it, but loading them back reads the event name from the schema name",
        "envelope 'content' is written as an object property; loaded back, only 'payload' and 'data' are read as envelopes",
    ]
    agent = load_spec(FIXTURES / "events-agent", "events.yaml")
    assert export_notes(agent, "typeddict") == [
        "the spec has several discriminators (action, observation); each event is typed with the first, 'action'"
    ]


def test_check_exit_codes(tmp_path: Path) -> None:
    project = tmp_path / "p"
    shutil.copytree(EXPORT, project)
    out = project / "events.schema.json"
    proc = run_cli("events", "export", "--format", "jsonschema", "-o", "events.schema.json", "--check", cwd=project)
    assert (proc.returncode, proc.stdout) == (
        1,
        "events.schema.json does not exist: run `ssotlint events export --format jsonschema -o events.schema.json`.\n",
    )
    proc = run_cli("events", "export", "--format", "jsonschema", "-o", "events.schema.json", cwd=project)
    assert proc.returncode == 0, proc.stderr
    written = out.read_text("utf-8")
    assert written == render(load_spec(project, "events.yaml"), "jsonschema")
    proc = run_cli("events", "export", "--format", "jsonschema", "-o", "events.schema.json", "--check", cwd=project)
    assert (proc.returncode, proc.stdout) == (0, "events.schema.json is up to date with events.yaml.\n")
    # The spec changes: the committed export is out of date.
    spec_file = project / "events.yaml"
    spec_file.write_text(spec_file.read_text("utf-8").replace("optional: {run_id: string}", "optional: {run_id: string, trace: string}", 1), "utf-8")
    proc = run_cli("events", "export", "--format", "jsonschema", "-o", "events.schema.json", "--check", cwd=project)
    assert proc.returncode == 1
    assert out.read_text("utf-8") == written  # --check writes nothing
    # Printed without -o; --check without -o is a usage error.
    proc = run_cli("events", "export", "--format", "asyncapi", cwd=project)
    assert proc.returncode == 0 and proc.stdout.startswith("# Generated by ssotlint from events.yaml")
    proc = run_cli("events", "export", "--format", "asyncapi", "--check", cwd=project)
    assert proc.returncode == 2 and "--check needs the committed file" in proc.stderr


def test_no_spec_configured(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.ssotlint]\n", "utf-8")
    proc = run_cli("events", "export", "--format", "typeddict", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr == "ssotlint: error: pyproject.toml: no event-spec configured in [tool.ssotlint]: nothing to export\n"


def test_broken_spec_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.ssotlint]\nevent-spec = "events.yaml"\n', "utf-8")
    (tmp_path / "events.yaml").write_text("version: 1\nevents:\n  a:\n    required: {x: strng}\n", "utf-8")
    proc = run_cli("events", "export", "--format", "jsonschema", cwd=tmp_path)
    assert proc.returncode == 2
    assert "events.yaml:4: events.a.required.x: unknown JSON type 'strng'" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_event_names_that_are_not_component_keys(tmp_path: Path) -> None:
    """AsyncAPI component keys allow letters, digits and `.-_` only: other names are keyed
    safely, and the events keep their names through the round trip."""
    (tmp_path / "events.yaml").write_text(
        "version: 1\nevents:\n  user created:\n    required: [id]\n  user/created:\n    required: [id]\n", "utf-8"
    )
    spec = load_spec(tmp_path, "events.yaml")
    doc = to_asyncapi(spec)
    assert list(doc["components"]["messages"]) == ["user_created", "user_created_2"]
    assert doc["components"]["messages"]["user_created_2"]["name"] == "user/created"
    for fmt, name in (("asyncapi", "out.yaml"), ("jsonschema", "out.json")):
        (tmp_path / name).write_text(render(spec, fmt), "utf-8")
        assert signature(load_spec(tmp_path, name)) == signature(spec)


def test_a_field_named_like_the_discriminator_is_noted() -> None:
    spec = load_spec(FIXTURES / "events-socketio", "events.yaml")
    assert export_notes(spec, "typeddict") == [
        "toast: a top-level field named like the discriminator 'type' is written as the discriminator"
    ]


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_check_as_a_local_pre_commit_hook(tmp_path: Path) -> None:
    """The README's hook, run by the real pre-commit framework: a stale export fails the commit."""
    readme = (ROOT / "README.md").read_text("utf-8")
    config = readme.split("## Sharing the spec", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    work = tmp_path / "work"
    shutil.copytree(EXPORT, work)
    (work / "app" / "event_types.py").write_text("stale\n", "utf-8")
    (work / ".pre-commit-config.yaml").write_text(config, "utf-8")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", "-c", "commit.gpgsign=false"]
    subprocess.run([*git, "init", "-q"], cwd=work, check=True)
    subprocess.run([*git, "add", "."], cwd=work, check=True)
    bin_dir = str(Path(sys.executable).parent)
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(tmp_path), "PRE_COMMIT_HOME": str(tmp_path / "pc"), "NO_COLOR": "1"}

    def hook() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", "run", "--all-files"], cwd=work, env=env, capture_output=True, text=True, check=False
        )

    stale = hook()
    assert stale.returncode == 1, stale.stdout + stale.stderr
    assert "app/event_types.py is out of date" in stale.stdout
    proc = run_cli("events", "export", "--format", "typeddict", "-o", "app/event_types.py", cwd=work)
    assert proc.returncode == 0, proc.stderr
    subprocess.run([*git, "add", "."], cwd=work, check=True)
    fresh = hook()
    assert fresh.returncode == 0, fresh.stdout + fresh.stderr
    assert "Passed" in fresh.stdout
