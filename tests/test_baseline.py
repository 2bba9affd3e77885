"""Baselines: hide known findings, report stale entries, survive unrelated edits."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import run_cli, write_project

CYCLE = {"app/__init__.py": "", "app/a.py": "import app.b\n", "app/b.py": "import app.a\n"}


def _project(tmp_path: Path) -> Path:
    return write_project(tmp_path / "p", {**CYCLE, "lib/__init__.py": "", "lib/x.py": "import lib.y\n", "lib/y.py": "import lib.x\n"})


def test_baseline_hides_known_findings(tmp_path: Path) -> None:
    root = _project(tmp_path)
    proc = run_cli("baseline", str(root))
    assert proc.returncode == 0, proc.stderr
    assert "Wrote 2 findings" in proc.stdout
    text = (root / ".ssotlint-baseline.json").read_text()
    doc = json.loads(text)
    assert doc["version"] == 1
    assert [v["path"] for v in doc["findings"].values()] == ["app/a.py", "lib/x.py"]  # sorted
    assert all(":" not in fp and "line" not in v for fp, v in doc["findings"].items())

    check = run_cli("check", str(root))
    assert check.returncode == 0
    assert "(2 hidden by the baseline)" in check.stdout
    as_json = json.loads(run_cli("check", str(root), "--format", "json").stdout)
    assert as_json["summary"]["baselined"] == 2 and as_json["findings"] == []


def test_baseline_survives_unrelated_edits_and_catches_growth(tmp_path: Path) -> None:
    root = _project(tmp_path)
    run_cli("baseline", str(root))
    (root / "app" / "a.py").write_text('"""Docs moved the import down."""\n\nimport os\nimport app.b\n')
    assert run_cli("check", str(root)).returncode == 0
    # The cycle grows: a new member makes it a new finding, and the old entry is stale.
    (root / "app" / "c.py").write_text("import app.a\n")
    (root / "app" / "b.py").write_text("import app.c\n")
    proc = run_cli("check", str(root), "--format", "concise", "-q")
    assert proc.returncode == 1
    assert proc.stdout.splitlines() == [
        ".ssotlint-baseline.json:4:1: SSOT903 baseline entry for SSOT201 in app/a.py matches no finding any more",
        "app/a.py:4:1: SSOT201 import cycle: app.a -> app.b -> app.c -> app.a (3 modules)",
    ]
    pruned = run_cli("baseline", str(root), "--prune")
    assert "Pruned 1 stale entries; 1 remain" in pruned.stdout
    doc = json.loads((root / ".ssotlint-baseline.json").read_text())
    assert [v["path"] for v in doc["findings"].values()] == ["lib/x.py"]


def test_show_baselined_in_sarif_and_json(tmp_path: Path) -> None:
    root = _project(tmp_path)
    run_cli("baseline", str(root))
    (root / "pkg").mkdir()
    (root / "pkg" / "__init__.py").write_text("")
    (root / "pkg" / "m.py").write_text("import pkg.n\n")
    (root / "pkg" / "n.py").write_text("import pkg.m\n")
    sarif = json.loads(run_cli("check", str(root), "--format", "sarif", "--show-baselined").stdout)
    states = sorted((r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], r["baselineState"]) for r in sarif["runs"][0]["results"])
    assert states == [("app/a.py", "unchanged"), ("lib/x.py", "unchanged"), ("pkg/m.py", "new")]
    plain = json.loads(run_cli("check", str(root), "--format", "sarif").stdout)
    assert all("baselineState" not in r for r in plain["runs"][0]["results"])
    js = json.loads(run_cli("check", str(root), "--format", "json", "--show-baselined").stdout)
    assert [(f["path"], f["baselined"]) for f in js["findings"]] == [("pkg/m.py", False), ("app/a.py", True), ("lib/x.py", True)]


def test_configured_baseline_path_and_broken_file(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", CYCLE, config='baseline = "ci/known.json"\n')
    run_cli("baseline", str(root))
    assert (root / "ci" / "known.json").is_file()
    assert run_cli("check", str(root)).returncode == 0
    (root / "ci" / "known.json").write_text("{\n  \"version\": 1,\n  oops\n}\n")
    proc = run_cli("check", str(root))
    assert proc.returncode == 2
    assert "known.json:3: invalid JSON" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_no_baseline_flag(tmp_path: Path) -> None:
    root = _project(tmp_path)
    run_cli("baseline", str(root))
    assert run_cli("check", str(root), "--no-baseline").returncode == 1


def test_gitlab_code_quality(tmp_path: Path) -> None:
    root = _project(tmp_path)
    issues = json.loads(run_cli("check", str(root), "--format", "gitlab").stdout)
    assert [(i["check_name"], i["location"]["path"], i["location"]["lines"]["begin"], i["severity"]) for i in issues] == [
        ("SSOT201", "app/a.py", 1, "major"),
        ("SSOT201", "lib/x.py", 1, "major"),
    ]
    assert len({i["fingerprint"] for i in issues}) == 2
