from datetime import UTC, timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from groups.models import CalendarFeed
from groups.services import meetups as meetup_services
from groups.services.meetups import MeetupFields
from tests.factories import PeerGroupFactory, UserFactory

pytestmark = pytest.mark.django_db


def events(content: bytes) -> dict[str, dict]:
    """The VEVENTs of a calendar, by UID."""
    calendar = Calendar.from_ical(content)
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def uid(meetup) -> str:
    return f"{meetup.uid}@bredvid"


# --- one meetup as .ics -------------------------------------------------------------------


def test_meetup_ics_parses_back_with_uid_utc_start_and_status(client_for, joined, meetup):
    response = client_for(joined).get(f"/api/v1/meetups/{meetup.pk}/ics/")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="traff-{meetup.pk}.ics"'
    [(found_uid, event)] = events(response.content).items()
    assert found_uid == uid(meetup)
    start = event.decoded("DTSTART")
    assert start == meetup.starts_at.replace(microsecond=0)  # iCalendar has whole seconds
    assert start.utcoffset() == timedelta(0)
    [line] = [x for x in response.content.decode().splitlines() if x.startswith("DTSTART")]
    assert line == "DTSTART:" + meetup.starts_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    assert event.decoded("DTEND") - start == timedelta(hours=2)
    assert (event["SEQUENCE"], str(event["STATUS"])) == (0, "CONFIRMED")
    assert str(event["SUMMARY"]) == "Fika och prat"
    assert str(event["LOCATION"]) == "Stadsbiblioteket, Axel Olssons gata 1, Halmstad"


def test_ics_follows_changes_and_cancellation(client_for, host, joined, meetup):
    url = f"/api/v1/meetups/{meetup.pk}/ics/"
    later = meetup.starts_at + timedelta(hours=1)
    meetup_services.meetup_update(
        user=host,
        meetup_id=meetup.pk,
        fields=MeetupFields(
            title="Fika och prat, en timme senare",
            starts_at=later,
            ends_at=later + timedelta(hours=2),
            venue_name=meetup.venue_name,
            capacity=meetup.capacity,
        ),
    )

    changed = events(client_for(joined).get(url).content)[uid(meetup)]
    client_for(host).post(f"/api/v1/meetups/{meetup.pk}/cancel/", {"reason": "Värden är sjuk."})
    cancelled = events(client_for(joined).get(url).content)[uid(meetup)]

    assert (changed["SEQUENCE"], str(changed["STATUS"])) == (1, "CONFIRMED")
    assert changed.decoded("DTSTART").replace(microsecond=0) == later.replace(microsecond=0)
    assert (cancelled["SEQUENCE"], str(cancelled["STATUS"])) == (2, "CANCELLED")
    assert "Värden är sjuk." in str(cancelled["DESCRIPTION"])


def test_calendar_apps_asking_for_text_calendar_get_it(client_for, joined, meetup):
    response = client_for(joined).get(
        f"/api/v1/meetups/{meetup.pk}/ics/", HTTP_ACCEPT="text/calendar"
    )

    assert response.status_code == 200
    assert uid(meetup) in events(response.content)


def test_ics_of_unknown_or_hidden_meetups_is_not_found(api, client_for, member, make_meetup):
    hidden = make_meetup(group=PeerGroupFactory(is_archived=True))

    unknown = client_for(member).get("/api/v1/meetups/999999/ics/", HTTP_ACCEPT="text/calendar")
    archived = client_for(member).get(f"/api/v1/meetups/{hidden.pk}/ics/")
    signed_out = api.get(f"/api/v1/meetups/{hidden.pk}/ics/")

    assert (unknown.status_code, unknown.json()) == (
        404,
        {"code": "not_found", "detail": unknown.json()["detail"]},
    )
    assert archived.status_code == 404
    assert signed_out.status_code == 401


# --- my calendar feed ---------------------------------------------------------------------


def test_my_calendar_address_is_made_once(client_for, member):
    first = client_for(member).get("/api/v1/me/calendar/")
    second = client_for(member).get("/api/v1/me/calendar/")

    feed = CalendarFeed.objects.get(user=member)
    assert first.status_code == 200
    assert first.json() == {"url": f"/kalender/{feed.token}.ics"}
    assert second.json() == first.json()


def test_feed_has_what_i_am_going_to_including_recent_cancellations(
    client, client_for, joined, other_member, make_meetup, answer
):
    now = timezone.now()
    going = make_meetup(title="Fika")
    cancelled = make_meetup(title="Inställd", status="cancelled")
    last_week = make_meetup(title="Förra veckan", starts_at=now - timedelta(days=7))
    long_ago = make_meetup(title="Länge sedan", starts_at=now - timedelta(days=40))
    waiting = make_meetup(title="Kö")
    declined = make_meetup(title="Nej tack")
    not_mine = make_meetup(title="Någon annans")
    for mine in (going, cancelled, last_week, long_ago):
        answer(mine, joined)
    answer(waiting, joined, status="waitlisted")
    answer(declined, joined, status="not_going")
    answer(not_mine, other_member)
    url = client_for(joined).get("/api/v1/me/calendar/").json()["url"]

    response = client.get(url)  # no session: calendar apps fetch it

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    found = events(response.content)
    assert set(found) == {uid(going), uid(cancelled), uid(last_week)}
    assert str(found[uid(cancelled)]["STATUS"]) == "CANCELLED"
    assert str(found[uid(going)]["STATUS"]) == "CONFIRMED"


def test_rotating_kills_the_old_address(client, client_for, joined, meetup, answer):
    answer(meetup, joined)
    old = client_for(joined).get("/api/v1/me/calendar/").json()["url"]

    rotated = client_for(joined).post("/api/v1/me/calendar/rotate/")

    new = rotated.json()["url"]
    assert rotated.status_code == 200
    assert new != old
    assert new == f"/kalender/{CalendarFeed.objects.get(user=joined).token}.ics"
    assert client.get(old).status_code == 404
    assert uid(meetup) in events(client.get(new).content)
    assert client_for(joined).get("/api/v1/me/calendar/").json() == {"url": new}


def test_rotating_before_ever_asking_makes_an_address(client_for, member):
    response = client_for(member).post("/api/v1/me/calendar/rotate/")

    assert response.json() == {"url": f"/kalender/{CalendarFeed.objects.get().token}.ics"}


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/kalender/" + "x" * 32 + ".ics", id="unknown-token"),
        pytest.param("/kalender/kort.ics", id="malformed-token"),
        pytest.param("/kalender/" + "x" * 32, id="no-suffix"),
    ],
)
def test_unknown_feed_addresses_are_not_found(client, member, path):
    CalendarFeed.objects.create(user=member)

    assert client.get(path).status_code == 404


def test_a_paused_accounts_feed_is_not_found(client, municipalities):
    paused = UserFactory(is_active=False)
    feed = CalendarFeed.objects.create(user=paused)

    assert client.get(f"/kalender/{feed.token}.ics").status_code == 404


def test_feed_answers_only_get_and_head(client, member):
    feed = CalendarFeed.objects.create(user=member)

    assert client.head(f"/kalender/{feed.token}.ics").status_code == 200
    assert client.post(f"/kalender/{feed.token}.ics").status_code == 405


def test_calendar_address_needs_sign_in(api):
    assert api.get("/api/v1/me/calendar/").status_code == 401
    assert api.post("/api/v1/me/calendar/rotate/").status_code == 401
    assert not CalendarFeed.objects.exists()


def test_feed_dates_are_utc(client, joined, make_meetup, answer):
    meetup = make_meetup(starts_at=timezone.now().astimezone(UTC) + timedelta(days=2))
    answer(meetup, joined)
    feed = CalendarFeed.objects.create(user=joined)

    event = events(client.get(f"/kalender/{feed.token}.ics").content)[uid(meetup)]

    assert event.decoded("DTSTART").utcoffset() == timedelta(0)
