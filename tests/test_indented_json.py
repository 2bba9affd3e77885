"""The reporters' JSON writer gives exactly json.dump(indent=2, ensure_ascii=False)."""

from __future__ import annotations

import io
import json
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from ssotlint.reporters import indented_json

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(),
)
_keys = st.one_of(st.text(), st.integers(), st.booleans(), st.none(), st.floats(allow_nan=False))
_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5),
        st.lists(inner, max_size=3).map(tuple),
        st.dictionaries(_keys, inner, max_size=5),
    ),
    max_leaves=40,
)


def _both(obj: object) -> tuple[str, str]:
    ours, theirs = io.StringIO(), io.StringIO()
    indented_json.dump(obj, ours)
    json.dump(obj, theirs, indent=2, ensure_ascii=False)
    return ours.getvalue(), theirs.getvalue()


@settings(max_examples=400, deadline=None)
@given(_values)
def test_same_text_as_json_dump(obj: object) -> None:
    ours, theirs = _both(obj)
    assert ours == theirs


def test_edge_cases() -> None:
    for obj in (
        {}, [], (), "", {"a": {}}, {"a": []}, [[], {}], {"é\n\"\\\u2028": "\x00\ud800"}, -0.0, 1e300,
        math.inf, -math.inf, {1.5: 1, True: 2, None: 3, 7: 4}, 10**40,
    ):
        ours, theirs = _both(obj)
        assert ours == theirs, obj


def test_unsupported_values_fall_back_to_json() -> None:
    class Custom:
        pass

    ours = io.StringIO()
    try:
        indented_json.dump({"a": Custom()}, ours)
    except TypeError as exc:
        assert "not JSON serializable" in str(exc)
    else:
        raise AssertionError("expected json's TypeError")
    circular: list[object] = []
    circular.append(circular)
    try:
        indented_json.dump(circular, io.StringIO())
    except ValueError as exc:
        assert "Circular reference" in str(exc)
    else:
        raise AssertionError("expected json's ValueError")
