"""A member who reads Bredvid in English meets no Swedish help text: the pages they walk
through, their crisis card's contacts and the municipality list included."""

import json
import re
from datetime import time
from html import unescape

import pytest

from community.models import StaffedHours
from moderation import starter
from moderation.models import CrisisContact, WordRule
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

# Help and form texts that exist only in Swedish; proper names (Självmordslinjen) may stay.
SWEDISH_ONLY = ["Dygnet runt", "Måndag", "måndag", "Annan / utanför Sverige", "Vardagar"]


def page_text(html: str) -> str:
    """What a reader meets: visible text, option labels and the data the scripts render."""
    data = [
        json.dumps(json.loads(unescape(found)), ensure_ascii=False)
        for found in re.findall(
            r'(?s)<script id="[^"]*" type="application/json">(.*?)</script>', html
        )
    ]
    html = re.sub(r"(?s)<script[^>]*>.*?</script>|<style.*?</style>", " ", html)
    return unescape(re.sub(r"<[^>]+>", " ", html)) + " ".join(data)


def test_english_pages_show_no_swedish_help_text(client, member, topic_room, send):
    # given: the starter help lines, a unit with staffed hours, a crisis card in the room
    starter.load(WordRule, CrisisContact)
    unit = OrganisationFactory(name="Halmstads anhörigstöd", slug="hs", phone="035-13 70 00")
    unit.staffed_hours = "Måndag–fredag 08.00–16.30"
    unit.save()
    StaffedHours.objects.create(organisation=unit, weekday=0, opens=time(8), closes=time(16))
    member.preferred_language = "en"
    member.save()
    send(member, topic_room, "jag vill inte leva längre")
    client.force_login(member)
    paths = ["/hem/", "/rum/", f"/rum/{topic_room.pk}/", "/profil/", "/hitta-stod/"]

    # when
    pages = {p: client.get(p, HTTP_ACCEPT_LANGUAGE="en") for p in paths}

    # then
    assert {p: r.status_code for p, r in pages.items()} == dict.fromkeys(paths, 200)
    assert 'lang="en"' in pages["/hem/"].content.decode()
    found = {
        p: [s for s in SWEDISH_ONLY if s in page_text(r.content.decode())] for p, r in pages.items()
    }
    assert found == dict.fromkeys(paths, [])
    room = page_text(pages[f"/rum/{topic_room.pk}/"].content.decode())
    assert '"hours": "Monday 08.00–16.00"' in room
