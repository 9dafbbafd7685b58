"""The support directory over REST: search and filters, coordinators' entries, bad input."""

import pytest
from django.utils import timezone

from community.models import SupportEntry
from tests.factories import CoordinatorFactory
from tests.support.factories import SupportEntryFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/support/entries/"

NEW_ENTRY = {
    "title": "Avlösning i hemmet",
    "summary": "Någon tar över hemma.",
    "category": "avlastning",
    "municipality": "1380",
    "min_age": 13,
    "max_age": 30,
    "cares_for": ["parent", "sibling"],
    "languages": ["sv", "en"],
    "is_municipal_service": True,
    "how_to_apply": "Ring kontaktcenter.",
    "phone": "035-13 70 00",
}


def detail(entry) -> str:
    return f"{LIST}{entry.pk}/"


def snapshot(entry) -> dict:
    return SupportEntry.objects.filter(pk=entry.pk).values().get()


@pytest.fixture
def own_entry(coordinator, halmstad):
    return SupportEntryFactory(
        title="Samtalsstöd",
        organisation=coordinator.organisation,
        category="samtalsstod",
        municipality=halmstad,
        verify_before_production=True,
        last_checked_at="2020-01-01",
    )


# --- reading ------------------------------------------------------------------------------


def test_anyone_can_search_with_filters(api, halmstad, goteborg):
    SupportEntryFactory(title="Bris", category="samtalsstod", max_age=17)
    SupportEntryFactory(title="Samtal i Halmstad", category="samtalsstod", municipality=halmstad)
    SupportEntryFactory(title="Samtal i Göteborg", category="samtalsstod", municipality=goteborg)
    SupportEntryFactory(title="Pengar", category="ekonomi")
    SupportEntryFactory(title="För syskon", category="samtalsstod", cares_for=["sibling"])

    response = api.get(
        LIST, {"category": "samtalsstod", "municipality": "1380", "age": 20, "cares_for": "parent"}
    )

    assert response.status_code == 200
    assert [item["title"] for item in response.json()["results"]] == ["Samtal i Halmstad"]
    assert response.json()["next"] is None


def test_words_rank_the_results(api, municipalities):
    SupportEntryFactory(title="Ekonomi", summary="Om avlösning och pengar.")
    SupportEntryFactory(title="Avlösning", summary="Någon tar över.")

    response = api.get(LIST, {"q": "avlösning"})

    assert [item["title"] for item in response.json()["results"]] == ["Avlösning", "Ekonomi"]


def test_lists_without_words_page_by_title(api, municipalities, monkeypatch):
    from support import selectors

    monkeypatch.setattr(selectors, "PAGE_LIMIT", 2)
    for title in ["C", "A", "B"]:
        SupportEntryFactory(title=title)

    first = api.get(LIST).json()
    second = api.get(f"{LIST}?{first['next']}").json()

    assert [item["title"] for item in first["results"]] == ["A", "B"]
    assert [item["title"] for item in second["results"]] == ["C"]
    assert second["next"] is None


def test_an_entry_shows_everything_and_when_it_was_last_checked(api, own_entry):
    body = api.get(detail(own_entry)).json()

    assert body["title"] == "Samtalsstöd"
    assert body["last_checked_at"] == "2020-01-01"
    assert body["verify_before_production"] is True
    assert body["municipality"] == {"code": "1380", "name": "Halmstad", "county": "Hallands län"}
    assert body["organisation"]["id"] == own_entry.organisation_id
    assert body["url"] == f"/stod/{own_entry.slug}/"


def test_drafts_are_hidden_from_everyone_but_their_organisation(
    client_for, own_entry, member, goteborg_coordinator, coordinator
):
    own_entry.is_published = False
    own_entry.save()

    assert client_for(None).get(detail(own_entry)).status_code == 404
    assert client_for(member).get(detail(own_entry)).status_code == 404
    assert client_for(goteborg_coordinator).get(detail(own_entry)).status_code == 404
    assert client_for(coordinator).get(detail(own_entry)).status_code == 200
    assert client_for(member).get(LIST).json()["results"] == []
    assert [e["id"] for e in client_for(coordinator).get(LIST).json()["results"]] == [own_entry.pk]


# --- writing ------------------------------------------------------------------------------


def test_a_coordinator_adds_an_entry_for_their_organisation(client_for, coordinator):
    response = client_for(coordinator).post(LIST, NEW_ENTRY)

    assert response.status_code == 201
    entry = SupportEntry.objects.get()
    assert response.json()["id"] == entry.pk
    assert (entry.organisation, entry.created_by, entry.slug) == (
        coordinator.organisation,
        coordinator,
        "avlosning-i-hemmet",
    )
    assert entry.cares_for == ["parent", "sibling"]
    assert entry.languages == ["sv", "en"]
    assert entry.last_checked_at == timezone.localdate()
    assert entry.verify_before_production is False


def test_editing_marks_the_entry_checked_today(client_for, coordinator, own_entry):
    response = client_for(coordinator).patch(detail(own_entry), {"summary": "Nytt."})

    assert response.status_code == 200
    own_entry.refresh_from_db()
    assert own_entry.summary == "Nytt."
    assert own_entry.title == "Samtalsstöd"
    assert own_entry.last_checked_at == timezone.localdate()
    assert own_entry.verify_before_production is False


def test_a_coordinator_deletes_their_entry(client_for, coordinator, own_entry):
    response = client_for(coordinator).delete(detail(own_entry))

    assert response.status_code == 204
    assert SupportEntry.objects.count() == 0


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 401), ("member", 403), ("moderator", 403)],
)
def test_only_coordinators_add_entries(request, client_for, municipalities, who, status):
    user = None if who == "anonymous" else request.getfixturevalue(who)

    response = client_for(user).post(LIST, NEW_ENTRY)

    assert response.status_code == status
    assert SupportEntry.objects.count() == 0


def test_a_coordinator_without_an_organisation_cannot_add(client_for, municipalities):
    loose = CoordinatorFactory(organisation=None)

    response = client_for(loose).post(LIST, NEW_ENTRY)

    assert response.status_code == 403
    assert SupportEntry.objects.count() == 0


@pytest.mark.parametrize(
    ("who", "method", "status"),
    [
        ("anonymous", "patch", 401),
        ("anonymous", "delete", 401),
        ("member", "patch", 403),
        ("member", "delete", 403),
        ("goteborg_coordinator", "patch", 403),
        ("goteborg_coordinator", "delete", 403),
        ("association_coordinator", "patch", 403),
    ],
)
def test_other_organisations_cannot_change_an_entry(
    request, client_for, own_entry, who, method, status
):
    before = snapshot(own_entry)
    user = None if who == "anonymous" else request.getfixturevalue(who)

    response = getattr(client_for(user), method)(detail(own_entry), {"summary": "Kapat"})

    assert response.status_code == status
    assert snapshot(own_entry) == before


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_unknown_entries_are_not_found(client_for, coordinator, method):
    response = getattr(client_for(coordinator), method)(f"{LIST}999999/", {"summary": "x"})

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"title": ""}, ["title"]),
        ({"title": "x" * 161}, ["title"]),
        ({"category": "happiness"}, ["category"]),
        ({"extra_categories": ["ekonomi", "nope"]}, ["extra_categories"]),
        ({"min_age": 30, "max_age": 13}, ["max_age"]),
        ({"min_age": -1}, ["min_age"]),
        ({"cares_for": ["dog"]}, ["cares_for"]),
        ({"situations": ["sad"]}, ["situations"]),
        ({"languages": ["Swedish"]}, ["languages"]),
        ({"municipality": "9999"}, ["municipality"]),
        ({"municipality": None, "is_municipal_service": True}, ["municipality"]),
        ({"email": "not-an-address"}, ["email"]),
        ({"website": "javascript:alert(1)"}, ["website"]),
        ({"is_published": "perhaps"}, ["is_published"]),
    ],
    ids=[
        "empty-title",
        "long-title",
        "unknown-category",
        "unknown-extra-category",
        "ages-upside-down",
        "negative-age",
        "unknown-cares-for",
        "unknown-situation",
        "language-not-a-code",
        "unknown-municipality",
        "municipal-service-without-municipality",
        "bad-email",
        "bad-website",
        "bad-boolean",
    ],
)
def test_bad_entries_are_refused_with_the_field(client_for, coordinator, changes, fields):
    response = client_for(coordinator).post(LIST, {**NEW_ENTRY, **changes})

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert sorted(response.json()["fields"]) == fields
    assert SupportEntry.objects.count() == 0


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"category": "nope"}, "category"),
        ({"municipality": "9999"}, "municipality"),
        ({"age": "old"}, "age"),
        ({"age": 0}, "age"),
        ({"cares_for": "dog"}, "cares_for"),
        ({"q": "x" * 201}, "q"),
        ({"after": "-1"}, "after"),
    ],
)
def test_bad_searches_are_refused_with_the_field(api, municipalities, query, field):
    response = api.get(LIST, query)

    assert response.status_code == 400
    assert list(response.json()["fields"]) == [field]


def test_a_bad_change_leaves_the_entry_as_it_was(client_for, coordinator, own_entry):
    before = snapshot(own_entry)

    response = client_for(coordinator).patch(detail(own_entry), {"min_age": 40, "max_age": 20})

    assert response.status_code == 400
    assert snapshot(own_entry) == before
