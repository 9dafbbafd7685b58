"""Deleting an account: the request with its grace period, undoing it by signing in, the
command that finishes it, and what is left afterwards (walked from the privacy registry)."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import models
from django.test import Client
from django.utils import timezone, translation
from knox.models import AuthToken
from rest_framework.test import APIClient

from chat.models import Message, Room
from community import erasure, privacy, services
from community.errors import Conflict, NotFound
from community.models import ERASED_BIRTH_YEAR
from moderation.models import AuditEntry, CrisisCard, Report, Sanction
from tests.community.privacy_life import NEEDS, PRIVATE_TEXTS, SECRET_TEXT, live

User = get_user_model()


@pytest.fixture
def life(member, other_member, coordinator):
    return live(member=member, other=other_member, coordinator=coordinator)


def _token_client(user) -> tuple[APIClient, str]:
    key = services.token_create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client, key


def _snapshot(user) -> tuple:
    user.refresh_from_db()
    return (
        user.erase_after,
        user.erased_at,
        user.email,
        AuthToken.objects.filter(user=user).count(),
    )


# --- the request ---------------------------------------------------------------------------


def test_delete_me_answers_202_with_the_day_it_happens(member, password):
    client, _key = _token_client(member)
    before = timezone.now()

    response = client.delete("/api/v1/me/", {"password": password}, format="json")

    assert response.status_code == 202
    member.refresh_from_db()
    assert response.json() == {"erase_after": member.erase_after.isoformat()}
    assert before + timedelta(days=14) <= member.erase_after <= timezone.now() + timedelta(days=14)
    assert member.erased_at is None


def _session_client(member) -> APIClient:
    client = APIClient(enforce_csrf_checks=False)
    client.force_login(member)
    return client


@pytest.mark.parametrize("signed_in_by", ["token", "session"])
@pytest.mark.parametrize(
    "body",
    [{"password": "wrong-password"}, {"password": ""}, {"password": 42}, []],
    ids=["wrong", "empty", "number", "not-an-object"],
)
def test_delete_me_with_bad_input_changes_nothing(member, body, signed_in_by):
    client = _token_client(member)[0] if signed_in_by == "token" else _session_client(member)
    before = _snapshot(member)

    response = client.delete("/api/v1/me/", body, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert _snapshot(member) == before
    assert client.get("/api/v1/me/").status_code == 200  # still signed in


def test_a_browser_session_must_confirm_with_the_password(member):
    client = _session_client(member)
    before = _snapshot(member)

    response = client.delete("/api/v1/me/", {}, format="json")

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["password"]
    assert _snapshot(member) == before


def test_a_token_client_may_delete_without_the_password(member):
    # the contract's plain DELETE /api/v1/me/: the token already took the password
    client, _key = _token_client(member)

    response = client.delete("/api/v1/me/")

    assert response.status_code == 202
    member.refresh_from_db()
    assert response.json() == {"erase_after": member.erase_after.isoformat()}


def test_a_wrong_password_names_the_field(member):
    client, _key = _token_client(member)

    response = client.delete("/api/v1/me/", {"password": "nope"}, format="json")

    assert list(response.json()["fields"]) == ["password"]


def test_delete_me_ends_every_token_and_session_at_once(member, password):
    api_client, _key = _token_client(member)
    other_device, _other = _token_client(member)
    browser = Client()
    browser.force_login(member)
    assert browser.get("/api/v1/me/").status_code == 200

    api_client.delete("/api/v1/me/", {"password": password}, format="json")

    assert other_device.get("/api/v1/me/").status_code == 401
    assert browser.get("/api/v1/me/").status_code == 401
    assert AuthToken.objects.filter(user=member).count() == 0


def test_a_second_delete_is_not_signed_in_and_changes_nothing(member, password):
    client, _key = _token_client(member)
    client.delete("/api/v1/me/", {"password": password}, format="json")
    before = _snapshot(member)

    response = client.delete("/api/v1/me/", {"password": password}, format="json")

    assert response.status_code == 401
    assert response.json()["code"] == "not_signed_in"
    assert _snapshot(member) == before


def test_the_service_refuses_a_second_request(member, password):
    erasure.account_erasure_request(user=member, password=password)
    before = _snapshot(member)

    with pytest.raises(Conflict):
        erasure.account_erasure_request(user=member, password=password)
    assert _snapshot(member) == before


def test_signed_out_delete_is_401(api, member, password):
    response = api.delete("/api/v1/me/", {"password": password}, format="json")

    assert response.status_code == 401
    member.refresh_from_db()
    assert member.erase_after is None


# --- while it waits -----------------------------------------------------------------------


def test_a_pending_account_is_hidden_from_member_lists_and_cannot_post(
    member, other_member, password
):
    from groups.models import Membership
    from tests.factories import GroupRoomFactory

    room = GroupRoomFactory()
    Membership.objects.create(group=room.group, user=member, role="member", status="active")
    Membership.objects.create(group=room.group, user=other_member, role="member", status="active")
    erasure.account_erasure_request(user=member, password=password)
    member.refresh_from_db()
    viewer = APIClient()
    viewer.force_authenticate(other_member)

    names = viewer.get(f"/api/v1/groups/{room.group_id}/members/").json()["results"]

    assert [n["display_name"] for n in names] == [other_member.display_name]
    from chat import services as chat_services
    from community.errors import BredvidError

    with pytest.raises(BredvidError):
        chat_services.message_send(user=member, room_id=room.pk, body="Hej", client_id="x1")
    assert not Message.objects.filter(author=member).exists()


# --- undoing it by signing in ---------------------------------------------------------------


def test_signing_in_for_a_token_undoes_it_and_says_so(api, member, password):
    erasure.account_erasure_request(user=member, password=password)

    response = api.post("/api/v1/auth/token/", {"email": member.email, "password": password})

    assert response.status_code == 200
    assert response.json()["erasure_cancelled"] is True
    member.refresh_from_db()
    assert member.erase_after is None


def test_an_ordinary_sign_in_says_nothing_was_cancelled(api, member, password):
    response = api.post("/api/v1/auth/token/", {"email": member.email, "password": password})

    assert response.json()["erasure_cancelled"] is False


def test_a_wrong_password_during_the_grace_period_undoes_nothing(api, member, password):
    erasure.account_erasure_request(user=member, password=password)
    before = _snapshot(member)

    response = api.post("/api/v1/auth/token/", {"email": member.email, "password": "fel"})

    assert response.status_code == 400
    assert _snapshot(member) == before


def test_signing_in_on_the_page_undoes_it_and_says_so(client, member, password):
    erasure.account_erasure_request(user=member, password=password)

    response = client.post(
        "/konto/login/",
        {"login": member.email, "password": password},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )

    member.refresh_from_db()
    assert member.erase_after is None
    assert "Your account will not be deleted" in response.content.decode()
    assert client.get("/api/v1/me/").status_code == 200  # the new session holds


def test_the_command_leaves_an_undone_request_alone(member, password):
    erasure.account_erasure_request(user=member, password=password)
    erasure.account_erasure_cancel(user=member)

    erased = erasure.accounts_erase_due(now=timezone.now() + timedelta(days=30))

    assert erased == []
    member.refresh_from_db()
    assert member.erased_at is None


# --- the command ---------------------------------------------------------------------------


def test_the_command_erases_only_what_is_due_and_is_idempotent(member, other_member, password):
    erasure.account_erasure_request(user=member, password=password)
    member.refresh_from_db()
    due = member.erase_after

    assert erasure.accounts_erase_due(now=due - timedelta(seconds=1)) == []
    assert erasure.accounts_erase_due(now=due) == [member.pk]
    assert erasure.accounts_erase_due(now=due + timedelta(hours=1)) == []

    member.refresh_from_db()
    other_member.refresh_from_db()
    assert member.erased_at is not None
    assert other_member.erased_at is None
    entries = AuditEntry.objects.filter(target_type="user", target_id=str(member.pk))
    assert [(e.action, e.actor_id) for e in entries] == [("account.erase_requested", None)]


def test_manage_erase_accounts(member, password, capsys):
    erasure.account_erasure_request(user=member, password=password)
    User.objects.filter(pk=member.pk).update(erase_after=timezone.now() - timedelta(minutes=1))

    call_command("erase_accounts")
    call_command("erase_accounts")

    assert capsys.readouterr().out == "erased: 1 accounts\nerased: 0 accounts\n"


# --- what is left ---------------------------------------------------------------------------


def _text_values(row) -> list[str]:
    found = []
    for field in row._meta.concrete_fields:
        value = getattr(row, field.attname)
        if isinstance(field, models.JSONField):
            found.append(repr(value))
        elif isinstance(value, str):
            found.append(value)
    return found


def test_erasure_walks_the_registry_and_leaves_no_personal_value(life):
    member = life.member
    email, name = member.email, member.display_name
    holdings = privacy.holdings()
    kept = {h.label: list(h.rows_of(user=member).values_list("pk", flat=True)) for h in holdings}

    erasure.account_erase(user_id=member.pk)

    member.refresh_from_db()
    for holding in holdings:
        model = holding.model._default_manager
        if holding.erase == privacy.Erase.DELETE:
            assert not model.filter(pk__in=kept[holding.label]).exists(), holding.label
            continue
        rows = list(model.filter(pk__in=kept[holding.label]))
        assert len(rows) == len(kept[holding.label]), holding.label  # the rows stay
        for row in rows:
            texts = " ".join(_text_values(row))
            assert email not in texts, holding.label
            assert SECRET_TEXT not in texts, holding.label
            assert NEEDS not in texts, holding.label
            if holding.erase == privacy.Erase.BLANK:
                for field, value in holding.blank.items():
                    expected = value(row) if callable(value) else value
                    if field != "password":
                        assert getattr(row, field) == expected, (holding.label, field)
            if holding.model is not Message:  # others' threads keep the words said there
                assert name not in texts, holding.label
    assert member.birth_year == ERASED_BIRTH_YEAR
    assert member.cares_for == []
    assert not member.has_usable_password()
    assert not member.is_active
    with translation.override("en"):
        assert str(member) == "deleted member"


def test_nothing_the_member_wrote_in_private_is_left_anywhere(life):
    email, name = life.member.email, life.member.display_name

    erasure.account_erase(user_id=life.member.pk)

    for model in apps.get_models():
        for row in model._default_manager.all():
            texts = " ".join(_text_values(row))
            for text in (*PRIVATE_TEXTS, email):
                assert text not in texts, (model._meta.label, text)
            if model is not Message:  # others' threads keep what was said there
                assert name not in texts, model._meta.label


def test_reports_sanctions_and_crisis_cards_keep_their_rows(life):
    erasure.account_erase(user_id=life.member.pk)

    report = Report.objects.get(pk=life.report.pk)
    assert (report.reason, report.note, report.reporter_id) == ("harassment", "", life.member.pk)
    assert Sanction.objects.filter(user=life.member, reason="Var snäll i rummet").exists()
    assert CrisisCard.objects.filter(user=life.member).count() == 1


def test_support_conversation_keeps_staff_words_not_the_members(life):
    erasure.account_erase(user_id=life.member.pk)

    room = Room.objects.get(pk=life.support_room.pk)
    assert room.name == "Borttagen medlem"
    assert room.is_archived
    texts = list(room.messages.order_by("seq").values_list("body", "state"))
    assert texts == [("Hur mår du idag?", "visible"), ("", "deleted")]


def test_an_erased_account_cannot_sign_in(api, member, password):
    email = member.email
    erasure.account_erase(user_id=member.pk)

    response = api.post("/api/v1/auth/token/", {"email": email, "password": password})

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_erasing_twice_is_not_found_and_changes_nothing(member):
    erasure.account_erase(user_id=member.pk)
    member.refresh_from_db()
    before = (member.erased_at, AuditEntry.objects.count())

    with pytest.raises(NotFound):
        erasure.account_erase(user_id=member.pk)

    member.refresh_from_db()
    assert (member.erased_at, AuditEntry.objects.count()) == before


def test_a_place_at_a_coming_meetup_goes_to_the_waiting_list(life):
    from groups.models import Rsvp

    # given the member holds the only place and another waits for it
    meetup = life.meetup
    meetup.capacity = 1
    meetup.save()
    Rsvp.objects.create(
        meetup=meetup, user=life.other, status="waitlisted", waitlisted_at=timezone.now()
    )

    # when
    erasure.account_erase(user_id=life.member.pk)

    # then
    assert list(meetup.rsvps.values_list("user_id", "status")) == [(life.other.pk, "going")]


def test_one_failing_erasure_does_not_hold_up_the_others(
    member, other_member, password, monkeypatch, caplog
):
    # given two due accounts, and a holding that cannot be erased for the first
    for person in (member, other_member):
        erasure.account_erasure_request(user=person, password=password)

    def refuse(*, user):
        if user.pk == member.pk:
            raise RuntimeError("disk full")

    stuck = privacy.Holding(
        model=Room,
        section=None,
        title="",
        erase=privacy.Erase.KEEP,
        owner="member",
        before_erase=refuse,
        name="stuck",
        why="test",
    )
    monkeypatch.setattr(privacy, "_holdings", [*privacy.holdings(), stuck])

    # when
    done = erasure.accounts_erase_due(now=timezone.now() + timedelta(days=15))

    # then the other is erased, the first waits for the next run untouched
    assert done == [other_member.pk]
    email = member.email
    member.refresh_from_db()
    assert (member.erased_at, member.email) == (None, email)
    assert member.erase_after is not None
    assert f"erasing account {member.pk} failed" in caplog.text
