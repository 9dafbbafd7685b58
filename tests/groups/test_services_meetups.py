import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone
from icalendar import Calendar

from chat.models import Message
from community.errors import Conflict, Forbidden, Invalid, NotFound
from community.models import Notification
from groups import calendar
from groups.models import Meetup, Membership, ReminderSent, Rsvp
from groups.services import meetups as meetup_services
from groups.services import reminders, rsvps
from groups.services.meetups import MeetupFields
from tests.engines import require_postgres
from tests.factories import GroupRoomFactory, MembershipFactory, UserFactory

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def in_days(days: int, hour: int = 18) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=STOCKHOLM)


@pytest.fixture
def room(municipalities):
    return GroupRoomFactory(name="Unga anhöriga Halmstad", slug="unga-halmstad")


@pytest.fixture
def host(room):
    return MembershipFactory(
        group=room.group, role="host", user=UserFactory(display_name="Värden")
    ).user


def fields(**overrides) -> MeetupFields:
    values = {
        "title": "Fika och prat",
        "starts_at": in_days(7),
        "ends_at": in_days(7, hour=20),
        "venue_name": "Stadsbiblioteket",
        "venue_address": "Axel Olofssons gata 1, Halmstad",
        "capacity": 2,
    }
    return MeetupFields(**{**values, **overrides})


def join(group, *users):
    for user in users:
        MembershipFactory(group=group, user=user)


@pytest.mark.django_db
def test_creating_a_meetup_posts_a_card_in_the_group_room_and_tells_members(host, room, member):
    join(room.group, member)

    [meetup] = meetup_services.meetup_create(user=host, group_id=room.group.pk, fields=fields())

    card = Message.objects.get(room=room)
    assert card.meetup == meetup
    assert card.author == host
    assert card.body.startswith("Ny träff: Fika och prat")
    note = Notification.objects.get(user=member)
    assert note.kind == "meetup_new"
    assert note.url == f"/traffar/{meetup.pk}/"
    assert not Notification.objects.filter(user=host).exists()


@pytest.mark.django_db
def test_members_who_opted_in_get_an_email_with_a_neutral_subject(
    host, room, member, django_capture_on_commit_callbacks
):
    member.email_notifications = True
    member.save()
    join(room.group, member)

    with django_capture_on_commit_callbacks(execute=True):
        meetup_services.meetup_create(user=host, group_id=room.group.pk, fields=fields())

    [sent] = mail.outbox
    assert sent.to == [member.email]
    assert sent.subject == "Du har en ny notis"
    assert "Fika och prat" in sent.body


@pytest.mark.django_db
def test_only_hosts_and_the_hosting_coordinator_schedule(room, member, coordinator, municipalities):
    join(room.group, member)
    other_coordinator = coordinator

    with pytest.raises(NotFound):
        meetup_services.meetup_create(user=member, group_id=room.group.pk, fields=fields())
    with pytest.raises(NotFound):
        meetup_services.meetup_create(
            user=other_coordinator, group_id=room.group.pk, fields=fields()
        )
    other_coordinator.organisation = room.group.organisation
    other_coordinator.save()
    assert meetup_services.meetup_create(
        user=other_coordinator, group_id=room.group.pk, fields=fields()
    )
    assert Meetup.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        pytest.param({"ends_at": in_days(7, hour=17)}, "ends_at", id="ends-before-start"),
        pytest.param(
            {"starts_at": in_days(-1), "ends_at": in_days(-1, 20)}, "starts_at", id="past"
        ),
        pytest.param({"rsvp_deadline": in_days(8)}, "rsvp_deadline", id="deadline-after"),
        pytest.param({"capacity": 0}, "capacity", id="no-places"),
        pytest.param({"title": ""}, "title", id="no-title"),
    ],
)
def test_bad_meetups_are_refused_and_nothing_is_posted(host, room, overrides, field):
    with pytest.raises(Invalid) as refused:
        meetup_services.meetup_create(user=host, group_id=room.group.pk, fields=fields(**overrides))

    assert field in refused.value.fields
    assert Meetup.objects.count() == 0
    assert Message.objects.count() == 0


@pytest.mark.django_db
def test_weekly_series_keeps_the_wall_clock_time_across_the_dst_change(host, room):
    # 18.00 on the Monday before summer time ends in 2027 (31 Oct), then two more weeks
    start = datetime(2027, 10, 25, 18, 0, tzinfo=STOCKHOLM)

    created = meetup_services.meetup_create(
        user=host,
        group_id=room.group.pk,
        fields=fields(starts_at=start, ends_at=start + timedelta(hours=2)),
        recurrence="weekly",
        occurrences=3,
    )

    utc = [m.starts_at.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%d %H:%M") for m in created]
    local = [timezone.localtime(m.starts_at, STOCKHOLM).strftime("%H:%M") for m in created]
    assert utc == ["2027-10-25 16:00", "2027-11-01 17:00", "2027-11-08 17:00"]
    assert local == ["18:00", "18:00", "18:00"]
    assert len({m.series for m in created}) == 1
    assert Message.objects.filter(meetup__isnull=False).count() == 1  # one card for the series


@pytest.mark.django_db
def test_meetup_entered_in_spring_forward_week_is_stored_in_utc(host, room):
    start = datetime(2027, 3, 28, 13, 0, tzinfo=STOCKHOLM)  # the Sunday summer time begins

    [meetup] = meetup_services.meetup_create(
        user=host,
        group_id=room.group.pk,
        fields=fields(starts_at=start, ends_at=start + timedelta(hours=1)),
    )

    meetup.refresh_from_db()
    assert meetup.starts_at.astimezone(ZoneInfo("UTC")).hour == 11  # CEST is UTC+2


# --- RSVP and waitlist -----------------------------------------------------------------


@pytest.fixture
def full_meetup(host, room):
    [meetup] = meetup_services.meetup_create(
        user=host, group_id=room.group.pk, fields=fields(capacity=1)
    )
    return meetup


@pytest.mark.django_db
def test_waitlist_in_order_and_promotion_on_cancel(full_meetup, room, municipalities):
    first, second, third = (UserFactory() for _ in range(3))
    join(room.group, first, second, third)

    going = rsvps.rsvp_set(user=first, meetup_id=full_meetup.pk, status="going")
    waiting_one = rsvps.rsvp_set(user=second, meetup_id=full_meetup.pk, status="going")
    waiting_two = rsvps.rsvp_set(user=third, meetup_id=full_meetup.pk, status="going")
    rsvps.rsvp_set(user=first, meetup_id=full_meetup.pk, status="not_going")

    assert (going.rsvp.status, going.waitlist_position) == ("going", None)
    assert (waiting_one.rsvp.status, waiting_one.waitlist_position) == ("waitlisted", 1)
    assert waiting_two.waitlist_position == 2
    statuses = dict(Rsvp.objects.values_list("user__display_name", "status"))
    assert statuses == {
        first.display_name: "not_going",
        second.display_name: "going",
        third.display_name: "waitlisted",
    }
    assert Notification.objects.get(user=second).kind == "waitlist_promoted"
    assert rsvps.waitlist_position(Rsvp.objects.get(user=third)) == 1


@pytest.mark.django_db
def test_answering_again_keeps_the_place_in_line(full_meetup, room, municipalities):
    first, second = UserFactory(), UserFactory()
    join(room.group, first, second)
    rsvps.rsvp_set(user=first, meetup_id=full_meetup.pk, status="going")
    rsvps.rsvp_set(user=second, meetup_id=full_meetup.pk, status="going")

    again = rsvps.rsvp_set(
        user=second,
        meetup_id=full_meetup.pk,
        status="going",
        needs=rsvps.Needs(respite=True, note="Jag behöver någon hos pappa."),
    )

    assert (again.rsvp.status, again.waitlist_position) == ("waitlisted", 1)
    assert again.rsvp.needs_respite is True


@pytest.mark.django_db
def test_rsvp_refusals_change_nothing(full_meetup, room, member, host):
    with pytest.raises(Forbidden):
        rsvps.rsvp_set(user=member, meetup_id=full_meetup.pk, status="going")  # not a member
    join(room.group, member)
    with pytest.raises(Invalid):
        rsvps.rsvp_set(user=member, meetup_id=full_meetup.pk, status="maybe")
    meetup_services.meetup_cancel(user=host, meetup_id=full_meetup.pk, reason="Sjukdom")
    with pytest.raises(Conflict):
        rsvps.rsvp_set(user=member, meetup_id=full_meetup.pk, status="going")

    assert Rsvp.objects.count() == 0


@pytest.mark.django_db
def test_capacity_cannot_shrink_below_those_going_and_growing_promotes(host, room):
    [meetup] = meetup_services.meetup_create(
        user=host, group_id=room.group.pk, fields=fields(capacity=2)
    )
    first, second, third = UserFactory(), UserFactory(), UserFactory()
    join(room.group, first, second, third)
    for person in (first, second, third):
        rsvps.rsvp_set(user=person, meetup_id=meetup.pk, status="going")

    with pytest.raises(Conflict):
        meetup_services.meetup_update(user=host, meetup_id=meetup.pk, fields=fields(capacity=1))
    updated = meetup_services.meetup_update(
        user=host, meetup_id=meetup.pk, fields=fields(capacity=3)
    )

    assert updated.sequence == 1
    assert Rsvp.objects.get(user=third).status == "going"
    assert Notification.objects.get(user=third, kind="waitlist_promoted")


@pytest.mark.django_db(transaction=True)
def test_concurrent_rsvps_never_exceed_capacity_on_postgresql(municipalities):
    require_postgres()
    room = GroupRoomFactory(slug="rusning")
    host = MembershipFactory(group=room.group, role="host").user
    [meetup] = meetup_services.meetup_create(
        user=host, group_id=room.group.pk, fields=fields(capacity=5)
    )
    people = [UserFactory() for _ in range(20)]
    join(room.group, *people)
    barrier, errors = threading.Barrier(20), []

    def answer(user):
        try:
            barrier.wait()
            rsvps.rsvp_set(user=user, meetup_id=meetup.pk, status="going")
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=answer, args=(u,)) for u in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    counts = {
        s: Rsvp.objects.filter(meetup=meetup, status=s).count() for s in ("going", "waitlisted")
    }
    assert counts == {"going": 5, "waitlisted": 15}
    positions = sorted(rsvps.waitlist_position(r) for r in Rsvp.objects.filter(status="waitlisted"))
    assert positions == list(range(1, 16))


# --- cancellation, reminders, calendar ---------------------------------------------------


@pytest.mark.django_db
def test_cancel_tells_those_going_and_posts_a_card(full_meetup, room, host, member):
    join(room.group, member)
    rsvps.rsvp_set(user=member, meetup_id=full_meetup.pk, status="going")

    meetup_services.meetup_cancel(user=host, meetup_id=full_meetup.pk, reason="Ledaren är sjuk.")

    full_meetup.refresh_from_db()
    assert (full_meetup.status, full_meetup.sequence) == ("cancelled", 1)
    assert Message.objects.filter(room=room).last().body.startswith("Inställd: Fika och prat")
    assert Notification.objects.filter(user=member, kind="meetup_changed").count() == 1


@pytest.mark.django_db
def test_reminders_go_out_once_whatever_how_often_the_command_runs(host, room, member):
    join(room.group, member)
    now = timezone.now()
    [tomorrow] = meetup_services.meetup_create(
        user=host,
        group_id=room.group.pk,
        fields=fields(starts_at=now + timedelta(hours=20), ends_at=now + timedelta(hours=22)),
    )
    [soon] = meetup_services.meetup_create(
        user=host,
        group_id=room.group.pk,
        fields=fields(starts_at=now + timedelta(minutes=90), ends_at=now + timedelta(hours=3)),
    )
    for meetup in (tomorrow, soon):
        rsvps.rsvp_set(user=member, meetup_id=meetup.pk, status="going")

    first = reminders.reminders_send(now=now)
    second = reminders.reminders_send(now=now + timedelta(minutes=1))

    assert (first.day_before, first.hours_before) == (1, 1)
    assert (second.day_before, second.hours_before) == (0, 0)
    assert ReminderSent.objects.count() == 2
    assert Notification.objects.filter(user=member, kind="meetup_reminder").count() == 2


@pytest.mark.django_db
def test_a_no_show_gets_one_kind_word_never_a_strike(host, room, member, other_member):
    join(room.group, member, other_member)
    now = timezone.now()
    [meetup] = meetup_services.meetup_create(user=host, group_id=room.group.pk, fields=fields())
    for person in (member, other_member):
        rsvps.rsvp_set(user=person, meetup_id=meetup.pk, status="going")
    Meetup.objects.filter(pk=meetup.pk).update(
        starts_at=now - timedelta(hours=6), ends_at=now - timedelta(hours=4)
    )
    Rsvp.objects.filter(user=other_member).update(checked_in_at=now - timedelta(hours=5))

    sent = reminders.reminders_send(now=now)
    again = reminders.reminders_send(now=now)

    assert (sent.missed_you, again.missed_you) == (1, 0)
    assert Notification.objects.get(kind="missed_you").user == member
    assert Membership.objects.get(user=member, group=room.group).status == "active"


@pytest.mark.django_db
def test_ics_is_valid_and_parses_back_with_uid_times_sequence_and_status(full_meetup, host):
    meetup_services.meetup_update(
        user=host, meetup_id=full_meetup.pk, fields=fields(capacity=1, venue_name="Kulturhuset")
    )
    meetup_services.meetup_cancel(user=host, meetup_id=full_meetup.pk, reason="Stormvarning")
    full_meetup.refresh_from_db()

    parsed = Calendar.from_ical(calendar.calendar_for([full_meetup]))

    [event] = parsed.walk("VEVENT")
    assert str(event["UID"]) == f"{full_meetup.uid}@bredvid"
    assert event.decoded("DTSTART") == full_meetup.starts_at
    assert event.decoded("DTSTART").utcoffset() == timedelta(0)
    assert event.decoded("DTEND") == full_meetup.ends_at
    assert int(event["SEQUENCE"]) == 2
    assert str(event["STATUS"]) == "CANCELLED"
    assert "Kulturhuset" in str(event["LOCATION"])
    assert str(parsed["VERSION"]) == "2.0"
