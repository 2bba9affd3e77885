"""Runs an agent's tools and reports progress through the event helper."""

from __future__ import annotations

import time

from chat_backend.agents.notifier import send_event
from chat_backend.websocket.events import EventType


def run_tool(user_id: str, tool, parameters: dict) -> list:
    started = time.monotonic()
    send_event(user_id, "tool_executing", tool_name=tool.name, parameters=parameters, timestamp=time.time())
    results = tool(**parameters)
    send_event(
        user_id,
        "tool_completed",
        tool_name=tool.name,
        results=results,
        duration=time.monotonic() - started,
        timestamp=time.time(),
    )
    return results


def finish(user_id: str, answer: str) -> None:
    # A typo in the event type: no front-end handler listens for it.
    send_event(user_id, "agent_complete", status="done", final_response=answer, timestamp=time.time())
    send_event(user_id, EventType.AGENT_COMPLETED, status="done", timestamp=time.time())
