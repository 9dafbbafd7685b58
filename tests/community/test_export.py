"""The data export: everything about one person, walked from the privacy registry, as JSON
(REST) and as a readable page; others' data stays out."""

import json

import pytest
from rest_framework.test import APIClient

from community import privacy
from tests.community.privacy_life import NEEDS, SECRET_TEXT, live


@pytest.fixture
def life(member, other_member, coordinator):
    return live(member=member, other=other_member, coordinator=coordinator)


def _export(user) -> tuple[dict, str]:
    client = APIClient()
    client.force_authenticate(user)
    response = client.get("/api/v1/me/export/")
    assert response.status_code == 200
    return response.json(), response.content.decode()


def test_export_is_a_json_attachment(member_api, member):
    response = member_api.get("/api/v1/me/export/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="bredvid-')
    assert "no-store" in response["Cache-Control"]
    assert response.json()["account"]["email"] == member.email


def test_export_needs_a_signed_in_person(api):
    response = api.get("/api/v1/me/export/")

    assert response.status_code == 401
    assert response.json()["code"] == "not_signed_in"


def test_export_has_every_registered_section(life):
    data, _text = _export(life.member)

    expected = {h.section for h in privacy.holdings() if h.section}
    assert expected <= set(data)
    assert data["format"] == "bredvid-export/1"


def test_export_holds_what_the_member_told_and_did(life):
    data, text = _export(life.member)

    member = life.member
    assert data["account"]["display_name"] == member.display_name
    assert data["account"]["birth_year"] == member.birth_year
    assert data["account"]["municipality"] == "1380"
    assert [r["needs_respite"] for r in data["rsvps"]] == [True]
    assert [r["accessibility_needs"] for r in data["rsvps"]] == [NEEDS]
    assert [m["body"] for m in data["messages"]] == ["Hej! Jag tar hand om mamma."]
    assert [m["body"] for m in data["support_messages"]] == [SECRET_TEXT]
    assert [r["emoji"] for r in data["reactions"]] == ["❤️"]
    assert [m["group"] for m in data["memberships"]] == [life.meetup.group_id]
    assert [s["reason"] for s in data["sanctions"]] == ["Var snäll i rummet"]
    assert [c["document"] for c in data["consents"]] == ["code_of_conduct", "privacy_notice"]
    assert [n["title"] for n in data["notifications"]] == ["Någon nämnde dig"]
    assert [t["topic"] for t in data["talk_requests"]] == ["Pappa är sjuk"]
    assert [p["reply"] for p in data["talk_proposals"]] == ["Ja tack"]
    assert [c["categories"] for c in data["crisis_cards"]] == [["crisis_self"]]
    assert [p["endpoint"] for p in data["push_subscriptions"]] == [
        "https://fcm.googleapis.com/fcm/send/abc"
    ]
    assert len(data["api_tokens"]) == 1
    assert set(data["api_tokens"][0]) == {"created", "expiry"}  # never a secret
    assert "password" not in text


def test_reports_show_only_what_the_member_wrote(life):
    data, text = _export(life.member)

    assert data["reports_made"] == [
        {
            "id": life.report.pk,
            "message": life.others_message.pk,
            "reason": "harassment",
            "note": "Hen skrev elaka saker",
            "created_at": life.report.created_at.isoformat(),
        }
    ]
    # neither whom they reported nor what was written, nor a report about them by others
    assert life.other.display_name not in text
    assert life.other.email not in text
    assert "Hej alla" not in text
    assert "Reklam?" not in text
    assert "Hur mår du idag?" not in text  # staff's words in the support room are not theirs


def test_export_of_another_person_shows_nothing_of_this_one(life):
    data, text = _export(life.other)

    assert life.member.email not in text
    assert SECRET_TEXT not in text
    assert NEEDS not in text
    assert [m["muted"] for m in data["muted_members"]] == [life.member.pk]


def test_a_computed_section_has_its_place(member, monkeypatch):
    # given a section registered the way the access-log counts join the export
    monkeypatch.setattr(privacy, "_sections", {})
    privacy.register_section(
        "staff_reads", title="Staff who read your data", build=lambda *, user: {"rsvp": user.pk}
    )

    # then it is in the JSON and on the page
    data, _text = _export(member)
    assert data["staff_reads"] == {"rsvp": member.pk}


def test_the_page_shows_the_export_readably(client, life):
    client.force_login(life.member)

    response = client.get("/profil/mina-uppgifter/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    page = response.content.decode()
    assert 'href="/api/v1/me/export/" download' in page
    assert "<h1>Your data</h1>" in page
    assert "Your answers to meetups, with what you need" in page
    assert "<dd>Code of conduct</dd>" in page  # a coded value in words
    assert NEEDS in page
    assert SECRET_TEXT in page
    assert life.other.display_name not in page


def test_the_page_shows_a_computed_section(client, member, monkeypatch):
    monkeypatch.setattr(privacy, "_sections", {})
    privacy.register_section(
        "staff_reads", title="Staff who read your data", build=lambda *, user: {"rsvp_needs": 2}
    )
    client.force_login(member)

    page = client.get("/profil/mina-uppgifter/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Staff who read your data" in page
    assert "rsvp_needs" in page


def test_the_settings_page_links_to_the_data_and_deletion(client, member):
    client.force_login(member)

    page = client.get("/profil/installningar/").content.decode()

    assert 'href="/profil/mina-uppgifter/"' in page
    assert 'href="/profil/radera-konto/"' in page


def test_the_page_needs_a_signed_in_person(client):
    response = client.get("/profil/mina-uppgifter/")

    assert response.status_code == 302
    assert response["Location"].startswith("/konto/login/")


def test_export_json_is_plain_json(life):
    _data, text = _export(life.member)

    assert json.loads(text)["account"]["id"] == life.member.pk
