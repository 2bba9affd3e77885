"""Map files to dotted module names through the configured source roots."""

from __future__ import annotations

import glob
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class ModuleInfo:
    name: str
    rel: str  # file path relative to the project root
    is_package: bool  # an __init__.py
    root: str  # the source root it was named from ("" = project root)


def source_roots(root: Path, patterns: Sequence[str]) -> tuple[str, ...]:
    """Relative POSIX source roots, most specific first; the project root is always last."""
    found: set[str] = set()
    if patterns:
        for pattern in patterns:
            for match in glob.glob(pattern, root_dir=root):
                if (root / match).is_dir():
                    rel = Path(match).as_posix().strip("/")
                    found.add("" if rel == "." else rel)
    elif (root / "src").is_dir():
        found.add("src")
    found.discard("")
    return (*sorted(found, key=lambda r: (-r.count("/"), r)), "")


def module_name(rel: str, roots: Sequence[str]) -> tuple[str, str] | None:
    """(module name, source root) of a file, or None when it cannot be a module."""
    for r in roots:
        if r == "" or rel.startswith(r + "/"):
            inner = rel[len(r) + 1 :] if r else rel
            parts = inner[:-3].split("/")  # strip ".py"
            if parts[-1] == "__init__":
                parts.pop()
            if not parts or not all(parts):
                return None
            return ".".join(parts), r
    return None


class ModuleTable:
    _key: bytes | None

    def key(self) -> bytes:
        """A digest of the table: which files are which modules, under which roots."""
        if self._key is None:
            h = hashlib.blake2b(repr(self.roots).encode(), digest_size=16)
            for rel, info in self.by_rel.items():
                h.update(f"\0{rel}\1{info.name}\1{info.root}".encode("utf-8", "surrogateescape"))
            self._key = h.digest()
        return self._key

    def __init__(self, rels: Iterable[str], roots: Sequence[str]) -> None:
        self.roots = tuple(roots)
        self._key = None
        self.by_name: dict[str, ModuleInfo] = {}
        self.by_rel: dict[str, ModuleInfo] = {}
        self.collisions: dict[str, list[str]] = {}
        for rel in sorted(rels):
            named = module_name(rel, self.roots)
            if named is None:
                continue
            name, src_root = named
            info = ModuleInfo(name, rel, rel.endswith("__init__.py"), src_root)
            if name in self.by_name:
                # Two files claim one module name (two services with the same package name):
                # the first source root wins the name; keep the other reachable by path.
                self.collisions.setdefault(name, [self.by_name[name].rel]).append(rel)
                info = ModuleInfo(f"{name}@{rel}", rel, info.is_package, src_root)
            self.by_name[info.name] = info
            self.by_rel[rel] = info
        self.top_level = {n.split(".", 1)[0] for n in self.by_name if "@" not in n}

    def __contains__(self, name: str) -> bool:
        return name in self.by_name

    def get(self, name: str) -> ModuleInfo | None:
        return self.by_name.get(name)
