"""User records."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only for annotations: no import at run time, no cycle
    from auth_service.tokens import Token


class User:
    def __init__(self, user_id: str) -> None:
        self.user_id = user_id
        self.tokens: list[Token] = []
