"""Import every first-party module of a project in a fresh interpreter (our own fixture
projects only: analysed code is never imported by ssotlint itself).

Each module is imported in its own forked child of one helper interpreter, so one module's
import never hides or causes another's failure.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import check

_HELPER = r"""
import json, os, sys
paths, names = json.loads(sys.argv[1])
sys.path[:0] = paths
sys.dont_write_bytecode = True
ok = []
for name in names:
    pid = os.fork()
    if pid == 0:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        try:
            __import__(name)
        except BaseException:
            os._exit(1)
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) == 0:
        ok.append(name)
print(json.dumps(ok))
"""


def importable(root: Path) -> set[str]:
    """The first-party modules of the project at ``root`` that import without an error."""
    modules = check(root, select=("SSOT9",)).index.modules
    names = sorted(n for n in modules.by_name if "@" not in n)
    paths = [str(root / r) if r else str(root) for r in modules.roots]
    out = subprocess.run(
        [sys.executable, "-c", _HELPER, json.dumps([paths, names])],
        capture_output=True, text=True, timeout=300, cwd=root, check=True,
    )
    return set(json.loads(out.stdout))


def compiles(root: Path) -> list[str]:
    """The Python files under ``root`` that do not compile."""
    bad = []
    for path in sorted(root.rglob("*.py")):
        try:
            compile(path.read_bytes(), str(path), "exec")
        except (SyntaxError, ValueError):
            bad.append(path.relative_to(root).as_posix())
    return bad
