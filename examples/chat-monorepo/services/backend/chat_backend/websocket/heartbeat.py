"""Pings idle sockets and drops the ones that stop answering."""

from __future__ import annotations

HEARTBEAT_TIMEOUT = 30  # seconds without a pong before a socket is dropped


class HeartbeatManager:
    """Manages heartbeats, not connections: a different concept from the WebSocket managers."""

    def __init__(self, interval: float = 10.0) -> None:
        self.interval = interval
        self.last_pong: dict[str, float] = {}

    def record_pong(self, user_id: str, when: float) -> None:
        self.last_pong[user_id] = when

    def expired(self, now: float) -> list[str]:
        return [u for u, t in self.last_pong.items() if now - t > HEARTBEAT_TIMEOUT]
