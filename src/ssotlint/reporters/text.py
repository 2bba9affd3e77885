"""Human output: ``path:line:col: CODE message``, a source frame, related places, a summary."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from ssotlint.diagnostics import Diagnostic
from ssotlint.engine import RunResult
from ssotlint.facts.parse import decode_source
from ssotlint.reporters.summary import plural, summary

if TYPE_CHECKING:
    from rich.console import Console

    from ssotlint.reporters import ReportOptions

STYLE = {"error": "bold red", "warning": "bold yellow", "info": "bold blue"}


def escape(text: str) -> str:
    """``rich.markup.escape``, without importing rich for text that needs no escaping."""
    if "[" not in text and "\\" not in text:
        return text
    from rich.markup import escape as rich_escape

    return rich_escape(text)


def _console(out: TextIO, options: ReportOptions) -> Console:
    from rich.console import Console

    return Console(
        file=out,
        force_terminal=options.color,
        no_color=not options.color,
        highlight=False,
        soft_wrap=True,
        width=options.width or 100,
        emoji=False,
    )


def _plain(text: str) -> bool:
    """Whether rich would print ``text`` unchanged: no markup to undo, no tabs or control characters."""
    return text.isprintable() and "[" not in text and "\\" not in text


class _Printer:
    """``Console.print`` of one line of markup; without colour, most lines are written as they are.

    Each line comes with its plain form, the characters rich prints for it without colour.
    Lines whose plain form rich would alter (control characters, tabs, brackets,
    backslashes) still go through rich. Plain lines are written in batches: call
    :meth:`flush` at the end.
    """

    def __init__(self, out: TextIO, options: ReportOptions) -> None:
        self.out = out
        self.options = options
        self.plain = not options.color
        self.console: Console | None = None
        self.pending: list[str] = []

    def __call__(self, markup: str, plain: str) -> None:
        if self.plain and _plain(plain):
            self.pending.append(plain)
            return
        self.flush()
        if self.console is None:
            self.console = _console(self.out, self.options)
        self.console.print(markup)

    def text(self, text: str) -> None:
        """A line without markup."""
        if self.plain and _plain(text):
            self.pending.append(text)
            return
        self(escape(text), text)

    def header(self, d: Diagnostic, suffix: tuple[str, str] = ("", "")) -> None:
        plain = f"{d.path}:{d.span.line}:{d.span.column}: {d.code} {d.message}{suffix[1]}"
        if self.plain and _plain(plain):
            self.pending.append(plain)
            return
        self(_header(d) + suffix[0], plain)

    def flush(self) -> None:
        if self.pending:
            self.pending.append("")
            self.out.write("\n".join(self.pending))
            self.pending.clear()


class _Source:
    """Source lines for the frames. ``last`` holds the last line needed of each file: the
    rest of a file is not split into lines."""

    def __init__(self, root: Path, last: dict[str, int] | None = None) -> None:
        self.root = root
        self.last = last or {}
        self.cache: dict[str, list[str]] = {}

    def lines(self, rel: str) -> list[str]:
        lines = self.cache.get(rel)
        if lines is None:
            if len(self.cache) >= 256:
                del self.cache[next(iter(self.cache))]
            lines = self.cache[rel] = self._read(rel, self.last.get(rel, -1))
        return lines

    def _read(self, rel: str, last: int) -> list[str]:
        try:
            with open(os.path.join(self.root, rel), "rb") as fh:
                data = fh.read()
        except OSError:
            return []
        try:
            text = decode_source(data)
        except (SyntaxError, UnicodeDecodeError, LookupError):
            text = data.decode("utf-8", errors="replace").replace("\r\n", "\n").replace("\r", "\n")
        # Split no further than the last line needed: the remainder stays one string.
        return text.split("\n", last)

    def line(self, rel: str, number: int) -> str | None:
        lines = self.lines(rel) if number <= self.last.get(rel, number) else self._read(rel, -1)
        if 1 <= number <= len(lines):
            return lines[number - 1]
        return None


def _header(d: Diagnostic) -> str:
    style = STYLE.get(d.severity.value, "bold")
    return (
        f"[bold]{escape(d.path)}:{d.span.line}:{d.span.column}:[/bold] "
        f"[{style}]{d.code}[/{style}] {escape(d.message)}"
    )


def _frame(d: Diagnostic, source: _Source) -> list[tuple[str, str]]:
    text = source.line(d.path, d.span.line)
    if text is None:
        return []
    text = text.expandtabs(4).rstrip()
    gutter = len(str(d.span.line))
    pad = " " * gutter
    start = max(1, d.span.column)
    end = d.span.end_column if d.span.end_line == d.span.line and d.span.end_column > start else start + 1
    end = min(max(end, start + 1), max(len(text) + 1, start + 1))
    caret = " " * (start - 1) + "^" * (end - start)
    return [
        (f"[blue]{pad} |[/blue]", f"{pad} |"),
        (f"[blue]{d.span.line} |[/blue] {escape(text)}", f"{d.span.line} | {text}"),
        (f"[blue]{pad} |[/blue] [red]{caret}[/red]", f"{pad} | {caret}"),
    ]


def _summary_line(result: RunResult) -> str:
    s = summary(result)
    files = plural(s["files"], "file")
    if not s["findings"]:
        line = f"All checks passed: no findings in {files}."
    else:
        parts = []
        if s["errors"]:
            parts.append(plural(s["errors"], "error"))
        if s["warnings"]:
            parts.append(plural(s["warnings"], "warning"))
        by_code = ", ".join(f"{code} {n}" for code, n in s["by_code"].items())
        line = f"Found {plural(s['findings'], 'finding')} ({', '.join(parts)}) in {files}: {by_code}."
    extras = []
    if s["suppressed"]:
        extras.append(f"{s['suppressed']} suppressed by ignore comments or per-file-ignores")
    baselined = len(result.baselined)
    if baselined:
        extras.append(f"{baselined} hidden by the baseline")
    if extras:
        line += " (" + "; ".join(extras) + ")"
    return line


def _statistics(result: RunResult) -> list[str]:
    counts = summary(result)["by_code"]
    names = {d.code: d.name for d in result.diagnostics}
    return [f"{n:>5}  {code}  {names[code]}" for code, n in counts.items()]


def render(result: RunResult, out: TextIO, options: ReportOptions) -> None:
    show = _Printer(out, options)
    try:
        pending = show.pending if show.plain else None
        shown = [(d, False) for d in result.diagnostics]
        if options.show_baselined:
            shown = sorted(shown + [(d, True) for d in result.baselined], key=lambda t: t[0].sort_key())
        last: dict[str, int] = {}
        for d, _ in shown:
            if d.span.line > last.get(d.path, 0):
                last[d.path] = d.span.line
        source = _Source(result.config.root, last)
        for d, old in shown:
            show.header(d, (" [dim](baselined)[/dim]", " (baselined)") if old else ("", ""))
            if options.quiet:
                continue
            for markup, plain in _frame(d, source):
                show(markup, plain)
            for r in d.related:
                plain = f"  = {r.path}:{r.line}: {r.message}"
                if pending is not None and plain.isprintable() and "[" not in plain and "\\" not in plain:
                    pending.append(plain)  # what show() does with it, inlined: there may be many
                else:
                    show(f"  [dim]=[/dim] {escape(r.path)}:{r.line}: {escape(r.message)}", plain)
            show("", "")
        _footer(show, result, options)
    finally:
        show.flush()


def _footer(show: _Printer, result: RunResult, options: ReportOptions) -> None:
    """The counts per rule (``--statistics``) and the summary line (unless quiet)."""
    if options.statistics:
        for line in _statistics(result):
            show.text(line)
    if not options.quiet:
        show.text(_summary_line(result))


def render_concise(result: RunResult, out: TextIO, options: ReportOptions) -> None:
    show = _Printer(out, options)
    try:
        for d in result.diagnostics:
            show.header(d)
        _footer(show, result, options)
    finally:
        show.flush()
