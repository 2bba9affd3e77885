"""Which name to import a canonical class by, and who still uses an alias.

Both read the project's facts (imports, aliases, ``__all__``) and, for uses the facts do not
record (``compat.WebSocketManager`` after ``import compat``, ``"app.ws.compat.WebSocketManager"``
in a string), the text of the files that mention the alias's name.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ssotlint.facts.model import ImportFact
from ssotlint.fix.plan import split_symbol
from ssotlint.index.project import ProjectIndex

Symbol = tuple[str, str]  # (module, name)


def public_symbol(index: ProjectIndex, target: str, concept: str) -> Symbol:
    """Where to import the class ``target`` ("mod:Class") from, by which name.

    The name the user declared as the concept's canonical, when it binds that class;
    otherwise the class's own name unless it is private; otherwise a name its module
    binds to it, one listed in ``__all__`` first, then one without a leading underscore.
    """
    module, name = split_symbol(target)
    symbols = index.symbols
    for declared in index.config.concepts:
        if declared.name != concept:
            continue
        d_module, d_name = split_symbol(declared.canonical)
        if (d_module, d_name) != (module, name) and symbols.resolve_from(d_module, d_name).symbol.key == target:
            return d_module, d_name
    if not name.startswith("_") or "." in name:
        return module, name
    info = index.modules.get(module)
    ns = symbols.namespace(module)
    if info is None or ns is None:
        return module, name
    exported = set(index.files[info.rel].dunder_all or ())
    candidates = sorted(
        n for n in {*ns.aliases, *ns.imports} if n != name and symbols.resolve_from(module, n).symbol.key == target
    )
    found = [n for n in candidates if n in exported] or [n for n in candidates if not n.startswith("_")]
    return module, found[0] if found else name


@dataclass
class ImportFacts:
    """The project's first-party imports, read once from the facts.

    ``from_sites``: (module, name) -> the files with ``from module import name`` (any scope,
    also under ``TYPE_CHECKING``; read from each statement's own names, so a submodule
    listed first does not hide the names after it). ``binders``: module -> per file, the
    local names bound to that module (``import m``, ``import m as x``, ``from pkg import m``).
    ``stars``: module -> files with ``from module import *``. ``dynamic``: module -> files
    with ``import_module("module")``.
    """

    from_sites: dict[Symbol, dict[str, list[ImportFact]]] = field(default_factory=lambda: defaultdict(dict))
    binders: dict[str, dict[str, set[str]]] = field(default_factory=lambda: defaultdict(dict))
    stars: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    dynamic: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    @classmethod
    def read(cls, index: ProjectIndex) -> ImportFacts:
        out = cls()
        modules = index.modules
        absolute = index.symbols.absolute_import
        for rel, facts in index.files.items():
            info = modules.by_rel.get(rel)
            if info is None or not facts.imports:
                continue
            for fact in facts.imports:
                base = fact.module if fact.level == 0 else absolute(info, fact)
                if not base or base.split(".", 1)[0] not in modules.top_level:
                    continue
                if fact.dynamic:
                    out.dynamic[base].add(rel)
                elif not fact.is_from:
                    bound = fact.asname or base.split(".", 1)[0]
                    for module in _self_and_ancestors(base):
                        out.binders[module].setdefault(rel, set()).add(bound if fact.asname else module)
                else:
                    for imported in fact.names:
                        if imported.name == "*":
                            out.stars[base].add(rel)
                            continue
                        out.from_sites[(base, imported.name)].setdefault(rel, []).append(fact)
                        sub = f"{base}.{imported.name}"
                        if sub in modules:
                            out.binders[sub].setdefault(rel, set()).add(imported.asname or imported.name)
        return out

    def imported(self, module: str, name: str) -> bool:
        """Whether another module imports ``name`` from ``module`` (by name or with ``*``)."""
        return bool(self.from_sites.get((module, name))) or (not name.startswith("_") and bool(self.stars.get(module)))


def _self_and_ancestors(module: str) -> Iterable[str]:
    parts = module.split(".")
    return (".".join(parts[:n]) for n in range(len(parts), 0, -1))


def text_uses(
    module: str,
    name: str,
    facts: ImportFacts,
    read: Callable[[str], str | None],
    candidates: Iterable[str],
) -> list[str]:
    """The files among ``candidates`` (files whose text mentions ``name``) that use
    ``module.name`` in a way no ``from`` import shows: an attribute of a name bound to the
    module (``compat.WebSocketManager``, ``app.ws.compat.WebSocketManager``), a string
    naming it (``"app.ws.compat.WebSocketManager"``, ``"app.ws.compat:WebSocketManager"``),
    or ``getattr(compat, "WebSocketManager")`` in a file that binds the module; in a file
    that imports the module through ``import_module``, any mention of the name."""
    last = module.rpartition(".")[2]
    word = re.escape(name)
    quoted = re.compile(rf"""['"]{word}['"]""")
    named = re.compile(rf"{re.escape(module)}\s*[.:]\s*{word}\b")
    found = []
    for rel in candidates:
        text = read(rel)
        if text is None:
            continue
        bound = {last, *facts.binders.get(module, {}).get(rel, ())}
        attribute = re.compile(rf"\b(?:{'|'.join(re.escape(b.rpartition('.')[2]) for b in sorted(bound))})\s*\.\s*{word}\b")
        if rel in facts.dynamic.get(module, ()) and re.search(rf"\b{word}\b", text):
            found.append(rel)
            continue
        binds = rel in facts.binders.get(module, {})
        if attribute.search(text) or named.search(text) or (binds and quoted.search(text)):
            found.append(rel)
    return found
