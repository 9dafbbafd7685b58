import io

import pytest
from django.core.management import call_command

from chat.models import Message, Room
from community.models import Consent, Organisation, Role, User
from groups.models import Meetup, Membership, PeerGroup, Rsvp

pytestmark = pytest.mark.django_db


def snapshot():
    users = User.objects.order_by("email").values_list(
        "email",
        "display_name",
        "birth_year",
        "role",
        "municipality__code",
        "organisation__slug",
        "cares_for",
        "password",
    )
    return {
        "users": list(users),
        "organisations": list(Organisation.objects.order_by("slug").values()),
        "rooms": list(Room.objects.order_by("slug").values_list("slug", "name", "last_seq")),
        "messages": list(
            Message.objects.order_by("room", "seq").values_list(
                "room__slug", "seq", "author__email", "body"
            )
        ),
        "groups": list(
            PeerGroup.objects.order_by("slug").values_list("slug", "min_age", "max_age")
        ),
        "memberships": sorted(Membership.objects.values_list("group__slug", "user__email", "role")),
        "meetups": list(
            Meetup.objects.order_by("title").values_list("title", "capacity", "sequence")
        ),
        "rsvps": sorted(Rsvp.objects.values_list("meetup__title", "user__email", "status")),
        "consents": list(
            Consent.objects.order_by("user__email", "document").values_list(
                "user__email", "document", "version", "accepted_at"
            )
        ),
    }


def test_seed_demo_twice_gives_the_same_data(settings, municipalities):
    settings.DEBUG = True

    call_command("seed_demo", stdout=io.StringIO())
    first = snapshot()
    call_command("seed_demo", stdout=io.StringIO())

    assert snapshot() == first
    assert len(first["users"]) == 5
    assert len(first["organisations"]) == 8  # two local, six national
    assert [slug for slug, _, _ in first["rooms"]] == [
        "anhoriga-1830-pa-natet",  # group rooms come with their groups
        "att-vara-ung-anhorig",
        "ekonomi",
        "skola-och-studier",
        "syskongruppen-1317",
        "unga-anhoriga-halmstad",
    ]
    assert len(first["messages"]) == 7 + 4  # the conversation and one card per meetup
    assert len(first["groups"]) == 3
    assert {(title, capacity) for title, capacity, _ in first["meetups"]} >= {("Fika och prat", 3)}
    assert sum(1 for r in first["rsvps"] if r[0] == "Fika och prat") == 2  # nearly full


def test_seed_demo_accounts_cover_every_role_and_the_under_18_path(settings, municipalities):
    settings.DEBUG = True

    call_command("seed_demo", stdout=io.StringIO())

    people = {u.email: u for u in User.objects.all()}
    assert people["medlem@example.se"].birth_year == 2007
    assert people["medlem2@example.se"].birth_year == 1999
    assert people["ung@example.se"].is_minor is True
    assert people["medlem@example.se"].is_minor is False
    assert people["moderator@example.se"].role == Role.MODERATOR
    assert people["samordnare@example.se"].role == Role.COORDINATOR
    assert people["samordnare@example.se"].organisation.kind == "municipal_unit"
    assert {u.municipality.code for u in people.values()} == {"1380"}
    assert all(u.check_password("bredvid-demo") for u in people.values())
    assert Consent.objects.filter(user=people["ung@example.se"]).count() == 2
