"""Discovery, the facts cache, parallelism and determinism."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from ssotlint.config import load_config
from ssotlint.discovery import discover
from ssotlint.reporters.json_reporter import document

from .conftest import EXAMPLE_DIR, check, copy_fixture, findings, run_cli, write_project


def _rels(root: Path) -> list[str]:
    return [f.rel for f in discover(load_config(root))]


def test_discovery_skips_ignored_places(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "p",
        {
            "app/a.py": "",
            "app/gen/out.py": "",
            "build/lib/app/a.py": "",
            ".hidden/x.py": "",
            "node_modules/pkg/x.py": "",
            "env1/pyvenv.cfg": "home = /usr\n",
            "env1/lib/site.py": "",
            "app/__pycache__/a.py": "",
            "notes.txt": "",
            "vendor/skip.py": "",
            "extra/keep.py": "",
            ".gitignore": "app/gen/\n",
        },
        config='extend-exclude = ["vendor"]\n',
    )
    assert _rels(root) == ["app/a.py", "extra/keep.py"]


def test_gitignore_can_be_disabled(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"a.py": "", "gen/b.py": "", ".gitignore": "gen/\n"}, config="respect-gitignore = false\n")
    assert _rels(root) == ["a.py", "gen/b.py"]


def test_symlink_loops_are_not_followed(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"pkg/a.py": ""})
    os.symlink(root / "pkg", root / "pkg" / "loop")
    os.symlink(tmp_path, root / "outside")
    assert _rels(root) == ["pkg/a.py"]


def test_module_names_from_source_roots(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "mono",
        {
            "services/api/api_app/__init__.py": "",
            "services/api/api_app/main.py": "from shared_lib import util\n",
            "libs/shared/shared_lib/__init__.py": "",
            "libs/shared/shared_lib/util.py": "",
            "tests/test_x.py": "import api_app.main\n",
        },
        config='src = ["services/*", "libs/*"]\n',
    )
    result = check(root)
    names = {info.rel: name for name, info in result.index.modules.by_name.items()}
    assert names["services/api/api_app/main.py"] == "api_app.main"
    assert names["libs/shared/shared_lib/util.py"] == "shared_lib.util"
    assert names["tests/test_x.py"] == "tests.test_x"
    edges = {(e.importer, e.imported) for e in result.index.imports.edges}
    assert ("api_app.main", "shared_lib.util") in edges
    assert ("tests.test_x", "api_app.main") in edges
    assert ("tests.test_x", "api_app") in edges  # the package __init__ runs too


def _json(root: Path, **kwargs: object) -> str:
    return json.dumps(document(check(root, **kwargs)), sort_keys=True)  # type: ignore[arg-type]


def test_results_identical_with_and_without_cache_and_jobs(tmp_path: Path) -> None:
    root = copy_fixture("syntax", tmp_path)
    # Enough files to use the process pool.
    for i in range(40):
        (root / "mod" / f"extra{i}.py").write_text(f"import mod.extra{(i + 1) % 40}\n")
    baseline = _json(root, jobs=1, use_cache=False)
    assert _json(root, jobs=2, use_cache=False) == baseline
    assert _json(root, jobs=2, use_cache=True) == baseline  # cold cache
    assert _json(root, jobs=1, use_cache=True) == baseline  # warm cache
    result = check(root, jobs=1, use_cache=True)
    assert result.parsed == 0  # everything came from the cache


def test_cache_is_keyed_by_content(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"pkg/__init__.py": "", "pkg/a.py": "import pkg.b\n", "pkg/b.py": "x = 1\n"})
    assert findings(check(root, use_cache=True)) == []
    (root / "pkg" / "b.py").write_text("import pkg.a\n")
    result = check(root, use_cache=True)
    assert result.parsed == 1
    assert findings(result) == ["SSOT201 pkg/a.py:1:1"]
    # A copy of the project elsewhere (new paths, new mtimes) reuses the cache by content.
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(root, copy)
    assert check(copy, use_cache=True).parsed == 0


def test_corrupt_cache_is_ignored_with_a_warning(tmp_path: Path) -> None:
    root = copy_fixture("cycles-init", tmp_path)
    first = run_cli("check", str(root), "--format", "json")
    [pack] = (root / ".ssotlint_cache").glob("facts-*.bin")
    pack.write_bytes(b"garbage" * 100)
    second = run_cli("check", str(root), "--format", "json")
    assert second.stdout == first.stdout
    assert "ignoring corrupt cache" in second.stderr
    assert (root / ".ssotlint_cache" / "CACHEDIR.TAG").exists()


def test_unwritable_cache_dir_only_warns(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"a.py": ""}, config='cache-dir = "blocked/cache"\n')
    (root / "blocked").write_text("a file where a folder should be")
    proc = run_cli("check", str(root))
    assert proc.returncode == 0
    assert "cannot write cache" in proc.stderr


def test_unreadable_and_odd_files_do_not_stop_the_run(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"pkg/__init__.py": "", "pkg/a.py": "import pkg.b\n", "pkg/b.py": "import pkg.a\n"})
    (root / "pkg" / "nul.py").write_bytes(b"x = 1\x00\n")
    (root / "pkg" / "bad_enc.py").write_bytes(b"x = '\xff\xfe'\n")
    (root / "pkg" / "bom.py").write_bytes(b"\xef\xbb\xbfimport pkg.a\n")
    (root / "pkg" / "dir.py").mkdir()
    result = check(root)
    assert findings(result) == [
        "SSOT201 pkg/a.py:1:1",
        "SSOT901 pkg/bad_enc.py:1:1",
        "SSOT901 pkg/nul.py:1:1",
    ]


def test_newer_syntax_is_analysed(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "p",
        {
            "pkg/__init__.py": "",
            "pkg/a.py": "import pkg.b\n\nclass Box[T]:\n    pass\n\nmsg = f\"{'x' + \"y\"}\"\n",
            "pkg/b.py": "try:\n    import pkg.a\nexcept ValueError, TypeError:\n    pass\n",
        },
    )
    assert findings(check(root)) == ["SSOT201 pkg/a.py:1:1"]


def test_example_dir_exists() -> None:
    assert (EXAMPLE_DIR / "pyproject.toml").is_file()


def test_two_concurrent_runs_never_corrupt_the_cache(tmp_path: Path) -> None:
    import subprocess

    from .conftest import ssotlint_exe

    files = {"pkg/__init__.py": ""}
    for i in range(300):
        files[f"pkg/m{i:03d}.py"] = f"import pkg.m{(i + 1) % 300:03d}\n" + "x = 1\n" * 50
    root = write_project(tmp_path / "p", files)
    env = {**os.environ, "NO_COLOR": "1"}
    procs = [
        subprocess.Popen([*ssotlint_exe(), "check", str(root), "--format", "json", "-j", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [1, 1]
    assert outputs[0][0] == outputs[1][0]
    assert "corrupt" not in outputs[0][1] + outputs[1][1]
    third = run_cli("check", str(root), "--format", "json", "-v")
    assert third.stdout == outputs[0][0]
    assert "(0 parsed)" in third.stderr
    assert not list((root / ".ssotlint_cache").glob("*.tmp"))


def test_findings_touching_a_path_are_those_showing_it(tmp_path: Path) -> None:
    # c.py is in the cycle group but not on the representative cycle a -> b -> a: the
    # finding shows no location in it (a commit to c.py does not fail on it).
    root = write_project(
        tmp_path / "p",
        {
            "app/__init__.py": "",
            "app/a.py": "import app.b\n",
            "app/b.py": "import app.a\nimport app.c\n",
            "app/c.py": "import app.d\n",
            "app/d.py": "import app.b\n",
            "app/other.py": "",
        },
    )
    assert findings(check(root)) == ["SSOT201 app/a.py:1:1"]
    assert findings(check(root, paths=(root / "app" / "c.py",))) == []
    assert findings(check(root, paths=(root / "app" / "b.py",))) == ["SSOT201 app/a.py:1:1"]
    assert findings(check(root, paths=(root / "app" / "other.py",))) == []


def test_only_the_fact_families_of_selected_rules_are_extracted(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "p",
        {
            "app/__init__.py": "",
            "app/a.py": "import app.b\n\nTIMEOUT = 1  # seconds\n\n\nclass Manager:\n    def run(self):\n        return {'type': 'x', 'a': 1}\n",
            "app/b.py": "import app.a\n\nTIMEOUT = 2  # seconds\n",
        },
    )
    only_cycles = check(root, use_cache=True, select=("SSOT2",))
    assert findings(only_cycles) == ["SSOT201 app/a.py:1:1"]
    facts = only_cycles.index.files["app/a.py"]
    assert facts.imports and not facts.classes and not facts.constants and not facts.event_producers
    # The wider selection does not reuse the narrower facts: it extracts again, by content.
    everything = check(root, use_cache=True)
    assert everything.parsed == 3
    assert everything.index.files["app/a.py"].classes
    assert "SSOT104 app/a.py:3:1" in findings(everything)
    assert check(root, use_cache=True, select=("SSOT2",)).parsed == 0


def test_without_any_project_marker_the_current_folder_is_the_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ssotlint.config import find_project_root

    (tmp_path / "pkg" / "sub").mkdir(parents=True)
    (tmp_path / "pkg" / "sub" / "a.py").write_text("")
    monkeypatch.chdir(tmp_path)
    assert find_project_root(Path("pkg/sub/a.py"))[0] == tmp_path.resolve()
    assert find_project_root(Path("."))[0] == tmp_path.resolve()
    elsewhere = tmp_path / "pkg"
    monkeypatch.chdir(elsewhere / "sub")
    assert find_project_root(elsewhere)[0] == elsewhere.resolve()
