"""``ssotlint fix --events producers|consumers``: either side of the event format brought
to the spec, on a copy of the demo monorepo (flat spec as written, and nested after editing
the spec), plus the consumer rewrites one by one."""

from __future__ import annotations

import shutil
from pathlib import Path

import libcst as cst
import pytest

from ssotlint.diagnostics import Diagnostic
from ssotlint.fix.codemods import move_call_fields, rewrite_consumer
from ssotlint.fix.plan import MoveEventFields, RewriteConsumer, needs_a_person, plan_fixes
from tests.conftest import EXAMPLE_DIR, check, findings, run_cli, write_project
from tests.importcheck import compiles, importable
from tests.test_fix import diag

TEST_FILE = "tests/test_agent_events.py"
BRIDGE = "services/backend/chat_backend/agents/bridge.py"
AGENT_EVENTS = ("agent_started", "agent_thinking", "tool_executing", "tool_completed", "agent_completed")


@pytest.fixture()
def demo(tmp_path: Path) -> Path:
    root = tmp_path / "chat-monorepo"
    shutil.copytree(EXAMPLE_DIR, root, ignore=shutil.ignore_patterns(".ssotlint_cache", "__pycache__"))
    return root


def snapshot(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text() for p in sorted(root.rglob("*")) if p.is_file() and ".ssotlint_cache" not in p.parts}


def event_findings(root: Path) -> list[str]:
    result = check(root, select=("SSOT303", "SSOT305"))
    return [
        f"{d.code} {d.path}:{d.span.line}:{d.span.column}"
        for d in result.diagnostics
        if d.data.get("event") in AGENT_EVENTS
    ]


def nest_tool_events(root: Path) -> None:
    """The other option of the decision, taken by editing the spec: the tool events nest
    their fields under `payload`, `timestamp` stays at the top level."""
    spec = root / "events.yaml"
    text = spec.read_text()
    text = text.replace("additional: false\n", "additional: false\ntop-level: [timestamp]\n")
    for event in ("tool_executing", "tool_completed"):
        text = text.replace(f"  {event}:\n", f"  {event}:\n    envelope: payload\n")
    spec.write_text(text)


def fix(root: Path, *args: str) -> tuple[int, str, str]:
    done = run_cli("fix", "--no-cache", *args, cwd=root)
    return done.returncode, done.stdout, done.stderr


def apply_side(
    demo: Path, sides: str, listing: list[str], path: str, replacements: list[tuple[str, str]], remaining: list[str]
) -> dict[str, str]:
    """Run ``fix --events sides`` on ``demo`` and check everything a fix promises: the fixes
    listed, only ``path`` changed, to exactly its old text with ``replacements`` made, the
    event findings left, a project that compiles and imports as before, a second run that
    changes nothing. Returns the files after the fix."""
    before = snapshot(demo)
    imports = importable(demo)
    code, out, err = fix(demo, "--events", sides)
    assert (code, err) == (0, "")
    assert out.splitlines() == listing
    after = snapshot(demo)
    assert {p for p in after if after[p] != before[p]} == {path}
    expected = before[path]
    for old, new in replacements:
        assert old in expected
        expected = expected.replace(old, new)
    assert after[path] == expected
    assert event_findings(demo) == remaining
    assert compiles(demo) == []
    assert importable(demo) == imports
    assert fix(demo, "--events", sides) == (0, "Nothing to fix.\n", "")
    assert snapshot(demo) == after
    return after


def test_consumers_to_the_flat_spec(demo: Path) -> None:
    apply_side(
        demo,
        "consumers",
        [
            f"{TEST_FILE}: SSOT305 read tool_executing.parameters at the top level (unsafe)",
            f"{TEST_FILE}: SSOT305 read tool_executing.tool_name at the top level (unsafe)",
            "Fixed 2 places in 1 file.",
            "SSOT305: 2 fixes, 0 findings remain",
        ],
        TEST_FILE,
        [
            ('            assert event["payload"]["tool_name"]\n            assert event["payload"].get("parameters") is not None\n',
             '            assert event["tool_name"]\n            assert event.get("parameters") is not None\n'),
        ],
        # The producers are the other side: only they are left.
        [f"SSOT303 {BRIDGE}:32:17", f"SSOT303 {BRIDGE}:40:17"],
    )


def test_producers_to_the_flat_spec(demo: Path) -> None:
    apply_side(
        demo,
        "producers",
        [
            f"{BRIDGE}: SSOT303 move the fields of event 'tool_completed' to the top level (unsafe)",
            f"{BRIDGE}: SSOT303 move the fields of event 'tool_executing' to the top level (unsafe)",
            "Fixed 2 places in 1 file.",
            "SSOT303: 2 fixes, 0 findings remain",
        ],
        BRIDGE,
        [
            ('            "payload": {"tool_name": tool_name, "parameters": parameters},\n',
             '            "tool_name": tool_name,\n            "parameters": parameters,\n'),
            ('            "payload": {"tool_name": tool_name, "results": results, "duration": duration},\n',
             '            "tool_name": tool_name,\n            "results": results,\n            "duration": duration,\n'),
        ],
        # The legacy test still reads the bridge's old nested shape: the consumers' side.
        [f"SSOT305 {TEST_FILE}:34:37", f"SSOT305 {TEST_FILE}:35:41"],
    )


def test_both_sides_in_one_command_leave_no_event_finding(demo: Path) -> None:
    imports = importable(demo)
    code, out, _ = fix(demo, "--events", "producers,consumers")
    assert code == 0
    assert out.endswith("Fixed 4 places in 2 files.\nSSOT303: 2 fixes, 0 findings remain\nSSOT305: 2 fixes, 0 findings remain\n")
    assert event_findings(demo) == []
    assert compiles(demo) == []
    assert importable(demo) == imports
    after = snapshot(demo)
    assert fix(demo, "--events", "producers,consumers") == (0, "Nothing to fix.\n", "")
    assert snapshot(demo) == after


def test_both_sides_to_a_nested_spec(demo: Path) -> None:
    nest_tool_events(demo)
    listing = [
        f"{TEST_FILE}: SSOT305 {verb} {field} at `payload` (unsafe)"
        for verb, field in (
            ("read", "tool_completed.duration"), ("read", "tool_completed.results"),
            ("read", "tool_executing.parameters"), ("read", "tool_executing.tool_name"),
            ("require", "tool_completed.duration"), ("require", "tool_completed.results"),
            ("require", "tool_completed.tool_name"), ("require", "tool_executing.parameters"),
            ("require", "tool_executing.tool_name"),
        )
    ]
    runner = "services/backend/chat_backend/agents/runner.py"
    apply_side(
        demo,
        "consumers",
        [*listing, "Fixed 9 places in 1 file.", "SSOT305: 9 fixes, 0 findings remain"],
        TEST_FILE,
        [
            ('"tool_executing": ["type", "tool_name", "parameters", "timestamp"]',
             '"tool_executing": ["type", "payload.tool_name", "payload.parameters", "timestamp"]'),
            ('"tool_completed": ["type", "tool_name", "results", "duration", "timestamp"]',
             '"tool_completed": ["type", "payload.tool_name", "payload.results", "payload.duration", "timestamp"]'),
            ('            assert event["tool_name"]\n            assert "parameters" in event\n',
             '            assert event["payload"]["tool_name"]\n            assert "parameters" in event["payload"]\n'),
            ('            assert "results" in event\n            assert event.get("duration", 0) >= 0\n',
             '            assert "results" in event["payload"]\n            assert event.get("payload", {}).get("duration", 0) >= 0\n'),
        ],
        # The agents' runner passes the fields as keywords to its helper: the producers' side.
        [f"SSOT303 {runner}:13:5", f"SSOT303 {runner}:15:5"],
    )
    apply_side(
        demo,
        "producers",
        [
            f"{runner}: SSOT303 move the fields of event 'tool_completed' to `payload` (unsafe)",
            f"{runner}: SSOT303 move the fields of event 'tool_executing' to `payload` (unsafe)",
            "Fixed 2 places in 1 file.",
            "SSOT303: 2 fixes, 0 findings remain",
        ],
        runner,
        [
            ("tool_name=tool.name, parameters=parameters, timestamp=time.time()",
             'payload={"tool_name": tool.name, "parameters": parameters}, timestamp=time.time()'),
            ("        tool_name=tool.name,\n        results=results,\n        duration=time.monotonic() - started,\n",
             '        payload={"tool_name": tool.name, "results": results, "duration": time.monotonic() - started},\n'),
        ],
        [],
    )


def test_diff_writes_nothing(demo: Path) -> None:
    before = snapshot(demo)
    code, out, err = fix(demo, "--events", "producers,consumers", "--diff")
    assert code == 1
    assert f"--- a/{TEST_FILE}\n" in out and f"--- a/{BRIDGE}\n" in out
    assert (
        '-            assert event["payload"]["tool_name"]\n'
        '-            assert event["payload"].get("parameters") is not None\n'
        '+            assert event["tool_name"]\n'
        '+            assert event.get("parameters") is not None\n'
    ) in out
    assert "SSOT303: 2 fixes\nSSOT305: 2 fixes\n" in err
    assert snapshot(demo) == before


def test_paths_limit_the_sides(demo: Path) -> None:
    before = snapshot(demo)
    code, out, _ = fix(demo, "--events", "producers,consumers", "tests")
    assert code == 0 and out.startswith(f"{TEST_FILE}: SSOT305 ")
    after = snapshot(demo)
    assert {p for p in after if after[p] != before[p]} == {TEST_FILE}


def test_unknown_side_is_a_usage_error(demo: Path) -> None:
    code, out, err = fix(demo, "--events", "producer")
    assert (code, out) == (2, "")
    assert "Invalid value for --events: expected producers, consumers or both (comma-separated), got 'producer'" in err


# --- the consumer rewrites one by one -----------------------------------------------------------


def rewrite(source: str, line: int, column: int, field: str, found: str, expected: str) -> tuple[str, str]:
    module, reason = rewrite_consumer(cst.parse_module(source), line, column, field, found, expected)
    return module.code, reason


@pytest.mark.parametrize(
    ("source", "column", "found", "expected", "after"),
    [
        ('event["payload"]["tool_name"]\n', 18, "payload", "", 'event["tool_name"]\n'),
        ('event.get("payload", {}).get("tool_name")\n', 30, "payload", "", 'event.get("tool_name")\n'),
        ('event["data"].get(\'tool_name\', "")\n', 19, "data", "", 'event.get(\'tool_name\', "")\n'),
        ('"tool_name" not in event["data"]\n', 1, "data", "", '"tool_name" not in event\n'),
        ('event["data"]["tool_name"]\n', 15, "data", "payload", 'event["payload"]["tool_name"]\n'),
        ("event['tool_name']\n", 7, "", "payload", "event['payload']['tool_name']\n"),
        ('event.get("tool_name")\n', 11, "", "data", 'event.get("data", {}).get("tool_name")\n'),
        ('"tool_name" in done[0]\n', 1, "", "payload", '"tool_name" in done[0]["payload"]\n'),
        ('T = {"a": ["type", "payload.tool_name"], "b": ["type"]}\n', 20, "payload", "", 'T = {"a": ["type", "tool_name"], "b": ["type"]}\n'),
        ('T = {"a": ("type", "tool_name"), "b": ("type",)}\n', 20, "", "data", 'T = {"a": ("type", "data.tool_name"), "b": ("type",)}\n'),
    ],
)
def test_rewrite_consumer(source: str, column: int, found: str, expected: str, after: str) -> None:
    assert rewrite(source, 1, column, "tool_name", found, expected) == (after, "")


def test_rewrite_consumer_refuses_what_it_cannot_read() -> None:
    # The envelope was taken into a variable: the read is of `payload`, not of the event.
    assert rewrite('payload["tool_name"]\n', 1, 9, "tool_name", "payload", "")[1] == (
        "the 'payload' level is not read on the spot (`x['payload']` or `x.get('payload', ...)`)"
    )
    assert rewrite('f("tool_name")\n', 1, 3, "tool_name", "", "payload")[1] == (
        "not a read this can rewrite (`x[...]`, `x.get(...)`, `... in x`)"
    )
    assert rewrite('event["name"]\n', 1, 7, "tool_name", "", "payload")[1] == "the key read is not 'tool_name' any more"
    assert rewrite('event["name"]\n', 2, 7, "tool_name", "", "payload")[1] == "no string literal at line 2, column 7"


SPEC = """\
version: 1
discriminator: type
envelope: flat
events:
  toast:
    required: [message, timestamp]
"""


def test_fields_the_spec_does_not_define_need_a_person(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "p",
        {
            "tests/test_toast.py": (
                "def test_toast(event):\n"
                '    if event["type"] == "toast":\n'
                '        assert event["payload"]["message"]\n'
                '        assert event["colour"]\n'
            ),
            "events.yaml": SPEC,
        },
        config='event-spec = "events.yaml"',
    )
    assert findings(check(root), "SSOT305") == ["SSOT305 tests/test_toast.py:3:33", "SSOT305 tests/test_toast.py:4:22"]
    done = run_cli("fix", "--no-cache", "--events", "consumers", cwd=root)
    assert done.returncode == 1
    assert done.stdout == "tests/test_toast.py: SSOT305 read toast.message at the top level (unsafe)\nFixed 1 place in 1 file.\nSSOT305: 1 fix, 1 finding remains\n"
    assert done.stderr == (
        "tests/test_toast.py: not fixed: SSOT305 toast.colour at line 4: needs a person: "
        "the spec does not define this field for the event: rename it or add it to the spec\n"
    )
    assert (root / "tests/test_toast.py").read_text().splitlines()[2:] == ['        assert event["message"]', '        assert event["colour"]']


# --- fields passed as keywords ----------------------------------------------------------------


def move_call(source: str, fields: tuple[str, ...], expected: str) -> tuple[str, str]:
    module, reason = move_call_fields(cst.parse_module(source), 1, 1, fields, expected)
    return module.code, reason


def test_keywords_move_into_the_envelope_and_out_again() -> None:
    flat = 'send(uid, "tool_executing", tool_name=n, parameters=p, timestamp=t)\n'
    nested = 'send(uid, "tool_executing", payload={"tool_name": n, "parameters": p}, timestamp=t)\n'
    assert move_call(flat, ("parameters", "tool_name"), "payload") == (nested, "")
    assert move_call(nested, ("parameters", "tool_name"), "flat") == (flat, "")
    assert move_call('dict(type="x", data={"a": 1, "b": 2})\n', ("a",), "flat") == ('dict(type="x", a=1, data={"b": 2})\n', "")
    assert move_call('dict(type="x", a=1)\n', ("a",), "data") == ('dict(type="x", data={"a": 1})\n', "")


def test_keywords_that_cannot_move_are_refused() -> None:
    assert move_call('send(payload={"tool-name": n})\n', (), "flat")[1] == "the fields are not all valid keyword names"
    assert move_call('send(n, payload={"n": 1})\n', ("n",), "flat")[1] == ""
    assert move_call('send(n=2, payload={"n": 1})\n', ("n",), "flat")[1] == "fields already passed as keywords: n"
    assert move_call('send(payload=p, n=1)\n', ("n",), "payload")[1] == "the call already passes payload="
    assert move_call('send(payload=p)\n', (), "flat")[1] == "no literal envelope keyword to move fields out of"
    assert move_call('x = 1\n', (), "flat")[1] == "no call at line 1, column 1"


def test_one_place_reported_twice_is_rewritten_once() -> None:
    data = {"event": "toast", "field": "message", "level": "payload", "kind": "read", "expected": ""}
    twice = [diag("SSOT305", "t.py", 3, 9, data), diag("SSOT305", "t.py", 3, 9, {**data, "kind": "read"})]
    other = diag("SSOT305", "t.py", 4, 9, {**data, "kind": "call"})
    manual: list[Diagnostic] = []
    actions = plan_fixes([*twice, other, diag("SSOT303", "p.py", 1, 1, {"event": "toast"})], events=frozenset({"consumers"}), manual=manual)
    assert actions == [RewriteConsumer("SSOT305", twice[0].fingerprint, "t.py", 3, 9, "toast", "message", "payload", "", "read")]
    assert manual == [other]
    assert needs_a_person(other) == "the keys a mock assertion expects: change the asserted dict by hand"


def test_events_without_a_spec_is_an_error(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"a.py": "x = 1\n"})
    done = run_cli("fix", "--no-cache", "--events", "consumers", cwd=root)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == "ssotlint: error: --events needs an event spec: set event-spec in [tool.ssotlint] (a draft: ssotlint events infer)\n"


def test_only_events_producers_moves_keywords() -> None:
    d = diag("SSOT303", "r.py", 13, 5, {"event": "tool_executing", "fields": ["tool_name"], "found": [""], "expected": ["payload"]})
    (unsafe,) = plan_fixes([d], unsafe=True)
    (events,) = plan_fixes([d], events=frozenset({"producers"}))
    assert isinstance(unsafe, MoveEventFields) and isinstance(events, MoveEventFields)
    assert (unsafe.keywords, events.keywords) == (False, True)
