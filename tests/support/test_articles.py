"""Knowledge articles: coordinators write, everyone reads what is published."""

from datetime import timedelta

import pytest
from django.utils import timezone

from community.models import Article
from groups.models import Meetup
from tests.factories import PeerGroupFactory
from tests.support.factories import ArticleFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/articles/"


def snapshot(article) -> dict:
    meetups = sorted(article.meetups.values_list("pk", flat=True))
    return {**Article.objects.filter(pk=article.pk).values().get(), "meetups": meetups}


@pytest.fixture
def lecture(coordinator):
    group = PeerGroupFactory(organisation=coordinator.organisation)
    starts = timezone.now() + timedelta(days=10)
    return Meetup.objects.create(
        group=group,
        title="Föreläsning om stress",
        kind=Meetup.Kind.LECTURE,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        venue_name="Aulan",
        capacity=50,
        created_by=coordinator,
    )


@pytest.fixture
def own_article(coordinator):
    return ArticleFactory(
        title="Om stress", organisation=coordinator.organisation, categories=["friskvard"]
    )


def test_a_coordinator_writes_an_article_linked_to_a_lecture(client_for, coordinator, lecture):
    response = client_for(coordinator).post(
        LIST,
        {
            "title": "Att sova bättre",
            "body_markdown": "## Tips\n\n- Lägg undan mobilen",
            "categories": ["friskvard", "kunskap"],
            "meetups": [lecture.pk],
            "is_published": True,
        },
    )

    assert response.status_code == 201
    body = response.json()
    article = Article.objects.get()
    assert (article.slug, article.organisation, article.author) == (
        "att-sova-battre",
        coordinator.organisation,
        coordinator,
    )
    assert body["body_html"] == "<h2>Tips</h2>\n<ul>\n<li>Lägg undan mobilen</li>\n</ul>"
    assert [m["id"] for m in body["meetups"]] == [lecture.pk]
    assert list(lecture.articles.all()) == [article]


def test_everyone_reads_published_articles_newest_first(api, municipalities, monkeypatch):
    from support import selectors

    monkeypatch.setattr(selectors, "PAGE_LIMIT", 2)
    first, second, third = (ArticleFactory(title=t) for t in ["Ett", "Två", "Tre"])
    ArticleFactory(title="Utkast", is_published=False)

    page = api.get(LIST).json()
    rest = api.get(f"{LIST}?{page['next']}").json()

    assert [a["title"] for a in page["results"]] == ["Tre", "Två"]
    assert [a["title"] for a in rest["results"]] == ["Ett"]
    assert rest["next"] is None


def test_articles_filter_by_category(api, municipalities):
    ArticleFactory(title="Pengar", categories=["ekonomi"])
    ArticleFactory(title="Sömn", categories=["friskvard"])

    response = api.get(LIST, {"category": "ekonomi"})

    assert [a["title"] for a in response.json()["results"]] == ["Pengar"]


def test_drafts_only_for_their_organisation(client_for, own_article, member, coordinator):
    own_article.is_published = False
    own_article.save()
    url = f"{LIST}{own_article.slug}/"

    assert client_for(None).get(url).status_code == 404
    assert client_for(member).get(url).status_code == 404
    assert client_for(coordinator).get(url).status_code == 200


def test_a_coordinator_edits_their_article(client_for, coordinator, own_article):
    response = client_for(coordinator).patch(
        f"{LIST}{own_article.slug}/", {"summary": "Kort.", "is_published": False}
    )

    assert response.status_code == 200
    own_article.refresh_from_db()
    assert (own_article.title, own_article.summary, own_article.is_published) == (
        "Om stress",
        "Kort.",
        False,
    )


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 401), ("member", 403), ("goteborg_coordinator", 403)],
)
def test_others_cannot_edit_an_article(request, client_for, own_article, who, status):
    before = snapshot(own_article)
    user = None if who == "anonymous" else request.getfixturevalue(who)

    response = client_for(user).patch(f"{LIST}{own_article.slug}/", {"title": "Kapad"})

    assert response.status_code == status
    assert snapshot(own_article) == before


@pytest.mark.parametrize(("who", "status"), [("anonymous", 401), ("member", 403)])
def test_only_coordinators_write_articles(request, client_for, municipalities, who, status):
    user = None if who == "anonymous" else request.getfixturevalue(who)

    response = client_for(user).post(LIST, {"title": "X", "body_markdown": "Y"})

    assert response.status_code == status
    assert Article.objects.count() == 0


def test_articles_link_only_their_organisations_lectures(
    client_for, coordinator, goteborg_coordinator, lecture
):
    response = client_for(goteborg_coordinator).post(
        LIST, {"title": "X", "body_markdown": "Y", "meetups": [lecture.pk]}
    )

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["meetups"]
    assert Article.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"body_markdown": "Y"}, "title"),
        ({"title": "X"}, "body_markdown"),
        ({"title": "X", "body_markdown": "Y", "categories": ["nope"]}, "categories"),
        ({"title": "X", "body_markdown": "Y", "meetups": ["a"]}, "meetups"),
        ({"title": "X", "body_markdown": "Y" * 20001}, "body_markdown"),
    ],
    ids=["no-title", "no-text", "unknown-category", "meetup-not-an-id", "text-too-long"],
)
def test_bad_articles_are_refused(client_for, coordinator, body, field):
    response = client_for(coordinator).post(LIST, body)

    assert response.status_code == 400
    assert list(response.json()["fields"]) == [field]
    assert Article.objects.count() == 0


def test_unknown_articles_are_not_found(client_for, coordinator):
    assert client_for(coordinator).get(f"{LIST}no-such-article/").status_code == 404
    assert (
        client_for(coordinator).patch(f"{LIST}no-such-article/", {"title": "x"}).status_code == 404
    )


def test_bad_article_filters_are_refused(api, municipalities):
    assert list(api.get(LIST, {"category": "x"}).json()["fields"]) == ["category"]
    assert list(api.get(LIST, {"before": "x"}).json()["fields"]) == ["before"]


def test_the_article_page_lists_its_coming_lectures(client, own_article, lecture):
    own_article.meetups.add(lecture)

    html = client.get(f"/kunskap/{own_article.slug}/").content.decode()

    assert f'href="/traffar/{lecture.pk}/"' in html
