"""SSOT9xx: findings about the analysis itself (unparsable files, stale suppressions)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ssotlint.diagnostics import Diagnostic, Severity, Span
from ssotlint.facts.blob import ERROR, having
from ssotlint.facts.model import FileFacts
from ssotlint.index.project import ProjectIndex
from ssotlint.rules.base import Case, Rule, RuleFamily


class SyntaxErrorRule(Rule):
    """A file that neither parser can read.

    ## What it does
    Reports a Python file that cannot be parsed or decoded, at the line of the error. Files
    using syntax newer than the Python running ssotlint (PEP 695 type parameters, PEP 701
    f-strings, ...) are still analysed: only files no supported Python version accepts are
    reported. The rest of the project is analysed as usual.

    ## Why is this bad?
    ssotlint cannot see the imports, classes or events of a file it cannot parse, so cycles
    and duplicates through that file go unnoticed. The interpreter cannot import it either.

    ## Example
    ```python
    def broken(:
        pass
    ```

    ## Use instead
    ```python
    def fixed():
        pass
    ```

    ## Options
    None. Exclude generated or deliberately broken files with `extend-exclude`, or use
    `per-file-ignores`.

    ## Known problems
    Files in an encoding Python does not know, or containing NUL bytes, are reported here too,
    and so are files of newer syntax larger than 512 KiB (they are not parsed a second time).
    Files larger than `max-file-size` (1 MiB by default) are not parsed at all: they are
    skipped with a warning, not reported here.
    """

    code = "SSOT901"
    facts_only = True
    name = "syntax-error"
    summary = "A file cannot be parsed"
    severity = Severity.ERROR
    VALID = (Case({"ok.py": "type Alias = list[int]\nx = f\"{'a' + 'b'}\"\n"}, note="newer syntax still parses"),)
    INVALID = (Case({"bad.py": "x = 1\ndef broken(:\n    pass\n"}, expected=("SSOT901 bad.py:2:12",)),)

    def check(self, index: ProjectIndex) -> Iterable[Diagnostic]:
        # Stored facts are flagged when they hold a parse error: only those are read.
        for path, facts in having(index.files, ERROR):
            err = facts.error
            if err is None:
                continue
            yield self.diagnostic(
                message=f"cannot parse file: {err.message}",
                path=path,
                span=Span.point(err.line, err.column),
                entity="syntax",
                data={"error": err.message},
            )


class UnusedSuppression(Rule):
    """A suppression that suppresses nothing.

    ## What it does
    Reports `# ssotlint: ignore[...]` comments and `[tool.ssotlint.imports] allow` entries
    that did not suppress any finding: the code they name raised nothing on that line, or the
    import edge they remove is not part of any cycle.

    ## Why is this bad?
    Stale suppressions hide future problems on the same line and mislead readers into
    thinking there is something to ignore. When a cycle is fixed, its ignore comments should go.

    ## Example
    ```python
    import json  # ssotlint: ignore[SSOT201]
    ```

    ## Use instead
    ```python
    import json
    ```

    ## Options
    None. Ignore this code itself (`ignore = ["SSOT902"]`) to keep stale suppressions.

    ## Known problems
    A suppression for a rule that is not selected in this run is not reported.
    """

    code = "SSOT902"
    facts_only = True
    name = "unused-suppression"
    summary = "An ignore comment or allow entry that suppresses nothing"
    severity = Severity.WARNING
    VALID = (
        Case(
            {"app/__init__.py": "", "app/a.py": "import app.b\n", "app/b.py": "import app.a  # ssotlint: ignore[SSOT201]\n"},
        ),
    )
    INVALID = (
        Case({"app/__init__.py": "", "app/a.py": "import json  # ssotlint: ignore[SSOT201]\n"}, expected=("SSOT902 app/a.py:1:14",)),
        Case(
            {"app/__init__.py": "", "app/a.py": "import app.b\n"},
            config='[tool.ssotlint.imports]\nallow = ["app.a -> app.b"]\n',
            expected=("SSOT902 pyproject.toml:3:1",),
        ),
    )

    def check(self, index: ProjectIndex) -> Iterable[Diagnostic]:
        # Computed by the engine after every other rule ran (see engine.apply_suppressions).
        return ()


class StaleBaselineEntry(Rule):
    """A baseline entry that no longer matches any finding.

    ## What it does
    Reports entries of the baseline file (`.ssotlint-baseline.json`, see the `baseline`
    option) whose finding is gone: the cycle was broken, the duplicate merged, the event
    fixed. The finding is anchored on the entry's line in the baseline file.

    ## Why is this bad?
    A stale entry would silently hide the same problem if it came back. Burning down a
    baseline only works when fixed findings leave it.

    ## Example
    ```json
    {"version": 1, "findings": {"3f0c...": {"code": "SSOT201", "path": "app/a.py", "count": 1}}}
    ```
    where `app/a.py` no longer takes part in an import cycle.

    ## Use instead
    Run `ssotlint baseline --prune` to drop the stale entries and commit the result.

    ## Options
    - `baseline = "path/to/file.json"`: where the baseline lives (default
      `.ssotlint-baseline.json` in the project root).

    ## Known problems
    Entries of rules that are not selected in the current run, and entries for files outside
    the paths being checked, are not reported.
    """

    code = "SSOT903"
    facts_only = True
    name = "stale-baseline-entry"
    summary = "A baseline entry whose finding is gone"
    severity = Severity.WARNING
    VALID = (Case({"app/__init__.py": "", "app/a.py": "import app.b\n", "app/b.py": "import app.a\n"}),)
    INVALID = (
        Case(
            {"app/__init__.py": "", "app/a.py": "import json\n"},
            extra_files={
                ".ssotlint-baseline.json": (
                    '{\n  "version": 1,\n  "findings": {\n'
                    '    "0123456789abcdef0123": {"code": "SSOT201", "path": "app/a.py", "message": "import cycle", "count": 1}\n'
                    "  }\n}\n"
                )
            },
            expected=("SSOT903 .ssotlint-baseline.json:4:1",),
        ),
    )

    def check(self, index: ProjectIndex) -> Iterable[Diagnostic]:
        # Computed by the engine, which knows the baseline and every other finding.
        return ()


class MetaFamily(RuleFamily):
    """SSOT901-SSOT903. Only SSOT901 reads the files (their parse errors); the engine
    works out the other two once every other family's findings are known."""

    name = "meta"
    rules = (SyntaxErrorRule, UnusedSuppression, StaleBaselineEntry)

    def reads(self, index: ProjectIndex, rel: str, facts: FileFacts, state: Any) -> Any:
        return facts.error
