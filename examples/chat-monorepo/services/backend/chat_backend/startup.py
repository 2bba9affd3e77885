"""Application start-up: builds the WebSocket manager and checks its interface."""

from __future__ import annotations

from chat_backend.websocket.modes import WebSocketManagerMode
from chat_backend.websocket.protocols import WebSocketManagerProtocolValidator
from chat_backend.websocket.unified_manager import UnifiedWebSocketManager


def create_websocket_manager(mode: WebSocketManagerMode = WebSocketManagerMode.UNIFIED) -> UnifiedWebSocketManager:
    manager = UnifiedWebSocketManager()
    missing = WebSocketManagerProtocolValidator().validate(manager)
    if missing:
        raise RuntimeError(f"WebSocket manager lacks {missing}")
    return manager
