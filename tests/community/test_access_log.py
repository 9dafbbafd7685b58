"""The access log itself: append-only, counted for the member's export, reviewed by the
coordinators of the member's unit (platform admins all of it), and never logged itself."""

import pytest
from django.contrib.admin.sites import site
from django.test import Client, RequestFactory
from rest_framework.test import APIClient

from community import selectors, services
from community.models import AccessEntry, Organisation
from tests.factories import (
    CoordinatorFactory,
    ModeratorFactory,
    OrganisationFactory,
    UserFactory,
    municipality,
)

pytestmark = pytest.mark.django_db

NEEDS = AccessEntry.What.RSVP_NEEDS
TALK = AccessEntry.What.TALK_REQUEST
URL = "/api/v1/access-log/"


@pytest.fixture
def people(municipalities):
    halmstad, goteborg = municipality("1380"), municipality("1480")
    return {
        "halmstad_member": UserFactory(display_name="Solros", municipality=halmstad),
        "goteborg_member": UserFactory(display_name="Havsörn", municipality=goteborg),
        "unit_coordinator": CoordinatorFactory(
            display_name="Samordnare Sara", organisation=OrganisationFactory(municipality=halmstad)
        ),
        "association_coordinator": CoordinatorFactory(
            organisation=OrganisationFactory(
                municipality=halmstad, kind=Organisation.Kind.ASSOCIATION
            )
        ),
        "moderator": ModeratorFactory(display_name="Moderator Mika"),
        "admin": UserFactory(display_name="Admin Ada", is_superuser=True, is_staff=True),
    }


def _read(actor, member, what=NEEDS, target=("meetup", 7)) -> None:
    services.access_record(actor=actor, reads=[(what, member.pk, target)])


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


# --- recording ---------------------------------------------------------------------------


def test_one_read_of_many_members_is_one_insert(people, django_assert_num_queries):
    staff = people["moderator"]
    members = [UserFactory() for _ in range(30)]

    with django_assert_num_queries(1):
        stored = services.access_record(
            actor=staff, reads=[(NEEDS, m.pk, ("meetup", 3)) for m in members]
        )

    assert stored == 30
    assert set(AccessEntry.objects.values_list("member_id", flat=True)) == {m.pk for m in members}
    assert set(AccessEntry.objects.values_list("object_type", "object_id")) == {("meetup", "3")}


def test_reading_ones_own_data_and_repeats_in_one_read_log_nothing_more(people):
    member, staff = people["halmstad_member"], people["moderator"]

    mine = services.access_record(actor=member, reads=[(TALK, member.pk, ("talkrequest", 1))])
    twice = services.access_record(
        actor=staff, reads=[(TALK, member.pk, ("talkrequest", 1))] * 2 + [(TALK, None, ("x", 1))]
    )

    assert (mine, twice) == (0, 1)
    assert list(AccessEntry.objects.values_list("actor_id", "member_id")) == [(staff.pk, member.pk)]


def test_the_log_is_append_only(people):
    _read(people["moderator"], people["halmstad_member"])
    entry = AccessEntry.objects.get()

    entry.what = TALK
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AccessEntry.objects.update(what=TALK)
    with pytest.raises(PermissionError):
        AccessEntry.objects.all().delete()

    assert AccessEntry.objects.get().what == NEEDS


def test_the_admin_reads_the_log_but_never_adds_changes_or_deletes(people):
    admin = site._registry[AccessEntry]
    request = RequestFactory().get("/admin/")
    request.user = people["admin"]
    _read(people["moderator"], people["halmstad_member"])
    entry = AccessEntry.objects.get()

    assert admin.has_add_permission(request) is False
    assert admin.has_change_permission(request, entry) is False
    assert admin.has_delete_permission(request, entry) is False
    assert list(admin.get_queryset(request)) == [entry]


def test_the_admin_shows_a_coordinator_only_their_units_members(people):
    admin = site._registry[AccessEntry]
    _read(people["moderator"], people["halmstad_member"])
    _read(people["moderator"], people["goteborg_member"])
    request = RequestFactory().get("/admin/")

    request.user = people["unit_coordinator"]
    theirs = {e.member_id for e in admin.get_queryset(request)}
    request.user = people["moderator"]
    moderators = list(admin.get_queryset(request))

    assert theirs == {people["halmstad_member"].pk}
    assert moderators == []


# --- the selector the export uses --------------------------------------------------------


def test_access_counts_for_a_member_count_each_kind(people):
    member, other = people["halmstad_member"], people["goteborg_member"]
    for _ in range(3):
        _read(people["moderator"], member, NEEDS)
    _read(people["unit_coordinator"], member, TALK, ("talkrequest", 2))
    _read(people["moderator"], other, TALK, ("talkrequest", 3))

    assert selectors.access_counts_for(member) == {"rsvp_needs": 3, "talk_request": 1}
    assert selectors.access_counts_for(people["moderator"]) == {}


# --- review: REST ------------------------------------------------------------------------

# role -> may review the log (and whose entries they see)
REVIEWERS = {
    "halmstad_member": None,
    "moderator": None,
    "association_coordinator": None,
    "unit_coordinator": {"Solros"},
    "admin": {"Solros", "Havsörn"},
}


@pytest.mark.parametrize("role", list(REVIEWERS))
def test_rest_review_is_scoped_to_the_unit_and_refused_to_others(people, role):
    _read(people["moderator"], people["halmstad_member"])
    _read(people["moderator"], people["goteborg_member"])

    response = _api(people[role]).get(URL)

    if REVIEWERS[role] is None:
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"
        return
    assert response.status_code == 200
    assert {r["member"]["display_name"] for r in response.json()["results"]} == REVIEWERS[role]
    assert AccessEntry.objects.count() == 2  # reading the log is not a sensitive read


def test_rest_review_needs_sign_in():
    response = APIClient().get(URL)

    assert response.status_code == 401
    assert response.json()["code"] == "not_signed_in"


def test_rest_review_shape_and_filters(people):
    member, other = people["halmstad_member"], people["goteborg_member"]
    moderator, coordinator = people["moderator"], people["unit_coordinator"]
    _read(moderator, member, NEEDS, ("meetup", 5))
    _read(coordinator, member, TALK, ("talkrequest", 9))
    _read(moderator, other, TALK, ("talkrequest", 8))
    client = _api(people["admin"])

    def whose(**query):
        found = client.get(URL, query).json()["results"]
        return [(r["staff"]["display_name"], r["member"]["display_name"], r["kind"]) for r in found]

    newest = client.get(URL).json()["results"][0]
    assert set(newest) == {
        "id",
        "created_at",
        "staff",
        "member",
        "kind",
        "object_type",
        "object_id",
    }
    assert "email" not in str(newest)
    assert whose(member=member.pk) == [
        ("Samordnare Sara", "Solros", "talk_request"),
        ("Moderator Mika", "Solros", "rsvp_needs"),
    ]
    assert whose(staff=moderator.pk) == [
        ("Moderator Mika", "Havsörn", "talk_request"),
        ("Moderator Mika", "Solros", "rsvp_needs"),
    ]
    assert whose(kind="talk_request", member=member.pk) == [
        ("Samordnare Sara", "Solros", "talk_request")
    ]


def test_rest_review_pages_with_a_keyset_cursor(people):
    for n in range(5):
        _read(people["moderator"], people["halmstad_member"], NEEDS, ("meetup", n))
    client = _api(people["unit_coordinator"])

    first = client.get(URL, {"limit": 2}).json()
    second = client.get(f"{URL}?{first['next']}").json()
    third = client.get(f"{URL}?{second['next']}").json()

    ids = [r["object_id"] for page in (first, second, third) for r in page["results"]]
    assert ids == ["4", "3", "2", "1", "0"]
    assert third["next"] is None


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"member": "x"}, "member"),
        ({"member": "0"}, "member"),
        ({"staff": str(2**63)}, "staff"),
        ({"kind": "email"}, "kind"),
        ({"before_id": "-1"}, "before_id"),
        ({"limit": "0"}, "limit"),
        ({"limit": "101"}, "limit"),
    ],
)
def test_rest_review_bad_queries_are_invalid(people, query, field):
    _read(people["moderator"], people["halmstad_member"])

    response = _api(people["admin"]).get(URL, query)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert field in response.json()["fields"]
    assert AccessEntry.objects.count() == 1


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_rest_review_cannot_change_the_log(people, method):
    _read(people["moderator"], people["halmstad_member"])

    response = getattr(_api(people["admin"]), method)(URL, {}, format="json")

    assert response.status_code == 405
    assert AccessEntry.objects.count() == 1


# --- review: the page --------------------------------------------------------------------


@pytest.mark.parametrize("role", list(REVIEWERS))
def test_the_page_is_scoped_like_rest(people, role):
    _read(people["moderator"], people["halmstad_member"])
    _read(people["moderator"], people["goteborg_member"])
    client = Client()
    client.force_login(people[role])

    response = client.get("/samordning/atkomstlogg/", HTTP_ACCEPT_LANGUAGE="en")

    if REVIEWERS[role] is None:
        assert response.status_code == 404
        return
    assert response.status_code == 200
    text = response.content.decode()
    assert ("Solros" in text, "Havsörn" in text) == (
        "Solros" in REVIEWERS[role],
        "Havsörn" in REVIEWERS[role],
    )
    assert "Needs told with an RSVP" in text
    assert AccessEntry.objects.count() == 2


def test_the_page_filters_and_ignores_bad_filters(people):
    _read(people["moderator"], people["halmstad_member"], NEEDS)
    _read(people["unit_coordinator"], people["halmstad_member"], TALK)
    client = Client()
    client.force_login(people["unit_coordinator"])

    by_kind = client.get("/samordning/atkomstlogg/?kind=talk_request", HTTP_ACCEPT_LANGUAGE="en")
    by_staff = client.get(
        f"/samordning/atkomstlogg/?staff={people['moderator'].pk}", HTTP_ACCEPT_LANGUAGE="en"
    )
    bad = client.get("/samordning/atkomstlogg/?kind=nope&member=x&before_id=-3")

    assert by_kind.context["entries"][0].what == TALK
    assert len(by_kind.context["entries"]) == 1
    assert [e.actor_id for e in by_staff.context["entries"]] == [people["moderator"].pk]
    assert bad.status_code == 200
    assert len(bad.context["entries"]) == 2


def test_the_page_needs_sign_in():
    response = Client().get("/samordning/atkomstlogg/")

    assert response.status_code == 302
