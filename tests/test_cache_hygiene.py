"""A damaged cache costs one warning per file, and a killed run leaves nothing behind:
no temporary files for long, no worker processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from ssotlint.cache import remove_leftovers
from tests.conftest import run_cli, write_project

FILES = {
    "app/__init__.py": "",
    "app/a.py": "import app.b\n",
    "app/b.py": "import app.a\n",
    "app/c.py": "class Store:\n    def get(self):\n        return 1\n",
    "app/d.py": "def f():\n    return {'type': 'x'}\n",
}


def _warnings(stderr: str, what: str) -> list[str]:
    return [line for line in stderr.splitlines() if what in line]


def test_every_damaged_cache_file_warns_once(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", FILES)
    first = run_cli("check", str(root), "--format", "concise")
    cache = root / ".ssotlint_cache"
    (cache / "facts-x.delta").write_bytes(b"")  # not a file of this configuration: never read
    damaged = sorted(p for p in cache.iterdir() if p.suffix == ".bin")
    assert {p.name.split("-")[0] for p in damaged} == {"facts", "edges", "result", "duplicates", "cycles", "events", "meta"}
    for path in damaged:
        path.write_bytes(path.read_bytes()[:-5] + b"oops!")
    # The same files: the stored result is this state's, and is read first.
    second = run_cli("check", str(root), "--format", "concise")
    assert second.returncode == first.returncode == 1
    warned = _warnings(second.stderr, "ignoring corrupt cache")
    assert sorted(w.split("ignoring corrupt cache ", 1)[1].split(" (")[0] for w in warned) == [str(p) for p in damaged]
    third = run_cli("check", str(root), "--format", "concise")  # all written again
    assert _warnings(third.stderr, "corrupt") == []
    assert third.stdout == second.stdout


def test_a_cache_that_cannot_be_written_warns_once(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", FILES, config='cache-dir = "blocked/cache"\n')
    (root / "blocked").write_text("a file where a folder should be")
    proc = run_cli("check", str(root))
    assert proc.returncode == 1
    assert len(_warnings(proc.stderr, "cannot write cache")) == 1


def _dead_pid() -> int:
    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True)
    return int(proc.stdout)


def test_temporary_files_of_killed_runs_are_removed(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", FILES)
    cache = root / ".ssotlint_cache"
    cache.mkdir()
    dead = _dead_pid()
    killed = [cache / f".edges-0123abcd-{dead}-x1y2z3.tmp", cache / f".result-0123abcd-{dead}-q9w8e7.tmp"]
    running = cache / f".result-0123abcd-{os.getpid()}-a1b2c3.tmp"  # a write under way
    old = cache / f".facts-0123abcd-{os.getpid()}-zzzzzz.tmp"
    unknown = cache / ".cycles-0123abcd-zzzzzz.tmp"  # no writer in its name: only its age counts
    for path in (*killed, running, old, unknown):
        path.write_bytes(b"partial")
    hours_ago = time.time() - 7200
    os.utime(old, (hours_ago, hours_ago))
    assert run_cli("check", str(root)).returncode == 1
    assert sorted(p.name for p in cache.glob(".*.tmp")) == sorted([running.name, unknown.name])
    os.utime(unknown, (hours_ago, hours_ago))
    remove_leftovers(cache)
    assert [p.name for p in cache.glob(".*.tmp")] == [running.name]


@pytest.mark.skipif(sys.platform != "linux", reason="PR_SET_PDEATHSIG is Linux only")
def test_a_worker_dies_with_its_parent(tmp_path: Path) -> None:
    # A parent forks a worker that calls the pool's initializer, then is killed.
    script = textwrap.dedent(
        """
        import os, sys, time
        from ssotlint.engine import die_with_parent
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:
            die_with_parent(parent)
            time.sleep(120)
            os._exit(0)
        print(pid, flush=True)
        time.sleep(120)
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    worker = int(proc.stdout.readline())
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 30
    while _running(worker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _running(worker)


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"
