import pytest
from django.core import mail
from django.utils import timezone
from rest_framework.authtoken.models import Token

from community import legal
from community.models import Consent, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

THIS_YEAR = timezone.localdate().year


def signup_body(**overrides):
    body = {
        "email": "Ny.Person@Example.se",
        "password": "en-lang-fras-som-losen",
        "display_name": "Nattugglan",
        "birth_year": THIS_YEAR - 16,
        "municipality": "1380",
        "cares_for": ["parent", "sibling"],
        "situation_tags": ["addiction"],
        "preferred_language": "sv",
        "accept_terms": True,
    }
    return {**body, **overrides}


# --- sign-up -----------------------------------------------------------------------------


def test_signup_creates_member_with_consents_and_token(api):
    # when
    response = api.post("/api/v1/auth/signup/", signup_body(), format="json")

    # then
    assert response.status_code == 201
    body = response.json()
    user = User.objects.get()
    assert body["token"] == Token.objects.get(user=user).key
    assert body["user"]["email"] == "ny.person@example.se"
    assert body["user"]["display_name"] == "Nattugglan"
    assert body["user"]["is_minor"] is True
    assert body["user"]["role"] == "member"
    assert body["user"]["municipality"] == {
        "code": "1380",
        "name": "Halmstad",
        "county": "Hallands län",
    }
    assert body["user"]["cares_for"] == ["parent", "sibling"]
    consents = {c.document: c for c in Consent.objects.filter(user=user)}
    assert set(consents) == {"code_of_conduct", "privacy_notice"}
    assert consents["code_of_conduct"].version == legal.CODE_OF_CONDUCT.version
    assert consents["privacy_notice"].text == str(legal.PRIVACY_NOTICE.text)
    assert consents["privacy_notice"].accepted_at is not None


@pytest.mark.parametrize(
    ("age", "accepted"),
    [pytest.param(12, False, id="twelve-refused"), pytest.param(13, True, id="thirteen-ok")],
)
def test_signup_age_limit_is_thirteen(api, age, accepted):
    response = api.post(
        "/api/v1/auth/signup/", signup_body(birth_year=THIS_YEAR - age), format="json"
    )

    if accepted:
        assert response.status_code == 201
        return
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert "13" in body["fields"]["birth_year"][0]
    assert "BRIS" in body["fields"]["birth_year"][0]
    assert User.objects.count() == 0


def test_signup_refuses_a_display_name_taken_in_other_case(api):
    UserFactory(display_name="Nattugglan")

    response = api.post(
        "/api/v1/auth/signup/", signup_body(display_name="NATTUGGLAN"), format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["display_name"]
    assert User.objects.count() == 1


def test_signup_refuses_an_email_taken_in_other_case(api):
    UserFactory(email="ny.person@example.se")

    response = api.post("/api/v1/auth/signup/", signup_body(), format="json")

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["email"]
    assert User.objects.count() == 1


def test_signup_without_accepting_terms_is_refused(api):
    response = api.post("/api/v1/auth/signup/", signup_body(accept_terms=False), format="json")

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["accept_terms"]
    assert User.objects.count() == 0
    assert Consent.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        pytest.param({"email": "not-an-address"}, "email", id="bad-email"),
        pytest.param({"password": "123"}, "password", id="weak-password"),
        pytest.param({"display_name": "x"}, "display_name", id="short-name"),
        pytest.param({"display_name": "<script>"}, "display_name", id="markup-name"),
        pytest.param({"birth_year": "last year"}, "birth_year", id="year-not-number"),
        pytest.param({"birth_year": THIS_YEAR + 1}, "birth_year", id="year-in-future"),
        pytest.param({"municipality": "9999"}, "municipality", id="unknown-municipality"),
        pytest.param({"cares_for": ["cat"]}, "cares_for", id="unknown-cares-for"),
        pytest.param({"situation_tags": "addiction"}, "situation_tags", id="tags-not-list"),
        pytest.param({"preferred_language": "de"}, "preferred_language", id="bad-language"),
    ],
)
def test_signup_bad_input_names_the_field_and_stores_nothing(api, overrides, field):
    response = api.post("/api/v1/auth/signup/", signup_body(**overrides), format="json")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert field in body["fields"]
    assert body["detail"]
    assert User.objects.count() == 0


def test_signup_with_malformed_json_is_refused(api):
    response = api.post("/api/v1/auth/signup/", data="{not json", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert User.objects.count() == 0


# --- tokens ------------------------------------------------------------------------------


def test_token_is_issued_for_right_credentials_and_authenticates(api, member, password):
    response = api.post(
        "/api/v1/auth/token/", {"email": "PERSON" + member.email[6:], "password": password}
    )
    assert response.status_code == 200, response.json()
    token = response.json()["token"]

    me = api.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}")

    assert me.status_code == 200
    assert me.json()["display_name"] == "Solros"


def test_wrong_password_gets_invalid_without_saying_which_part(api, member):
    response = api.post("/api/v1/auth/token/", {"email": member.email, "password": "wrong"})

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert Token.objects.count() == 0


def test_token_request_bad_input(api):
    response = api.post("/api/v1/auth/token/", {"email": "nobody"}, format="json")

    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"email", "password"}


def test_repeated_failed_logins_lock_the_account_with_429(api, member, password):
    for _ in range(5):
        response = api.post("/api/v1/auth/token/", {"email": member.email, "password": "x"})
        assert response.status_code == 400

    locked = api.post("/api/v1/auth/token/", {"email": member.email, "password": password})

    assert locked.status_code == 429
    assert locked.json()["code"] == "rate_limited"
    assert int(locked["Retry-After"]) == 300
    assert Token.objects.count() == 0


def test_delete_token_signs_that_token_out(api, member):
    token = Token.objects.create(user=member)

    response = api.delete("/api/v1/auth/token/", HTTP_AUTHORIZATION=f"Token {token.key}")

    assert response.status_code == 204
    assert not Token.objects.filter(user=member).exists()
    again = api.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert again.status_code == 401
    assert again.json()["code"] == "not_signed_in"


def test_delete_token_when_signed_out_is_401(api):
    response = api.delete("/api/v1/auth/token/")

    assert response.status_code == 401
    assert response.json() == {"code": "not_signed_in", "detail": response.json()["detail"]}


def test_suspended_account_gets_no_token(api, member, password):
    member.is_active = False
    member.save()

    response = api.post("/api/v1/auth/token/", {"email": member.email, "password": password})

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert Token.objects.count() == 0


# --- me ------------------------------------------------------------------------------------


def test_me_requires_sign_in(api):
    response = api.get("/api/v1/me/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["code"] == "not_signed_in"


def test_me_shows_own_profile_and_derived_minor_flag(api, minor):
    api.force_authenticate(minor)

    body = api.get("/api/v1/me/").json()

    assert body["display_name"] == "Stjärnfall"
    assert body["is_minor"] is True
    assert body["birth_year"] == 2011


def test_me_patch_updates_profile(member_api, member):
    response = member_api.patch(
        "/api/v1/me/", {"cares_for": ["friend"], "municipality": "0126"}, format="json"
    )

    assert response.status_code == 200
    member.refresh_from_db()
    assert member.cares_for == ["friend"]
    assert member.municipality.name == "Huddinge"


def test_me_patch_bad_input_changes_nothing(member_api, member):
    response = member_api.patch(
        "/api/v1/me/", {"display_name": "x", "cares_for": ["parent"]}, format="json"
    )

    assert response.status_code == 400
    assert "display_name" in response.json()["fields"]
    member.refresh_from_db()
    assert (member.display_name, member.birth_year) == ("Solros", 2000)


# --- passwords -----------------------------------------------------------------------------


def test_password_change(member_api, member, password):
    response = member_api.post(
        "/api/v1/auth/password/change/",
        {"current_password": password, "new_password": "ett-helt-nytt-losenord"},
    )

    assert response.status_code == 204
    member.refresh_from_db()
    assert member.check_password("ett-helt-nytt-losenord")


def test_password_change_with_wrong_current_password_changes_nothing(member_api, member, password):
    response = member_api.post(
        "/api/v1/auth/password/change/",
        {"current_password": "nope", "new_password": "ett-helt-nytt-losenord"},
    )

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["current_password"]
    member.refresh_from_db()
    assert member.check_password(password)


def test_password_reset_sends_mail_with_neutral_subject(api, member):
    response = api.post("/api/v1/auth/password/reset/", {"email": member.email})

    assert response.status_code == 202
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [member.email]
    assert "/konto/password/reset/key/" in mail.outbox[0].body
    assert "anhörig" not in mail.outbox[0].subject.lower()


def test_password_reset_for_unknown_address_answers_the_same(api):
    response = api.post("/api/v1/auth/password/reset/", {"email": "nobody@example.se"})

    assert response.status_code == 202
    assert mail.outbox == [] or mail.outbox[0].to == ["nobody@example.se"]


def test_password_reset_bad_input(api):
    response = api.post("/api/v1/auth/password/reset/", {"email": ""})

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["email"]


# --- one error shape -----------------------------------------------------------------------


def test_unknown_api_path_answers_in_the_error_shape(api):
    response = api.get("/api/v1/no-such-thing/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_wrong_method_answers_in_the_error_shape(member_api):
    response = member_api.put("/api/v1/me/", {})

    assert response.status_code == 405
    assert response.json()["code"] == "invalid"


def test_municipalities_are_listed_with_official_codes(api):
    body = api.get("/api/v1/municipalities/").json()

    codes = {m["code"]: m["name"] for m in body["results"]}
    assert len(codes) == 291
    assert codes["1380"] == "Halmstad"
    assert codes["0180"] == "Stockholm"
    assert codes["0000"] == "Annan / utanför Sverige"
    assert body["next"] is None
