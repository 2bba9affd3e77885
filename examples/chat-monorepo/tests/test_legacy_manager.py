from chat_backend.websocket.manager import WebSocketManager


class MockWebSocketManager:
    """A test double: records what would have been sent."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, dict]] = []

    async def connect(self, user_id: str, websocket: object) -> None:
        pass

    async def disconnect(self, user_id: str) -> None:
        pass

    async def send_to_user(self, user_id: str, message: dict) -> None:
        self.sent.append((user_id, message))

    async def broadcast(self, message: dict) -> None:
        self.sent.append(("*", message))


def test_legacy_manager_starts_empty():
    assert WebSocketManager().active == {}
