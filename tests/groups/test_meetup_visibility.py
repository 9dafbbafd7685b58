"""Where a 13–17 group meets is for its members and staff only (issue 10, finding 11): every
path that shows a meetup asks ``meetup_visible_fields``; others see the municipality and the
day."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from groups import policies
from groups.models import CalendarFeed, Meetup, Rsvp
from tests.factories import CoordinatorFactory, MembershipFactory, PeerGroupFactory, UserFactory

pytestmark = pytest.mark.django_db

THIS_YEAR = timezone.localdate().year
VENUE = "Fritidsgården Oasen"
ADDRESS = "Storgatan 12, Halmstad"
LIMITED = {"id", "group", "kind", "status", "day", "municipality", "url", "limited"}


@pytest.fixture
def youth(coordinator):
    return PeerGroupFactory(
        name="Unga 13–17", organisation=coordinator.organisation, min_age=13, max_age=17
    )


@pytest.fixture
def youth_meetup(youth, coordinator):
    starts_at = timezone.now() + timedelta(days=6)
    return Meetup.objects.create(
        group=youth,
        title="Fika på Oasen",
        description="Vi ses vid ingången till Oasen.",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        venue_name=VENUE,
        venue_address=ADDRESS,
        capacity=10,
        created_by=coordinator,
    )


@pytest.fixture
def roles(request, youth, coordinator, moderator, minor, member):
    MembershipFactory(group=youth, user=minor)
    return {
        "anonymous": None,
        "adult-non-member": member,
        "member": minor,
        "hosting-coordinator": coordinator,
        "other-coordinator": CoordinatorFactory(display_name="Annan Samordnare"),
        "platform-moderator": moderator,
    }


def _limited(meetup: Meetup, *, group) -> dict:
    return {
        "id": meetup.pk,
        "group": group,
        "kind": "peer_meeting",
        "status": "scheduled",
        "day": timezone.localtime(meetup.starts_at).date().isoformat(),
        "municipality": {"code": "1380", "name": "Halmstad"},
        "url": f"/traffar/{meetup.pk}/",
        "limited": True,
    }


def _page_shows_place(response) -> bool:
    text = response.content.decode()
    return VENUE in text or ADDRESS in text or "/api/v1/meetups/" in text


def _seen(user, youth, meetup) -> dict:
    api = Client()
    if user is not None:
        api.force_login(user)
    detail = api.get(f"/api/v1/groups/{youth.pk}/").json()["next_meetups"]
    one = api.get(f"/api/v1/meetups/{meetup.pk}/")
    listed = api.get("/api/v1/meetups/", {"group": youth.pk})
    ics = api.get(f"/api/v1/meetups/{meetup.pk}/ics/")
    group_page = api.get(f"/grupper/{youth.pk}/")
    meetup_page = api.get(f"/traffar/{meetup.pk}/")
    return {
        "group_detail": "full" if detail[0].get("venue_name") == VENUE else set(detail[0]),
        "meetup_detail": (
            one.status_code
            if one.status_code != 200
            else "full"
            if one.json().get("venue", {}).get("address") == ADDRESS
            else set(one.json())
        ),
        "meetup_list": (
            listed.status_code
            if listed.status_code != 200
            else "full"
            if listed.json()["results"][0].get("venue_name") == VENUE
            else set(listed.json()["results"][0])
        ),
        "ics": (
            "full" if ics.status_code == 200 and b"Storgatan 12" in ics.content else ics.status_code
        ),
        "group_page": "full" if _page_shows_place(group_page) else "limited",
        "meetup_page": (
            meetup_page.status_code
            if meetup_page.status_code != 200
            else "full"
            if _page_shows_place(meetup_page)
            else "limited"
        ),
    }


FULL = {
    "group_detail": "full",
    "meetup_detail": "full",
    "meetup_list": "full",
    "ics": "full",
    "group_page": "full",
    "meetup_page": "full",
}


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        pytest.param(
            "anonymous",
            {
                "group_detail": LIMITED,
                "meetup_detail": 401,
                "meetup_list": 401,
                "ics": 401,
                "group_page": "limited",
                "meetup_page": 302,
            },
            id="anonymous",
        ),
        pytest.param(
            "adult-non-member",
            {
                "group_detail": LIMITED,
                "meetup_detail": LIMITED,
                "meetup_list": LIMITED,
                "ics": 404,
                "group_page": "limited",
                "meetup_page": "limited",
            },
            id="adult-non-member",
        ),
        pytest.param("member", FULL, id="member"),
        pytest.param("hosting-coordinator", FULL, id="hosting-coordinator"),
        pytest.param(
            "other-coordinator",
            {
                "group_detail": LIMITED,
                "meetup_detail": LIMITED,
                "meetup_list": LIMITED,
                "ics": 404,
                "group_page": "limited",
                "meetup_page": "limited",
            },
            id="other-coordinator",
        ),
        pytest.param("platform-moderator", FULL, id="platform-moderator"),
    ],
)
def test_youth_meetup_place_by_role_and_path(roles, youth, youth_meetup, role, expected):
    assert _seen(roles[role], youth, youth_meetup) == expected


def test_limited_shapes_are_exact(client_for, youth, youth_meetup, member):
    client = client_for(member)

    detail = client.get(f"/api/v1/groups/{youth.pk}/").json()["next_meetups"]
    one = client.get(f"/api/v1/meetups/{youth_meetup.pk}/").json()

    assert detail == [_limited(youth_meetup, group=youth.pk)]
    assert one == _limited(youth_meetup, group={"id": youth.pk, "name": "Unga 13–17"})


def test_adult_group_meetups_stay_open(client_for, member, coordinator):
    adults = PeerGroupFactory(organisation=coordinator.organisation, min_age=18, max_age=30)
    starts_at = timezone.now() + timedelta(days=3)
    meetup = Meetup.objects.create(
        group=adults,
        title="Fika",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=1),
        venue_name=VENUE,
        venue_address=ADDRESS,
        capacity=5,
        created_by=coordinator,
    )

    assert policies.meetup_visible_fields(user=None, meetup=meetup) is None
    assert client_for(member).get(f"/api/v1/meetups/{meetup.pk}/").json()["venue"]["address"] == (
        ADDRESS
    )


def test_feed_leaves_out_youth_meetups_of_those_outside_the_band(youth, youth_meetup, minor):
    MembershipFactory(group=youth, user=minor)
    aged_out = UserFactory(display_name="Gammal", birth_year=THIS_YEAR - 19)
    MembershipFactory(group=youth, user=aged_out)
    for user in (minor, aged_out):
        Rsvp.objects.create(meetup=youth_meetup, user=user, status=Rsvp.Status.GOING)
    feeds = {u.pk: CalendarFeed.objects.create(user=u) for u in (minor, aged_out)}

    found = {
        user_id: [
            str(e.get("LOCATION"))
            for e in Calendar.from_ical(Client().get(f"/kalender/{feed.token}.ics").content).walk(
                "VEVENT"
            )
        ]
        for user_id, feed in feeds.items()
    }

    assert found == {minor.pk: [f"{VENUE}, {ADDRESS}"], aged_out.pk: []}


def test_group_directory_page_shows_only_the_day_of_a_youth_meetup(youth, youth_meetup):
    page = Client().get("/grupper/").content.decode()

    local = timezone.localtime(youth_meetup.starts_at)
    assert local.strftime("%H.%M") not in page
    assert "Unga 13–17" in page


def test_a_coordinator_of_another_organisation_sees_neither_the_room_nor_the_place(
    youth, youth_meetup, coordinator
):
    from tests.factories import GroupRoomFactory

    room = GroupRoomFactory(group=youth, name="Unga 13–17")
    elsewhere = CoordinatorFactory(display_name="Annan Samordnare")
    client = Client()
    client.force_login(elsewhere)

    listed = client.get("/api/v1/rooms/").json()["results"]
    page = client.get("/rum/")
    room_page = client.get(f"/rum/{room.pk}/")

    assert [r["name"] for r in listed if r["name"] == "Unga 13–17"] == []
    assert page.status_code == 200
    assert VENUE not in page.content.decode()
    assert room_page.status_code == 404
    assert VENUE not in room_page.content.decode()
