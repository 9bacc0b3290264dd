import pytest

from tests.support.factories import with_care_plan


@pytest.fixture
def world(world):
    """Here the world includes the first patient's care plan and progress."""
    return with_care_plan(world)
