"""Consent versions: a published change is asked for again, and blocks posting until then."""

from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from chat.models import Message, Room
from community import legal, policies, services
from community.models import Article, Consent, LegalVersion, SupportEntry
from groups.models import Meetup, PeerGroup
from tests.factories import MembershipFactory, PeerGroupFactory, RoomFactory
from tests.groups.test_api_meetups import meetup_body
from tests.ws import open_socket, receive_type, send_message, subscribe

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"
CONSENTS = "/api/v1/me/consents/"


def publish(document="privacy_notice", version="2027-01", **fields) -> LegalVersion:
    return LegalVersion.objects.create(
        document=document,
        version=version,
        changes=fields.pop("changes", "Vi sparar chattmeddelanden i tolv månader."),
        text=fields.pop("text", "Hela den nya texten."),
        **fields,
    )


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_me_lists_nothing_to_accept_until_a_version_is_published(member):
    api = client_for(member)

    before = api.get(ME).json()["consents_required"]
    publish()
    after = api.get(ME).json()["consents_required"]

    assert before == []
    url = "/villkor/godkann/#privacy_notice"
    assert after == [{"document": "privacy_notice", "version": "2027-01", "url": url}]


def test_a_version_published_for_later_is_not_asked_for_yet(member):
    publish(published_at=timezone.now() + timedelta(days=1))

    assert client_for(member).get(ME).json()["consents_required"] == []


def test_whether_one_may_post_reads_version_names_not_whole_documents(member):
    # given: years of published versions, each with its whole text, all accepted
    for year in range(2027, 2037):
        for document in ("privacy_notice", "code_of_conduct"):
            publish(document, f"{year}-01", text="Hela texten. " * 2000)
            services.consent_accept(user=member, document=document, version=f"{year}-01")

    # when
    with CaptureQueriesContext(connection) as queries:
        allowed = policies.may_post(user=member)

    # then: every post asks this, so it reads names and versions only
    assert allowed is True
    assert len(queries.captured_queries) == 2
    assert all('"text"' not in q["sql"] for q in queries.captured_queries)
    assert all('"changes"' not in q["sql"] for q in queries.captured_queries)


def test_accepting_records_the_text_seen_and_is_idempotent(member):
    publish(text="Den nya integritetstexten.")
    api = client_for(member)

    first = api.post(CONSENTS, {"document": "privacy_notice", "version": "2027-01"})
    second = api.post(CONSENTS, {"document": "privacy_notice", "version": "2027-01"})

    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json() == second.json()
    assert first.json()["version"] == "2027-01"
    stored = Consent.objects.get(user=member, document="privacy_notice", version="2027-01")
    assert stored.text == "Den nya integritetstexten."
    assert api.get(ME).json()["consents_required"] == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        pytest.param({"document": "cookies", "version": "2027-01"}, "document", id="unknown-doc"),
        pytest.param({"document": "privacy_notice", "version": "2026-11"}, "version", id="old"),
        pytest.param({"document": "privacy_notice", "version": "2099-01"}, "version", id="wrong"),
        pytest.param({"document": "privacy_notice"}, "version", id="no-version"),
        pytest.param({"version": "2027-01"}, "document", id="no-document"),
        pytest.param({"document": ["privacy_notice"], "version": "2027-01"}, "document", id="list"),
        pytest.param({"document": "privacy_notice", "version": "x" * 21}, "version", id="long"),
    ],
)
def test_bad_input_is_refused_and_stores_nothing(member, body, field):
    publish()
    before = list(Consent.objects.values_list("pk", flat=True))

    response = client_for(member).post(CONSENTS, body, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert field in response.json()["fields"]
    assert list(Consent.objects.values_list("pk", flat=True)) == before


def test_signed_out_cannot_accept():
    response = APIClient().post(CONSENTS, {"document": "privacy_notice", "version": "2026-11"})

    assert (response.status_code, response.json()["code"]) == (401, "not_signed_in")


def test_sign_up_records_the_published_version(municipalities):
    publish(version="2027-02")

    user = services.user_signup(
        email="ny@example.se",
        password="a-long-test-password-42",
        profile=services.Profile(display_name="Nykomling", birth_year=2001),
        accepted_terms=True,
    )

    assert legal.documents_to_accept(user=user) == []
    assert set(user.consents.values_list("document", "version")) == {
        ("privacy_notice", "2027-02"),
        ("code_of_conduct", legal.CODE_OF_CONDUCT.version),
    }


# --- every posting path refuses while a document waits -------------------------------------


@pytest.fixture
def scene(coordinator, member):
    group = PeerGroupFactory(organisation=coordinator.organisation, min_age=13, max_age=30)
    MembershipFactory(group=group, user=member, role="host")
    room = RoomFactory(kind=Room.Kind.TOPIC, slug="prata", name="Prata")
    own = Message.objects.create(room=room, author=member, seq=1, body="Hej", client_id="own-1")
    Room.objects.filter(pk=room.pk).update(last_seq=1)
    return {"group": group, "room": room, "own": own, "member": member, "staff": coordinator}


def _meetup_create(scene):
    response = client_for(scene["member"]).post(
        "/api/v1/meetups/", meetup_body(scene["group"]), format="json"
    )
    return response, Meetup.objects.count()


def _group_create(scene):
    body = {"name": "Kvällsgruppen", "description": "Vi ses på kvällarna.", "min_age": 18}
    response = client_for(scene["staff"]).post("/api/v1/groups/", body, format="json")
    return response, PeerGroup.objects.count()


def _entry_create(scene):
    body = {
        "title": "Avlösning i hemmet",
        "summary": "Någon tar över hemma.",
        "category": "avlastning",
        "municipality": "1380",
        "min_age": 13,
        "max_age": 30,
    }
    response = client_for(scene["staff"]).post("/api/v1/support/entries/", body, format="json")
    return response, SupportEntry.objects.count()


def _article_create(scene):
    body = {"title": "Att orka", "summary": "Om att orka.", "body_markdown": "Ta en paus."}
    response = client_for(scene["staff"]).post("/api/v1/articles/", body, format="json")
    return response, Article.objects.count()


REST_PATHS = {
    "meetup-create": _meetup_create,
    "group-create": _group_create,
    "support-entry-create": _entry_create,
    "article-create": _article_create,
}


@pytest.mark.parametrize("path", list(REST_PATHS))
def test_rest_posting_waits_for_consent_then_works(scene, path):
    publish()
    post = REST_PATHS[path]
    model = {
        "meetup-create": Meetup,
        "group-create": PeerGroup,
        "support-entry-create": SupportEntry,
        "article-create": Article,
    }[path]
    before = model.objects.count()

    refused, after_refusal = post(scene)
    for user in (scene["member"], scene["staff"]):
        services.consent_accept(user=user, document="privacy_notice", version="2027-01")
    accepted, after_accepting = post(scene)

    assert refused.status_code == 403, refused.json()
    assert refused.json()["code"] == "consent_required"
    assert after_refusal == before
    assert accepted.status_code == 201, accepted.json()
    assert after_accepting == before + 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("frame", ["message.send", "message.edit"])
async def test_socket_posting_waits_for_consent_and_the_socket_survives(scene, frame):
    await sync_to_async(publish)()
    member, room, own = scene["member"], scene["room"], scene["own"]
    socket = await open_socket(member)
    await subscribe(socket, room.pk)

    async def attempt(n):
        if frame == "message.send":
            await send_message(socket, room.pk, "Hej igen", f"c-{n}")
        else:
            await socket.send_json_to({"type": "message.edit", "id": own.pk, "body": f"Ny {n}"})

    await attempt(1)
    refused = await receive_type(socket, "error")
    stored = await sync_to_async(lambda: list(Message.objects.values_list("body", flat=True)))()
    await sync_to_async(services.consent_accept)(
        user=member, document="privacy_notice", version="2027-01"
    )
    await attempt(2)
    answer = await receive_type(socket, "ack" if frame == "message.send" else "message.updated")
    await socket.disconnect()

    assert refused["code"] == "consent_required"
    assert stored == ["Hej"]
    assert answer["type"] in ("ack", "message.updated")


@pytest.mark.django_db(transaction=True)
async def test_a_support_conversation_is_never_held_up(member, coordinator):
    room = await sync_to_async(RoomFactory)(
        kind=Room.Kind.SUPPORT,
        slug="stod-1",
        name="Stöd",
        member=member,
        municipality=member.municipality,
    )
    await sync_to_async(publish)()
    socket = await open_socket(member)
    await subscribe(socket, room.pk)

    await send_message(socket, room.pk, "Jag behöver prata", "s-1")
    ack = await receive_type(socket, "ack")
    await socket.disconnect()

    assert ack["seq"] == 1


# --- pages ------------------------------------------------------------------------------------


def test_the_next_page_leads_to_what_changed_and_back(client, member):
    publish(changes="Vi sparar chattmeddelanden i tolv månader.")
    client.force_login(member)

    led = client.get("/hem/?flik=1")
    page = client.get(led["Location"], HTTP_ACCEPT_LANGUAGE="en")
    accepted = client.post(
        "/villkor/godkann/",
        {"version-privacy_notice": "2027-01", "next": "/hem/?flik=1"},
    )
    home = client.get("/hem/")

    assert led.status_code == 302
    assert led["Location"] == "/villkor/godkann/?next=%2Fhem%2F%3Fflik%3D1"
    assert page.status_code == 200
    assert "Vi sparar chattmeddelanden i tolv månader." in page.content.decode()
    assert accepted.status_code == 302
    assert accepted["Location"] == "/hem/?flik=1"
    assert home.status_code == 200


def test_a_stale_version_on_the_page_is_asked_again(client, member):
    publish()
    client.force_login(member)

    response = client.post("/villkor/godkann/", {"version-privacy_notice": "2026-11"})

    assert response.status_code == 400
    assert legal.documents_to_accept(user=member)[0].version == "2027-01"


def test_an_off_site_next_is_not_followed(client, member):
    publish()
    client.force_login(member)

    response = client.post(
        "/villkor/godkann/", {"version-privacy_notice": "2027-01", "next": "https://evil.example/"}
    )

    assert response["Location"] == "/hem/"


@pytest.mark.parametrize(
    "path", ["/villkor/", "/villkor/godkann/", "/api/v1/me/", "/konto/logout/", "/healthz"]
)
def test_the_re_ask_never_blocks_terms_sign_out_or_the_api(client, member, path):
    publish()
    client.force_login(member)

    response = client.get(path)

    assert response.status_code == 200


def test_signed_out_visitors_are_not_asked(client, municipalities):
    publish()

    assert client.get("/").status_code == 200


def test_open_page_without_waiting_documents_goes_on(client, member):
    client.force_login(member)

    assert client.get("/villkor/godkann/?next=/rum/").headers["Location"] == "/rum/"
