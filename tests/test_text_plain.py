"""Without colour the text reporters write most lines themselves: the characters must be rich's."""

from __future__ import annotations

import io
import random
import shutil
from pathlib import Path

import pytest
from rich.markup import escape as rich_escape

from ssotlint.reporters import ReportOptions
from ssotlint.reporters import text as text_module
from ssotlint.reporters.text import _console, _Printer, escape

from .conftest import EXAMPLE_DIR, check, run_cli

ALPHABET = [
    "a", "Z", "0", " ", "  ", ".", ":", "/", "-", "'", '"', "=", "(", ")", "{", "}", "<", ">", "*", "@", "#",
    "[", "]", "[a]", "[/]", "[bold]", "[/bold]", "[X]", "[1]", "[#f00]", "[@click]", "\\", "\\\\", "\\[", "[red]x",
    "\t", "\n", "\r", "\x0c", "\x0b", "\x07", "\x08", "\x1b[31m", "\x00", "\x7f", "\x85", "\u00a0", "\u2028",
    "é", "ü", "\u0301", "日本", "😀", ":smile:", ":", "\u200b", "\ufeff", "ß", "ǅ", "→",
]


def _strings(rng: random.Random, count: int) -> list[str]:
    out = ["", " ", "\\", "[", "]", "x\\", "x \\", "[b]", "a:1:2: SSOT101 message"]
    for _ in range(count):
        out.append("".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 8))))
    return out


def _rich(markup: str, options: ReportOptions) -> str:
    out = io.StringIO()
    _console(out, options).print(markup)
    return out.getvalue()


def _ours(markup: str, plain: str, options: ReportOptions) -> str:
    out = io.StringIO()
    show = _Printer(out, options)
    show(markup, plain)
    show("[bold]x[/bold]", "x")
    show.flush()
    return out.getvalue()


@pytest.mark.parametrize("color", [False, True])
def test_lines_match_rich(color: bool) -> None:
    rng = random.Random(11)
    options = ReportOptions(color=color)
    strings = _strings(rng, 1500)
    for text in strings:
        path, message = text, rng.choice(strings)
        templates = [
            (f"[bold]{escape(path)}:3:4:[/bold] [bold red]SSOT101[/bold red] {escape(message)}", f"{path}:3:4: SSOT101 {message}"),
            (f"  [dim]=[/dim] {escape(path)}:7: {escape(message)}", f"  = {path}:7: {message}"),
            (f"[blue]12 |[/blue] {escape(text)}", f"12 | {text}"),
            (escape(text), text),
            ("", ""),
        ]
        for markup, plain in templates:
            assert _ours(markup, plain, options) == _rich(markup, options) + _rich("[bold]x[/bold]", options), repr(text)


def test_escape_is_riches() -> None:
    for text in _strings(random.Random(5), 500):
        assert escape(text) == rich_escape(text)


def test_statistics_and_summary_lines() -> None:
    options = ReportOptions()
    for text in _strings(random.Random(3), 300):
        out = io.StringIO()
        show = _Printer(out, options)
        show.text(text)
        show.flush()
        assert out.getvalue() == _rich(rich_escape(text), options), repr(text)


def _through_rich_only(monkeypatch: pytest.MonkeyPatch, render, result, options: ReportOptions) -> str:  # type: ignore[no-untyped-def]
    with monkeypatch.context() as m:
        m.setattr(text_module, "_plain", lambda text: False)
        out = io.StringIO()
        render(result, out, options)
    return out.getvalue()


@pytest.mark.parametrize("quiet", [0, 1])
def test_whole_reports_match_rich(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, quiet: int) -> None:
    root = copy_fixture_tree(tmp_path)
    (root / "app").mkdir(exist_ok=True)
    (root / "app" / "tabs_[x].py").write_text("import app.odd\n\tx = '[bold]\\\\'\n", "utf-8")
    (root / "app" / "odd.py").write_text("import app.tabs_[x]  # \x0c [red]\n", "utf-8")
    run_cli("baseline", str(root))
    (root / "app" / "late.py").write_text("import app.late2\n", "utf-8")
    (root / "app" / "late2.py").write_text("import app.late\n", "utf-8")
    result = check(root)
    assert result.diagnostics and result.baselined
    for render in (text_module.render, text_module.render_concise):
        for options in (
            ReportOptions(quiet=quiet, statistics=True, show_baselined=True),
            ReportOptions(quiet=quiet),
            ReportOptions(color=True, quiet=quiet, show_baselined=True),
        ):
            out = io.StringIO()
            render(result, out, options)
            assert out.getvalue() == _through_rich_only(monkeypatch, render, result, options)


def copy_fixture_tree(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    shutil.copytree(EXAMPLE_DIR, root)
    return root


def test_source_lines_past_the_last_one_needed(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_bytes(b"one\r\ntwo\rthree\nfour\n\xef\xbb\xbf")
    (tmp_path / "latin.py").write_bytes(b"# -*- coding: latin-1 -*-\nx = '\xe9'\n")
    (tmp_path / "bad.py").write_bytes(b"x = '\xff'\ny\n")
    source = text_module._Source(tmp_path, {"m.py": 2, "latin.py": 2})
    assert [source.line("m.py", n) for n in range(0, 7)] == [None, "one", "two", "three", "four", "\ufeff", None]
    assert source.line("latin.py", 2) == "x = 'é'"
    assert source.line("bad.py", 1) == "x = '\ufffd'"
    assert source.line("missing.py", 1) is None
