"""Demo data for ``manage.py seed_demo``: the same result however often it runs."""

from dataclasses import dataclass

from community import services
from community.models import Municipality, Organisation, Role, User
from community.services import Profile

DEMO_PASSWORD = "bredvid-demo"  # noqa: S105 - printed for demos, refused when DEBUG is off
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


def seed() -> list[User]:
    halmstad = Municipality.objects.get(code=HALMSTAD)
    for fields in ORGANISATIONS:
        Organisation.objects.update_or_create(
            slug=fields["slug"], defaults={**fields, "municipality": halmstad}
        )
    return [_account(account, halmstad) for account in ACCOUNTS]


def _account(account: DemoAccount, municipality: Municipality) -> User:
    user = User.objects.filter(email=account.email).first()
    profile = Profile(
        display_name=account.display_name,
        birth_year=account.birth_year,
        municipality=municipality,
        cares_for=account.cares_for,
        situation_tags=account.situation_tags,
    )
    if user is None:
        user = services.user_signup(
            email=account.email, password=DEMO_PASSWORD, profile=profile, accepted_terms=True
        )
    else:
        services.user_update_profile(user=user, profile=profile)
        if not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
    user.role = account.role
    user.organisation = (
        Organisation.objects.get(slug=account.staff_of) if account.staff_of else None
    )
    user.is_active = True
    user.save()
    return user
