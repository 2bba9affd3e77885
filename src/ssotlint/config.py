"""``[tool.ssotlint]`` in ``pyproject.toml`` -> a frozen :class:`Config`.

Every key is declared once in :data:`SCHEMA` with its type. Unknown keys and wrong types
are collected, all of them, into one :class:`ConfigError` naming file, line and key, with
a suggestion for near misses. Nothing here reads source files or prints.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from ssotlint.limits import DEFAULT_MAX_FILE_SIZE

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found,no-redef]

CONFIG_FILE = "pyproject.toml"
CODE_PATTERN = re.compile(r"^(SSOT\d{0,3}|ALL)$")

DEFAULT_EXCLUDE: tuple[str, ...] = (
    ".*",  # hidden folders: .git, .venv, .tox, .mypy_cache ...
    "__pycache__",
    "__pypackages__",
    "node_modules",
    "site-packages",
    "venv",
    "build",
    "dist",
    "buck-out",
    "_build",
    "*.egg-info",
)

#: The longest string a setting may hold. Compiling a gitignore-style pattern takes time
#: growing faster than its length (a 1 MB pattern: half a minute); real ones are short.
MAX_SETTING_LENGTH = 4096


@dataclass(frozen=True)
class ConfigProblem:
    file: str
    key: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.key}: {self.message}"


class ConfigError(Exception):
    """One or more problems in the configuration; all are reported at once."""

    def __init__(self, problems: Sequence[ConfigProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class AllowEntry:
    """One ``[tool.ssotlint.imports] allow`` entry: ``"importer -> imported"`` globs."""

    text: str
    importer: str
    imported: str
    line: int | None


DEFAULT_TEST_PATHS: tuple[str, ...] = (
    "tests/", "test/", "testing/", "test_*.py", "*_test.py", "tests.py", "conftest.py",
)  # fmt: skip
#: Code that is not part of the running product: examples, documentation, project
#: templates, database migrations and settings modules. The duplicate rules leave it out
#: (every example declares its own ``Base``; settings differ per environment on purpose).
DEFAULT_NON_PRODUCTION_PATHS: tuple[str, ...] = (
    "examples/", "example/", "docs/", "doc/", "docs_src/", "samples/", "cookbook/",
    "*_template/", "project_template/", "app_template/", "{{*}}/",
    "migrations/", "alembic/versions/",
    "settings.py", "settings/", "*_settings.py", "settings_*.py",
)  # fmt: skip


@dataclass(frozen=True)
class ConceptConfig:
    """One ``[tool.ssotlint.concepts.NAME]`` table: a concept and its canonical class."""

    name: str
    canonical: str  # "package.module:Class"
    match: tuple[str, ...] = ()  # class-name globs; empty: derived from the canonical name
    factories: tuple[str, ...] = ()  # "package.module:function"
    line: int | None = None


@dataclass(frozen=True)
class Config:
    root: Path
    config_file: Path | None = None
    select: tuple[str, ...] = ("ALL",)
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    extend_exclude: tuple[str, ...] = ()
    respect_gitignore: bool = True
    src: tuple[str, ...] = ()
    jobs: int | None = None
    cache_dir: str = ".ssotlint_cache"
    baseline: str = ".ssotlint-baseline.json"
    allow_imports: tuple[AllowEntry, ...] = ()
    test_paths: tuple[str, ...] = DEFAULT_TEST_PATHS
    non_production_paths: tuple[str, ...] = DEFAULT_NON_PRODUCTION_PATHS
    concepts: tuple[ConceptConfig, ...] = ()
    min_methods: int = 4
    min_similarity: float = 0.7
    ignore_constants: tuple[str, ...] = ()
    event_spec: str | None = None  # path of the event spec, relative to the root
    event_emitters: tuple[str, ...] = ()  # call patterns that emit events, with their signature (Emitter.text)
    max_file_size: int = DEFAULT_MAX_FILE_SIZE  # bytes; larger source files are skipped

    def extraction_key(self) -> str:
        """The part of the configuration that changes what per-file facts hold."""
        return "emitters=" + ",".join(self.event_emitters) if self.event_emitters else ""

    @property
    def display_config(self) -> str:
        if self.config_file is None:
            return "(defaults)"
        try:
            return self.config_file.relative_to(self.root).as_posix()
        except ValueError:
            return str(self.config_file)


# --- schema -------------------------------------------------------------------------

Checker = Callable[[Any], str | None]  # returns an error message or None


def _is_str_list(value: Any) -> str | None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return "expected a list of strings"
    return None


def _is_codes(value: Any) -> str | None:
    msg = _is_str_list(value)
    if msg:
        return msg
    bad = [v for v in value if not CODE_PATTERN.match(v)]
    if bad:
        return f"not a rule code or prefix: {', '.join(map(repr, bad))} (expected e.g. 'SSOT201', 'SSOT2' or 'ALL')"
    return None


def _is_str(value: Any) -> str | None:
    return None if isinstance(value, str) else "expected a string"


def _is_project_path(value: Any) -> str | None:
    """A path inside the project: ``ssotlint baseline`` writes there."""
    if not isinstance(value, str):
        return "expected a string"
    if not value:
        return "expected a file name"
    parts = PurePosixPath(value.replace("\\", "/")).parts
    if PurePosixPath(value).is_absolute() or PureWindowsPath(value).is_absolute() or ".." in parts:
        return f"expected a path inside the project root, got {value!r}"
    return None


def _is_bool(value: Any) -> str | None:
    return None if isinstance(value, bool) else "expected true or false"


def _is_jobs(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        return "expected a positive integer"
    return None


def _is_byte_count(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        return "expected a positive number of bytes, such as 1048576 (1 MiB)"
    return None


def _is_per_file_ignores(value: Any) -> str | None:
    if not isinstance(value, dict):
        return "expected a table of glob = [codes]"
    for pattern, codes in value.items():
        msg = _is_codes(codes)
        if msg:
            return f"{pattern!r}: {msg}"
    return None


_ALLOW = re.compile(r"^\s*([\w.*]+)\s*->\s*([\w.*]+)\s*$")


def _is_allow(value: Any) -> str | None:
    msg = _is_str_list(value)
    if msg:
        return msg
    bad = [v for v in value if not _ALLOW.match(v)]
    if bad:
        return f"expected 'importer -> imported' module globs, got {', '.join(map(repr, bad))}"
    return None


_DOTTED = r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*"
_QUALIFIED = re.compile(rf"^{_DOTTED}:{_DOTTED}$")


def _is_qualified(value: Any) -> str | None:
    if not isinstance(value, str) or not _QUALIFIED.match(value):
        return "expected 'package.module:Name'"
    return None


def _is_qualified_list(value: Any) -> str | None:
    msg = _is_str_list(value)
    if msg:
        return msg
    bad = [v for v in value if not _QUALIFIED.match(v)]
    if bad:
        return f"expected 'package.module:function' entries, got {', '.join(map(repr, bad))}"
    return None


def _is_name_globs(value: Any) -> str | None:
    msg = _is_str_list(value)
    if msg:
        return msg
    bad = [v for v in value if not v or not re.fullmatch(r"[A-Za-z0-9_*?\[\]!]+", v)]
    if bad:
        return f"expected name globs such as '*WebSocket*Manager*', got {', '.join(map(repr, bad))}"
    return None


_EMITTER_KEYS = ("call", "event", "payload", "channel")


def _selectors(value: Any) -> tuple[int | str, ...] | None:
    """A position, a keyword name, or a list of them; None when malformed."""
    items = value if isinstance(value, list) else [value]
    ok = items and all(
        (isinstance(v, int) and not isinstance(v, bool) and v >= 0) or (isinstance(v, str) and v.isidentifier()) for v in items
    )
    return tuple(items) if ok else None


def _is_emitters(value: Any) -> str | None:
    """``["*.send_event", {call = "*.emit", event = 0, payload = 1}]``."""
    if not isinstance(value, list):
        return "expected a list of call patterns or tables {call, event, payload, channel}"
    for item in value:
        if isinstance(item, str):
            if not item or "(" in item:
                return f"expected a call pattern such as '*.send_event', got {item!r}"
            continue
        if not isinstance(item, dict):
            return f"expected a call pattern or a table {{call, event, payload, channel}}, got {item!r}"
        unknown = sorted(set(item) - set(_EMITTER_KEYS))
        if unknown:
            return f"unknown key {unknown[0]!r} in an emitter; expected {', '.join(_EMITTER_KEYS)}"
        if not isinstance(item.get("call"), str) or not item["call"] or "(" in item["call"]:
            return "an emitter table needs call = 'pattern'"
        for key in _EMITTER_KEYS[1:]:
            if key in item and _selectors(item[key]) is None:
                return f"{key} of emitter {item['call']!r}: expected a position (0, 1...), a keyword name, or a list of them"
        if "event" in item and "channel" in item:
            return f"emitter {item['call']!r}: give event or channel, not both"
        if not any(k in item for k in _EMITTER_KEYS[1:]):
            return f"emitter {item['call']!r}: give event or channel, and payload"
    return None


def _emitter_text(item: str | dict[str, Any]) -> str:
    """The canonical text of one emitter (``facts.events.parse_emitter`` reads it back)."""
    from ssotlint.facts.events import Emitter

    if isinstance(item, str):
        return item
    sel = {k: _selectors(item[k]) or () for k in _EMITTER_KEYS[1:] if k in item}
    return Emitter(item["call"], sel.get("event", ()), sel.get("payload", ()), sel.get("channel", ())).text()


def _is_min_methods(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        return "expected a positive integer"
    return None


def _is_fraction(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 1:
        return "expected a number greater than 0 and at most 1"
    return None


@dataclass(frozen=True)
class Key:
    check: Checker
    description: str


SCHEMA: dict[str, Key] = {
    "select": Key(_is_codes, "rule codes or prefixes to enable (default: all)"),
    "extend-select": Key(_is_codes, "codes or prefixes enabled on top of select"),
    "ignore": Key(_is_codes, "codes or prefixes to disable"),
    "per-file-ignores": Key(_is_per_file_ignores, "glob -> codes ignored in matching files"),
    "exclude": Key(_is_str_list, "gitignore-style patterns replacing the default excludes"),
    "extend-exclude": Key(_is_str_list, "patterns excluded on top of exclude"),
    "respect-gitignore": Key(_is_bool, "skip files ignored by .gitignore (default true)"),
    "src": Key(_is_str_list, "source roots (globs allowed); modules are named relative to them"),
    "jobs": Key(_is_jobs, "worker processes (default: all cores)"),
    "cache-dir": Key(_is_str, "cache folder relative to the project root"),
    "baseline": Key(_is_project_path, "baseline file relative to the project root (default .ssotlint-baseline.json)"),
    "test-paths": Key(_is_str_list, "gitignore-style patterns of test files (default: tests/, test_*.py, ...)"),
    "non-production-paths": Key(
        _is_str_list, "gitignore-style patterns of examples, docs, templates, migrations and settings (default: examples/, ...)"
    ),
    "event-spec": Key(_is_str, "event spec (ssotlint YAML, JSON Schema or AsyncAPI), relative to the root"),
    "max-file-size": Key(_is_byte_count, "largest source file or event spec read, in bytes (default 1048576: 1 MiB)"),
}

TABLES: dict[str, dict[str, Key]] = {
    "imports": {
        "allow": Key(_is_allow, "import edges to ignore: 'a.b -> a.c', globs allowed"),
    },
    "duplicates": {
        "min-methods": Key(_is_min_methods, "public methods a class needs before its interface is compared (default 4)"),
        "min-similarity": Key(_is_fraction, "share of (method, arity) pairs two interfaces must have in common (default 0.7)"),
        "ignore-constants": Key(_is_name_globs, "constant-name globs SSOT104 never reports"),
    },
    "events": {
        "emitters": Key(
            _is_emitters,
            "calls that emit an event: '*.send_event' (globs allowed), or {call = '*.emit', event = 0, payload = 1}"
            " to read only the declared arguments (channel = 0 when the type sits in the payload)",
        ),
    },
}

#: Tables whose keys are names chosen by the user, each holding a table of these keys.
NAMED_TABLES: dict[str, dict[str, Key]] = {
    "concepts": {
        "canonical": Key(_is_qualified, "the canonical class, 'package.module:Class' (required)"),
        "match": Key(_is_name_globs, "class-name globs of the concept (default: derived from the canonical name)"),
        "factories": Key(_is_qualified_list, "the canonical factory functions, 'package.module:function'"),
    },
}
REQUIRED_NAMED_KEYS: dict[str, tuple[str, ...]] = {"concepts": ("canonical",)}


# --- discovery of the config file --------------------------------------------------------


def _load_toml(path: Path) -> tuple[dict[str, Any], str]:
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except OSError as exc:
        raise ConfigError([ConfigProblem(str(path), "(file)", f"cannot read: {exc.strerror or exc}")]) from exc
    except UnicodeDecodeError as exc:
        raise ConfigError([ConfigProblem(str(path), "(file)", "not valid UTF-8")]) from exc
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        line = int(m.group(1)) if m else None
        raise ConfigError([ConfigProblem(str(path), "(toml)", f"invalid TOML: {exc}", line)]) from exc
    except RecursionError:  # the TOML parser recurses once or twice per level of nesting
        raise ConfigError(
            [ConfigProblem(str(path), "(toml)", "invalid TOML: arrays or inline tables nested too deeply to read")]
        ) from None


def has_ssotlint_table(path: Path) -> bool:
    try:
        data, _ = _load_toml(path)
    except ConfigError:
        # A broken pyproject.toml that mentions us is still ours: report its errors.
        try:
            return "[tool.ssotlint" in path.read_text("utf-8", errors="replace")
        except OSError:
            return False
    tool = data.get("tool")
    return isinstance(tool, dict) and "ssotlint" in tool


def find_project_root(start: Path) -> tuple[Path, Path | None]:
    """The nearest ancestor with ``[tool.ssotlint]`` in its pyproject.toml.

    Without one, the nearest ancestor that looks like a project (pyproject.toml, setup.py,
    setup.cfg or .git); without that, the current folder when ``start`` lies inside it (so
    `ssotlint check .` and `ssotlint check pkg/a.py` agree on module names), else ``start``.
    """
    start = start.resolve()
    base = start if start.is_dir() else start.parent
    for folder in (base, *base.parents):
        candidate = folder / CONFIG_FILE
        if candidate.is_file() and has_ssotlint_table(candidate):
            return folder, candidate
    for folder in (base, *base.parents):
        if any((folder / marker).exists() for marker in ("pyproject.toml", "setup.py", "setup.cfg", ".git")):
            return folder, None
    cwd = Path.cwd().resolve()
    if base == cwd or cwd in base.parents:
        return cwd, None
    return base, None


def load_config(start: Path, config_file: Path | None = None) -> Config:
    if config_file is not None:
        config_file = config_file.resolve()
        if not config_file.is_file():
            raise ConfigError([ConfigProblem(str(config_file), "--config", "no such file")])
        data, text = _load_toml(config_file)
        return _from_toml(config_file.parent, config_file, data, text)
    root, found = find_project_root(start)
    if found is None:
        return Config(root=root)
    data, text = _load_toml(found)
    return _from_toml(root, found, data, text)


def _table_of(data: dict[str, Any], file: Path) -> dict[str, Any]:
    tool = data.get("tool", {})
    if file.name != CONFIG_FILE and "ssotlint" not in tool:
        # A standalone ssotlint.toml may hold the keys at the top level.
        return data
    table = tool.get("ssotlint", {}) if isinstance(tool, dict) else {}
    if not isinstance(table, dict):
        raise ConfigError([ConfigProblem(str(file), "tool.ssotlint", "expected a table")])
    return table


def key_line(text: str, table: str, key: str) -> int | None:
    """The line where ``key`` is set inside ``[table]`` (best effort, for messages)."""
    current = None
    key_re = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
    header = re.compile(r"^\s*\[+\s*([^\]]+?)\s*\]+")
    for number, line in enumerate(text.splitlines(), 1):
        m = header.match(line)
        if m:
            current = m.group(1).replace('"', "").replace("'", "").replace(" ", "")
            continue
        if current == table and key_re.match(line):
            return number
    return None


def value_line(text: str, after: int | None, value: str) -> int | None:
    """The line of a string ``value`` at or after line ``after`` (for list entries)."""
    if after is None:
        return None
    lines = text.splitlines()
    for number in range(after, len(lines) + 1):
        if f'"{value}"' in lines[number - 1] or f"'{value}'" in lines[number - 1]:
            return number
    return after


def _suggest(key: str, known: Sequence[str]) -> str:
    import difflib

    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _from_toml(root: Path, file: Path, data: dict[str, Any], text: str) -> Config:
    table = _table_of(data, file)
    prefix = "tool.ssotlint" if file.name == CONFIG_FILE or "tool" in data else ""
    problems: list[ConfigProblem] = []
    fname = str(file)

    def problem(section: str, key: str, message: str) -> None:
        full = f"{section}.{key}" if section else key
        problems.append(ConfigProblem(fname, full, message, key_line(text, section, key)))

    values: dict[str, Any] = {}
    tables: dict[str, dict[str, Any]] = {}
    named: dict[str, dict[str, dict[str, Any]]] = {}
    for key, value in table.items():
        too_long = _longest_string(value)
        if too_long > MAX_SETTING_LENGTH:
            problem(prefix, key, f"a string of {too_long:,} characters; a setting holds at most {MAX_SETTING_LENGTH:,}")
            continue
        if key in SCHEMA:
            msg = SCHEMA[key].check(value)
            if msg:
                problem(prefix, key, msg)
            else:
                values[key] = value
        elif key in TABLES:
            if not isinstance(value, dict):
                problem(prefix, key, "expected a table")
                continue
            sub_section = f"{prefix}.{key}" if prefix else key
            checked: dict[str, Any] = {}
            for sub_key, sub_value in value.items():
                spec = TABLES[key].get(sub_key)
                if spec is None:
                    problem(sub_section, sub_key, "unknown key" + _suggest(sub_key, list(TABLES[key])))
                    continue
                msg = spec.check(sub_value)
                if msg:
                    problem(sub_section, sub_key, msg)
                else:
                    checked[sub_key] = sub_value
            tables[key] = checked
        elif key in NAMED_TABLES:
            named[key] = _check_named_table(key, value, prefix, problem)
        else:
            problem(prefix, key, "unknown key" + _suggest(key, [*SCHEMA, *TABLES, *NAMED_TABLES]))

    # Globs that pathspec cannot compile are wrong types too.
    for key in ("exclude", "extend-exclude", "test-paths", "non-production-paths", "per-file-ignores"):
        for pattern in values.get(key, ()):
            if not _valid_gitignore_pattern(pattern):
                problem(prefix, key, f"invalid pattern {pattern!r}")
    if problems:
        raise ConfigError(problems)

    allow_section = f"{prefix}.imports" if prefix else "imports"
    allow_line = key_line(text, allow_section, "allow")
    allow: list[AllowEntry] = []
    for entry in tables.get("imports", {}).get("allow", []):
        m = _ALLOW.match(entry)
        assert m is not None
        allow.append(AllowEntry(entry, m.group(1), m.group(2), value_line(text, allow_line, entry)))

    concepts = []
    concept_prefix = f"{prefix}.concepts" if prefix else "concepts"
    for name, entry in sorted(named.get("concepts", {}).items()):
        concepts.append(
            ConceptConfig(
                name=name,
                canonical=entry["canonical"],
                match=tuple(entry.get("match", ())),
                factories=tuple(entry.get("factories", ())),
                line=key_line(text, f"{concept_prefix}.{name}", "canonical"),
            )
        )
    duplicates = tables.get("duplicates", {})

    pfi = values.get("per-file-ignores", {})
    return Config(
        root=root,
        config_file=file,
        select=tuple(values.get("select", ["ALL"])),
        extend_select=tuple(values.get("extend-select", [])),
        ignore=tuple(values.get("ignore", [])),
        per_file_ignores=tuple((k, tuple(v)) for k, v in pfi.items()),
        exclude=tuple(values.get("exclude", DEFAULT_EXCLUDE)),
        extend_exclude=tuple(values.get("extend-exclude", [])),
        respect_gitignore=values.get("respect-gitignore", True),
        src=tuple(values.get("src", [])),
        jobs=values.get("jobs"),
        cache_dir=values.get("cache-dir", ".ssotlint_cache"),
        baseline=values.get("baseline", ".ssotlint-baseline.json"),
        allow_imports=tuple(allow),
        test_paths=tuple(values.get("test-paths", DEFAULT_TEST_PATHS)),
        non_production_paths=tuple(values.get("non-production-paths", DEFAULT_NON_PRODUCTION_PATHS)),
        concepts=tuple(concepts),
        min_methods=duplicates.get("min-methods", 4),
        min_similarity=float(duplicates.get("min-similarity", 0.7)),
        ignore_constants=tuple(duplicates.get("ignore-constants", ())),
        event_spec=values.get("event-spec"),
        event_emitters=tuple(_emitter_text(e) for e in tables.get("events", {}).get("emitters", [])),
        max_file_size=values.get("max-file-size", DEFAULT_MAX_FILE_SIZE),
    )


def _longest_string(value: Any) -> int:
    """The length of the longest string in ``value``: keys and items of nested tables and
    arrays included (without recursion: the TOML parser allows a few hundred levels)."""
    longest = 0
    todo = [value]
    while todo:
        item = todo.pop()
        if isinstance(item, str):
            longest = max(longest, len(item))
        elif isinstance(item, dict):
            todo.extend(item)
            todo.extend(item.values())
        elif isinstance(item, list):
            todo.extend(item)
    return longest


def _check_named_table(
    key: str, value: Any, prefix: str, problem: Callable[[str, str, str], None]
) -> dict[str, dict[str, Any]]:
    """Validate ``[tool.ssotlint.KEY.NAME]`` tables; return the valid ones by name."""
    section = f"{prefix}.{key}" if prefix else key
    if not isinstance(value, dict):
        problem(prefix, key, "expected a table of tables")
        return {}
    spec = NAMED_TABLES[key]
    valid: dict[str, dict[str, Any]] = {}
    for name, entry in value.items():
        if not isinstance(entry, dict):
            problem(section, name, "expected a table")
            continue
        sub_section = f"{section}.{name}"
        checked: dict[str, Any] = {}
        ok = True
        for sub_key, sub_value in entry.items():
            k = spec.get(sub_key)
            if k is None:
                problem(sub_section, sub_key, "unknown key" + _suggest(sub_key, list(spec)))
                ok = False
                continue
            msg = k.check(sub_value)
            if msg:
                problem(sub_section, sub_key, msg)
                ok = False
            else:
                checked[sub_key] = sub_value
        for required in REQUIRED_NAMED_KEYS.get(key, ()):
            if required not in entry:
                problem(sub_section, required, "missing required key")
                ok = False
        if ok:
            valid[name] = checked
    return valid


def _valid_gitignore_pattern(pattern: str) -> bool:
    import pathspec

    try:
        pathspec.GitIgnoreSpec.from_lines([pattern])
    except Exception:
        return False
    return True


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)
