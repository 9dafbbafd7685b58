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


def _rows(model, pks) -> list[dict]:
    return list(model.objects.filter(pk__in=pks).order_by("pk").values())


def _made_by_people(municipalities):
    """What staff and members create with the demo's names, slugs, titles and e-mails."""
    from datetime import timedelta

    from django.utils import timezone

    from chat import services as chat_services
    from community import services as community_services
    from community.services import Profile
    from groups.services import meetups as meetup_services
    from groups.services import membership as membership_services
    from support import services as support_services
    from tests.factories import CoordinatorFactory, municipality

    halmstad = municipality("1380")
    organisation = Organisation.objects.create(
        name="Halmstads kommun – Anhörigstöd",
        slug="halmstad-anhorigstod",
        kind=Organisation.Kind.ASSOCIATION,
        municipality=halmstad,
        description="Vår egen förening.",
    )
    halland = Organisation.objects.create(
        name="Anhörigföreningen Halland", slug="anhorigforeningen-halland", kind="association"
    )
    bris = Organisation.objects.create(name="Bris", slug="bris", kind="association")
    coordinator = CoordinatorFactory(organisation=organisation, email="egen@example.se")
    groups = [
        membership_services.group_create(user=coordinator, name=name, municipality=halmstad)
        for name in ("Unga anhöriga Halmstad", "Syskongruppen 13–17", "Anhöriga 18–30 på nätet")
    ]
    start = timezone.now() + timedelta(days=3)
    [meetup] = meetup_services.meetup_create(
        user=coordinator,
        group_id=groups[0].pk,
        fields=meetup_services.MeetupFields(
            title="Fika och prat",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            venue_name="Vårt kafé",
            venue_address="Egen gata 1",
            capacity=20,
        ),
    )
    room = chat_services.room_create(name="Ekonomi", slug="ekonomi", topic="Vårt eget rum")
    entry = support_services.support_entry_create(
        user=coordinator,
        data=support_services.EntryFields(
            title="halmstad avlösning", summary="Vår egen avlösning", category="avlastning"
        ),
    )
    article = support_services.article_create(
        user=coordinator,
        data=support_services.ArticleFields(
            title="Att vara ung anhörig", body_markdown="Vår egen text.", is_published=True
        ),
    )
    member = community_services.user_signup(
        email="medlem2@example.se",
        password="ett-eget-losenord-1",  # noqa: S106
        profile=Profile(display_name="Havsörn", birth_year=1995, municipality=halmstad),
        accepted_terms=True,
    )
    return {
        Organisation: [organisation.pk, halland.pk, bris.pk],
        User: [coordinator.pk, member.pk],
        PeerGroup: [g.pk for g in groups],
        Room: [room.pk, *Room.objects.filter(group__in=groups).values_list("pk", flat=True)],
        Meetup: [meetup.pk],
        Membership: list(Membership.objects.filter(group__in=groups).values_list("pk", flat=True)),
        Message: list(Message.objects.values_list("pk", flat=True)),
        "entry": [entry.pk],
        "article": [article.pk],
    }


def test_seed_demo_leaves_what_people_made_with_the_same_names_alone(settings, municipalities):
    from community.models import Article, StaffedHours, SupportEntry

    settings.DEBUG = True
    theirs = _made_by_people(municipalities)
    models = {"entry": SupportEntry, "article": Article}
    before = {key: _rows(models.get(key, key), pks) for key, pks in theirs.items()}
    counts = {model: models.get(model, model).objects.count() for model in theirs}

    call_command("seed_demo", stdout=io.StringIO())
    first = snapshot()
    call_command("seed_demo", stdout=io.StringIO())

    assert snapshot() == first
    assert {key: _rows(models.get(key, key), pks) for key, pks in theirs.items()} == before
    assert not StaffedHours.objects.filter(organisation_id__in=theirs[Organisation]).exists()
    assert Membership.objects.filter(group_id__in=theirs[PeerGroup]).count() == len(
        theirs[Membership]
    )
    assert Meetup.objects.filter(group_id__in=theirs[PeerGroup]).count() == 1
    # the demo made its own rows once each, next to theirs
    added = {model: models.get(model, model).objects.count() - n for model, n in counts.items()}
    assert added[Organisation] == 8
    assert added[PeerGroup] == 3
    assert added[Meetup] == 4
    assert added[User] == 5
    assert added["entry"] == 10
    assert added["article"] == 3
    assert added[Room] == 6
    assert PeerGroup.objects.filter(name="Unga anhöriga Halmstad").count() == 2
    demo_coordinator = User.objects.get(email="samordnare@example.se")
    assert demo_coordinator.organisation.name == "Halmstads kommun – Anhörigstöd"
    assert demo_coordinator.organisation.pk not in theirs[Organisation]
    assert demo_coordinator.organisation.opening_hours.count() == 5


def test_seed_demo_runs_again_after_a_coordinator_reused_a_demo_group_name(
    settings, municipalities
):
    from groups.services import membership as membership_services
    from tests.factories import CoordinatorFactory

    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    first = snapshot()
    coordinator = CoordinatorFactory()
    group = membership_services.group_create(user=coordinator, name="Unga anhöriga Halmstad")
    organisation = Organisation.objects.create(
        name="Anhörigföreningen Halland", slug="anhorigforeningen-halland-2", kind="association"
    )
    theirs = {
        PeerGroup: _rows(PeerGroup, [group.pk]),
        Organisation: _rows(Organisation, [organisation.pk]),
    }

    call_command("seed_demo", stdout=io.StringIO())

    assert {
        PeerGroup: _rows(PeerGroup, [group.pk]),
        Organisation: _rows(Organisation, [organisation.pk]),
    } == theirs
    assert not Membership.objects.filter(group=group).exclude(user=coordinator).exists()
    again = snapshot()
    made = {group.slug, coordinator.email, coordinator.organisation.slug, organisation.slug}
    assert again["groups"] == sorted([*first["groups"], (group.slug, 13, 30)])
    assert [r for r in again["users"] if r[0] not in made] == first["users"]


def test_seed_demo_takes_over_what_an_earlier_record_less_run_made(settings, municipalities):
    from community.models import Article, DemoRecord, SupportEntry

    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    first = snapshot()
    entries, articles = SupportEntry.objects.count(), Article.objects.count()
    keys = sorted(DemoRecord.objects.values_list("key", "object_id"))
    DemoRecord.objects.all().delete()  # as a database seeded before the demo kept records

    call_command("seed_demo", stdout=io.StringIO())

    assert snapshot() == first
    assert (SupportEntry.objects.count(), Article.objects.count()) == (entries, articles)
    assert sorted(DemoRecord.objects.values_list("key", "object_id")) == keys
