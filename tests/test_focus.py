"""A run on some files reports exactly the whole run's findings that touch those files.

Rules skip the work for findings that cannot touch the paths asked about (the pre-commit
hook passes a handful of changed files); what they still report must not differ from the
whole-project run, finding for finding, for every file and folder of every fixture.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ssotlint.diagnostics import Diagnostic
from tests.conftest import EXAMPLE_DIR, FIXTURES, check, findings, write_project

PROJECTS = sorted(p.name for p in FIXTURES.iterdir() if (p / "pyproject.toml").exists())


def _plain(d: Diagnostic) -> tuple[object, ...]:
    return (d.code, d.path, d.span, d.message, d.related, d.fingerprint, d.touches, repr(d.data))


def _touching(result_diagnostics: list[Diagnostic], rel: str) -> list[tuple[object, ...]]:
    return [_plain(d) for d in result_diagnostics if any(p == rel or p.startswith(rel + "/") for p in d.locations())]


def _agree(root: Path) -> int:
    whole = check(root)
    files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.py"))
    folders = sorted({f.rpartition("/")[0] for f in files if "/" in f})
    compared = 0
    for rel in [*files, *folders, "pyproject.toml"]:
        if not (root / rel).exists():
            continue
        scoped = check(root, paths=(root / rel,))
        assert [_plain(d) for d in scoped.diagnostics] == _touching(whole.diagnostics, rel), rel
        compared += len(scoped.diagnostics)
    return compared


@pytest.mark.parametrize("name", PROJECTS)
def test_scoped_run_equals_filtered_whole_run(name: str, tmp_path: Path) -> None:
    root = tmp_path / name
    shutil.copytree(FIXTURES / name, root)
    _agree(root)


def test_scoped_runs_on_the_demo(tmp_path: Path) -> None:
    root = tmp_path / "demo"
    shutil.copytree(EXAMPLE_DIR, root, ignore=shutil.ignore_patterns(".ssotlint_cache"))
    assert _agree(root) > 14  # every finding is seen from at least one of its files


def test_with_a_cache_the_whole_project_is_stored_for_later_runs(tmp_path: Path) -> None:
    root = tmp_path / "demo"
    shutil.copytree(EXAMPLE_DIR, root, ignore=shutil.ignore_patterns(".ssotlint_cache"))
    target = root / "services/backend/chat_backend/websocket/manager.py"
    first = check(root, paths=(target,), use_cache=True)
    again = check(root, paths=(target,), use_cache=True)
    assert not first.cached_findings and again.cached_findings
    assert [_plain(d) for d in again.diagnostics] == [_plain(d) for d in first.diagnostics]
    assert again.suppressed == first.suppressed
    whole = check(root, use_cache=True)
    assert whole.cached_findings  # the narrower run stored the whole project's findings
    assert [_plain(d) for d in first.diagnostics] == _touching(whole.diagnostics, target.relative_to(root).as_posix())


# a imports b at module level; b imports c at module level and a in a function; c imports a
# in a function. The deferred cycle shown is a -> b -> a: c is in its group, not on it.
GROUP = {
    "pkg/__init__.py": "",
    "pkg/a.py": "import pkg.b\n",
    "pkg/b.py": "import pkg.c\n\n\ndef f():\n    import pkg.a\n",
    "pkg/c.py": "def g():\n    import pkg.a\n",
}


@pytest.mark.parametrize("use_cache", [False, True])
def test_a_cycle_touches_the_files_of_the_cycle_it_shows_only(tmp_path: Path, use_cache: bool) -> None:
    root = write_project(tmp_path / "proj", GROUP)
    whole = check(root, use_cache=use_cache)
    assert [(d.code, d.path, d.message) for d in whole.diagnostics] == [
        (
            "SSOT202",
            "pkg/a.py",
            "import cycle through deferred imports: pkg.a -> pkg.b -> pkg.a (2 of 3 modules in the cycle group)",
        )
    ]
    assert whole.diagnostics[0].touches == ("pkg/a.py", "pkg/b.py", "pkg/c.py")
    for rel, expected in [("pkg/c.py", []), ("pkg/a.py", ["SSOT202 pkg/a.py:1:1"]), ("pkg/b.py", ["SSOT202 pkg/a.py:1:1"])]:
        for _ in range(2 if use_cache else 1):  # computed, then reused
            assert findings(check(root, paths=(root / rel,), use_cache=use_cache)) == expected, rel


def test_a_suppressed_cycle_counts_for_the_files_it_shows(tmp_path: Path) -> None:
    root = write_project(tmp_path / "proj", GROUP, config='per-file-ignores = { "pkg/a.py" = ["SSOT202"] }')
    assert check(root, paths=(root / "pkg/b.py",)).suppressed == 1
    assert check(root, paths=(root / "pkg/c.py",)).suppressed == 0
