"""The first WebSocket manager, from before the unified one. Still used by older routes."""

from __future__ import annotations

import time

HEARTBEAT_TIMEOUT = 60  # seconds without a pong before a socket is dropped


class WebSocketManager:
    """Legacy connection registry (kept while routes migrate)."""

    def __init__(self) -> None:
        self.active: dict[str, object] = {}
        self.last_seen: dict[str, float] = {}

    async def connect(self, user_id: str, websocket: object) -> None:
        self.active[user_id] = websocket
        self.last_seen[user_id] = time.monotonic()

    async def disconnect(self, user_id: str) -> None:
        if user_id in self.active:
            del self.active[user_id]

    async def send_to_user(self, user_id: str, message: dict) -> None:
        await self.active[user_id].send_json(message)  # type: ignore[attr-defined]

    async def broadcast(self, message: dict) -> None:
        for socket in self.active.values():
            await socket.send_json(message)  # type: ignore[attr-defined]

    def stale_connections(self) -> list[str]:
        now = time.monotonic()
        return [u for u, seen in self.last_seen.items() if now - seen > HEARTBEAT_TIMEOUT]
