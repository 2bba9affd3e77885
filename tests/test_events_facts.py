"""What the event collector records from one file."""

from __future__ import annotations

from ssotlint.facts.extract import extract
from ssotlint.facts.model import FileFacts


def facts(source: str, emitters: tuple[str, ...] = ()) -> FileFacts:
    return extract(source.encode("utf-8"), emitters)


def keys(source: str, emitters: tuple[str, ...] = ()) -> list[tuple[str, list[str], tuple[str, ...]]]:
    """(event ref value, "level.name" keys, open levels) per producer."""
    return [
        (
            p.tags[0].ref.value,
            [f"{k.level}.{k.name}" if k.level else k.name for k in p.keys],
            p.open_levels,
        )
        for p in facts(source, emitters).event_producers
    ]


def test_literal_with_nested_envelope_and_spread() -> None:
    src = 'def f(x, y):\n    return {"type": "a", "payload": {"k": x, **y}, "data": x, "t": 1}\n'
    assert keys(src) == [("a", ["type", "payload", "payload.k", "data", "t"], ("data", "payload"))]


def test_step_by_step_only_in_the_same_function() -> None:
    src = (
        "def f(x):\n"
        "    event = {}\n"
        '    event["type"] = "a"\n'
        '    event["payload"] = {"k": x}\n'
        '    event["payload"]["j"] = x\n'
        "    event.update({'u': 1}, v=2)\n"
        '    event.setdefault("w", 3)\n'
        "\n"
        "def g(event):\n"
        '    event["z"] = 1\n'
    )
    assert keys(src) == [("a", ["type", "payload", "payload.k", "payload.j", "u", "v", "w"], ())]


def test_rebinding_ends_the_draft() -> None:
    src = 'def f():\n    e = {"type": "a", "x": 1}\n    e = other()\n    e["y"] = 2\n'
    assert keys(src) == [("a", ["type", "x"], ())]


def test_enum_value_and_constants() -> None:
    src = (
        "import enum\n"
        'NAME = "agent_started"\n'
        "class Kind(str, enum.Enum):\n"
        '    A = "agent_started"\n'
        "class Other(enum.IntEnum):\n"
        "    B = 1\n"
        "class NotEnum:\n"
        '    C = "c"\n'
        '    lower = "not a constant"\n'
        "def f():\n"
        '    return {"type": Kind.A.value, "x": 1}\n'
    )
    f = facts(src)
    assert [(c.name, c.value, c.enum) for c in f.string_constants] == [
        ("NAME", "agent_started", ""),
        ("Kind.A", "agent_started", "str"),
        ("NotEnum.C", "c", ""),
    ]
    ref = f.event_producers[0].tags[0].ref
    assert (ref.kind, ref.value, ref.value_attr) == ("name", "Kind.A", True)


def test_emitter_arguments() -> None:
    src = 'def f(bus, u, m):\n    bus.send_event(u, "a", {"x": 1}, y=2)\n    send_event(event_type="b", **m)\n    other("c", z=1)\n'
    found = facts(src, ("*.send_event",)).event_producers
    assert [(p.kind, [t.ref.value for t in p.tags], [k.name for k in p.keys], p.open_levels) for p in found] == [
        ("emitter", ["u", "a"], ["x", "y"], ()),
        ("emitter", ["b"], [], ("",)),
    ]
    assert facts(src).event_producers == ()  # no emitters configured


def test_non_ascii_columns() -> None:
    src = 'def f():\n    é = {"type": "a", "ü": 1, "x": 2}\n'
    (p,) = facts(src).event_producers
    assert (p.line, p.column) == (2, 9)
    assert [(k.name, k.column) for k in p.keys] == [("type", 10), ("ü", 23), ("x", 31)]


def test_consumers() -> None:
    src = (
        'TABLE = {"a": ["type", "x", "payload.y"], "b": ("z",)}\n'
        "def f(events):\n"
        "    for e in events:\n"
        '        if e["type"] == "a" and ok:\n'
        '            e["x"]\n'
        '            e.get("w")\n'
        '            e["payload"]["y"]\n'
        '            e.get("data", {}).get("v")\n'
        '            assert "u" in e["payload"]\n'
        '            e["set"] = 1\n'
        '        e["outside"]\n'
    )
    found = facts(src).event_consumers
    assert [(c.kind, c.tag, c.event.value, [f"{k.level}.{k.name}" if k.level else k.name for k in c.keys]) for c in found] == [
        ("table", "1:9", "a", ["type", "x", "payload.y"]),
        ("table", "1:9", "b", ["z"]),
        ("read", "type", "a", ["x", "w", "payload.y", "data.v", "payload.u"]),
    ]


def test_no_event_facts_in_plain_files() -> None:
    f = facts("import os\n\ndef f(x):\n    return x + 1\n")
    assert (f.event_producers, f.event_consumers, f.string_constants) == ((), (), ())


def test_match_statement_guards() -> None:
    src = (
        "def f(event):\n"
        '    match event["type"]:\n'
        '        case "a":\n'
        '            event["x"]\n'
        "        case Kind.B:\n"
        '            event.get("y")\n'
        "        case _:\n"
        '            event["z"]\n'
    )
    found = facts(src).event_consumers
    assert [(c.event.value, [k.name for k in c.keys]) for c in found] == [("a", ["x"]), ("Kind.B", ["y"])]


def test_constants_in_files_that_cannot_hold_events() -> None:
    src = 'import enum\nA = "agent_started"\nB: str = "tool_completed"\nclass K(enum.StrEnum):\n    X = "x"\n'
    f = facts(src)
    assert [(c.name, c.value, c.enum) for c in f.string_constants] == [
        ("A", "agent_started", ""),
        ("B", "tool_completed", ""),
        ("K.X", "x", "str"),
    ]
    assert (f.event_producers, f.event_consumers) == ((), ())


def test_multi_line_statements_off_the_matched_lines() -> None:
    src = (
        "def f(bus, x):\n"
        "    bus.send_event(\n"
        '        "a",\n'
        "        x=x,\n"
        "    )\n"
        "    event = dict(\n"
        '        kind="b",\n'
        "        y=x,\n"
        "    )\n"
        '    if event["kind"] == "b":\n'
        "        print(\n"
        '            event["y"],\n'
        "        )\n"
    )
    f = facts(src, ("*.send_event",))
    assert [(p.kind, p.line, [k.name for k in p.keys]) for p in f.event_producers] == [
        ("emitter", 2, ["x"]),
        ("dict-call", 6, ["kind", "y"]),
    ]
    assert [(c.tag, c.event.value, [(k.name, k.line) for k in c.keys]) for c in f.event_consumers] == [
        ("kind", "b", [("y", 12)]),
    ]


def test_filtered_collections_and_next() -> None:
    src = (
        "def test(events):\n"
        '    started = next(e for e in events if e["type"] == "agent_started")\n'
        '    assert started["user_id"]\n'
        '    tools = [e for e in events if e.get("type") == "tool_completed"]\n'
        '    assert tools[0]["results"]\n'
        "    for t in tools:\n"
        '        assert "duration" in t\n'
        '    for e in (x for x in events if x["type"] == "agent_thinking"):\n'
        '        print(e["reasoning"])\n'
        "    for other in events:\n"
        '        other["ignored"]\n'
    )
    found = facts(src).event_consumers
    assert sorted((c.event.value, [k.name for k in c.keys]) for c in found) == [
        ("agent_started", ["user_id"]),
        ("agent_thinking", ["reasoning"]),
        ("tool_completed", ["duration"]),
        ("tool_completed", ["results"]),
    ]


def test_rebinding_ends_a_guard() -> None:
    src = (
        "def f(event, other):\n"
        '    assert event["type"] == "a"\n'
        '    event["x"]\n'
        "    event = other\n"
        '    event["y"]\n'
    )
    (c,) = facts(src).event_consumers
    assert [k.name for k in c.keys] == ["x"]


def test_event_columns_after_a_form_feed_and_non_ascii_names() -> None:
    from ssotlint.facts.extract import extract

    source = 'x = 1\n\x0c\ndef f():\n    é = 1\n    return {"type": "tool_executing", "tool_name": é}\n'
    [producer] = extract(source.encode()).event_producers
    assert (producer.line, producer.column) == (5, 12)
    assert [(k.name, k.line, k.column) for k in producer.keys] == [("type", 5, 13), ("tool_name", 5, 39)]
