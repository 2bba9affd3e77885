from chat_backend.websocket import UnifiedWebSocketManager


def test_manager_starts_empty():
    assert UnifiedWebSocketManager().connections == {}
