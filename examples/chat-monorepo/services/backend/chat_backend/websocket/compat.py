"""Old import path, kept so that code written against the legacy manager keeps working."""

from chat_backend.websocket.unified_manager import UnifiedWebSocketManager

WebSocketManager = UnifiedWebSocketManager  # backwards compatibility
