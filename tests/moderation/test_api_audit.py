"""GET /api/v1/moderation/audit/: platform moderators read and export the whole log (a
coordinator their part of it, tests/moderation/test_scope.py); nobody changes it,
not through the API, the admin, the model or the database."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from django.db import DatabaseError, transaction
from rest_framework.test import APIClient

from moderation.models import AuditEntry
from moderation.services import audit, members
from tests.engines import require_postgres
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

AUDIT = "/api/v1/moderation/audit/"
CSV_HEADER = [
    "created_at",
    "actor",
    "action",
    "target_type",
    "target_id",
    "reason",
    "room",
    "group",
]


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def entry(actor, action="message.hide", *, at=None, room_id=7, group_id=None, reason="Regel 3"):
    return AuditEntry.objects.create(
        actor=actor,
        action=action,
        target_type=action.split(".")[0],
        target_id="42",
        reason=reason,
        details={"seq": 1},
        room_id=room_id,
        group_id=group_id,
        created_at=at or datetime(2026, 3, 1, 12, 0, tzinfo=UTC),
    )


def rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


@pytest.fixture
def log(moderator):
    """Three lines: two by the moderator in room 7 and group 3, one by a rule in room 8."""
    return [
        entry(moderator, "message.hide", at=datetime(2026, 3, 1, 9, tzinfo=UTC), group_id=3),
        entry(None, "rule.hold", at=datetime(2026, 3, 2, 9, tzinfo=UTC), room_id=8),
        entry(moderator, "room.lock", at=datetime(2026, 3, 3, 9, tzinfo=UTC)),
    ]


# --- reading ------------------------------------------------------------------------------


def test_platform_moderators_read_the_log_newest_first(moderator, log):
    response = client_for(moderator).get(AUDIT)

    assert response.status_code == 200
    body = response.json()
    assert body["next"] is None
    assert [r["id"] for r in body["results"]] == [log[2].pk, log[1].pk, log[0].pk]
    assert body["results"][2] == {
        "id": log[0].pk,
        "created_at": "2026-03-01T09:00:00+00:00",
        "actor": {"id": moderator.pk, "display_name": "Moderator Mika"},
        "action": "message.hide",
        "target_type": "message",
        "target_id": "42",
        "reason": "Regel 3",
        "details": {"seq": 1},
        "room": 7,
        "group": 3,
    }
    assert body["results"][1]["actor"] is None


def test_a_service_action_shows_up_in_the_log(moderator, member, topic_room):
    mute = members.member_mute(
        user=moderator, member_id=member.pk, reason="Paus", minutes=5, room_id=topic_room.pk
    )

    [line] = client_for(moderator).get(AUDIT).json()["results"]

    assert (line["action"], line["target_type"], line["target_id"], line["reason"]) == (
        "member.mute",
        "sanction",
        str(mute.pk),
        "Paus",
    )
    assert line["details"] == {"member": member.pk, "kind": "mute", "minutes": 5}
    assert line["room"] == topic_room.pk


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"action": "room.lock"}, [2]),
        ({"target_type": "rule"}, [1]),
        ({"room": 7}, [2, 0]),
        ({"group": 3}, [0]),
        ({"since": "2026-03-02T09:00:00Z"}, [2, 1]),
        ({"until": "2026-03-02T09:00:00Z"}, [0]),
        ({"since": "2026-03-01T10:00:00+01:00", "until": "2026-03-03T00:00:00Z"}, [1, 0]),
        ({"action": "member.ban"}, []),
    ],
    ids=["action", "target-type", "room", "group", "since", "until", "between", "none"],
)
def test_the_log_filters(moderator, log, query, expected):
    results = client_for(moderator).get(AUDIT, query).json()["results"]

    assert [r["id"] for r in results] == [log[n].pk for n in expected]


def test_the_log_filters_by_actor(moderator, log):
    other = UserFactory(display_name="Annan")
    mine = entry(other, "room.unlock")

    by_other = client_for(moderator).get(AUDIT, {"actor": other.pk}).json()["results"]
    by_moderator = client_for(moderator).get(AUDIT, {"actor": moderator.pk}).json()["results"]

    assert [r["id"] for r in by_other] == [mine.pk]
    assert [r["id"] for r in by_moderator] == [log[2].pk, log[0].pk]


def test_the_log_pages_with_before_id(moderator):
    start = datetime(2026, 1, 1, tzinfo=UTC)
    made = [entry(moderator, at=start + timedelta(hours=n)) for n in range(5)]
    # Two lines in the same instant: the id breaks the tie, newest (highest) first.
    twin = entry(moderator, at=made[2].created_at)
    api = client_for(moderator)

    first = api.get(AUDIT, {"limit": 2, "action": "message.hide"}).json()
    second = api.get(f"{AUDIT}?{first['next']}").json()
    third = api.get(f"{AUDIT}?{second['next']}").json()

    expected = [made[4], made[3], twin, made[2], made[1], made[0]]
    seen = [r["id"] for page in (first, second, third) for r in page["results"]]
    assert seen == [e.pk for e in expected]
    assert first["next"] == f"limit=2&action=message.hide&before_id={made[3].pk}"
    assert third["next"] is None


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"actor": "mika"}, "actor"),
        ({"room": "-1"}, "room"),
        ({"group": "x"}, "group"),
        ({"since": "yesterday"}, "since"),
        ({"until": "2026-13-01"}, "until"),
        ({"since": "2026-03-02T00:00:00Z", "until": "2026-03-01T00:00:00Z"}, "until"),
        ({"before_id": "0"}, "before_id"),
        ({"limit": "500"}, "limit"),
        ({"action": "x" * 41}, "action"),
    ],
    ids=[
        "actor-word",
        "room-negative",
        "group-word",
        "since-word",
        "until-bad-date",
        "until-before-since",
        "before-zero",
        "limit-over-100",
        "action-too-long",
    ],
)
def test_bad_log_queries_are_invalid(moderator, query, field):
    response = client_for(moderator).get(AUDIT, query)

    assert response.status_code == 400
    assert (response.json()["code"], list(response.json()["fields"])) == ("invalid", [field])


@pytest.mark.parametrize("who", ["member"])
def test_members_do_not_read_the_log(request, log, who):
    response = client_for(request.getfixturevalue(who)).get(AUDIT)

    assert (response.status_code, response.json()["code"]) == (403, "forbidden")


def test_group_moderators_do_not_read_the_log(group_room, log):
    leader = UserFactory(display_name="Värd")
    MembershipFactory(group=group_room.group, user=leader, role="host")

    assert client_for(leader).get(AUDIT).status_code == 403


def test_the_log_needs_sign_in(api, log):
    assert api.get(AUDIT).status_code == 401


def test_one_line_of_the_log(moderator, log):
    response = client_for(moderator).get(f"{AUDIT}{log[1].pk}/")

    assert response.status_code == 200
    assert (response.json()["id"], response.json()["action"]) == (log[1].pk, "rule.hold")
    assert client_for(moderator).get(f"{AUDIT}999999/").status_code == 404


# --- CSV export ---------------------------------------------------------------------------


def test_csv_export_has_a_header_and_one_row_per_entry(moderator, log):
    response = client_for(moderator).get(AUDIT, {"format": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="audit.csv"'
    assert rows(response) == [
        CSV_HEADER,
        [
            "2026-03-03T09:00:00+00:00",
            str(moderator.pk),
            "room.lock",
            "room",
            "42",
            "Regel 3",
            "7",
            "",
        ],
        ["2026-03-02T09:00:00+00:00", "", "rule.hold", "rule", "42", "Regel 3", "8", ""],
        ["2026-03-01T09:00:00+00:00", str(moderator.pk), "message.hide", "message", "42"]
        + ["Regel 3", "7", "3"],
    ]


def test_csv_export_applies_the_filters(moderator, log):
    response = client_for(moderator).get(
        AUDIT, {"format": "csv", "room": 7, "since": "2026-03-02T00:00:00Z"}
    )

    assert [row[2] for row in rows(response)] == ["action", "room.lock"]


def test_csv_export_is_every_matching_row_not_one_page(moderator):
    for n in range(120):
        entry(moderator, at=datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=n))

    response = client_for(moderator).get(AUDIT, {"format": "csv", "limit": 10})

    assert len(rows(response)) == 1 + 120


def test_csv_export_by_accept_header(moderator, log):
    response = client_for(moderator).get(AUDIT, HTTP_ACCEPT="text/csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert len(rows(response)) == 4


def test_csv_keeps_free_text_from_running_as_a_formula(moderator):
    entry(moderator, reason="Rad ett\nrad två, med komma")
    entry(moderator, reason='=HYPERLINK("http://example.com","klicka")')  # newer: first

    exported = rows(client_for(moderator).get(AUDIT, {"format": "csv"}))

    assert [row[5] for row in exported[1:]] == [
        '\'=HYPERLINK("http://example.com","klicka")',
        "Rad ett\nrad två, med komma",
    ]


def test_csv_export_is_for_staff_only_and_refuses_in_json(member, log):
    response = client_for(member).get(AUDIT, {"format": "csv"})

    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "forbidden"


def test_bad_filters_on_an_export_answer_json(moderator, log):
    response = client_for(moderator).get(AUDIT, {"format": "csv", "since": "igår"})

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["since"]


# --- nothing changes the log --------------------------------------------------------------


@pytest.mark.parametrize("method", ["put", "patch", "delete", "post"])
@pytest.mark.parametrize("path", ["list", "entry"])
def test_the_log_cannot_be_changed_through_the_api(moderator, log, method, path):
    url = AUDIT if path == "list" else f"{AUDIT}{log[0].pk}/"
    before = list(AuditEntry.objects.order_by("pk").values())

    response = getattr(client_for(moderator), method)(url, {"reason": "ändrad"})

    assert response.status_code == 405
    assert response.json()["code"] == "invalid"
    assert list(AuditEntry.objects.order_by("pk").values()) == before


def test_the_database_refuses_to_update_the_log(moderator):
    line = audit.record(actor=moderator, action="room.lock", target=moderator, reason="Före")

    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=line.pk).update(reason="Efter")

    assert AuditEntry.objects.get(pk=line.pk).reason == "Före"


def test_the_database_refuses_to_delete_from_the_log_on_postgres(moderator):
    require_postgres()
    line = audit.record(actor=moderator, action="room.lock", target=moderator, reason="Före")

    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=line.pk).delete()

    assert AuditEntry.objects.filter(pk=line.pk).exists()


def test_the_model_refuses_to_save_an_existing_line_or_delete_one(moderator):
    line = audit.record(actor=moderator, action="room.lock", target=moderator, reason="Före")

    line.reason = "Efter"
    with pytest.raises(PermissionError):
        line.save()
    with pytest.raises(PermissionError):
        line.delete()

    assert AuditEntry.objects.get(pk=line.pk).reason == "Före"


# --- the admin ----------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, municipalities):
    admin = UserFactory(display_name="Admin", is_staff=True, is_superuser=True)
    client.force_login(admin)
    return client


def test_the_admin_shows_the_log_read_only(admin_client, log):
    changelist = admin_client.get("/admin/moderation/auditentry/")
    filtered = admin_client.get("/admin/moderation/auditentry/?action=rule.hold")
    detail = admin_client.get(f"/admin/moderation/auditentry/{log[0].pk}/change/")

    assert changelist.status_code == 200
    assert changelist.context["cl"].result_count == 3
    assert filtered.context["cl"].result_count == 1
    assert detail.status_code == 200
    assert detail.context["has_change_permission"] is False
    assert b'name="_save"' not in detail.content


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "add/"),
        ("post", "add/"),
        ("post", "{pk}/change/"),
        ("get", "{pk}/delete/"),
        ("post", "{pk}/delete/"),
    ],
)
def test_the_admin_cannot_add_change_or_delete_log_lines(admin_client, log, method, path):
    before = list(AuditEntry.objects.order_by("pk").values())
    url = "/admin/moderation/auditentry/" + path.format(pk=log[0].pk)

    response = getattr(admin_client, method)(url, {"reason": "ändrad", "post": "yes"})

    assert response.status_code == 403
    assert list(AuditEntry.objects.order_by("pk").values()) == before


def test_the_admin_bulk_delete_is_not_offered(admin_client, log):
    response = admin_client.get("/admin/moderation/auditentry/")

    assert "delete_selected" not in response.context["cl"].model_admin.get_actions(
        response.wsgi_request
    )


@pytest.mark.parametrize("model", ["wordrule", "crisiscontact"])
def test_rules_and_contacts_are_edited_in_the_admin(admin_client, model):
    assert admin_client.get(f"/admin/moderation/{model}/").status_code == 200
    assert admin_client.get(f"/admin/moderation/{model}/add/").status_code == 200
