"""Which manager implementation a deployment runs."""

from enum import Enum


class WebSocketManagerMode(str, Enum):
    UNIFIED = "unified"
    LEGACY = "legacy"
    ISOLATED = "isolated"
