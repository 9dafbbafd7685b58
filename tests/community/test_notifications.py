"""The notification centre: one ``notify`` asks one policy which channels to use; the app
channel stores a row and rings every socket of that person, live."""

import datetime as dt
import zoneinfo

import pytest
from asgiref.sync import sync_to_async
from django.core import mail
from django.utils import timezone

from community import policies, services
from community.models import Notification, NotificationPreferences
from tests.factories import UserFactory
from tests.ws import drain, open_socket, receive_type

PREFS = "/api/v1/me/notification-preferences/"
STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
ALL_KINDS = [
    "meetup_new",
    "meetup_changed",
    "meetup_reminder",
    "missed_you",
    "waitlist_promoted",
    "join_request",
    "join_answer",
    "age_band",
    "talk_request",
    "talk_proposal",
    "talk_answer",
    "support_conversation",
    "warning",
    "report_answered",
    "mention",
]


def at(hour: int, minute: int = 0) -> dt.datetime:
    """A winter evening in Stockholm (UTC+1)."""
    return dt.datetime(2026, 12, 1, hour, minute, tzinfo=STOCKHOLM)


def _prefs(user, *, kinds=None, start=None, end=None) -> NotificationPreferences:
    return NotificationPreferences.objects.create(
        user=user, kinds=kinds or {}, quiet_start=start, quiet_end=end
    )


# --- fan-out ------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
async def test_notify_stores_one_row_and_rings_every_socket_of_that_person_only(
    member, other_member
):
    # given two sockets of the member (phone and laptop) and one of someone else
    phone, laptop, theirs = (
        await open_socket(member),
        await open_socket(member),
        await open_socket(other_member),
    )
    try:
        # when
        note = await sync_to_async(services.notify)(
            user=member, kind="meetup_reminder", title="Träff i morgon", url="/grupper/1/"
        )
        # then
        stored = await sync_to_async(list)(Notification.objects.values_list("user_id", "title"))
        assert stored == [(member.pk, "Träff i morgon")]
        expected = {
            "type": "notification.new",
            "notification": {
                "id": note.pk,
                "kind": "meetup_reminder",
                "title": "Träff i morgon",
                "body": "",
                "url": "/grupper/1/",
                "created_at": note.created_at.isoformat(),
                "read_at": None,
            },
        }
        for socket in (phone, laptop):
            assert await receive_type(socket, "notification.new") == expected
            assert [f["type"] for f in await drain(socket)] == []
        assert [f for f in await drain(theirs) if f["type"] == "notification.new"] == []
    finally:
        for socket in (phone, laptop, theirs):
            await socket.disconnect()


@pytest.mark.django_db
def test_the_frame_is_sent_only_after_commit(
    member, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "PUSH_DELIVER", [])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.notify(user=member, kind="mention", title="Någon nämnde dig")

    assert len(callbacks) == 1  # the socket frame; no e-mail, no push deliverer


@pytest.mark.django_db
def test_push_deliverers_are_called_after_commit_where_the_policy_says_push(
    member, other_member, monkeypatch, django_capture_on_commit_callbacks
):
    delivered = []
    monkeypatch.setattr(
        services, "PUSH_DELIVER", [lambda *, notification: delivered.append(notification)]
    )
    _prefs(other_member, kinds={"mention": {"push": False}})

    with django_capture_on_commit_callbacks(execute=True):
        mine = services.notify(user=member, kind="mention", title="A")
        services.notify(user=other_member, kind="mention", title="B")

    assert delivered == [mine]


# --- the policy ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("when", "expected"),
    [
        pytest.param(at(21, 59), {"in_app", "email", "push"}, id="before"),
        pytest.param(at(22, 0), {"in_app"}, id="start"),
        pytest.param(at(23, 30), {"in_app"}, id="night"),
        pytest.param(at(3, 0), {"in_app"}, id="after-midnight"),
        pytest.param(at(6, 59), {"in_app"}, id="last-minute"),
        pytest.param(at(7, 0), {"in_app", "email", "push"}, id="end"),
        pytest.param(at(12, 0), {"in_app", "email", "push"}, id="day"),
    ],
)
def test_quiet_hours_mute_email_and_push_never_the_app(member, when, expected):
    member.email_notifications = True
    member.save()
    _prefs(member, start=dt.time(22, 0), end=dt.time(7, 0))

    channels = policies.notification_channels(user=member, kind="meetup_reminder", at=when)

    assert channels == frozenset(expected)


@pytest.mark.django_db
def test_quiet_hours_are_stockholm_time_not_utc(member):
    _prefs(member, start=dt.time(9, 0), end=dt.time(10, 0))
    # 08:30 UTC is 09:30 in Stockholm in winter
    utc = dt.datetime(2026, 12, 1, 8, 30, tzinfo=dt.UTC)

    assert policies.notification_channels(user=member, kind="mention", at=utc) == {"in_app"}


@pytest.mark.django_db
def test_defaults_follow_the_email_switch_and_kinds_override(member):
    noon = at(12)
    assert policies.notification_channels(user=member, kind="mention", at=noon) == {
        "in_app",
        "push",
    }
    _prefs(member, kinds={"mention": {"in_app": False, "email": True}})
    member.refresh_from_db()

    assert policies.notification_channels(user=member, kind="mention", at=noon) == {
        "email",
        "push",
    }
    assert policies.notification_channels(user=member, kind="warning", at=noon) == {
        "in_app",
        "push",
    }


@pytest.mark.django_db
def test_a_paused_account_gets_nothing_outside_the_app(member):
    member.email_notifications = True
    member.is_active = False
    member.save()

    assert policies.notification_channels(user=member, kind="mention", at=at(12)) == {"in_app"}


@pytest.mark.django_db
def test_notify_follows_the_policy_for_rows_and_email(
    member, monkeypatch, django_capture_on_commit_callbacks
):
    _prefs(member, kinds={"mention": {"in_app": False, "email": True}})
    member.refresh_from_db()
    monkeypatch.setattr(timezone, "now", lambda: at(12).astimezone(dt.UTC))

    with django_capture_on_commit_callbacks(execute=True):
        note = services.notify(user=member, kind="mention", title="Någon nämnde dig")

    assert note.pk is None
    assert Notification.objects.count() == 0
    assert [(m.subject, m.to) for m in mail.outbox] == [("Du har en ny notis", [member.email])]


@pytest.mark.django_db
def test_quiet_hours_hold_back_email_in_notify(
    member, monkeypatch, django_capture_on_commit_callbacks
):
    member.email_notifications = True
    member.save()
    _prefs(member, start=dt.time(22, 0), end=dt.time(7, 0))
    member.refresh_from_db()
    monkeypatch.setattr(timezone, "now", lambda: at(23).astimezone(dt.UTC))

    with django_capture_on_commit_callbacks(execute=True):
        services.notify(user=member, kind="meetup_reminder", title="Träff")

    assert mail.outbox == []
    assert Notification.objects.filter(user=member).count() == 1


# --- preferences over REST ----------------------------------------------------------------


@pytest.mark.django_db
def test_preferences_default_shape(member_api):
    response = member_api.get(PREFS)

    assert response.status_code == 200
    assert response.json() == {
        "kinds": {k: {"in_app": True, "email": False, "push": True} for k in ALL_KINDS},
        "quiet_hours": None,
    }


@pytest.mark.django_db
def test_patch_changes_only_what_it_names(member_api, member):
    first = member_api.patch(
        PREFS,
        {"kinds": {"mention": {"push": False}}, "quiet_hours": {"start": "22:00", "end": "07:00"}},
        format="json",
    )
    second = member_api.patch(PREFS, {"kinds": {"mention": {"email": True}}}, format="json")

    assert first.status_code == second.status_code == 200
    body = second.json()
    assert body["kinds"]["mention"] == {"in_app": True, "email": True, "push": False}
    assert body["kinds"]["warning"] == {"in_app": True, "email": False, "push": True}
    assert body["quiet_hours"] == {"start": "22:00", "end": "07:00"}
    stored = NotificationPreferences.objects.get(user=member)
    assert stored.kinds == {"mention": {"push": False, "email": True}}
    assert (stored.quiet_start, stored.quiet_end) == (dt.time(22, 0), dt.time(7, 0))

    ended = member_api.patch(PREFS, {"quiet_hours": None}, format="json")
    assert ended.json()["quiet_hours"] is None
    assert ended.json()["kinds"]["mention"] == {"in_app": True, "email": True, "push": False}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field"),
    [
        pytest.param({"kinds": {"gossip": {"push": True}}}, "kinds", id="unknown-kind"),
        pytest.param({"kinds": {"mention": {"sms": True}}}, "kinds", id="unknown-channel"),
        pytest.param({"kinds": {"mention": {"push": "kanske"}}}, "kinds", id="not-bool"),
        pytest.param({"kinds": {"mention": True}}, "kinds", id="not-object"),
        pytest.param({"kinds": []}, "kinds", id="kinds-list"),
        pytest.param({"quiet_hours": {"start": "22:00"}}, "quiet_hours", id="no-end"),
        pytest.param({"quiet_hours": {"start": "25:00", "end": "07:00"}}, "quiet_hours", id="25h"),
        pytest.param({"quiet_hours": {"start": "22", "end": "07:00"}}, "quiet_hours", id="no-min"),
        pytest.param({"quiet_hours": {"start": "22:00", "end": "22:00"}}, "quiet_hours", id="same"),
        pytest.param({"quiet_hours": "natt"}, "quiet_hours", id="not-object"),
    ],
)
def test_bad_preferences_are_invalid_and_change_nothing(member_api, member, body, field):
    _prefs(member, kinds={"warning": {"email": True}}, start=dt.time(1, 0), end=dt.time(2, 0))

    response = member_api.patch(PREFS, body, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["fields"]) == [field]
    stored = NotificationPreferences.objects.get(user=member)
    assert (stored.kinds, stored.quiet_start, stored.quiet_end) == (
        {"warning": {"email": True}},
        dt.time(1, 0),
        dt.time(2, 0),
    )


@pytest.mark.django_db
def test_preferences_signed_out(api):
    assert api.get(PREFS).status_code == 401
    assert api.patch(PREFS, {"quiet_hours": None}, format="json").status_code == 401
    assert NotificationPreferences.objects.count() == 0


@pytest.mark.django_db
def test_preferences_are_ones_own(member_api, member, other_member):
    member_api.patch(PREFS, {"kinds": {"mention": {"in_app": False}}}, format="json")

    assert list(NotificationPreferences.objects.values_list("user_id", flat=True)) == [member.pk]
    theirs = UserFactory()
    assert policies.notification_channels(user=theirs, kind="mention", at=at(12)) == {
        "in_app",
        "push",
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("utc", "quiet"),
    [
        pytest.param(dt.datetime(2026, 7, 1, 20, 30, tzinfo=dt.UTC), True, id="summer-22.30"),
        pytest.param(dt.datetime(2026, 7, 1, 19, 30, tzinfo=dt.UTC), False, id="summer-21.30"),
        pytest.param(dt.datetime(2026, 12, 1, 20, 30, tzinfo=dt.UTC), False, id="winter-21.30"),
        pytest.param(dt.datetime(2026, 12, 1, 21, 30, tzinfo=dt.UTC), True, id="winter-22.30"),
    ],
)
def test_quiet_hours_follow_summer_time(member, utc, quiet):
    _prefs(member, start=dt.time(22, 0), end=dt.time(7, 0))

    channels = policies.notification_channels(user=member, kind="mention", at=utc)

    assert channels == ({"in_app"} if quiet else {"in_app", "push"})
