import factory
from django.contrib.auth.hashers import make_password

from community.models import Municipality, Organisation, Role, User

PASSWORD = "a-long-test-password-42"


def municipality(code: str = "1380") -> Municipality:
    return Municipality.objects.get(code=code)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Anhörigstöd {n}")
    slug = factory.Sequence(lambda n: f"anhorigstod-{n}")
    kind = Organisation.Kind.MUNICIPAL_UNIT
    municipality = factory.LazyFunction(municipality)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.se")
    display_name = factory.Sequence(lambda n: f"Person {n}")
    birth_year = 2000
    municipality = factory.LazyFunction(municipality)
    cares_for = factory.LazyFunction(lambda: ["parent"])
    password = factory.LazyFunction(lambda: make_password(PASSWORD))
    role = Role.MEMBER


class ModeratorFactory(UserFactory):
    role = Role.MODERATOR
    organisation = factory.SubFactory(OrganisationFactory)


class CoordinatorFactory(UserFactory):
    role = Role.COORDINATOR
    organisation = factory.SubFactory(OrganisationFactory)


class PeerGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "groups.PeerGroup"

    name = factory.Sequence(lambda n: f"Grupp {n}")
    slug = factory.Sequence(lambda n: f"grupp-{n}")
    organisation = factory.SubFactory(OrganisationFactory)
    municipality = factory.LazyFunction(municipality)
    min_age = 13
    max_age = 30


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "groups.Membership"

    group = factory.SubFactory(PeerGroupFactory)
    user = factory.SubFactory(UserFactory)
    role = "member"
    status = "active"


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "chat.Room"

    name = factory.Sequence(lambda n: f"Rum {n}")
    slug = factory.Sequence(lambda n: f"rum-{n}")
    kind = "topic"


class GroupRoomFactory(RoomFactory):
    kind = "group"
    group = factory.SubFactory(PeerGroupFactory)
