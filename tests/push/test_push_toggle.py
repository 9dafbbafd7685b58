"""The settings switch for push on this device, as the settings page includes it."""

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

pytestmark = pytest.mark.django_db


def test_the_switch_names_the_device_and_promises_neutral_text(member):
    request = RequestFactory().get("/installningar/")
    request.user = member

    with translation.override("en"):
        html = render_to_string(
            "frontend/includes/push_toggle.html", {"user": member}, request=request
        )

    assert 'data-key-url="/api/v1/push/key/"' in html
    assert 'data-subscriptions-url="/api/v1/me/push-subscriptions/"' in html
    assert f'data-person="{member.pk}"' in html
    assert "Notifications on this device" in html
    assert "You have something new in Bredvid" in html
    assert '<input type="checkbox" data-push-switch' in html
    assert 'src="/static/js/push.js"' in html
    assert " hidden" in html.strip().split(">", 1)[0]  # shown by push.js once push can work here
