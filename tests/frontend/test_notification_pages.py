"""The bell in every page's header, the list at /notiser/ and the settings page."""

import datetime as dt

import pytest
from django.utils import translation

from chat.models import MutedMember
from community import services
from community.models import Notification, NotificationPreferences, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, member):
    client.force_login(member)
    return client


@pytest.fixture
def notes(member, other_member):
    made = [
        services.notify(user=member, kind="meetup_new", title=f"Ny träff {n}") for n in (1, 2, 3)
    ]
    services.notify(user=other_member, kind="meetup_new", title="Inte din")
    return made


def _bell(html: str) -> str:
    start = html.index('id="notification-bell"')
    return html[start : html.index("</a>", start)]


@pytest.mark.parametrize(
    "path", ["/hem/", "/profil/", "/rum/", "/notiser/", "/profil/installningar/"]
)
def test_the_bell_is_on_every_page_with_the_unread_count(signed_in, notes, path):
    with translation.override("en"):
        html = signed_in.get(path, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    bell = _bell(html)
    assert 'data-count="3"' in bell
    assert '<span class="bell__count">3</span>' in bell
    assert "js/notifications/bell" in html


def test_the_bell_says_its_count(signed_in, member, notes):
    member.preferred_language = "en"
    member.save()
    many = _bell(signed_in.get("/hem/", HTTP_ACCEPT_LANGUAGE="en").content.decode())
    services.notifications_mark_read(user=member, ids=[notes[0].pk, notes[1].pk])
    one = _bell(signed_in.get("/hem/", HTTP_ACCEPT_LANGUAGE="en").content.decode())

    assert 'aria-label="Notifications, 3 unread"' in many
    assert 'data-many="Notifications, {n} unread"' in many
    assert 'aria-label="Notifications, 1 unread"' in one


def test_signed_out_pages_have_no_bell(client, municipalities):
    html = client.get("/").content.decode()

    assert "notification-bell" not in html
    assert "bell.js" not in html


def test_the_list_shows_only_mine_and_marks_one_then_all(signed_in, member, other_member, notes):
    page = signed_in.get("/notiser/").content.decode()
    assert [t for t in ("Ny träff 1", "Ny träff 2", "Ny träff 3", "Inte din") if t in page] == [
        "Ny träff 1",
        "Ny träff 2",
        "Ny träff 3",
    ]

    one = signed_in.post("/notiser/", {"id": str(notes[0].pk)})
    assert (one.status_code, one["Location"]) == (302, "/notiser/")
    assert list(Notification.objects.filter(user=member, read_at__isnull=False)) == [notes[0]]

    signed_in.post("/notiser/", {"all": "1"})
    assert not Notification.objects.filter(user=member, read_at__isnull=True).exists()
    assert Notification.objects.get(user=other_member).read_at is None


def test_marking_someone_elses_or_nonsense_changes_nothing(signed_in, other_member, notes):
    theirs = Notification.objects.get(user=other_member)

    for body in ({"id": str(theirs.pk)}, {"id": "x"}, {"id": "9" * 40}, {}):
        assert signed_in.post("/notiser/", body).status_code == 302

    assert not Notification.objects.filter(read_at__isnull=False).exists()


def test_pages_need_sign_in(client, municipalities):
    for path in ("/notiser/", "/profil/installningar/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/konto/login/")


def test_settings_saves_privacy(signed_in, member):
    response = signed_in.post("/profil/installningar/", {"action": "privacy", "hide_typing": "on"})

    member.refresh_from_db()
    assert response.status_code == 302
    assert (member.hide_typing, member.hide_read_position) == (True, False)


def test_settings_lists_and_unmutes_members(signed_in, member, other_member):
    MutedMember.objects.create(user=member, muted=other_member)
    assert "Havsörn" in signed_in.get("/profil/installningar/").content.decode()

    signed_in.post("/profil/installningar/", {"action": "unmute", "user": str(other_member.pk)})
    again = signed_in.post("/profil/installningar/", {"action": "unmute", "user": "x"})

    assert again.status_code == 302
    assert not MutedMember.objects.exists()


def test_settings_saves_notification_choices(signed_in, member):
    form = {
        "action": "notifications",
        "quiet_start": "22:00",
        "quiet_end": "07:00",
        "mention.in_app": "on",
        **{f"{k}.in_app": "on" for k in ("warning", "meetup_new")},
    }

    response = signed_in.post("/profil/installningar/", form)

    assert response.status_code == 302
    stored = NotificationPreferences.objects.get(user=member)
    assert stored.kinds["mention"] == {"in_app": True, "email": False, "push": False}
    assert stored.kinds["talk_answer"] == {"in_app": False, "email": False, "push": False}
    assert (stored.quiet_start, stored.quiet_end) == (dt.time(22, 0), dt.time(7, 0))
    page = signed_in.get("/profil/installningar/").content.decode()
    assert 'name="mention.in_app" checked' in page
    assert 'name="mention.push">' in page
    assert 'value="22:00"' in page


@pytest.mark.parametrize(
    ("start", "end"),
    [("22:00", ""), ("22:00", "22:00"), ("25:00", "07:00"), ("kväll", "07:00")],
)
def test_settings_refuses_bad_quiet_hours_and_saves_nothing(signed_in, member, start, end):
    form = {"action": "notifications", "quiet_start": start, "quiet_end": end}

    response = signed_in.post("/profil/installningar/", form)

    assert response.status_code == 400
    assert 'class="error-summary"' in response.content.decode()
    assert not NotificationPreferences.objects.exists()
    assert User.objects.get(pk=member.pk).hide_typing is False


def test_settings_offer_push_on_this_device_with_the_neutral_promise(signed_in, member):
    html = signed_in.get("/profil/installningar/").content.decode()

    assert "data-push-toggle hidden" in html
    assert 'data-key-url="/api/v1/push/key/"' in html
    assert 'data-subscriptions-url="/api/v1/me/push-subscriptions/"' in html
    assert f'data-person="{member.pk}"' in html
    assert "Aviseringar på den här enheten" in html
    assert "Låsskärmen visar bara ”Du har något nytt i Bredvid”" in html
