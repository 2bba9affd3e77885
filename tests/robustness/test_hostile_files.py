"""Hostile files: every one gives a finding or a warning, never a traceback."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

import ssotlint.engine
from ssotlint.discovery import SourceFile

from ..conftest import check, findings, write_project
from .conftest import clean_run, concise

HUGE_LINES = 200_000  # x 51 characters: a 10 MB file


def hostile_project(root: Path, outside: Path) -> Path:
    # huge.py is one 10 MB string, cheap to parse: read when the size limit allows it.
    write_project(root, {"pkg/__init__.py": ""}, config="max-file-size = 16_000_000")
    pkg = root / "pkg"
    files: dict[str, bytes] = {
        "latin.py": b'x = "\xff\xfe"\n',  # not UTF-8 and no coding cookie
        "cookie.py": b"# -*- coding: latin-1 -*-\nname = 'caf\xe9'\nclass K:\n    pass\n",
        "bom.py": b"\xef\xbb\xbfimport os\nclass B:\n    pass\n",
        "nul.py": b"a = 1\x00\n",
        "empty.py": b"",
        "huge.py": b'"""' + b"0123456789" * 5 + b"\n" + (b"a" * 50 + b"\n") * HUGE_LINES + b'"""\nclass Huge:\n    pass\n',
        "longline.py": b's = "' + b"a" * 1_000_000 + b'"\n',
        "deep_parens.py": b"x = " + b"(" * 1000 + b"1" + b")" * 1000 + b"\n",
        "deep_ops.py": (
            b"x = " + b"-" * 1000 + b"1\n"
            + b"y = " + b" + ".join([b"a"] * 1000) + b"\n"
            + b"z = " + b"not " * 1000 + b"True\n"
            + b"w = " + b"lambda: " * 500 + b"1\n"
        ),
        "deep_attr.py": b"x = " + b"a." * 5000 + b"b\n",  # too deep for the interpreter's parser
        "deep_sum.py": b"x = " + b" + ".join([b"a"] * 5000) + b"\n",
        "deep_calls.py": b"def f():\n    return " + b"f(" * 1000 + b")" * 1000 + b"\n",
        # Line breaks of every kind; the cycle's imports sit on lines 3 and 2 as Python counts them.
        "cr_a.py": b"x = 1\r\ny = 2\rimport pkg.cr_b\n",
        "cr_b.py": b"\x0c\nimport pkg.cr_a\r\n",
    }
    for name, data in files.items():
        (pkg / name).write_bytes(data)
    (pkg / "x.py").mkdir()  # a directory with a Python file's name
    (pkg / "x.py" / "inside.py").write_bytes(b"")
    os.symlink("..", pkg / "loop")  # a symlink loop back to the root
    os.symlink("self.py", pkg / "self.py")  # a link to itself
    outside.mkdir(parents=True, exist_ok=True)
    (outside / "secret.py").write_text("import pkg.nothing\n")
    os.symlink(outside, pkg / "out")  # never followed out of the project
    return root


EXPECTED = [
    "SSOT201 pkg/cr_a.py:3:1",
    "SSOT901 pkg/deep_attr.py:1:1",
    "SSOT901 pkg/deep_calls.py:2:413",
    "SSOT901 pkg/deep_parens.py:1:205",
    "SSOT901 pkg/deep_sum.py:1:1",
    "SSOT901 pkg/latin.py:1:1",
    "SSOT901 pkg/nul.py:1:1",
]


def test_hostile_files_in_process(tmp_path: Path) -> None:
    root = hostile_project(tmp_path / "proj", tmp_path / "elsewhere")
    result = check(root)
    assert findings(result) == EXPECTED
    assert sorted(result.index.files) == [
        "pkg/__init__.py", "pkg/bom.py", "pkg/cookie.py", "pkg/cr_a.py", "pkg/cr_b.py",
        "pkg/deep_attr.py", "pkg/deep_calls.py", "pkg/deep_ops.py", "pkg/deep_parens.py", "pkg/deep_sum.py",
        "pkg/empty.py", "pkg/huge.py", "pkg/latin.py", "pkg/longline.py", "pkg/nul.py",
        "pkg/x.py/inside.py",
    ]
    cycle = next(d for d in result.diagnostics if d.code == "SSOT201")
    assert [(r.path, r.line) for r in cycle.related] == [("pkg/cr_a.py", 3), ("pkg/cr_b.py", 2)]
    messages = {d.path: d.message for d in result.diagnostics}
    assert messages["pkg/latin.py"] == "cannot parse file: cannot decode file: invalid or missing encoding declaration"
    assert messages["pkg/nul.py"] == "cannot parse file: source contains a NUL byte"
    assert messages["pkg/deep_parens.py"] == "cannot parse file: too many nested parentheses"
    assert "recursion" in messages["pkg/deep_attr.py"]
    classes = {rel: [c.name for c in f.classes] for rel, f in result.index.files.items() if f.classes}
    assert classes == {"pkg/bom.py": ["B"], "pkg/cookie.py": ["K"], "pkg/huge.py": ["Huge"]}


def test_hostile_files_on_the_command_line(tmp_path: Path) -> None:
    root = hostile_project(tmp_path / "proj", tmp_path / "elsewhere")
    for extra in ([], ["--no-cache"], []):  # fills the cache, bypasses it, reads it
        proc = clean_run("check", str(root), "--format", "concise", *extra)
        assert proc.returncode == 1
        assert concise(proc) == EXPECTED
    clean_run("report", str(root), "--format", "markdown", codes=(0,))
    # No event anywhere: nothing to draft, said plainly (exit 2) rather than an empty draft.
    assert "nothing to draft" in clean_run("events", "infer", str(root), codes=(2,)).stderr
    before = {p: p.read_bytes() for p in (root / "pkg").glob("*.py") if p.is_file() and not p.is_symlink()}
    clean_run("fix", "--unsafe", str(root), codes=(0,))
    assert {p: p.read_bytes() for p in before} == before  # nothing to fix, nothing touched
    text = clean_run("check", str(root), "--no-cache")  # source snippets of odd files
    assert "pkg/deep_parens.py:1:205" in text.stdout


def test_suppression_on_a_line_after_a_lone_carriage_return(tmp_path: Path) -> None:
    root = write_project(tmp_path / "proj", {"pkg/__init__.py": ""})
    (root / "pkg" / "a.py").write_bytes(b"x = 1\rimport pkg.b  # ssotlint: ignore[SSOT201]\n")
    (root / "pkg" / "b.py").write_bytes(b"import pkg.a  # ssotlint: ignore[SSOT201]\n")
    assert findings(check(root)) == []


def test_columns_on_a_line_after_a_form_feed(tmp_path: Path) -> None:
    # str.splitlines() breaks at the form feed too, which shifted every later line by one.
    root = write_project(tmp_path / "proj", {"pkg/__init__.py": "", "pkg/b.py": "import pkg.a\n"})
    (root / "pkg" / "a.py").write_bytes("\x0c\nx = 'é'; import pkg.b\n".encode())
    cycle = check(root).diagnostics[0]
    assert [(r.path, r.line, r.column) for r in cycle.related] == [("pkg/a.py", 2, 10), ("pkg/b.py", 1, 1)]


def _swap_after_discovery(monkeypatch: pytest.MonkeyPatch, rel: str, action: str) -> None:
    """Between discovery and reading, delete ``rel`` or make it unreadable."""
    original = ssotlint.engine.discover

    def discover(config):  # type: ignore[no-untyped-def]
        found: list[SourceFile] = original(config)
        path = config.root / rel
        path.unlink()
        if action == "unreadable":
            path.mkdir()  # stat() works, reading fails (chmod 000 does not stop root)
        return found

    monkeypatch.setattr(ssotlint.engine, "discover", discover)


@pytest.mark.parametrize("action", ["deleted", "unreadable"])
def test_file_gone_or_unreadable_during_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, action: str
) -> None:
    root = write_project(
        tmp_path / "proj",
        {"pkg/__init__.py": "", "pkg/a.py": "import pkg.b\n", "pkg/b.py": "import pkg.a\n", "pkg/c.py": "x = 1\n"},
    )
    _swap_after_discovery(monkeypatch, "pkg/c.py", action)
    with caplog.at_level(logging.WARNING, logger="ssotlint"):
        result = check(root)
    assert findings(result) == ["SSOT201 pkg/a.py:1:1"]
    assert sorted(result.index.files) == ["pkg/__init__.py", "pkg/a.py", "pkg/b.py"]
    reason = "No such file or directory" if action == "deleted" else "Is a directory"
    assert [r.getMessage() for r in caplog.records] == [f"skipping pkg/c.py: {reason}"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file_by_mode(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    root = write_project(tmp_path / "proj", {"a.py": "x = 1\n", "b.py": "y = 2\n"})
    (root / "b.py").chmod(0)
    try:
        with caplog.at_level(logging.WARNING, logger="ssotlint"):
            result = check(root)
    finally:
        (root / "b.py").chmod(0o644)
    assert sorted(result.index.files) == ["a.py"]
    assert [r.getMessage() for r in caplog.records] == ["skipping b.py: Permission denied"]


def test_fifo_is_not_read(tmp_path: Path) -> None:
    root = write_project(tmp_path / "proj", {"a.py": "x = 1\n"})
    os.mkfifo(root / "pipe.py")  # reading it would block for ever
    clean_run("check", str(root), codes=(0,))


def test_file_name_that_is_not_utf8(tmp_path: Path) -> None:
    root = write_project(tmp_path / "proj", {"pkg/__init__.py": "", "pkg/a.py": "import pkg.b\n", "pkg/b.py": "import pkg.a\n"})
    os.mkdir(os.path.join(os.fsencode(root / "pkg"), b"d\xe9j\xe0"))
    with open(os.path.join(os.fsencode(root / "pkg"), b"caf\xe9.py"), "wb") as fh:
        fh.write(b"x = (\n")
    for fmt in ("json", "sarif"):
        proc = clean_run("check", str(root), "--no-cache", "--format", fmt, codes=(1,))
        assert "skipping pkg/caf\ufffd.py: the name is not valid UTF-8" in proc.stderr
        assert "skipping pkg/d\ufffdj\ufffd: the name is not valid UTF-8" in proc.stderr
    proc = clean_run("check", str(root), "--format", "concise")
    assert concise(proc) == ["SSOT201 pkg/a.py:1:1"]
    clean_run("report", str(root), "--format", "html", "-o", str(tmp_path / "r.html"), codes=(0,))
    clean_run("baseline", str(root), codes=(0,))


def test_no_second_parser_for_big_broken_files_or_parser_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    """libcst's parser (for syntax newer than the interpreter) needs ~400 bytes and 6 s per MB."""
    import ssotlint.facts.parse
    from ssotlint.facts.extract import extract

    def refuse(text: str) -> None:
        raise AssertionError("libcst fallback used")

    monkeypatch.setattr(ssotlint.facts.parse, "_parse_newer_syntax", refuse)
    big = b"x = 1\n" * 200_000 + b"print 'py2'\n"  # 1.2 MB
    error = extract(big).error
    assert error is not None and (error.line, error.message) == (200_001, "Missing parentheses in call to 'print'. Did you mean print(...)?")
    nested = b"x = " + b"f(" * 300 + b")" * 300 + b"\n"
    error = extract(nested).error
    assert error is not None and error.message == "too many nested parentheses"
