"""A generated monorepo at the scale the refactor plan is written for.

Hundreds of duplicated concepts (one declared, the rest discovered by shared class names),
hundreds of import-cycle groups of many sizes (some closed by imports inside functions),
hundreds of event types whose producers and consumers drift from the spec, and plain modules
importing the duplicates and aliases (the import sites a consolidation has to migrate), up
to the requested number of files. Everything is derived from the parameters (no
randomness): the same parameters write the same files.

What each item's impact is, is known by construction, so tests can state the expected
ranking without the report's help:

- the declared concept ``websocket-manager`` has ``declared_sites`` import sites, fewer
  than the top discovered concepts; discovered concept ``Store<i>`` has
  :func:`concept_sites` import sites on its duplicate, plus 2 on its alias for every third;
- cycle group ``j`` has :func:`cycle_size` modules;
- event ``evt_<k>`` has :func:`event_sites` producers nesting its field under ``payload``,
  one producer missing ``timestamp``, and for every third event a test reading a field the
  spec does not define.

Used by tests/test_report_scale.py (through the ``generated_report`` fixture) and
bench/bench_report.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PYPROJECT = """\
[tool.ssotlint]
src = ["services/*", "libs/*"]
event-spec = "events.yaml"

[tool.ssotlint.concepts.websocket-manager]
canonical = "backend.websocket.unified_manager:UnifiedWebSocketManager"
"""

MANAGER_METHODS = ("connect", "disconnect", "broadcast", "send_to_user", "register_handler")


@dataclass(frozen=True)
class Shape:
    files: int = 10_000
    concepts: int = 300  # discovered concepts (plus the declared one)
    cycles: int = 200  # cycle groups
    events: int = 200  # event types, each with drifting producers
    declared_sites: int = 40  # modules importing the declared concept's duplicates


def concept_sites(i: int) -> int:
    """Modules importing the duplicate of discovered concept ``store<i>``."""
    return max(1, 60 - i) if i < 60 else 1


def cycle_size(j: int) -> int:
    """Modules in cycle group ``j``: 2 to 41, the largest first in steps."""
    return 2 + (j * 7) % 40


def event_sites(k: int) -> int:
    """Producers of ``evt_<k>`` that nest the fields under ``payload``."""
    return 1 + (k * 5) % 23


def _manager_class(name: str) -> str:
    body = "".join(f"    def {m}(self, a, b):\n        return a\n\n" for m in MANAGER_METHODS)
    return f"class {name}:\n{body}"


def _store_class(i: int) -> str:
    methods = (f"load_{i}", f"save_{i}", f"drop_{i}", f"scan_{i}")
    # A copy: the same code in both modules (a body every class shared would be no evidence).
    body = "".join(f"    def {m}(self, key):\n        return self.backend.{m}(key)\n\n" for m in methods)
    return f"class Store{i}:\n{body}"


def files(shape: Shape) -> dict[str, str]:
    """Relative path -> source of the whole project."""
    out: dict[str, str] = {"pyproject.toml": PYPROJECT}
    backend = "services/backend/backend"
    out[f"{backend}/__init__.py"] = ""

    # The declared concept: canonical, two duplicates, one alias.
    ws = f"{backend}/websocket"
    out[f"{ws}/__init__.py"] = ""
    out[f"{ws}/unified_manager.py"] = _manager_class("UnifiedWebSocketManager")
    out[f"{ws}/legacy_manager.py"] = _manager_class("LegacyWebSocketManager")
    out[f"{ws}/adapter.py"] = _manager_class("WebSocketManagerAdapter")
    out[f"{ws}/compat.py"] = "from backend.websocket.unified_manager import UnifiedWebSocketManager\n\nWebSocketManager = UnifiedWebSocketManager\n"
    importers: list[str] = []  # one import line per import site
    for n in range(shape.declared_sites):
        which = ("legacy_manager import LegacyWebSocketManager", "adapter import WebSocketManagerAdapter", "compat import WebSocketManager")[n % 3]
        importers.append(f"from backend.websocket.{which}\n")

    # Discovered concepts: Store<i> in two modules; every third one also aliased.
    for i in range(shape.concepts):
        pkg = f"{backend}/stores/s{i}"
        out[f"{pkg}/__init__.py"] = ""
        out[f"{pkg}/primary.py"] = _store_class(i)
        out[f"{pkg}/copy.py"] = _store_class(i)
        if i % 3 == 0:
            out[f"{pkg}/compat.py"] = f"from backend.stores.s{i}.primary import Store{i}\n\nOldStore{i} = Store{i}\n"
        importers += [f"from backend.stores.s{i}.copy import Store{i}\n"] * concept_sites(i)
        importers += [f"from backend.stores.s{i}.primary import Store{i}\n"] * (concept_sites(i) + 1)
        if i % 3 == 0:
            importers += [f"from backend.stores.s{i}.compat import OldStore{i}\n"] * 2
    out[f"{backend}/stores/__init__.py"] = ""

    # Cycle groups: a ring of modules in its own package; larger rings have shortcuts
    # (fewer modules on the shortest cycle) and back edges (more imports to cut). Every
    # fourth ring is closed by an import inside a function (a deferred-import cycle).
    for j in range(shape.cycles):
        size = cycle_size(j)
        lib = f"libs/lib{j % 10}/lib{j % 10}"
        out[f"{lib}/__init__.py"] = ""
        pkg = f"{lib}/ring{j}"
        out[f"{pkg}/__init__.py"] = ""
        for k in range(size):
            nxt = (k + 1) % size
            line = f"from lib{j % 10}.ring{j} import m{nxt}\n"
            deferred = j % 4 == 3 and nxt == 0
            body = "" if deferred else line
            if size > 5 and k % 5 == 0:
                body += f"from lib{j % 10}.ring{j} import m{(k + 3) % size}\n"
            if size > 8 and k % 7 == 3:
                body += f"from lib{j % 10}.ring{j} import m{k - 2}\n"
            body += f"\n\ndef f{k}():\n"
            if deferred:
                body += f"    # import here to avoid circular import\n    {line.strip()}\n"
            out[f"{pkg}/m{k}.py"] = body + f"    return {k}\n"
    # Events: evt_<k> requires a_<k> and timestamp at the top level; producers nest a_<k>
    # under payload, one misses timestamp; every third event has a test reading a field
    # the spec does not define.
    spec = ["version: 1", "discriminator: type", "envelope: flat", "additional: false", "events:"]
    for k in range(shape.events):
        spec.append(f"  evt_{k}:")
        spec.append(f"    required: {{a_{k}: string, timestamp: number}}")
    out["events.yaml"] = "\n".join(spec) + "\n"
    events = f"{backend}/events"
    out[f"{events}/__init__.py"] = ""
    for k in range(shape.events):
        lines = ["import time", ""]
        for s in range(event_sites(k)):
            lines.append(f"def emit_{s}(x):")
            lines.append(f'    return {{"type": "evt_{k}", "payload": {{"a_{k}": x}}, "timestamp": time.time()}}')
            lines.append("")
        lines.append("def emit_missing(x):")
        lines.append(f'    return {{"type": "evt_{k}", "a_{k}": x}}')
        out[f"{events}/e{k}.py"] = "\n".join(lines) + "\n"
        if k % 3 == 0:
            out[f"tests/test_evt_{k}.py"] = (
                f"def test_evt_{k}(events):\n    for event in events:\n"
                f'        if event["type"] == "evt_{k}":\n            assert event["b_{k}"]\n'
            )

    # Plain modules up to the requested size, in packages of 100; the import sites are
    # dealt out over them (one module never gets two lines for one symbol).
    app = "services/app/app"
    out[f"{app}/__init__.py"] = ""
    left = shape.files - sum(1 for p in out if p.endswith(".py"))
    per_package = 100
    plain: list[str] = []
    while left > 0:
        p, m = divmod(len(plain), per_package - 1)
        if m == 0:
            out[f"{app}/p{p}/__init__.py"] = ""
            left -= 1
            if left == 0:
                break
        plain.append(f"{app}/p{p}/m{m}.py")
        out[plain[-1]] = (f"from app.p{p} import m{m - 1}\n" if m else "") + f"\n\ndef g{m}():\n    return {m}\n"
        left -= 1
    assert plain and max(importers.count(x) for x in set(importers)) <= len(plain), "too few files for the import sites"
    for n, line in enumerate(importers):
        path = plain[n % len(plain)]
        out[path] = line + out[path]
    return out


def write(root: Path, shape: Shape) -> Path:
    for rel, source in files(shape).items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
    return root
