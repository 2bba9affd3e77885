"""Hostile configuration and event specs: a clear message and exit 2, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from ssotlint.config import NAMED_TABLES, SCHEMA, TABLES

from ..conftest import write_project
from .conftest import clean_run


def _run(root: Path) -> str:
    proc = clean_run("check", str(root), "--no-cache", codes=(2,))
    assert proc.stdout == ""
    return proc.stderr


def test_every_key_with_a_wrong_type(tmp_path: Path) -> None:
    wrong = "{ nested = { deeper = 1 } }"  # no key accepts a table of tables
    lines = [f"{key} = {wrong}" for key in SCHEMA]
    for table, keys in TABLES.items():
        lines.append(f"[tool.ssotlint.{table}]")
        lines += [f"{key} = {wrong}" for key in keys]
    for table, keys in NAMED_TABLES.items():
        lines.append(f"[tool.ssotlint.{table}.some_name]")
        lines += [f"{key} = {wrong}" for key in keys]
    root = write_project(tmp_path / "proj", {"a.py": ""}, config="\n".join(lines))
    err = _run(root)
    assert err.startswith("ssotlint: error: invalid configuration\n")
    problems = err.splitlines()[1:]
    expected = [f"tool.ssotlint.{key}:" for key in SCHEMA]
    expected += [f"tool.ssotlint.{t}.{key}:" for t, keys in TABLES.items() for key in keys]
    expected += [f"tool.ssotlint.{t}.some_name.{key}:" for t, keys in NAMED_TABLES.items() for key in keys]
    for key in expected:
        assert sum(key in p for p in problems) == 1, (key, problems)
    assert len(problems) == len(expected)


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ('selcet = ["SSOT2"]', "tool.ssotlint.selcet: unknown key (did you mean 'select'?)"),
        ("[tool.ssotlint.imports]\nallw = []", "tool.ssotlint.imports.allw: unknown key (did you mean 'allow'?)"),
        ("[tool.ssotlint.nonsense]\nx = 1", "tool.ssotlint.nonsense: unknown key"),
        ('exclude = ["\\\\"]', "tool.ssotlint.exclude: invalid pattern '\\\\'"),
        ('per-file-ignores = { "[z-a].py" = ["SSOT2"] }', "tool.ssotlint.per-file-ignores: invalid pattern '[z-a].py'"),
        ('test-paths = ["\\\\"]', "tool.ssotlint.test-paths: invalid pattern '\\\\'"),
        ('baseline = "/etc/passwd"', "tool.ssotlint.baseline: expected a path inside the project root, got '/etc/passwd'"),
        ('baseline = "../elsewhere.json"', "tool.ssotlint.baseline: expected a path inside the project root"),
        ('[tool.ssotlint.imports]\nallow = ["a ->"]', "tool.ssotlint.imports.allow: expected 'importer -> imported'"),
        ("jobs = 0", "tool.ssotlint.jobs: expected a positive integer"),
        ("jobs = true", "tool.ssotlint.jobs: expected a positive integer"),
        ("max-file-size = 0", "tool.ssotlint.max-file-size: expected a positive number of bytes, such as 1048576 (1 MiB)"),
        ('max-file-size = "1 MB"', "tool.ssotlint.max-file-size: expected a positive number of bytes"),
        ("[tool]\nssotlint = 5", "tool.ssotlint: expected a table"),
    ],
)
def test_bad_setting(tmp_path: Path, config: str, message: str) -> None:
    if config.startswith("[tool]"):
        root = write_project(tmp_path / "proj", {"a.py": "", "pyproject.toml": config + "\n"})
    else:
        root = write_project(tmp_path / "proj", {"a.py": ""}, config=config)
    err = _run(root)
    assert err.startswith("ssotlint: error: invalid configuration\n")
    assert message in err


def test_config_is_never_evaluated(tmp_path: Path) -> None:
    marker = tmp_path / "evaluated"
    root = write_project(
        tmp_path / "proj",
        {"a.py": ""},
        config=f'src = ["__import__(\'pathlib\').Path(\'{marker}\').touch()"]\n'
        f'cache-dir = "$(touch {marker})"\n',
    )
    clean_run("check", str(root), codes=(0,))
    assert not marker.exists()


# --- event specs ---------------------------------------------------------------------------

BOMB_LIST = "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
)

BOMB_ALLOF = (
    "$schema: http://json-schema.org/draft-07/schema#\n"
    "oneOf:\n  - {$ref: '#/definitions/i'}\n"
    "definitions:\n"
    "  a: &a {type: object, properties: {type: {const: a}, x: {type: string}}}\n"
    + "".join(
        f"  {chr(98 + i)}: &{chr(98 + i)} {{allOf: [{', '.join(['*' + chr(97 + i)] * 9)}]}}\n" for i in range(8)
    )
)


@pytest.mark.parametrize(
    ("name", "spec", "message"),
    [
        (
            "spec.yaml",
            "version: 1\nevents:\n  a: {}\ntop-level:\n  - &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
            + "".join(f"  - &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)),
            "spec.yaml:4: top-level: expected a list of field names",
        ),
        (
            "spec.yaml",
            "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + BOMB_LIST + "version: 1\nevents:\n  a: {required: *i}\n",
            "spec.yaml:1: a: unknown key",
        ),
        ("spec.yaml", BOMB_ALLOF, "spec.yaml:5: allOf: `allOf` expands to more than 100,000 schemas"),
        ("spec.yaml", "version: 1\nx: &x\n  - *x\n", "invalid YAML: found unconstructable recursive node"),
        (
            "spec.yaml",
            "version: 1\nevents: !!python/object/apply:os.system ['touch evaluated']\n",
            "could not determine a constructor for the tag 'tag:yaml.org,2002:python/object/apply:os.system'",
        ),
        ("spec.yaml", "[" * 1500, "spec.yaml: (yaml): the document nests too deeply"),
        (
            "spec.json",
            '{"$schema": "x", "oneOf": [{"$ref": "#/definitions/a"}],'
            ' "definitions": {"a": {"$ref": "#/definitions/b"}, "b": {"$ref": "#/definitions/a"}}}',
            "spec.json:1: $ref: reference cycle through '#/definitions/a'",
        ),
        (
            "spec.json",
            '{"$schema": "x", "oneOf": [{"$ref": "#/definitions/a"}], "definitions": {"a": {"allOf": [{"$ref": "#/definitions/a"}]}}}',
            "spec.json:1: allOf: `allOf` nests too deeply (a reference cycle?)",
        ),
        (
            "spec.json",
            '{"asyncapi": "3.0.0", "components": {"messages": {"m": {"payload": {"$ref": "#/components/messages/m/payload"}}}}}',
            "reference cycle through '#/components/messages/m/payload'",
        ),
        ("spec.json", '{"$schema": "x", "oneOf": [{"$ref": "../outside.json"}]}', "outside.json is outside the project root"),
        ("spec.json", '{"$schema": "x", "oneOf": [{"$ref": "/etc/passwd"}]}', "$ref: /etc/passwd is outside the project root"),
        ("spec.json", '{"$schema": "x", "oneOf": [{"$ref": "https://example.com/s.json"}]}', "remote references are not supported"),
    ],
)
def test_hostile_event_spec(tmp_path: Path, name: str, spec: str, message: str) -> None:
    root = write_project(tmp_path / "proj", {"a.py": "send_event({'type': 'a', 'x': 1, 'timestamp': 0})\n"}, config=f'event-spec = "{name}"')
    (root / name).write_text(spec)
    (tmp_path / "outside.json").write_text('{"type": "object"}')
    err = _run(root)
    assert err.startswith("ssotlint: error: invalid event spec: "), err
    assert message in err
    assert not (root / "evaluated").exists()
    # events infer does not need the spec: it warns and goes on (with a dict that looks like an event).
    proc = clean_run("events", "infer", str(root), codes=(0,))
    assert "ignoring the configured event spec" in proc.stderr


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ('"../outside.yaml"', "event-spec: '../outside.yaml' is outside the project root"),
        ('"/etc/passwd"', "event-spec: '/etc/passwd' is outside the project root"),
        ('"missing.yaml"', "event-spec: no such file: missing.yaml"),
        ('"."', "event-spec: no such file: ."),
    ],
)
def test_spec_path_outside_or_missing(tmp_path: Path, setting: str, message: str) -> None:
    root = write_project(tmp_path / "proj", {"a.py": ""}, config=f"event-spec = {setting}")
    (tmp_path / "outside.yaml").write_text("version: 1\nevents:\n  a: {}\n")
    err = _run(root)
    assert err == f"ssotlint: error: invalid event spec: pyproject.toml: {message}\n"


@pytest.mark.parametrize(
    "command",
    [("check", "-o"), ("report", "-o"), ("events", "infer", "-o")],
    ids=lambda c: " ".join(c),
)
def test_output_into_a_missing_folder(tmp_path: Path, command: tuple[str, ...]) -> None:
    root = write_project(tmp_path / "proj", {"a.py": "def f():\n    return {'type': 'a', 'timestamp': 0}\n"})
    target = tmp_path / "missing" / "out.txt"
    proc = clean_run(*command, str(target), str(root), codes=(2,))
    assert proc.stderr == f"ssotlint: error: {target}: No such file or directory\n"
