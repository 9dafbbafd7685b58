"""Organisations: public pages and API, their staffed hours, and coordinators' edits."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation

from community.models import Organisation, StaffedHours
from groups.models import Meetup
from support import selectors
from tests.factories import PeerGroupFactory
from tests.support.factories import ArticleFactory, SupportEntryFactory

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
LIST = "/api/v1/organisations/"


def detail(organisation) -> str:
    return f"{LIST}{organisation.pk}/"


def snapshot(organisation) -> dict:
    hours = list(organisation.opening_hours.values_list("weekday", "opens", "closes"))
    return {**Organisation.objects.filter(pk=organisation.pk).values().get(), "hours": hours}


def hours(organisation, *stretches) -> None:
    StaffedHours.objects.bulk_create(
        StaffedHours(organisation=organisation, weekday=day, opens=opens, closes=closes)
        for day, opens, closes in stretches
    )


@pytest.fixture
def office_hours(unit):
    hours(unit, *[(day, time(8, 0), time(16, 30)) for day in range(5)])
    return unit


@pytest.fixture
def evening_hours(association_coordinator):
    organisation = association_coordinator.organisation
    hours(organisation, (1, time(17, 0), time(20, 0)), (3, time(17, 0), time(20, 0)))
    return organisation


# --- staffed hours ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("local", "staffed"),
    [
        (datetime(2026, 3, 2, 8, 0), True),  # Monday, opening minute
        (datetime(2026, 3, 2, 16, 29), True),
        (datetime(2026, 3, 2, 16, 30), False),  # closes at 16.30
        (datetime(2026, 3, 2, 7, 59), False),
        (datetime(2026, 3, 7, 10, 0), False),  # Saturday
        (datetime(2026, 7, 3, 12, 0), True),  # Friday in summer time
    ],
    ids=["opens", "just-before-closing", "closing", "before-opening", "saturday", "summer"],
)
def test_whether_staff_answer_at_a_moment(office_hours, local, staffed):
    at = local.replace(tzinfo=STOCKHOLM)

    assert selectors.organisation_is_staffed(organisation=office_hours, at=at) is staffed


def test_staffed_hours_are_read_in_stockholm_time_whatever_zone_is_given(office_hours):
    # 06:30 UTC on a summer Monday is 08:30 in Stockholm; in winter it is 07:30.
    summer = datetime(2026, 6, 1, 6, 30, tzinfo=UTC)
    winter = datetime(2026, 1, 5, 6, 30, tzinfo=UTC)

    assert selectors.organisation_is_staffed(organisation=office_hours, at=summer) is True
    assert selectors.organisation_is_staffed(organisation=office_hours, at=winter) is False


def test_an_organisation_without_hours_is_never_staffed(unit):
    now = timezone.now()

    assert selectors.organisation_is_staffed(organisation=unit, at=now) is False
    assert selectors.staffed_hours_text(unit) == []


@pytest.mark.parametrize(
    ("language", "office", "evenings"),
    [
        ("en", ["Monday–Friday 08.00–16.30"], ["Tuesday, Thursday 17.00–20.00"]),
        ("sv", ["Måndag–fredag 08.00–16.30"], ["Tisdag, torsdag 17.00–20.00"]),
    ],
)
def test_staffed_hours_as_text(office_hours, evening_hours, language, office, evenings):
    with translation.override(language):
        assert selectors.staffed_hours_text(office_hours) == office
        assert selectors.staffed_hours_text(evening_hours) == evenings


def test_days_with_different_hours_get_their_own_lines(unit):
    hours(
        unit,
        (0, time(9, 0), time(12, 0)),
        (0, time(13, 0), time(15, 0)),
        (1, time(9, 0), time(12, 0)),
        (1, time(13, 0), time(15, 0)),
        (5, time(10, 0), time(14, 0)),
    )

    with translation.override("en"):
        assert selectors.staffed_hours_text(unit) == [
            "Monday–Tuesday 09.00–12.00, 13.00–15.00",
            "Saturday 10.00–14.00",
        ]


# --- reading ------------------------------------------------------------------------------


def test_anyone_lists_organisations_with_filters(api, unit, evening_hours, goteborg_coordinator):
    response = api.get(LIST, {"municipality": "1380", "kind": "municipal_unit"})

    assert response.status_code == 200
    assert [o["name"] for o in response.json()["results"]] == ["Halmstads anhörigstöd"]
    assert response.json()["next"] is None


def test_an_organisation_shows_what_it_offers_and_when_it_answers(api, office_hours, coordinator):
    entry = SupportEntryFactory(title="Samtalsstöd", organisation=office_hours)
    SupportEntryFactory(title="Utkast", organisation=office_hours, is_published=False)
    group = PeerGroupFactory(name="Unga anhöriga", organisation=office_hours)
    starts = timezone.now() + timedelta(days=3)
    meetup = Meetup.objects.create(
        group=group,
        title="Fika",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        venue_name="Biblioteket",
        capacity=5,
        created_by=coordinator,
    )
    article = ArticleFactory(title="Om avlösning", organisation=office_hours)

    body = api.get(detail(office_hours), HTTP_ACCEPT_LANGUAGE="en").json()

    assert body["name"] == "Halmstads anhörigstöd"
    assert body["kind"] == "municipal_unit"
    assert body["opening_hours"][0] == {"weekday": 0, "opens": "08:00", "closes": "16:30"}
    assert body["staffed_hours_text"] == ["Monday–Friday 08.00–16.30"]
    assert isinstance(body["is_staffed_now"], bool)
    assert [e["id"] for e in body["entries"]] == [entry.pk]
    assert body["groups"] == [
        {"id": group.pk, "name": "Unga anhöriga", "url": f"/grupper/{group.pk}/"}
    ]
    assert [m["id"] for m in body["meetups"]] == [meetup.pk]
    assert [a["id"] for a in body["articles"]] == [article.pk]


def test_unknown_organisations_are_not_found(api, municipalities):
    assert api.get(f"{LIST}999999/").status_code == 404


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"municipality": "12"}, "municipality"),
        ({"kind": "club"}, "kind"),
        ({"after": "x"}, "after"),
    ],
)
def test_bad_organisation_filters_are_refused(api, municipalities, query, field):
    response = api.get(LIST, query)

    assert response.status_code == 400
    assert list(response.json()["fields"]) == [field]


# --- editing ------------------------------------------------------------------------------


def test_a_coordinator_edits_their_organisation_and_its_hours(
    client_for, coordinator, office_hours
):
    response = client_for(coordinator).patch(
        detail(office_hours),
        {
            "phone": "035-10 00 00",
            "staffed_hours": "Stängt i juli.",
            "opening_hours": [{"weekday": 2, "opens": "13:00", "closes": "19:00"}],
        },
    )

    assert response.status_code == 200
    assert response.json()["phone"] == "035-10 00 00"
    assert response.json()["opening_hours"] == [{"weekday": 2, "opens": "13:00", "closes": "19:00"}]
    office_hours.refresh_from_db()
    assert office_hours.staffed_hours == "Stängt i juli."
    assert list(office_hours.opening_hours.values_list("weekday", "opens", "closes")) == [
        (2, time(13, 0), time(19, 0))
    ]


def test_leaving_out_the_hours_keeps_them(client_for, coordinator, office_hours):
    response = client_for(coordinator).patch(detail(office_hours), {"address": "Storgatan 1"})

    assert response.status_code == 200
    assert office_hours.opening_hours.count() == 5


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 401),
        ("member", 403),
        ("goteborg_coordinator", 403),
        ("association_coordinator", 403),
    ],
)
def test_only_its_own_coordinators_edit_an_organisation(
    request, client_for, office_hours, who, status
):
    before = snapshot(office_hours)
    user = None if who == "anonymous" else request.getfixturevalue(who)

    response = client_for(user).patch(detail(office_hours), {"phone": "0", "opening_hours": []})

    assert response.status_code == status
    assert snapshot(office_hours) == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"opening_hours": [{"weekday": 7, "opens": "08:00", "closes": "10:00"}]}, "opening_hours"),
        ({"opening_hours": [{"weekday": 0, "opens": "10:00", "closes": "08:00"}]}, "opening_hours"),
        ({"opening_hours": [{"weekday": 0, "opens": "25:00", "closes": "26:00"}]}, "opening_hours"),
        (
            {
                "opening_hours": [
                    {"weekday": 0, "opens": "08:00", "closes": "12:00"},
                    {"weekday": 0, "opens": "11:00", "closes": "13:00"},
                ]
            },
            "opening_hours",
        ),
        ({"email": "nope"}, "email"),
        ({"website": "ftp://x"}, "website"),
        ({"phone": "0" * 41}, "phone"),
    ],
    ids=["weekday-7", "closes-before-opens", "not-a-time", "overlap", "email", "website", "phone"],
)
def test_bad_edits_are_refused_and_change_nothing(
    client_for, coordinator, office_hours, body, field
):
    before = snapshot(office_hours)

    response = client_for(coordinator).patch(detail(office_hours), body)

    assert response.status_code == 400
    assert list(response.json()["fields"]) == [field]
    assert snapshot(office_hours) == before


def test_editing_an_unknown_organisation_is_not_found(client_for, coordinator):
    assert client_for(coordinator).patch(f"{LIST}999999/", {"phone": "1"}).status_code == 404


# --- pages --------------------------------------------------------------------------------


def test_the_organisation_page_shows_hours_and_contact(client, office_hours):
    office_hours.phone = "035-13 70 00"
    office_hours.save()

    html = client.get(
        f"/organisationer/{office_hours.slug}/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()

    assert "Monday–Friday 08.00–16.30" in html
    assert 'href="tel:035137000"' in html
    assert "<title>Organisation – Bredvid</title>" in html  # neutral: no name in the tab


def test_editing_the_organisation_from_its_page(client, coordinator, office_hours):
    client.force_login(coordinator)
    form = {
        "description": "Vi finns här.",
        "phone": "035-1",
        "email": "",
        "website": "",
        "address": "",
        "staffed_hours": "",
        "opens_0": "09:00",
        "closes_0": "12:00",
        "opens_4": "13:00",
        "closes_4": "15:00",
    }

    response = client.post(f"/organisationer/{office_hours.slug}/andra/", form)

    assert response.status_code == 302
    assert list(office_hours.opening_hours.values_list("weekday", "opens", "closes")) == [
        (0, time(9, 0), time(12, 0)),
        (4, time(13, 0), time(15, 0)),
    ]


def test_a_half_filled_day_is_refused_on_the_page(client, coordinator, office_hours):
    before = snapshot(office_hours)
    client.force_login(coordinator)

    response = client.post(
        f"/organisationer/{office_hours.slug}/andra/",
        {"opens_0": "09:00"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    assert "Give both when it opens and when it closes." in response.content.decode()
    assert snapshot(office_hours) == before


def test_the_edit_page_is_not_there_for_others(client, office_hours, goteborg_coordinator, member):
    for user in [goteborg_coordinator, member]:
        client.force_login(user)
        assert client.get(f"/organisationer/{office_hours.slug}/andra/").status_code == 404


# --- the on-call address ------------------------------------------------------------------


def test_a_coordinator_sets_the_on_call_address_only_they_read_it(
    client_for, api, coordinator, member, office_hours
):
    response = client_for(coordinator).patch(
        detail(office_hours), {"on_call_email": "jour@halmstad.se"}, format="json"
    )

    assert (response.status_code, response.json()["on_call_email"]) == (200, "jour@halmstad.se")
    office_hours.refresh_from_db()
    assert office_hours.on_call_email == "jour@halmstad.se"
    assert "on_call_email" not in api.get(detail(office_hours)).json()
    assert "on_call_email" not in client_for(member).get(detail(office_hours)).json()
    listed = api.get(LIST).json()["results"]
    assert all("on_call_email" not in o for o in listed)


@pytest.mark.parametrize("who", ["member", "goteborg_coordinator", "association_coordinator"])
def test_others_cannot_set_the_on_call_address(request, client_for, office_hours, who):
    before = snapshot(office_hours)

    response = client_for(request.getfixturevalue(who)).patch(
        detail(office_hours), {"on_call_email": "x@example.se"}, format="json"
    )

    assert response.status_code == 403
    assert snapshot(office_hours) == before


def test_a_bad_on_call_address_is_refused(client_for, coordinator, office_hours):
    before = snapshot(office_hours)

    response = client_for(coordinator).patch(
        detail(office_hours), {"on_call_email": "inte en adress"}, format="json"
    )

    assert (response.status_code, list(response.json()["fields"])) == (400, ["on_call_email"])
    assert snapshot(office_hours) == before


def test_the_on_call_address_is_set_on_the_edit_page(client, coordinator, office_hours):
    client.force_login(coordinator)
    form = {"description": "", "phone": "", "email": "", "website": "", "address": ""}

    client.post(
        f"/organisationer/{office_hours.slug}/andra/",
        {**form, "staffed_hours": "", "on_call_email": "jour@halmstad.se"},
    )

    office_hours.refresh_from_db()
    assert office_hours.on_call_email == "jour@halmstad.se"
    page = client.get(f"/organisationer/{office_hours.slug}/andra/").content.decode()
    assert 'value="jour@halmstad.se"' in page
