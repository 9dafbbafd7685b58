"""Find-support pages: who sees which page, neutral titles, and the coordinators' forms."""

import pytest
from django.utils import timezone

from community.models import Article, SupportEntry
from tests.support.factories import ArticleFactory, SupportEntryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def content(unit, halmstad):
    entry = SupportEntryFactory(
        title="Avlösning i hemmet",
        slug="avlosning",
        organisation=unit,
        category="avlastning",
        municipality=halmstad,
        how_to_apply="Ring oss.",
        is_municipal_service=True,
    )
    article = ArticleFactory(title="Att vara ung anhörig", slug="ung-anhorig", organisation=unit)
    return {"entry": entry, "article": article, "organisation": unit}


def public_pages(content) -> list[str]:
    return [
        "/hitta-stod/",
        "/hitta-stod/?cares_for=parent&need=respite&age=20&municipality=1380",
        "/stod/",
        "/stod/?q=avlösning&municipality=1380",
        f"/stod/{content['entry'].slug}/",
        f"/organisationer/{content['organisation'].slug}/",
        "/kunskap/",
        f"/kunskap/{content['article'].slug}/",
        "/prata-med-nagon/",
    ]


def coordinator_pages(content) -> list[str]:
    return [
        "/samordning/samtal/",
        "/samordning/stod/",
        "/samordning/stod/ny/",
        f"/samordning/stod/{content['entry'].pk}/andra/",
        f"/samordning/stod/{content['entry'].pk}/ta-bort/",
        "/samordning/kunskap/ny/",
        f"/samordning/kunskap/{content['article'].pk}/andra/",
        f"/organisationer/{content['organisation'].slug}/andra/",
    ]


def test_public_pages_have_quick_exit_csp_and_a_neutral_title(client, content):
    for path in public_pages(content):
        response = client.get(path)
        html = response.content.decode()
        assert response.status_code == 200, path
        assert 'id="quick-exit"' in html
        assert "unsafe-inline" not in response["Content-Security-Policy"]
        title = html.split("<title>")[1].split("</title>")[0].lower()
        assert "anhörig" not in title, path
        assert "avlösning" not in title, path
        assert "<script>" not in html


def test_coordinator_pages_render_for_the_organisations_coordinator(client, content, coordinator):
    client.force_login(coordinator)

    for path in coordinator_pages(content):
        assert client.get(path).status_code == 200, path


OWN_WORK = {"/samordning/stod/", "/samordning/stod/ny/", "/samordning/kunskap/ny/"}


@pytest.mark.parametrize(
    ("who", "open_pages"),
    [
        ("member", set()),
        # Their own organisation's pages and their own municipality's (empty) queue.
        ("goteborg_coordinator", {*OWN_WORK, "/samordning/samtal/"}),
        ("association_coordinator", OWN_WORK),
    ],
)
def test_coordinator_pages_are_not_there_for_others(request, client, content, who, open_pages):
    client.force_login(request.getfixturevalue(who))

    for path in coordinator_pages(content):
        expected = 200 if path in open_pages else 404
        assert client.get(path).status_code == expected, path


def test_coordinator_pages_ask_to_log_in(client, content):
    for path in coordinator_pages(content):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/konto/login/")


def test_the_nav_links_to_find_support(client, member):
    for user in [None, member]:
        if user:
            client.force_login(user)
        html = client.get("/hitta-stod/").content.decode()
        assert 'href="/hitta-stod/" aria-current="page"' in html


def test_the_finder_page_shows_ranked_answers_with_reasons_and_next_steps(client, content):
    response = client.get(
        "/hitta-stod/",
        {"cares_for": "partner", "need": "respite", "age": 40, "municipality": "1380"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    html = response.content.decode()
    assert "Avlösning i hemmet" in html
    assert "Because you chose: a break (respite)" in html
    assert f'href="/stod/{content["entry"].slug}/#how-to-apply"' in html
    assert "How to apply" in html


def test_the_entry_page_shows_how_to_apply_and_when_it_was_checked(client, content):
    html = client.get(f"/stod/{content['entry'].slug}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert 'id="how-to-apply"' in html
    assert "Ring oss." in html
    assert f"Last checked {timezone.localdate():%-d %B %Y}." in html


def test_unknown_pages_are_not_found(client, municipalities):
    for path in ["/stod/nope/", "/organisationer/nope/", "/kunskap/nope/"]:
        assert client.get(path).status_code == 404


def test_a_coordinator_adds_edits_and_deletes_an_entry_from_the_pages(client, coordinator):
    client.force_login(coordinator)
    form = {
        "title": "Samtalsgrupp",
        "summary": "Vi träffas och pratar.",
        "category": "samtalsstod",
        "extra_categories": ["gemenskap"],
        "municipality": "1380",
        "languages": "sv, EN",
        "cares_for": ["parent"],
        "is_published": "on",
    }

    created = client.post("/samordning/stod/ny/", form)
    entry = SupportEntry.objects.get()
    edited = client.post(f"/samordning/stod/{entry.pk}/andra/", {**form, "title": "Samtal"})
    entry.refresh_from_db()
    deleted = client.post(f"/samordning/stod/{entry.pk}/ta-bort/")

    assert created.status_code == 302
    assert created["Location"] == "/stod/samtalsgrupp/"
    assert (entry.title, entry.languages, entry.extra_categories) == (
        "Samtal",
        ["sv", "en"],
        ["gemenskap"],
    )
    assert edited.status_code == 302
    assert deleted["Location"] == "/samordning/stod/"
    assert SupportEntry.objects.count() == 0


def test_a_refused_entry_shows_the_reason_on_the_form(client, coordinator):
    client.force_login(coordinator)

    response = client.post(
        "/samordning/stod/ny/",
        {"title": "X", "summary": "Y", "category": "avlastning", "is_municipal_service": "on"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    assert 'id="id_municipality_error"' in response.content.decode()
    assert SupportEntry.objects.count() == 0


def test_a_coordinator_writes_and_edits_an_article_from_the_pages(client, coordinator):
    client.force_login(coordinator)

    created = client.post(
        "/samordning/kunskap/ny/",
        {"title": "Sömn", "body_markdown": "Sov gott.", "categories": ["friskvard"]},
    )
    article = Article.objects.get()
    edited = client.post(
        f"/samordning/kunskap/{article.pk}/andra/",
        {"title": "Sömn", "body_markdown": "Sov **gott**.", "is_published": "on"},
    )
    article.refresh_from_db()

    assert created["Location"] == "/kunskap/somn/"
    assert edited.status_code == 302
    assert (article.body_markdown, article.is_published, article.categories) == (
        "Sov **gott**.",
        True,
        [],
    )
