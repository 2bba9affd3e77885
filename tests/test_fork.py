"""The duplicate rules in a forked child give exactly the findings of one process."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from ssotlint import engine
from ssotlint.rules.cycles import ImportCycle
from ssotlint.rules.duplicates import DuplicateImplementation
from tests.conftest import EXAMPLE_DIR, FIXTURES, check

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")


def _plain(result: engine.RunResult) -> list[tuple[object, ...]]:
    return [(d.code, d.path, d.span, d.message, d.related, d.touches, repr(d.data)) for d in result.diagnostics]


def _demo(tmp_path: Path) -> Path:
    root = tmp_path / "demo"
    shutil.copytree(EXAMPLE_DIR, root, ignore=shutil.ignore_patterns(".ssotlint_cache"))
    return root


@pytest.mark.parametrize("name", ["duplicates-websocket", "duplicates-discovered", "cycles-suppressed"])
def test_forked_rules_agree_with_one_process(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / name
    shutil.copytree(FIXTURES / name, root)
    alone = check(root, jobs=1)
    forks: list[int] = []
    real_fork = os.fork

    def counting_fork() -> int:
        pid = real_fork()
        if pid:
            forks.append(pid)
        return pid

    monkeypatch.setattr(engine, "FORK_THRESHOLD", 0)
    monkeypatch.setattr(os, "fork", counting_fork)
    together = check(root, jobs=2)
    assert len(forks) == 1
    assert _plain(together) == _plain(alone)
    assert together.suppressed == alone.suppressed


def test_demo_with_fork(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _demo(tmp_path)
    alone = check(root, jobs=1)
    monkeypatch.setattr(engine, "FORK_THRESHOLD", 0)
    assert _plain(check(root, jobs=2)) == _plain(alone)
    assert any(d.code == "SSOT101" for d in alone.diagnostics)


def test_unusable_child_results_are_computed_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _demo(tmp_path)
    alone = check(root, jobs=1)
    monkeypatch.setattr(engine, "FORK_THRESHOLD", 0)
    monkeypatch.setattr(engine, "encode_diagnostics", lambda diagnostics: None)  # the child sends nothing
    assert _plain(check(root, jobs=2)) == _plain(alone)


def test_error_in_a_forked_rule_is_raised_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _demo(tmp_path)

    def broken(self: object, index: object) -> list[object]:
        raise RuntimeError("broken rule")

    monkeypatch.setattr(engine, "FORK_THRESHOLD", 0)
    monkeypatch.setattr(DuplicateImplementation, "check", broken)
    with pytest.raises(RuntimeError, match="broken rule"):
        check(root, jobs=2)


def test_error_here_does_not_leave_the_child_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _demo(tmp_path)
    children: list[int] = []
    real_fork = os.fork

    def recording_fork() -> int:
        pid = real_fork()
        if pid:
            children.append(pid)
        return pid

    def broken(self: object, index: object) -> list[object]:
        raise RuntimeError("broken cycle rule")

    monkeypatch.setattr(engine, "FORK_THRESHOLD", 0)
    monkeypatch.setattr(os, "fork", recording_fork)
    monkeypatch.setattr(ImportCycle, "check", broken)
    with pytest.raises(RuntimeError, match="broken cycle rule"):
        check(root, jobs=2)
    assert children  # the last one ran the duplicate rules (the first ones parsed files)
    with pytest.raises(ChildProcessError):  # killed and reaped
        os.waitpid(children[-1], os.WNOHANG)
