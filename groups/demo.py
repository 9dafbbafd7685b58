"""Demo peer groups with their rooms and upcoming meetups (one nearly full)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from community import demo
from community.models import Municipality, User
from groups.models import Meetup, Membership, PeerGroup
from groups.services import meetups as meetup_services
from groups.services import membership as membership_services
from groups.services import rsvps

STOCKHOLM = ZoneInfo("Europe/Stockholm")

GROUPS = [
    {
        "name": "Unga anhöriga Halmstad",
        "organisation": "halmstad-anhorigstod",
        "municipality": "1380",
        "min_age": 16,
        "max_age": 25,
        "joining": PeerGroup.Joining.OPEN,
        "themes": ["gemenskap", "anhoriggrupper", "motesplatser"],
        "description": "För dig som är 16–25 och hjälper någon i familjen. Vi pratar, fikar "
        "och hittar på saker tillsammans, på nätet och på riktigt.",
        "rules": "Det som sägs i gruppen stannar i gruppen. Alla får vara med och prata.",
        "members": ["medlem@example.se"],
    },
    {
        "name": "Syskongruppen 13–17",
        "organisation": "anhorigforeningen-halland",
        "municipality": "1380",
        "min_age": 13,
        "max_age": 17,
        "joining": PeerGroup.Joining.REQUEST,
        "themes": ["gemenskap", "samtalsstod"],
        "description": "För dig som har ett syskon med funktionsnedsättning eller sjukdom. "
        "Två vuxna samtalsledare finns alltid med.",
        "rules": "Vi lyssnar på varandra. Ingen behöver berätta mer än hen vill.",
        "members": ["ung@example.se"],
    },
    {
        "name": "Anhöriga 18–30 på nätet",
        "organisation": "anhorigforeningen-halland",
        "municipality": None,
        "min_age": 18,
        "max_age": 30,
        "joining": PeerGroup.Joining.OPEN,
        "themes": ["gemenskap", "kunskap", "friskvard"],
        "description": "En grupp för hela landet för dig som är 18–30. Vi ses i chatten och "
        "ibland på träffar i olika städer.",
        "rules": "Var snäll. Dela inte andras namn eller bilder.",
        "members": ["medlem@example.se", "medlem2@example.se"],
    },
]


def _at(days: int, hour: int) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=STOCKHOLM)


MEETUPS = [
    (
        "Unga anhöriga Halmstad",
        "Fika och prat",
        6,
        17,
        3,
        "Stadsbiblioteket",
        "Axel Olofssons gata 1, Halmstad",
        "Hiss finns. Vi sitter i grupprummet på plan 2.",
        ["medlem@example.se", "moderator@example.se"],
    ),
    (
        "Unga anhöriga Halmstad",
        "Bowling och pizza",
        20,
        16,
        12,
        "Bowlinghallen",
        "Stationsgatan 5, Halmstad",
        "Entrén är i marknivå.",
        [],
    ),
    (
        "Syskongruppen 13–17",
        "Syskonträff",
        9,
        15,
        10,
        "Föreningens lokal",
        "Storgatan 12, Halmstad",
        "Ramp vid entrén.",
        ["ung@example.se"],
    ),
    (
        "Anhöriga 18–30 på nätet",
        "Föreläsning: Att må bra som anhörig",
        13,
        18,
        40,
        "Kulturhuset Najaden",
        "Kungsgatan 2, Halmstad",
        "Hörslinga finns.",
        ["medlem2@example.se"],
    ),
]


def adopt() -> None:
    """Record the groups and meetups an earlier, record-less seed_demo made."""
    for spec in GROUPS:
        demo.demo_adopt(_group_key(spec["name"]), PeerGroup.objects.filter(name=spec["name"]))
    for group_name, title, *_ in MEETUPS:
        group = demo.demo_find(_group_key(group_name), PeerGroup)
        rows = Meetup.objects.filter(group=group, title=title)
        demo.demo_adopt(_meetup_key(group_name, title), rows)


def seed() -> list[PeerGroup]:
    people = demo.people()
    coordinator = people["samordnare@example.se"]
    groups = [_group(spec, people, coordinator) for spec in GROUPS]
    for spec in MEETUPS:
        _meetup(spec, people)
    return groups


def _group_key(name: str) -> str:
    return f"group:{name}"


def _meetup_key(group_name: str, title: str) -> str:
    return f"meetup:{group_name}:{title}"


def _group(spec: dict, people: dict, coordinator: User) -> PeerGroup:
    group = demo.demo_row(
        _group_key(spec["name"]), PeerGroup, create=lambda: _group_create(spec, coordinator)
    )
    host = people["moderator@example.se"]
    Membership.objects.update_or_create(
        group=group, user=host, defaults={"role": Membership.Role.HOST, "status": "active"}
    )
    for email in spec["members"]:
        Membership.objects.get_or_create(group=group, user=people[email])
    return group


def _group_create(spec: dict, coordinator: User) -> PeerGroup:
    # coordinators create groups for their own organisation
    coordinator.organisation = demo.organisation(spec["organisation"])
    group = membership_services.group_create(
        user=coordinator,
        name=spec["name"],
        description=spec["description"],
        themes=spec["themes"],
        municipality=(
            Municipality.objects.get(code=spec["municipality"]) if spec["municipality"] else None
        ),
        min_age=spec["min_age"],
        max_age=spec["max_age"],
        joining=spec["joining"],
        rules=spec["rules"],
    )
    coordinator.refresh_from_db()
    return group


def _meetup(spec, people: dict) -> None:
    group_name, title, days, hour, capacity, venue, address, access, going = spec
    key = _meetup_key(group_name, title)
    if demo.demo_find(key, Meetup) is not None:
        return
    group = demo.demo_find(_group_key(group_name), PeerGroup)
    host = people["moderator@example.se"]
    fields = meetup_services.MeetupFields(
        title=title,
        starts_at=_at(days, hour),
        ends_at=_at(days, hour + 2),
        venue_name=venue,
        venue_address=address,
        accessibility_notes=access,
        capacity=capacity,
        description="Välkommen! Du behöver inte förbereda något. Säg till om du vill att "
        "någon möter dig vid dörren.",
    )
    [meetup] = meetup_services.meetup_create(user=host, group_id=group.pk, fields=fields)
    demo.demo_remember(key, meetup)
    for email in going:
        rsvps.rsvp_set(user=people[email], meetup_id=meetup.pk, status="going")
