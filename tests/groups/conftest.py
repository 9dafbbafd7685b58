from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from groups.models import Meetup, Rsvp
from tests.factories import CoordinatorFactory, MembershipFactory, PeerGroupFactory, UserFactory


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
def group(coordinator):
    """An open group for ages 13–30 in Halmstad, hosted by the coordinator's organisation."""
    return PeerGroupFactory(
        name="Unga anhöriga Halmstad",
        slug="unga-anhoriga-halmstad",
        organisation=coordinator.organisation,
        min_age=13,
        max_age=30,
    )


@pytest.fixture
def host(group):
    user = UserFactory(display_name="Värden Vera", birth_year=timezone.localdate().year - 29)
    MembershipFactory(group=group, user=user, role="host")
    return user


@pytest.fixture
def joined(group, member):
    """``member``, as an active member of ``group``."""
    MembershipFactory(group=group, user=member)
    return member


@pytest.fixture
def other_coordinator(municipalities):
    return CoordinatorFactory(display_name="Samordnare Sam")


@pytest.fixture
def make_meetup(group, host):
    """A meetup stored directly (no checks, no cards): a week ahead unless told otherwise."""

    def _make(**overrides) -> Meetup:
        starts_at = overrides.pop("starts_at", timezone.now() + timedelta(days=7))
        values = {
            "group": group,
            "title": "Fika och prat",
            "starts_at": starts_at,
            "ends_at": starts_at + timedelta(hours=2),
            "venue_name": "Stadsbiblioteket",
            "venue_address": "Axel Olssons gata 1, Halmstad",
            "capacity": 10,
            "created_by": host,
            **overrides,
        }
        meetup = Meetup(**values)
        meetup.save()
        return meetup

    return _make


@pytest.fixture
def meetup(make_meetup):
    return make_meetup()


@pytest.fixture
def answer():
    """Store an RSVP directly, for set-up that the service would refuse (past meetups)."""

    def _answer(meetup, user, status=Rsvp.Status.GOING, **fields) -> Rsvp:
        rsvp = Rsvp(meetup=meetup, user=user, status=status, **fields)
        if status == Rsvp.Status.WAITLISTED:
            rsvp.waitlisted_at = timezone.now()
        rsvp.save()
        return rsvp

    return _answer
