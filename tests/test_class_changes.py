"""Classes added, removed or changed since the last run: what the duplicate rules read
changed, so they run again; bindings nobody looked up did not, so their findings are
reused. Every cached run agrees with a run without cache."""

from __future__ import annotations

import random
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from ssotlint import engine
from ssotlint.cache import FactsCache
from ssotlint.config import load_config
from ssotlint.index.concepts import COMMON_METHOD_LIMIT
from tests.conftest import EXAMPLE_DIR, check, findings, write_project
from tests.test_shift import _agrees, _insert, _plain, _spy_duplicates

FOUR = "    def get(self, k):\n        return k\n\n    def put(self, k, v):\n        return v\n\n" \
    "    def delete(self, k):\n        return k\n\n    def keys(self):\n        return []\n"
BASE_FILES = {
    "app/__init__.py": "",
    "app/a.py": "class Store:\n" + FOUR,
    "app/b.py": "class Cache:\n" + FOUR,
    "app/c.py": "X = 1\n",
    "app/base.py": "class Base:\n    def run(self):\n        return 1\n",
    "app/d.py": "from app.base import Base\n\n\nclass Job(Base):\n    def run(self):\n        return 2\n",
}
UNRELATED = "\n\nclass Unrelated:\n    def handle(self, event):\n        return event\n"


def _project(tmp_path: Path, config: str = "") -> Path:
    return write_project(tmp_path / "p", BASE_FILES, config)


def _hook(root: Path, monkeypatch: pytest.MonkeyPatch, *paths: str) -> tuple[engine.RunResult, list[int]]:
    """A cached run (on ``paths``, like the hook) and whether the duplicate rules ran;
    it must agree with a run without cache."""
    calls = _spy_duplicates(monkeypatch)
    cached = check(root, use_cache=True, paths=tuple(root / p for p in paths))
    monkeypatch.undo()
    fresh = check(root, paths=tuple(root / p for p in paths))
    assert _plain(cached) == _plain(fresh)
    assert cached.suppressed == fresh.suppressed
    return cached, calls


def test_lines_moved_keep_the_findings_a_new_class_reruns_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _project(tmp_path)
    first = check(root, use_cache=True)
    assert findings(first, "SSOT101") == ["SSOT101 app/b.py:1:7"]
    _insert(root / "app/a.py", 0, "# pushed down\n")
    result, calls = _hook(root, monkeypatch, "app/a.py")
    assert calls == []  # renumbered, not computed
    assert result.diagnostics[0].related[0].line == 2  # the canonical Store moved down a line
    _insert(root / "app/a.py", 10**6, UNRELATED)
    result, calls = _hook(root, monkeypatch, "app/a.py")
    assert calls == [1]  # the classes are what the rules read
    assert findings(result, "SSOT101") == ["SSOT101 app/b.py:1:7"]


def test_a_binding_nobody_looked_up_keeps_the_findings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _project(tmp_path)
    check(root, use_cache=True)
    _insert(root / "app/c.py", 0, "import os\nimport app.base\n")
    result, calls = _hook(root, monkeypatch)
    assert calls == []
    assert findings(result, "SSOT101") == ["SSOT101 app/b.py:1:7"]
    # app.d's `Base` was looked up (Job's base): rebinding it makes the rules run.
    _insert(root / "app/d.py", 3, "import app.c as Base\n")
    result, calls = _hook(root, monkeypatch)
    assert calls == [1]


@pytest.mark.parametrize(
    ("path", "text", "expected"),
    [
        # Same name as an implementation elsewhere, one statement of its code: a look-alike.
        ("app/c.py", "\n\nclass Store:\n    def get(self, k):\n        return k\n", ["SSOT101 app/b.py:1:7"]),
        # Another interface like theirs: joined by interface overlap.
        ("app/c.py", "\n\nclass Registry:\n" + FOUR, ["SSOT101 app/b.py:1:7", "SSOT101 app/c.py:4:7"]),
        # Named like a member: listed among the classes not counted (an exception here).
        ("app/c.py", "\n\nclass Cache(Exception):\n    pass\n", ["SSOT101 app/b.py:1:7"]),
        # A concept member that changed.
        ("app/b.py", "    def extra(self):\n        return 0\n", ["SSOT101 app/b.py:1:7"]),
    ],
)
def test_classes_the_rules_can_notice_make_them_run(
    path: str, text: str, expected: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _project(tmp_path)
    check(root, use_cache=True)
    _insert(root / path, 10**6, text)
    result, calls = _hook(root, monkeypatch)
    assert calls == [1]
    assert findings(result, "SSOT101") == expected


def test_a_class_others_subclass_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _project(tmp_path)
    check(root, use_cache=True)
    _insert(root / "app/base.py", 10**6, "    def stop(self):\n        return 0\n")
    _, calls = _hook(root, monkeypatch)
    assert calls == [1]
    # Another role (a validator: its only public method validates) is read by Job: they run.
    base = root / "app/base.py"
    base.write_text("class Base:\n    def validate(self):\n        return 1\n")
    _, calls = _hook(root, monkeypatch)
    assert calls == [1]
    # New bases change what the lookup answered: they run.
    base.write_text(base.read_text().replace("class Base:", "class Base(Exception):"))
    _, calls = _hook(root, monkeypatch)
    assert calls == [1]


def test_a_removed_member_makes_them_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _project(tmp_path)
    check(root, use_cache=True)
    (root / "app/b.py").write_text("Y = 2\n")
    result, calls = _hook(root, monkeypatch)
    assert calls == [1]
    assert findings(result, "SSOT101") == []


def test_a_thin_subclass_of_a_canonical_class_makes_them_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _project(tmp_path)
    check(root, use_cache=True)
    _insert(root / "app/c.py", 10**6, "import app.a\n\n\nclass Shim(app.a.Store):\n    pass\n")
    result, calls = _hook(root, monkeypatch)
    assert calls == [1]
    assert findings(result, "SSOT102") == ["SSOT102 app/c.py:5:7"]


def test_a_name_a_declared_concept_matches_makes_them_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _project(tmp_path, '[tool.ssotlint.concepts.store]\ncanonical = "app.a:Store"\n')
    check(root, use_cache=True)
    _insert(root / "app/c.py", 10**6, "\n\nclass SqlStore:\n    def query(self):\n        return 1\n")
    result, calls = _hook(root, monkeypatch)
    assert calls == [1]
    # The name alone is no evidence: listed among the classes not counted, not reported.
    assert "SSOT101 app/c.py:4:7" not in findings(result, "SSOT101")
    (finding,) = result.diagnostics
    assert {"class": "app.c:SqlStore", "role": "look-alike"}.items() <= finding.data["not_counted"][-1].items()


def test_a_method_becoming_too_common_makes_them_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # COMMON_METHOD_LIMIT classes share `run`; one more and `run` proposes no candidates.
    def cls(i: int) -> str:
        return f"class C{i}:\n" + "".join(f"    def {m}(self):\n        return 0\n\n" for m in ("run", f"a{i}", f"b{i}", f"c{i}"))

    files = {"app/__init__.py": "", **{f"app/m{i}.py": cls(i) for i in range(COMMON_METHOD_LIMIT)}, "app/z.py": "Z = 0\n"}
    root = write_project(tmp_path / "p", files)
    check(root, use_cache=True)
    _insert(root / "app/z.py", 10**6, "\n\n" + cls(COMMON_METHOD_LIMIT))
    _, calls = _hook(root, monkeypatch)
    assert calls == [1]


_CLASS_EDITS = [
    UNRELATED,
    "\n\nclass WebSocketManager:\n    async def connect(self, user_id, socket):\n        return 1\n",
    "\n\nclass FakeWebSocketManager:\n    def connect(self, user_id, socket):\n        return 1\n",
    "\n\nclass ChatHub:\n    async def connect(self, user_id, socket):\n        return 1\n\n"
    "    async def disconnect(self, user_id):\n        return 1\n\n    async def send_to_user(self, user_id, message):\n"
    "        return 1\n\n    async def broadcast(self, message):\n        return 1\n",
    "\n\nclass User:\n    def name(self):\n        return 'x'\n",
    "\n\nclass Token(Exception):\n    pass\n",
    "\n\nclass Helper:\n    class Inner:\n        def deep(self):\n            return 0\n",
    "\n\nclass LoggingMixin:\n    def log(self, message):\n        return message\n",
    "\n\nimport chat_backend.websocket.unified_manager as um\n\n\nclass Thin(um.UnifiedWebSocketManager):\n    pass\n",
    "\n\nclass HeartbeatManager:\n    def expired(self, now):\n        return []\n",
    "\n\nclass HeartbeatManager:\n    def unrelated(self):\n        return 0\n",
    # appended to the file's last class, if it ends inside one
    "\n    def connect(self, user_id, socket):\n        return 1\n",
    "\n    def validate(self):\n        return True\n",
    "\n    def broadcast(self, message):\n        return 1\n\n    def disconnect(self, user_id):\n        return 1\n",
]


@pytest.mark.parametrize("seed", range(10))
def test_random_class_edits_agree_with_a_fresh_run(seed: int, tmp_path: Path) -> None:
    rng = random.Random(seed)
    root = tmp_path / "demo"
    shutil.copytree(EXAMPLE_DIR, root, ignore=shutil.ignore_patterns(".ssotlint_cache"))
    files = sorted(p for p in root.rglob("*.py") if "services" in p.parts)
    check(root, use_cache=True)
    for _ in range(4):  # successive hook runs, each on a few edited files
        edited = rng.sample(files, 2)
        for path in edited:
            if rng.random() < 0.3 and "class " in path.read_text():
                # drop a class: cut the file at its last class statement
                text = path.read_text()
                path.write_text(text[: text.rindex("class ")] + "pass\n")
            else:
                _insert(path, 10**6, rng.choice(_CLASS_EDITS))
        _agrees(root, tuple(edited))
    _agrees(root)


_NAMES = ["Store", "Cache", "Client", "Handler", "Worker", "Manager", "Registry", "Job", "Base", "Mixin"]
_METHODS = ["get", "put", "run", "close", "open", "send", "read", "write", "stop", "validate"]


def _random_class(rng: random.Random, name: str, bases: list[str]) -> str:
    parents = rng.sample(bases, rng.randint(0, min(2, len(bases)))) if bases else []
    head = f"class {name}({', '.join(parents)}):\n" if parents else f"class {name}:\n"
    methods = rng.sample(_METHODS, rng.randint(0, 6))
    body = "".join(f"    def {m}(self{', x' * rng.randint(0, 1)}):\n        return 1\n\n" for m in methods)
    return head + (body or "    pass\n")


def _random_module(rng: random.Random, i: int) -> str:
    imports = "from app.m0 import Base\nimport app.m1\n\n\n" if i > 1 else ""
    bases = ["Base", "app.m1.Store"] if i > 1 else []
    names = rng.sample(_NAMES, 3)
    return imports + "\n\n".join(_random_class(rng, f"{n}{rng.choice(['', str(i)])}", bases) for n in names)


def _generated_project_edits(
    tmp_path: Path,
    rng: random.Random,
    module: Callable[[int], str],
    edit: Callable[[str], str],
    count: int = 12,
) -> None:
    """A generated project (``module(i)`` for app/m2.py onwards, beside a base class and a
    store), then rounds of ``edit`` on two files, each checked against a fresh run."""
    files = {"app/__init__.py": "", "app/m0.py": "class Base:\n    def run(self):\n        return 0\n",
             "app/m1.py": "class Store:\n" + FOUR}
    files.update({f"app/m{i}.py": module(i) for i in range(2, count)})
    root = write_project(tmp_path / "p", files, "[tool.ssotlint.duplicates]\nmin-methods = 2\n")
    check(root, use_cache=True)
    paths = sorted((root / "app").glob("m*.py"))[2:]
    for _ in range(6):
        edited = rng.sample(paths, 2)
        for path in edited:
            path.write_text(edit(path.read_text()))
        _agrees(root, tuple(edited))
    _agrees(root)


@pytest.mark.parametrize("seed", range(8))
def test_random_class_changes_in_a_class_heavy_project(seed: int, tmp_path: Path) -> None:
    """Many look-alike classes (shared names, shared methods, common bases): edits that
    add, change and drop classes, checked against a fresh run after each."""
    rng = random.Random(seed)

    def edit(text: str) -> str:
        roll = rng.random()
        if roll < 0.25 and "\nclass " in text:
            return text[: text.rindex("\nclass ")] + "\n"  # drop the last class
        if roll < 0.6:
            return text + f"\n    def {rng.choice(_METHODS)}(self):\n        return 2\n"  # into the last class
        return text + "\n\n" + _random_class(rng, rng.choice(_NAMES), ["Base", "app.m1.Store"])

    _generated_project_edits(tmp_path, rng, lambda i: _random_module(rng, i), edit)


def _tangled_module(rng: random.Random, i: int, count: int) -> str:
    """Star imports and aliases in cycles, classes whose bases resolve through them."""
    stars = "".join(f"from app.m{j} import *\n" for j in rng.sample(range(2, count), 2) if j != i)
    names = rng.sample(_NAMES, 3)
    aliases = "".join(f"{n}Alias = {rng.choice(_NAMES)}\n" for n in names[:2])
    bases = [f"{n}Alias" for n in _NAMES[:4]] + ["Base"]
    classes = "\n\n".join(_random_class(rng, f"{n}{rng.choice(['', str(i)])}", bases) for n in names)
    return "from app.m0 import Base\n" + stars + "\n\n" + classes + "\n\n" + aliases


@pytest.mark.parametrize("seed", range(8))
def test_random_class_changes_through_cycles_of_bindings(seed: int, tmp_path: Path) -> None:
    """Bases that resolve through star imports and aliases that import each other (the
    answers of such lookups depend on their order): edits checked against a fresh run."""
    rng = random.Random(seed)

    def edit(text: str) -> str:
        if rng.random() < 0.5:
            return text + f"\n\nclass Extra{rng.randint(0, 99)}(StoreAlias):\n    def {rng.choice(_METHODS)}(self):\n        return 3\n"
        line_end = text.index("\n", text.index("\nclass ") + 1)  # a method for the first class
        return text[: line_end + 1] + f"    def {rng.choice(_METHODS)}_x(self):\n        return 2\n" + text[line_end + 1 :]

    _generated_project_edits(tmp_path, rng, lambda i: _tangled_module(rng, i, 10), edit, count=10)


def _blob_digests(root: Path, name: str) -> dict[str, bytes]:
    config = load_config(root)
    saved = FactsCache(root / config.cache_dir, config.extraction_key()).load_blob(name)
    return saved[1]  # type: ignore[no-any-return]


def test_the_states_follow_the_files_across_reuses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _project(tmp_path)
    check(root, use_cache=True)
    for i, rel in enumerate(["app/a.py", "app/c.py", "app/d.py", "app/c.py"]):
        _insert(root / rel, i, "\n" * (i + 1))
        result, calls = _hook(root, monkeypatch, rel)
        assert calls == []
        # Every family's state now describes the current files: the facts of the files'
        # earlier versions are not kept for long, and the next change is compared with these.
        files = result.index.files
        assert isinstance(files, engine.FactsTable)
        assert all(_blob_digests(root, name) == files.digests for name in ("duplicates", "cycles", "events", "meta"))
