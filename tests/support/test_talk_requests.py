"""Talk to someone: a member asks, only their municipality's carer-support coordinators
see and answer it, the internal note never reaches the member, and a new status does."""

import pytest

from community.models import Notification, TalkRequest
from tests.factories import UserFactory
from tests.support.factories import TalkRequestFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/talk-requests/"


def detail(talk_request) -> str:
    return f"/api/v1/talk-requests/{talk_request.pk}/"


@pytest.fixture
def request_of_member(member, unit):
    return TalkRequestFactory(
        user=member, topic="Pappa dricker och jag orkar inte.", internal_note="Ring onsdag."
    )


def person(request, who: str, talk_request):
    if who == "anonymous":
        return None
    if who == "owner":
        return talk_request.user
    return request.getfixturevalue(who)


def snapshot(talk_request) -> dict:
    return TalkRequest.objects.filter(pk=talk_request.pk).values().get()


# --- asking -------------------------------------------------------------------------------


def test_a_member_asks_their_municipality_for_a_conversation(client_for, member, unit):
    response = client_for(member).post(
        LIST,
        {"channel": "phone", "phone": "070-123 45 67", "preferred_times": "Efter skolan"},
    )

    assert response.status_code == 201
    body = response.json()
    talk_request = TalkRequest.objects.get()
    assert body == {
        "id": talk_request.pk,
        "municipality": {"code": "1380", "name": "Halmstad", "county": "Hallands län"},
        "channel": "phone",
        "phone": "070-123 45 67",
        "preferred_times": "Efter skolan",
        "topic": "",
        "status": "new",
        "created_at": talk_request.created_at.isoformat(),
        "updated_at": talk_request.updated_at.isoformat(),
    }
    assert (talk_request.user, talk_request.municipality.code) == (member, "1380")


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"preferred_times": "Kvällar"}, ["channel"]),
        ({"channel": "pigeon", "preferred_times": "Kvällar"}, ["channel"]),
        ({"channel": "video"}, ["preferred_times"]),
        ({"channel": "video", "preferred_times": "x" * 501}, ["preferred_times"]),
        ({"channel": "video", "preferred_times": "Kvällar", "topic": "x" * 1001}, ["topic"]),
        ({"channel": "phone", "preferred_times": "Kvällar"}, ["phone"]),
        (
            {"channel": "video", "preferred_times": "Kvällar", "municipality": "9999"},
            ["municipality"],
        ),
        (
            {"channel": "video", "preferred_times": "Kvällar", "municipality": "1480"},
            ["municipality"],
        ),
    ],
    ids=[
        "no-channel",
        "unknown-channel",
        "no-times",
        "times-too-long",
        "topic-too-long",
        "phone-without-number",
        "unknown-municipality",
        "municipality-without-a-unit",
    ],
)
def test_bad_requests_are_refused_and_nothing_is_stored(client_for, member, unit, body, fields):
    response = client_for(member).post(LIST, body)

    assert response.status_code == 400
    assert sorted(response.json()["fields"]) == fields
    assert TalkRequest.objects.count() == 0


def test_a_member_without_a_municipality_is_asked_to_choose_one(client_for, member, unit):
    member.municipality = None
    member.save()

    response = client_for(member).post(LIST, {"channel": "video", "preferred_times": "Kvällar"})

    assert response.status_code == 400
    assert response.json()["fields"] == {"municipality": ["Välj din kommun."]}
    assert TalkRequest.objects.count() == 0


def test_one_open_request_at_a_time(client_for, request_of_member, member):
    response = client_for(member).post(LIST, {"channel": "video", "preferred_times": "Kvällar"})

    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert list(TalkRequest.objects.values_list("pk", flat=True)) == [request_of_member.pk]


def test_after_a_closed_request_a_member_may_ask_again(client_for, request_of_member, member):
    request_of_member.status = TalkRequest.Status.CLOSED
    request_of_member.save()

    response = client_for(member).post(LIST, {"channel": "in_person", "preferred_times": "Fre"})

    assert response.status_code == 201
    assert TalkRequest.objects.count() == 2


def test_asking_needs_an_account(api, unit):
    response = api.post(LIST, {"channel": "video", "preferred_times": "Kvällar"})

    assert response.status_code == 401
    assert TalkRequest.objects.count() == 0


# --- who sees it --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status", "staff_view"),
    [
        ("anonymous", 401, None),
        ("owner", 200, False),
        ("other_member", 404, None),
        ("coordinator", 200, True),
        ("goteborg_coordinator", 404, None),
        ("association_coordinator", 404, None),
        ("moderator", 404, None),
    ],
)
def test_who_may_see_a_talk_request(
    request, client_for, request_of_member, who, status, staff_view
):
    user = person(request, who, request_of_member)

    response = client_for(user).get(detail(request_of_member))

    assert response.status_code == status
    if status == 200:
        body = response.json()
        assert ("internal_note" in body) is staff_view
        assert ("member" in body) is staff_view
        assert body["topic"] == "Pappa dricker och jag orkar inte."


def test_the_member_never_sees_the_internal_note(client_for, request_of_member, member):
    response = client_for(member).get(LIST)

    assert response.status_code == 200
    [item] = response.json()["results"]
    assert "internal_note" not in item
    assert "Ring onsdag." not in response.content.decode()


def test_the_staff_view_has_what_they_need_to_get_in_touch(
    client_for, request_of_member, coordinator
):
    """Least data: an age band, never the birth year or an exact age; no e-mail address
    (staff answer through the support conversation or the phone number given)."""
    body = client_for(coordinator).get(detail(request_of_member)).json()

    assert body["member"] == {
        "id": request_of_member.user.pk,
        "display_name": "Solros",
        "age_band": "18–25" if request_of_member.user.age <= 25 else "26–30",
        "is_minor": False,
    }
    assert body["internal_note"] == "Ring onsdag."
    assert body["handled_by"] is None


def test_the_queue_holds_only_the_coordinators_municipality(
    client_for, request_of_member, coordinator, goteborg_coordinator, goteborg
):
    gothenburger = UserFactory(display_name="Göteborgaren", municipality=goteborg)
    elsewhere = TalkRequestFactory(user=gothenburger)

    halmstad_queue = client_for(coordinator).get(LIST).json()["results"]
    goteborg_queue = client_for(goteborg_coordinator).get(LIST).json()["results"]

    assert [item["id"] for item in halmstad_queue] == [request_of_member.pk]
    assert [item["id"] for item in goteborg_queue] == [elsewhere.pk]


def test_members_list_only_their_own_requests(client_for, request_of_member, other_member):
    TalkRequestFactory(user=other_member)

    mine = client_for(request_of_member.user).get(LIST).json()

    assert [item["id"] for item in mine["results"]] == [request_of_member.pk]
    assert mine["next"] is None


def test_the_queue_filters_by_status_and_pages(
    client_for, coordinator, unit, settings, monkeypatch
):
    from support import selectors

    monkeypatch.setattr(selectors, "PAGE_LIMIT", 2)
    made = [TalkRequestFactory(user=UserFactory()) for _ in range(3)]
    TalkRequest.objects.filter(pk=made[1].pk).update(status="booked")
    client = client_for(coordinator)

    first = client.get(LIST).json()
    second = client.get(f"{LIST}?{first['next']}").json()
    booked = client.get(LIST, {"status": "booked"}).json()

    assert [item["id"] for item in first["results"]] == [made[0].pk, made[1].pk]
    assert [item["id"] for item in second["results"]] == [made[2].pk]
    assert second["next"] is None
    assert [item["id"] for item in booked["results"]] == [made[1].pk]
    assert client.get(LIST, {"status": "lost"}).status_code == 400
    assert client.get(LIST, {"after": "x"}).status_code == 400


# --- answering ----------------------------------------------------------------------------


def test_a_coordinator_moves_a_request_on_and_the_member_is_told(
    client_for, coordinator, english_member, unit
):
    talk_request = TalkRequestFactory(user=english_member)

    response = client_for(coordinator).patch(
        detail(talk_request), {"status": "booked", "internal_note": "Torsdag 15.00, rum 2."}
    )

    assert response.status_code == 200
    assert response.json()["status"] == "booked"
    assert response.json()["internal_note"] == "Torsdag 15.00, rum 2."
    assert response.json()["handled_by"] == {
        "id": coordinator.pk,
        "display_name": coordinator.display_name,
    }
    [notification] = Notification.objects.filter(user=english_member)
    assert (notification.kind, notification.title, notification.url) == (
        "talk_request",
        "Your request to talk to someone: booked",
        "/prata-med-nagon/",
    )
    assert "Torsdag" not in notification.body  # the note stays with staff


def test_a_note_alone_tells_the_member_nothing(client_for, coordinator, request_of_member):
    response = client_for(coordinator).patch(detail(request_of_member), {"internal_note": "Ny"})

    assert response.status_code == 200
    assert snapshot(request_of_member)["internal_note"] == "Ny"
    assert Notification.objects.count() == 0


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("member", 403),
        ("other_member", 404),
        ("goteborg_coordinator", 404),
        ("association_coordinator", 404),
    ],
)
def test_only_the_municipalitys_coordinators_may_answer(
    request, client_for, request_of_member, who, status
):
    before = snapshot(request_of_member)

    response = client_for(request.getfixturevalue(who)).patch(
        detail(request_of_member), {"status": "closed", "internal_note": "x"}
    )

    assert response.status_code == status
    assert snapshot(request_of_member) == before
    assert Notification.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, ["non_field_errors"]),
        ({"status": "lost"}, ["status"]),
        ({"internal_note": "x" * 2001}, ["internal_note"]),
    ],
    ids=["nothing", "unknown-status", "note-too-long"],
)
def test_bad_answers_are_refused(client_for, coordinator, request_of_member, body, fields):
    before = snapshot(request_of_member)

    response = client_for(coordinator).patch(detail(request_of_member), body)

    assert response.status_code == 400
    assert sorted(response.json()["fields"]) == fields
    assert snapshot(request_of_member) == before


def test_unknown_requests_are_not_found(client_for, coordinator, unit):
    client = client_for(coordinator)

    assert client.get("/api/v1/talk-requests/999999/").status_code == 404
    assert client.patch("/api/v1/talk-requests/999999/", {"status": "closed"}).status_code == 404


# --- pages --------------------------------------------------------------------------------


def test_the_member_page_shows_the_status_but_not_the_note(client, request_of_member, member):
    client.force_login(member)

    html = client.get("/prata-med-nagon/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Status: New" in html
    assert "Pappa dricker" in html
    assert "Ring onsdag." not in html


def test_asking_from_the_page(client, member, unit):
    client.force_login(member)

    response = client.post(
        "/prata-med-nagon/",
        {"channel": "video", "preferred_times": "Måndagar", "topic": "", "phone": ""},
    )

    assert response.status_code == 302
    assert TalkRequest.objects.get().preferred_times == "Måndagar"


def test_a_refused_request_on_the_page_shows_the_reason_by_the_field(client, member, unit):
    client.force_login(member)

    response = client.post(
        "/prata-med-nagon/",
        {"channel": "phone", "preferred_times": "Måndagar", "phone": ""},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    assert 'id="id_phone_error"' in response.content.decode()
    assert "Give a number we can call you on." in response.content.decode()
    assert TalkRequest.objects.count() == 0


@pytest.mark.parametrize(
    ("who", "status", "sees_it"),
    [
        ("coordinator", 200, True),
        ("goteborg_coordinator", 200, False),  # their own municipality's queue
        ("association_coordinator", 404, False),
        ("member", 404, False),
    ],
)
def test_the_queue_page_is_only_for_the_municipalitys_coordinators(
    request, client, request_of_member, who, status, sees_it
):
    client.force_login(request.getfixturevalue(who))

    response = client.get("/samordning/samtal/")

    assert response.status_code == status
    assert ("Ring onsdag." in response.content.decode()) is sees_it


def test_answering_from_the_queue_page(client, request_of_member, coordinator):
    client.force_login(coordinator)
    prefix = f"talk-{request_of_member.pk}"

    response = client.post(
        f"/samordning/samtal/{request_of_member.pk}/",
        {f"{prefix}-status": "contacted", f"{prefix}-internal_note": "Lämnat meddelande."},
    )

    assert response.status_code == 302
    assert response["Location"] == f"/samordning/samtal/#talk-{request_of_member.pk}"
    request_of_member.refresh_from_db()
    assert (request_of_member.status, request_of_member.internal_note) == (
        "contacted",
        "Lämnat meddelande.",
    )
    assert Notification.objects.filter(user=request_of_member.user).count() == 1


def test_another_municipality_cannot_answer_from_the_page(
    client, request_of_member, goteborg_coordinator
):
    before = snapshot(request_of_member)
    client.force_login(goteborg_coordinator)
    prefix = f"talk-{request_of_member.pk}"

    response = client.post(
        f"/samordning/samtal/{request_of_member.pk}/", {f"{prefix}-status": "closed"}
    )

    assert response.status_code == 404
    assert snapshot(request_of_member) == before


@pytest.mark.django_db(transaction=True)
def test_staff_move_a_request_on_in_a_transaction_of_its_own(member, coordinator):
    # Outside a test's transaction, as a page or API call runs it: the row lock needs the
    # service's own transaction (PostgreSQL refuses select_for_update without one).
    from support import services

    talk_request = TalkRequestFactory(user=member)

    services.talk_request_update(
        user=coordinator, request_id=talk_request.pk, status="booked", internal_note="Torsdag"
    )

    talk_request.refresh_from_db()
    assert (talk_request.status, talk_request.internal_note) == ("booked", "Torsdag")
