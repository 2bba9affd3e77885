"""The WebSocket manager: one connection registry per process."""

from __future__ import annotations

from chat_backend.agents.bridge import AgentEventBridge
from shared.logging import get_logger

logger = get_logger(__name__)


class UnifiedWebSocketManager:
    """Single source of truth for WebSocket connections."""

    def __init__(self) -> None:
        self.connections: dict[str, object] = {}
        self.bridge = AgentEventBridge(self)

    async def connect(self, user_id: str, websocket: object) -> None:
        self.connections[user_id] = websocket

    async def disconnect(self, user_id: str) -> None:
        self.connections.pop(user_id, None)

    async def send_to_user(self, user_id: str, message: dict) -> None:
        socket = self.connections.get(user_id)
        if socket is not None:
            await socket.send_json(message)  # type: ignore[attr-defined]

    async def broadcast(self, message: dict) -> None:
        for user_id in list(self.connections):
            await self.send_to_user(user_id, message)

    def factory(self):
        # import here to avoid circular import
        from chat_backend.websocket.factory import get_websocket_manager

        return get_websocket_manager
