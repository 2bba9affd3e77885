"""Event producers and consumers against a spec written in each of the three forms."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ssotlint.config import load_config
from ssotlint.engine import RunOptions, run

FIXTURES = Path(__file__).parent / "fixtures"
SPECS = ("specs/events.yaml", "specs/events.schema.json", "specs/events.asyncapi.yaml")

EXPECTED = [
    "SSOT301 app/producers.py:16:12",  # literal without results
    "SSOT301 app/producers.py:20:12",  # dict(type=...) without user_id
    "SSOT302 app/producers.py:24:89",  # imported constant (aliased), unknown tool_nme
    "SSOT301 app/producers.py:36:13",  # str-Enum member, built step by step: results
    "SSOT301 app/producers.py:36:13",  # ... and timestamp
    "SSOT303 app/producers.py:49:12",  # nested under payload, constant defined below
    "SSOT302 app/producers.py:56:59",  # open **spread: unknown field still reported
    "SSOT304 app/producers.py:64:21",  # tool_executed
    "SSOT301 app/producers.py:68:5",  # emitter call without results
    "SSOT301 app/star.py:6:12",  # a constant from a star import
    "SSOT301 app/star.py:10:12",  # a constant of a plain class
    "SSOT305 tests/consumers.py:5:72",  # table requires duration
    "SSOT304 tests/consumers.py:6:5",  # table key tool_complete
    "SSOT305 tests/consumers.py:17:37",  # payload.tool_name read where the spec is flat
    "SSOT305 tests/consumers.py:20:20",  # "duration" in event under a constant guard
    "SSOT305 tests/consumers.py:26:12",  # assert guard
    "SSOT305 tests/consumers.py:32:22",  # a variable holding a producer
    "SSOT305 tests/consumers.py:41:25",  # an element of a list filtered by type
    "SSOT305 tests/consumers.py:45:20",  # next(...) over events filtered by type
]


def copy_fixture(tmp_path: Path, name: str, spec: str | None = None) -> Path:
    root = tmp_path / name
    shutil.copytree(FIXTURES / name, root)
    if spec is not None:
        cfg = root / "pyproject.toml"
        cfg.write_text(cfg.read_text("utf-8").replace('"specs/events.yaml"', f'"{spec}"'), "utf-8")
    return root


def check(root: Path, **options: object) -> list[str]:
    opts = {"use_cache": False, "jobs": 1, "select": ("SSOT3",), **options}
    result = run(load_config(root), RunOptions(**opts))  # type: ignore[arg-type]
    return [f"{d.code} {d.path}:{d.line}:{d.column}" for d in result.diagnostics]


@pytest.mark.parametrize("spec", SPECS)
def test_same_findings_for_every_spec_form(tmp_path: Path, spec: str) -> None:
    assert check(copy_fixture(tmp_path, "events-basic", spec)) == EXPECTED


NESTED_EXPECTED = [
    "SSOT303 svc/tools.py:9:12",  # flat where the spec nests under payload
    "SSOT303 svc/tools.py:13:12",  # under data where the spec nests under payload
    "SSOT301 svc/tools.py:17:12",  # results missing under payload
    "SSOT302 svc/tools.py:28:20",  # payload.extra, added step by step
    "SSOT305 svc/tools.py:34:48",  # a flat read of a nested field
]


@pytest.mark.parametrize("spec", SPECS)
def test_nested_envelope_in_every_spec_form(tmp_path: Path, spec: str) -> None:
    root = copy_fixture(tmp_path, "events-nested", spec)
    assert check(root) == NESTED_EXPECTED
    result = run(load_config(root), RunOptions(use_cache=False, jobs=1, select=("SSOT3",)))
    assert [d.message for d in result.diagnostics][:1] == [
        "tool_executing event puts parameters, tool_name at the top level but the spec defines them under 'payload'"
    ]


def test_messages_data_and_related(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path, "events-basic")
    result = run(load_config(root), RunOptions(use_cache=False, jobs=1, select=("SSOT3",)))
    by_line = {(d.code, d.line): d for d in result.diagnostics}
    envelope = by_line[("SSOT303", 49)]
    assert envelope.message == (
        "tool_executing event puts parameters, tool_name under 'payload' but the spec defines them at the top level"
    )
    assert envelope.data == {"event": "tool_executing", "fields": ["parameters", "tool_name"], "found": ["payload"], "expected": [""]}
    assert [(r.path, r.line) for r in envelope.related] == [("specs/events.yaml", 9)]
    unknown = by_line[("SSOT304", 64)]
    assert unknown.data["suggestion"] == "tool_executing"
    missing = by_line[("SSOT301", 16)]
    assert missing.data == {"event": "tool_completed", "field": "results", "level": ""}
    assert [(r.path, r.line) for r in missing.related] == [("specs/events.yaml", 13)]


def test_fingerprints_ignore_lines(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path, "events-basic")
    before = {d.fingerprint for d in run(load_config(root), RunOptions(use_cache=False, jobs=1, select=("SSOT3",))).diagnostics}
    producers = root / "app" / "producers.py"
    producers.write_text("\n\n# moved down\n" + producers.read_text("utf-8"), "utf-8")
    after = {d.fingerprint for d in run(load_config(root), RunOptions(use_cache=False, jobs=1, select=("SSOT3",))).diagnostics}
    assert before == after


def test_cache_and_jobs_give_the_same_findings(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path, "events-basic")
    cold = check(root, use_cache=True, jobs=2)
    warm = check(root, use_cache=True, jobs=1)
    assert cold == warm == EXPECTED


def test_parallel_extraction_keeps_emitters(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path, "events-basic")
    for i in range(30):  # enough files for worker processes
        (root / "app" / f"filler_{i}.py").write_text(f"X_{i} = {i}\n", "utf-8")
    assert check(root, jobs=2) == check(root, jobs=1) == EXPECTED


def test_emitters_change_the_cache_key(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path, "events-basic")
    assert "SSOT301 app/producers.py:68:5" in check(root, use_cache=True)
    cfg = root / "pyproject.toml"
    cfg.write_text(cfg.read_text("utf-8").replace('emitters = ["*.send_event"]', "emitters = []"), "utf-8")
    assert "SSOT301 app/producers.py:68:5" not in check(root, use_cache=True)


def test_demo_monorepo(tmp_path: Path) -> None:
    root = tmp_path / "demo"
    shutil.copytree(Path(__file__).parent.parent / "examples" / "chat-monorepo", root)
    assert check(root) == [
        "SSOT303 services/backend/chat_backend/agents/bridge.py:32:17",
        "SSOT303 services/backend/chat_backend/agents/bridge.py:40:17",
        "SSOT304 services/backend/chat_backend/agents/runner.py:28:25",
        "SSOT301 services/backend/chat_backend/agents/runner.py:29:5",
        "SSOT305 tests/test_agent_events.py:34:37",
        "SSOT305 tests/test_agent_events.py:35:41",
    ]


# --- the command line ------------------------------------------------------------------------------


def ssotlint(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ssotlint", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1"},
        check=False,
    )


def test_check_exit_code(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path, "events-basic")
    proc = ssotlint("check", ".", "--no-cache", "--select", "SSOT3", "--format", "concise", cwd=root)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.count("\n") == len(EXPECTED) + 1


def test_events_list(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path, "events-basic")
    proc = ssotlint("events", "list", "--no-cache", "--format", "json", cwd=root)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == [
        {"event": "agent_started", "in_spec": True, "producers": 4, "consumers": 4},
        {"event": "tool_complete", "in_spec": False, "producers": 0, "consumers": 1},
        {"event": "tool_completed", "in_spec": True, "producers": 7, "consumers": 3},
        {"event": "tool_executed", "in_spec": False, "producers": 1, "consumers": 0},
        {"event": "tool_executing", "in_spec": True, "producers": 5, "consumers": 2},
    ]
    text = ssotlint("events", "list", "--no-cache", cwd=root)
    assert text.stdout.splitlines()[0].split() == ["event", "in", "spec", "producers", "consumers"]
    assert text.stdout.splitlines()[1].split() == ["agent_started", "yes", "4", "4"]
