"""Creates the process-wide WebSocket manager."""

from chat_backend.websocket.unified_manager import UnifiedWebSocketManager

_manager: UnifiedWebSocketManager | None = None


def get_websocket_manager() -> UnifiedWebSocketManager:
    global _manager
    if _manager is None:
        _manager = UnifiedWebSocketManager()
    return _manager
