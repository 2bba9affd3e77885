"""A generated project for `ssotlint fix`: many importers of a few compatibility aliases.

The canonical class is private (``_ManagerImplementation``) and published as ``Manager``
in ``__all__``, as the declared concept names it. Aliases live in ``app/compat/old<k>.py``
(one each) and in ``app/compat/__init__.py`` (all of them, with ``__all__``). Importers use
them every way Python allows: ``from X import a``, ``from X import submodule, a``,
``import X`` then ``X.a``, under ``TYPE_CHECKING``, and re-exported through ``__all__``.
Used by the tests and by ``bench/bench_fix.py``.
"""

from __future__ import annotations

from pathlib import Path

#: Aliases whose modules are also used as `import X` then `X.Alias`: they must stay.
ATTRIBUTE_USERS = 2

MANAGER = '''"""The one connection manager."""

__all__ = ["Manager"]


class _ManagerImplementation:
    def connect(self, user: str) -> None:
        self.user = user

    def disconnect(self, user: str) -> None:
        self.user = ""

    def send(self, user: str, message: str) -> str:
        return message

    def broadcast(self, message: str) -> int:
        return 1


Manager = _ManagerImplementation
'''


def generate(root: Path, importers: int = 200, aliases: int = 10, filler: int = 0) -> Path:
    """Write the project; ``filler`` adds modules that have nothing to do with the aliases."""
    files: dict[str, str] = {
        "pyproject.toml": '[tool.ssotlint.concepts.manager]\ncanonical = "app.core.manager:Manager"\n',
        "app/__init__.py": "",
        "app/core/__init__.py": "",
        "app/core/manager.py": MANAGER,
        "app/features/__init__.py": "",
        "app/compat/helpers.py": "def helper() -> int:\n    return 1\n",
    }
    shared = ['"""Old names of the manager."""', "", "from app.core.manager import Manager", ""]
    for k in range(aliases):
        files[f"app/compat/old{k}.py"] = (
            f'"""Old name {k}."""\n\nfrom app.core.manager import Manager\n\n'
            f"# Kept for callers that have not moved yet.\nOldManager{k} = Manager\n"
        )
        shared.append(f"SharedManager{k} = Manager  # old name {k}")
    names = ", ".join(f'"SharedManager{k}"' for k in range(aliases))
    files["app/compat/__init__.py"] = "\n".join([*shared, "", f"__all__ = [{names}]", ""])
    kept = set(range(aliases - ATTRIBUTE_USERS, aliases))
    for i in range(importers):
        k = i % aliases
        form = (i // aliases) % 5
        if form == 2 and k not in kept:
            form = 0
        body = {
            0: f"from app.compat.old{k} import OldManager{k}\n\n\ndef run() -> object:\n    return OldManager{k}()\n",
            1: f"from app.compat import helpers, SharedManager{k}\n\n\ndef run() -> object:\n    helpers.helper()\n    return SharedManager{k}()\n",
            2: f"import app.compat.old{k}\n\n\ndef run() -> object:\n    return app.compat.old{k}.OldManager{k}()\n",
            3: (
                "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n"
                f"    from app.compat.old{k} import OldManager{k}\n\n\n"
                f'def run(m: "OldManager{k}") -> object:\n    return m\n'
            ),
            4: f'from app.compat.old{k} import OldManager{k}\n\n__all__ = ["OldManager{k}"]\n',
        }[form]
        files[f"app/features/f{i:04d}.py"] = f'"""Feature {i}."""\n\n{body}'
    for i in range(filler):
        files[f"app/other/m{i:05d}.py"] = f'"""Unrelated {i}."""\n\n\ndef f{i}(x: int) -> int:\n    return x + {i}\n'
    if filler:
        files["app/other/__init__.py"] = ""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root
