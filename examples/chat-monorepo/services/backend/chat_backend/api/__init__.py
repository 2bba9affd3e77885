"""HTTP and WebSocket routes of the chat backend."""
