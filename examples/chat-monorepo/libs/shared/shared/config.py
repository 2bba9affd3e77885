"""Settings for every service."""

from shared.logging import get_logger

settings = {"token_ttl": 3600, "ws_heartbeat_seconds": 30}
logger = get_logger("config")
