"""Bounded time and memory on hostile input: each limit with its message, exit code and cost.

The hostile files are generated here, at test time. Costs are measured on a fresh CLI
process (CPU seconds, which load on the machine hardly changes, and peak resident memory);
before these limits the same inputs took 40 s to 600 s and up to 4 GB.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from ssotlint.config import MAX_SETTING_LENGTH

from ..conftest import check, findings, write_project
from .conftest import clean_run, concise, measured_run

CPU_SECONDS = 6.0  # a run on a handful of small files takes about one
PEAK_MIB = 150  # the same: about 30-60 MiB

CYCLE = {"pkg/__init__.py": "", "pkg/a.py": "import pkg.b\n", "pkg/b.py": "import pkg.a\n"}


def _generated_module(size: int) -> bytes:
    """Dense generated code (dict literals): the worst case for a syntax tree's memory."""
    line = b"X_%07d = {'a': [1, 2, 'text'], 'b': (3, None), 'c': {'d': 4.5}}\n"
    count = size // len(line % 0) + 1
    return b"".join(line % i for i in range(count))


def test_a_huge_source_file_is_skipped_and_the_others_still_checked(tmp_path: Path) -> None:
    root = write_project(tmp_path / "proj", CYCLE)
    data = _generated_module(20 << 20)
    (root / "pkg" / "generated.py").write_bytes(data)
    warning = f"ssotlint: warning: skipping pkg/generated.py: {len(data):,} bytes, more than max-file-size (1,048,576 bytes)\n"
    for extra in (["--no-cache"], [], []):  # without cache, filling it, reading it
        run = measured_run("check", str(root), "--format", "concise", *extra, codes=(1,))
        assert concise(run.proc) == ["SSOT201 pkg/a.py:1:1"]
        assert run.proc.stderr == warning
        assert run.cpu_seconds < CPU_SECONDS, run
        assert run.peak_mib < PEAK_MIB, run


def test_max_file_size_setting(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    root = write_project(
        tmp_path / "proj",
        {**CYCLE, "pkg/big.py": "import pkg.c\n" + "x = 1\n" * 20, "pkg/c.py": "import pkg.big\n"},
        config="max-file-size = 100",
    )
    with caplog.at_level(logging.WARNING, logger="ssotlint"):
        result = check(root)
    assert findings(result) == ["SSOT201 pkg/a.py:1:1"]  # big.py's import of pkg.c is not seen
    assert sorted(result.index.files) == ["pkg/__init__.py", "pkg/a.py", "pkg/b.py", "pkg/c.py"]
    assert [r.getMessage() for r in caplog.records] == ["skipping pkg/big.py: 133 bytes, more than max-file-size (100 bytes)"]
    (root / "pyproject.toml").write_text("[tool.ssotlint]\nmax-file-size = 133\n")  # at the limit: read
    assert findings(check(root)) == ["SSOT201 pkg/a.py:1:1", "SSOT201 pkg/big.py:1:1"]


@pytest.mark.parametrize("where", ["spec", "ref"])
def test_a_huge_event_spec_is_an_error(tmp_path: Path, where: str) -> None:
    root = write_project(
        tmp_path / "proj",
        {"a.py": "send_event({'type': 'a', 'x': 1})\n"},
        config='event-spec = "events.yaml"\n[tool.ssotlint.events]\nemitters = ["send_event"]',
    )
    big = b"version: 1\nevents:\n" + b"".join(b"  event_%07d: {required: [type, x]}\n" % i for i in range(1_400_000))
    if where == "spec":
        (root / "events.yaml").write_bytes(big)
        name = "events.yaml"
    else:  # a JSON Schema whose $ref reaches a huge file
        (root / "events.yaml").write_text("$schema: x\noneOf:\n  - $ref: 'more.yaml#/events/event_0000001'\n")
        (root / "more.yaml").write_bytes(big)
        name = "more.yaml"
    assert len(big) > 50_000_000
    run = measured_run("check", str(root), "--no-cache", codes=(2,))
    assert run.proc.stdout == ""
    assert run.proc.stderr == (
        f"ssotlint: error: invalid event spec: {name}: (file): {len(big):,} bytes, more than max-file-size (1,048,576 bytes)\n"
    )
    assert run.cpu_seconds < CPU_SECONDS, run
    assert run.peak_mib < PEAK_MIB, run
    # events infer does not need the spec: it warns and goes on.
    proc = clean_run("events", "infer", str(root), codes=(0,))
    assert "ignoring the configured event spec" in proc.stderr


def test_a_huge_pattern_is_a_configuration_error(tmp_path: Path) -> None:
    pattern = "a" * (10 << 20)
    root = write_project(
        tmp_path / "proj",
        CYCLE,
        config=f'extend-exclude = ["{pattern}"]\n[tool.ssotlint.imports]\nallow = ["{"b" * (MAX_SETTING_LENGTH + 1)}"]',
    )
    run = measured_run("check", str(root), codes=(2,))
    assert run.proc.stderr.splitlines() == [
        "ssotlint: error: invalid configuration",
        f"  {root / 'pyproject.toml'}:2: tool.ssotlint.extend-exclude: a string of 10,485,760 characters; a setting holds at most 4,096",
        f"  {root / 'pyproject.toml'}: tool.ssotlint.imports: a string of 4,097 characters; a setting holds at most 4,096",
    ]
    assert run.cpu_seconds < CPU_SECONDS, run
    assert run.peak_mib < PEAK_MIB, run
    # The longest pattern allowed costs nothing to speak of.
    (root / "pyproject.toml").write_text(f'[tool.ssotlint]\nextend-exclude = ["{"a" * MAX_SETTING_LENGTH}"]\n')
    assert concise(clean_run("check", str(root), "--format", "concise", codes=(1,))) == ["SSOT201 pkg/a.py:1:1"]


@pytest.mark.parametrize(
    ("length", "warning"),
    [
        (1_000_000, "ignoring pkg/.gitignore line 2: a pattern of 1,000,000 characters, more than 4,096"),
        (10 << 20, "ignoring pkg/.gitignore: 10,485,768 bytes, more than max-file-size (1,048,576 bytes)"),
    ],
    ids=["long-line", "huge-file"],
)
def test_a_huge_gitignore_pattern_is_ignored_with_a_warning(tmp_path: Path, length: int, warning: str) -> None:
    root = write_project(tmp_path / "proj", {**CYCLE, "pkg/gen.py": "import pkg.a\n"})
    (root / "pkg" / ".gitignore").write_text("gen.py\n" + "a" * length + "\n")
    run = measured_run("check", str(root), "--format", "concise", codes=(1,))
    assert concise(run.proc) == ["SSOT201 pkg/a.py:1:1"]
    assert run.proc.stderr == f"ssotlint: warning: {warning}\n"
    assert run.cpu_seconds < CPU_SECONDS, run


def test_a_gitignore_larger_than_max_file_size_is_ignored_with_a_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    root = write_project(tmp_path / "proj", {**CYCLE, "pkg/gen.py": "import pkg.a\n"}, config="max-file-size = 100")
    (root / "pkg" / ".gitignore").write_text("gen.py\n" + "# padding\n" * 10)
    with caplog.at_level(logging.WARNING, logger="ssotlint"):
        result = check(root)
    assert [r.getMessage() for r in caplog.records] == ["ignoring pkg/.gitignore: 107 bytes, more than max-file-size (100 bytes)"]
    assert findings(result) == ["SSOT201 pkg/a.py:1:1"]
    assert "pkg/gen.py" in result.index.files  # not ignored any more


@pytest.mark.parametrize(
    "nested",
    [
        'src = ' + "[" * 1000 + "]" * 1000,
        "src = " + "{a = " * 1000 + "1" + "}" * 1000,
        '[tool.other]\nx = ' + "[" * 1000 + "]" * 1000,  # another tool's table: the file is unreadable
    ],
    ids=["arrays", "inline-tables", "other-tool"],
)
def test_deeply_nested_pyproject_is_a_configuration_error(tmp_path: Path, nested: str) -> None:
    root = write_project(tmp_path / "proj", CYCLE, config=nested)
    run = measured_run("check", str(root), codes=(2,))
    assert run.proc.stderr == (
        "ssotlint: error: invalid configuration\n"
        f"  {root / 'pyproject.toml'}: (toml): invalid TOML: arrays or inline tables nested too deeply to read\n"
    )
    assert run.cpu_seconds < CPU_SECONDS, run


def test_nesting_the_toml_parser_reads_is_a_wrong_type(tmp_path: Path) -> None:
    root = write_project(tmp_path / "proj", CYCLE, config="src = " + "[" * 150 + "]" * 150)
    proc = clean_run("check", str(root), codes=(2,))
    assert proc.stderr == (
        "ssotlint: error: invalid configuration\n"
        f"  {root / 'pyproject.toml'}:2: tool.ssotlint.src: expected a list of strings\n"
    )


def test_newer_syntax_is_parsed_again_up_to_512_kib(monkeypatch: pytest.MonkeyPatch) -> None:
    """libcst's parser needs twice the memory of the interpreter's: it gets smaller files only."""
    import ssotlint.facts.parse
    from ssotlint.facts.extract import extract

    newer = b"type Alias = list[int]\n"  # PEP 695: newer than the interpreter running the tests
    small = extract(b"x = 1\n" * 1000 + newer)
    if small.error is None and not small.downgraded:
        pytest.skip("the interpreter reads PEP 695 itself")
    assert small.error is None and small.downgraded
    calls: list[int] = []
    original = ssotlint.facts.parse._parse_newer_syntax
    monkeypatch.setattr(ssotlint.facts.parse, "_parse_newer_syntax", lambda text: calls.append(len(text)) or original(text))
    big = extract(b"x = 1\n" * 90_000 + newer)  # 540,023 bytes
    assert big.error is not None and big.error.line == 90_001
    assert calls == []
