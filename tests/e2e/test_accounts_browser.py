"""A young carer on a phone: sign up, land at home, switch language, leave quickly."""

import re
import time

import pytest
from django.utils import timezone

from community.models import User
from tests.live import ARTIFACTS, PHONE, assert_accessible, live_mail, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

THIS_YEAR = timezone.localdate().year


def short_screenshot(page, name: str) -> None:
    """The page as a phone shows it with the keyboard open: 390x500, no scrolling."""
    page.set_viewport_size({"width": 390, "height": 500})
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-390x500.png"))
    page.set_viewport_size(PHONE)


def fill_signup(page, email: str, year: int) -> None:
    page.get_by_label("E-postadress").fill(email)
    page.get_by_label("Visningsnamn").fill("Nattugglan")
    page.get_by_label("Lösenord", exact=True).fill("en-lang-fras-som-losen")
    page.get_by_label("Lösenord (igen)").fill("en-lang-fras-som-losen")
    page.get_by_label("Födelseår").fill(str(year))


def test_sign_up_by_code_see_home_and_switch_language(phone, municipalities):
    page = phone
    page.goto("/")
    assert_accessible(page)
    screenshot(page, "landing-sv")

    page.get_by_role("link", name="Bli medlem").first.click()
    assert_accessible(page)
    fill_signup(page, "nattugglan@example.se", THIS_YEAR - 16)
    page.get_by_label("Kommun").select_option("1380")
    page.get_by_label("En förälder").check()
    page.get_by_label("Missbruk eller beroende").check()
    page.get_by_label("Jag har läst och godkänner").check()
    screenshot(page, "signup-filled")
    page.get_by_role("button", name="Skapa konto").click()

    page.wait_for_url("**/konto/signup/confirm/")
    assert not User.objects.filter(email="nattugglan@example.se").exists()
    assert_accessible(page)
    screenshot(page, "signup-code")
    short_screenshot(page, "signup-code")
    code_field = page.locator("input[name=code]")
    assert code_field.get_attribute("autocomplete") == "one-time-code"
    assert code_field.get_attribute("inputmode") == "numeric"
    [body] = live_mail("nattugglan@example.se")
    code_field.fill(re.search(r"\b(\d{6})\b", body).group(1))
    page.locator("form.form button[type=submit]").click()

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
    fill_signup(page, "ny@example.se", THIS_YEAR - 20)
    page.get_by_label("Lösenord (igen)").fill("ett-annat-losenord")
    page.get_by_role("button", name="Skapa konto").click()

    assert page.get_by_label("Lösenord (igen)").get_attribute("aria-invalid") == "true"
    assert "godkänna uppförandekoden" in page.content()
    assert_accessible(page)
    screenshot(page, "signup-errors")
    assert not User.objects.filter(email="ny@example.se").exists()


def test_under_thirteen_gets_a_kind_page_and_another_year_does_not_help(phone, municipalities):
    page = phone
    page.goto("/konto/signup/")
    fill_signup(page, "liten@example.se", THIS_YEAR - 11)
    page.get_by_role("button", name="Skapa konto").click()

    page.wait_for_load_state()
    assert page.locator("a[href='tel:116111']").is_visible()
    assert page.locator("a[href='https://www.bris.se/']").is_visible()
    assert page.locator("[aria-invalid=true]").count() == 0
    assert_accessible(page)
    screenshot(page, "signup-under-13")
    short_screenshot(page, "signup-under-13")

    page.goto("/konto/signup/")
    assert page.locator("input[name=birth_year]").count() == 0
    assert page.locator("a[href='tel:116111']").is_visible()
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


def test_leave_quickly_signs_out_and_back_shows_nothing_of_the_member(
    phone, member, password, live_server_url
):
    page = phone
    page.goto("/konto/login/")
    page.get_by_label("E-postadress").fill(member.email)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url("**/hem/")
    page.goto("/profil/")
    assert member.display_name in page.content()

    page.get_by_role("link", name="Lämna snabbt").click()

    page.wait_for_url("https://www.google.com/**")
    signed_out = False
    for _ in range(50):  # the beacon is on its way while the next site loads
        if page.context.request.get(f"{live_server_url}/api/v1/me/").status in (401, 403):
            signed_out = True
            break
        time.sleep(0.1)
    assert signed_out
    page.go_back()
    page.wait_for_load_state()
    assert "/konto/login/" in page.url
    assert member.display_name not in page.content()
    assert "Hej," not in page.content()
