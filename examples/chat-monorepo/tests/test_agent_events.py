"""Mission-critical tests: the five agent events the front end depends on."""

from chat_backend.websocket.events import TOOL_COMPLETED

required_fields = {
    "agent_started": ["type", "user_id", "thread_id", "timestamp"],
    "agent_thinking": ["type", "reasoning", "timestamp"],
    "tool_executing": ["type", "tool_name", "parameters", "timestamp"],
    "tool_completed": ["type", "tool_name", "results", "duration", "timestamp"],
    "agent_completed": ["type", "status", "final_response", "timestamp"],
}


def test_every_event_has_its_fields(recorded_events):
    for event in recorded_events:
        for field in required_fields[event["type"]]:
            assert field in event, f"missing {field}"


def test_tool_events_name_the_tool(recorded_events):
    for event in recorded_events:
        if event["type"] == "tool_executing":
            assert event["tool_name"]
            assert "parameters" in event
        if event["type"] == TOOL_COMPLETED:
            assert "results" in event
            assert event.get("duration", 0) >= 0


def test_legacy_validator_accepts_nested_payload(recorded_events):
    # The validator grew support for the bridge's nested format.
    for event in recorded_events:
        if event["type"] == "tool_executing":
            assert event["payload"]["tool_name"]
            assert event["payload"].get("parameters") is not None
