"""Property tests on generated modules: facts extraction never raises, and facts survive the cache codec.

hypothesmith writes syntactically valid (and, from its grammar, sometimes odd) Python
modules. The default suite runs a bounded number of examples; ``bench/sweep.py --fuzz N``
runs many more.
"""

from __future__ import annotations

import marshal
import os

import hypothesmith
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ssotlint.facts.codec import decode, encode
from ssotlint.facts.extract import extract
from ssotlint.facts.model import FileFacts

EXAMPLES = int(os.environ.get("SSOTLINT_FUZZ_EXAMPLES", "40"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=EXAMPLES <= 100,  # the default suite is reproducible; long runs explore
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)


def _round_trip(source: bytes) -> None:
    facts = extract(source, ("send_event", "*.emit"))
    assert isinstance(facts, FileFacts)
    assert facts.error is None or "internal error" not in facts.error.message
    blob = marshal.dumps(encode(facts))
    assert decode(FileFacts, marshal.loads(blob)) == facts


@SETTINGS
@given(hypothesmith.from_grammar())
def test_grammar_generated_modules(source: str) -> None:
    _round_trip(source.encode("utf-8", "surrogatepass"))


@SETTINGS
@given(hypothesmith.from_node())
def test_node_generated_modules(source: str) -> None:
    _round_trip(source.encode("utf-8", "surrogatepass"))


@SETTINGS
@given(st.binary(max_size=400))
def test_arbitrary_bytes(data: bytes) -> None:
    _round_trip(data)
