"""The privacy notice and the records of processing on a phone: reachable from the footer
and the settings page, and clean under axe in Swedish and English."""

import pytest

from tests.live import assert_accessible, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("locale", ["sv-SE", "en-GB"])
def test_both_pages_pass_axe_from_the_footer(new_phone, locale):
    page = new_phone(locale)
    page.goto("/")

    page.locator("footer a[href='/integritet/']").click()
    page.wait_for_url("**/integritet/")
    assert page.locator("html").get_attribute("lang") == locale[:2]
    assert page.get_by_role("heading", level=1).count() == 1
    assert_accessible(page)
    screenshot(page, f"privacy-notice-{locale}")

    page.locator("main a[href='/integritet/behandlingar/']").click()
    page.wait_for_url("**/integritet/behandlingar/")
    assert page.locator("main section.card").count() >= 9
    assert_accessible(page)
    screenshot(page, f"records-of-processing-{locale}")


def test_the_settings_page_leads_to_the_records(new_phone, member, password):
    page = new_phone()
    log_in(page, member, password)
    page.goto("/profil/installningar/")
    assert_accessible(page)

    page.locator("main a[href='/integritet/behandlingar/']").click()

    page.wait_for_url("**/integritet/behandlingar/")
    assert_accessible(page)
