"""The guided finder: ranking for typical answers, its reasons, its next steps, and that
nobody's answers are stored unless they ask."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.utils import timezone, translation

from community.models import CaresFor, Municipality, SupportEntry, User
from groups.models import Meetup, PeerGroup
from support import finder
from support.finder import Answers, Candidates
from tests.factories import OrganisationFactory, PeerGroupFactory
from tests.support.factories import ArticleFactory, SupportEntryFactory

pytestmark = pytest.mark.django_db

FINDER = "/api/v1/finder/"


@pytest.fixture
def world(unit, halmstad, goteborg, coordinator):
    """National lines, Halmstad's own support and groups, and a Göteborg entry."""
    bris = SupportEntryFactory(
        title="Bris",
        summary="For anyone under 18.",
        category="samtalsstod",
        extra_categories=["trygghet"],
        max_age=17,
        phone="116 111",
        is_crisis_line=True,
    )
    SupportEntryFactory(title="112", category="trygghet", phone="112", is_crisis_line=True)
    SupportEntryFactory(
        title="Självmordslinjen", category="samtalsstod", phone="90101", is_crisis_line=True
    )
    talk = SupportEntryFactory(
        title="Samtalsstöd hos anhörigstödet",
        organisation=unit,
        category="samtalsstod",
        municipality=halmstad,
        phone="035-13 70 00",
        is_municipal_service=True,
    )
    respite = SupportEntryFactory(
        title="Avlösning i hemmet",
        organisation=unit,
        category="avlastning",
        municipality=halmstad,
        is_municipal_service=True,
        how_to_apply="Ring kontaktcenter.",
    )
    SupportEntryFactory(
        title="Samtalsstöd i Göteborg",
        category="samtalsstod",
        municipality=goteborg,
        is_municipal_service=True,
    )
    addiction_group = PeerGroupFactory(
        name="Unga med en förälder som dricker",
        description="För dig vars mamma eller pappa har ett missbruk.",
        themes=["samtalsstod", "gemenskap"],
        organisation=unit,
        min_age=13,
        max_age=20,
        joining=PeerGroup.Joining.REQUEST,
    )
    siblings = PeerGroupFactory(
        name="Syskongruppen",
        description="För dig som har ett syskon med en funktionsnedsättning.",
        themes=["samtalsstod"],
        organisation=unit,
        min_age=13,
        max_age=17,
    )
    adults_online = PeerGroupFactory(
        name="Anhöriga 18–30 på nätet",
        themes=["samtalsstod", "gemenskap"],
        organisation=unit,
        municipality=None,
        min_age=18,
        max_age=30,
    )
    starts = timezone.now() + timedelta(days=5)
    meetup = Meetup.objects.create(
        group=addiction_group,
        title="Fika och prat",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        venue_name="Biblioteket",
        capacity=10,
        created_by=coordinator,
    )
    article = ArticleFactory(
        title="Att prata om missbruk hemma",
        categories=["samtalsstod", "kunskap"],
        organisation=unit,
    )
    return {
        "bris": bris,
        "talk": talk,
        "respite": respite,
        "addiction_group": addiction_group,
        "siblings": siblings,
        "adults_online": adults_online,
        "meetup": meetup,
        "article": article,
    }


def ask(api, language="en", **answers):
    response = api.get(FINDER, answers, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, response.json()
    return response.json()


def top(body, n=3) -> list[tuple[str, str]]:
    return [(r["kind"], r["title"]) for r in body["results"][:n]]


def test_sixteen_year_old_caring_for_a_parent_with_addiction_who_wants_to_talk(api, world):
    body = ask(
        api, age=16, cares_for="parent", situation="addiction", municipality="1380", need="talk"
    )

    assert top(body) == [
        ("entry", "Bris"),
        ("group", "Unga med en förälder som dricker"),
        ("entry", "Samtalsstöd hos anhörigstödet"),
    ]
    first, second, third = body["results"][:3]
    assert first["next_step"] == {"label": "Call 116 111", "url": "tel:116111"}
    assert second["next_step"] == {
        "label": "Ask to join",
        "url": f"/grupper/{world['addiction_group'].pk}/",
    }
    assert third["next_step"] == {"label": "Ask for a conversation", "url": "/prata-med-nagon/"}
    assert first["why"] == [
        "Because you chose: someone to talk to",
        "Because you are under 18: it is made for young people who want to talk",
    ]
    assert second["why"] == [
        "Because you chose: someone to talk to",
        "Near you: in Halmstad",
        "Because you care for a parent",
        "Because you told about addiction",
        "It has a meetup coming up",
    ]
    assert third["why"] == [
        "Because you chose: someone to talk to",
        "Near you: in Halmstad",
        "Run by your municipality's carer support",
    ]
    assert [r["score"] for r in body["results"][:3]] == [140, 95, 70]
    assert body["municipal_unit"] == {
        "id": world["talk"].organisation_id,
        "name": "Halmstads anhörigstöd",
        "url": f"/organisationer/{world['talk'].organisation.slug}/",
    }


def test_the_rest_of_the_answer_for_the_sixteen_year_old(api, world):
    body = ask(
        api, age=16, cares_for="parent", situation="addiction", municipality="1380", need="talk"
    )

    # the meetup of a group with under-18s is not offered to someone outside it: where and
    # when it meets is for its members and staff, so the answer leads to the group instead
    assert [(r["kind"], r["title"]) for r in body["results"][3:]] == [
        ("group", "Syskongruppen"),
        ("article", "Att prata om missbruk hemma"),
    ]
    article = body["results"][4]
    assert article["next_step"] == {
        "label": "Read",
        "url": f"/kunskap/{world['article'].slug}/",
    }
    assert article["why"] == [
        "Because you chose: someone to talk to",
        "Because you told about addiction",
    ]


def test_a_member_of_the_youth_group_is_offered_its_meetup(api, world):
    from groups.models import Membership
    from tests.factories import UserFactory

    member = UserFactory(display_name="Gruppmedlem", birth_year=timezone.localdate().year - 16)
    Membership.objects.create(group=world["addiction_group"], user=member)
    api.force_authenticate(member)

    body = ask(
        api, age=16, cares_for="parent", situation="addiction", municipality="1380", need="talk"
    )

    assert [(r["kind"], r["title"]) for r in body["results"][3:5]] == [
        ("group", "Syskongruppen"),
        ("meetup", "Fika och prat"),
    ]
    meetup = body["results"][4]
    assert meetup["next_step"] == {
        "label": "Sign up for the meetup",
        "url": f"/traffar/{world['meetup'].pk}/",
    }
    assert meetup["why"] == [
        "A meetup of a group that suits what you chose",
        "Near you: in Halmstad",
        "Because you care for a parent",
        "Because you told about addiction",
        "It is soon",
    ]


def test_an_adult_needing_respite_gets_the_municipal_service_and_how_to_apply(api, world):
    body = ask(api, age=34, cares_for="partner", municipality="1380", need="respite")

    assert top(body, 5) == [("entry", "Avlösning i hemmet")]
    assert body["results"][0]["next_step"] == {
        "label": "How to apply",
        "url": "/stod/" + world["respite"].slug + "/#how-to-apply",
    }
    assert body["results"][0]["why"] == [
        "Because you chose: a break (respite)",
        "Near you: in Halmstad",
        "Run by your municipality's carer support",
    ]


def test_an_adult_who_wants_to_talk_never_gets_youth_lines_or_youth_groups(api, world):
    body = ask(api, age=25, cares_for="partner", municipality="1380", need="talk")

    assert top(body, 10) == [
        ("entry", "Samtalsstöd hos anhörigstödet"),
        ("group", "Anhöriga 18–30 på nätet"),
        ("article", "Att prata om missbruk hemma"),
    ]


def test_other_municipalities_support_is_never_offered(api, world):
    body = ask(api, age=25, cares_for="parent", municipality="1480", need="talk")

    titles = [r["title"] for r in body["results"]]
    assert "Samtalsstöd i Göteborg" in titles
    assert "Samtalsstöd hos anhörigstödet" not in titles
    assert "Unga med en förälder som dricker" not in titles


def test_without_a_municipality_only_national_support_and_online_groups(api, world):
    body = ask(api, age=19, cares_for="parent", need="talk")

    assert top(body, 10) == [
        ("group", "Anhöriga 18–30 på nätet"),
        ("article", "Att prata om missbruk hemma"),
    ]
    assert body["municipal_unit"] is None


def test_crisis_lines_stand_beside_the_results_not_among_them(api, world):
    body = ask(api, age=25, cares_for="parent", municipality="1380", need="talk")

    assert "Självmordslinjen" not in [r["title"] for r in body["results"]]
    assert [c["title"] for c in body["crisis"]] == ["112", "Bris", "Självmordslinjen"]


def test_crisis_lines_are_always_there_whatever_the_answers(api, world):
    body = ask(api, age=40, cares_for="other", need="money")

    assert body["results"] == []
    assert [(c["title"], c["next_step"]["url"]) for c in body["crisis"]] == [
        ("112", "tel:112"),
        ("Bris", "tel:116111"),
        ("Självmordslinjen", "tel:90101"),
    ]
    assert body["next"] is None


def test_under_eighteen_who_wants_something_else_is_not_pushed_to_bris(api, world):
    body = ask(api, age=15, cares_for="sibling", municipality="1380", need="respite")

    assert top(body) == [("entry", "Avlösning i hemmet")]


def test_answers_in_swedish_are_explained_in_swedish_words_of_the_choice(api, world):
    body = ask(api, "sv", age=16, cares_for="parent", municipality="1380", need="talk")

    with translation.override("sv"):
        need = str(finder.Need.TALK.label).lower()
    # The need's label is lower-cased inside the sentence, whatever the language.
    assert body["results"][0]["why"][0].endswith(need)
    assert body["results"][0]["next_step"]["label"] == "Ring 116 111"


# --- the pure ranking, without a database -------------------------------------------------


def test_rank_is_pure_and_orders_by_points_then_kind_then_title():
    halmstad = Municipality(pk=1, code="1380", name="Halmstad")
    organisation = OrganisationFactory.build(pk=9)
    entries = [
        SupportEntry(
            pk=1, slug="a", title="B-linjen", category="ekonomi", organisation=organisation
        ),
        SupportEntry(
            pk=2, slug="b", title="A-linjen", category="ekonomi", organisation=organisation
        ),
        SupportEntry(
            pk=3,
            slug="c",
            title="Skuldrådgivning",
            category="ekonomi",
            municipality=halmstad,
            is_municipal_service=True,
            organisation=organisation,
        ),
    ]
    answers = Answers(need="money", cares_for=CaresFor.PARENT, age=22, municipality=halmstad)

    with translation.override("en"):
        results = finder.rank(answers, Candidates(entries=entries), now=timezone.now())

    assert [(r.title, r.score) for r in results] == [
        ("Skuldrådgivning", 70),
        ("A-linjen", 40),
        ("B-linjen", 40),
    ]


@pytest.mark.parametrize(
    ("entry_fields", "answers_fields", "shown"),
    [
        ({"max_age": 17}, {"age": 18}, False),
        ({"min_age": 18}, {"age": 17}, False),
        ({"cares_for": ["sibling"]}, {"cares_for": "parent"}, False),
        ({"cares_for": ["parent"]}, {"cares_for": "parent"}, True),
        ({"situations": ["dementia"]}, {"situation": "addiction"}, False),
        ({"situations": ["dementia"]}, {"situation": None}, True),
        ({"category": "ekonomi"}, {}, False),
        ({"extra_categories": ["samtalsstod"], "category": "ekonomi"}, {}, True),
    ],
    ids=[
        "too-old",
        "too-young",
        "cares-for-someone-else",
        "cares-for-the-same",
        "other-situation",
        "situation-not-told",
        "other-need",
        "need-in-extra-categories",
    ],
)
def test_who_an_entry_is_for(entry_fields, answers_fields, shown):
    fields = {"pk": 1, "slug": "x", "title": "X", "category": "samtalsstod", **entry_fields}
    answers = {"need": "talk", "cares_for": "parent", "age": 20, **answers_fields}

    result = finder.score_entry(SupportEntry(**fields), Answers(**answers))

    assert (result is not None) is shown


# --- nothing stored -----------------------------------------------------------------------


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_anonymous_finder_over_the_api_stores_nothing(api, world):
    before = row_counts()

    ask(api, age=16, cares_for="parent", situation="addiction", municipality="1380", need="talk")

    assert row_counts() == before
    assert Session.objects.count() == 0


def test_anonymous_finder_page_stores_nothing_and_sets_no_session(client, world):
    before = row_counts()

    response = client.get(
        "/hitta-stod/",
        {"age": 16, "cares_for": "parent", "municipality": "1380", "need": "talk"},
    )

    assert response.status_code == 200
    assert "Bris" in response.content.decode()
    assert row_counts() == before
    assert "sessionid" not in response.cookies
    assert Session.objects.count() == 0


def test_signed_in_finder_use_changes_nothing_in_the_profile(client_for, world, member):
    profile = User.objects.filter(pk=member.pk).values().get()
    before = row_counts()

    ask(client_for(member), age=25, cares_for="friend", municipality="1480", need="money")

    assert row_counts() == before
    assert User.objects.filter(pk=member.pk).values().get() == profile


# --- saving answers, only on request ------------------------------------------------------


def test_saving_answers_adds_them_to_the_profile(client_for, member, halmstad):
    member.cares_for = ["sibling"]
    member.municipality = None
    member.save()

    response = client_for(member).post(
        "/api/v1/finder/save/",
        {"cares_for": "parent", "municipality": "1380", "situation": "addiction"},
    )

    assert response.status_code == 200
    assert response.json() == {
        "cares_for": ["parent", "sibling"],
        "situation_tags": ["addiction"],
        "municipality": {"code": "1380", "name": "Halmstad", "county": "Hallands län"},
    }
    member.refresh_from_db()
    assert (member.cares_for, member.situation_tags, member.municipality) == (
        ["parent", "sibling"],
        ["addiction"],
        halmstad,
    )


def test_saving_answers_needs_an_account(api, municipalities):
    before = row_counts()

    response = api.post("/api/v1/finder/save/", {"cares_for": "parent"})

    assert response.status_code == 401
    assert response.json()["code"] == "not_signed_in"
    assert row_counts() == before


def test_saving_answers_from_the_page(client, member):
    client.force_login(member)

    response = client.post(
        "/hitta-stod/spara/",
        {
            "cares_for": "friend",
            "municipality": "1480",
            "situation": "",
            "next": "/hitta-stod/?x=1",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == "/hitta-stod/?x=1"
    member.refresh_from_db()
    assert member.cares_for == ["friend", "parent"]
    assert member.municipality.code == "1480"


def test_saving_from_the_page_never_redirects_elsewhere(client, member):
    client.force_login(member)

    response = client.post(
        "/hitta-stod/spara/", {"cares_for": "friend", "next": "https://evil.example/"}
    )

    assert response["Location"] == "/hitta-stod/"


# --- bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        ({"cares_for": "parent", "age": 16}, ["need"]),
        ({"need": "talk", "age": 16}, ["cares_for"]),
        ({"need": "talk", "cares_for": "parent"}, ["age"]),
        ({"need": "hugs", "cares_for": "parent", "age": 16}, ["need"]),
        ({"need": "talk", "cares_for": "cat", "age": 16}, ["cares_for"]),
        ({"need": "talk", "cares_for": "parent", "age": "sixteen"}, ["age"]),
        ({"need": "talk", "cares_for": "parent", "age": 3}, ["age"]),
        (
            {"need": "talk", "cares_for": "parent", "age": 16, "municipality": "9999"},
            ["municipality"],
        ),
        (
            {"need": "talk", "cares_for": "parent", "age": 16, "municipality": "abc"},
            ["municipality"],
        ),
        ({"need": "talk", "cares_for": "parent", "age": 16, "situation": "sad"}, ["situation"]),
    ],
    ids=[
        "no-need",
        "no-cares-for",
        "no-age",
        "unknown-need",
        "unknown-cares-for",
        "age-not-a-number",
        "age-too-low",
        "unknown-municipality",
        "municipality-not-a-code",
        "unknown-situation",
    ],
)
def test_bad_finder_answers_are_refused_with_the_field(api, municipalities, query, fields):
    response = api.get(FINDER, query)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert sorted(response.json()["fields"]) == fields


def test_bad_answers_to_save_are_refused_and_change_nothing(client_for, member):
    before = User.objects.filter(pk=member.pk).values().get()

    response = client_for(member).post(
        "/api/v1/finder/save/", {"cares_for": "cat", "municipality": "9999"}
    )

    assert response.status_code == 400
    assert sorted(response.json()["fields"]) == ["cares_for", "municipality"]
    assert User.objects.filter(pk=member.pk).values().get() == before


def test_the_finder_page_shows_errors_next_to_the_questions(client, municipalities):
    response = client.get("/hitta-stod/", {"need": "hugs", "age": "x"})

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_age_error"' in html
    assert 'id="id_cares_for_error"' in html
