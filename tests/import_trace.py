"""What Python really does when it imports a fixture project's modules.

Run as a script in a fresh interpreter (``python -I -S import_trace.py ROOT SRC... -- MODULE``),
it imports MODULE and prints, as JSON, every import that first-party code executed at
import time (module level or a class body, never inside a function or a lambda): which
module ran it, on which line, and which first-party modules the statement made Python
run or read. :func:`trace_project` runs it once per module of a project and collects the
edges as :class:`TracedEdge` records, the shape the tests give ssotlint's own.

The trace wraps ``builtins.__import__`` (every ``import`` statement goes through it) and
``importlib.import_module``, and a ``sys.meta_path`` finder notes which first-party
modules start running (a module whose code fails is gone from ``sys.modules`` afterwards).
For each statement it derives the edges from Python's own state after the import:

- ``import a.b.c`` / ``import_module("a.b.c")``: each loaded package on the way is an
  implicit edge, ``a.b.c`` itself an explicit one;
- ``from X import n, ...``: ``n`` is a submodule when ``X.n`` is loaded and is what ``X``
  holds under that name (an explicit edge to ``X.n``); any other name is read from ``X``
  (an explicit edge to ``X``, with those names); a package whose ``__init__`` only ran
  on the way is implicit;
- a module of the importer's own package chain is running already: the statement cannot
  run it, so it is no implicit edge (it is an explicit one when names are read from it).

Only fixture projects of this test suite are ever imported.
"""

from __future__ import annotations

import builtins
import importlib
import importlib.machinery
import importlib.util
import json
import os
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple

_CO_OPTIMIZED = 0x1  # inspect.CO_OPTIMIZED: the frame of a function (or lambda, comprehension)


class TracedEdge(NamedTuple):
    importer: str
    line: int
    imported: str
    implicit: bool
    #: For an explicit edge of a from-import: the names it takes (attributes of the module, or
    #: the submodule's own name); None otherwise.
    names: tuple[str, ...] | None
    submodule: bool


def _ancestors(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:n]) for n in range(1, len(parts))]


class _Tracer:
    def __init__(self, root: str) -> None:
        self.root = root + os.sep
        self.started: list[str] = []
        self.edges: set[TracedEdge] = set()
        #: (module, line) of every import-time import statement that ran to a known outcome.
        self.executed: set[tuple[str, int]] = set()

    def ours(self, filename: object) -> bool:
        return isinstance(filename, str) and os.path.realpath(filename).startswith(self.root)

    def loaded(self, name: str, started: Iterable[str]) -> bool:
        """Whether ``name`` is a first-party module with code that is loaded (or started)."""
        module = sys.modules.get(name)
        if module is not None:
            return self.ours(getattr(module, "__file__", None))
        return name in started

    # installed hooks -------------------------------------------------------------------
    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or not self.ours(spec.origin) or spec.loader is None:
            return None
        loader = spec.loader
        run = loader.exec_module
        started = self.started

        def exec_module(module: Any) -> None:
            started.append(name)
            run(module)

        loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec

    def install(self) -> None:
        real_import = builtins.__import__
        real_import_module = importlib.import_module
        tracer = self

        def traced_import(
            name: str, globals: Any = None, locals: Any = None, fromlist: Any = (), level: int = 0
        ) -> Any:
            caller = sys._getframe(1)
            before = len(tracer.started)
            failed = True
            try:
                module = real_import(name, globals, locals, fromlist, level)
                failed = False
                return module
            finally:
                package = (globals or {}).get("__package__")
                tracer.note(caller, "." * level + name, package, tuple(fromlist or ()), tracer.started[before:], failed)

        def traced_import_module(name: str, package: str | None = None) -> Any:
            caller = sys._getframe(1)
            before = len(tracer.started)
            failed = True
            try:
                module = real_import_module(name, package)
                failed = False
                return module
            finally:
                tracer.note(caller, name, package, None, tracer.started[before:], failed)

        builtins.__import__ = traced_import
        importlib.import_module = traced_import_module
        sys.meta_path.insert(0, self)  # type: ignore[arg-type]

    # one executed import -----------------------------------------------------------------
    def note(
        self,
        frame: Any,
        name: str,
        package: str | None,
        fromlist: tuple[str, ...] | None,
        started: list[str],
        failed: bool,
    ) -> None:
        if not self.ours(frame.f_globals.get("__file__")) or not _at_import_time(frame):
            return
        if failed and any(m not in sys.modules for m in started):
            return  # a module's own code failed part-way: what the statement would do is unknown
        importer = frame.f_globals["__name__"]
        line = frame.f_lineno
        try:
            absolute = importlib.util.resolve_name(name, package) if name.startswith(".") else name
        except (ImportError, ValueError):
            self.executed.add((importer, line))
            return  # beyond the top-level package: nothing runs
        own = {importer, *_ancestors(importer)}
        explicit: dict[str, list[str]] = {}
        submodules: set[str] = set()
        implicit = [p for p in _ancestors(absolute) if self.loaded(p, started)]
        # A namespace package (no __init__.py) is loaded but has no code: no edge of its own.
        if self.loaded(absolute, started) or absolute in sys.modules:
            module = sys.modules.get(absolute)
            if not fromlist:
                explicit[absolute] = []
            elif failed:
                return  # the names were never looked up: the statement's edges are unknown
            else:
                for n in fromlist:
                    sub = f"{absolute}.{n}"
                    # As the interpreter: an attribute of X wins; a loaded submodule X.n is
                    # found through sys.modules while X is still being initialised.
                    held = getattr(module, n, _MISSING)
                    if n != "*" and self.loaded(sub, started) and held in (_MISSING, sys.modules.get(sub)):
                        explicit.setdefault(sub, []).append(n)
                        submodules.add(sub)
                    else:
                        explicit.setdefault(absolute, []).append(n)
                if absolute not in explicit:
                    implicit.append(absolute)
            if not self.loaded(absolute, started):
                explicit.pop(absolute, None)
                if absolute in implicit:
                    implicit.remove(absolute)
        self.executed.add((importer, line))
        for target in implicit:
            if target not in own:
                self.edges.add(TracedEdge(importer, line, target, True, None, False))
        for target, names in explicit.items():
            if target != importer:
                named = tuple(names) if fromlist else None
                self.edges.add(TracedEdge(importer, line, target, False, named, target in submodules))


_MISSING = object()


def _at_import_time(frame: Any) -> bool:
    """Whether the frame runs as part of its module's own top level (module or class body).

    Before Python 3.12 a comprehension runs in a function frame of its own although it runs
    at import time: no fixture this traces imports inside one.
    """
    while frame is not None:
        code = frame.f_code
        if code.co_flags & _CO_OPTIMIZED:
            return False
        if code.co_name == "<module>":
            return True
        frame = frame.f_back
    return False


def main(argv: list[str]) -> int:
    split = argv.index("--")
    root, roots, (module,) = argv[0], argv[1:split], argv[split + 1 :]
    for r in reversed(roots):
        sys.path.insert(0, r)
    tracer = _Tracer(os.path.realpath(root))
    import_module = importlib.import_module  # the harness's own import is not traced
    tracer.install()
    error = ""
    try:
        import_module(module)
    except BaseException as exc:  # the outcome is data: the test decides what it means
        error = f"{type(exc).__name__}: {exc}"
    json.dump({"error": error, "edges": sorted(tracer.edges), "executed": sorted(tracer.executed)}, sys.stdout)
    return 0


# --- used by the tests ----------------------------------------------------------------------


class Trace(NamedTuple):
    edges: set[TracedEdge]
    #: (module, line) of the import-time import statements that ran: the edges of any other
    #: statement were never put to the test (a module failed before reaching them).
    executed: set[tuple[str, int]]
    errors: dict[str, str]  # module -> the error its import ended with


def trace_module(root: Path, roots: Iterable[Path], module: str) -> Trace:
    """Import ``module`` in a fresh interpreter and trace it."""
    cmd = [sys.executable, "-I", "-S", "-B", __file__, str(root), *map(str, roots), "--", module]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=True, cwd=root)
    out = json.loads(done.stdout)
    edges = {
        TracedEdge(i, line, t, imp, None if names is None else tuple(names), sub)
        for i, line, t, imp, names, sub in out["edges"]
    }
    executed = {(m, line) for m, line in out["executed"]}
    return Trace(edges, executed, {module: out["error"]} if out["error"] else {})


def trace_project(root: Path, roots: Iterable[Path], modules: Iterable[str]) -> Trace:
    """Every module imported in its own fresh interpreter, the traces put together."""
    total = Trace(set(), set(), {})
    roots = list(roots)
    for module in modules:
        found = trace_module(root, roots, module)
        total.edges.update(found.edges)
        total.executed.update(found.executed)
        total.errors.update(found.errors)
    return total


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
