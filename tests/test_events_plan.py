"""`ssotlint events plan`: the event format decision as a table, with exact counts.

The figures come from the event rules run under each candidate spec and from the fixer, so
these tests also check that they agree with what `check` reports under a real spec of that
shape and with what `fix --unsafe` really rewrites.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema

from ssotlint.config import load_config
from ssotlint.engine import RunOptions, index_project, run
from ssotlint.eventplan.model import Plan, build, count_table
from tests.conftest import run_cli

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "examples" / "chat-monorepo"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
AGENT_EVENTS = ("agent_started", "agent_thinking", "tool_executing", "tool_completed", "agent_completed")
BRIDGE = "services/backend/chat_backend/agents/bridge.py"
RUNNER = "services/backend/chat_backend/agents/runner.py"
TESTS = "tests/test_agent_events.py"

#: The demo's nested-under-payload shape written as a spec of its own.
PAYLOAD_SPEC = """\
version: 1
discriminator: type
envelope: payload
top-level: [timestamp]
additional: false
events:
  agent_started:
    required: {user_id: string, thread_id: string, timestamp: number}
    optional: {run_id: string}
  agent_thinking:
    required: {reasoning: string, timestamp: number}
    optional: {run_id: string}
  tool_executing:
    required: {tool_name: string, parameters: object, timestamp: number}
    optional: {run_id: string}
  tool_completed:
    required: {tool_name: string, results: array, duration: number, timestamp: number}
    optional: {run_id: string}
  agent_completed:
    required: {status: string, final_response: string, timestamp: number}
    optional: {run_id: string}
"""


def plan_of(root: Path) -> Plan:
    index, _, _ = index_project(load_config(root), RunOptions(use_cache=False, jobs=1), families=frozenset({"events"}))
    return build(index)


def copy_demo(tmp_path: Path) -> Path:
    root = tmp_path / "demo"
    shutil.copytree(DEMO, root, ignore=shutil.ignore_patterns(".ssotlint_cache", "__pycache__"))
    return root


def sites(plan: Plan, candidate: str, kind: str) -> list[str]:
    total = plan.totals(candidate)
    return [f"{s.path}:{s.line}:{s.column}" for s in (total.producers if kind == "producers" else total.consumers)]


def findings(root: Path, code: str) -> list[str]:
    result = run(load_config(root), RunOptions(use_cache=False, jobs=1, select=(code,)))
    found = sorted((d.path, d.line, d.column) for d in result.diagnostics if d.code == code)
    return [f"{path}:{line}:{column}" for path, line, column in found]


def test_demo_flat_versus_payload() -> None:
    plan = plan_of(DEMO)
    assert [(c.id, c.label, c.found_in) for c in plan.candidates] == [
        ("spec", "the spec as written (flat)", ("spec", "producers", "consumers")),
        ("payload", "nested under 'payload'; timestamp at the top level", ("producers", "consumers")),
    ]
    # event -> candidate -> (producer sites, of which `fix` rewrites, consumer sites, files)
    assert {e: dict(v) for e, v in count_table(plan).items() if e in AGENT_EVENTS} == {
        "agent_started": {"spec": (0, 0, 0, 0), "payload": (1, 1, 2, 2)},
        "agent_thinking": {"spec": (0, 0, 0, 0), "payload": (1, 0, 1, 2)},
        "tool_executing": {"spec": (1, 1, 2, 2), "payload": (1, 1, 4, 2)},
        "tool_completed": {"spec": (1, 1, 0, 1), "payload": (1, 1, 5, 2)},
        "agent_completed": {"spec": (0, 0, 0, 0), "payload": (2, 2, 2, 3)},
    }
    assert sites(plan, "spec", "producers") == [f"{BRIDGE}:32:17", f"{BRIDGE}:40:17"]
    assert sites(plan, "spec", "consumers") == [f"{TESTS}:34:37", f"{TESTS}:35:41"]
    assert sites(plan, "payload", "producers") == [
        f"{BRIDGE}:16:17",
        f"{BRIDGE}:26:36",
        f"{BRIDGE}:48:17",
        f"{RUNNER}:13:5",
        f"{RUNNER}:15:5",
        f"{RUNNER}:29:5",
    ]
    assert [s.fixable for s in plan.totals("payload").producers] == [True, False, True, True, True, True]
    assert len(plan.totals("payload").consumers) == 14
    assert {s.path for s in plan.totals("payload").consumers} == {TESTS}
    # Tests that read each field, and at which level.
    executing = next(e for e in plan.events if e.event == "tool_executing")
    reads = {f.field: [(t.line, t.level, t.kind) for t in f.tests] for f in executing.fields}
    assert reads == {
        "tool_name": [(8, "", "table"), (23, "", "read"), (34, "payload", "read")],
        "parameters": [(8, "", "table"), (24, "", "read"), (35, "payload", "read")],
        "timestamp": [(8, "", "table")],
        "run_id": [],
    }
    assert (executing.producers, executing.consumers) == (2, 7)


def test_spec_candidate_is_what_check_reports() -> None:
    plan = plan_of(DEMO)
    assert sites(plan, "spec", "producers") == findings(DEMO, "SSOT303")
    assert sites(plan, "spec", "consumers") == findings(DEMO, "SSOT305")


def test_payload_candidate_is_what_check_reports_under_that_spec(tmp_path: Path) -> None:
    """Written down as the spec, the payload shape gives exactly the sites the plan listed."""
    root = copy_demo(tmp_path)
    plan = plan_of(root)
    (root / "events.yaml").write_text(PAYLOAD_SPEC, "utf-8")
    assert sites(plan, "payload", "producers") == findings(root, "SSOT303")
    assert sites(plan, "payload", "consumers") == findings(root, "SSOT305")
    # And under it, the flat shape is the other candidate, with the same figures mirrored.
    swapped = plan_of(root)
    assert [(c.id, c.label) for c in swapped.candidates] == [
        ("spec", "the spec as written (nested under 'payload')"),
        ("flat", "flat"),
    ]
    assert sites(swapped, "flat", "producers") == sites(plan, "spec", "producers")
    assert sites(swapped, "flat", "consumers") == sites(plan, "spec", "consumers")


def test_fixable_producers_are_what_fix_rewrites(tmp_path: Path) -> None:
    root = copy_demo(tmp_path)
    before = plan_of(root)
    fixable = [f"{s.path}:{s.line}:{s.column}" for s in before.totals("spec").producers if s.fixable]
    assert fixable == [f"{BRIDGE}:32:17", f"{BRIDGE}:40:17"]
    proc = run_cli("fix", ".", "--unsafe", "--no-cache", cwd=root)
    assert "SSOT303" in proc.stdout, proc.stdout + proc.stderr
    after = plan_of(root)
    assert sites(after, "spec", "producers") == []
    assert findings(root, "SSOT303") == []
    # The consumers are left for a person: the same two reads.
    assert sites(after, "spec", "consumers") == [f"{TESTS}:34:37", f"{TESTS}:35:41"]


def test_former_envelopes_stay_visible() -> None:
    """A flat candidate for a spec nested under `content`: reads under `content` would change."""
    plan = plan_of(FIXTURES / "events-jupyter")
    assert [c.id for c in plan.candidates] == ["spec", "flat"]
    assert sites(plan, "flat", "consumers") == ["tests/test_kernel.py:4:29", "tests/test_kernel.py:5:29"]
    assert sites(plan, "spec", "consumers") == ["tests/test_kernel.py:12:16"]


def test_cli_json(tmp_path: Path) -> None:
    root = copy_demo(tmp_path)
    proc = run_cli("events", "plan", "--format", "json", "--no-cache", cwd=root)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    schema = json.loads((ROOT / "src" / "ssotlint" / "eventplan" / "schema.json").read_text("utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)
    assert data["version"] == 1
    assert (data["spec"], data["discriminator"]) == ("events.yaml", "type")
    payload = data["candidates"][1]
    assert (payload["id"], payload["envelope"], payload["top_level"]) == ("payload", "payload", ["timestamp"])
    assert {k: payload["totals"]["producers"][k] for k in ("sites", "files", "fixable", "manual")} == {
        "sites": 6,
        "files": 2,
        "fixable": 5,
        "manual": 1,
    }
    assert payload["totals"]["producers"]["locations"][1] == {
        "path": BRIDGE,
        "line": 26,
        "column": 36,
        "fixable": False,
        "reason": "no dict literal at line 26 has fields to move",
    }
    assert {k: payload["totals"]["consumers"][k] for k in ("sites", "files", "fixable", "manual")} == {
        "sites": 14,
        "files": 1,
        "fixable": 14,
        "manual": 0,
    }
    assert payload["totals"]["files"] == 3
    completed = next(e for e in data["events"] if e["event"] == "tool_completed")
    assert [c["candidate"] for c in completed["changes"]] == ["spec", "payload"]
    assert completed["changes"][0]["producers"]["locations"] == [{"path": BRIDGE, "line": 40, "column": 17, "fixable": True}]
    # Deterministic, with the cache written and then read.
    for _ in range(2):
        assert run_cli("events", "plan", "--format", "json", cwd=root).stdout == proc.stdout
    assert (root / ".ssotlint_cache").is_dir()


def test_cli_text_and_markdown(tmp_path: Path) -> None:
    root = copy_demo(tmp_path)
    text = run_cli("events", "plan", "--no-cache", cwd=root).stdout
    lines = text.splitlines()
    assert lines[:5] == [
        "Event format plan for events.yaml (discriminator 'type')",
        "",
        "Candidate shapes:",
        "  spec: the spec as written (flat) (found in spec, producers, consumers)",
        "  payload: nested under 'payload'; timestamp at the top level (found in producers, consumers)",
    ]
    assert "all events       spec     2 in 1 file          2 / 0          2 in 1 file          2 / 0          2" in lines
    assert "all events       payload  6 in 2 files         5 / 1          14 in 1 file         14 / 0         3" in lines
    assert f"  {BRIDGE}:26:36 (by hand: no dict literal at line 26 has fields to move)" in lines
    assert "    tool_name: at the top level in the spec; 3 test read(s) (2 at the top level, 1 under 'payload') in tests/test_agent_events.py" in lines
    md = run_cli("events", "plan", "--format", "markdown", "-o", "plan.md", "--no-cache", cwd=root)
    assert md.returncode == 0 and md.stdout == ""
    markdown = (root / "plan.md").read_text("utf-8").splitlines()
    assert "| event | shape | producers to change | fix / by hand | consumers to change | fix / by hand | files |" in markdown
    assert "| tool_executing | spec | 1 in 1 file | 1 / 0 | 2 in 1 file | 2 / 0 | 2 |" in markdown
    assert "| all events | payload | 6 in 2 files | 5 / 1 | 14 in 1 file | 14 / 0 | 3 |" in markdown
    assert "### To adopt payload (nested under 'payload'; timestamp at the top level)" in markdown


def test_cli_paths_and_errors(tmp_path: Path) -> None:
    root = copy_demo(tmp_path)
    data = json.loads(run_cli("events", "plan", "services", "--format", "json", "--no-cache", cwd=root).stdout)
    payload = data["candidates"][1]["totals"]
    assert (payload["producers"]["sites"], payload["consumers"]["sites"]) == (6, 0)
    (tmp_path / "bare").mkdir()
    (tmp_path / "bare" / "pyproject.toml").write_text("[tool.ssotlint]\n", "utf-8")
    proc = run_cli("events", "plan", cwd=tmp_path / "bare")
    assert proc.returncode == 2
    assert proc.stderr == "ssotlint: error: pyproject.toml: no event-spec configured in [tool.ssotlint]: nothing to plan against\n"


def test_readme_table_is_the_demos(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme.split("## Deciding the event format", 1)[1].split("\n## ", 1)[0]
    table = [line for line in section.splitlines() if line.startswith("|")]
    markdown = run_cli("events", "plan", "--format", "markdown", "--no-cache", cwd=copy_demo(tmp_path)).stdout
    assert len(table) == 14
    assert table == [line for line in markdown.splitlines() if line.startswith("|")]


def test_plan_and_export_run_no_analysed_code(tmp_path: Path) -> None:
    """The plan asks the fixer what it would rewrite: that parses files, it never runs them."""
    from tests.robustness.test_no_execution import TRAPS, trap

    marker = tmp_path / "ran"
    marker.mkdir()
    files = {name: trap(marker, name) for name in TRAPS}
    files["events.yaml"] = "version: 1\nevents:\n  user_joined:\n    required: [user]\n"
    files["app/flat.py"] = "def f(u):\n    return {'type': 'user_joined', 'payload': {'user': u}, 'timestamp': 1}\n"
    root = tmp_path / "proj"
    root.mkdir()
    (root / "pyproject.toml").write_text(
        '[tool.ssotlint]\nevent-spec = "events.yaml"\n[tool.ssotlint.events]\nemitters = ["send_event"]\n', "utf-8"
    )
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, "utf-8")
    for command in (("events", "plan"), ("events", "export", "--format", "typeddict")):
        proc = run_cli(*command, cwd=root)
        assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in marker.iterdir()) == []


def test_output_into_a_missing_folder(tmp_path: Path) -> None:
    root = copy_demo(tmp_path)
    target = tmp_path / "missing" / "out.txt"
    for command in (("events", "plan", "-o", str(target)), ("events", "export", "--format", "asyncapi", "-o", str(target))):
        proc = run_cli(*command, cwd=root)
        assert (proc.returncode, proc.stderr) == (2, f"ssotlint: error: {target}: No such file or directory\n")
