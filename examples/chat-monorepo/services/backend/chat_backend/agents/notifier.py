"""The one helper agents use to emit progress events."""

from __future__ import annotations

from typing import Any

_outbox: list[dict[str, Any]] = []


def send_event(user_id: str, event_type: str, **fields: Any) -> None:
    _outbox.append({"user_id": user_id, "type": event_type, **fields})
