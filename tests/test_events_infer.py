"""`ssotlint events infer`: a draft spec from the majority shapes, and its drift table."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from ssotlint.config import load_config
from ssotlint.engine import RunOptions, index_project, run
from ssotlint.index.event_drafts import infer
from ssotlint.index.events import EventIndex
from ssotlint.specs.load import load_spec

PRODUCERS = {
    "app/__init__.py": "",
    "app/kinds.py": 'TOOL_EXECUTING = "tool_executing"\n',
    "app/a.py": (
        "import time\n"
        "from app.kinds import TOOL_EXECUTING\n"
        "\n"
        "def one(n, p):\n"
        '    return {"type": TOOL_EXECUTING, "tool_name": n, "parameters": p, "timestamp": time.time()}\n'
        "\n"
        "def two(n, p):\n"
        '    return {"type": "tool_executing", "tool_name": n, "parameters": p, "timestamp": 1, "run_id": "r"}\n'
        "\n"
        "def three(n, p):\n"
        '    return {"type": "tool_executing", "payload": {"tool_name": n, "parameters": p}, "timestamp": 1}\n'
        "\n"
        "def started(u):\n"
        '    return {"type": "agent_started", "payload": {"user_id": u}, "timestamp": 1}\n'
        "\n"
        "def started_again(u):\n"
        '    return {"type": "agent_started", "payload": {"user_id": u, "thread_id": "t"}, "timestamp": 2}\n'
        "\n"
        "def not_an_event(b):\n"
        '    return {"type": "json", "body": b}\n'
    ),
}


def make_project(root: Path, config: str = "") -> None:
    (root / "pyproject.toml").write_text(f"[tool.ssotlint]\n{config}\n", "utf-8")
    for rel, text in PRODUCERS.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, "utf-8")


def test_inference(tmp_path: Path) -> None:
    make_project(tmp_path)
    index, _, _ = index_project(load_config(tmp_path), RunOptions(use_cache=False, jobs=1))
    result = infer(EventIndex(index, "type"))
    assert [e.name for e in result.events] == ["agent_started", "tool_executing"]
    started, executing = result.events
    assert (started.envelope, started.required, started.optional) == ("payload", ("timestamp", "user_id"), ("thread_id",))
    assert (executing.envelope, executing.required, executing.optional) == (
        "",
        ("parameters", "timestamp", "tool_name"),
        ("run_id",),
    )
    assert [(s.envelope, s.count, s.drift, s.examples) for s in executing.shapes] == [
        ("", 1, False, ("app/a.py:8",)),
        ("", 1, True, ("app/a.py:5",)),  # another set of fields drifts too
        ("payload", 1, True, ("app/a.py:11",)),
    ]
    assert [(s.fields, s.drift) for s in started.shapes] == [
        (("payload.thread_id", "payload.user_id", "timestamp"), False),
        (("payload.user_id", "timestamp"), True),
    ]
    assert result.drift == 3
    assert (result.envelope, result.top_level) == ("payload", ("timestamp",))  # 3 of 5 producers nest
    assert result.to_yaml().splitlines()[2:] == [
        "version: 1",
        "discriminator: type",
        "envelope: payload",
        "top-level: [timestamp]",
        "additional: false",
        "events:",
        "  agent_started:",
        "    required: [timestamp, user_id]",
        "    optional: [thread_id]",
        "  tool_executing:",
        "    envelope: flat",
        "    required: [parameters, timestamp, tool_name]",
        "    optional: [run_id]",
    ]


def test_checking_against_the_draft_reports_the_envelope_drift(tmp_path: Path) -> None:
    """Shapes with other fields drift in the table; against the draft only the envelope is wrong."""
    make_project(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-m", "ssotlint", "events", "infer", "-o", "events.yaml", "--no-cache"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1"},
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "3 producer(s) drift from the majority shape" in proc.stdout
    table = [line.split() for line in proc.stdout.splitlines() if line.startswith("tool_executing")]
    assert [row[:4] for row in table] == [
        ["tool_executing", "flat", "1", "parameters,"],
        ["tool_executing", "flat", "1", "drift"],
        ["tool_executing", "payload", "1", "drift"],
    ]
    load_spec(tmp_path, "events.yaml")
    (tmp_path / "pyproject.toml").write_text('[tool.ssotlint]\nevent-spec = "events.yaml"\n', "utf-8")
    result = run(load_config(tmp_path), RunOptions(use_cache=False, jobs=1, select=("SSOT3",)))
    assert [f"{d.code} {d.path}:{d.line}:{d.column}" for d in result.diagnostics] == ["SSOT303 app/a.py:11:12"]


def test_infer_prints_the_draft_without_output_file(tmp_path: Path) -> None:
    make_project(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-m", "ssotlint", "events", "infer", "app", "--no-cache"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "  tool_executing:\n    envelope: flat\n    required: [parameters, timestamp, tool_name]\n" in proc.stdout
    assert "# tool_executing  payload  1  drift  payload.parameters, payload.tool_name, timestamp  app/a.py:11" in proc.stderr


def test_infer_needs_no_working_spec(tmp_path: Path) -> None:
    make_project(tmp_path, 'event-spec = "missing.yaml"')
    proc = subprocess.run(
        [sys.executable, "-m", "ssotlint", "events", "infer", "--no-cache"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "ssotlint: warning: ignoring the configured event spec: pyproject.toml: event-spec: no such file: missing.yaml" in proc.stderr
    assert "  tool_executing:\n" in proc.stdout
