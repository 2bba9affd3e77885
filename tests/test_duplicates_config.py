"""Configuration of the duplicate rules: concepts, test paths, thresholds, and bad values."""

from __future__ import annotations

from pathlib import Path

import pytest

from ssotlint.config import DEFAULT_TEST_PATHS, ConceptConfig, ConfigError, load_config


def _load(tmp_path: Path, body: str):  # type: ignore[no-untyped-def]
    (tmp_path / "pyproject.toml").write_text("[tool.ssotlint]\n" + body, "utf-8")
    return load_config(tmp_path)


def test_defaults(tmp_path: Path) -> None:
    config = _load(tmp_path, "")
    assert config.concepts == ()
    assert config.test_paths == DEFAULT_TEST_PATHS
    assert (config.min_methods, config.min_similarity, config.ignore_constants) == (4, 0.7, ())


def test_valid_values(tmp_path: Path) -> None:
    config = _load(
        tmp_path,
        'test-paths = ["qa/"]\n'
        "[tool.ssotlint.duplicates]\nmin-methods = 3\nmin-similarity = 1\nignore-constants = ['VERSION', '*_NAME']\n"
        "[tool.ssotlint.concepts.ws]\n"
        'canonical = "app.ws.unified:UnifiedWebSocketManager"\n'
        'match = ["*WebSocket*Manager*"]\n'
        'factories = ["app.ws.factory:get_websocket_manager"]\n'
        "[tool.ssotlint.concepts.http]\n"
        'canonical = "lib.http:Client"\n',
    )
    assert config.test_paths == ("qa/",)
    assert (config.min_methods, config.min_similarity, config.ignore_constants) == (3, 1.0, ("VERSION", "*_NAME"))
    assert config.concepts == (
        ConceptConfig("http", "lib.http:Client", (), (), 12),
        ConceptConfig(
            "ws",
            "app.ws.unified:UnifiedWebSocketManager",
            ("*WebSocket*Manager*",),
            ("app.ws.factory:get_websocket_manager",),
            8,
        ),
    )


def test_every_bad_value_is_reported_at_once(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        _load(
            tmp_path,
            "test-paths = 'tests/'\n"
            "[tool.ssotlint.duplicates]\nmin-methods = 0\nmin-similarity = 1.5\nignore-constants = ['NOT A GLOB']\n"
            "min-method = 3\n"
            "[tool.ssotlint.concepts.ws]\n"
            'canonical = "app.ws.UnifiedWebSocketManager"\n'
            'match = "*Manager*"\n'
            'factories = ["app.ws.factory"]\n'
            "canonicle = 1\n"
            "[tool.ssotlint.concepts.empty]\n"
            'match = ["*X*"]\n',
        )
    lines = [str(p).split(": ", 1)[1] for p in info.value.problems]
    assert lines == [
        "tool.ssotlint.test-paths: expected a list of strings",
        "tool.ssotlint.duplicates.min-methods: expected a positive integer",
        "tool.ssotlint.duplicates.min-similarity: expected a number greater than 0 and at most 1",
        "tool.ssotlint.duplicates.ignore-constants: expected name globs such as '*WebSocket*Manager*', got 'NOT A GLOB'",
        "tool.ssotlint.duplicates.min-method: unknown key (did you mean 'min-methods'?)",
        "tool.ssotlint.concepts.ws.canonical: expected 'package.module:Name'",
        "tool.ssotlint.concepts.ws.match: expected a list of strings",
        "tool.ssotlint.concepts.ws.factories: expected 'package.module:function' entries, got 'app.ws.factory'",
        "tool.ssotlint.concepts.ws.canonicle: unknown key (did you mean 'canonical'?)",
        "tool.ssotlint.concepts.empty.canonical: missing required key",
    ]
    assert [p.line for p in info.value.problems][:3] == [2, 4, 5]


def test_concepts_must_be_tables(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        _load(tmp_path, "concepts = 1\n")
    assert "tool.ssotlint.concepts: expected a table of tables" in str(info.value)
    with pytest.raises(ConfigError) as info:
        _load(tmp_path, "[tool.ssotlint.concepts]\nws = 1\n")
    assert "tool.ssotlint.concepts.ws: expected a table" in str(info.value)
