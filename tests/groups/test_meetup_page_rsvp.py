import re

import pytest

pytestmark = pytest.mark.django_db


def test_rsvp_form_preselects_no_answer_for_a_first_answer(client, joined, meetup):
    client.force_login(joined)

    html = client.get(f"/traffar/{meetup.pk}/").content.decode()

    radios = re.findall(r'<input[^>]*type="radio"[^>]*name="status"[^>]*>', html)
    assert len(radios) == 2
    assert [r for r in radios if "checked" in r] == []
