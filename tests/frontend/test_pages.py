import pytest
from django.core import mail
from django.utils import timezone

from community.models import User

pytestmark = pytest.mark.django_db

PAGES_SIGNED_OUT = ["/", "/konto/login/", "/konto/signup/", "/villkor/", "/konto/password/reset/"]
PAGES_SIGNED_IN = ["/hem/", "/profil/", "/konto/password/change/", "/konto/logout/"]


def signup_form(**overrides):
    form = {
        "email": "ny@example.se",
        "display_name": "Nattugglan",
        "password1": "en-lang-fras-som-losen",
        "password2": "en-lang-fras-som-losen",
        "birth_year": str(timezone.localdate().year - 17),
        "municipality": "1380",
        "cares_for": ["parent"],
        "preferred_language": "sv",
        "accept_terms": "on",
    }
    return {**form, **overrides}


@pytest.mark.parametrize("path", PAGES_SIGNED_OUT)
def test_every_page_has_quick_exit_csp_and_a_neutral_title(client, municipalities, path):
    response = client.get(path)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="quick-exit"' in html
    assert "Lämna snabbt" in html
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    title = html.split("<title>")[1].split("</title>")[0].lower()
    assert "anhörig" not in title
    assert "<script>" not in html  # no inline scripts


@pytest.mark.parametrize("path", PAGES_SIGNED_IN)
def test_signed_in_pages_render(client, member, path):
    client.force_login(member)

    response = client.get(path)

    assert response.status_code == 200
    assert 'id="quick-exit"' in response.content.decode()


def test_home_needs_login(client):
    response = client.get("/hem/")

    assert response.status_code == 302
    assert response["Location"].startswith("/konto/login/")


def test_landing_speaks_swedish_by_default_and_english_on_request(client):
    swedish = client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get("/").content.decode()

    assert 'lang="sv"' in swedish
    assert "inte ensam" in swedish
    assert 'lang="en"' in english
    assert "Leave quickly" in english


def test_signup_page_shows_every_error_inline_and_stores_nothing(client, municipalities):
    response = client.post("/konto/signup/", signup_form(password2="annat", accept_terms=""))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'aria-invalid="true"' in html
    assert "godkänna uppförandekoden" in html
    assert User.objects.count() == 0
    assert mail.outbox == []


def test_login_page_locks_out_after_repeated_failures(client, member, password):
    for _ in range(5):
        client.post("/konto/login/", {"login": member.email, "password": "fel"})

    response = client.post("/konto/login/", {"login": member.email, "password": password})

    assert response.status_code == 200
    assert "För många misslyckade inloggningsförsök" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_profile_page_updates_through_the_service(client, member):
    client.force_login(member)

    response = client.post(
        "/profil/",
        {
            "display_name": "Nattljus",
            "birth_year": "2000",
            "municipality": "0126",
            "cares_for": ["sibling"],
            "preferred_language": "en",
        },
    )

    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.display_name, member.municipality.code, member.cares_for) == (
        "Nattljus",
        "0126",
        ["sibling"],
    )


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/finns-inte/")

    assert response.status_code == 404
    assert 'id="quick-exit"' in response.content.decode()


@pytest.mark.parametrize("path", PAGES_SIGNED_OUT)
def test_every_page_describes_itself_for_search_engines(client, municipalities, path):
    html = client.get(path, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert (
        '<meta name="description" content="Bredvid is where young carers meet others who know '
        'what it is like: chat rooms, peer groups and meetups near you.">'
    ) in html
