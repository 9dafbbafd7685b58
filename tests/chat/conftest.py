"""Fixtures the chat tests share."""

import pytest


@pytest.fixture(params=["member", "moderator", "coordinator", "admin_user"])
def person(request):
    """Each role in turn: a member, a moderator, a coordinator and an admin."""
    return request.getfixturevalue(request.param)
