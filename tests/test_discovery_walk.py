"""The scandir walk of discovery against a plain reference walk, on awkward trees."""

from __future__ import annotations

import dataclasses
import logging
import os
import random
import sys
from collections.abc import Iterator
from pathlib import Path

import pathspec
import pytest

from ssotlint.config import Config, load_config
from ssotlint.discovery import _Matcher, discover, in_scope

# --- the reference: one Path per entry, every pattern of every spec asked -------------------------


def _reference(config: Config) -> list[tuple[str, Path]]:
    exclude = pathspec.GitIgnoreSpec.from_lines([*config.exclude, *config.extend_exclude])
    gitignores: list[tuple[str, pathspec.GitIgnoreSpec]] = []
    root = config.root.resolve()

    def ignored(rel: str, is_dir: bool) -> bool:
        probe = rel + "/" if is_dir else rel
        if exclude.match_file(probe):
            return True
        for base, spec in gitignores:
            if base:
                if probe.startswith(base + "/") and spec.match_file(probe[len(base) + 1 :]):
                    return True
            elif spec.match_file(probe):
                return True
        return False

    def inside(path: Path) -> bool:
        try:
            path.resolve().relative_to(root)
        except (ValueError, OSError, RuntimeError):
            return False
        return True

    def utf8(name: str) -> bool:
        try:
            name.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True

    seen: set[tuple[int, int]] = set()

    def walk(folder: Path, rel: str) -> Iterator[tuple[str, Path]]:
        try:
            st = folder.stat()
        except OSError:
            return
        if (st.st_dev, st.st_ino) in seen:
            return
        seen.add((st.st_dev, st.st_ino))
        if rel and (folder / "pyvenv.cfg").exists():
            return
        gi = folder / ".gitignore"
        if config.respect_gitignore and gi.is_file():
            gitignores.append((rel, pathspec.GitIgnoreSpec.from_lines(gi.read_text("utf-8", "replace").splitlines())))
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):
            child_rel = f"{rel}/{entry.name}" if rel else entry.name
            is_dir = entry.is_dir()
            is_file = not is_dir and entry.is_file()
            if (is_dir or entry.name.endswith(".py")) and not utf8(entry.name):
                continue
            if is_dir:
                if ignored(child_rel, True):
                    continue
                child = Path(entry.path)
                if entry.is_symlink() and not inside(child):
                    continue
                yield from walk(child, child_rel)
            elif is_file and entry.name.endswith(".py") and not ignored(child_rel, False):
                yield child_rel, Path(entry.path)

    return sorted(walk(root, ""), key=lambda t: t[0])


def _same(config: Config) -> list[str]:
    got = [(f.rel, f.path) for f in discover(config)]
    assert got == _reference(config)
    return [rel for rel, _ in got]


def _touch(root: Path, *rels: str, text: str = "") -> None:
    for rel in rels:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")


def _config(root: Path, **changes: object) -> Config:
    (root / "pyproject.toml").write_text("[tool.ssotlint]\n", "utf-8")
    return dataclasses.replace(load_config(root), **changes)  # type: ignore[arg-type]


# --- trees ------------------------------------------------------------------------------------------


def test_nested_gitignores_with_negations(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    _touch(
        root,
        "a.py", "gen_a.py", "keep_gen.py", "pkg/mod.py", "pkg/gen_b.py", "pkg/sub/x.py", "pkg/sub/y_pb2.py",
        "pkg/sub/deep/z.py", "pkg/out/o.py", "docs/conf.py", "logs/l.py", "pkg/sub/deep/keep_pb2.py",
        "notes.txt", "pkg/data.json",
    )
    _touch(root, ".gitignore", text="gen_*.py\n!keep_gen.py\n/docs/\nlogs\n# comment\n\n")
    _touch(root, "pkg/.gitignore", text="out/\n*_pb2.py\n!sub/deep/keep_pb2.py\n")
    _touch(root, "pkg/sub/.gitignore", text="!gen_b.py\n/x.py\n")
    rels = _same(_config(root))
    assert "keep_gen.py" in rels and "gen_a.py" not in rels and "pkg/sub/x.py" not in rels
    assert "pkg/sub/deep/keep_pb2.py" in rels and "pkg/sub/y_pb2.py" not in rels
    assert _same(_config(root, respect_gitignore=False)) != rels


def test_excludes_and_extend_excludes(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    _touch(
        root,
        "src/app/a.py", "src/app/migrations/0001.py", "build/b.py", "src/build.py", "tests/t.py",
        "x.egg-info/e.py", "src/node_modules/n.py", "third_party/vendor/v.py", "src/app/v.py",
    )
    _same(_config(root))
    _same(_config(root, extend_exclude=("migrations/", "third_party/**", "!build", "src/app/v.py")))
    _same(_config(root, exclude=("tests", "*.py", "!src/**/*.py"), extend_exclude=("src/app/migrations",)))
    _same(_config(root, exclude=()))


def test_hidden_folders_and_virtualenvs(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    _touch(
        root,
        ".hidden/h.py", "pkg/.cache/c.py", ".x.py", "env1/pyvenv.cfg", "env1/lib/l.py", "pkg/p.py",
        "pkg/env2/pyvenv.cfg", "pkg/env2/e.py", "pyvenv.cfg", "cfgdir/pyvenv.cfg/inner.py", "cfgdir/c.py",
    )
    (root / "dangling").mkdir()
    (root / "dangling" / "d.py").write_text("", "utf-8")
    (root / "dangling" / "pyvenv.cfg").symlink_to(root / "missing")
    (root / "linked").mkdir()
    (root / "linked" / "k.py").write_text("", "utf-8")
    (root / "linked" / "pyvenv.cfg").symlink_to(root / "env1" / "pyvenv.cfg")
    rels = _same(_config(root))
    assert "dangling/d.py" in rels and "linked/k.py" not in rels and "cfgdir/c.py" not in rels
    _same(_config(root, exclude=()))


def test_symlinks_loops_and_links_out_of_the_root(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    outside = tmp_path / "outside"
    _touch(outside, "o.py")
    _touch(root, "pkg/a.py", "pkg/sub/b.py", "other/c.py")
    (root / "pkg" / "sub" / "loop").symlink_to(root / "pkg")
    (root / "alias").symlink_to(root / "pkg")
    (root / "zz_alias").symlink_to(root / "other")
    (root / "out").symlink_to(outside)
    (root / "link.py").symlink_to(root / "pkg" / "a.py")
    (root / "broken.py").symlink_to(root / "nothing.py")
    (root / "dir.py").mkdir()
    (root / "dir.py" / "inside.py").write_text("", "utf-8")
    rels = _same(_config(root))
    assert "out/o.py" not in rels and "link.py" in rels and "broken.py" not in rels
    assert "alias/a.py" in rels and "pkg/a.py" not in rels  # the first name met wins
    assert "dir.py/inside.py" in rels


@pytest.mark.skipif(sys.platform != "linux", reason="needs names that are not UTF-8")
def test_names_that_are_not_utf8(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    root = tmp_path / "proj"
    _touch(root, "ok.py", "été/x.py", "naïve.py")
    os.mkdir(os.fsencode(root) + b"/bad\xff")
    Path(os.fsdecode(os.fsencode(root) + b"/bad\xff/y.py")).write_text("", "utf-8")
    Path(os.fsdecode(os.fsencode(root) + b"/b\xfe.py")).write_text("", "utf-8")
    Path(os.fsdecode(os.fsencode(root) + b"/b\xfe.txt")).write_text("", "utf-8")
    with caplog.at_level(logging.WARNING, logger="ssotlint"):
        rels = _same(_config(root))
    assert rels == ["naïve.py", "ok.py", "été/x.py"]
    assert [r.getMessage() for r in caplog.records] == [  # in walk order: by name
        "skipping bad\ufffd: the name is not valid UTF-8",
        "skipping b\ufffd.py: the name is not valid UTF-8",
    ]


def test_random_trees(tmp_path: Path) -> None:
    rng = random.Random(7)
    parts = ["a", "b", "build", ".h", "gen", "x_pb2", "venv", "pkg", "node_modules", "t"]
    patterns = ["gen*", "!gen", "*_pb2.py", "/b/", "b", "t/**", "!t/a.py", "**/a", "a/*.py", "[ab].py", "\\!x", "pkg/"]
    for round_ in range(12):
        root = tmp_path / f"proj{round_}"
        for _ in range(60):
            depth = rng.randint(0, 3)
            rel = "/".join(rng.choice(parts) for _ in range(depth))
            name = rng.choice(parts) + rng.choice([".py", ".py", ".txt"])
            path = root / rel / name if rel else root / name
            if any(p.exists() and not p.is_dir() for p in [*path.parents][: depth + 1]):
                continue
            if path.exists():
                continue
            _touch(root, str(path.relative_to(root)))
        for folder in [root, *(p for p in root.rglob("*") if p.is_dir())]:
            if rng.random() < 0.3:
                (folder / ".gitignore").write_text("\n".join(rng.sample(patterns, 3)) + "\n", "utf-8")
        extend = tuple(rng.sample(patterns, 2))
        _same(_config(root, extend_exclude=extend))
        _same(_config(root, exclude=tuple(rng.sample(patterns, 4))))


# --- pieces -----------------------------------------------------------------------------------------


def test_the_pattern_prefilter_agrees_with_the_spec() -> None:
    lines = [
        ".*", "__pycache__", "*.egg-info", "!keep.egg-info", "/top/", "a/**/b", "*.py[cod]", "\\#hash",
        "dir/", "!dir/inner", "x?y", "# comment", "", "**", "ünï*",
    ]
    probes = [
        ".git/", "a/.x.py", "__pycache__/", "p/__pycache__/m.py", "x.egg-info/", "keep.egg-info/", "top/",
        "a/top/", "a/q/r/b", "a/b", "m.pyc", "#hash", "dir/", "dir/inner", "dir/inner/x.py", "xzy", "xy",
        "ünïcode.py", "plain.py", "sub/plain.py",
    ]
    for count in range(len(lines) + 1):
        spec = pathspec.GitIgnoreSpec.from_lines(lines[:count])
        matcher = _Matcher(spec)
        for probe in probes:
            assert matcher.match(probe) == bool(spec.match_file(probe)), (lines[:count], probe)


def test_in_scope_with_many_paths() -> None:
    rels = ["a.py", "a", "ab/c.py", "a/b.py", "a/b/c.py", "b/a.py", "pkg/mod.py", "pkg/sub/deep.py", "/x", "x//y"]
    scopes: list[tuple[str, ...] | None] = [
        None, (), ("a",), ("a", "b"), ("a", "pkg/sub", "zz", "q"), ("a.py", "pkg", "x", "y", ""),
        ("a/", "pkg/sub/deep.py", "b/a.py", "nothing", "x/"), ("", "1", "2", "3", "4"),
    ]
    for scope in scopes:
        for rel in rels:
            expected = scope is None or any(rel == s or rel.startswith(s + "/") for s in scope)
            assert in_scope(rel, scope) == expected, (rel, scope)


def test_branches_outside_groups() -> None:
    from ssotlint.discovery import _has_top_level_branch

    assert not _has_top_level_branch(r"\.[^/]*(?:(?P<ps_d>/)|$)")
    assert not _has_top_level_branch(r"a[|]b\|c[]|]d[^]|]")
    assert _has_top_level_branch(r"a|b")
    assert _has_top_level_branch(r"(?:a|b)|c")
    assert _has_top_level_branch(r"[a]|b")
