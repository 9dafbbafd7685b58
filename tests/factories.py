import time

import factory
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from allauth.mfa.utils import decrypt
from django.conf import settings
from django.contrib.auth.hashers import make_password

from community import services
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

    @factory.post_generation
    def consents(self, create, extracted, **kwargs):
        """Accepted the current documents, as at sign-up; ``consents=False`` for none."""
        if create and extracted is not False:
            services.consents_record(user=self)

    @factory.post_generation
    def second_factor(self, create, extracted, **kwargs):
        """Staff and admin accounts get an authenticator app by default (their powers need
        one); ``second_factor=False`` makes one without."""
        wants = self.role in (Role.MODERATOR, Role.COORDINATOR) or self.is_staff
        if create and extracted is not False and (wants or extracted):
            give_second_factor(self)


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


def give_second_factor(user, *, secret: str | None = None) -> Authenticator:
    """An authenticator app (TOTP) for this account; a secret of its own unless given."""
    authenticator = TOTP.activate(user, secret or generate_totp_secret()).instance
    user.__dict__.pop("_bredvid_has_second_factor", None)
    return authenticator


def totp_code(user, *, step: int = 0) -> str:
    """The code the account's authenticator app shows now (``step`` periods away)."""
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    secret = decrypt(authenticator.data["secret"])
    counter = int(time.time()) // settings.MFA_TOTP_PERIOD + step
    return format_hotp_value(hotp_value(secret, counter))
