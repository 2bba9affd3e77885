"""Pick a rendering of the report model: terminal, markdown, html or json."""

from __future__ import annotations

import json
from typing import TextIO

from ssotlint.report import html, markdown, terminal
from ssotlint.report.model import Report
from ssotlint.report.view import View

FORMATS = ("terminal", "markdown", "html", "json")


def to_json(report: Report) -> str:
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"


def render(
    report: Report, fmt: str, out: TextIO, *, color: bool = False, width: int | None = None, view: View | None = None
) -> None:
    """``view`` chooses how much the terminal, Markdown and HTML renderings show; JSON is
    always the whole model."""
    if fmt == "terminal":
        terminal.render(report, out, color=color, width=width, view=view)
    elif fmt == "markdown":
        out.write(markdown.render(report, view))
    elif fmt == "html":
        out.write(html.render(report, view))
    elif fmt == "json":
        out.write(to_json(report))
    else:
        raise ValueError(f"unknown report format {fmt!r}")
