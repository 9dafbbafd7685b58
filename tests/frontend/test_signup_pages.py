"""Sign-up pages: the same answer for every address, a short code, the under-13 page,
and quick exit signing out."""

import re
import time

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.utils import timezone, translation

from community.models import Consent, PendingSignup, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

THIS_YEAR = timezone.localdate().year
CONFIRM = "/konto/signup/confirm/"


def signup_form(**overrides):
    form = {
        "email": "ny@example.se",
        "display_name": "Nattugglan",
        "password1": "en-lang-fras-som-losen",
        "password2": "en-lang-fras-som-losen",
        "birth_year": str(THIS_YEAR - 17),
        "municipality": "1380",
        "cares_for": ["parent"],
        "preferred_language": "sv",
        "accept_terms": "on",
    }
    return {**form, **overrides}


def code_for(address: str) -> str:
    sent = [m for m in mail.outbox if m.to == [address]][-1]
    return re.search(r"\b(\d{6})\b", sent.body).group(1)


# --- the same answer for every address ----------------------------------------------------


def test_signup_page_sends_a_code_and_creates_no_account_yet(client, municipalities):
    response = client.post("/konto/signup/", signup_form())

    assert (response.status_code, response["Location"]) == (302, CONFIRM)
    assert User.objects.count() == 0
    assert PendingSignup.objects.get().email == "ny@example.se"
    assert re.fullmatch(r"\d{6}", code_for("ny@example.se"))


def test_signup_page_answers_a_registered_address_the_same_and_warns_its_owner(
    client, municipalities
):
    UserFactory(email="ny@example.se", display_name="Redan Här")
    new = Client().post("/konto/signup/", signup_form(email="annan@example.se"))
    mail.outbox.clear()

    response = client.post("/konto/signup/", signup_form())
    page = client.get(response["Location"])

    assert (response.status_code, response["Location"]) == (new.status_code, new["Location"])
    assert page.status_code == 200
    assert "ny@example.se" in page.content.decode()
    [sent] = mail.outbox
    assert sent.to == ["ny@example.se"]
    assert "/konto/password/reset/" in sent.body
    assert User.objects.filter(email="ny@example.se").count() == 1
    assert PendingSignup.objects.filter(email="ny@example.se").count() == 0


def test_confirm_page_asks_for_the_code_in_a_phone_friendly_field(client, municipalities):
    client.post("/konto/signup/", signup_form())

    html = client.get(CONFIRM).content.decode()

    field = re.search(r"<input[^>]*name=\"code\"[^>]*>", html).group(0)
    assert 'autocomplete="one-time-code"' in field
    assert 'inputmode="numeric"' in field
    assert "ny@example.se" in html


def test_confirm_page_without_a_sign_up_goes_back_to_the_form(client):
    response = client.get(CONFIRM)

    assert (response.status_code, response["Location"]) == (302, "/konto/signup/")


def test_right_code_creates_the_member_and_signs_in(client, municipalities):
    client.post("/konto/signup/", signup_form())

    response = client.post(CONFIRM, {"code": code_for("ny@example.se")})

    assert (response.status_code, response["Location"]) == (302, "/hem/")
    user = User.objects.get()
    assert (user.email, user.display_name, user.is_minor) == ("ny@example.se", "Nattugglan", True)
    assert Consent.objects.filter(user=user).count() == 2
    assert EmailAddress.objects.get(user=user).verified is True
    assert PendingSignup.objects.count() == 0
    assert client.get("/hem/").status_code == 200


def test_wrong_code_is_shown_and_nothing_is_created(client, municipalities):
    client.post("/konto/signup/", signup_form())
    wrong = f"{(int(code_for('ny@example.se')) + 1) % 1_000_000:06d}"

    response = client.post(CONFIRM, {"code": wrong})

    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    assert User.objects.count() == 0
    assert "_auth_user_id" not in client.session


def test_repeated_wrong_codes_on_the_page_are_refused_until_later(client, municipalities):
    client.post("/konto/signup/", signup_form())
    code = code_for("ny@example.se")
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(5):
        client.post(CONFIRM, {"code": wrong})

    response = client.post(CONFIRM, {"code": code})

    assert response.status_code == 429
    assert User.objects.count() == 0
    assert "_auth_user_id" not in client.session


# --- under 13 -----------------------------------------------------------------------------


def test_under_thirteen_gets_a_kind_page_with_bris_not_a_form_error(client, municipalities):
    response = client.post("/konto/signup/", signup_form(birth_year=str(THIS_YEAR - 11)))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="tel:116111"' in html
    assert 'href="https://www.bris.se/"' in html
    assert 'aria-invalid="true"' not in html
    assert "<form" not in html.split('id="main"')[1]
    assert User.objects.count() == 0
    assert PendingSignup.objects.count() == 0
    assert mail.outbox == []


def test_a_second_try_with_another_year_within_a_day_gets_the_same_page(client, municipalities):
    client.post("/konto/signup/", signup_form(birth_year=str(THIS_YEAR - 11)))

    again = client.post("/konto/signup/", signup_form(birth_year=str(THIS_YEAR - 20)))
    reload = client.get("/konto/signup/")

    for response in (again, reload):
        assert response.status_code == 200
        assert 'href="tel:116111"' in response.content.decode()
    assert User.objects.count() == 0
    assert PendingSignup.objects.count() == 0
    assert mail.outbox == []


def test_a_new_try_after_a_day_is_let_through(client, municipalities, monkeypatch):
    client.post("/konto/signup/", signup_form(birth_year=str(THIS_YEAR - 11)))
    later = time.time() + 24 * 3600 + 5
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)

    response = client.post("/konto/signup/", signup_form(birth_year=str(THIS_YEAR - 20)))

    assert (response.status_code, response["Location"]) == (302, CONFIRM)
    assert PendingSignup.objects.count() == 1


def test_a_forged_under_thirteen_mark_is_ignored(client, municipalities):
    client.cookies["bredvid_age_check"] = "forged"

    response = client.post("/konto/signup/", signup_form())

    assert (response.status_code, response["Location"]) == (302, CONFIRM)


def test_the_api_still_refuses_under_thirteen_in_the_error_shape(client, municipalities):
    body = {
        "email": "liten@example.se",
        "password": "en-lang-fras-som-losen",
        "display_name": "Lillebror",
        "birth_year": THIS_YEAR - 11,
        "accept_terms": True,
    }

    response = client.post("/api/v1/auth/signup/", body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["fields"]) == ["birth_year"]


# --- quick exit ---------------------------------------------------------------------------


def test_quick_exit_beacon_signs_out_with_the_csrf_token_in_the_body(member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    token = client.get("/hem/").context["csrf_token"]

    response = client.post("/konto/quick-exit/", {"csrfmiddlewaretoken": str(token)})

    assert response.status_code == 204
    assert "_auth_user_id" not in client.session
    assert client.get("/hem/").status_code == 302


def test_quick_exit_without_the_csrf_token_is_refused(member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)

    response = client.post("/konto/quick-exit/")

    assert response.status_code == 403
    assert client.get("/hem/").status_code == 200


def test_quick_exit_only_accepts_post(client, member):
    client.force_login(member)

    assert client.get("/konto/quick-exit/").status_code == 405
    assert client.get("/hem/").status_code == 200


def test_quick_exit_when_signed_out_answers_the_same(client):
    assert client.post("/konto/quick-exit/").status_code == 204


def test_base_page_gives_quick_exit_its_sign_out_address(client, member):
    client.force_login(member)

    html = client.get("/hem/").content.decode()

    assert 'data-sign-out="/konto/quick-exit/"' in html


@pytest.mark.parametrize("path", ["/hem/", "/profil/", "/rum/", "/api/v1/me/"])
def test_signed_in_responses_are_never_stored(client, member, path):
    client.force_login(member)

    response = client.get(path)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_landing_page_says_how_to_clear_history(client):
    with translation.override("en"):
        html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert 'id="clear-history"' in html


def test_signup_page_mails_one_address_at_most_three_times(client, municipalities):
    answers = [client.post("/konto/signup/", signup_form()) for _ in range(4)]

    assert [a.status_code for a in answers] == [302, 302, 302, 429]
    assert 'id="quick-exit"' in answers[-1].content.decode()
    assert len(mail.outbox) == 3


def test_codes_tried_on_the_page_from_one_client_address_are_limited(
    client, municipalities, settings
):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup_confirm": "2/15m/ip"}
    client.post("/konto/signup/", signup_form())
    code = code_for("ny@example.se")
    client.post(CONFIRM, {"code": "000000"})
    client.post(CONFIRM, {"code": "000001"})

    response = client.post(CONFIRM, {"code": code})

    assert response.status_code == 429
    assert User.objects.count() == 0
