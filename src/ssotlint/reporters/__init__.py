"""Renderers of a run's findings. They format; they never compute findings."""

from __future__ import annotations

import functools
import gc
import importlib
from collections.abc import Callable
from typing import TextIO

from ssotlint.engine import RunResult

Reporter = Callable[[RunResult, TextIO, "ReportOptions"], None]


class ReportOptions:
    def __init__(
        self,
        *,
        color: bool = False,
        quiet: int = 0,
        statistics: bool = False,
        width: int | None = None,
        show_baselined: bool = False,
    ) -> None:
        self.show_baselined = show_baselined
        self.color = color
        self.quiet = quiet
        self.statistics = statistics
        self.width = width


def get_reporter(name: str) -> Reporter:
    """The renderer of one format; only its module is imported."""
    module, function = _REPORTERS[name]
    render: Reporter = getattr(importlib.import_module(f"ssotlint.reporters.{module}"), function)

    @functools.wraps(render)
    def reporter(result: RunResult, out: TextIO, options: ReportOptions) -> None:
        # The analysis ran with the cyclic GC off, so every object of the run is still young:
        # the first collections a renderer's allocations triggered would walk them all, twice.
        # Renderers build no reference cycles.
        enabled = gc.isenabled()
        gc.disable()
        try:
            render(result, out, options)
        finally:
            if enabled:
                gc.enable()

    return reporter


_REPORTERS = {
    "text": ("text", "render"),
    "concise": ("text", "render_concise"),
    "json": ("json_reporter", "render"),
    "sarif": ("sarif", "render"),
    "github": ("github", "render"),
    "gitlab": ("gitlab", "render"),
}


FORMATS = ("text", "concise", "json", "sarif", "github", "gitlab")
