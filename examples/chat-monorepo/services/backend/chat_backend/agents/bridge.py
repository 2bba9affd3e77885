"""Turns agent progress into WebSocket events."""

from __future__ import annotations

import time

from chat_backend.websocket.events import TOOL_EXECUTING
from chat_backend.websocket.events import AGENT_STARTED, TOOL_COMPLETED, EventType


class AgentEventBridge:
    def __init__(self, manager: object) -> None:
        self.manager = manager

    async def notify_agent_started(self, user_id: str, thread_id: str, run_id: str) -> None:
        event = {
            "type": AGENT_STARTED,
            "user_id": user_id,
            "thread_id": thread_id,
            "run_id": run_id,
            "timestamp": time.time(),
        }
        await self.manager.send_to_user(user_id, event)  # type: ignore[attr-defined]

    async def notify_agent_thinking(self, user_id: str, reasoning: str) -> None:
        event: dict[str, object] = {"type": EventType.AGENT_THINKING.value}
        event["reasoning"] = reasoning
        event["timestamp"] = time.time()
        await self.manager.send_to_user(user_id, event)  # type: ignore[attr-defined]

    async def notify_tool_executing(self, user_id: str, tool_name: str, parameters: dict) -> None:
        event = {
            "type": TOOL_EXECUTING,
            "payload": {"tool_name": tool_name, "parameters": parameters},
            "timestamp": time.time(),
        }
        await self.manager.send_to_user(user_id, event)  # type: ignore[attr-defined]

    async def notify_tool_completed(self, user_id: str, tool_name: str, results: list, duration: float) -> None:
        event = {
            "type": TOOL_COMPLETED,
            "payload": {"tool_name": tool_name, "results": results, "duration": duration},
            "timestamp": time.time(),
        }
        await self.manager.send_to_user(user_id, event)  # type: ignore[attr-defined]

    async def notify_agent_completed(self, user_id: str, status: str, final_response: str) -> None:
        event = dict(type=EventType.AGENT_COMPLETED, status=status, timestamp=time.time())
        event.update(final_response=final_response)
        await self.manager.send_to_user(user_id, event)  # type: ignore[attr-defined]
