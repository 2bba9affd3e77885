"""The plain records extracted from one file.

Every record is a ``NamedTuple`` of primitives, tuples and other records, so that
:mod:`ssotlint.facts.codec` can store it in the cache without pickling classes. Facts
depend only on the file's bytes and the extraction options, never on its path: the cache
is keyed by content.
"""

from __future__ import annotations

from typing import NamedTuple

# Where an import runs.
IMPORT_TIME = "import-time"  # module level, class bodies, top-level if/try/with
DEFERRED = "deferred"  # inside a function, method or lambda, or under `if __name__ == "__main__":`
TYPING = "typing-only"  # under `if TYPE_CHECKING:`

#: The ``scope`` of a deferred import under ``if __name__ == "__main__":`` (outside any
#: function): it runs only when the module is executed as a script, never on import.
MAIN_SCOPE = 'if __name__ == "__main__"'


class ImportedName(NamedTuple):
    name: str  # as written after `import` ("*" for a star import)
    asname: str | None


class ImportFact(NamedTuple):
    """One imported module reference.

    ``import a.b, c`` yields two facts; ``from x import m, n`` yields one fact with two
    names. ``importlib.import_module("x")`` yields a fact with ``dynamic=True``.
    """

    line: int
    column: int
    end_line: int
    end_column: int
    module: str  # the module as written ("" for `from . import x`)
    level: int  # leading dots of a relative import
    names: tuple[ImportedName, ...]  # from-imports only
    asname: str | None  # `import a.b as c`
    is_from: bool
    context: str  # IMPORT_TIME / DEFERRED / TYPING
    guarded: bool  # inside try/except ImportError
    dynamic: bool  # importlib.import_module / __import__
    scope: str  # enclosing function (dotted, "<lambda>" for a lambda), MAIN_SCOPE, "" at import time
    circular_comment: bool  # a nearby comment mentions circular imports
    #: A dynamic relative import anchored at ``__name__`` (``import_module(".b",
    #: package=__name__)``): relative to the module itself, which is its package only when
    #: the module is a package's ``__init__``.
    relative_to_name: bool = False


class Suppression(NamedTuple):
    """A ``# ssotlint: ignore[...]`` or ``# ssotlint: ignore-file[...]`` comment."""

    line: int
    column: int
    codes: tuple[str, ...]  # empty: every code
    file_level: bool


class ParseError(NamedTuple):
    message: str
    line: int
    column: int


class MethodFact(NamedTuple):
    """A function defined directly in a class body."""

    name: str
    line: int
    params: tuple[str, ...]  # positional parameters after self/cls
    is_async: bool
    abstract: bool  # decorated with @abstractmethod
    body: str  # BODY_TRIVIAL / BODY_DELEGATES / BODY_REAL
    hook: bool = False  # registered with a framework by a decorator (pydantic's @model_validator...)


# What a function body does, as far as duplicate detection cares.
BODY_TRIVIAL = "trivial"  # docstring, pass, ..., raise NotImplementedError
BODY_DELEGATES = "delegates"  # one call forwarded to self.<x>, cls.<x> or super()
BODY_REAL = "real"


class ClassFact(NamedTuple):
    """A class defined at module level or inside another class (not inside a function)."""

    name: str
    qualname: str  # Outer.Inner for nested classes
    line: int
    column: int
    end_line: int
    bases: tuple[str, ...]  # dotted as written; "Generic[T]" -> "Generic", "namedtuple(...)" -> "namedtuple"
    keywords: tuple[str, ...]  # "metaclass=ABCMeta", "total=False"
    decorators: tuple[str, ...]  # dotted names, call arguments dropped
    methods: tuple[MethodFact, ...]
    attributes: tuple[str, ...]  # names assigned in the class body
    docstring: str  # first line only
    marker: bool  # "SSOT" / "single source of truth" in its docstring or comments
    body: str  # BODY_TRIVIAL (docstring/pass only), BODY_DELEGATES (every method forwards), BODY_REAL
    typing_only: bool
    #: What the class body does: sorted hashes of its normalised statements (methods,
    #: private ones included, and class-level assignments; docstrings, ``pass`` and
    #: ``...`` left out). Two classes sharing most of them share code.
    shape: tuple[int, ...] = ()
    #: The code's own word that the class is superseded (``@deprecated(...)``, a
    #: ``DeprecationWarning`` raised by the class, "Deprecated: use X" in its docstring):
    #: None when it is not; otherwise the replacement as written ("" when none is named).
    deprecated: str | None = None
    name_column: int = 0  # 1-based column of the class name (0: not known)
    subscripted_bases: tuple[int, ...] = ()  # positions among the non-empty ``bases`` written ``Base[str, bytes]``


class AliasFact(NamedTuple):
    """A module-level ``A = b.C`` or ``A: type[C] = C``: a second name for something."""

    name: str
    target: str  # dotted, as written
    line: int
    column: int
    subscripted: bool = False  # ``ByteStore = BaseStore[str, bytes]``: a specialised generic


class EventRef(NamedTuple):
    """How an event type is written: a string literal or a (dotted) name to resolve later."""

    kind: str  # "literal" or "name"
    value: str  # the string, or the dotted name ("TOOL_EXECUTING", "EventType.TOOL_EXECUTING")
    line: int
    column: int
    value_attr: bool  # written with a trailing `.value` (stripped from ``value``)


class EventKey(NamedTuple):
    """A key set on (or read from, or required of) an event dict."""

    name: str
    level: str  # "" at the top level; "payload" / "data" when nested under that key
    line: int
    column: int


class ConstantFact(NamedTuple):
    """A module-level UPPER_CASE name bound once to a literal."""

    name: str
    value: str  # repr() of the literal
    line: int
    column: int
    comment: str = ""  # the comment ending the line, whitespace-normalised ("" for none)


class FactoryFact(NamedTuple):
    """A function that constructs and returns instances (``return Foo(...)``, ``x = Foo(); return x``)."""

    qualname: str  # dotted through enclosing functions and classes
    line: int
    column: int
    constructs: tuple[str, ...]  # dotted callee names, as written, sorted
    module_level: bool
    method: bool  # defined in a class body, or nested in a method


class EventTag(NamedTuple):
    """A top-level key whose value may name the event type (``"type": TOOL_EXECUTING``)."""

    key: str  # "*" for an emitter's event-type argument
    ref: EventRef


class EventProducer(NamedTuple):
    """A dict that may be an event: a literal, ``dict(...)``, or an emitter call."""

    line: int
    column: int
    kind: str  # "dict" / "dict-call" / "emitter" / "typed" (annotated with a class: ``x: StepDict = {...}``)
    tags: tuple[EventTag, ...]
    keys: tuple[EventKey, ...]
    open_levels: tuple[str, ...]  # levels a ``**spread`` or unknown mapping may add keys to
    scope: str


class EventConsumer(NamedTuple):
    """A place that expects fields of one event type: a table entry or guarded reads."""

    kind: str  # "table" / "read"
    tag: str  # the key compared by a guard; for a table, "line:column" of the table itself
    event: EventRef
    keys: tuple[EventKey, ...]
    scope: str


class StringConstant(NamedTuple):
    """A module-level string constant or an Enum member with a string value."""

    name: str  # "TOOL_EXECUTING" or "EventType.TOOL_EXECUTING"
    value: str
    line: int
    enum: str  # "" plain constant, "str" member of a str-Enum, "enum" member of another Enum


class FileFacts(NamedTuple):
    """Everything the project-wide rules need to know about one file."""

    error: ParseError | None
    suppressions: tuple[Suppression, ...]
    line_count: int
    downgraded: bool  # parsed by the fallback parser (syntax newer than the interpreter)
    # What collectors contribute; empty for a file that could not be parsed.
    imports: tuple[ImportFact, ...] = ()
    classes: tuple[ClassFact, ...] = ()
    aliases: tuple[AliasFact, ...] = ()
    constants: tuple[ConstantFact, ...] = ()
    factories: tuple[FactoryFact, ...] = ()
    dunder_all: tuple[str, ...] | None = None  # names listed in a literal __all__
    event_producers: tuple[EventProducer, ...] = ()
    event_consumers: tuple[EventConsumer, ...] = ()
    string_constants: tuple[StringConstant, ...] = ()
    #: ``warnings.warn(..., DeprecationWarning)`` in the module body: the replacement as
    #: written ("" when none is named); None when the module is not deprecated.
    deprecated_module: str | None = None
