"""Word rules (moderators) and crisis contacts (coordinators) over REST, each change logged."""

import pytest
from rest_framework.test import APIClient

from moderation.models import AuditEntry, CrisisContact, WordRule
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

RULES = "/api/v1/moderation/rules/"
CONTACTS = "/api/v1/moderation/crisis-contacts/"


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def rules_state() -> tuple:
    return (
        list(WordRule.objects.order_by("pk").values()),
        AuditEntry.objects.count(),
    )


def contacts_state() -> tuple:
    return (
        list(CrisisContact.objects.order_by("pk").values()),
        AuditEntry.objects.count(),
    )


@pytest.fixture
def rule(moderator):
    return WordRule.objects.create(
        pattern="dumskalle", language="sv", category="abuse", action="flag", created_by=moderator
    )


@pytest.fixture
def group_moderator(group_room):
    user = UserFactory(display_name="Gruppmoderator Greta")
    MembershipFactory(group=group_room.group, user=user, role="moderator")
    return user


# --- word rules ---------------------------------------------------------------------------


def test_moderators_list_the_rules_in_pages(moderator, rule):
    api = client_for(moderator)
    total = WordRule.objects.count()  # the starter rules ship as data

    first = api.get(RULES).json()
    pages = [first]
    while pages[-1]["next"]:
        pages.append(api.get(f"{RULES}?{pages[-1]['next']}").json())

    listed = [r for page in pages for r in page["results"]]
    assert len(first["results"]) == min(total, 100)
    assert [r["id"] for r in listed] == sorted(WordRule.objects.values_list("pk", flat=True))
    assert listed[-1] == {
        "id": rule.pk,
        "pattern": "dumskalle",
        "is_regex": False,
        "language": "sv",
        "category": "abuse",
        "action": "flag",
        "is_active": True,
    }


def test_a_moderator_creates_a_rule_and_it_is_logged(moderator):
    response = client_for(moderator).post(
        RULES,
        {"pattern": r"\bköp\s+billigt\b", "is_regex": True, "category": "spam", "action": "hold"},
    )

    assert response.status_code == 201
    created = WordRule.objects.get(pk=response.json()["id"])
    assert response.json() == {
        "id": created.pk,
        "pattern": r"\bköp\s+billigt\b",
        "is_regex": True,
        "language": "sv",
        "category": "spam",
        "action": "hold",
        "is_active": True,
    }
    assert created.created_by_id == moderator.pk
    line = AuditEntry.objects.get()
    assert (line.actor_id, line.action, line.target_type, line.target_id) == (
        moderator.pk,
        "rule.create",
        "wordrule",
        str(created.pk),
    )


def test_a_regex_that_does_not_compile_is_refused(moderator):
    before = rules_state()

    response = client_for(moderator).post(
        RULES, {"pattern": "(olämpligt", "is_regex": True, "category": "abuse", "action": "block"}
    )

    assert response.status_code == 400
    assert (response.json()["code"], list(response.json()["fields"])) == ("invalid", ["pattern"])
    assert rules_state() == before


def test_the_same_text_is_fine_when_it_is_not_a_regex(moderator):
    response = client_for(moderator).post(
        RULES, {"pattern": "(olämpligt", "category": "abuse", "action": "block"}
    )

    assert response.status_code == 201


def test_a_rule_that_exists_is_a_conflict(moderator, rule):
    before = rules_state()

    response = client_for(moderator).post(
        RULES, {"pattern": "dumskalle", "category": "abuse", "action": "block"}
    )

    assert (response.status_code, response.json()["code"]) == (409, "conflict")
    assert rules_state() == before


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"category": "abuse", "action": "block"}, ["pattern"]),
        ({"pattern": "", "category": "abuse", "action": "block"}, ["pattern"]),
        ({"pattern": "x" * 201, "category": "abuse", "action": "block"}, ["pattern"]),
        ({"pattern": "ord", "category": "abuse", "action": "delete"}, ["action"]),
        ({"pattern": "ord", "category": "rude", "action": "block"}, ["category"]),
        ({"pattern": "ord", "action": "block"}, ["category"]),
        (
            {"pattern": "ord", "category": "abuse", "action": "flag", "is_regex": "kanske"},
            ["is_regex"],
        ),
        (
            {"pattern": "ord", "category": "abuse", "action": "flag", "language": "sve"},
            ["language"],
        ),
    ],
    ids=[
        "no-pattern",
        "empty-pattern",
        "pattern-too-long",
        "unknown-action",
        "unknown-category",
        "no-category",
        "is-regex-word",
        "language-too-long",
    ],
)
def test_bad_rules_are_invalid(moderator, body, fields):
    before = rules_state()

    response = client_for(moderator).post(RULES, body)

    assert response.status_code == 400
    assert sorted(response.json()["fields"]) == fields
    assert rules_state() == before


def test_patch_changes_only_what_is_sent(moderator, rule):
    response = client_for(moderator).patch(f"{RULES}{rule.pk}/", {"is_active": False})

    assert response.status_code == 200
    rule.refresh_from_db()
    assert (rule.pattern, rule.category, rule.action, rule.is_active) == (
        "dumskalle",
        "abuse",
        "flag",
        False,
    )
    line = AuditEntry.objects.get()
    assert (line.action, line.details["before"]) == (
        "rule.update",
        {"pattern": "dumskalle", "action": "flag", "is_active": True},
    )


def test_patch_to_a_broken_regex_is_refused(moderator, rule):
    before = rules_state()

    response = client_for(moderator).patch(
        f"{RULES}{rule.pk}/", {"pattern": "[a-", "is_regex": True}
    )

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["pattern"]
    assert rules_state() == before


def test_patch_of_a_missing_rule_is_not_found(moderator):
    response = client_for(moderator).patch(f"{RULES}999999/", {"is_active": False})

    assert (response.status_code, response.json()["code"]) == (404, "not_found")


def test_a_moderator_deletes_a_rule_and_it_is_logged(moderator, rule):
    response = client_for(moderator).delete(f"{RULES}{rule.pk}/")

    assert response.status_code == 204
    assert not WordRule.objects.filter(pk=rule.pk).exists()
    line = AuditEntry.objects.get()
    assert (line.action, line.target_id, line.details) == (
        "rule.delete",
        str(rule.pk),
        {"pattern": "dumskalle", "action": "flag"},
    )


def test_deleting_a_missing_rule_is_not_found(moderator):
    assert client_for(moderator).delete(f"{RULES}999999/").status_code == 404


def test_word_rules_are_platform_wide_so_coordinators_do_not_edit_them(coordinator, rule):
    response = client_for(coordinator).patch(f"{RULES}{rule.pk}/", {"action": "hold"})

    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    assert WordRule.objects.get(pk=rule.pk).action == "flag"


@pytest.mark.parametrize("who", ["member", "group_moderator"])
@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "", None),
        ("post", "", {"pattern": "ord", "category": "abuse", "action": "block"}),
        ("post", "", {"pattern": "(", "is_regex": True}),
        ("patch", "{pk}/", {"is_active": False}),
        ("delete", "{pk}/", None),
    ],
    ids=["list", "create", "create-invalid", "update", "delete"],
)
def test_others_get_not_found_for_rules(request, rule, who, method, path, body):
    before = rules_state()
    url = RULES + path.format(pk=rule.pk)

    response = getattr(client_for(request.getfixturevalue(who)), method)(url, body)

    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    assert rules_state() == before


def test_bad_rule_list_cursor_is_invalid(moderator):
    response = client_for(moderator).get(RULES, {"after": "sist"})

    assert (response.status_code, list(response.json()["fields"])) == (400, ["after"])


# --- crisis contacts ----------------------------------------------------------------------

CONTACT = {
    "name": "Anhörigstöd Halmstad jour",
    "phone": "035-13 70 00",
    "url": "https://www.halmstad.se/anhorigstod",
    "hours": "Vardagar 8–16",
    "hours_en": "Weekdays 8–16",
    "audience": "everyone",
    "situations": ["crisis_other"],
    "municipality": "1380",
    "on_call": False,
    "order": 20,
    "is_active": True,
}


def test_a_coordinator_adds_a_contact_and_it_is_logged(coordinator):
    response = client_for(coordinator).post(CONTACTS, CONTACT)

    assert response.status_code == 201
    contact = CrisisContact.objects.get(pk=response.json()["id"])
    assert response.json() == {"id": contact.pk, **CONTACT}
    assert contact.municipality.code == "1380"
    line = AuditEntry.objects.get()
    assert (line.actor_id, line.action, line.target_id) == (
        coordinator.pk,
        "crisis_contact.save",
        str(contact.pk),
    )


def test_a_coordinator_updates_a_contact(coordinator):
    contact = CrisisContact.objects.create(name="Jouren", phone="112")

    response = client_for(coordinator).patch(
        f"{CONTACTS}{contact.pk}/", {"hours": "Dygnet runt", "municipality": None}
    )

    assert response.status_code == 200
    contact.refresh_from_db()
    assert (contact.name, contact.phone, contact.hours) == ("Jouren", "112", "Dygnet runt")
    assert AuditEntry.objects.get().action == "crisis_contact.save"


@pytest.mark.parametrize("who", ["moderator", "coordinator"])
def test_moderators_and_coordinators_read_the_contacts(request, who):
    response = client_for(request.getfixturevalue(who)).get(CONTACTS)

    assert response.status_code == 200
    names = [c["name"] for c in response.json()["results"]]
    assert names == list(CrisisContact.objects.order_by("pk").values_list("name", flat=True))
    assert "Självmordslinjen" in names
    assert response.json()["next"] is None


@pytest.mark.parametrize("who", ["member", "group_moderator"])
def test_others_may_not_read_the_contacts(request, who):
    response = client_for(request.getfixturevalue(who)).get(CONTACTS)

    assert (response.status_code, response.json()["code"]) == (403, "forbidden")


@pytest.mark.parametrize("who", ["member", "moderator", "group_moderator"])
def test_only_coordinators_change_contacts(request, who):
    contact = CrisisContact.objects.create(name="Jouren", phone="112")
    before = contacts_state()
    api = client_for(request.getfixturevalue(who))

    created = api.post(CONTACTS, CONTACT)
    changed = api.patch(f"{CONTACTS}{contact.pk}/", {"phone": "000"})

    assert (created.status_code, changed.status_code) == (404, 404)
    assert contacts_state() == before


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({**CONTACT, "url": "inte en adress"}, ["url"]),
        ({**CONTACT, "phone": "", "url": ""}, ["phone"]),
        ({**CONTACT, "name": ""}, ["name"]),
        ({**CONTACT, "municipality": "9999"}, ["municipality"]),
        ({**CONTACT, "situations": ["abuse"]}, ["situations"]),
        ({**CONTACT, "audience": "adults"}, ["audience"]),
        ({**CONTACT, "order": -1}, ["order"]),
        ({**CONTACT, "phone": "1" * 41}, ["phone"]),
    ],
    ids=[
        "bad-url",
        "no-way-to-reach",
        "no-name",
        "unknown-municipality",
        "not-a-crisis-category",
        "unknown-audience",
        "negative-order",
        "phone-too-long",
    ],
)
def test_bad_contacts_are_invalid(coordinator, body, fields):
    before = contacts_state()

    response = client_for(coordinator).post(CONTACTS, body)

    assert response.status_code == 400
    assert sorted(response.json()["fields"]) == fields
    assert contacts_state() == before


def test_patch_of_a_missing_contact_is_not_found(coordinator):
    response = client_for(coordinator).patch(f"{CONTACTS}999999/", {"phone": "112"})

    assert (response.status_code, response.json()["code"]) == (404, "not_found")
