"""The project index: every file's facts plus the project-wide views built from them."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ssotlint.config import Config
from ssotlint.discovery import in_scope
from ssotlint.facts.model import FileFacts
from ssotlint.index.concepts import ConceptTable, build_concepts
from ssotlint.index.imports import EdgeMemo, ImportGraph
from ssotlint.index.modules import ModuleTable, source_roots
from ssotlint.index.symbols import SymbolTable


@dataclass
class ProjectIndex:
    config: Config
    files: Mapping[str, FileFacts]  # relative path -> facts, sorted by path
    modules: ModuleTable = field(init=False)
    #: The paths (files or folders, relative) a run reports on; None: the whole project.
    #: Rules may skip work for findings that cannot touch the focus (see :meth:`in_focus`),
    #: but must produce every finding that does: its anchor or a related location in focus.
    #: Project-wide views (imports, symbols, concepts) stay whole.
    focus: tuple[str, ...] | None = None
    #: Import edges resolved by an earlier run, reused for unchanged files (set by the engine).
    edge_store: EdgeMemo | None = None

    def __post_init__(self) -> None:
        roots = source_roots(self.config.root, self.config.src)
        self.modules = ModuleTable(self.files.keys(), roots)

    @property
    def root(self) -> Path:
        return self.config.root

    @functools.cached_property
    def imports(self) -> ImportGraph:
        digests = getattr(self.files, "digests", None)
        return ImportGraph.build(self.modules, self.files, self.edge_store, digests)

    @functools.cached_property
    def symbols(self) -> SymbolTable:
        return SymbolTable(self.config, self.modules, self.files)

    @functools.cached_property
    def concepts(self) -> ConceptTable:
        c = self.config
        return build_concepts(self.symbols, c.concepts, c.min_methods, c.min_similarity)

    def in_focus(self, path: str) -> bool:
        """Whether a finding at ``path`` is reported by this run."""
        return in_scope(path, self.focus)

    def suppressions_at(self, path: str, line: int) -> tuple[tuple[str, ...], ...]:
        """Code lists of the line-level ``ignore`` comments on ``line`` (``()`` = all codes)."""
        facts = self.files.get(path)
        if facts is None:
            return ()
        return tuple(s.codes for s in facts.suppressions if s.line == line and not s.file_level)
