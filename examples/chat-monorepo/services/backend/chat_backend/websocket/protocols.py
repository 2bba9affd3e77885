"""The interface every WebSocket manager offers, and a start-up check of it."""

from __future__ import annotations

from typing import Protocol


class WebSocketManagerProtocol(Protocol):
    async def connect(self, user_id: str, websocket: object) -> None: ...

    async def disconnect(self, user_id: str) -> None: ...

    async def send_to_user(self, user_id: str, message: dict) -> None: ...

    async def broadcast(self, message: dict) -> None: ...


class WebSocketManagerProtocolValidator:
    """Checks at start-up that a manager offers every method of the protocol."""

    REQUIRED = ("connect", "disconnect", "send_to_user", "broadcast")

    def validate(self, manager: object) -> list[str]:
        return [name for name in self.REQUIRED if not callable(getattr(manager, name, None))]
