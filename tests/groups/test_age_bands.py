"""Age bands hold for as long as someone is a member, not only when they join (issue 10,
finding 1): members do not change their own birth year, a coordinator's correction is
audited and re-evaluates every membership and RSVP, and reading a band group's room,
members and meetups asks the member's age today."""

from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from django.core.management import call_command
from django.test import Client
from django.utils import timezone, translation

from chat.models import Room
from community.models import Notification, User
from groups.models import JoinRequest, Meetup, Membership, Rsvp
from moderation.models import AuditEntry
from tests.factories import (
    CoordinatorFactory,
    GroupRoomFactory,
    MembershipFactory,
    OrganisationFactory,
    PeerGroupFactory,
    UserFactory,
    give_second_factor,
    municipality,
)
from tests.ws import open_socket, receive_type

THIS_YEAR = timezone.localdate().year


@pytest.fixture
def youth(coordinator):
    """A 13–17 group in Halmstad with its room and a meetup next week."""
    group = PeerGroupFactory(
        name="Unga 13–17", organisation=coordinator.organisation, min_age=13, max_age=17
    )
    GroupRoomFactory(group=group, name="Unga 13–17")
    return group


@pytest.fixture
def youth_meetup(youth, coordinator):
    starts_at = timezone.now() + timedelta(days=7)
    return Meetup.objects.create(
        group=youth,
        title="Fika",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        venue_name="Fritidsgården",
        venue_address="Storgatan 1, Halmstad",
        capacity=1,
        created_by=coordinator,
    )


def _state() -> dict:
    return {
        "users": list(User.objects.order_by("pk").values_list("pk", "birth_year")),
        "memberships": list(Membership.objects.order_by("pk").values_list("pk", "status")),
        "rsvps": list(Rsvp.objects.order_by("pk").values_list("pk", "status")),
        "audit": AuditEntry.objects.count(),
        "notifications": Notification.objects.count(),
    }


# --- members do not change their own birth year -----------------------------------------


def test_member_cannot_change_own_birth_year(client_for, member):
    before = _state()

    response = client_for(member).patch(
        "/api/v1/me/", {"birth_year": THIS_YEAR - 15}, format="json"
    )

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert response.json()["detail"] == (
        "Du kan inte ändra ditt födelseår själv: åldersgrupperna bygger på det. "
        "Om det är fel kan en samordnare rätta det."
    )
    assert _state() == before


def test_profile_page_shows_birth_year_without_a_field_and_ignores_one(member):
    client = Client()
    client.force_login(member)

    with translation.override("en"):
        page = client.get("/profil/", HTTP_ACCEPT_LANGUAGE="en")
    saved = client.post(
        "/profil/",
        {
            "display_name": "Solros",
            "birth_year": str(THIS_YEAR - 15),
            "municipality": "1380",
            "cares_for": ["parent"],
            "preferred_language": "sv",
        },
    )

    assert page.status_code == 200
    assert 'name="birth_year"' not in page.content.decode()
    assert "2000" in page.content.decode()
    assert saved.status_code == 302
    member.refresh_from_db()
    assert member.birth_year == 2000


# --- reading asks the age today ---------------------------------------------------------


def _reads(client, group, meetup) -> dict:
    room = Room.objects.get(group=group)
    detail = client.get(f"/api/v1/groups/{group.pk}/").json()
    return {
        "history": client.get(f"/api/v1/rooms/{room.pk}/messages/").status_code,
        "rooms": [r["id"] for r in client.get("/api/v1/rooms/").json()["results"]],
        "members": client.get(f"/api/v1/groups/{group.pk}/members/").status_code,
        "my_membership": detail["my_membership"],
        "group_rooms": detail["rooms"],
        "rsvp": client.post(
            f"/api/v1/meetups/{meetup.pk}/rsvp/", {"status": "going"}, format="json"
        ).status_code,
        "ics": client.get(f"/api/v1/meetups/{meetup.pk}/ics/").status_code,
    }


def test_adult_with_a_membership_in_a_youth_group_reads_nothing_of_it(
    client_for, youth, youth_meetup, member
):
    # given an adult (26) who got in somehow
    MembershipFactory(group=youth, user=member)

    reads = _reads(client_for(member), youth, youth_meetup)

    assert reads == {
        "history": 404,
        "rooms": [],
        "members": 404,
        "my_membership": None,
        "group_rooms": [],
        "rsvp": 403,
        "ics": 404,
    }
    assert not Rsvp.objects.exists()


def test_member_who_ages_out_loses_the_room_members_and_meetups(
    client_for, youth, youth_meetup, minor
):
    MembershipFactory(group=youth, user=minor)
    room = Room.objects.get(group=youth)
    assert _reads(client_for(minor), youth, youth_meetup)["history"] == 200
    Rsvp.objects.all().delete()

    # when the birth year turns out to be that of an adult
    User.objects.filter(pk=minor.pk).update(birth_year=THIS_YEAR - 18)
    minor.refresh_from_db()

    reads = _reads(client_for(minor), youth, youth_meetup)
    assert reads == {
        "history": 404,
        "rooms": [],
        "members": 404,
        "my_membership": None,
        "group_rooms": [],
        "rsvp": 403,
        "ics": 404,
    }
    assert room.pk not in reads["rooms"]


@pytest.mark.django_db(transaction=True)
async def test_socket_subscribe_asks_the_age_today(municipalities):
    coordinator = await sync_to_async(CoordinatorFactory)()
    youth = await sync_to_async(PeerGroupFactory)(
        organisation=coordinator.organisation, min_age=13, max_age=17
    )
    room = await sync_to_async(GroupRoomFactory)(group=youth)
    minor = await sync_to_async(UserFactory)(birth_year=THIS_YEAR - 15)
    await sync_to_async(MembershipFactory)(group=youth, user=minor)
    socket = await open_socket(minor)

    await socket.send_json_to({"type": "subscribe", "room": room.pk, "after_seq": 0})
    first = await receive_type(socket, "subscribed")
    await socket.send_json_to({"type": "unsubscribe", "room": room.pk})
    # the socket's cached user still says 15; the database says 18
    await sync_to_async(User.objects.filter(pk=minor.pk).update)(birth_year=THIS_YEAR - 18)
    await socket.send_json_to({"type": "subscribe", "room": room.pk, "after_seq": 0})
    refused = await receive_type(socket, "error")

    assert first["room"] == room.pk
    assert refused["code"] == "not_found"
    await socket.disconnect()


def test_a_member_who_leads_the_group_is_bound_by_the_band_but_staff_are_not(
    client_for, youth, youth_meetup, coordinator, moderator
):
    leader = UserFactory(display_name="Ledaren", birth_year=THIS_YEAR - 20)
    MembershipFactory(group=youth, user=leader, role="host")

    assert client_for(leader).get(f"/api/v1/groups/{youth.pk}/members/").status_code == 404
    assert client_for(coordinator).get(f"/api/v1/groups/{youth.pk}/members/").status_code == 200
    room = Room.objects.get(group=youth)
    assert client_for(moderator).get(f"/api/v1/rooms/{room.pk}/messages/").status_code == 200


def test_member_list_leaves_out_those_outside_the_band(client_for, youth, minor, coordinator):
    MembershipFactory(group=youth, user=minor)
    adult = UserFactory(display_name="Vuxen", birth_year=THIS_YEAR - 19)
    MembershipFactory(group=youth, user=adult)

    body = client_for(coordinator).get(f"/api/v1/groups/{youth.pk}/members/").json()

    assert [m["id"] for m in body["results"]] == [minor.pk]


# --- hosts see whether a requester fits the band -----------------------------------------


def test_request_list_shows_band_eligibility_and_approval_is_refused(
    client_for, youth, coordinator, minor, member
):
    youth.joining = "request"
    youth.save()
    fits = JoinRequest.objects.create(group=youth, user=minor)
    # asked while their birth year said 15
    too_old = JoinRequest.objects.create(group=youth, user=member)

    listed = client_for(coordinator).get(f"/api/v1/groups/{youth.pk}/requests/").json()
    before = _state()
    approved = client_for(coordinator).post(f"/api/v1/join-requests/{too_old.pk}/approve/", {})

    assert [(r["id"], r["eligible"], r["age_band_ok"]) for r in listed["results"]] == [
        (fits.pk, True, True),
        (too_old.pk, False, False),
    ]
    assert approved.status_code == 403
    assert approved.json()["code"] == "forbidden"
    assert _state() == before


def test_request_list_page_shows_who_does_not_fit_the_band(youth, coordinator, member):
    youth.joining = "request"
    youth.save()
    JoinRequest.objects.create(group=youth, user=member)
    client = Client()
    client.force_login(coordinator)

    with translation.override("en"):
        page = client.get(f"/grupper/{youth.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Solros" in page
    assert "Outside the group's age band (13–17)" in page


# --- a coordinator corrects a birth year ---------------------------------------------------


@pytest.fixture
def corrected(youth, youth_meetup, minor, answer):
    """A 15-year-old member of the youth group, going to its meetup, with someone waiting."""
    MembershipFactory(group=youth, user=minor)
    answer(youth_meetup, minor)
    waiting = UserFactory(display_name="Väntaren", birth_year=THIS_YEAR - 14)
    MembershipFactory(group=youth, user=waiting)
    answer(youth_meetup, waiting, status=Rsvp.Status.WAITLISTED)
    return minor, waiting


@pytest.mark.parametrize(
    ("who", "status_code", "code"),
    [
        pytest.param("coordinator", 200, None, id="coordinator-of-the-municipality"),
        pytest.param("other_municipality", 404, "not_found", id="coordinator-elsewhere"),
        pytest.param("moderator", 404, "not_found", id="platform-moderator"),
        pytest.param("member", 404, "not_found", id="member"),
        pytest.param(None, 401, "not_signed_in", id="signed-out"),
    ],
)
def test_birth_year_correction_table(
    client_for, request, corrected, youth, youth_meetup, who, status_code, code
):
    minor, waiting = corrected
    if who == "other_municipality":
        actor = CoordinatorFactory(
            organisation=OrganisationFactory(municipality=municipality("0180"))
        )
    else:
        actor = request.getfixturevalue(who) if who else None
    before = _state()

    response = client_for(actor).post(
        f"/api/v1/members/{minor.pk}/birth-year/",
        {"birth_year": THIS_YEAR - 19, "reason": "Fel år vid registreringen"},
        format="json",
    )

    assert response.status_code == status_code
    if code:
        assert response.json()["code"] == code
        assert _state() == before
        return
    # staff see an age band, never the year (least data), even the year they just gave
    assert response.json() == {"id": minor.pk, "age_band": "18–25", "ended": [youth.pk]}
    minor.refresh_from_db()
    assert minor.birth_year == THIS_YEAR - 19
    entry = AuditEntry.objects.get(action="member.birth_year")
    assert (entry.actor, entry.target_type, entry.target_id, entry.reason) == (
        actor,
        "user",
        str(minor.pk),
        "Fel år vid registreringen",
    )
    assert entry.details == {"from": THIS_YEAR - 15, "to": THIS_YEAR - 19, "ended": [youth.pk]}
    shown = client_for(actor).get(f"/api/v1/moderation/audit/{entry.pk}/").json()
    assert shown["details"] == {"from": "13–17", "to": "18–25", "ended": [youth.pk]}
    assert Membership.objects.get(user=minor, group=youth).status == "aged_out"
    assert Rsvp.objects.get(user=minor).status == "not_going"
    assert Rsvp.objects.get(user=waiting).status == "going"  # the place passed on
    notice = Notification.objects.get(user=minor, kind="age_band")
    assert notice.url == f"/grupper/?age={THIS_YEAR - (THIS_YEAR - 19)}"


def test_birth_year_correction_bad_input(client_for, corrected, coordinator):
    minor, _ = corrected
    before = _state()

    responses = [
        client_for(coordinator).post(f"/api/v1/members/{minor.pk}/birth-year/", body, format="json")
        for body in (
            {"birth_year": THIS_YEAR - 19},
            {"birth_year": THIS_YEAR - 5, "reason": "för ung"},
            {"birth_year": "nyss", "reason": "x"},
        )
    ]
    unknown = client_for(coordinator).post(
        "/api/v1/members/999999/birth-year/", {"birth_year": 2000, "reason": "x"}, format="json"
    )

    assert [(r.status_code, sorted(r.json()["fields"])) for r in responses] == [
        (400, ["reason"]),
        (400, ["birth_year"]),
        (400, ["birth_year"]),
    ]
    assert unknown.status_code == 404
    assert _state() == before


def test_correction_that_keeps_the_band_keeps_the_membership(client_for, corrected, coordinator):
    minor, _ = corrected

    response = client_for(coordinator).post(
        f"/api/v1/members/{minor.pk}/birth-year/",
        {"birth_year": THIS_YEAR - 16, "reason": "Rättat"},
        format="json",
    )

    assert response.json()["ended"] == []
    assert Membership.objects.get(user=minor).status == "active"
    assert Rsvp.objects.get(user=minor).status == "going"
    assert not Notification.objects.filter(user=minor, kind="age_band").exists()


def _admin_save(actor, member, **changes):
    client = Client()
    client.force_login(actor)
    page = client.get(f"/admin/community/user/{member.pk}/change/")
    form = page.context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None
        and name not in ("password", "groups", "user_permissions", "last_login", "date_joined")
    }
    data.update(
        {
            "municipality": member.municipality_id,
            "organisation": "",
            "cares_for": '["parent"]',
            "situation_tags": "[]",
            "last_login_0": "",
            "date_joined_0": timezone.localtime(member.date_joined).strftime("%Y-%m-%d"),
            "date_joined_1": timezone.localtime(member.date_joined).strftime("%H:%M:%S"),
            "consents-TOTAL_FORMS": "0",
            "consents-INITIAL_FORMS": "0",
            **changes,
        }
    )
    return client.post(f"/admin/community/user/{member.pk}/change/", data)


def test_admin_birth_year_change_goes_through_the_correction(corrected, youth):
    minor, _ = corrected
    admin = User.objects.create_superuser("admin@example.se", "a-long-admin-password-42")
    give_second_factor(admin)  # the admin asks for one

    response = _admin_save(
        admin, minor, birth_year=THIS_YEAR - 20, birth_year_reason="Fel år vid registreringen"
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    minor.refresh_from_db()
    assert minor.birth_year == THIS_YEAR - 20
    entry = AuditEntry.objects.get(action="member.birth_year")
    assert (entry.actor, entry.reason) == (admin, "Fel år vid registreringen")
    assert Membership.objects.get(user=minor, group=youth).status == "aged_out"


def test_admin_birth_year_change_needs_a_reason(corrected):
    minor, _ = corrected
    admin = User.objects.create_superuser("admin@example.se", "a-long-admin-password-42")
    give_second_factor(admin)  # the admin asks for one
    before = _state()

    response = _admin_save(admin, minor, birth_year=THIS_YEAR - 20, birth_year_reason="")

    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["birth_year_reason"]
    assert _state() == before


def test_admin_staff_of_another_municipality_cannot_change_the_birth_year(corrected):
    from django.contrib.auth.models import Permission

    minor, _ = corrected
    elsewhere = CoordinatorFactory(
        organisation=OrganisationFactory(municipality=municipality("0180")), is_staff=True
    )
    elsewhere.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_user", "change_user"])
    )
    before = _state()

    response = _admin_save(elsewhere, minor, birth_year=THIS_YEAR - 20, birth_year_reason="x")

    assert response.status_code == 302
    assert _state() == before


# --- the daily command ---------------------------------------------------------------------


def test_aged_out_command_ends_memberships_once_with_a_notice(youth, youth_meetup, minor, answer):
    MembershipFactory(group=youth, user=minor)
    answer(youth_meetup, minor)
    grown = UserFactory(display_name="Artonåringen", birth_year=THIS_YEAR - 18)
    MembershipFactory(group=youth, user=grown)
    answer(youth_meetup, grown, status=Rsvp.Status.WAITLISTED)
    adults = PeerGroupFactory(min_age=18, max_age=30)
    MembershipFactory(group=adults, user=grown)

    call_command("end_aged_out_memberships")
    call_command("end_aged_out_memberships")

    assert dict(
        Membership.objects.filter(group=youth).values_list("user__display_name", "status")
    ) == {"Stjärnfall": "active", "Artonåringen": "aged_out"}
    assert Membership.objects.get(group=adults).status == "active"
    assert list(Notification.objects.filter(kind="age_band").values_list("user_id", "url")) == [
        (grown.pk, "/grupper/?age=18")
    ]
    assert Rsvp.objects.get(user=grown).status == "not_going"
    assert Rsvp.objects.get(user=minor).status == "going"


@pytest.mark.django_db(transaction=True)
async def test_correction_closes_the_room_on_an_open_socket(municipalities):
    from moderation.services import ages

    coordinator = await sync_to_async(CoordinatorFactory)()
    youth = await sync_to_async(PeerGroupFactory)(
        organisation=coordinator.organisation, min_age=13, max_age=17
    )
    room = await sync_to_async(GroupRoomFactory)(group=youth)
    minor = await sync_to_async(UserFactory)(birth_year=THIS_YEAR - 15)
    await sync_to_async(MembershipFactory)(group=youth, user=minor)
    socket = await open_socket(minor)
    await socket.send_json_to({"type": "subscribe", "room": room.pk, "after_seq": 0})
    await receive_type(socket, "subscribed")

    await sync_to_async(ages.user_birth_year_correct)(
        actor=coordinator, member_id=minor.pk, birth_year=THIS_YEAR - 18, reason="Fel år"
    )
    left = await receive_type(socket, "error")

    assert (left["code"], left["ref"]) == ("not_found", f"room:{room.pk}")
    await socket.disconnect()


def test_member_patch_with_birth_year_is_refused_even_unchanged(client_for, member):
    before = _state()

    response = client_for(member).patch(
        "/api/v1/me/", {"birth_year": 2000, "cares_for": ["friend"]}, format="json"
    )

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    member.refresh_from_db()
    assert member.cares_for == ["parent"]
    assert _state() == before
