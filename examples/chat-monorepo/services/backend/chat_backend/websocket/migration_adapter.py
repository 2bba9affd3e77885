"""Bridges routes that still speak the legacy manager interface during the migration."""

from __future__ import annotations


class ConnectionMigrationAdapter:
    """Keeps its own registry so that legacy and unified routes can run side by side."""

    def __init__(self) -> None:
        self.sockets: dict[str, object] = {}

    async def connect(self, user_id: str, websocket: object) -> None:
        self.sockets[user_id] = websocket

    async def disconnect(self, user_id: str) -> None:
        self.sockets.pop(user_id, None)

    async def send_to_user(self, user_id: str, message: dict) -> None:
        socket = self.sockets.get(user_id)
        if socket is not None:
            await socket.send_json(message)  # type: ignore[attr-defined]

    async def broadcast(self, message: dict) -> None:
        for user_id in list(self.sockets):
            await self.send_to_user(user_id, message)
