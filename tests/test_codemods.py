"""The libcst codemods on single modules: exact text in, exact text out."""

from __future__ import annotations

import libcst as cst
import pytest

from ssotlint.fix.codemods import remove_alias, rewrite_imports

REWRITES = {("app.ws.compat", "WebSocketManager"): ("app.ws.unified_manager", "UnifiedWebSocketManager")}


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (
            "from app.ws.compat import WebSocketManager\n",
            "from app.ws.unified_manager import UnifiedWebSocketManager as WebSocketManager\n",
        ),
        (
            "from app.ws.compat import WebSocketManager as M, other\n",
            "from app.ws.compat import other\nfrom app.ws.unified_manager import UnifiedWebSocketManager as M\n",
        ),
        (
            "from app.ws.compat import UnifiedWebSocketManager, WebSocketManager as UnifiedWebSocketManager\n",
            "from app.ws.compat import UnifiedWebSocketManager\nfrom app.ws.unified_manager import UnifiedWebSocketManager\n",
        ),
        (
            "import os; from app.ws.compat import WebSocketManager  # one line\n",
            "import os; from app.ws.unified_manager import UnifiedWebSocketManager as WebSocketManager  # one line\n",
        ),
        (
            "def f():\n    # deferred\n    from .compat import WebSocketManager\n    return WebSocketManager\n",
            "def f():\n    # deferred\n    from app.ws.unified_manager import UnifiedWebSocketManager as WebSocketManager\n    return WebSocketManager\n",
        ),
        ("from app.ws.compat import *\n", "from app.ws.compat import *\n"),
        ("from app.ws.other import WebSocketManager\n", "from app.ws.other import WebSocketManager\n"),
    ],
)
def test_rewrite_imports(before: str, after: str) -> None:
    module, _ = rewrite_imports(cst.parse_module(before), "app.ws", REWRITES)
    assert module.code == after


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
