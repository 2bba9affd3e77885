"""Same input, same output: any --jobs, cache on or off, run twice, corrupt cache, concurrent runs."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from ..conftest import EXAMPLE_DIR, ssotlint_exe
from .conftest import clean_run, json_findings

CACHE = ".ssotlint_cache"


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    """The demo monorepo (every rule family has findings) with enough files for the worker pool."""
    root = tmp_path / "demo"
    shutil.copytree(EXAMPLE_DIR, root, ignore=shutil.ignore_patterns(CACHE))
    gen = root / "libs" / "shared" / "shared" / "generated"
    gen.mkdir()
    (gen / "__init__.py").write_text("")
    for i in range(30):
        (gen / f"m{i}.py").write_text(f"from shared.generated import m{(i + 1) % 30}\nclass Thing{i}:\n    pass\n")
    return root


def _json(root: Path, *extra: str) -> str:
    proc = clean_run("check", str(root), "--format", "json", "--no-progress", *extra, cwd=root)
    return proc.stdout


def test_same_json_for_jobs_cache_and_repeats(demo: Path) -> None:
    reference = _json(demo, "--no-cache", "--jobs", "1")
    assert {f["code"][:5] for f in json_findings(reference)} >= {"SSOT1", "SSOT2", "SSOT3"}
    assert _json(demo, "--no-cache", "--jobs", "2") == reference
    assert not (demo / CACHE).exists()
    assert _json(demo, "--jobs", "2") == reference  # fills the cache
    assert (demo / CACHE).is_dir()
    assert _json(demo, "--jobs", "1") == reference  # reads it
    assert _json(demo) == reference


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty", "flipped", "directory"])
def test_corrupt_cache_changes_nothing(demo: Path, damage: str) -> None:
    reference = _json(demo, "--no-cache")
    _json(demo)
    packs = sorted((demo / CACHE).glob("facts-*.bin"))
    assert len(packs) == 1
    pack = packs[0]
    data = pack.read_bytes()
    if damage == "garbage":
        pack.write_bytes(os.urandom(len(data)))
    elif damage == "truncated":
        pack.write_bytes(data[: len(data) // 2])
    elif damage == "empty":
        pack.write_bytes(b"")
    elif damage == "flipped":
        pack.write_bytes(data[:-10] + bytes(b ^ 0xFF for b in data[-10:]))
    else:
        pack.unlink()
        pack.mkdir()
    proc = subprocess.run(
        [*ssotlint_exe(), "check", str(demo), "--format", "json", "--no-progress"],
        capture_output=True, text=True, check=False, cwd=demo, env={**os.environ, "NO_COLOR": "1"},
    )
    assert "Traceback" not in proc.stderr
    assert proc.returncode == 1
    assert proc.stdout == reference
    assert ("ignoring unreadable cache" if damage == "directory" else "ignoring corrupt cache") in proc.stderr
    assert _json(demo) == reference  # and the cache works again afterwards


def test_concurrent_runs_agree_and_leave_a_valid_cache(demo: Path) -> None:
    reference = _json(demo, "--no-cache")
    env = {**os.environ, "NO_COLOR": "1"}
    cmd = [*ssotlint_exe(), "check", str(demo), "--format", "json", "--no-progress", "--jobs", "1"]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=demo, env=env) for _ in range(3)]
    outputs = [p.communicate(timeout=300) for p in procs]
    for (out, err), p in zip(outputs, procs, strict=True):
        assert "Traceback" not in err
        assert p.returncode == 1
        assert out == reference
    assert sorted(p.name for p in (demo / CACHE).iterdir() if p.name.startswith(".facts-")) == []  # no temp files
    assert _json(demo) == reference


@pytest.mark.parametrize("damage", ["garbage", "truncated", "directory"])
def test_corrupt_result_cache_changes_nothing(tmp_path: Path, damage: str) -> None:
    from ..conftest import write_project

    root = write_project(tmp_path / "proj", {"app/__init__.py": "", "app/a.py": "import app.b\n", "app/b.py": "import app.a\n"})
    reference = _json(root, "--no-cache")
    _json(root)
    _json(root)
    results = sorted((root / CACHE).glob("result-*.bin"))
    assert len(results) == 1
    data = results[0].read_bytes()
    if damage == "garbage":
        results[0].write_bytes(os.urandom(len(data)))
    elif damage == "truncated":
        results[0].write_bytes(data[: len(data) // 2])
    else:
        results[0].unlink()
        results[0].mkdir()
    assert _json(root) == reference
    assert _json(root) == reference


@pytest.mark.parametrize("damage", ["garbage", "truncated", "flipped", "swapped"])
def test_every_damaged_cache_file_changes_nothing(demo: Path, damage: str) -> None:
    """Facts, edges, findings, every family state and the deltas: all damaged at once."""
    _json(demo)
    edited = demo / "services/backend/chat_backend/websocket/manager.py"
    edited.write_text(edited.read_text() + "\n# moved\n")
    _json(demo)  # writes deltas and renumbered findings
    edited.write_text("import os\n" + edited.read_text())
    reference = _json(demo, "--no-cache")
    files = sorted(p for p in (demo / CACHE).iterdir() if p.suffix in (".bin", ".delta"))
    assert {p.name.split("-")[0] for p in files} >= {"facts", "edges", "cycles", "result", "duplicates", "events", "meta"}
    contents = [p.read_bytes() for p in files]
    for i, (path, data) in enumerate(zip(files, contents, strict=True)):
        if damage == "garbage":
            path.write_bytes(os.urandom(len(data)))
        elif damage == "truncated":
            path.write_bytes(data[: len(data) // 2])
        elif damage == "flipped":
            path.write_bytes(data[:-10] + bytes(b ^ 0xFF for b in data[-10:]))
        else:  # each file holds another file's valid content
            path.write_bytes(contents[(i + 1) % len(contents)])
    proc = subprocess.run(
        [*ssotlint_exe(), "check", str(demo), "--format", "json", "--no-progress"],
        capture_output=True, text=True, check=False, cwd=demo, env={**os.environ, "NO_COLOR": "1"},
    )
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr
    assert proc.returncode == 1
    assert proc.stdout == reference
    assert _json(demo) == reference
