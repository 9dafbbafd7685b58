import pytest
import yaml
from drf_spectacular.validation import validate_schema

pytestmark = pytest.mark.django_db


def test_openapi_schema_renders_and_validates(client):
    response = client.get("/api/schema/")

    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    validate_schema(schema)
    paths = set(schema["paths"])
    assert {
        "/api/v1/auth/token/",
        "/api/v1/auth/signup/",
        "/api/v1/auth/signup/confirm/",
        "/api/v1/me/",
        "/api/v1/municipalities/",
        "/api/v1/rooms/",
        "/api/v1/rooms/{room_id}/messages/",
        "/api/v1/rooms/{room_id}/read/",
    } <= paths


def test_api_docs_page_is_served(client):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    assert b"swagger" in response.content.lower()


def test_openapi_schema_describes_the_token_header(client):
    schema = yaml.safe_load(client.get("/api/schema/").content)

    assert schema["components"]["securitySchemes"]["tokenAuth"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": 'Token-based authentication with required prefix "Token"',
    }
    me = schema["paths"]["/api/v1/me/"]["get"]
    assert {"tokenAuth": []} in me["security"]
