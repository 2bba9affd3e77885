"""The facts codec: decoded records are the very records extracted, down to their classes."""

from __future__ import annotations

import marshal
import textwrap
import typing
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from ssotlint.facts.codec import decode, decoder_for, encode
from ssotlint.facts.extract import extract
from ssotlint.facts.model import ClassFact, EventRef, FileFacts, ParseError

from .conftest import EXAMPLE_DIR

SOURCE = textwrap.dedent(
    '''
    """Doc."""
    from __future__ import annotations
    import importlib, os.path as osp
    from . import sibling as sib, other
    from typing import TYPE_CHECKING
    if TYPE_CHECKING:
        from pkg.types import T
    try:
        import ujson as json  # circular import workaround
    except ImportError:
        json = None
    __all__ = ["Base", "Child", "make"]
    LIMIT = 3
    EVENT_STARTED = "started"

    class Kind(str, Enum):
        STARTED = "started"

    class Base(metaclass=ABCMeta):
        """Single source of truth for things."""
        x = 1
        @abstractmethod
        def run(self, a, b): ...
        class Inner(Generic[T]):
            def go(self):
                return self.run(1, 2)

    Alias = Base

    def make():
        mod = importlib.import_module("pkg.dyn")
        return Base()

    def emit(bus):
        bus.emit({"type": EVENT_STARTED, "payload": {"id": 1, **extra}})
        bus.emit({"type": Kind.STARTED.value, "when": 2})

    def handle(event):
        if event["type"] == "started":
            return event["payload"]["id"], event.get("when")

    x = 1  # ssotlint: ignore[SSOT101]
    # ssotlint: ignore-file
    '''
)


def _same(a: Any, b: Any, where: str = "facts") -> None:
    """Equal, and of the same class at every level (tuple equality ignores the class)."""
    assert type(a) is type(b), where
    if isinstance(a, tuple):
        assert len(a) == len(b), where
        names = getattr(type(a), "_fields", None)
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _same(x, y, f"{where}.{names[i] if names else i}")
    else:
        assert a == b, where


def _round_trip(facts: FileFacts) -> FileFacts:
    decoded: FileFacts = decode(FileFacts, marshal.loads(marshal.dumps(encode(facts))))
    return decoded


def test_every_field_of_a_busy_file() -> None:
    facts = extract(SOURCE.encode(), emitters=("*.emit",))
    assert facts.imports and facts.classes and facts.aliases and facts.constants and facts.factories
    assert facts.event_producers and facts.event_consumers and facts.string_constants and facts.suppressions
    assert facts.dunder_all is not None
    _same(_round_trip(facts), facts)


@pytest.mark.parametrize("source", ["", "x = 1\n", "def f(:\n", "class A:\n    pass\n"])
def test_small_and_broken_files(source: str) -> None:
    facts = extract(source.encode())
    _same(_round_trip(facts), facts)


def test_the_example_project() -> None:
    for path in sorted(Path(EXAMPLE_DIR).rglob("*.py")):
        facts = extract(path.read_bytes(), emitters=("*.emit", "*.publish"))
        _same(_round_trip(facts), facts, str(path))


def test_decoders_of_other_shapes() -> None:
    assert decode(str, "x") == "x"
    assert decode(ParseError | None, None) is None
    _same(decode(ParseError | None, ("m", 1, 2)), ParseError("m", 1, 2))
    _same(decode(tuple[int, EventRef], [1, ["name", "X", 1, 2, False]]), (1, EventRef("name", "X", 1, 2, False)))
    names = ("a", "b")
    assert decode(tuple[str, ...], names) is names  # stored tuples of plain values are kept
    _same(decode(tuple[tuple[EventRef, ...], ...], ((("literal", "a", 1, 1, False),), ())), ((EventRef("literal", "a", 1, 1, False),), ()))
    assert decode(tuple[ClassFact, ...], ()) == ()
    assert decoder_for(FileFacts) is decoder_for(FileFacts)


def test_a_new_record_type_needs_no_code() -> None:
    class Leaf(NamedTuple):
        name: str
        tags: tuple[str, ...]

    class Tree(NamedTuple):
        leaves: tuple[Leaf, ...]
        best: Leaf | None
        pair: tuple[Leaf, int]
        extra: dict[str, int]

    globals().update(Leaf=Leaf, Tree=Tree)  # get_type_hints resolves the annotations here
    try:
        tree = Tree((Leaf("a", ("x",)), Leaf("b", ())), None, (Leaf("c", ("y", "z")), 3), {"k": 1})
        _same(decode(Tree, marshal.loads(marshal.dumps(encode(tree)))), tree)
        tree = tree._replace(best=Leaf("d", ()), leaves=())
        _same(decode(Tree, marshal.loads(marshal.dumps(encode(tree)))), tree)
        assert typing.get_type_hints(Tree)["best"] == Leaf | None
    finally:
        del globals()["Leaf"], globals()["Tree"]


def test_a_union_of_records_is_refused() -> None:
    with pytest.raises(TypeError, match="several record types"):
        decoder_for(ParseError | EventRef)
