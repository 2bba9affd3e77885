"""Per-file facts for duplicate detection: classes, aliases, constants, __all__, factories."""

from __future__ import annotations

import marshal
import textwrap

from ssotlint.facts.codec import decode, encode
from ssotlint.facts.extract import extract
from ssotlint.facts.model import BODY_DELEGATES, BODY_REAL, BODY_TRIVIAL, FileFacts


def facts_of(source: str) -> FileFacts:
    return extract(textwrap.dedent(source).encode("utf-8"))


def test_class_summary() -> None:
    f = facts_of(
        '''
        import abc

        # SSOT: the one manager
        @dataclass(frozen=True)
        class Manager(base.Registry, Generic[T], metaclass=abc.ABCMeta):
            """Keeps connections.

            More text.
            """

            LIMIT = 3
            name: str

            @abc.abstractmethod
            def connect(self, user_id, socket): ...

            async def send(self, user_id, message, /, *, retry=False):
                return await self._inner.send(user_id, message)

            @staticmethod
            def build(config):
                return Manager()

            def _private(self):
                raise NotImplementedError
        '''
    )
    (c,) = f.classes
    assert (c.name, c.qualname, c.line, c.column, c.end_line) == ("Manager", "Manager", 6, 1, 26)
    assert c.bases == ("base.Registry", "Generic")
    assert c.keywords == ("metaclass=abc.ABCMeta",)
    assert c.decorators == ("dataclass",)
    assert c.attributes == ("LIMIT", "name")
    assert c.docstring == "Keeps connections."
    assert c.marker is True
    assert c.body == BODY_REAL
    assert [(m.name, m.params, m.is_async, m.abstract, m.body) for m in c.methods] == [
        ("connect", ("user_id", "socket"), False, True, BODY_TRIVIAL),
        ("send", ("user_id", "message"), True, False, BODY_DELEGATES),
        ("build", ("config",), False, False, BODY_REAL),
        ("_private", (), False, False, BODY_TRIVIAL),
    ]


def test_thin_classes_and_nesting() -> None:
    f = facts_of(
        '''
        class Empty(Base):
            """Only a docstring."""


        class Forwarding(Base):
            def connect(self, user_id):
                return super().connect(user_id)

            async def send(self, message):
                await self.inner.send(message)


        class Outer:
            class Inner(namedtuple("Inner", "a b")):
                pass


        def local():
            class Hidden:
                pass
        '''
    )
    assert [(c.qualname, c.body) for c in f.classes] == [
        ("Empty", BODY_TRIVIAL),
        ("Forwarding", BODY_DELEGATES),
        ("Outer", BODY_REAL),
        ("Outer.Inner", BODY_TRIVIAL),
    ]
    assert f.classes[3].bases == ("namedtuple",)


def test_marker_only_in_its_own_class_and_not_from_suppressions() -> None:
    f = facts_of(
        """
        class A:  # ssotlint: ignore[SSOT101]
            pass


        class B:
            '''The single source of truth for B.'''
        """
    )
    assert [(c.name, c.marker) for c in f.classes] == [("A", False), ("B", True)]


def test_non_ascii_columns_are_characters() -> None:
    f = facts_of("if True:\n    é = 1; TIMEOUT = 'ü'; Alias = Target\n")
    assert [(a.name, a.column) for a in f.aliases] == [("Alias", 27)]
    assert [(c.name, c.value, c.column) for c in f.constants] == [("TIMEOUT", "'ü'", 12)]


def test_aliases_constants_and_all() -> None:
    f = facts_of(
        """
        from typing import TypeAlias
        from x import Unified

        Manager = Unified
        Typed: type[Unified] = Unified
        Explicit: TypeAlias = ws.Unified
        counter: int = Unified
        TIMEOUT = 30
        NEG = -1.5
        URL: Final = "https://x"
        REBOUND = 1
        REBOUND = 2
        COMPUTED = 15 * 2
        T = 1
        _PRIVATE = 3
        NOTHING = None
        __all__ = ["Manager"]
        __all__ += ("Typed",)
        if sys.platform == "win32":
            SEP = "\\\\"
        else:
            SEP = "/"

        def f():
            INNER = 1
            Local = Unified
        """
    )
    assert [(a.name, a.target, a.line) for a in f.aliases] == [
        ("Manager", "Unified", 5),
        ("Typed", "Unified", 6),
        ("Explicit", "ws.Unified", 7),
    ]
    assert [(c.name, c.value, c.line) for c in f.constants] == [
        ("TIMEOUT", "30", 9),
        ("NEG", "-1.5", 10),
        ("URL", "'https://x'", 11),
    ]
    assert f.dunder_all == ("Manager", "Typed")


def test_factories() -> None:
    f = facts_of(
        """
        _manager = None


        def get_manager():
            global _manager
            if _manager is None:
                _manager = ws.Manager()
            return _manager


        def create(config):
            m = Manager(config)
            m.start()
            return m


        async def acreate():
            return await AsyncManager.open()


        def outer():
            def inner():
                return Nested()
            return inner


        def wrapper():
            return get_manager()


        class Holder:
            def instance(self):
                if self._instance is None:
                    self._instance = Manager()
                return self._instance

            def builder(self):
                def build():
                    return Other()
                return build
        """
    )
    assert [(x.qualname, x.line, x.constructs, x.module_level, x.method) for x in f.factories] == [
        ("get_manager", 5, ("ws.Manager",), True, False),
        ("create", 12, ("Manager",), True, False),
        ("outer.inner", 23, ("Nested",), False, False),
        ("Holder.instance", 33, ("Manager",), False, True),
        ("Holder.builder.build", 39, ("Other",), False, True),
    ]


def test_facts_survive_the_cache_codec() -> None:
    f = facts_of(
        """
        class A(B):
            def run(self, x):
                return 1
        Alias = A
        LIMIT = 3
        __all__ = ["A"]
        def make():
            return A()
        """
    )
    assert decode(FileFacts, marshal.loads(marshal.dumps(encode(f)))) == f
    empty = facts_of("x = 1\n")
    assert empty.dunder_all is None
    assert decode(FileFacts, marshal.loads(marshal.dumps(encode(empty)))) == empty


def test_odd_class_statements_do_not_break_extraction() -> None:
    f = facts_of(
        """
        class A(*bases, metaclass=make_meta(), **extra):
            pass

        class B(x if y else z, mixins[0].Base, type("T", (), {})):
            def method(self, *args, **kwargs):
                return super(B, self).method(*args, **kwargs)

        class C[T](Generic[T]):
            @property
            def value(self) -> T: ...

        Alias: "type[A]" = A
        (X, Y) = 1, 2
        for Z in ():
            pass
        """
    )
    assert f.error is None
    assert [(c.name, c.bases, c.keywords) for c in f.classes] == [
        ("A", ("",), ("metaclass=?",)),
        ("B", ("", "mixins.Base", "type"), ()),
        ("C", ("Generic",), ()),
    ]
    assert f.classes[1].methods[0].body == BODY_DELEGATES
    assert f.aliases == ()
    assert f.constants == ()
