"""Access tokens."""

from __future__ import annotations

from auth_service.users import User
from shared.config import settings


class Token:
    def __init__(self, user: User, value: str) -> None:
        self.user = user
        self.value = value
        self.ttl = settings["token_ttl"]
