"""The libcst codemods on single modules: exact text in, exact text out."""

from __future__ import annotations

import libcst as cst
import pytest

from ssotlint.fix.codemods import ImportPlan, remove_alias, rewrite_imports

REWRITES = {
    ("app.ws.compat", "WebSocketManager"): ("app.ws.unified_manager", "UnifiedWebSocketManager"),
    ("app.ws", "WebSocketManager"): ("app.ws.unified_manager", "UnifiedWebSocketManager"),
}
NEW = "from app.ws.unified_manager import UnifiedWebSocketManager"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        # Nothing in the file uses the old name: the file binds the canonical name.
        ("from app.ws.compat import WebSocketManager\n", f"{NEW}\n"),
        # The file uses it: the local name stays.
        (
            "from app.ws.compat import WebSocketManager\n\nm = WebSocketManager()\n",
            f"{NEW} as WebSocketManager\n\nm = WebSocketManager()\n",
        ),
        (
            "from app.ws.compat import WebSocketManager\n\ndef f() -> 'WebSocketManager': ...\n",
            f"{NEW} as WebSocketManager\n\ndef f() -> 'WebSocketManager': ...\n",
        ),
        ("from app.ws.compat import WebSocketManager as M, other\n", f"from app.ws.compat import other\n{NEW}\n"),
        (
            "from app.ws.compat import UnifiedWebSocketManager, WebSocketManager as UnifiedWebSocketManager\n",
            f"from app.ws.compat import UnifiedWebSocketManager\n{NEW}\n",
        ),
        # Another binding of the canonical name: the local name stays, nothing is shadowed.
        (
            "from other import UnifiedWebSocketManager\nfrom app.ws.compat import WebSocketManager\n",
            f"from other import UnifiedWebSocketManager\n{NEW} as WebSocketManager\n",
        ),
        (
            "import os; from app.ws.compat import WebSocketManager  # one line\n",
            f"import os; {NEW}  # one line\n",
        ),
        (
            "def f():\n    # deferred\n    from .compat import WebSocketManager\n    return WebSocketManager\n",
            "def f():\n    # deferred\n    from .unified_manager import UnifiedWebSocketManager as WebSocketManager\n    return WebSocketManager\n",
        ),
        # A relative import stays relative.
        ("from ..ws.compat import WebSocketManager\n", "from .unified_manager import UnifiedWebSocketManager\n"),
        ("from . import compat, WebSocketManager\n", "from . import compat\nfrom .unified_manager import UnifiedWebSocketManager\n"),
        ("from app.ws.compat import *\n", "from app.ws.compat import *\n"),
        ("from app.ws.other import WebSocketManager\n", "from app.ws.other import WebSocketManager\n"),
        # Joined to an import from the same module, in name order when it was sorted.
        (
            "from app.ws.compat import WebSocketManager\nfrom app.ws.unified_manager import Helper, make\n\nWebSocketManager()\n",
            "from app.ws.unified_manager import Helper, UnifiedWebSocketManager as WebSocketManager, make\n\nWebSocketManager()\n",
        ),
        (
            "from app.ws.unified_manager import (\n    Helper,  # h\n    make,  # m\n)\nfrom app.ws.compat import WebSocketManager  # old\n",
            "from app.ws.unified_manager import (\n    Helper,  # h\n    UnifiedWebSocketManager,\n    make,  # m\n)  # old\n",
        ),
        (f"{NEW}\nfrom app.ws.compat import WebSocketManager\n", f"{NEW}\n"),
        # Never joined to a later import with code in between that may use the name.
        (
            "from app.ws.compat import WebSocketManager\nm = WebSocketManager()\nfrom app.ws.unified_manager import Helper\n",
            f"{NEW} as WebSocketManager\nm = WebSocketManager()\nfrom app.ws.unified_manager import Helper\n",
        ),
        # An isort-sorted block stays sorted; the first line's comments stay first.
        (
            '"""Doc."""\n\n# ours\nfrom app.ws.compat import WebSocketManager\nfrom app.ws.handlers import g\nfrom app.ws.helpers import h\n\nx = 1\n',
            f'"""Doc."""\n\n# ours\nfrom app.ws.handlers import g\nfrom app.ws.helpers import h\n{NEW}\n\nx = 1\n',
        ),
        (
            "import os\nfrom app.a import x\nfrom app.ws.compat import WebSocketManager\nfrom app.zeta import y\n",
            f"import os\nfrom app.a import x\n{NEW}\nfrom app.zeta import y\n",
        ),
        # A block that was not sorted keeps its order.
        (
            "from app.zeta import y\nfrom app.ws.compat import WebSocketManager\nfrom app.a import x\n",
            f"from app.zeta import y\n{NEW}\nfrom app.a import x\n",
        ),
    ],
)
def test_rewrite_imports(before: str, after: str) -> None:
    module, _ = rewrite_imports(cst.parse_module(before), ImportPlan("app.ws", REWRITES))
    assert module.code == after


def test_a_joined_import_too_long_for_one_line_takes_one_name_per_line() -> None:
    rewrites = {
        ("app.ws.compat", "WebSocketManager"): ("app.ws.unified_manager", "UnifiedWebSocketManager"),
        ("app.ws.migration", "ConnectionMigrationAdapter"): ("app.ws.unified_manager", "UnifiedWebSocketManager"),
    }
    source = (
        "from app.ws.compat import WebSocketManager\nfrom app.ws.migration import ConnectionMigrationAdapter\n\n"
        "WebSocketManager(), ConnectionMigrationAdapter()\n"
    )
    module, _ = rewrite_imports(cst.parse_module(source), ImportPlan("app.ws", rewrites))
    assert module.code == (
        "from app.ws.unified_manager import (\n"
        "    UnifiedWebSocketManager as WebSocketManager,\n"
        "    UnifiedWebSocketManager as ConnectionMigrationAdapter,\n"
        ")\n\nWebSocketManager(), ConnectionMigrationAdapter()\n"
    )


def test_a_name_other_modules_import_keeps_its_binding() -> None:
    module, _ = rewrite_imports(
        cst.parse_module("from app.ws.compat import WebSocketManager\n"),
        ImportPlan("app.ws", REWRITES, exported=frozenset({"WebSocketManager"})),
    )
    assert module.code == f"{NEW} as WebSocketManager\n"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (
            "from x import Canonical\n\n# old name\nAlias = Canonical\n\n__all__ = ('Canonical', 'Alias')\n",
            "from x import Canonical\n\n__all__ = ('Canonical',)\n",
        ),
        ("from x import Canonical\n\nAlias: type = Canonical\nY = 1\n", "from x import Canonical\n\nY = 1\n"),
        ("from x import Canonical as Alias, other\n", "from x import other\n"),
        ('from x import Canonical\n\n\nclass Alias(Canonical):\n    """Old name."""\n\n\nY = 1\n', "from x import Canonical\n\n\nY = 1\n"),
        # A comment heading a group of lines stays with the rest of the group.
        (
            "from x import C\n\n# --- old names ---\nAlias = C\nOther = C\n",
            "from x import C\n\n# --- old names ---\nOther = C\n",
        ),
        # A comment set apart by a blank line is not the alias's.
        (
            "from x import C\n\n# Section\n\nAlias = C\n\nY = 1\n",
            "from x import C\n\n# Section\n\nY = 1\n",
        ),
        # `__all__` comments stay on their entries.
        (
            'Alias = C\n__all__ = [\n    "A",  # a\n    "Alias",  # alias\n    # about B\n    "B",  # b\n]\n',
            '__all__ = [\n    "A",  # a\n    # about B\n    "B",  # b\n]\n',
        ),
        (
            'Alias = C\n__all__ = [\n    "A",  # a\n    "Alias",  # alias\n]\n',
            '__all__ = [\n    "A",  # a\n]\n',
        ),
        ('Alias = C\n__all__ = ["Alias", "A"]\n', '__all__ = ["A"]\n'),
    ],
)
def test_remove_alias(before: str, after: str) -> None:
    module = remove_alias(cst.parse_module(before), "Alias")
    assert module is not None
    assert module.code == after


@pytest.mark.parametrize(
    "source",
    [
        "from x import Canonical\n\nAlias = Canonical\n\ndef make():\n    return Alias()\n",  # still used here
        "from x import Canonical\n\n\nclass Alias(Canonical):\n    def extra(self):\n        pass\n",  # adds behaviour
        "Alias = make_alias()\n",  # not a plain alias
    ],
)
def test_alias_that_is_not_removable(source: str) -> None:
    assert remove_alias(cst.parse_module(source), "Alias") is None
