"""A young carer on a phone: sign up, land at home, switch language, leave quickly."""

import pytest
from django.utils import timezone

from community.models import User
from tests.live import assert_accessible, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_up_see_home_and_switch_language(phone, municipalities):
    page = phone
    page.goto("/")
    assert_accessible(page)
    screenshot(page, "landing-sv")

    page.get_by_role("link", name="Bli medlem").first.click()
    assert_accessible(page)
    page.get_by_label("E-postadress").fill("nattugglan@example.se")
    page.get_by_label("Visningsnamn").fill("Nattugglan")
    page.get_by_label("Lösenord", exact=True).fill("en-lang-fras-som-losen")
    page.get_by_label("Lösenord (igen)").fill("en-lang-fras-som-losen")
    page.get_by_label("Födelseår").fill(str(timezone.localdate().year - 16))
    page.get_by_label("Kommun").select_option("1380")
    page.get_by_label("En förälder").check()
    page.get_by_label("Missbruk eller beroende").check()
    page.get_by_label("Jag har läst och godkänner").check()
    screenshot(page, "signup-filled")
    page.get_by_role("button", name="Skapa konto").click()

    page.wait_for_url("**/hem/")
    assert page.get_by_role("heading", level=1).inner_text() == "Hej, Nattugglan!"
    assert_accessible(page)
    screenshot(page, "home-sv")
    user = User.objects.get(email="nattugglan@example.se")
    assert user.is_minor is True

    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("link", name="Leave quickly").is_visible()
    screenshot(page, "home-en")


def test_signup_errors_are_shown_next_to_fields(phone, municipalities):
    page = phone
    page.goto("/konto/signup/")
    page.get_by_label("E-postadress").fill("liten@example.se")
    page.get_by_label("Visningsnamn").fill("Lillebror")
    page.get_by_label("Lösenord", exact=True).fill("en-lang-fras-som-losen")
    page.get_by_label("Lösenord (igen)").fill("en-lang-fras-som-losen")
    page.get_by_label("Födelseår").fill(str(timezone.localdate().year - 11))
    page.get_by_role("button", name="Skapa konto").click()

    year = page.get_by_label("Födelseår")
    assert year.get_attribute("aria-invalid") == "true"
    assert "13 år eller äldre" in page.content()
    assert_accessible(page)
    screenshot(page, "signup-errors")
    assert not User.objects.filter(email="liten@example.se").exists()


def test_every_account_page_passes_axe(phone, member, password):
    page = phone
    for path in ["/konto/login/", "/villkor/", "/konto/password/reset/"]:
        page.goto(path)
        assert_accessible(page)

    page.goto("/konto/login/")
    page.get_by_label("E-postadress").fill(member.email)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url("**/hem/")
    for path in ["/hem/", "/profil/", "/konto/password/change/", "/konto/logout/"]:
        page.goto(path)
        assert_accessible(page)
    screenshot(page, "logout")


def test_escape_twice_leaves_quickly_and_drops_the_page_from_history(phone, settings):
    page = phone
    page.goto("/villkor/")
    page.goto("/")

    page.keyboard.press("Escape")
    page.keyboard.press("Escape")

    page.wait_for_url(f"{settings.QUICK_EXIT_URL}**")
    page.go_back()
    assert page.url.endswith("/villkor/")  # the page we left is gone from history
