"""Demo data for ``manage.py seed_demo``: the same result however often it runs.

The demo finds its own rows by a key of its own (``DemoRecord``), never by a name, slug or
e-mail that people can also choose: what they made is never changed, and a name they reused
never makes a second run fail.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import count
from typing import TypeVar

from django.contrib.contenttypes.models import ContentType
from django.db import models

from community import services
from community.models import DemoRecord, Municipality, Organisation, Role, User
from community.services import Profile

DEMO_PASSWORD = "bredvid-demo"  # noqa: S105 - printed for demos, refused when DEBUG is off
# The demo staff's authenticator-app secret (two-step sign-in): known to everyone, so demo
# only, like the password. Any authenticator app takes it; ``make run`` prints it.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXP"  # noqa: S105
SECOND_FACTOR_ROLES = (Role.MODERATOR, Role.COORDINATOR)
HALMSTAD = "1380"


@dataclass(frozen=True)
class DemoAccount:
    email: str
    display_name: str
    birth_year: int
    role: str = Role.MEMBER
    cares_for: tuple[str, ...] = ()
    situation_tags: tuple[str, ...] = ()
    staff_of: str | None = None  # organisation slug


ORGANISATIONS = [
    {
        "slug": "halmstad-anhorigstod",
        "name": "Halmstads kommun – Anhörigstöd",
        "kind": Organisation.Kind.MUNICIPAL_UNIT,
        "description": (
            "Kommunens anhörigstöd ger samtalsstöd, anhöriggrupper och avlösning till dig "
            "som hjälper någon i din närhet."
        ),
        "phone": "035-13 70 00",
        "email": "anhorigstod@example.se",
        "website": "https://www.halmstad.se/",
        "staffed_hours": "Måndag–fredag 08.00–16.30",
    },
    {
        "slug": "anhorigforeningen-halland",
        "name": "Anhörigföreningen Halland",
        "kind": Organisation.Kind.ASSOCIATION,
        "description": "En ideell förening för anhöriga i Halland: träffar, stöd och gemenskap.",
        "phone": "035-12 34 56",
        "email": "kontakt@example.se",
        "website": "",
        "staffed_hours": "Tisdagar och torsdagar 17.00–20.00",
    },
]

ACCOUNTS = [
    DemoAccount(
        "medlem@example.se",
        "Solros",
        2007,
        cares_for=("parent",),
        situation_tags=("mental_illness",),
    ),
    DemoAccount(
        "medlem2@example.se",
        "Havsörn",
        1999,
        cares_for=("partner", "parent"),
        situation_tags=("long_term_illness",),
    ),
    DemoAccount(
        "ung@example.se", "Stjärnfall", 2011, cares_for=("sibling",), situation_tags=("disability",)
    ),
    DemoAccount(
        "moderator@example.se",
        "Moderator Mika",
        1988,
        role=Role.MODERATOR,
        staff_of="halmstad-anhorigstod",
    ),
    DemoAccount(
        "samordnare@example.se",
        "Samordnare Sara",
        1980,
        role=Role.COORDINATOR,
        staff_of="halmstad-anhorigstod",
    ),
]


COORDINATOR_EMAIL = "samordnare@example.se"

M = TypeVar("M", bound=models.Model)


# --- the demo's own rows ------------------------------------------------------------------


def demo_find(key: str, model: type[M]) -> M | None:
    """The demo's row for ``key``, or None when it was never made or has been deleted."""
    record = DemoRecord.objects.filter(key=key).first()
    if record is None:
        return None
    return model.objects.filter(pk=record.object_id).first()


def demo_remember(key: str, row: models.Model) -> None:
    """Record ``row`` as the demo's row for ``key``."""
    DemoRecord.objects.update_or_create(
        key=key,
        defaults={"content_type": ContentType.objects.get_for_model(row), "object_id": row.pk},
    )


def demo_row(key: str, model: type[M], *, create: Callable[[], M]) -> M:
    """The demo's row for ``key``, made by ``create`` when missing."""
    row = demo_find(key, model)
    if row is None:
        row = create()
        demo_remember(key, row)
    return row


def demo_upsert(key: str, model: type[M], *, slug: str, fields: dict) -> M:
    """The demo's row for ``key`` with ``fields``; a new one gets ``slug`` or, when people
    took it, the first free ``slug-N``."""
    row = demo_find(key, model) or model(slug=free_value(model, "slug", numbered(slug, "{}-{}")))
    for name, value in fields.items():
        setattr(row, name, value)
    row.save()
    demo_remember(key, row)
    return row


def numbered(wanted: str, pattern: str) -> Iterator[str]:
    """``wanted``, then ``pattern.format(wanted, 2)``, ``…(wanted, 3)`` and so on."""
    yield wanted
    for n in count(2):
        yield pattern.format(wanted, n)


def free_value(model, field: str, candidates: Iterable[str], *, exclude_pk=None) -> str:
    """The first of ``candidates`` that no other row of ``model`` has in ``field``."""
    rows = model.objects.exclude(pk=exclude_pk)
    return next(v for v in candidates if not rows.filter(**{f"{field}__iexact": v}).exists())


def demo_adopt(key: str, rows: models.QuerySet) -> None:
    """Record the oldest of ``rows`` as the demo's: see ``is_seeded_without_records``."""
    row = rows.order_by("pk").first()
    if row is not None and not DemoRecord.objects.filter(key=key).exists():
        demo_remember(key, row)


def is_seeded_without_records() -> bool:
    """Seeded before the demo kept records: its rows are the oldest of their names, as
    ``make run`` seeds before anyone can sign in."""
    return (
        not DemoRecord.objects.exists()
        and User.objects.filter(email__iexact=COORDINATOR_EMAIL).exists()
    )


def organisation(slug: str) -> Organisation | None:
    """The demo's organisation that the demo data calls ``slug``."""
    return demo_find(f"organisation:{slug}", Organisation)


def people() -> dict[str, User]:
    """The demo's accounts by the e-mail the demo data calls them."""
    found = {email: demo_find(f"account:{email}", User) for email in _emails()}
    return {email: user for email, user in found.items() if user is not None}


def _emails() -> list[str]:
    return [account.email for account in ACCOUNTS]


# --- seeding --------------------------------------------------------------------------------


def adopt() -> None:
    """Record the organisations and accounts an earlier, record-less seed_demo made."""
    for fields in ORGANISATIONS:
        slug = fields["slug"]
        demo_adopt(f"organisation:{slug}", Organisation.objects.filter(slug=slug))
    for email in _emails():
        demo_adopt(f"account:{email}", User.objects.filter(email__iexact=email))


def seed() -> list[User]:
    halmstad = Municipality.objects.get(code=HALMSTAD)
    for fields in ORGANISATIONS:
        slug = fields["slug"]
        own = {name: value for name, value in fields.items() if name != "slug"}
        demo_upsert(
            f"organisation:{slug}",
            Organisation,
            slug=slug,
            fields={**own, "municipality": halmstad},
        )
    return [_account(account, halmstad) for account in ACCOUNTS]


def _account(account: DemoAccount, municipality: Municipality) -> User:
    key = f"account:{account.email}"
    user = demo_find(key, User)
    profile = Profile(
        display_name=free_value(
            User,
            "display_name",
            numbered(account.display_name, "{} {}"),
            exclude_pk=user.pk if user else None,
        ),
        birth_year=account.birth_year,
        municipality=municipality,
        cares_for=account.cares_for,
        situation_tags=account.situation_tags,
    )
    if user is None:
        local, domain = account.email.split("@")
        user = services.user_signup(
            email=free_value(
                User, "email", (f"{name}@{domain}" for name in numbered(local, "{}+{}"))
            ),
            password=DEMO_PASSWORD,
            profile=profile,
            accepted_terms=True,
        )
        demo_remember(key, user)
    else:
        services.user_update_profile(user=user, profile=profile)
        if not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
    user.role = account.role
    user.organisation = organisation(account.staff_of) if account.staff_of else None
    user.is_active = True
    user.save()
    if user.role in SECOND_FACTOR_ROLES:
        _demo_second_factor(user)
    return user


def _demo_second_factor(user: User) -> None:
    """Staff act as staff only with a second factor: the demo's uses the known secret."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.utils import encrypt

    Authenticator.objects.update_or_create(
        user=user,
        type=Authenticator.Type.TOTP,
        defaults={"data": {"secret": encrypt(DEMO_TOTP_SECRET)}},
    )
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES):
        RecoveryCodes.activate(user)
