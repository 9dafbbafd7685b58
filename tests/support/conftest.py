import pytest
from rest_framework.test import APIClient

from community.models import Organisation
from tests.factories import CoordinatorFactory, OrganisationFactory, UserFactory, municipality


@pytest.fixture
def client_for():
    """An API client signed in as ``user`` (or signed out for None)."""

    def _client(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return _client


@pytest.fixture
def halmstad(municipalities):
    return municipality("1380")


@pytest.fixture
def goteborg(municipalities):
    return municipality("1480")


@pytest.fixture
def unit(coordinator):
    """Halmstad's carer-support unit: the ``coordinator`` fixture works there."""
    organisation = coordinator.organisation
    organisation.name = "Halmstads anhörigstöd"
    organisation.save()
    return organisation


@pytest.fixture
def goteborg_coordinator(goteborg):
    unit = OrganisationFactory(name="Göteborgs anhörigstöd", municipality=goteborg)
    return CoordinatorFactory(display_name="Samordnare Göte", organisation=unit)


@pytest.fixture
def association_coordinator(halmstad):
    association = OrganisationFactory(
        name="Anhörigföreningen", kind=Organisation.Kind.ASSOCIATION, municipality=halmstad
    )
    return CoordinatorFactory(display_name="Föreningens Frida", organisation=association)


@pytest.fixture
def english_member(municipalities):
    return UserFactory(display_name="Nightowl", birth_year=2001, preferred_language="en")
