"""Talk requests answered for real: staff of the member's unit suggest a time with a
message, the member accepts or asks for another, and each change reaches the other side."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import formats, timezone, translation

from community.models import Notification, TalkProposal, TalkRequest
from moderation.models import AuditEntry
from support import services as support_services
from tests.factories import UserFactory
from tests.support.factories import TalkRequestFactory

pytestmark = pytest.mark.django_db

HUGE = 2**63


def proposals_url(request_id) -> str:
    return f"/api/v1/talk-requests/{request_id}/proposals/"


def answer_url(request_id, proposal_id, answer: str) -> str:
    return f"/api/v1/talk-requests/{request_id}/proposals/{proposal_id}/{answer}/"


@pytest.fixture
def talk_request(member, unit):
    return TalkRequestFactory(user=member, internal_note="Ring onsdag.")


@pytest.fixture
def soon():
    """The day after tomorrow at 14.30 in Stockholm, in UTC as it is stored."""
    day = (timezone.now() + timedelta(days=2)).date()
    local = datetime(day.year, day.month, day.day, 14, 30, tzinfo=ZoneInfo("Europe/Stockholm"))
    return local.astimezone(UTC)


def snapshot(talk_request) -> dict:
    return {
        "request": TalkRequest.objects.filter(pk=talk_request.pk).values().get(),
        "proposals": list(TalkProposal.objects.values()),
        "notifications": list(Notification.objects.values()),
        "audit": list(AuditEntry.objects.values()),
    }


def person(request, who: str, talk_request):
    if who == "anonymous":
        return None
    if who == "owner":
        return talk_request.user
    return request.getfixturevalue(who)


@pytest.fixture
def proposal(talk_request, coordinator, soon):
    return TalkProposal.objects.create(
        talk_request=talk_request,
        starts_at=soon,
        message="Hej! Passar det här?",
        proposed_by=coordinator,
    )


# --- proposing ----------------------------------------------------------------------------


def test_staff_of_the_unit_propose_a_time_and_the_member_is_told(
    client_for, talk_request, coordinator, soon
):
    response = client_for(coordinator).post(
        proposals_url(talk_request.pk),
        {"starts_at": soon.isoformat(), "message": "Hej! Jag ringer dig då."},
        format="json",
    )

    assert response.status_code == 201
    proposal = TalkProposal.objects.get()
    assert response.json() == {
        "id": proposal.pk,
        "starts_at": soon.isoformat(),
        "message": "Hej! Jag ringer dig då.",
        "status": "proposed",
        "reply": "",
    }
    assert (proposal.talk_request, proposal.proposed_by) == (talk_request, coordinator)
    talk_request.refresh_from_db()
    assert (talk_request.status, talk_request.handled_by) == ("contacted", coordinator)
    notes = list(Notification.objects.values_list("user_id", "kind", "url"))
    assert notes == [(talk_request.user_id, "talk_proposal", "/prata-med-nagon/")]
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.target_type, entry.target_id) == (
        coordinator,
        "talk.propose",
        "talkproposal",
        str(proposal.pk),
    )
    assert entry.details == {"talk_request": talk_request.pk, "starts_at": soon.isoformat()}


def test_the_member_is_told_the_time_in_stockholm_in_their_language(
    client_for, unit, coordinator, soon
):
    member = UserFactory(display_name="Uggla", birth_year=2001, preferred_language="en")
    talk_request = TalkRequestFactory(user=member)

    client_for(coordinator).post(
        proposals_url(talk_request.pk),
        {"starts_at": soon.isoformat(), "message": "Hi"},
        format="json",
    )

    note = Notification.objects.get()
    assert note.title == "Staff suggest a time to talk"
    with translation.override("en"):
        day = soon.astimezone(timezone.get_default_timezone()).strftime("%A %-d %B")
    assert note.body == f"{day}, 14.30. Open your request to answer."


def test_a_new_proposal_withdraws_the_open_one(client_for, proposal, coordinator, soon):
    later = soon + timedelta(days=1)

    response = client_for(coordinator).post(
        proposals_url(proposal.talk_request_id),
        {"starts_at": later.isoformat(), "message": "Eller dagen efter?"},
        format="json",
    )

    assert response.status_code == 201
    statuses = list(TalkProposal.objects.order_by("pk").values_list("status", flat=True))
    assert statuses == ["withdrawn", "proposed"]


@pytest.mark.parametrize(
    ("who", "status"),
    [
        pytest.param("coordinator", 201, id="staff-of-the-unit"),
        pytest.param("goteborg_coordinator", 404, id="staff-of-another-unit"),
        pytest.param("association_coordinator", 404, id="association-staff"),
        pytest.param("moderator", 404, id="platform-moderator"),
        pytest.param("owner", 403, id="the-member"),
        pytest.param("other_member", 404, id="another-member"),
        pytest.param("anonymous", 401, id="signed-out"),
    ],
)
def test_who_may_propose_a_time(request, client_for, talk_request, soon, who, status):
    before = snapshot(talk_request)

    response = client_for(person(request, who, talk_request)).post(
        proposals_url(talk_request.pk),
        {"starts_at": soon.isoformat(), "message": "Hej"},
        format="json",
    )

    assert response.status_code == status
    if status != 201:
        assert snapshot(talk_request) == before


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        pytest.param({"message": "Hej"}, ["starts_at"], id="no-time"),
        pytest.param({"starts_at": "i morgon", "message": "Hej"}, ["starts_at"], id="not-a-time"),
        pytest.param({"starts_at": "PAST", "message": "Hej"}, ["starts_at"], id="in-the-past"),
        pytest.param({"starts_at": "SOON"}, ["message"], id="no-message"),
        pytest.param({"starts_at": "SOON", "message": "  "}, ["message"], id="blank-message"),
        pytest.param({"starts_at": "SOON", "message": "x" * 1001}, ["message"], id="too-long"),
    ],
)
def test_bad_proposals_are_refused_and_nothing_is_stored(
    client_for, talk_request, coordinator, soon, body, fields
):
    stand_in = {"PAST": timezone.now() - timedelta(minutes=1), "SOON": soon}
    body = {k: stand_in[v].isoformat() if v in stand_in else v for k, v in body.items()}
    before = snapshot(talk_request)

    response = client_for(coordinator).post(proposals_url(talk_request.pk), body, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert sorted(response.json()["fields"]) == fields
    assert snapshot(talk_request) == before


@pytest.mark.parametrize("request_id", [0, 999999, HUGE, 2**64 + 5], ids=str)
def test_unknown_requests_are_not_found(client_for, talk_request, coordinator, soon, request_id):
    before = snapshot(talk_request)

    response = client_for(coordinator).post(
        proposals_url(request_id), {"starts_at": soon.isoformat(), "message": "Hej"}, format="json"
    )

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert snapshot(talk_request) == before


def test_a_closed_request_gets_no_proposal(client_for, talk_request, coordinator, soon):
    TalkRequest.objects.filter(pk=talk_request.pk).update(status="closed")
    before = snapshot(talk_request)

    response = client_for(coordinator).post(
        proposals_url(talk_request.pk),
        {"starts_at": soon.isoformat(), "message": "Hej"},
        format="json",
    )

    assert (response.status_code, response.json()["code"]) == (409, "conflict")
    assert snapshot(talk_request) == before


def test_the_member_and_staff_read_the_proposals_others_do_not(
    client_for, proposal, member, coordinator, goteborg_coordinator, soon
):
    expected = {
        "results": [
            {
                "id": proposal.pk,
                "starts_at": soon.isoformat(),
                "message": "Hej! Passar det här?",
                "status": "proposed",
                "reply": "",
            }
        ],
        "next": None,
    }
    url = proposals_url(proposal.talk_request_id)

    assert client_for(member).get(url).json() == expected
    assert client_for(coordinator).get(url).json() == expected
    assert client_for(goteborg_coordinator).get(url).status_code == 404


# --- answering ----------------------------------------------------------------------------


def test_the_member_accepts_and_the_conversation_is_booked(
    client_for, proposal, member, coordinator, soon
):
    response = client_for(member).post(answer_url(proposal.talk_request_id, proposal.pk, "accept"))

    assert response.status_code == 200
    assert response.json() == {
        "id": proposal.pk,
        "starts_at": soon.isoformat(),
        "message": "Hej! Passar det här?",
        "status": "accepted",
        "reply": "",
    }
    assert TalkRequest.objects.get().status == "booked"
    notes = list(Notification.objects.values_list("user_id", "kind", "url"))
    assert notes == [
        (coordinator.pk, "talk_answer", f"/samordning/samtal/#talk-{proposal.talk_request_id}")
    ]


def test_the_member_asks_for_another_time(client_for, proposal, member, coordinator):
    response = client_for(member).post(
        answer_url(proposal.talk_request_id, proposal.pk, "decline"),
        {"message": "Efter 16 går bättre"},
        format="json",
    )

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["reply"]) == (
        "declined",
        "Efter 16 går bättre",
    )
    assert TalkRequest.objects.get().status == "new"
    with translation.override("en"):
        assert list(Notification.objects.values_list("user_id", "kind")) == [
            (coordinator.pk, "talk_answer")
        ]


def test_declining_needs_no_message(client_for, proposal, member):
    response = client_for(member).post(answer_url(proposal.talk_request_id, proposal.pk, "decline"))

    assert (response.status_code, response.json()["reply"]) == (200, "")


@pytest.mark.parametrize("answer", ["accept", "decline"])
@pytest.mark.parametrize(
    ("who", "status"),
    [
        pytest.param("coordinator", 403, id="staff-of-the-unit"),
        pytest.param("goteborg_coordinator", 404, id="staff-of-another-unit"),
        pytest.param("other_member", 404, id="another-member"),
        pytest.param("anonymous", 401, id="signed-out"),
    ],
)
def test_only_the_member_answers(request, client_for, proposal, who, status, answer):
    before = snapshot(proposal.talk_request)

    response = client_for(person(request, who, proposal.talk_request)).post(
        answer_url(proposal.talk_request_id, proposal.pk, answer)
    )

    assert response.status_code == status
    assert snapshot(proposal.talk_request) == before


@pytest.mark.parametrize("answer", ["accept", "decline"])
def test_a_proposal_of_another_request_is_not_found(client_for, proposal, unit, answer):
    stranger = UserFactory(display_name="Annan", birth_year=2000)
    own_request = TalkRequestFactory(user=stranger)
    before = snapshot(proposal.talk_request)

    response = client_for(stranger).post(answer_url(own_request.pk, proposal.pk, answer))

    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    assert snapshot(proposal.talk_request) == before


@pytest.mark.parametrize("proposal_id", [0, HUGE, 2**64 + 5], ids=str)
def test_unknown_proposals_are_not_found(client_for, proposal, member, proposal_id):
    before = snapshot(proposal.talk_request)

    response = client_for(member).post(answer_url(proposal.talk_request_id, proposal_id, "accept"))

    assert response.status_code == 404
    assert snapshot(proposal.talk_request) == before


@pytest.mark.parametrize("status", ["accepted", "declined", "withdrawn"])
def test_an_answered_or_withdrawn_proposal_cannot_be_answered(client_for, proposal, member, status):
    TalkProposal.objects.filter(pk=proposal.pk).update(status=status)
    before = snapshot(proposal.talk_request)

    response = client_for(member).post(answer_url(proposal.talk_request_id, proposal.pk, "accept"))

    assert (response.status_code, response.json()["code"]) == (409, "conflict")
    assert snapshot(proposal.talk_request) == before


def test_a_time_that_has_passed_cannot_be_accepted(client_for, proposal, member):
    TalkProposal.objects.filter(pk=proposal.pk).update(
        starts_at=timezone.now() - timedelta(hours=1)
    )
    before = snapshot(proposal.talk_request)

    response = client_for(member).post(answer_url(proposal.talk_request_id, proposal.pk, "accept"))

    assert (response.status_code, response.json()["code"]) == (409, "conflict")
    assert snapshot(proposal.talk_request) == before


# --- pages --------------------------------------------------------------------------------


def test_the_members_page_shows_the_time_in_swedish_with_answers(client, proposal, member, soon):
    client.force_login(member)

    html = client.get("/prata-med-nagon/", HTTP_ACCEPT_LANGUAGE="sv").content.decode()

    with translation.override("sv"):
        day = formats.date_format(soon.astimezone(ZoneInfo("Europe/Stockholm")), "l j F")
    assert f"{day}, 14.30</time>" in html
    assert "Hej! Passar det här?" in html
    assert f'action="/prata-med-nagon/{proposal.talk_request_id}/tider/{proposal.pk}/"' in html
    assert "Ring onsdag." not in html  # the internal note stays with staff


def test_the_member_accepts_on_the_page(client, proposal, member, coordinator):
    client.force_login(member)

    response = client.post(
        f"/prata-med-nagon/{proposal.talk_request_id}/tider/{proposal.pk}/",
        {f"answer-{proposal.pk}-answer": "accept"},
    )

    assert (response.status_code, response["Location"]) == (302, "/prata-med-nagon/")
    proposal.refresh_from_db()
    assert (proposal.status, TalkRequest.objects.get().status) == ("accepted", "booked")
    assert list(Notification.objects.values_list("user_id", "kind")) == [
        (coordinator.pk, "talk_answer")
    ]


def test_the_member_asks_for_another_time_on_the_page(client, proposal, member):
    client.force_login(member)

    client.post(
        f"/prata-med-nagon/{proposal.talk_request_id}/tider/{proposal.pk}/",
        {f"answer-{proposal.pk}-answer": "decline", f"answer-{proposal.pk}-message": "Fredag?"},
    )

    proposal.refresh_from_db()
    assert (proposal.status, proposal.reply) == ("declined", "Fredag?")


def test_another_member_cannot_answer_on_the_page(client, proposal, other_member):
    client.force_login(other_member)
    before = snapshot(proposal.talk_request)

    response = client.post(
        f"/prata-med-nagon/{proposal.talk_request_id}/tider/{proposal.pk}/",
        {f"answer-{proposal.pk}-answer": "accept"},
    )

    assert response.status_code == 404
    assert snapshot(proposal.talk_request) == before


def test_staff_suggest_a_time_from_the_queue_in_stockholm_time(
    client, talk_request, coordinator, soon
):
    client.force_login(coordinator)
    local = soon.astimezone(ZoneInfo("Europe/Stockholm"))
    queue = client.get("/samordning/samtal/").content.decode()
    assert f'action="/samordning/samtal/{talk_request.pk}/tid/"' in queue

    response = client.post(
        f"/samordning/samtal/{talk_request.pk}/tid/",
        {
            f"propose-{talk_request.pk}-starts_at": local.strftime("%Y-%m-%dT%H:%M"),
            f"propose-{talk_request.pk}-message": "Jag ringer då.",
        },
    )

    assert response.status_code == 302
    proposal = TalkProposal.objects.get()
    assert (proposal.starts_at, proposal.message) == (soon, "Jag ringer då.")
    assert Notification.objects.get().user == talk_request.user


def test_a_past_time_from_the_queue_stores_nothing(client, talk_request, coordinator):
    client.force_login(coordinator)
    before = snapshot(talk_request)

    client.post(
        f"/samordning/samtal/{talk_request.pk}/tid/",
        {
            f"propose-{talk_request.pk}-starts_at": "2020-01-01T10:00",
            f"propose-{talk_request.pk}-message": "Hej",
        },
    )

    assert snapshot(talk_request) == before


def test_the_member_cannot_use_the_staff_form(client, talk_request, member, soon):
    client.force_login(member)
    before = snapshot(talk_request)

    response = client.post(
        f"/samordning/samtal/{talk_request.pk}/tid/",
        {
            f"propose-{talk_request.pk}-starts_at": soon.strftime("%Y-%m-%dT%H:%M"),
            f"propose-{talk_request.pk}-message": "Hej",
        },
    )

    assert response.status_code == 404
    assert snapshot(talk_request) == before


def test_the_suggested_time_reaches_the_members_home_page(client, talk_request, coordinator, soon):
    member = talk_request.user
    support_services.talk_proposal_create(
        user=coordinator, request_id=talk_request.pk, starts_at=soon, message="Hej"
    )
    client.force_login(member)

    html = client.get("/hem/").content.decode()

    # written in the member's own language (Swedish) when it was sent
    assert '<a href="/prata-med-nagon/">Personalen föreslår en tid att prata</a>' in html


def test_a_time_without_an_offset_is_read_in_stockholm(client_for, talk_request, coordinator, soon):
    local = soon.astimezone(ZoneInfo("Europe/Stockholm")).replace(tzinfo=None)

    response = client_for(coordinator).post(
        proposals_url(talk_request.pk),
        {"starts_at": local.isoformat(), "message": "Hej"},
        format="json",
    )

    assert (response.status_code, response.json()["starts_at"]) == (201, soon.isoformat())
    assert TalkProposal.objects.get().starts_at == soon
