"""The privacy notice and the records of processing: pages for everyone, in Swedish and
English, reading the retention periods from the one place they are configured."""

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client

from community import legal
from frontend.records import RECORDS, period_text

pytestmark = pytest.mark.django_db

PAGES = ["/integritet/", "/integritet/behandlingar/"]
README = Path(django_settings.BASE_DIR) / "README.md"


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("who", ["signed_out", "member"])
def test_the_pages_are_for_everyone(path, who, member):
    response = _client(member if who == "member" else None).get(path)

    assert response.status_code == 200


@pytest.mark.parametrize("path", PAGES)
def test_swedish_by_default_english_on_request(path):
    swedish = _client().get(path).content.decode()
    english = _client().get(path, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert '<html lang="sv">' in swedish
    assert '<html lang="en">' in english
    assert "Leave quickly" in english
    assert "Lämna snabbt" in swedish
    assert "12 months" in english


def test_the_notice_is_the_versioned_text_members_accept():
    page = _client().get("/integritet/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert f"Version {legal.PRIVACY_NOTICE.version}" in page
    assert str(legal.PRIVACY_NOTICE.text)[:60] in page.replace("&#x27;", "'")


def test_the_records_read_every_configured_period(settings):
    # given each period set to a number of days found nowhere else on the page
    settings.RETENTION = {name: 101 + n for n, name in enumerate(settings.RETENTION)}

    page = _client().get("/integritet/behandlingar/", HTTP_ACCEPT_LANGUAGE="en").content
    notice = _client().get("/integritet/", HTTP_ACCEPT_LANGUAGE="en").content

    for name, days in settings.RETENTION.items():
        assert f"{days} days".encode() in page, name
        assert f"{days} days".encode() in notice, name


def test_each_record_says_what_why_basis_how_long_and_who():
    page = _client().get("/integritet/behandlingar/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    sections = re.findall(r'<section class="card"(.*?)</section>', page, re.S)
    assert len(sections) == len(RECORDS)
    for section in sections:
        terms = re.findall(r"<dt>(.*?)</dt><dd>(.+?)</dd>", section, re.S)
        assert [t for t, _ in terms] == ["What", "Why", "Legal basis", "How long", "Who sees it"]
        assert all(d.strip() for _, d in terms)


@pytest.mark.parametrize(
    ("days", "text"),
    [(365, "12 months"), (730, "24 months"), (30, "30 days"), (1, "1 day"), (400, "400 days")],
)
def test_periods_read_as_people_say_them(days, text):
    from django.utils import translation

    with translation.override("en"):
        assert period_text(days) == text


def test_the_footer_of_every_page_and_the_settings_page_link_both(member):
    landing = _client().get("/").content.decode()
    settings_page = _client(member).get("/profil/installningar/").content.decode()

    for page in (landing, settings_page):
        assert 'href="/integritet/"' in page
        assert 'href="/integritet/behandlingar/"' in page
    assert settings_page.count('href="/integritet/behandlingar/"') == 2  # footer and settings


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_only_get_is_answered(path, method, member):
    response = getattr(_client(member), method)(path, {"x": "y"})

    assert response.status_code == 405


@pytest.mark.parametrize("path", PAGES)
def test_a_query_string_changes_nothing(path):
    plain = _client().get(path, HTTP_ACCEPT_LANGUAGE="en")
    noisy = _client().get(f"{path}?x=%ED%A0%80&days=-1&lang=xx", HTTP_ACCEPT_LANGUAGE="en")

    assert noisy.status_code == plain.status_code == 200
    assert _main(noisy) == _main(plain)


def _main(response) -> str:
    return re.search(r"<main.*</main>", response.content.decode(), re.S).group(0)


def test_the_readme_table_holds_the_defaults():
    """README's retention table and the settings' embedded defaults say the same."""
    text = README.read_text()
    rows = dict(re.findall(r"^\| `RETENTION_(\w+)_DAYS` \| (\d+) \|", text, re.M))
    source = (Path(django_settings.BASE_DIR) / "config" / "settings.py").read_text()
    defaults = dict(re.findall(r'env\.int\("RETENTION_(\w+)_DAYS", default=(\d+)\)', source))

    assert rows == defaults
    assert {name.lower() for name in defaults} == set(django_settings.RETENTION)


def test_the_terms_page_leads_on_to_both():
    main = _main(_client().get("/villkor/"))

    assert 'href="/integritet/"' in main
    assert 'href="/integritet/behandlingar/"' in main
