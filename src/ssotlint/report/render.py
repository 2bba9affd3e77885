"""Pick a rendering of the report model: terminal, markdown, html or json."""

from __future__ import annotations

import json
from typing import TextIO

from ssotlint.report import html, markdown, terminal
from ssotlint.report.model import Report

FORMATS = ("terminal", "markdown", "html", "json")


def to_json(report: Report) -> str:
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"


def render(report: Report, fmt: str, out: TextIO, *, color: bool = False, width: int | None = None) -> None:
    if fmt == "terminal":
        terminal.render(report, out, color=color, width=width)
    elif fmt == "markdown":
        out.write(markdown.render(report))
    elif fmt == "html":
        out.write(html.render(report))
    elif fmt == "json":
        out.write(to_json(report))
    else:
        raise ValueError(f"unknown report format {fmt!r}")
