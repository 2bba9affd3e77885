"""Shared fixtures."""

import pytest


@pytest.fixture
def recorded_events():
    from chat_backend.agents.notifier import _outbox

    return list(_outbox)
