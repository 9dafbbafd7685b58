"""The rules editor's "try a sentence": which rules would fire on a text, and why."""

import pytest
from django.utils import translation
from rest_framework.test import APIClient

from chat.models import Message
from moderation.models import AuditEntry, QueueItem, WordRule
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

TRY = "/api/v1/moderation/rules/try/"


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def stored() -> tuple:
    return (
        list(WordRule.objects.order_by("pk").values()),
        AuditEntry.objects.count(),
        QueueItem.objects.count(),
        Message.objects.count(),
    )


@pytest.fixture
def rules(moderator):
    WordRule.objects.all().delete()
    return {
        "die": WordRule.objects.create(
            pattern="vill [typ] ... dö|död !skratt*",
            language="sv",
            category="crisis_self",
            action="hold",
        ),
        "kms": WordRule.objects.create(
            pattern="kms", language="en", category="crisis_self", action="hold"
        ),
        "hit": WordRule.objects.create(
            pattern="slog|slår mamma", language="sv", category="crisis_other", action="flag"
        ),
        "buy": WordRule.objects.create(
            pattern=r"köp\s+nu", is_regex=True, language="sv", category="spam", action="flag"
        ),
        "off": WordRule.objects.create(
            pattern="dö", language="sv", category="crisis_self", action="hold", is_active=False
        ),
    }


def test_a_moderator_sees_which_rules_fire_and_why(moderator, rules):
    before = stored()

    response = client_for(moderator).post(
        TRY, {"text": "Jag vill typ bara dö, pappa slog mamma. KÖP  NU"}, format="json"
    )

    assert response.status_code == 200
    assert response.json() == {
        "action": "hold",
        # in the rules' own order: by category, then pattern
        "crisis": ["crisis_other", "crisis_self"],
        "rules": [
            {"id": rules["hit"].pk, "pattern": "slog|slår mamma", "why": "“slog mamma”"},
            {
                "id": rules["die"].pk,
                "pattern": "vill [typ] ... dö|död !skratt*",
                "why": "“vill typ bara dö”",
            },
            {"id": rules["buy"].pk, "pattern": r"köp\s+nu", "why": "“KÖP  NU”"},
        ],
    }
    assert stored() == before


def test_a_guard_keeps_a_rule_quiet_and_the_answer_says_nothing_fires(moderator, rules):
    response = client_for(moderator).post(TRY, {"text": "jag vill dö av skratt"}, format="json")

    assert response.status_code == 200
    assert response.json() == {"action": None, "crisis": [], "rules": []}


def test_language_limits_the_rules_tried(moderator, rules):
    text = {"text": "kms, vill dö"}

    both = client_for(moderator).post(TRY, text, format="json").json()
    english = client_for(moderator).post(TRY, {**text, "language": "en"}, format="json").json()

    assert [r["id"] for r in both["rules"]] == [rules["kms"].pk, rules["die"].pk]
    assert english == {
        "action": "hold",
        "crisis": ["crisis_self"],
        "rules": [{"id": rules["kms"].pk, "pattern": "kms", "why": "“kms”"}],
    }


@pytest.mark.parametrize("who", ["member", "coordinator", "group_moderator"])
def test_only_those_who_edit_rules_may_try(who, request, rules, group_room):
    if who == "group_moderator":
        user = UserFactory()
        MembershipFactory(group=group_room.group, user=user, role="moderator")
    else:
        user = request.getfixturevalue(who)
    before = stored()

    response = client_for(user).post(TRY, {"text": "vill dö"}, format="json")

    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    assert stored() == before


def test_signed_out_is_told_so(rules):
    response = client_for(None).post(TRY, {"text": "vill dö"}, format="json")

    assert (response.status_code, response.json()["code"]) == (401, "not_signed_in")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "text"),
        ({"text": ""}, "text"),
        ({"text": "   "}, "text"),
        ({"text": "x" * 4001}, "text"),
        ({"text": "vill dö", "language": "de"}, "language"),
        ({"text": "vill dö", "language": ["sv"]}, "language"),
    ],
    ids=["missing", "empty", "blank", "too-long", "unknown-language", "list"],
)
def test_bad_input_is_refused(moderator, rules, body, field):
    before = stored()

    with translation.override("en"):
        response = client_for(moderator).post(TRY, body, format="json")

    assert response.status_code == 400
    assert (response.json()["code"], list(response.json()["fields"])) == ("invalid", [field])
    assert stored() == before
