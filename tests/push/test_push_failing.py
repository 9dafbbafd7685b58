"""A device whose push service keeps refusing is remembered as failing, then purged."""

from datetime import UTC, datetime, timedelta

import pytest

from moderation.services.retention import purge_expired
from push.models import PushSubscription
from tests.push.conftest import Browser
from tests.push.test_push import SUBSCRIPTIONS, _notify_personal


@pytest.mark.parametrize("status", [500, 429, 403])
def test_a_refusal_marks_it_failing_once_and_a_success_clears_it(
    member_api,
    member,
    push_settings,
    push_service,
    send_now,
    django_capture_on_commit_callbacks,
    status,
):
    member_api.post(SUBSCRIPTIONS, Browser(push_service.endpoint("a")).body, format="json")
    push_service.status = status

    _notify_personal(member, django_capture_on_commit_callbacks)
    first = PushSubscription.objects.get().failing_since
    _notify_personal(member, django_capture_on_commit_callbacks)

    assert first is not None
    assert PushSubscription.objects.get().failing_since == first  # since the first refusal

    push_service.status = 201
    _notify_personal(member, django_capture_on_commit_callbacks)

    assert PushSubscription.objects.get().failing_since is None


def test_one_failing_longer_than_its_period_is_purged_a_working_one_kept(
    member_api, member, push_settings, push_service, send_now, django_capture_on_commit_callbacks
):
    member_api.post(SUBSCRIPTIONS, Browser(push_service.endpoint("bad")).body, format="json")
    push_service.status = 500
    _notify_personal(member, django_capture_on_commit_callbacks)
    member_api.post(SUBSCRIPTIONS, Browser(push_service.endpoint("good")).body, format="json")
    days = push_settings.RETENTION["push_failing"]

    counts = purge_expired(now=datetime.now(UTC) + timedelta(days=days, minutes=1))

    assert counts["push.PushSubscription"] == 1
    assert [s.endpoint.rsplit("/", 1)[1] for s in PushSubscription.objects.all()] == ["good"]
