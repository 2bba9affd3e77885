"""Chat routes written before the unified manager existed."""

from chat_backend.websocket.manager import WebSocketManager

manager = WebSocketManager()


async def on_connect(user_id: str, websocket: object) -> None:
    await manager.connect(user_id, websocket)
