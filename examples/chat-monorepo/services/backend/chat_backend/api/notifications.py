"""Pushes notifications to connected users through the old manager name."""

from chat_backend.websocket.compat import WebSocketManager
from chat_backend.websocket.migration_adapter import ConnectionMigrationAdapter

adapter = ConnectionMigrationAdapter()


async def notify(manager: WebSocketManager, user_id: str, text: str) -> None:
    await manager.send_to_user(user_id, {"type": "notification", "text": text})
