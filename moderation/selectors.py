"""Reads of moderation: the queue, a message in context, a member's history, the log."""

from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import get_language

from chat import policies as chat_policies
from chat import selectors as chat_selectors
from chat.models import Message, Room
from community import policies as community_policies
from community.models import Organisation, Role, User
from groups import policies as group_policies
from groups.models import PeerGroup
from moderation import policies
from moderation.models import AuditEntry, CrisisContact, QueueItem, Report, Sanction

CONTEXT_SIZE = 5


def active_mute(*, user, room: Room) -> Sanction | None:
    """A mute in this room or its group that has not ended or been lifted."""
    where = Q(room=room)
    if room.group_id:
        where |= Q(group_id=room.group_id, room__isnull=True)
    return (
        Sanction.objects.filter(where, user=user, kind=Sanction.Kind.MUTE, lifted_at__isnull=True)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=timezone.now()))
        .order_by("-ends_at")
        .first()
    )


def in_moderated_rooms(*, user, group_ids) -> Q:
    """Items in the groups' rooms, and in the support conversations of the person's unit."""
    where = Q(room__group_id__in=group_ids)
    unit_municipality_id = community_policies.unit_municipality_id(user)
    if unit_municipality_id is not None:
        where |= Q(room__kind=Room.Kind.SUPPORT, room__municipality_id=unit_municipality_id)
    return where


def queue_items(*, user, status=QueueItem.Status.OPEN, priority=None, room_id=None):
    items = QueueItem.objects.select_related("message", "message__author", "room")
    group_ids = policies.moderated_group_ids(user)
    if group_ids is not None:
        items = items.filter(in_moderated_rooms(user=user, group_ids=group_ids))
    if status:
        items = items.filter(status=status)
    if priority is not None:
        items = items.filter(priority=priority)
    if room_id is not None:
        items = items.filter(room_id=room_id)
    return items.order_by("priority", "created_at", "pk")


def queue_item_for(*, user, item_id) -> QueueItem | None:
    item = queue_items(user=user, status=None).filter(pk=item_id).first()
    return item


def queue_item_payload(item: QueueItem) -> dict:
    message = item.message
    return {
        "id": item.pk,
        "status": item.status,
        "priority": item.priority,
        "source": item.source,
        "count": item.reports_count,
        "reasons": item.reasons,
        "rule": item.rule_note,
        "auto_hidden": item.auto_hidden,
        "room": {"id": item.room_id, "name": item.room.name},
        "message": chat_selectors.message_payload(
            message, [], actions=chat_policies.actions_for_role(message=message, role="moderator")
        ),
        "created_at": item.created_at.isoformat(),
        "updated_at": item.updated_at.isoformat(),
    }


def message_context(*, message: Message) -> list[dict]:
    """The messages around one, as moderators see them (held and hidden included)."""
    around = Message.objects.select_related("author", "meetup").filter(
        room_id=message.room_id,
        seq__gte=message.seq - CONTEXT_SIZE,
        seq__lte=message.seq + CONTEXT_SIZE,
    )
    as_moderator = chat_selectors.Viewer(user_id=0, moderator=True, muted=frozenset())
    return chat_selectors.message_payloads(list(around.order_by("seq")), viewer=as_moderator)


def member_history(*, user_id: int, viewer=None) -> dict:
    """Reports against a member's messages and their sanctions: never who reported.

    A group's leaders see only what happened in their groups; platform staff see all."""
    reported = QueueItem.objects.filter(message__author_id=user_id).select_related("room")
    sanctions = Sanction.objects.filter(user_id=user_id)
    group_ids = policies.moderated_group_ids(viewer) if viewer is not None else None
    if group_ids is not None:
        reported = reported.filter(room__group_id__in=group_ids)
        sanctions = sanctions.filter(Q(group_id__in=group_ids) | Q(room__group_id__in=group_ids))
    reported = reported.order_by("-created_at")[:20]
    sanctions = sanctions.order_by("-starts_at")[:20]
    return {
        "reports": [
            {
                "queue_item": item.pk,
                "room": item.room.name,
                "count": item.reports_count,
                "reasons": item.reasons,
                "status": item.status,
                "created_at": item.created_at.isoformat(),
            }
            for item in reported
        ],
        "sanctions": [sanction_payload(s) for s in sanctions],
    }


def sanction_payload(sanction: Sanction) -> dict:
    return {
        "id": sanction.pk,
        "kind": sanction.kind,
        "room": sanction.room_id,
        "group": sanction.group_id,
        "reason": sanction.reason,
        "starts_at": sanction.starts_at.isoformat(),
        "ends_at": sanction.ends_at.isoformat() if sanction.ends_at else None,
        "lifted_at": sanction.lifted_at.isoformat() if sanction.lifted_at else None,
    }


def report_notes(*, message_id: int) -> list[dict]:
    """What reporters wrote about a message, newest first: for moderators, never who."""
    reports = Report.objects.filter(message_id=message_id).exclude(note="")
    return [
        {"reason": r.reason, "note": r.note, "created_at": r.created_at.isoformat()}
        for r in reports.order_by("-created_at", "-pk")
    ]


def reporters_of(*, message_id: int) -> QuerySet:
    return Report.objects.filter(message_id=message_id).select_related("reporter")


def _audit_scope(viewer) -> Q | None:
    """The part of the log a coordinator reads: their organisation's groups and rooms, and
    what happened to their municipality's members outside any group. None: all of it."""
    if policies.is_platform_moderator(viewer):
        return None
    organisation_id = group_policies.hosting_organisation_id(viewer)
    if organisation_id is None:
        return Q(pk__in=[])
    where = (
        _support_rooms_of_unit(viewer)
        | Q(group_id__in=PeerGroup.objects.filter(organisation_id=organisation_id).values("pk"))
        | Q(room_id__in=Room.objects.filter(group__organisation_id=organisation_id).values("pk"))
    )
    municipality_id = policies.staff_municipality_id(viewer)
    if municipality_id is not None:
        residents = User.objects.filter(municipality_id=municipality_id)
        sanctions = Sanction.objects.filter(user__in=residents)
        where |= Q(group_id__isnull=True) & (
            Q(target_type="sanction", target_id__in=_keys(sanctions))
            | Q(target_type="user", target_id__in=_keys(residents))
        )
    return where


def _support_rooms_of_unit(viewer) -> Q:
    """What happened in the support conversations of the viewer's carer-support unit."""
    unit_municipality_id = community_policies.unit_municipality_id(viewer)
    if unit_municipality_id is None:
        return Q(pk__in=[])
    rooms = Room.objects.filter(kind=Room.Kind.SUPPORT, municipality_id=unit_municipality_id)
    return Q(room_id__in=rooms.values("pk"))


def _keys(queryset: QuerySet) -> QuerySet:
    """Primary keys as the log's text target ids, for a subquery."""
    return queryset.annotate(key=Cast("pk", CharField())).values("key")


def audit_entries(
    *,
    viewer,
    actor_id=None,
    action=None,
    target_type=None,
    since=None,
    until=None,
    room_id=None,
    group_id=None,
) -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.select_related("actor").order_by("-created_at", "-id")
    scope = _audit_scope(viewer)
    if scope is not None:
        entries = entries.filter(scope)
    filters = {
        "actor_id": actor_id,
        "action": action,
        "target_type": target_type,
        "created_at__gte": since,
        "created_at__lt": until,
        "room_id": room_id,
        "group_id": group_id,
    }
    return entries.filter(**{k: v for k, v in filters.items() if v is not None})


def audit_details(entry: AuditEntry) -> dict:
    """The details as staff read them: a corrected birth year shows as age bands (the
    stored entry keeps the years)."""
    if entry.action != "member.birth_year":
        return entry.details
    years = {k: v for k, v in entry.details.items() if k in ("from", "to") and isinstance(v, int)}
    bands = {k: community_policies.age_band(birth_year=v) for k, v in years.items()}
    return {**entry.details, **bands}


def audit_payload(entry: AuditEntry) -> dict:
    return {
        "id": entry.pk,
        "created_at": entry.created_at.isoformat(),
        "actor": (
            {"id": entry.actor_id, "display_name": entry.actor.public_name}
            if entry.actor_id
            else None
        ),
        "action": entry.action,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "reason": entry.reason,
        "details": audit_details(entry),
        "room": entry.room_id,
        "group": entry.group_id,
    }


def _contact_hours(contact) -> str:
    """When the line answers, in the reader's language. A line that always answers and has
    no English text says so through the client's own words (its "always open")."""
    if not (get_language() or "").startswith("en"):
        return contact.hours
    return contact.hours_en or ("" if contact.on_call else contact.hours)


def _unit_hours(unit) -> str:
    """The unit's staffed hours from its timetable, in the reader's language; its own note
    when it keeps none."""
    from support.selectors import staffed_hours_text

    return ", ".join(staffed_hours_text(unit)) or unit.staffed_hours


def contact_payload(contact) -> dict:
    return {
        "name": contact.name,
        "phone": contact.phone,
        "url": contact.url,
        "hours": _contact_hours(contact),
    }


def crisis_contacts_for(*, user, situations=()) -> list[dict]:
    """The crisis card: national numbers for the situation, BRIS for under-18s, and the
    person's own municipality's carer support; ``always_open`` for lines that always answer."""
    contacts = CrisisContact.objects.filter(is_active=True).filter(
        Q(municipality__isnull=True) | Q(municipality_id=user.municipality_id)
    )
    if not user.is_minor:
        contacts = contacts.exclude(audience=CrisisContact.Audience.UNDER_18)
    chosen = [
        c
        for c in contacts.order_by("order", "name")
        if not c.situations or set(c.situations) & set(situations) or not situations
    ]
    cards = [{**contact_payload(c), "always_open": c.on_call} for c in chosen]
    cards += [
        {
            "name": unit.name,
            "phone": unit.phone,
            "url": unit.website,
            "hours": _unit_hours(unit),
            "always_open": False,
        }
        for unit in Organisation.objects.filter(
            kind=Organisation.Kind.MUNICIPAL_UNIT, municipality_id=user.municipality_id
        )
        .exclude(phone="")
        .prefetch_related("opening_hours")
        if user.municipality_id
    ]
    return cards


def on_call_contacts() -> list[dict]:
    """Who to call when no one is on duty here: numbers that always answer."""
    return [
        contact_payload(c)
        for c in CrisisContact.objects.filter(is_active=True, on_call=True, municipality=None)
    ]


def room_organisations(room: Room) -> QuerySet[Organisation]:
    """Whose staff look after a room: the hosting organisation (its coordinators moderate
    it), or for a topic room those of platform moderators."""
    if room.group_id:
        return Organisation.objects.filter(pk=room.group.organisation_id)
    return Organisation.objects.filter(staff__role=Role.MODERATOR).distinct()


def someone_on_duty(*, room: Room, at=None) -> bool:
    from support.selectors import organisation_is_staffed

    at = at or timezone.now()
    return any(organisation_is_staffed(organisation=o, at=at) for o in room_organisations(room))


def on_call_organisations(*, item: QueueItem) -> list[Organisation]:
    """Whose on-call staff an urgent item alerts: the organisation hosting the room's group
    (its coordinators moderate it), the carer-support unit of the author's municipality
    (its coordinators follow its members) and, for topic rooms, which only platform
    moderators moderate, the platform moderators' organisations."""
    room = item.room
    author = item.message.author
    covering = Q(kind=Organisation.Kind.MUNICIPAL_UNIT, municipality_id=author.municipality_id)
    if author.municipality_id is None:
        covering = Q(pk__in=[])
    if room.group_id is not None:
        covering |= Q(pk=room.group.organisation_id)
    else:
        moderators = User.objects.filter(role=Role.MODERATOR, is_active=True)
        covering |= Q(pk__in=moderators.values("organisation_id"))
    return list(Organisation.objects.filter(covering).order_by("pk"))
