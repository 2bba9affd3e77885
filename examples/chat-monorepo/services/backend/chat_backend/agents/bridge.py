"""Turns agent progress into WebSocket events."""

from __future__ import annotations

import time

from chat_backend.websocket.events import TOOL_EXECUTING


class AgentEventBridge:
    def __init__(self, manager: object) -> None:
        self.manager = manager

    async def notify_tool_executing(self, user_id: str, tool_name: str, parameters: dict) -> None:
        event = {
            "type": TOOL_EXECUTING,
            "payload": {"tool_name": tool_name, "parameters": parameters},
            "timestamp": time.time(),
        }
        await self.manager.send_to_user(user_id, event)  # type: ignore[attr-defined]
