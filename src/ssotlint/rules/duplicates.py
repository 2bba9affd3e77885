"""SSOT101-SSOT104: one concept implemented, named, built or configured in several places."""

from __future__ import annotations

import fnmatch
import functools
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from ssotlint.diagnostics import Diagnostic, Related, Severity, Span
from ssotlint.facts.model import BODY_REAL, FactoryFact, FileFacts
from ssotlint.index.concepts import ConceptGroup
from ssotlint.index.imports import Resolver
from ssotlint.index.project import ProjectIndex
from ssotlint.index.symbols import ClassInfo, ImportSite, SymbolTable, build_namespace
from ssotlint.rules.base import Case, Changed, Outcome, Rule, RuleFamily

#: Import sites listed as related locations of one finding; ``data`` always has the count.
MAX_RELATED_SITES = 50

_WS_CONFIG = """
[tool.ssotlint.concepts.websocket-manager]
canonical = "app.ws.unified:UnifiedWebSocketManager"
"""

_WS_CANONICAL = '''"""The WebSocket manager."""


class UnifiedWebSocketManager:
    """Single source of truth for WebSocket connections."""

    async def connect(self, user_id, socket):
        self.sockets[user_id] = socket

    async def disconnect(self, user_id):
        self.sockets.pop(user_id, None)

    async def send_to_user(self, user_id, message):
        await self.sockets[user_id].send_json(message)

    async def broadcast(self, message):
        for user_id in list(self.sockets):
            await self.send_to_user(user_id, message)
'''

_WS_LEGACY = '''class WebSocketManager:
    async def connect(self, user_id, socket):
        self.sockets[user_id] = socket

    async def disconnect(self, user_id):
        del self.sockets[user_id]

    async def send_to_user(self, user_id, message):
        await self.sockets[user_id].send(message)

    async def broadcast(self, message):
        for socket in self.sockets.values():
            await socket.send(message)
'''


_MAX_VALUES_IN_MESSAGE = 3


def _literal_kind(value: str) -> str:
    """str / bytes / bool / number, from the repr() stored in the facts."""
    if value[:1] in "'\"":
        return "str"
    if value[:2] in ("b'", 'b"'):
        return "bytes"
    if value in ("True", "False"):
        return "bool"
    return "number"


def _short(value: str, limit: int = 40) -> str:
    return value if len(value) <= limit else value[: limit - 3] + "..."


def _modules_text(entries: list[tuple[str, str, int, int, str]], limit: int = 3) -> str:
    names = [e[1] for e in entries]
    if len(names) <= limit:
        return ", ".join(names)
    return ", ".join(names[:limit]) + f" and {len(names) - limit} more"


def _listed_sites(sites: Iterable[ImportSite]) -> list[ImportSite]:
    """The import sites a finding lists as related locations: the first ones by place."""
    return sorted(sites, key=lambda s: (s.path, s.line, s.column))[:MAX_RELATED_SITES]


def _sites_related(sites: Iterable[ImportSite], what: str) -> list[Related]:
    return [Related(s.path, s.line, f"{s.importer} imports {what}", s.column) for s in _listed_sites(sites)]


class _Focus:
    """The paths a run reports on (:meth:`ProjectIndex.in_focus`), each path tested once."""

    def __init__(self, index: ProjectIndex) -> None:
        self.whole = index.focus is None
        self._test = index.in_focus
        self._known: dict[str, bool] = {}

    def __call__(self, path: str) -> bool:
        if self.whole:
            return True
        found = self._known.get(path)
        if found is None:
            found = self._known[path] = self._test(path)
        return found

    def listed_site(self, sites: list[ImportSite]) -> bool:
        """Whether an import site a finding lists is in focus."""
        return any(self(s.path) for s in sites) and any(self(s.path) for s in _listed_sites(sites))


def _class_related(c: ClassInfo, message: str) -> Related:
    return Related(c.path, c.fact.line, message, c.fact.column)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _roles_data(symbols: SymbolTable, classes: Iterable[ClassInfo]) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for c in classes:
        role = symbols.role(c)
        out.append({"class": c.key, "path": c.path, "line": c.fact.line, "role": role.role, "reason": role.reason})
    return out


def _not_counted(index: ProjectIndex, concept: ConceptGroup) -> list[ClassInfo]:
    if concept.declared is not None:
        return [c for c, _ in concept.not_counted]
    member_keys = {m.key for m in concept.members}
    by_name = index.symbols.classes_by_name
    names = sorted({m.name for m in concept.members})
    return sorted((c for n in names for c in by_name.get(n, ()) if c.key not in member_keys), key=lambda c: c.key)


def _is_thin(c: ClassInfo) -> bool:
    return c.fact.body != BODY_REAL


def _subclasses_member(symbols: SymbolTable, c: ClassInfo, members: set[str]) -> ClassInfo | None:
    for parent in symbols.ancestors(c):
        if parent.key in members:
            return parent
    return None


class DuplicateImplementation(Rule):
    """A second implementation of a concept that already has a canonical class.

    ## What it does
    Groups classes into *concepts* and reports every implementation of a concept other than
    its canonical class. A concept is either declared in the configuration or discovered:

    - classes with the same name in two or more modules that subclass nothing but
      `object`/`ABC`/`Generic` and, when both have public methods, share at least one method
      name (same-named subclasses are a framework convention, like Django's `Command`, or a
      parallel hierarchy, like a form field and a model field);
    - classes in different modules, without a common base class, whose public interfaces
      overlap strongly: at least `min-similarity` (70%) of the (method name, arity) pairs in
      common, both with at least `min-methods` (4) public methods (siblings of one base
      class are meant to share its interface).

    Only *implementations* count. A class is not an implementation when it is a
    `typing.Protocol`, an ABC with abstract methods only, an `Enum`/`IntEnum`/`StrEnum`/`Flag`
    (or a project subclass of one), a `TypedDict` or `NamedTuple`, an exception, a `*Mixin`, a test
    double (defined in a test path, subclassing `unittest.mock` classes, or named
    `Mock*`/`Fake*`/`Stub*`/`Dummy*`/`Spy*`), or a validator/checker (named `*Validator`,
    `*Checker`, ... or with only `validate`/`check`/`is_` methods). A subclass of the
    canonical class that adds real behaviour is an extension, not a duplicate. A name
    suffix alone never makes two classes one concept: `HeartbeatManager` and
    `WebSocketManager` are different things.

    The canonical class of a declared concept is the configured one. For a discovered
    concept it is the implementation imported by the most modules, then the one marked
    "SSOT" or "single source of truth" in its docstring or comments, then the first by path.

    `data` holds `concept`, `canonical` and `duplicate` (`module:Class`), `similarity` (the
    (method, arity) pairs the two classes have in common over the larger of the two
    interfaces, 0 to 1), `import_sites` (first-party modules
    importing the duplicate), `joined_by` and `not_counted`: the classes that matched the
    concept by name but were left out, with their role and the reason.

    ## Why is this bad?
    Two implementations of one concept drift apart: a fix lands in one and not the other,
    callers pick one at random, and start-up code ends up checking at run time which of
    several managers is in use. The import count tells how much work the migration to the
    canonical class still is.

    ## Example
    ```toml
    [tool.ssotlint.concepts.websocket-manager]
    canonical = "app.ws.unified:UnifiedWebSocketManager"
    ```
    ```python
    # app/ws/unified.py
    class UnifiedWebSocketManager:
        async def connect(self, user_id, socket): ...
        async def send_to_user(self, user_id, message): ...

    # app/ws/manager.py
    class WebSocketManager:  # the legacy copy
        async def connect(self, user_id, socket): ...
        async def send_to_user(self, user_id, message): ...
    ```

    ## Use instead
    Move the remaining callers to the canonical class, then delete the copy (keep a
    deprecated alias for a release if external code imports it).
    ```python
    from app.ws.unified import UnifiedWebSocketManager
    ```

    ## Options
    - `[tool.ssotlint.concepts.NAME]`: `canonical = "module:Class"` (required), `match = ["*WebSocket*Manager*"]`
      (class-name globs; by default the canonical name without qualifiers such as `Unified`
      or `Base`, e.g. `*WebSocketManager*`), `factories = ["module:function"]` (see SSOT103).
      A declared concept also takes in every class that discovery groups with its canonical class.
    - `[tool.ssotlint.duplicates]`: `min-methods` (default 4), `min-similarity` (default 0.7).
    - `test-paths`: gitignore-style patterns of test files (default `tests/`, `test/`,
      `test_*.py`, `*_test.py`, `conftest.py`); classes there are test doubles.

    ## Known problems
    Classes are compared by name and by the methods they define themselves, not by what
    their bodies do. Two unrelated classes that happen to share a name and a method name in
    two modules (say `Config` in two services) are reported; declare which is canonical or
    suppress the line. Two real copies that both subclass one base class are found only
    through a declared concept.
    Import sites count `from module import Name` statements; uses through `import module`
    and `module.Name` are not counted. A declared canonical class that cannot be found is
    reported on the configuration file.
    """

    code = "SSOT101"
    facts_only = True
    families = frozenset({"classes"})
    name = "duplicate-implementation"
    summary = "A concept implemented by more than one class"
    severity = Severity.ERROR

    VALID = (
        Case(
            {
                "app/__init__.py": "",
                "app/ws/__init__.py": "",
                "app/ws/unified.py": _WS_CANONICAL,
                "app/ws/modes.py": "import enum\n\n\nclass WebSocketManagerMode(enum.Enum):\n    UNIFIED = 'unified'\n",
                "app/ws/protocol.py": (
                    "from typing import Protocol\n\n\nclass WebSocketManagerProtocol(Protocol):\n"
                    "    async def connect(self, user_id, socket): ...\n"
                    "    async def disconnect(self, user_id): ...\n"
                    "    async def send_to_user(self, user_id, message): ...\n"
                    "    async def broadcast(self, message): ...\n"
                ),
                "app/ws/base.py": (
                    "from abc import ABC, abstractmethod\n\n\nclass BaseWebSocketManager(ABC):\n"
                    "    @abstractmethod\n    async def connect(self, user_id, socket): ...\n"
                    "    @abstractmethod\n    async def disconnect(self, user_id): ...\n"
                    "    @abstractmethod\n    async def send_to_user(self, user_id, message): ...\n"
                    "    @abstractmethod\n    async def broadcast(self, message): ...\n"
                ),
                "app/ws/validator.py": (
                    "class WebSocketManagerProtocolValidator:\n"
                    "    def validate(self, manager):\n        return hasattr(manager, 'connect')\n"
                ),
                "app/heartbeat.py": "class HeartbeatManager:\n    def start(self):\n        self.running = True\n",
                "tests/test_ws.py": (
                    "class MockWebSocketManager:\n"
                    "    async def connect(self, user_id, socket):\n        pass\n"
                    "    async def disconnect(self, user_id):\n        pass\n"
                    "    async def send_to_user(self, user_id, message):\n        self.sent.append(message)\n"
                    "    async def broadcast(self, message):\n        self.sent.append(message)\n"
                ),
            },
            config=_WS_CONFIG,
            note="an Enum, a Protocol, an ABC, a validator, a mock in tests and a HeartbeatManager are not duplicates",
        ),
        Case(
            {
                "app/__init__.py": "",
                "app/ws/__init__.py": "",
                "app/ws/unified.py": _WS_CANONICAL,
                "app/ws/tracing.py": (
                    "from app.ws.unified import UnifiedWebSocketManager\n\n\n"
                    "class TracingWebSocketManager(UnifiedWebSocketManager):\n"
                    "    async def send_to_user(self, user_id, message):\n"
                    "        self.trace.append((user_id, message))\n"
                    "        await super().send_to_user(user_id, message)\n"
                ),
            },
            config=_WS_CONFIG,
            note="a subclass that really extends behaviour",
        ),
        Case(
            {
                "app/__init__.py": "",
                "app/heartbeat.py": "class HeartbeatManager:\n    def start(self):\n        pass\n",
                "app/sockets.py": "class WebSocketManager:\n    def connect(self):\n        pass\n",
            },
            note="same suffix, different concepts, nothing declared",
        ),
        Case(
            {
                "shop/__init__.py": "",
                "shop/migrations/__init__.py": "",
                "shop/migrations/m0001.py": (
                    "from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n    operations = []\n"
                ),
                "shop/migrations/m0002.py": (
                    "from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n    operations = []\n"
                ),
            },
            note="a name every module must use: a framework convention",
        ),
    )
    INVALID = (
        Case(
            {
                "app/__init__.py": "",
                "app/ws/__init__.py": "",
                "app/ws/unified.py": _WS_CANONICAL,
                "app/ws/manager.py": _WS_LEGACY,
                "app/chat.py": "from app.ws.manager import WebSocketManager\n",
            },
            config=_WS_CONFIG,
            expected=("SSOT101 app/ws/manager.py:1:1",),
        ),
        Case(
            {
                "app/__init__.py": "",
                "app/ws/__init__.py": "",
                "app/ws/unified.py": _WS_CANONICAL,
                "app/ws/sessions.py": _WS_LEGACY.replace("WebSocketManager", "SessionRegistry"),
            },
            config=_WS_CONFIG,
            note="a differently named class with the same interface joins the declared concept",
            expected=("SSOT101 app/ws/sessions.py:1:1",),
        ),
        Case(
            {
                "billing/__init__.py": "",
                "billing/client.py": "class HttpClient:\n    def get(self, url):\n        pass\n",
                "search/__init__.py": "",
                "search/client.py": "class HttpClient:\n    def get(self, url):\n        pass\n",
                "search/api.py": "from search.client import HttpClient\n",
            },
            note="discovered without configuration: the class imported by more modules is canonical",
            expected=("SSOT101 billing/client.py:1:1",),
        ),
    )

    def check(self, index: ProjectIndex) -> Iterable[Diagnostic]:
        symbols = index.symbols
        table = index.concepts
        for unresolved in table.unresolved:
            spec = unresolved.config
            yield self.diagnostic(
                message=f"concept {spec.name!r}: canonical class {spec.canonical!r} is not defined in the project",
                path=index.config.display_config,
                span=Span.point(spec.line or 1, 1),
                entity=f"concept:{spec.name}",
                data={"concept": spec.name, "canonical": spec.canonical, "import_sites": 0},
            )
        focus = _Focus(index)
        for concept in table.concepts:
            yield from self._concept(index, focus, symbols, concept)

    def _concept(
        self, index: ProjectIndex, focus: _Focus, symbols: SymbolTable, concept: ConceptGroup
    ) -> Iterator[Diagnostic]:
        canon = concept.canonical
        member_keys = {m.key for m in concept.members}
        not_counted = _roles_data(symbols, _not_counted(index, concept))
        duplicates = []
        for m in concept.members:
            if m.key == canon.key:
                continue
            parent = _subclasses_member(symbols, m, member_keys)
            if parent is None:
                duplicates.append(m)
            else:
                how = "adds nothing (see SSOT102)" if _is_thin(m) else "extends it"
                not_counted.append(
                    {"class": m.key, "path": m.path, "line": m.fact.line, "role": "subclass", "reason": f"subclasses {parent.key} and {how}"}
                )
        not_counted.sort(key=lambda d: str(d["class"]))
        # Each finding lists the canonical class and every duplicate: when none is in focus,
        # only a finding's own import sites can be.
        whole = any(focus(c.path) for c in (canon, *duplicates))
        for dup in duplicates:
            sites = symbols.import_sites(dup.module, dup.fact.qualname)
            if not whole and not focus.listed_site(sites):
                continue
            importers = sorted({s.importer for s in sites})
            related = [_class_related(canon, f"canonical {concept.name}: {canon.key}")]
            related += [
                _class_related(other, f"another duplicate: {other.key}") for other in duplicates if other.key != dup.key
            ]
            related += _sites_related(sites, dup.name)
            yield self.diagnostic(
                message=(
                    f"{dup.name} duplicates {canon.key}, the canonical {concept.name} "
                    f"(imported by {_plural(len(importers), 'module')})"
                ),
                path=dup.path,
                span=Span.point(dup.fact.line, dup.fact.column),
                entity=dup.fact.qualname,
                related=related,
                data={
                    "concept": concept.name,
                    "declared": concept.declared is not None,
                    "canonical": canon.key,
                    "duplicate": dup.key,
                    "similarity": concept.similarity(dup),
                    "import_sites": len(importers),
                    "importers": importers,
                    "joined_by": concept.joined_by.get(dup.key, ""),
                    "role": symbols.role(dup).role,
                    "not_counted": not_counted,
                },
            )


class CompatAlias(Rule):
    """A second name or import path for a canonical class.

    ## What it does
    Reports, outside the module that defines the canonical class of a concept (see
    SSOT101):

    - a module-level alias: `WebSocketManager = UnifiedWebSocketManager` (also
      `WebSocketManager: type[UnifiedWebSocketManager] = UnifiedWebSocketManager`);
    - a re-export: `from app.ws.unified import UnifiedWebSocketManager as WebSocketManager`,
      or the class imported into another module that lists it in `__all__` or that other
      modules import it from;
    - a thin subclass that adds nothing: its body is only a docstring or `pass`, or every
      method only forwards to `super()` or to an attribute.

    Re-exports under the class's own name in the `__init__.py` of a package containing the
    canonical module are the package's public interface and are allowed.

    `data` holds `concept`, `alias` (`module:Name`), `target` (the canonical `module:Class`),
    `kind` (`assignment`, `re-export` or `subclass`) and `import_sites`: the first-party modules
    importing the alias.

    ## Why is this bad?
    Every extra name keeps old call sites alive and hides how far a migration has come: the
    code reads as if there were two managers, searches for one name miss the other, and the
    alias module often becomes the place where the next duplicate grows.

    ## Example
    ```python
    # app/ws/compat.py
    from app.ws.unified import UnifiedWebSocketManager

    WebSocketManager = UnifiedWebSocketManager  # backwards compatibility
    ```

    ## Use instead
    Import the canonical class where it is defined (or from its package) and delete the
    alias once `import_sites` reaches zero.
    ```python
    from app.ws.unified import UnifiedWebSocketManager
    ```

    ## Options
    The concepts of SSOT101 (`[tool.ssotlint.concepts.NAME]`). Suppress a deliberate,
    deprecated alias with `# ssotlint: ignore[SSOT102]` on its line.

    ## Known problems
    Only canonical classes of concepts are followed: an alias of a class that has no
    duplicate is not reported. A re-export is recognised by `__all__` or by other modules
    importing the name; a module re-exporting through `import *` only is not.
    """

    code = "SSOT102"
    facts_only = True
    families = frozenset({"classes"})
    name = "compat-alias"
    summary = "A canonical class re-exported or aliased under another name or path"
    severity = Severity.WARNING

    VALID = (
        Case(
            {
                "app/__init__.py": "",
                "app/ws/__init__.py": (
                    "from app.ws.unified import UnifiedWebSocketManager\n\n__all__ = ['UnifiedWebSocketManager']\n"
                ),
                "app/ws/unified.py": _WS_CANONICAL,
                "app/chat.py": "from app.ws import UnifiedWebSocketManager\n",
            },
            config=_WS_CONFIG,
            note="a plain re-export in the canonical package's __init__",
        ),
        Case(
            {
                "app/__init__.py": "",
                "app/ws/__init__.py": "",
                "app/ws/unified.py": _WS_CANONICAL,
                "app/chat.py": "from app.ws.unified import UnifiedWebSocketManager as Manager\n\nmanager = Manager()\n",
            },
            config=_WS_CONFIG,
            note="a local rename nobody imports from",
        ),
    )
    INVALID = (
        Case(
            {
                "app/__init__.py": "",
                "app/ws/__init__.py": "",
                "app/ws/unified.py": _WS_CANONICAL,
                "app/ws/compat.py": (
                    "from app.ws.unified import UnifiedWebSocketManager\n\n"
                    "WebSocketManager = UnifiedWebSocketManager\n"
                ),
                "app/chat.py": "from app.ws.compat import WebSocketManager\n",
            },
            config=_WS_CONFIG,
            expected=("SSOT102 app/ws/compat.py:3:1",),
        ),
        Case(
            {
                "app/__init__.py": "",
                "app/ws/__init__.py": "",
                "app/ws/unified.py": _WS_CANONICAL,
                "app/legacy.py": (
                    "from app.ws.unified import UnifiedWebSocketManager as WebSocketManager\n\n"
                    "__all__ = ['WebSocketManager']\n"
                ),
                "app/ws/adapter.py": (
                    "from app.ws.unified import UnifiedWebSocketManager\n\n\n"
                    "class WebSocketManagerAdapter(UnifiedWebSocketManager):\n"
                    '    """Kept for the migration."""\n\n'
                    "    async def connect(self, user_id, socket):\n"
                    "        return await super().connect(user_id, socket)\n"
                ),
            },
            config=_WS_CONFIG,
            note="a renamed re-export and a subclass that only delegates",
            expected=("SSOT102 app/legacy.py:1:1", "SSOT102 app/ws/adapter.py:4:1"),
        ),
    )

    def check(self, index: ProjectIndex) -> Iterable[Diagnostic]:
        symbols = index.symbols
        concepts = index.concepts.concepts
        by_canonical = {c.canonical.key: c for c in concepts}
        if not by_canonical:
            return
        focus = _Focus(index)
        # Once the import sites are indexed, every from-import is resolved: only the imports
        # that pass through a canonical class can re-export one.
        through = symbols.imports_through((c.canonical.module, c.canonical.fact.qualname) for c in concepts)
        for rel, facts in index.files.items():
            info = index.modules.by_rel.get(rel)
            if info is None:
                continue
            module = info.name
            for alias in facts.aliases:
                target = symbols.resolve_expr(module, alias.target, skip_alias=alias.name).symbol
                concept = by_canonical.get(target.key) if target.kind == "class" else None
                if concept is None or concept.canonical.module == module:
                    continue
                canon = concept.canonical
                if alias.name == canon.fact.qualname and _in_canonical_package(module, info.is_package, canon):
                    continue
                found = self._finding(index, focus, concept, rel, module, alias.name, alias.line, alias.column, "assignment")
                if found is not None:
                    yield found
            wanted = through.get(rel) if through is not None else None
            if through is not None and wanted is None:
                continue
            exported = set(facts.dunder_all or ())
            for fact in facts.imports:
                if not fact.is_from or fact.scope or fact.context == "typing-only" or fact.dynamic:
                    continue
                base = symbols.absolute_import(info, fact)
                if not base or base not in index.modules:
                    continue
                for imported in fact.names:
                    if imported.name == "*" or (wanted is not None and (base, imported.name) not in wanted):
                        continue
                    target = symbols.resolve_from(base, imported.name).symbol
                    concept = by_canonical.get(target.key) if target.kind == "class" else None
                    if concept is None or concept.canonical.module == module:
                        continue
                    bound = imported.asname or imported.name
                    if bound not in exported and not symbols.direct_import_sites(module, bound):
                        continue  # imported for local use only
                    canon = concept.canonical
                    if bound == canon.fact.qualname and _in_canonical_package(module, info.is_package, canon):
                        continue
                    found = self._finding(index, focus, concept, rel, module, bound, fact.line, fact.column, "re-export")
                    if found is not None:
                        yield found
        for c in symbols.classes.values():
            if c.fact.qualname != c.fact.name or not _is_thin(c) or not c.fact.bases:
                continue
            for b in symbols.bases(c):
                concept = by_canonical.get(b.key) if b.kind == "class" else None
                if concept is not None and concept.canonical.module != c.module:
                    found = self._finding(index, focus, concept, c.path, c.module, c.name, c.fact.line, c.fact.column, "subclass")
                    if found is not None:
                        yield found
                    break

    def _finding(
        self,
        index: ProjectIndex,
        focus: _Focus,
        concept: ConceptGroup,
        path: str,
        module: str,
        name: str,
        line: int,
        column: int,
        kind: str,
    ) -> Diagnostic | None:
        """The finding, or None when it touches no path in the focus of the run."""
        canon = concept.canonical
        sites = index.symbols.import_sites(module, name)
        if not (focus(path) or focus(canon.path) or focus.listed_site(sites)):
            return None
        importers = sorted({s.importer for s in sites})
        what = {
            "assignment": f"is an alias of {canon.key}",
            "re-export": f"re-exports {canon.key}",
            "subclass": f"is a subclass of {canon.key} that adds nothing",
        }[kind]
        return self.diagnostic(
            message=f"{name} in {module} {what} (imported by {_plural(len(importers), 'module')})",
            path=path,
            span=Span.point(line, column),
            entity=name,
            related=[_class_related(canon, f"canonical {concept.name}: {canon.key}"), *_sites_related(sites, name)],
            data={
                "concept": concept.name,
                "alias": f"{module}:{name}",
                "target": canon.key,
                "kind": kind,
                "import_sites": len(importers),
                "importers": importers,
            },
        )


def _in_canonical_package(module: str, is_package: bool, canon: ClassInfo) -> bool:
    """``module`` is the ``__init__`` of a package that contains the canonical module."""
    return is_package and canon.module.startswith(module + ".")


class DuplicateFactory(Rule):
    """More than one function that builds instances of a concept.

    ## What it does
    Finds functions (module level, or nested in other functions) that construct and
    return an instance of a concept's class, directly (`return Manager(...)`) or
    through a variable (`manager = Manager(); return manager`, including the
    `global _instance` singleton pattern). When the concept declares its canonical
    factories (`factories = ["module:function"]`), every other factory is reported.
    Otherwise, when two or more exist, the one imported by the most modules is taken as
    canonical and the others are reported.

    Factories in test paths and methods (builders, `clone()`, alternate constructors) are
    not counted. `data` holds `concept`, `factory`, `canonical_factories`,
    `constructs` and `import_sites`.

    ## Why is this bad?
    Two factories for one object mean two sets of defaults and, for a process-wide
    manager, two instances: events sent through one never reach connections registered in
    the other.

    ## Example
    ```python
    # app/ws/factory.py
    def get_websocket_manager():
        return UnifiedWebSocketManager()

    # app/ws/setup.py
    def create_websocket_manager():
        return UnifiedWebSocketManager()
    ```

    ## Use instead
    Call the canonical factory.
    ```python
    # app/ws/setup.py
    from app.ws.factory import get_websocket_manager
    ```

    ## Options
    `factories` in `[tool.ssotlint.concepts.NAME]`.

    ## Known problems
    Only construction of a class whose name starts with an upper-case letter is followed,
    and only through local names, globals and `self.<attribute>`; a factory that returns
    what another factory returns is a wrapper and is not counted.
    """

    code = "SSOT103"
    facts_only = True
    families = frozenset({"classes"})
    name = "duplicate-factory"
    summary = "A concept built by more than one factory function"
    severity = Severity.WARNING

    VALID = (
        Case(
            {
                "app/__init__.py": "",
                "app/ws/__init__.py": "",
                "app/ws/unified.py": _WS_CANONICAL,
                "app/ws/factory.py": (
                    "from app.ws.unified import UnifiedWebSocketManager\n\n\n"
                    "def get_websocket_manager():\n    return UnifiedWebSocketManager()\n"
                ),
                "app/main.py": (
                    "from app.ws.factory import get_websocket_manager\n\n\n"
                    "def startup():\n    return get_websocket_manager()\n"
                ),
                "tests/conftest.py": (
                    "from app.ws.unified import UnifiedWebSocketManager\n\n\n"
                    "def manager():\n    return UnifiedWebSocketManager()\n"
                ),
            },
            config=_WS_CONFIG + 'factories = ["app.ws.factory:get_websocket_manager"]\n',
            note="one factory, a caller that wraps it, and a test fixture",
        ),
    )
    INVALID = (
        Case(
            {
                "app/__init__.py": "",
                "app/ws/__init__.py": "",
                "app/ws/unified.py": _WS_CANONICAL,
                "app/ws/factory.py": (
                    "from app.ws.unified import UnifiedWebSocketManager\n\n_manager = None\n\n\n"
                    "def get_websocket_manager():\n    global _manager\n    if _manager is None:\n"
                    "        _manager = UnifiedWebSocketManager()\n    return _manager\n"
                ),
                "app/setup.py": (
                    "from app.ws import unified\n\n\n"
                    "def create_websocket_manager(config):\n    manager = unified.UnifiedWebSocketManager()\n"
                    "    manager.config = config\n    return manager\n"
                ),
            },
            config=_WS_CONFIG + 'factories = ["app.ws.factory:get_websocket_manager"]\n',
            expected=("SSOT103 app/setup.py:4:1",),
        ),
    )

    def check(self, index: ProjectIndex) -> Iterable[Diagnostic]:
        symbols = index.symbols
        concepts = index.concepts.concepts
        if not concepts:
            return
        owner: dict[str, ConceptGroup] = {}
        for concept in concepts:
            for m in concept.members:
                owner.setdefault(m.key, concept)
        found: dict[str, list[tuple[str, str, FactoryFact, list[str]]]] = {}
        for rel, facts in index.files.items():
            info = index.modules.by_rel.get(rel)
            if info is None or not facts.factories or symbols.in_tests(rel):
                continue
            for f in facts.factories:
                if f.method:
                    continue  # builders, clones and alternate constructors on classes
                built = {symbols.resolve_expr(info.name, callee).symbol for callee in f.constructs}
                keys = sorted(s.key for s in built if s.kind == "class" and s.key in owner)
                if not keys:
                    continue
                concept = owner[keys[0]]
                found.setdefault(concept.name + "\x1f" + concept.canonical.key, []).append((rel, info.name, f, keys))
        by_key = {c.name + "\x1f" + c.canonical.key: c for c in concepts}
        focus = _Focus(index)
        for key, factories in sorted(found.items()):
            concept = by_key[key]
            yield from self._concept(index, focus, concept, factories)

    def _concept(
        self,
        index: ProjectIndex,
        focus: _Focus,
        concept: ConceptGroup,
        factories: list[tuple[str, str, FactoryFact, list[str]]],
    ) -> Iterator[Diagnostic]:
        symbols = index.symbols
        declared = concept.declared.factories if concept.declared is not None else ()
        canonical_keys = {symbols.resolve_from(*d.split(":", 1)).symbol.key for d in declared}
        factories.sort(key=lambda t: (t[0], t[2].line))

        def fkey(t: tuple[str, str, FactoryFact, list[str]]) -> str:
            return f"{t[1]}:{t[2].qualname}"

        if not canonical_keys:
            if len(factories) < 2:
                return
            best = min(factories, key=lambda t: (-len(symbols.importing_modules(t[1], t[2].qualname)), t[0], t[2].line))
            canonical_keys = {fkey(best)}
        canonical = [t for t in factories if fkey(t) in canonical_keys]
        others = [t for t in factories if fkey(t) not in canonical_keys]
        canonical_names = sorted(canonical_keys)
        # Each finding lists every factory of the concept: when none is in focus, only a
        # finding's own import sites can be.
        whole = any(focus(t[0]) for t in factories)
        for t in others:
            rel, module, f, keys = t
            sites = symbols.import_sites(module, f.qualname)
            if not whole and not focus.listed_site(sites):
                continue
            importers = sorted({s.importer for s in sites})
            related = [Related(c[0], c[2].line, f"canonical factory {fkey(c)}", c[2].column) for c in canonical]
            related += [Related(o[0], o[2].line, f"another factory: {fkey(o)}", o[2].column) for o in others if o is not t]
            related += _sites_related(sites, f.qualname)
            built = ", ".join(k.partition(":")[2] for k in keys)
            yield self.diagnostic(
                message=(
                    f"{f.qualname} also builds {built} ({concept.name}); the canonical factory is "
                    f"{' / '.join(canonical_names)}"
                ),
                path=rel,
                span=Span.point(f.line, f.column),
                entity=f.qualname,
                related=related,
                data={
                    "concept": concept.name,
                    "factory": fkey(t),
                    "canonical_factories": canonical_names,
                    "constructs": keys,
                    "import_sites": len(importers),
                    "importers": importers,
                },
            )


class ConflictingConstant(Rule):
    """One constant name bound to different literal values in several modules.

    ## What it does
    Collects module-level UPPER_CASE names bound exactly once to a literal (string, bytes,
    number, boolean) in first-party modules outside test paths, and reports each name that
    has two or more different values of the same kind (a string `WARNING` and a log level
    `WARNING = 30` are different things that share a name). One finding per name, anchored on its first
    definition by path; every other definition is a related location, and `data.values`
    lists each value with its places.

    ## Why is this bad?
    `HEARTBEAT_TIMEOUT = 30` in one service and `HEARTBEAT_TIMEOUT = 60` in another is the
    same single-source-of-truth debt as two manager classes: each copy is edited on its
    own, and the behaviour depends on which module a caller happened to import.

    ## Example
    ```python
    # app/ws/heartbeat.py
    HEARTBEAT_TIMEOUT = 30

    # app/ws/manager.py
    HEARTBEAT_TIMEOUT = 60
    ```

    ## Use instead
    Define the value once and import it.
    ```python
    # app/ws/manager.py
    from app.ws.heartbeat import HEARTBEAT_TIMEOUT
    ```

    ## Options
    - `[tool.ssotlint.duplicates] ignore-constants = ["VERSION", "*_NAME"]`: constant-name
      globs never reported (names that are meant to differ per module).
    - `test-paths`: modules there are not counted.

    ## Known problems
    Only literals are compared: `TIMEOUT = 30` and `TIMEOUT = 15 * 2` are not seen as one
    value or as two. Names bound more than once in a module (in `if`/`else` branches) are
    skipped. Names starting with an underscore are private to their module and not counted.
    """

    code = "SSOT104"
    facts_only = True
    families = frozenset({"classes"})
    name = "conflicting-constant"
    summary = "An UPPER_CASE constant with different values in different modules"
    severity = Severity.WARNING

    VALID = (
        Case(
            {
                "app/__init__.py": "",
                "app/a.py": "TIMEOUT = 30\n",
                "app/b.py": "TIMEOUT = 30\n",
                "app/c.py": "from app.a import TIMEOUT\n",
                "tests/test_a.py": "TIMEOUT = 1\n",
            },
            note="equal values, an import, and a test override",
        ),
        Case(
            {"app/__init__.py": "", "app/a.py": "NAME = 'a'\n", "app/b.py": "NAME = 'b'\n"},
            config="[tool.ssotlint.duplicates]\nignore-constants = ['NAME']\n",
            note="an ignored name",
        ),
    )
    INVALID = (
        Case(
            {
                "app/__init__.py": "",
                "app/heartbeat.py": "HEARTBEAT_TIMEOUT = 30\n",
                "app/manager.py": '"""Manager."""\n\nHEARTBEAT_TIMEOUT = 60\n',
                "app/other.py": "HEARTBEAT_TIMEOUT = 30\n",
            },
            expected=("SSOT104 app/heartbeat.py:1:1",),
        ),
    )

    def check(self, index: ProjectIndex) -> Iterable[Diagnostic]:
        symbols = index.symbols
        focus = _Focus(index)
        ignore = index.config.ignore_constants
        # (name, kind of literal) -> (path, module, line, col, value): `DEBUG = False` and a
        # log level `DEBUG = 10` are different things that happen to share a name.
        places: dict[tuple[str, str], list[tuple[str, str, int, int, str]]] = {}
        for rel, facts in index.files.items():
            if not facts.constants or symbols.in_tests(rel):
                continue
            info = index.modules.by_rel.get(rel)
            module = info.name if info is not None else rel
            for c in facts.constants:
                if any(fnmatch.fnmatchcase(c.name, p) for p in ignore):
                    continue
                places.setdefault((c.name, _literal_kind(c.value)), []).append((rel, module, c.line, c.column, c.value))
        for name, kind in sorted(places):
            entries = sorted(places[name, kind])
            values: dict[str, list[tuple[str, str, int, int, str]]] = {}
            for e in entries:
                values.setdefault(e[4], []).append(e)
            if len(values) < 2 or not any(focus(e[0]) for e in entries):
                continue
            first = entries[0]
            related = [Related(e[0], e[2], f"{name} = {_short(e[4])} in {e[1]}", e[3]) for e in entries[1:]]
            shown = list(values.items())[:_MAX_VALUES_IN_MESSAGE]
            summary = "; ".join(f"{_short(v)} in {_modules_text(es)}" for v, es in shown)
            if len(values) > len(shown):
                summary += f"; and {len(values) - len(shown)} more"
            yield self.diagnostic(
                message=f"{name} has {len(values)} different values across {_plural(len(entries), 'module')}: {summary}",
                path=first[0],
                span=Span.point(first[2], first[3]),
                entity=f"{name}={kind}",
                fingerprint_path="",
                related=related,
                data={
                    "name": name,
                    "values": [
                        {"value": v, "places": [{"path": e[0], "module": e[1], "line": e[2]} for e in es]}
                        for v, es in values.items()
                    ],
                },
            )


class DuplicateFamily(RuleFamily):
    """SSOT101-SSOT104: one symbol table, one table of concepts.

    They read every fact but the event facts and the ignore comments, with one exception:
    a module's top-level bindings are read only through lookups of ``(module, name)`` in
    the symbol table. The family's state is the names each module was asked for; what
    the family reads of a file is its facts with only the bindings of those names
    (``from`` imports stay whole: they are import sites). So a binding nobody looked up
    (a plain ``import os`` added) changes nothing: the rules make the same lookups, in
    the same order, and get the same answers.
    """

    name = "duplicates"
    rules = (DuplicateImplementation, CompatAlias, DuplicateFactory, ConflictingConstant)

    def reads(self, index: ProjectIndex, rel: str, facts: FileFacts, state: Any) -> Any:
        asked = _asked(state)
        if asked is None or rel not in index.modules.by_rel:
            return facts._replace(suppressions=(), event_producers=(), event_consumers=(), string_constants=())
        from_imports = tuple(f for f in facts.imports if f.is_from and not f.dynamic)
        rest = facts._replace(imports=from_imports, suppressions=(), event_producers=(), event_consumers=(), string_constants=())
        return rest, _bindings(index, rel, facts, asked)

    def check(
        self, index: ProjectIndex, rules: Sequence[type[Rule]], state: Any, changed: Sequence[Changed] | None
    ) -> Outcome:
        found = super().check(index, rules, state, changed)
        symbols: SymbolTable | None = index.__dict__.get("symbols")  # built by the rules, if they needed it
        if symbols is None:
            return found
        asked: dict[str, list[str]] = {}
        for module, name in symbols.queried():
            asked.setdefault(module, []).append(name)
        return found._replace(state={module: sorted(names) for module, names in asked.items()})


def _asked(state: Any) -> dict[str, list[str]] | None:
    """The names each module was asked for, from the family's state (None: unknown)."""
    return state if isinstance(state, dict) else None


def _bindings(index: ProjectIndex, rel: str, facts: FileFacts, asked: dict[str, list[str]]) -> tuple[Any, ...]:
    """What a lookup of each name asked of the file's module reads of it: whether a class,
    an alias or an import binds it, and the star imports it may fall back to."""
    info = index.modules.by_rel.get(rel)
    names = asked.get(info.name, ()) if info is not None else ()
    if info is None or not names:
        return ()
    ns = build_namespace(facts, functools.partial(Resolver(index.modules)._absolute_base, info))
    return (
        tuple((name, name in ns.classes, ns.aliases.get(name), ns.imports.get(name)) for name in names),
        tuple(ns.stars),
    )
