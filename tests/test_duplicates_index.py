"""The symbol table (resolution, roles, import sites) and concept grouping."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest

from ssotlint.cache import FactsCache
from ssotlint.config import load_config
from ssotlint.discovery import discover
from ssotlint.engine import collect_facts
from ssotlint.index.concepts import INTERFACE, NAME_PATTERN, SAME_NAME, default_match
from ssotlint.index.project import ProjectIndex
from ssotlint.index.symbols import Symbol

from .conftest import check, findings, write_project


def index_of(tmp_path: Path, files: Mapping[str, str], config: str = "") -> ProjectIndex:
    root = write_project(tmp_path / "p", files, config)
    cfg = load_config(root)
    facts, _ = collect_facts(discover(cfg), FactsCache(root / ".cache", "", enabled=False), 1)
    return ProjectIndex(cfg, facts)


def role_of(index: ProjectIndex, key: str) -> str:
    return index.symbols.role(index.symbols.classes[key]).role


def test_resolution_through_reexports_aliases_relative_and_star_imports(tmp_path: Path) -> None:
    index = index_of(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/ws/__init__.py": "from .unified import Unified\n",
            "app/ws/unified.py": "class Unified:\n    pass\n",
            "app/ws/compat.py": "from . import unified as u\n\nOld = u.Unified\n",
            "app/star.py": "from app.ws.compat import *\n",
            "app/user.py": "from app.star import Old\nfrom app.ws import Unified as U\nimport app.ws.unified\n",
        },
    )
    s = index.symbols
    unified = Symbol("class", "app.ws.unified", "Unified")
    assert s.resolve_from("app.ws", "Unified").symbol == unified
    resolved = s.resolve_from("app.star", "Old")
    assert resolved.symbol == unified
    assert resolved.via == (("app.ws.compat", "Old"), ("app.ws.compat", "u"))
    assert s.resolve_expr("app.user", "U").symbol == unified
    assert s.resolve_expr("app.user", "app.ws.unified.Unified").symbol == unified
    assert s.resolve_expr("app.user", "typing.Protocol").symbol == Symbol("external", "", "typing.Protocol")
    assert s.resolve_from("app.ws", "missing").symbol == Symbol("other", "app.ws", "missing")
    assert s.importing_modules("app.ws.unified", "Unified") == ["app.user", "app.ws"]
    assert s.importing_modules("app.ws.compat", "Old") == ["app.user"]
    assert s.importing_modules("app.ws", "Unified") == ["app.user"]


def test_alias_cycles_do_not_recurse_forever(tmp_path: Path) -> None:
    index = index_of(
        tmp_path,
        {"app/__init__.py": "", "app/a.py": "from app.b import B as A\n", "app/b.py": "from app.a import A as B\n"},
    )
    assert index.symbols.resolve_from("app.a", "A").symbol.kind == "other"


ROLE_FILES = {
    "app/__init__.py": "",
    "app/bases.py": (
        "import enum\nfrom abc import ABC, ABCMeta, abstractmethod\n\n\n"
        "class Color(enum.IntEnum):\n    RED = 1\n\n\n"
        "class Port(ABC):\n    @abstractmethod\n    def open(self): ...\n\n\n"
        "class Partial(metaclass=ABCMeta):\n    @abstractmethod\n    def open(self): ...\n\n"
        "    def close(self):\n        self.closed = True\n\n\n"
        "class AppError(Exception):\n    pass\n"
    ),
    "app/kinds.py": (
        "import typing\nimport typing_extensions as te\nfrom collections import namedtuple\n"
        "from unittest import mock\n\nfrom app.bases import AppError, Color, Port\n\n\n"
        "class Shade(Color):\n    DARK = 2\n\n\n"
        "class SubPort(Port):\n    pass\n\n\n"
        "class RealPort(Port):\n    def open(self):\n        return 1\n\n\n"
        "class Proto(typing.Protocol):\n    def open(self): ...\n\n\n"
        "class TeProto(te.Protocol):\n    def open(self): ...\n\n\n"
        "class Implements(Proto):\n    def open(self):\n        return 1\n\n\n"
        "class Point(namedtuple('Point', 'x y')):\n    pass\n\n\n"
        "class Row(typing.NamedTuple):\n    x: int\n\n\n"
        "class Payload(te.TypedDict):\n    x: int\n\n\n"
        "class NotFound(AppError):\n    pass\n\n\n"
        "class Timeout(TimeoutError):\n    pass\n\n\n"
        "class Recorder(mock.MagicMock):\n    pass\n\n\n"
        "class FakeClock:\n    def now(self):\n        return 0\n\n\n"
        "class ClockStub:\n    def now(self):\n        return 0\n\n\n"
        "class Mockingbird:\n    def sing(self):\n        return 0\n\n\n"
        "class SchemaChecker:\n    def run(self, obj):\n        return True\n\n\n"
        "class Rules:\n    def validate(self, obj):\n        return True\n\n    def is_valid(self, obj):\n        return True\n"
    ),
    "tests/helpers.py": "class Manager:\n    def run(self):\n        return 1\n",
    "app/check_test.py": "class Helper:\n    pass\n",
}


@pytest.mark.parametrize(
    ("key", "role"),
    [
        ("app.bases:Color", "enum"),
        ("app.kinds:Shade", "enum"),
        ("app.bases:Port", "abstract"),
        ("app.kinds:SubPort", "abstract"),
        ("app.kinds:RealPort", "implementation"),
        ("app.bases:Partial", "implementation"),
        ("app.kinds:Proto", "protocol"),
        ("app.kinds:TeProto", "protocol"),
        ("app.kinds:Implements", "implementation"),
        ("app.kinds:Point", "namedtuple"),
        ("app.kinds:Row", "namedtuple"),
        ("app.kinds:Payload", "typeddict"),
        ("app.bases:AppError", "exception"),
        ("app.kinds:NotFound", "exception"),
        ("app.kinds:Timeout", "exception"),
        ("app.kinds:Recorder", "test-double"),
        ("app.kinds:FakeClock", "test-double"),
        ("app.kinds:ClockStub", "test-double"),
        ("app.kinds:Mockingbird", "implementation"),
        ("app.kinds:SchemaChecker", "validator"),
        ("app.kinds:Rules", "validator"),
        ("tests.helpers:Manager", "test-double"),
        ("app.check_test:Helper", "test-double"),
    ],
)
def test_roles(tmp_path: Path, key: str, role: str) -> None:
    assert role_of(index_of(tmp_path, ROLE_FILES), key) == role


def test_a_class_named_like_its_base_is_not_its_own_base(tmp_path: Path) -> None:
    # `class Base(Base)` resolves the base to the class itself: its role (and its
    # subclasses') still comes out, and the run does not recurse without end.
    files = {
        "app/__init__.py": "",
        "app/abstract.py": "import abc\n\n\nclass Base(abc.ABC):\n    @abc.abstractmethod\n    def run(self): ...\n",
        "app/a.py": "from app.abstract import Base\n\n\nclass Base(Base):\n    pass\n\n\nclass Child(Base):\n    pass\n",
        "app/b.py": "import app.c\n\n\nclass Ping(app.c.Pong):\n    pass\n",
        "app/c.py": "import app.b\n\n\nclass Pong(app.b.Ping):\n    pass\n",
    }
    index = index_of(tmp_path, files)
    assert role_of(index, "app.a:Base") == "implementation"
    assert role_of(index, "app.a:Child") == "implementation"
    assert role_of(index, "app.b:Ping") == role_of(index, "app.c:Pong") == "implementation"
    assert findings(check(index.root), "SSOT1") == []


def test_test_paths_are_configurable(tmp_path: Path) -> None:
    index = index_of(tmp_path, ROLE_FILES, config='test-paths = ["qa/"]\n')
    assert role_of(index, "tests.helpers:Manager") == "implementation"


def _manager(name: str, methods: tuple[str, ...]) -> str:
    body = "".join(f"    def {m}(self, a):\n        return a\n\n" for m in methods)
    return f"class {name}:\n{body}"


FOUR = ("connect", "disconnect", "send", "broadcast")


def test_grouping_by_name_and_code(tmp_path: Path) -> None:
    # Registry: same name, same code, one method in common. Node: same name and code, but
    # no method in common. Hub: the interface of a.one's Registry plus one method, but one
    # shared statement is no evidence under another name. Twins: one module's variants.
    index = index_of(
        tmp_path,
        {
            "a/__init__.py": "",
            "a/one.py": _manager("Registry", FOUR),
            "a/two.py": _manager("Registry", ("connect",)),
            "a/six.py": _manager("Node", ("render",)),
            "a/seven.py": _manager("Node", ("parent",)),
            "a/three.py": _manager("Hub", (*FOUR, "extra")),
            "a/four.py": _manager("Small", FOUR[:3]),
            "a/five.py": _manager("Half", (*FOUR[:2], "x", "y")),
            "a/same.py": _manager("Twin1", FOUR) + "\n\n" + _manager("Twin2", FOUR),
            "a/use.py": "from a.three import Hub\nfrom a.two import Registry\n",
        },
    )
    table = index.concepts
    groups = {c.name: (c.canonical.key, sorted(m.key for m in c.members), dict(c.joined_by)) for c in table.concepts}
    assert groups == {
        "Registry": ("a.two:Registry", ["a.one:Registry", "a.two:Registry"], {"a.one:Registry": SAME_NAME, "a.two:Registry": "canonical"})
    }


def test_subclasses_of_one_base_are_grouped_by_their_code_not_their_base(tmp_path: Path) -> None:
    # Every plugin subclasses the framework base; the behaviour lives in a private hook.
    hook = (
        "    def _generate(self, prompt, stop=None):\n        messages = self._convert(prompt)\n"
        "        reply = self.client.create(messages, stop=stop)\n        return reply.text\n"
    )
    index = index_of(
        tmp_path,
        {
            "a/__init__.py": "",
            "a/base.py": _manager("Base", FOUR),
            "a/one.py": "from a.base import Base\n\n\nclass Impl(Base):\n" + hook,
            # a drifted copy: another default, an option, a method added
            "a/three.py": "from a.base import Base\n\n\nclass Impl(Base):\n"
            + hook.replace("stop=None", "stop=('\\n',)").replace("stop=stop)", "stop=stop, n=2)")
            + "\n    def extra(self):\n        return 1\n",
            # the same name and base, other code
            "a/four.py": "from a.base import Base\n\n\nclass Impl(Base):\n    def _generate(self, prompt):\n        return prompt\n",
            "a/two.py": "from a.base import Base\n\n\n" + _manager("Other", FOUR).replace("class Other:", "class Other(Base):"),
        },
    )
    groups = {c.name: sorted(m.key for m in c.members) for c in index.concepts.concepts}
    assert groups == {"Impl": ["a.one:Impl", "a.three:Impl"]}


def test_interface_overlap_joins_declared_concepts_only(tmp_path: Path) -> None:
    files = {
        "a/__init__.py": "",
        "a/one.py": _manager("One", FOUR[:2]),
        "a/two.py": _manager("Two", (*FOUR[:2], "x")),
    }
    tuned = "[tool.ssotlint.duplicates]\nmin-methods = 2\nmin-similarity = 0.6\n"
    declared = '[tool.ssotlint.concepts.one]\ncanonical = "a.one:One"\nmatch = ["One"]\n'
    assert index_of(tmp_path / "discovered", files, config=tuned).concepts.concepts == []
    (concept,) = index_of(tmp_path / "default", files, config=declared).concepts.concepts
    assert [m.key for m in concept.members] == ["a.one:One"]
    (concept,) = index_of(tmp_path / "tuned", files, config=tuned + declared).concepts.concepts
    assert sorted(m.key for m in concept.members) == ["a.one:One", "a.two:Two"]
    assert concept.joined_by["a.two:Two"] == "interface overlap"


def test_canonical_choice_importers_then_marker_then_path(tmp_path: Path) -> None:
    base = {"a/__init__.py": "", "b/__init__.py": "", "c/__init__.py": ""}
    plain = "class Client:\n    pass\n"
    marked = '# SSOT\nclass Client:\n    pass\n'
    by_path = index_of(tmp_path / "1", {**base, "b/x.py": plain, "a/x.py": plain})
    assert by_path.concepts.concepts[0].canonical.key == "a.x:Client"
    by_marker = index_of(tmp_path / "2", {**base, "b/x.py": marked, "a/x.py": plain})
    assert by_marker.concepts.concepts[0].canonical.key == "b.x:Client"
    by_imports = index_of(
        tmp_path / "3", {**base, "b/x.py": marked, "a/x.py": plain, "c/x.py": plain, "c/y.py": "from c.x import Client\n"}
    )
    assert by_imports.concepts.concepts[0].canonical.key == "c.x:Client"


def test_declared_concept_members(tmp_path: Path) -> None:
    index = index_of(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/unified.py": _manager("UnifiedWebSocketManager", FOUR),
            "app/legacy.py": _manager("WebSocketManager", ("send",)),
            "app/pool.py": _manager("ConnectionPool", FOUR),
            "app/beat.py": _manager("HeartbeatManager", ("send",)),
        },
        config='[tool.ssotlint.concepts.ws]\ncanonical = "app.unified:UnifiedWebSocketManager"\n',
    )
    (concept,) = index.concepts.concepts
    assert concept.name == "ws"
    assert concept.joined_by == {
        "app.unified:UnifiedWebSocketManager": "canonical",
        "app.legacy:WebSocketManager": NAME_PATTERN,
        "app.pool:ConnectionPool": INTERFACE,
    }


def test_default_match() -> None:
    assert default_match("UnifiedWebSocketManager") == ("*WebSocketManager*",)
    assert default_match("BaseHTTPClient") == ("*HTTPClient*",)
    assert default_match("Unified") == ("*Unified*",)


def test_common_methods_do_not_make_candidates(tmp_path: Path) -> None:
    # 100 classes that share only very common methods are never compared pairwise.
    common = ("run", "close", "start", "stop")
    files = {"a/__init__.py": ""}
    for i in range(100):
        files[f"a/m{i}.py"] = _manager(f"Worker{i}", (*common, f"own_{i}"))
    index = index_of(tmp_path, files)
    assert index.concepts.concepts == []
    assert index.concepts.compared_pairs == 0


def test_unresolved_canonical_is_reported_on_the_config(tmp_path: Path) -> None:

    root = write_project(
        tmp_path / "p",
        {"app/__init__.py": "", "app/x.py": "class X:\n    pass\n"},
        '\n[tool.ssotlint.concepts.ws]\ncanonical = "app.x:Missing"\n',
    )
    result = check(root, select=("SSOT101",))
    assert findings(result) == ["SSOT101 pyproject.toml:4:1"]
    assert result.diagnostics[0].message == "concept 'ws': canonical class 'app.x:Missing' is not defined in the project"
