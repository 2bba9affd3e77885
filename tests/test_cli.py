"""Functional tests: the installed console script on fixture projects."""

from __future__ import annotations

import json
from pathlib import Path

from ssotlint import __version__

from .conftest import FIXTURES, copy_fixture, run_cli, write_project

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "chat-monorepo"


def test_version() -> None:
    proc = run_cli("--version")
    assert proc.returncode == 0
    assert __version__ in proc.stdout


def test_python_dash_m(tmp_path: Path) -> None:
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "ssotlint", "rules"], capture_output=True, text=True, check=False)
    assert proc.returncode == 0
    assert "SSOT201  import-cycle" in proc.stdout


def test_text_output_and_exit_code(tmp_path: Path) -> None:
    root = copy_fixture("cycles-init", tmp_path)
    proc = run_cli("check", str(root), "--no-cache")
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert lines[0] == "app/__init__.py:1:1: SSOT201 import cycle: app -> app.services.api -> lib.x -> app (3 modules)"
    assert lines[1:4] == ["  |", "1 | from app.services.api import handler", "  | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^"]
    assert "  = lib/x.py:1: lib.x imports app (runs its __init__ via `from app.models import X`)" in lines
    assert lines[-1] == "Found 1 finding (1 error) in 6 files: SSOT201 1."
    assert "\x1b[" not in proc.stdout  # no colour when not a TTY


def test_clean_project_exits_zero(tmp_path: Path) -> None:
    root = copy_fixture("cycles-typing-only", tmp_path)
    proc = run_cli("check", str(root))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "All checks passed: no findings in 3 files."


def test_exit_zero_and_quiet(tmp_path: Path) -> None:
    root = copy_fixture("cycles-init", tmp_path)
    proc = run_cli("check", str(root), "--exit-zero", "-q")
    assert proc.returncode == 0
    assert proc.stdout.splitlines() == [
        "app/__init__.py:1:1: SSOT201 import cycle: app -> app.services.api -> lib.x -> app (3 modules)"
    ]


def test_json_contract(tmp_path: Path) -> None:
    root = copy_fixture("cycles-deferred", tmp_path)
    proc = run_cli("check", str(root), "--format", "json")
    assert proc.returncode == 1
    doc = json.loads(proc.stdout)
    assert doc["version"] == 1
    [f] = doc["findings"]
    assert set(f) >= {
        "code", "name", "severity", "message", "path", "line", "column", "end_line", "end_column",
        "related", "fingerprint", "data",
    }
    assert (f["code"], f["name"], f["severity"], f["path"], f["line"], f["column"]) == (
        "SSOT202", "deferred-import-cycle", "warning", "ws/factory.py", 3, 5,
    )
    assert f["related"] == [
        {"path": "ws/factory.py", "line": 3, "message": "ws.factory imports ws.manager (`from ws.manager import Manager`) (deferred, in a function)"},
        {"path": "ws/manager.py", "line": 1, "message": "ws.manager imports ws.factory (`from ws.factory import create`)"},
    ]
    assert doc["summary"]["findings"] == 1
    assert doc["summary"]["by_code"] == {"SSOT202": 1}


def test_github_annotations(tmp_path: Path) -> None:
    root = copy_fixture("cycles-relative", tmp_path)
    proc = run_cli("check", str(root), "--format", "github")
    assert proc.returncode == 1
    first = proc.stdout.splitlines()[0]
    assert first.startswith("::error file=src/pkg/sub/a.py,line=1,col=1,title=SSOT201::import cycle: pkg.sub.a -> pkg.sub.b -> pkg.sub.a")
    assert "%0A" in first  # related locations ride along, escaped


def test_output_file(tmp_path: Path) -> None:
    root = copy_fixture("cycles-init", tmp_path)
    out = tmp_path / "out.json"
    proc = run_cli("check", str(root), "--format", "json", "--output-file", str(out))
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert json.loads(out.read_text())["summary"]["findings"] == 1


def test_select_and_ignore(tmp_path: Path) -> None:
    root = copy_fixture("syntax", tmp_path)
    only = run_cli("check", str(root), "--select", "SSOT9", "-q")
    assert [ln.split()[1] for ln in only.stdout.splitlines()] == ["SSOT901"]
    none = run_cli("check", str(root), "--ignore", "SSOT2,SSOT901", "-q")
    assert none.returncode == 0 and none.stdout == ""


def test_config_errors_are_all_reported_with_exit_2(tmp_path: Path) -> None:
    write_project(
        tmp_path / "bad",
        {"a.py": ""},
        config='selct = ["SSOT2"]\njobs = "many"\nexclude = "build"\n\n[tool.ssotlint.imports]\nalow = []\n',
    )
    proc = run_cli("check", str(tmp_path / "bad"))
    assert proc.returncode == 2
    err = proc.stderr
    assert "ssotlint: error: invalid configuration" in err
    assert "pyproject.toml:2: tool.ssotlint.selct: unknown key (did you mean 'select'?)" in err
    assert "pyproject.toml:3: tool.ssotlint.jobs: expected a positive integer" in err
    assert "pyproject.toml:4: tool.ssotlint.exclude: expected a list of strings" in err
    assert "pyproject.toml:7: tool.ssotlint.imports.alow: unknown key (did you mean 'allow'?)" in err
    assert "Traceback" not in err


def test_invalid_toml(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.ssotlint]\nselect = [\n")
    proc = run_cli("check", str(tmp_path))
    assert proc.returncode == 2
    assert "invalid TOML" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    proc = run_cli("check", str(tmp_path / "nope"))
    assert proc.returncode == 2
    assert "no such file or directory" in proc.stderr


def test_paths_limit_reported_findings(tmp_path: Path) -> None:
    root = copy_fixture("syntax", tmp_path)
    proc = run_cli("check", str(root / "mod" / "other.py"), "-q", "--no-cache")
    # The cycle goes through other.py; the syntax error elsewhere is not reported.
    assert [ln.split()[1] for ln in proc.stdout.splitlines()] == ["SSOT201"]


def test_statistics(tmp_path: Path) -> None:
    root = copy_fixture("syntax", tmp_path)
    proc = run_cli("check", str(root), "--statistics", "--format", "concise")
    assert "    1  SSOT201  import-cycle" in proc.stdout
    assert "    1  SSOT901  syntax-error" in proc.stdout


def test_rules_json() -> None:
    proc = run_cli("rules", "--format", "json")
    data = json.loads(proc.stdout)
    entry = next(d for d in data if d["code"] == "SSOT201")
    assert {"code": "SSOT201", "name": "import-cycle", "severity": "error"}.items() <= entry.items()


def test_demo_monorepo_has_real_findings() -> None:
    proc = run_cli("check", str(EXAMPLE), "--no-cache", "--format", "json")
    assert proc.returncode == 1
    codes = {f["code"] for f in json.loads(proc.stdout)["findings"]}
    assert {"SSOT201", "SSOT202"} <= codes


def test_fixture_dir_exists() -> None:
    assert (FIXTURES / "cycles-init" / "pyproject.toml").is_file()
