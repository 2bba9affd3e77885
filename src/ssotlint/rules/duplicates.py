"""SSOT101-SSOT104: one concept implemented, named, built or configured in several places."""

from __future__ import annotations

import fnmatch
import functools
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from ssotlint.diagnostics import Diagnostic, Related, Severity, Span
from ssotlint.facts.model import BODY_REAL, FactoryFact, FileFacts
from ssotlint.index.concepts import (
    DEPRECATED,
    INTERFACE,
    NAME_PATTERN,
    SAME_CODE,
    SAME_NAME,
    ConceptGroup,
)
from ssotlint.index.imports import Resolver
from ssotlint.index.project import ProjectIndex
from ssotlint.index.symbols import ClassInfo, ImportSite, Role, SymbolTable, build_namespace
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


def _is_prose(value: str) -> bool:
    """A message, banner, prompt or template: text meant to differ, never one setting."""
    if _literal_kind(value) != "str":
        return False
    text = value[1:-1]
    return "\\n" in text or len(text.split()) >= 4 or len(text) > 80


def _copied_modules(index: ProjectIndex) -> dict[str, set[str]]:
    """Module -> the modules holding another member of one of its classes' concepts."""
    out: dict[str, set[str]] = {}
    for concept in index.concepts.concepts:
        modules = {m.module for m in concept.members}
        for m in modules:
            out.setdefault(m, set()).update(modules - {m})
    return out


def _one_concept(
    symbols: SymbolTable, copies: dict[str, set[str]], name: str, entries: list[tuple[str, str, int, int, str, str]]
) -> bool:
    """Evidence that the definitions are one setting, not one name used for several:
    a definition other modules import while another module of its package binds another
    value, two
    definitions with different values in modules that copy each other's classes, or two
    definitions with different values under the same comment (a copy that drifted)."""
    for e in entries:
        others = [o for o in entries if o[4] != e[4]]
        if not others:
            continue
        # Imported by other modules while a module of the same package binds another value.
        package = e[1].rpartition(".")[0]
        if any(o[1].rpartition(".")[0] == package for o in others) and symbols.importing_modules(e[1], name):
            return True
        if any(o[1] in copies.get(e[1], ()) for o in others):
            return True
        if e[5] and any(o[5] == e[5] for o in others):
            return True
    return False


def _short(value: str, limit: int = 40) -> str:
    return value if len(value) <= limit else value[: limit - 3] + "..."


def _modules_text(entries: list[tuple[str, str, int, int, str, str]], limit: int = 3) -> str:
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
    return Related(c.path, c.fact.line, message, c.fact.name_column or c.fact.column)


def _name_span(c: ClassInfo) -> Span:
    """The class name in ``class Name``: where an editor should put the cursor."""
    column = c.fact.name_column
    if not column:
        return Span.point(c.fact.line, c.fact.column)
    return Span(c.fact.line, column, c.fact.line, column + len(c.name))


def _why(concept: ConceptGroup, dup: ClassInfo) -> str:
    """The evidence that joined ``dup`` to its concept, in words."""
    how = concept.joined_by.get(dup.key, "")
    if how == DEPRECATED or (concept.deprecated.get(dup.key) and how != NAME_PATTERN):
        return "marked deprecated"
    if how in (SAME_NAME, SAME_CODE):
        share = concept.body_similarity(dup)
        return f"{round(100 * share)}% of its code in common" if share else "same name and methods"
    if how == INTERFACE:
        return f"{round(100 * concept.similarity(dup))}% of its interface in common"
    return "matches the concept's name pattern"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _roles_data(classes: Iterable[tuple[ClassInfo, Role]]) -> list[dict[str, object]]:
    return [{"class": c.key, "path": c.path, "line": c.fact.line, "role": r.role, "reason": r.reason} for c, r in classes]


def _not_counted(index: ProjectIndex, concept: ConceptGroup) -> list[tuple[ClassInfo, Role]]:
    if concept.declared is not None:
        return concept.not_counted
    member_keys = {m.key for m in concept.members}
    symbols = index.symbols
    by_name = symbols.classes_by_name
    names = sorted({m.name for m in concept.members})
    others = sorted((c for n in names for c in by_name.get(n, ()) if c.key not in member_keys), key=lambda c: c.key)
    return [(c, symbols.role(c)) for c in others]


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
    its canonical class. A concept is either declared in the configuration or discovered
    from evidence of what the classes do, never from what they subclass (plugin code
    subclasses one framework base everywhere):

    - the code's own word: a class marked deprecated (`@deprecated(...)` of any origin,
      with `alternative_import=` or `alternative=`; a `DeprecationWarning` its body or
      constructor always raises, or one naming it; "Deprecated: use X instead" in its
      docstring) that names a replacement class of the project is a duplicate of it;
    - shared code: two classes in different modules whose bodies share most of their
      statements (methods, private ones included, compared statement by statement with
      literals and keyword arguments left out, so a copy whose defaults drifted or that
      gained a method is still found): half of the larger body for classes with the same
      name, 70% and at least six statements (or three, with half of the methods in common) otherwise.
      A sync class and its async twin are not copies;
    - same-named classes with stub bodies only, subclassing nothing, that share a method name.

    Only *implementations* count. A class is not an implementation when it is a
    `typing.Protocol`, an ABC with abstract methods only, an `Enum`/`IntEnum`/`StrEnum`/`Flag`
    (or a project subclass of one), a `TypedDict` or `NamedTuple`, an exception, a `*Mixin`, a test
    double (defined in a test path, subclassing `unittest.mock` classes, or named
    `Mock*`/`Fake*`/`Stub*`/`Dummy*`/`Spy*`), non-production code (defined in a
    `non-production-paths` path: examples, docs, project templates, migrations, settings),
    or a validator/checker (named `*Validator`, `*Checker`, ... or whose methods are all
    `validate`/`check`/`is_` methods inspecting an argument; a pydantic model's
    `@model_validator` hooks do not make it one). A subclass of the canonical class that adds
    real behaviour is an extension, not a duplicate, unless it is marked deprecated.

    The canonical class of a declared concept is the configured one. For a discovered
    concept it is the replacement a deprecation marker names; never a deprecated class
    (also through its module's `DeprecationWarning`) or a null object (`Null*`, `No*`,
    `Empty*`, every method a stub); then the implementation imported by the most modules,
    then the one marked "SSOT" or "single source of truth", then the first by path.

    A declared concept takes in the classes discovery groups with its canonical class,
    the classes whose public interface overlaps it (`min-similarity` of (method name,
    arity) pairs, `min-methods` each, no common base class), and the classes matching its
    name patterns that share code or interface with it; never a base class of the
    canonical class.

    The finding points at the class name and says what joined it ("marked deprecated",
    "85% of its code in common") and how many modules still import it. `data` holds
    `concept`, `canonical` and `duplicate` (`module:Class`), `similarity` (the (method,
    arity) pairs the two classes have in common over the larger interface, 0 to 1),
    `body_similarity` (the same for their statements), `deprecated` (the replacement the
    duplicate's deprecation marker names, `""` when none, `null` when unmarked),
    `import_sites` (first-party modules importing the duplicate), `joined_by` and
    `not_counted`: the classes that matched the concept by name but were left out, with
    their role and the reason.

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
    - `[tool.ssotlint.duplicates]`: `min-methods` (default 4), `min-similarity` (default 0.7),
      for the interface overlap of declared concepts.
    - `test-paths`: gitignore-style patterns of test files (default `tests/`, `test/`,
      `testing/`, `test_*.py`, `*_test.py`, `tests.py`, `conftest.py`); classes there are test doubles.
    - `non-production-paths`: examples, docs, project templates, migrations and settings
      modules (default `examples/`, `docs/`, `*_template/`, `migrations/`, `settings.py`,
      `settings/`, ...); classes there are left out.

    ## Known problems
    Two classes written from one template (per-service loaders that differ only in an
    endpoint table) share most of their code and are reported, although each talks to
    its own service. A copy rewritten statement by statement is not found unless a
    deprecation marker names its replacement. A deprecation marker is taken at its word,
    also when it names the wrong class.
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
        Case(
            {
                "stores/__init__.py": "",
                "stores/base.py": "class BaseStore:\n    def mget(self, keys):\n        raise NotImplementedError\n",
                "stores/redis.py": (
                    "from stores.base import BaseStore\n\n\nclass RedisStore(BaseStore):\n"
                    "    def mget(self, keys):\n        return self.client.mget(keys)\n\n"
                    "    def mset(self, pairs):\n        self.client.mset(dict(pairs))\n"
                ),
                "stores/mongo.py": (
                    "from stores.base import BaseStore\n\n\nclass MongoStore(BaseStore):\n"
                    "    def mget(self, keys):\n        found = self.collection.find({'_id': {'$in': keys}})\n"
                    "        return [d['value'] for d in found]\n\n"
                    "    def mset(self, pairs):\n        for k, v in pairs:\n"
                    "            self.collection.replace_one({'_id': k}, {'value': v}, upsert=True)\n"
                ),
                "stores/null.py": (
                    "from stores.base import BaseStore\n\n\nclass NullStore(BaseStore):\n"
                    "    def mget(self, keys):\n        return [None for _ in keys]\n\n    def mset(self, pairs):\n        pass\n"
                ),
                "examples/one.py": "class Base:\n    def save(self):\n        return self.session.commit()\n",
                "examples/two.py": "class Base:\n    def save(self):\n        return self.session.commit()\n",
            },
            note="backends of one plugin interface doing different things, a null object, examples",
        ),
        Case(
            {
                "db/__init__.py": "",
                "db/sync.py": (
                    "class Tee:\n    def __init__(self, it, n):\n        self.it = it\n        self.n = n\n\n"
                    "    def __iter__(self):\n        for item in self.it:\n            yield item\n\n"
                    "    def close(self):\n        self.it.close()\n"
                ),
                "db/aio.py": (
                    "class Tee:\n    def __init__(self, it, n):\n        self.it = it\n        self.n = n\n\n"
                    "    async def __aiter__(self):\n        async for item in self.it:\n            yield item\n\n"
                    "    async def close(self):\n        await self.it.aclose()\n"
                ),
            },
            note="a sync class and its async twin",
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
            expected=("SSOT101 app/ws/manager.py:1:7",),
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
            expected=("SSOT101 app/ws/sessions.py:1:7",),
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
            expected=("SSOT101 billing/client.py:1:7",),
        ),
        Case(
            {
                "core/__init__.py": "",
                "core/models.py": "class BaseChatModel:\n    def invoke(self, prompt):\n        return self._generate(prompt)\n",
                "community/__init__.py": "",
                "community/openai.py": (
                    "from core.models import BaseChatModel\nfrom typing_extensions import deprecated\n\n\n"
                    "@deprecated('0.1', alternative_import='partner.chat.ChatOpenAI')\n"
                    "class ChatOpenAI(BaseChatModel):\n    def _generate(self, prompt):\n        return self.client.create(prompt)\n"
                ),
                "partner/__init__.py": "from partner.chat import ChatOpenAI\n",
                "partner/chat.py": (
                    "from core.models import BaseChatModel\n\n\nclass ChatOpenAI(BaseChatModel):\n"
                    "    def _generate(self, prompt):\n        response = self.client.chat.completions.create(prompt)\n"
                    "        return response.choices[0]\n"
                ),
                "app.py": "from community.openai import ChatOpenAI\nfrom community.openai import ChatOpenAI as Old\n",
            },
            note="a plugin class moved to a partner package: the marker names the canonical class",
            expected=("SSOT101 community/openai.py:6:7",),
        ),
        Case(
            {
                "core/__init__.py": "",
                "core/stores.py": "class VectorStore:\n    def search(self, query):\n        return self._search(query, 4)\n",
                "one/__init__.py": "",
                "one/store.py": (
                    "from core.stores import VectorStore\n\n\nclass RedisStore(VectorStore):\n"
                    "    def _search(self, query, k):\n        vector = self.embed(query)\n"
                    "        hits = self.client.ft(self.index).search(vector, k)\n        return [self._doc(h) for h in hits]\n\n"
                    "    def _doc(self, hit):\n        return {'text': hit.content, 'score': 1 - hit.distance}\n"
                ),
                "two/__init__.py": "",
                "two/store.py": (
                    "from core.stores import VectorStore\n\n\nclass InMemoryDBStore(VectorStore):\n"
                    "    def _search(self, query, k=10):\n        vector = self.embed(query)\n"
                    "        hits = self.client.ft(self.index).search(vector, k)\n        return [self._doc(h) for h in hits]\n\n"
                    "    def _doc(self, hit):\n        return {'text': hit.content, 'score': 1 - hit.distance}\n\n"
                    "    def drop(self):\n        self.client.ft(self.index).dropindex()\n"
                ),
            },
            note="a copy renamed and drifted (a default changed, a method added), behaviour in private hooks",
            expected=("SSOT101 two/store.py:4:7",),
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
        not_counted = _roles_data(_not_counted(index, concept))
        duplicates = []
        for m in concept.members:
            if m.key == canon.key:
                continue
            parent = _subclasses_member(symbols, m, member_keys)
            if parent is None or (not _is_thin(m) and m.key in concept.deprecated):
                duplicates.append(m)  # a deprecated extension is still superseded
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
            # The other duplicates have findings of their own: listing them here would
            # repeat one block of related lines under every member of the group.
            related = [_class_related(canon, f"canonical {concept.name}: {canon.key}")]
            related += _sites_related(sites, dup.name)
            yield self.diagnostic(
                message=(
                    f"{dup.name} duplicates {canon.key}, the canonical {concept.name} "
                    f"({_why(concept, dup)}; {dup.name} is imported by {_plural(len(importers), 'module')})"
                ),
                path=dup.path,
                span=_name_span(dup),
                entity=dup.fact.qualname,
                related=related,
                data={
                    "concept": concept.name,
                    "declared": concept.declared is not None,
                    "canonical": canon.key,
                    "duplicate": dup.key,
                    "similarity": concept.similarity(dup),
                    "body_similarity": concept.body_similarity(dup),
                    "deprecated": concept.deprecated.get(dup.key),
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
    canonical module, or in a sibling module of the canonical one, are the package's public
    interface or plumbing and are allowed. Aliases and re-exports in test and
    non-production paths, and specialised generics (`ByteStore = BaseStore[str, bytes]`,
    `class Handler(Base[str, bytes])`), are not reported. A thin subclass marked deprecated
    is reported even in the canonical class's own module.

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
            expected=("SSOT102 app/legacy.py:1:1", "SSOT102 app/ws/adapter.py:4:7"),
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
            if symbols.non_production(rel):
                continue
            for alias in facts.aliases:
                if alias.subscripted:
                    continue  # `ByteStore = BaseStore[str, bytes]` specialises a generic: a type of its own
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
            if c.fact.qualname != c.fact.name or not _is_thin(c) or not c.fact.bases or c.in_tests or c.non_production:
                continue
            if any(k.startswith("metaclass=") for k in c.fact.keywords) or (c.fact.decorators and c.fact.deprecated is None):
                continue  # a decorator or a metaclass may register or change it: more than a second name
            for position, b in enumerate(symbols.bases(c)):
                concept = by_canonical.get(b.key) if b.kind == "class" else None
                # `class Handler(Base[str, bytes])` fixes the base's type parameters: a type of its own.
                if (
                    concept is not None
                    and (concept.canonical.module != c.module or c.fact.deprecated is not None)
                    and position not in c.fact.subscripted_bases
                ):
                    column = c.fact.name_column or c.fact.column
                    found = self._finding(index, focus, concept, c.path, c.module, c.name, c.fact.line, column, "subclass")
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
            message=f"{name} in {module} {what} ({name} is imported by {_plural(len(importers), 'module')})",
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
    """``module`` is the ``__init__`` of a package that contains the canonical module, or a
    sibling of the canonical module in its package (a dialect's ``base`` importing its
    ``types``): the package's own plumbing, not a second path kept for old code."""
    if is_package and canon.module.startswith(module + "."):
        return True
    return module.rpartition(".")[0] == canon.module.rpartition(".")[0] != ""


class DuplicateFactory(Rule):
    """More than one function that builds instances of a concept.

    ## What it does
    Finds functions (module level, or nested in other functions) that construct and
    return an instance of a concept's class, directly (`return Manager(...)`) or
    through a variable (`manager = Manager(); return manager`, including the
    `global _instance` singleton pattern). When the concept declares its canonical
    factories (`factories = ["module:function"]`), every other factory is reported.
    Otherwise, when two or more build the same class, the one imported by the most
    modules is taken as canonical and the others are reported.

    Factories in test and non-production paths and methods (builders, `clone()`, alternate
    constructors) are not counted. `data` holds `concept`, `factory`, `canonical_factories`,
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
            if info is None or not facts.factories or symbols.non_production(rel):
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
            # Undeclared, only factories of one class compete: each copy of a duplicated
            # class coming with its own constructor function is the class's finding, not a
            # second factory.
            builders = Counter(k for t in factories for k in set(t[3]))
            factories = [t for t in factories if any(builders[k] > 1 for k in t[3])]
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
    number, boolean) in first-party modules outside test and non-production paths, and
    reports each name that has two or more different values of the same kind (a string
    `WARNING` and a log level `WARNING = 30` are different things that share a name) when
    something says the definitions are one setting:

    - one definition is imported by other modules while a module of the same package binds
      another value (it should have imported it too);
    - two definitions with different values live in modules that hold copies of each
      other's classes (a module copied into another package, then edited);
    - two definitions with different values carry the same comment (a copy that drifted).

    One name used for different things by design (per-integration `DEFAULT_MODEL_NAME`,
    `DEFAULT_K`, per-endpoint prefixes) has none of that and is not reported; prose (a
    value with four words or more, a line break, or over 80 characters: messages,
    banners, prompts, templates) never is. One finding per name, anchored on its first
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
    - `test-paths`, `non-production-paths`: modules there are not counted.

    ## Known problems
    Only literals are compared: `TIMEOUT = 30` and `TIMEOUT = 15 * 2` are not seen as one
    value or as two. Two copies of one setting with nothing linking them (no import, no
    copied classes, different comments) are not found. Names bound more than once in a module (in `if`/`else` branches) are
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
        Case(
            {
                "app/__init__.py": "",
                "app/openai.py": "DEFAULT_MODEL = 'gpt-4o'\nBANNER = 'Welcome to the chat service, please sign in'\n",
                "app/mistral.py": "DEFAULT_MODEL = 'mistral-large'\nBANNER = 'Welcome to the admin console, please sign in'\n",
                "examples/settings.py": "DEFAULT_MODEL = 'tiny'\n",
            },
            note="per-integration defaults with nothing shared, prose, and an example's settings",
        ),
    )
    INVALID = (
        Case(
            {
                "app/__init__.py": "",
                "app/heartbeat.py": "HEARTBEAT_TIMEOUT = 30\n",
                "app/manager.py": '"""Manager."""\n\nHEARTBEAT_TIMEOUT = 60\n',
                "app/other.py": "HEARTBEAT_TIMEOUT = 30\n",
                "app/api.py": "from app.heartbeat import HEARTBEAT_TIMEOUT\n",
            },
            note="one definition is imported as the setting while a sibling module binds another value",
            expected=("SSOT104 app/heartbeat.py:1:1",),
        ),
        Case(
            {
                "app/__init__.py": "",
                "app/ws.py": "PING_SECONDS = 30  # seconds between two pings\n",
                "app/legacy_ws.py": "PING_SECONDS = 20  # seconds between two pings\n",
            },
            note="a copy that drifted: the same comment on both definitions",
            expected=("SSOT104 app/legacy_ws.py:1:1",),
        ),
    )

    def check(self, index: ProjectIndex) -> Iterable[Diagnostic]:
        symbols = index.symbols
        focus = _Focus(index)
        ignore = index.config.ignore_constants
        # (name, kind of literal) -> (path, module, line, col, value, comment): `DEBUG = False`
        # and a log level `DEBUG = 10` are different things that happen to share a name.
        places: dict[tuple[str, str], list[tuple[str, str, int, int, str, str]]] = {}
        for rel, facts in index.files.items():
            if not facts.constants or symbols.non_production(rel):
                continue
            info = index.modules.by_rel.get(rel)
            module = info.name if info is not None else rel
            for c in facts.constants:
                if any(fnmatch.fnmatchcase(c.name, p) for p in ignore):
                    continue
                places.setdefault((c.name, _literal_kind(c.value)), []).append((rel, module, c.line, c.column, c.value, c.comment))
        copies = _copied_modules(index)
        for name, kind in sorted(places):
            entries = sorted(places[name, kind])
            values: dict[str, list[tuple[str, str, int, int, str, str]]] = {}
            for e in entries:
                values.setdefault(e[4], []).append(e)
            if len(values) < 2 or not any(focus(e[0]) for e in entries) or any(_is_prose(v) for v in values):
                continue
            if not _one_concept(symbols, copies, name, entries):
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
