"""Parse source bytes into a stdlib ``ast`` tree, even for syntax newer than the interpreter.

The hot path is :func:`ast.parse` (about ten times faster than libcst's parser). When it
fails, libcst's parser, which accepts newer grammar (PEP 695 type parameters, PEP 701
f-strings, unparenthesised ``except A, B``, template strings), parses the file and a small
codemod rewrites those constructs into equivalents the running interpreter understands,
keeping every line where it was. Only if both parsers reject the file is it a syntax error.
"""

from __future__ import annotations

import ast
import io
import tokenize
import warnings
from typing import NamedTuple


class Parsed(NamedTuple):
    tree: ast.Module | None
    text: str
    error: tuple[str, int, int] | None  # message, line, column
    downgraded: bool


def decode_source(data: bytes) -> str:
    """Decode like the interpreter does: BOM, PEP 263 cookie, else UTF-8.

    Line endings become ``\n`` (the interpreter reads ``\r\n`` and a lone ``\r`` as one line
    break each), so every ``text.count("\n")`` and ``text.split("\n")`` agrees with the line
    numbers of the syntax tree. ``str.splitlines`` does not: it also breaks at form feeds and
    other separators the interpreter reads as ordinary characters.
    """
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    text = data.decode(encoding)
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def parse_source(data: bytes) -> Parsed:
    try:
        text = decode_source(data)
    except (SyntaxError, UnicodeDecodeError, LookupError) as exc:
        line = 1
        if isinstance(exc, UnicodeDecodeError):
            line = data.count(b"\n", 0, exc.start) + 1
        return Parsed(None, "", (f"cannot decode file: {_reason(exc)}", line, 1), False)
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        return Parsed(None, text, ("source contains a NUL byte", line, 1), False)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return Parsed(ast.parse(text), text, None, False)
    except SyntaxError as exc:
        first_error = (_reason(exc), exc.lineno or 1, max(exc.offset or 1, 1))
        if exc.msg in _PARSER_LIMITS or len(text) > NEWER_SYNTAX_MAX_CHARS:
            return Parsed(None, text, first_error, False)
    except (RecursionError, MemoryError, ValueError, OverflowError) as exc:
        return Parsed(None, text, (f"cannot parse file: {_reason(exc)}", 1, 1), False)
    tree = _parse_newer_syntax(text)
    if tree is None:
        return Parsed(None, text, first_error, False)
    return Parsed(tree, text, None, True)


#: libcst's parser needs about 400 bytes of memory per source byte and 6 s per MB (a 1 MB
#: file: 0.39 GB, 5.8 s). Bigger files are not re-parsed for newer syntax (generated code):
#: the fallback then costs no more memory than ``ast.parse`` of the largest file read
#: (``max-file-size``, 1 MiB by default; about 200 bytes per source byte).
NEWER_SYNTAX_MAX_CHARS = 1 << 19

#: Limits of CPython's tokenizer and compiler: libcst's parser would accept the file (slowly:
#: seconds for a thousand nested calls), but the downgraded code hits the same limit.
_PARSER_LIMITS = frozenset(
    {
        "too many nested parentheses",
        "too many statically nested blocks",
        "too many levels of indentation",
        "too many nested f-strings",
    }
)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, SyntaxError) and exc.msg:
        return exc.msg
    return str(exc) or type(exc).__name__


def _parse_newer_syntax(text: str) -> ast.Module | None:
    try:
        # libcst is imported only here: most files never need it.
        import libcst as cst

        from ssotlint.facts.downgrade import Downgrade

        module = cst.parse_module(text)
        downgraded = module.visit(Downgrade())
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(downgraded.code)
    except Exception:  # any failure here means: not parseable by either parser
        return None
