"""Push fixtures for the reminders tests (the app fixtures live in tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.push_fixtures import (  # noqa: F401 - pytest finds fixtures by name
    push_service,
    push_service_process,
    second_push_service,
)
from webapp.reminders.vapid import VapidKeys, load_or_create_vapid


@pytest.fixture
def vapid_keys(tmp_path: Path) -> VapidKeys:
    return load_or_create_vapid(tmp_path / "instance", env={})
