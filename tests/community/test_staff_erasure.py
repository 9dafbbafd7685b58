"""Staff erase an account on the person's request: platform admins and the member's own unit
coordinators, over REST, the page and the admin alike, audited with the reason."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from rest_framework.test import APIClient

from community.models import Organisation
from moderation.models import AuditEntry
from tests.factories import CoordinatorFactory, OrganisationFactory, UserFactory, municipality


def _actor(role: str, member):
    if role == "signed_out":
        return None
    if role == "member":
        return UserFactory()
    if role == "moderator":
        return UserFactory(role="moderator")
    if role == "unit_coordinator":
        return CoordinatorFactory()  # a municipal unit in the member's municipality (1380)
    if role == "other_unit_coordinator":
        return CoordinatorFactory(
            organisation=OrganisationFactory(municipality=municipality("0180"))
        )
    if role == "association_coordinator":
        return CoordinatorFactory(
            organisation=OrganisationFactory(kind=Organisation.Kind.ASSOCIATION)
        )
    if role == "admin":
        return UserFactory(is_staff=True, is_superuser=True)
    if role == "self":
        return member
    raise AssertionError(role)


ROLES = {
    "signed_out": 401,
    "member": 404,
    "moderator": 404,
    "other_unit_coordinator": 404,
    "association_coordinator": 404,
    "self": 404,
    "unit_coordinator": 200,
    "admin": 200,
}


def _state(user) -> tuple:
    user.refresh_from_db()
    return (user.email, user.display_name, user.erased_at, AuditEntry.objects.count())


@pytest.mark.parametrize(("role", "status"), ROLES.items(), ids=ROLES)
def test_rest_who_may_erase(member, role, status):
    actor = _actor(role, member)
    client = APIClient()
    if actor:
        client.force_authenticate(actor)
    before = _state(member)

    response = client.post(
        f"/api/v1/members/{member.pk}/erase/", {"reason": "Bad om det i telefon"}, format="json"
    )

    assert response.status_code == status
    if status == 200:
        assert response.json() == {"id": member.pk, "erased": True}
        member.refresh_from_db()
        assert member.erased_at is not None
        entry = AuditEntry.objects.get(action="account.erase")
        assert (entry.actor_id, entry.reason, entry.target_id) == (
            actor.pk,
            "Bad om det i telefon",
            str(member.pk),
        )
    else:
        assert _state(member) == before


@pytest.mark.parametrize(("role", "status"), ROLES.items(), ids=ROLES)
def test_page_who_may_erase(member, role, status):
    actor = _actor(role, member)
    browser = Client()
    if actor:
        browser.force_login(actor)
    before = _state(member)

    shown = browser.get(f"/moderering/medlem/{member.pk}/radera/")
    response = browser.post(f"/moderering/medlem/{member.pk}/radera/", {"reason": "Bad om det"})

    if status == 401:
        assert shown.status_code == response.status_code == 302
        assert response["Location"].startswith("/konto/login/")
    elif status == 404:
        assert shown.status_code == response.status_code == 404
    else:
        assert shown.status_code == 200
        assert response.status_code == 302
        member.refresh_from_db()
        assert member.erased_at is not None
        return
    assert _state(member) == before


def test_a_coordinator_cannot_erase_staff(coordinator):
    colleague = CoordinatorFactory(organisation=coordinator.organisation)
    client = APIClient()
    client.force_authenticate(coordinator)
    before = _state(colleague)

    response = client.post(f"/api/v1/members/{colleague.pk}/erase/", {"reason": "x"})

    assert response.status_code == 404
    assert _state(colleague) == before


@pytest.mark.parametrize(
    "body",
    [{}, {"reason": ""}, {"reason": "   "}, {"reason": "x" * 1001}, {"reason": ["a"]}],
    ids=["missing", "empty", "blank", "too-long", "list"],
)
def test_rest_bad_reason_changes_nothing(member, coordinator, body):
    client = APIClient()
    client.force_authenticate(coordinator)
    before = _state(member)

    response = client.post(f"/api/v1/members/{member.pk}/erase/", body, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert _state(member) == before


def test_page_without_a_reason_changes_nothing(member, coordinator):
    browser = Client()
    browser.force_login(coordinator)
    before = _state(member)

    response = browser.post(f"/moderering/medlem/{member.pk}/radera/", {"reason": ""})

    assert response.status_code == 200
    assert _state(member) == before


def test_erasing_an_erased_or_missing_account_is_404(member, coordinator):
    client = APIClient()
    client.force_authenticate(coordinator)
    client.post(f"/api/v1/members/{member.pk}/erase/", {"reason": "Bad om det"})
    before = _state(member)

    again = client.post(f"/api/v1/members/{member.pk}/erase/", {"reason": "Bad om det"})
    missing = client.post("/api/v1/members/999999/erase/", {"reason": "Bad om det"})

    assert (again.status_code, missing.status_code) == (404, 404)
    assert _state(member) == before


def test_deleting_in_the_admin_erases_through_the_same_service(member):
    admin = UserFactory(is_staff=True, is_superuser=True)
    browser = Client()
    browser.force_login(admin)

    response = browser.post(f"/admin/community/user/{member.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    member.refresh_from_db()  # the row stays, as "deleted member"
    assert member.erased_at is not None
    assert not member.is_active
    entry = AuditEntry.objects.get(action="account.erase")
    assert (entry.actor_id, entry.target_id) == (admin.pk, str(member.pk))


def test_admin_staff_outside_the_rule_cannot_delete(member):
    # given a moderator with admin access and Django's delete permission
    staff = UserFactory(role="moderator", is_staff=True)
    staff.user_permissions.set(
        Permission.objects.filter(codename__in=["delete_user", "view_user", "change_user"])
    )
    browser = Client()
    browser.force_login(staff)
    before = _state(member)

    # when
    response = browser.post(f"/admin/community/user/{member.pk}/delete/", {"post": "yes"})

    # then
    assert response.status_code == 403
    assert _state(member) == before
