"""WebSocket layer of the chat backend.

Re-exports the manager so callers can write ``from chat_backend.websocket import ...``.
"""

from chat_backend.websocket.unified_manager import UnifiedWebSocketManager

__all__ = ["UnifiedWebSocketManager"]
