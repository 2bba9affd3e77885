"""Without colour the text reporters write most lines themselves: the characters must be rich's."""

from __future__ import annotations

import io
import random

import pytest
from rich.markup import escape as rich_escape

from ssotlint.reporters import ReportOptions
from ssotlint.reporters.text import _console, _Printer, escape

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
    _Printer(out, options)(markup, plain)
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
            assert _ours(markup, plain, options) == _rich(markup, options), repr(text)


def test_escape_is_riches() -> None:
    for text in _strings(random.Random(5), 500):
        assert escape(text) == rich_escape(text)


def test_statistics_and_summary_lines() -> None:
    options = ReportOptions()
    for text in _strings(random.Random(3), 300):
        out = io.StringIO()
        _Printer(out, options).text(text)
        assert out.getvalue() == _rich(rich_escape(text), options), repr(text)
