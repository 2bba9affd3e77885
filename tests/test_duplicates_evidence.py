"""Duplicate detection on real-code shapes: the false-positive families stay silent, the
copies and the maintainers' own deprecation markers are found (exact findings)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ssotlint.facts.extract import extract

from .conftest import check, findings, write_project

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize(
    "name",
    [
        "duplicates-fp-nonproduction",  # examples, docs, project templates, migrations, settings
        "duplicates-fp-plugins",  # parallel implementations of one plugin interface, a null object
        "duplicates-fp-constants",  # per-integration defaults, messages, banners, prompts
        "duplicates-fp-proxies",  # AsyncSession / scoped_session mirroring Session
        "duplicates-fp-testing",  # a testing/ package, tests/, a Django tests.py
        "duplicates-fp-generic-names",  # Slot, ConnectionParams, sync/async NoLock, a pydantic hook
    ],
)
def test_false_positive_families_stay_silent(name: str) -> None:
    assert findings(check(FIXTURES / name, select=("SSOT1",))) == []


def test_plugin_copies_are_found_through_their_private_hooks() -> None:
    result = check(FIXTURES / "duplicates-recall-plugins", select=("SSOT1",))
    assert findings(result) == [
        "SSOT101 libs/community/community/chat_models.py:4:7",
        "SSOT101 libs/community/community/tokens.py:1:7",
    ]
    chat, tokens = result.diagnostics
    # Both subclass the framework base; the copy in acme drifted (a default, an option,
    # a method added) and is imported, so it is canonical.
    assert chat.data["canonical"] == "acme.chat:ChatAcme"
    assert chat.data["joined_by"] == "same name"
    assert chat.data["body_similarity"] == 0.88
    assert chat.message == (
        "ChatAcme duplicates acme.chat:ChatAcme, the canonical ChatAcme "
        "(88% of its code in common; ChatAcme is imported by 0 modules)"
    )
    assert (chat.span.column, chat.span.end_column) == (7, 15)
    # a one-method interface is compared too
    assert tokens.data["canonical"] == "acme.tokens:TokenEscaper"


def test_deprecation_markers_name_the_canonical_class() -> None:
    result = check(FIXTURES / "duplicates-recall-deprecated", select=("SSOT1",))
    assert findings(result) == [
        "SSOT101 libs/community/community/loaders.py:4:7",
        "SSOT101 libs/community/community/loaders.py:13:7",
        "SSOT102 libs/community/community/sql.py:10:7",
        "SSOT101 libs/community/community/vectorstores.py:6:7",
    ]
    by_line = {(d.path.rpartition("/")[2], d.line): d for d in result.diagnostics}
    # @deprecated(alternative_import=...) into another distribution, re-exported by its package
    qdrant = by_line["vectorstores.py", 6].data
    assert (qdrant["canonical"], qdrant["deprecated"], qdrant["joined_by"]) == (
        "qdrant.store:QdrantVectorStore",
        "qdrant.QdrantVectorStore",
        "deprecation marker",
    )
    # warnings.warn(..., DeprecationWarning) in __init__, and a "Deprecated: use X" docstring
    assert by_line["loaders.py", 4].data["canonical"] == "community.files:FileLoader"
    assert by_line["loaders.py", 13].data["deprecated"] == "FileLoader"
    # a deprecated empty subclass in the canonical class's own module is an alias
    assert by_line["sql.py", 10].data["target"] == "community.sql:QuerySQLDatabaseTool"


def test_a_deprecated_class_is_never_canonical(tmp_path: Path) -> None:
    body = "    def run(self, query):\n        rows = self.db.execute(query)\n        self.log(rows)\n        return list(rows)\n"
    root = write_project(
        tmp_path / "p",
        {
            "app/__init__.py": "",
            "app/old.py": "import warnings\n\nwarnings.warn('app.old is deprecated', DeprecationWarning)\n\n\nclass Runner:\n" + body,
            "app/new.py": "class Runner:\n" + body,
            "app/a.py": "from app.old import Runner\n",
            "app/b.py": "from app.old import Runner\n",
        },
    )
    (finding,) = check(root, select=("SSOT101",)).diagnostics
    # the old module is imported more, but its module-level warning marks it superseded
    assert (finding.path, finding.data["canonical"]) == ("app/old.py", "app.new:Runner")


def test_facts_of_deprecation_markers_and_shapes() -> None:
    facts = extract(
        b"import warnings\n"
        b"from typing_extensions import deprecated\n\n"
        b"@deprecated('use new.Thing', category=DeprecationWarning)\n"
        b"class  Old(Base[str, bytes]):\n"
        b"    def _hook(self, x, timeout=3):\n"
        b"        y = self.client.call(x, timeout=timeout)\n"
        b"        return y\n\n"
        b"class Quiet:\n"
        b"    def __init__(self, arg=None):\n"
        b"        if arg is not None:\n"
        b"            warnings.warn('arg is deprecated, use Other instead', DeprecationWarning)\n\n"
        b"ByteStore = Base[str, bytes]\n"
        b"TIMEOUT = 30  # seconds   before giving up\n"
    )
    old, quiet = facts.classes
    assert (old.deprecated, old.name_column, old.subscripted_bases, len(old.shape)) == ("new.Thing", 8, (0,), 2)
    assert quiet.deprecated is None  # the warning is about an argument, not the class
    (alias,) = facts.aliases
    assert (alias.name, alias.target, alias.subscripted) == ("ByteStore", "Base", True)
    assert facts.constants[0].comment == "seconds before giving up"
    same = extract(b"class Old:\n    def _hook(self, x):\n        y = self.client.call(x)\n        return y\n").classes[0]
    assert same.shape == old.shape  # keyword arguments left out: a drifted call still matches


def test_non_production_paths_are_configurable(tmp_path: Path) -> None:
    files = {
        "app/__init__.py": "",
        "app/a.py": "TIMEOUT = 30  # seconds\n",
        "samples/b.py": "TIMEOUT = 60  # seconds\n",
    }
    assert findings(check(write_project(tmp_path / "default", files), select=("SSOT104",))) == []
    config = 'non-production-paths = ["docs/"]\n'
    assert findings(check(write_project(tmp_path / "custom", files, config), select=("SSOT104",))) == ["SSOT104 app/a.py:1:1"]
