"""Retention periods come from the environment, with the documented defaults; nonsense
stops the server from starting rather than purging on a wrong period."""

import json

import pytest

from tests.test_settings import run

PRINT_RETENTION = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps(s.RETENTION))"
)


def test_defaults_are_the_documented_periods():
    result = run(PRINT_RETENTION)

    assert json.loads(result.stdout) == {
        "chat_messages": 365,
        "rsvp_needs": 30,
        "talk_requests": 365,
        "support_conversations": 365,
        "notifications": 90,
        "queue_items": 730,
        "join_requests": 90,
        "invitations": 30,
        "push_failing": 30,
    }


def test_each_period_is_set_by_its_variable():
    result = run(PRINT_RETENTION, RETENTION_CHAT_MESSAGES_DAYS="180", RETENTION_RSVP_NEEDS_DAYS="7")

    periods = json.loads(result.stdout)
    assert (periods["chat_messages"], periods["rsvp_needs"]) == (180, 7)


@pytest.mark.parametrize("value", ["0", "-1", "36501", "ett år", "1.5", ""])
def test_a_period_that_is_not_1_to_36500_days_stops_the_start(value):
    result = run(PRINT_RETENTION, RETENTION_NOTIFICATIONS_DAYS=value)

    assert result.returncode != 0
    assert result.stdout == ""
