"""pytest fixtures for the local push service; import them into a conftest or test module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.push_service import LocalPushService


@pytest.fixture(scope="session")
def push_service_process() -> Iterator[LocalPushService]:
    """One push service in its own process for the whole run."""
    with LocalPushService.start() as service:
        yield service


@pytest.fixture
def push_service(push_service_process: LocalPushService) -> LocalPushService:
    """The shared push service, emptied of subscriptions, messages and behaviour."""
    push_service_process.reset()
    return push_service_process


@pytest.fixture
def second_push_service() -> Iterator[LocalPushService]:
    """Another push service on another port, i.e. another origin, inside this process."""
    with LocalPushService.start(in_process=True) as service:
        yield service
