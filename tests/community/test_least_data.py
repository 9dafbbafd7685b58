"""Least data: a member's e-mail address never leaves their own account views, and staff
see how old a member is as an age band, never the birth year.

One table over every path where staff (and other members) see a member — REST, CSV and
calendar files, pages, the socket and the admin — for every role; the member's own views
are the control that the address and year are really there to leak."""

import json
import re

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from community import policies
from community.models import User
from moderation.services import ages
from tests.community.conftest import MEMBER_BIRTH_YEAR, MEMBER_EMAIL
from tests.factories import give_second_factor
from tests.ws import drain, open_socket

ROLES = ["other_member", "group_host", "moderator", "unit_coordinator"]
PERSONAL_KEYS = {"email", "birth_year", "age"}


def _rest(scene) -> list[str]:
    member, meetup = scene["people"]["the_member"], scene["meetup"]
    group, talk, item = scene["room"].group, scene["talk"], scene["item"]
    return [
        f"/api/v1/meetups/{meetup.pk}/",
        f"/api/v1/meetups/{meetup.pk}/needs/",
        f"/api/v1/meetups/{meetup.pk}/ics/",
        f"/api/v1/groups/{group.pk}/",
        f"/api/v1/groups/{group.pk}/members/",
        f"/api/v1/groups/{group.pk}/requests/",
        f"/api/v1/organisations/{group.organisation_id}/attendance/",
        "/api/v1/talk-requests/",
        f"/api/v1/talk-requests/{talk.pk}/",
        f"/api/v1/talk-requests/{talk.pk}/proposals/",
        "/api/v1/moderation/queue/",
        f"/api/v1/moderation/queue/{item.pk}/",
        f"/api/v1/moderation/members/{member.pk}/",
        "/api/v1/moderation/audit/",
        "/api/v1/moderation/audit/?format=csv",
        "/api/v1/access-log/",
        "/api/v1/rooms/",
        f"/api/v1/rooms/{scene['room'].pk}/messages/",
        f"/api/v1/rooms/{scene['support_room'].pk}/messages/",
        "/api/v1/me/notifications/",
        "/api/v1/me/",  # the reader's own: never the member's
    ]


def _pages(scene) -> list[str]:
    meetup, group, item = scene["meetup"], scene["room"].group, scene["item"]
    return [
        f"/traffar/{meetup.pk}/",
        f"/traffar/{meetup.pk}/behov/",
        f"/traffar/{meetup.pk}/incheckning/",
        f"/grupper/{group.pk}/",
        "/samordning/samtal/",
        "/moderering/",
        f"/moderering/{item.pk}/",
        f"/moderering/rum/{scene['room'].pk}/",
        "/samordning/atkomstlogg/",
        f"/rum/{scene['room'].pk}/",
        f"/rum/{scene['support_room'].pk}/",
        "/notiser/",
    ]


@pytest.fixture
def corrected(scene):
    """A coordinator corrected the member's birth year: the audit log holds the years."""
    ages.user_birth_year_correct(
        actor=scene["people"]["unit_coordinator"],
        member_id=scene["people"]["the_member"].pk,
        birth_year=MEMBER_BIRTH_YEAR,
        reason="Fel år",
    )
    scene["people"]["the_member"].refresh_from_db()
    return scene


def _without_links(text: str) -> str:
    """Page text without attribute values (ids in links could be any number)."""
    return re.sub(r'(href|action|id|for|data-[\w-]+|value|datetime)="[^"]*"', "", text)


def _keys(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def _assert_least(body: str) -> None:
    assert MEMBER_EMAIL not in body
    assert not re.search(rf"\b{MEMBER_BIRTH_YEAR}\b", _without_links(body))


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_rest_csv_and_calendar_answers_carry_no_address_or_birth_year(corrected, role):
    scene = corrected
    client = APIClient()
    client.force_authenticate(scene["people"][role])
    member = scene["people"]["the_member"]

    answered = {}
    for url in _rest(scene):
        response = client.get(url)
        body = response.content.decode()
        answered[url] = response.status_code
        _assert_least(body)
        if response.get("Content-Type", "").startswith("application/json"):
            found = json.loads(body)
            people = [p for p in _people_in(found) if p.get("id") == member.pk]
            assert all(not (PERSONAL_KEYS & set(p)) for p in people), url

    assert answered["/api/v1/me/"] == 200


def _people_in(value) -> list[dict]:
    """Every object that names a person (has a display name)."""
    if isinstance(value, dict):
        here = [value] if "display_name" in value else []
        return here + [p for v in value.values() for p in _people_in(v)]
    if isinstance(value, list):
        return [p for v in value for p in _people_in(v)]
    return []


@pytest.mark.django_db
def test_every_rest_path_answers_some_staff(corrected):
    """The table is not vacuous: each path shows something to someone in it."""
    scene = corrected
    for url in _rest(scene):
        codes = set()
        for role in ROLES:
            client = APIClient()
            client.force_authenticate(scene["people"][role])
            codes.add(client.get(url).status_code)
        assert 200 in codes, url


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_pages_show_no_address_or_birth_year(corrected, role):
    scene = corrected
    client = Client()
    client.force_login(scene["people"][role])

    for url in _pages(scene):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code in (200, 404), url
        _assert_least(response.content.decode())


@pytest.mark.django_db
def test_the_talk_queue_shows_staff_the_age_band(corrected):
    client = Client()
    client.force_login(corrected["people"]["unit_coordinator"])

    text = client.get("/samordning/samtal/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Age 13–17" in text
    assert "mailto:" not in text


@pytest.mark.django_db
def test_the_audit_log_shows_a_corrected_birth_year_as_age_bands(corrected):
    client = APIClient()
    client.force_authenticate(corrected["people"]["unit_coordinator"])

    [entry] = client.get("/api/v1/moderation/audit/", {"action": "member.birth_year"}).json()[
        "results"
    ]

    assert (entry["details"]["from"], entry["details"]["to"]) == ("13–17", "13–17")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", ROLES)
async def test_socket_frames_carry_no_address_or_birth_year(scene, role):
    socket = await open_socket(scene["people"][role])
    for room in (scene["room"], scene["support_room"]):
        await socket.send_json_to({"type": "subscribe", "room": room.pk, "after_seq": 0})
    frames = await drain(socket, quiet=0.5)
    await socket.disconnect()

    assert frames
    _assert_least(json.dumps(frames, ensure_ascii=False))


# --- the member's own views are where the address and year are ---------------------------


@pytest.mark.django_db
def test_the_members_own_views_show_them(scene):
    member = scene["people"]["the_member"]
    api = APIClient()
    api.force_authenticate(member)
    page = Client()
    page.force_login(member)

    me = api.get("/api/v1/me/").json()
    profile = page.get("/profil/").content.decode()
    email_page = page.get("/konto/email/").content.decode()

    assert me["email"] == MEMBER_EMAIL
    assert str(MEMBER_BIRTH_YEAR) in profile
    assert MEMBER_EMAIL in email_page


# --- the admin: personal fields for the platform's admins only -----------------------------


def _admin_staff(scene) -> User:
    coordinator = scene["people"]["unit_coordinator"]
    coordinator.is_staff = True
    coordinator.save(update_fields=["is_staff"])
    coordinator.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_user", "change_user", "view_auditentry"])
    )
    return User.objects.get(pk=coordinator.pk)


@pytest.mark.django_db
def test_admin_staff_see_no_address_or_birth_year(corrected):
    scene = corrected
    member = scene["people"]["the_member"]
    client = Client()
    client.force_login(_admin_staff(scene))

    listed = client.get("/admin/community/user/", HTTP_ACCEPT_LANGUAGE="en")
    searched = client.get("/admin/community/user/", {"q": "solros.hemlig"})
    change = client.get(f"/admin/community/user/{member.pk}/change/", HTTP_ACCEPT_LANGUAGE="en")
    audit = client.get("/admin/moderation/auditentry/")
    audit_entry = client.get(
        f"/admin/moderation/auditentry/{audit.context['cl'].result_list[0].pk}/change/"
    )

    assert listed.status_code == change.status_code == 200
    for response in (listed, searched, change, audit, audit_entry):
        _assert_least(response.content.decode())
    assert "13–17" in listed.content.decode()
    assert "13–17" in change.content.decode()
    assert searched.context["cl"].result_count == 0  # no search by address either


@pytest.mark.django_db
def test_superusers_see_the_address_in_the_admin(scene):
    """Decided: account recovery and erasure on request need it; nobody else gets it."""
    admin = User.objects.create_superuser("admin@example.se", "a-long-admin-password-42")
    give_second_factor(admin)  # the admin site is staff's: it needs two-step sign-in
    member = scene["people"]["the_member"]
    client = Client()
    client.force_login(admin)

    listed = client.get("/admin/community/user/", {"q": "solros.hemlig"})
    change = client.get(f"/admin/community/user/{member.pk}/change/")

    assert listed.context["cl"].result_count == 1
    assert MEMBER_EMAIL in listed.content.decode()
    assert MEMBER_EMAIL in change.content.decode()
    assert f'value="{MEMBER_BIRTH_YEAR}"' in change.content.decode()


# --- the age band itself ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("age", "band"),
    [
        (13, "13–17"),
        (17, "13–17"),
        (18, "18–25"),
        (25, "18–25"),
        (26, "26–30"),
        (30, "26–30"),
        (31, "31+"),
        (64, "31+"),
    ],
)
def test_age_bands_at_their_edges(age, band):
    assert policies.age_band(birth_year=timezone.localdate().year - age) == band
