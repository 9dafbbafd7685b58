"""Deleting one's account from the settings page, and the API schema of export and erasure."""

import pytest
import yaml
from drf_spectacular.validation import validate_schema
from knox.models import AuthToken

from community import services

pytestmark = pytest.mark.django_db


def test_the_delete_page_explains_what_happens(client, member):
    client.force_login(member)

    page = client.get("/profil/radera-konto/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "<h1>Delete your account</h1>" in page
    assert "Your account is deleted after 14 days." in page
    assert "just log in again before then" in page
    assert 'autocomplete="current-password"' in page


def test_a_wrong_password_on_the_page_changes_nothing(client, member):
    client.force_login(member)
    services.token_create(user=member)

    response = client.post(
        "/profil/radera-konto/", {"password": "fel-lösenord"}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 200
    assert "That is not your password." in response.content.decode()
    member.refresh_from_db()
    assert member.erase_after is None
    assert AuthToken.objects.filter(user=member).count() == 1
    assert client.get("/api/v1/me/").status_code == 200


def test_the_page_asks_the_service_signs_out_and_says_when(client, member, password):
    client.force_login(member)

    response = client.post(
        "/profil/radera-konto/", {"password": password}, follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )

    member.refresh_from_db()
    assert member.erase_after is not None
    assert response.redirect_chain[0] == ("/", 302)
    assert "If you change your mind, log in before then and it stays." in (
        response.content.decode()
    )
    assert client.get("/api/v1/me/").status_code == 401
    again = client.post("/profil/radera-konto/", {"password": password})
    assert again["Location"].startswith("/konto/login/")


def test_the_page_needs_a_signed_in_person(client):
    response = client.get("/profil/radera-konto/")

    assert response.status_code == 302
    assert response["Location"].startswith("/konto/login/")


def test_export_and_erasure_are_in_the_openapi_schema(client):
    schema = yaml.safe_load(client.get("/api/schema/").content)

    validate_schema(schema)
    paths = schema["paths"]
    assert set(paths["/api/v1/me/"]) >= {"get", "patch", "delete"}
    assert "202" in paths["/api/v1/me/"]["delete"]["responses"]
    assert set(paths["/api/v1/me/export/"]) == {"get"}
    assert set(paths["/api/v1/members/{user_id}/erase/"]) == {"post"}
    token = schema["components"]["schemas"]["Token"]
    assert token["properties"]["erasure_cancelled"]["type"] == "boolean"
    assert schema["components"]["schemas"]["Erasure"]["properties"]["erase_after"] == {
        "type": "string",
        "format": "date-time",
        "description": "When the account is erased unless its owner signs in before.",
    }
