import pytest
import yaml
from drf_spectacular.validation import validate_schema

pytestmark = pytest.mark.django_db


def test_groups_and_meetups_are_in_the_openapi_schema(client):
    schema = yaml.safe_load(client.get("/api/schema/").content)

    validate_schema(schema)
    assert {
        "/api/v1/groups/",
        "/api/v1/groups/{group_id}/",
        "/api/v1/groups/{group_id}/join/",
        "/api/v1/groups/{group_id}/leave/",
        "/api/v1/groups/{group_id}/members/",
        "/api/v1/groups/{group_id}/requests/",
        "/api/v1/groups/{group_id}/invitations/",
        "/api/v1/join-requests/{request_id}/approve/",
        "/api/v1/join-requests/{request_id}/decline/",
        "/api/v1/invitations/{invitation_id}/",
        "/api/v1/meetups/",
        "/api/v1/meetups/{meetup_id}/",
        "/api/v1/meetups/{meetup_id}/cancel/",
        "/api/v1/meetups/{meetup_id}/rsvp/",
        "/api/v1/meetups/{meetup_id}/needs/",
        "/api/v1/meetups/{meetup_id}/checkin/",
        "/api/v1/meetups/{meetup_id}/ics/",
        "/api/v1/me/calendar/",
        "/api/v1/me/calendar/rotate/",
        "/api/v1/me/notifications/",
        "/api/v1/me/notifications/read/",
        "/api/v1/organisations/{organisation_id}/attendance/",
    } <= set(schema["paths"])
    assert not any(path.startswith("/kalender/") for path in schema["paths"])
