"""The moderation API is in the OpenAPI schema, and the payload serializers that describe it
match what the selectors build."""

import pytest
import yaml
from drf_spectacular.validation import validate_schema

from moderation import selectors
from moderation import serializers as s
from moderation.models import AuditEntry, QueueItem
from moderation.services import members, reports

pytestmark = pytest.mark.django_db


def test_moderation_is_in_the_openapi_schema(client):
    schema = yaml.safe_load(client.get("/api/schema/").content)

    validate_schema(schema)
    paths = schema["paths"]
    assert {
        "/api/v1/messages/{message_id}/report/",
        "/api/v1/moderation/queue/",
        "/api/v1/moderation/queue/{item_id}/",
        "/api/v1/moderation/actions/",
        "/api/v1/moderation/audit/",
        "/api/v1/moderation/audit/{entry_id}/",
        "/api/v1/moderation/rules/",
        "/api/v1/moderation/rules/{rule_id}/",
        "/api/v1/moderation/crisis-contacts/",
        "/api/v1/moderation/crisis-contacts/{contact_id}/",
        "/api/v1/moderation/members/{user_id}/",
    } <= set(paths)
    assert set(paths["/api/v1/moderation/audit/"]) == {"get"}
    assert set(paths["/api/v1/moderation/audit/{entry_id}/"]) == {"get"}
    assert set(paths["/api/v1/moderation/audit/"]["get"]["responses"]["200"]["content"]) == {
        "application/json",
        "text/csv",
    }


def test_payload_serializers_match_the_selectors(member, other_member, moderator, topic_room, send):
    message_id = send(member, topic_room, "Hej").message["id"]
    reports.report_create(user=other_member, message_id=message_id, reason="spam")
    item = QueueItem.objects.get()
    sanction = members.member_warn(
        user=moderator, member_id=member.pk, reason="Tonen", room_id=topic_room.pk
    )
    entry = AuditEntry.objects.get()

    assert set(selectors.queue_item_payload(item)) == set(s.QueueItemSerializer().fields)
    assert set(selectors.sanction_payload(sanction)) == set(s.SanctionSerializer().fields)
    assert set(selectors.audit_payload(entry)) == set(s.AuditEntrySerializer().fields)
    history = selectors.member_history(user_id=member.pk)
    assert set(history) == set(s.MemberHistorySerializer().fields)
    assert set(history["reports"][0]) == set(s.ReportedItemSerializer().fields)
