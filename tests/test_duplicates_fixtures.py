"""The duplicate rules on whole fixture projects: exact findings, related places and data."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import check, findings

FIXTURES = Path(__file__).parent / "fixtures"
EXAMPLE = Path(__file__).parent.parent / "examples" / "chat-monorepo"


def _copy(name: str, tmp_path: Path) -> Path:
    target = tmp_path / name
    shutil.copytree(FIXTURES / name, target)
    return target


def _by_location(result_diagnostics: object) -> dict[str, object]:
    return {f"{d.code} {d.path}:{d.line}:{d.column}": d for d in result_diagnostics}  # type: ignore[attr-defined]


def test_websocket_fixture_exact_findings(tmp_path: Path) -> None:
    root = _copy("duplicates-websocket", tmp_path)
    result = check(root, select=("SSOT1",))
    assert findings(result) == [
        "SSOT104 src/app/api/chat.py:6:1",
        "SSOT102 src/app/legacy/__init__.py:1:1",
        "SSOT102 src/app/ws/adapter.py:4:7",
        "SSOT102 src/app/ws/compat.py:3:1",
        "SSOT101 src/app/ws/manager.py:6:7",
        "SSOT103 src/app/ws/manager.py:24:1",
    ]
    # IsolatedWebSocketManager only matches the concept's name pattern: it shares neither
    # code nor interface with the canonical class, so nothing says it is a second copy.
    assert "SSOT101 src/app/ws/isolated.py:1:7" not in findings(result)


def test_websocket_fixture_duplicate_data(tmp_path: Path) -> None:
    root = _copy("duplicates-websocket", tmp_path)
    found = _by_location(check(root, select=("SSOT1",)).diagnostics)
    legacy = found["SSOT101 src/app/ws/manager.py:6:7"]
    assert legacy.message == (  # type: ignore[attr-defined]
        "WebSocketManager duplicates app.ws.unified:UnifiedWebSocketManager, "
        "the canonical websocket-manager (100% of its interface in common; WebSocketManager is imported by 3 modules)"
    )
    assert (legacy.span.column, legacy.span.end_column) == (7, 23)  # type: ignore[attr-defined]
    data = legacy.data  # type: ignore[attr-defined]
    assert data["concept"] == "websocket-manager"
    assert data["canonical"] == "app.ws.unified:UnifiedWebSocketManager"
    assert data["duplicate"] == "app.ws.manager:WebSocketManager"
    assert data["similarity"] == 1.0
    assert data["import_sites"] == 3
    assert data["importers"] == ["app.api.admin", "app.api.chat", "tests.test_ws"]
    roles = {d["class"]: d["role"] for d in data["not_counted"]}
    assert roles == {
        "app.ws.adapter:TracingWebSocketManager": "subclass",
        "app.ws.adapter:WebSocketManagerAdapter": "subclass",
        "app.ws.isolated:IsolatedWebSocketManager": "look-alike",
        "app.ws.kinds:BaseWebSocketManager": "abstract",
        "app.ws.kinds:StrictWebSocketManagerMode": "enum",
        "app.ws.kinds:WebSocketManagerError": "exception",
        "app.ws.kinds:WebSocketManagerInfo": "namedtuple",
        "app.ws.kinds:WebSocketManagerMode": "enum",
        "app.ws.kinds:WebSocketManagerProtocol": "protocol",
        "app.ws.kinds:WebSocketManagerProtocolValidator": "validator",
        "app.ws.kinds:WebSocketManagerStats": "typeddict",
        "tests.test_ws:MockWebSocketManager": "test-double",
        "tests.test_ws:RecordingWebSocketManager": "test-double",
    }
    assert [(r.path, r.line) for r in legacy.related] == [  # type: ignore[attr-defined]
        ("src/app/ws/unified.py", 6),
        ("src/app/api/admin.py", 1),
        ("src/app/api/chat.py", 1),
        ("tests/test_ws.py", 3),
    ]


def test_websocket_fixture_alias_and_factory_data(tmp_path: Path) -> None:
    root = _copy("duplicates-websocket", tmp_path)
    found = _by_location(check(root, select=("SSOT1",)).diagnostics)
    compat = found["SSOT102 src/app/ws/compat.py:3:1"].data  # type: ignore[attr-defined]
    assert compat == {
        "concept": "websocket-manager",
        "alias": "app.ws.compat:WebSocketManager",
        "target": "app.ws.unified:UnifiedWebSocketManager",
        "kind": "assignment",
        "import_sites": 1,
        "importers": ["app.api.chat"],
    }
    legacy = found["SSOT102 src/app/legacy/__init__.py:1:1"].data  # type: ignore[attr-defined]
    assert (legacy["alias"], legacy["kind"], legacy["import_sites"]) == ("app.legacy:LegacyManager", "re-export", 1)
    adapter = found["SSOT102 src/app/ws/adapter.py:4:7"].data  # type: ignore[attr-defined]
    assert (adapter["kind"], adapter["import_sites"]) == ("subclass", 0)
    factory = found["SSOT103 src/app/ws/manager.py:24:1"]
    assert factory.data == {  # type: ignore[attr-defined]
        "concept": "websocket-manager",
        "factory": "app.ws.manager:create_websocket_manager",
        "canonical_factories": ["app.ws.factory:get_websocket_manager"],
        "constructs": ["app.ws.manager:WebSocketManager"],
        "import_sites": 1,
        "importers": ["app.api.admin"],
    }
    assert [(r.path, r.line) for r in factory.related] == [  # type: ignore[attr-defined]
        ("src/app/ws/factory.py", 6),
        ("src/app/api/admin.py", 1),
    ]
    constant = found["SSOT104 src/app/api/chat.py:6:1"]
    assert constant.data["values"] == [  # type: ignore[attr-defined]
        {
            "value": "30",
            "places": [
                {"path": "src/app/api/chat.py", "module": "app.api.chat", "line": 6},
                {"path": "src/app/ws/unified.py", "module": "app.ws.unified", "line": 3},
            ],
        },
        {"value": "45", "places": [{"path": "src/app/ws/manager.py", "module": "app.ws.manager", "line": 3}]},
    ]


def test_discovered_fixture(tmp_path: Path) -> None:
    root = _copy("duplicates-discovered", tmp_path)
    result = check(root, select=("SSOT1",))
    # EmailSender shares Mailer's interface but not its code (an outbox list, not a
    # queue): two implementations of one interface, not a copy.
    assert findings(result) == [
        "SSOT104 billing/client.py:4:1",
        "SSOT101 billing/client.py:7:7",
    ]
    found = _by_location(result.diagnostics)
    http = found["SSOT101 billing/client.py:7:7"].data  # type: ignore[attr-defined]
    assert (http["concept"], http["canonical"], http["joined_by"]) == ("HttpClient", "search.client:HttpClient", "same name")
    assert http["body_similarity"] == 1.0  # a drifted copy: a keyword argument added
    assert [d["class"] for d in http["not_counted"]] == ["tests.test_clients:HttpClient"]


@pytest.mark.parametrize("name", ["duplicates-websocket", "duplicates-discovered"])
def test_same_results_with_cache_and_jobs(name: str, tmp_path: Path) -> None:
    root = _copy(name, tmp_path)
    baseline = [(d.sort_key(), d.fingerprint, dict(d.data)) for d in check(root, select=("SSOT1",)).diagnostics]
    cold = check(root, select=("SSOT1",), jobs=2, use_cache=True)
    warm = check(root, select=("SSOT1",), jobs=2, use_cache=True)
    assert warm.parsed == 0
    for result in (cold, warm):
        assert [(d.sort_key(), d.fingerprint, dict(d.data)) for d in result.diagnostics] == baseline


def test_fingerprints_survive_line_shifts(tmp_path: Path) -> None:
    root = _copy("duplicates-websocket", tmp_path)
    before = {d.code + d.path: d.fingerprint for d in check(root, select=("SSOT1",)).diagnostics}
    for rel in ("src/app/ws/manager.py", "src/app/ws/compat.py", "src/app/api/chat.py"):
        path = root / rel
        path.write_text("# a new first line\n\n" + path.read_text("utf-8"), "utf-8")
    after = {d.code + d.path: d.fingerprint for d in check(root, select=("SSOT1",)).diagnostics}
    assert after == before


def test_suppression_comment_on_the_class_line(tmp_path: Path) -> None:
    root = _copy("duplicates-websocket", tmp_path)
    path = root / "src/app/ws/manager.py"
    text = path.read_text("utf-8").replace("class WebSocketManager:", "class WebSocketManager:  # ssotlint: ignore[SSOT101]")
    path.write_text(text, "utf-8")
    found = findings(check(root, select=("SSOT1", "SSOT9")))
    assert "SSOT101 src/app/ws/manager.py:6:7" not in found
    assert not [f for f in found if f.startswith("SSOT902")]


def test_example_monorepo_story() -> None:
    result = check(EXAMPLE, select=("SSOT1",))
    assert findings(result) == [
        "SSOT103 services/backend/chat_backend/startup.py:10:1",
        "SSOT102 services/backend/chat_backend/websocket/compat.py:5:1",
        "SSOT104 services/backend/chat_backend/websocket/heartbeat.py:5:1",
        "SSOT101 services/backend/chat_backend/websocket/manager.py:10:7",
        "SSOT101 services/backend/chat_backend/websocket/migration_adapter.py:6:7",
    ]


def test_console_script_json(tmp_path: Path) -> None:
    root = _copy("duplicates-websocket", tmp_path)
    script = Path(sys.executable).with_name("ssotlint")
    proc = subprocess.run(
        [str(script), "check", str(root), "--no-cache", "--no-progress", "--select", "SSOT1", "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    payload = json.loads(proc.stdout)
    codes = sorted(f["code"] for f in payload["findings"])
    assert codes == ["SSOT101", "SSOT102", "SSOT102", "SSOT102", "SSOT103", "SSOT104"]
