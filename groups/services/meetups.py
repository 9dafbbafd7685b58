"""Meetups: scheduling (once or repeating), changes and cancellation, told in chat."""

import uuid
from dataclasses import asdict, dataclass, field
from dataclasses import fields as fields_of
from datetime import datetime
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from community import ports as community_ports
from community import services as community_services
from community.errors import Conflict, Invalid, NotFound
from groups import cards, policies, ports
from groups.models import Meetup, Membership, PeerGroup, Rsvp
from groups.selectors import when
from groups.services import rsvps

MAX_OCCURRENCES = 26
# What a host writes that others read: screened like a chat message when a member writes it.
TEXT_FIELDS = (
    "title",
    "description",
    "venue_name",
    "venue_address",
    "accessibility_notes",
    "directions_url",
)
STEPS = {
    Meetup.Recurrence.WEEKLY: relativedelta(weeks=1),
    Meetup.Recurrence.BIWEEKLY: relativedelta(weeks=2),
    Meetup.Recurrence.MONTHLY: relativedelta(months=1),
}


@dataclass(frozen=True)
class MeetupFields:
    title: str
    starts_at: datetime
    ends_at: datetime
    venue_name: str
    capacity: int
    description: str = ""
    kind: str = Meetup.Kind.PEER_MEETING
    venue_address: str = ""
    accessibility_notes: str = ""
    directions_url: str = ""
    rsvp_deadline: datetime | None = None
    extra: dict = field(default_factory=dict)


def local_occurrences(starts_at: datetime, recurrence: str, count: int) -> list[datetime]:
    """Start times that keep the same wall-clock time in Stockholm across DST changes."""
    zone = ZoneInfo(settings.TIME_ZONE)
    local = timezone.localtime(starts_at, zone).replace(tzinfo=None)
    step = STEPS.get(recurrence)
    if step is None:
        return [starts_at]
    return [(local + step * n).replace(tzinfo=zone) for n in range(count)]


def _validate(fields: MeetupFields) -> None:
    errors = {}
    if fields.ends_at <= fields.starts_at:
        errors["ends_at"] = [_("The meetup must end after it starts.")]
    if fields.starts_at <= timezone.now():
        errors["starts_at"] = [_("Choose a time in the future.")]
    if fields.rsvp_deadline and fields.rsvp_deadline > fields.starts_at:
        errors["rsvp_deadline"] = [_("The last day to sign up must be before the meetup.")]
    if fields.capacity < 1:
        errors["capacity"] = [_("At least one place.")]
    if errors:
        raise Invalid(fields=errors)


def in_site_language(text) -> str:
    """Room cards are shared by everyone in the room: they are written in the site language."""
    with translation.override(settings.LANGUAGE_CODE):
        return text()


def _store(meetup: Meetup) -> Meetup:
    try:
        meetup.full_clean()
    except ValidationError as error:
        raise Invalid(fields=error.message_dict) from error
    meetup.save()
    return meetup


def _screen(*, user, group: PeerGroup, texts):
    """What a member host writes passes the chat's screening (a blocked text is refused
    here); staff texts are not screened. Called outside the caller's transaction."""
    body = "\n".join(text for text in texts if text)
    if not body or not policies.texts_need_screening(user=user):
        return None
    return community_ports.screening().screen_text(
        user=user, body=body, moderator=False, group=group, target=group
    )


def _texts(fields: MeetupFields) -> list[str]:
    return [getattr(fields, name) for name in TEXT_FIELDS]


def meetup_create(
    *, user, group_id, fields: MeetupFields, recurrence: str = "", occurrences: int = 1
) -> list[Meetup]:
    """Schedule a meetup (or a series, each occurrence with its own RSVPs) and tell the group.

    A member host's held texts keep the meetup from everyone but its hosts and staff until a
    moderator approves its card."""
    group = policies.group_for_user(user=user, group_id=group_id)
    if not policies.can_schedule_meetups(user=user, group=group):
        raise NotFound()
    community_services.posting_consents_check(user=user)
    _validate(fields)
    verdict = _screen(user=user, group=group, texts=_texts(fields))
    return _create(
        user=user,
        group=group,
        fields=fields,
        recurrence=recurrence,
        occurrences=occurrences,
        verdict=verdict,
    )


@transaction.atomic
def _create(
    *, user, group: PeerGroup, fields: MeetupFields, recurrence, occurrences, verdict
) -> list[Meetup]:
    held = verdict is not None and verdict.held
    if recurrence and recurrence not in STEPS:
        raise Invalid(fields={"recurrence": [_("Choose weekly, biweekly or monthly.")]})
    if not 1 <= occurrences <= MAX_OCCURRENCES or (occurrences > 1 and not recurrence):
        raise Invalid(fields={"occurrences": [_("Between 1 and 26, with a repeat chosen.")]})
    duration = fields.ends_at - fields.starts_at
    lead = (fields.starts_at - fields.rsvp_deadline) if fields.rsvp_deadline else None
    series = uuid.uuid4() if occurrences > 1 else None
    values = {k: v for k, v in asdict(fields).items() if k != "extra"}
    created = []
    for start in local_occurrences(fields.starts_at, recurrence, occurrences):
        meetup = Meetup(
            **{
                **values,
                "starts_at": start,
                "ends_at": start + duration,
                "rsvp_deadline": start - lead if lead is not None else None,
            },
            group=group,
            series=series,
            recurrence=recurrence,
            created_by=user,
            held=held,
        )
        created.append(_store(meetup))
    first = created[0]

    card = cards.meetup_card(first, "created", repeats=len(created))
    ports.rooms().meetup_card_post(
        author=user,
        meetup=first,
        event="created",
        body=in_site_language(lambda: cards.card_text(card)),
        card=card,
        verdict=verdict,
    )
    if not held:
        _tell_members(group=group, meetup=first, skip=user)
    return created


def _tell_members(*, group: PeerGroup, meetup: Meetup, skip) -> None:
    members = (
        group.memberships.select_related("user")
        .filter(status=Membership.Status.ACTIVE)
        .filter(policies.in_band())
    )
    for membership in members.exclude(user=skip):
        community_services.notify(
            user=membership.user,
            kind="meetup_new",
            title=lambda: (
                _("New meetup in %(group)s: %(title)s")
                % {"group": group.name, "title": meetup.title}
            ),
            body=lambda: when(meetup),
            url=f"/traffar/{meetup.pk}/",
        )


def _managed_meetup(*, user, meetup_id) -> Meetup:
    meetup = _managed_meetup_unlocked(user=user, meetup_id=meetup_id)
    return Meetup.objects.select_for_update().select_related("group").get(pk=meetup.pk)


def _tell_answered(*, meetup: Meetup, title, body) -> None:
    answered = meetup.rsvps.select_related("user").exclude(status=Rsvp.Status.NOT_GOING)
    for rsvp in answered:
        community_services.notify(
            user=rsvp.user,
            kind="meetup_changed",
            title=title,
            body=body,
            url=f"/traffar/{meetup.pk}/",
        )


def meetup_update(*, user, meetup_id, fields: MeetupFields) -> Meetup:
    """Change a meetup: calendars see a new SEQUENCE, the room a card, those going a note.

    A member host's change with held texts waits in ``pending`` (everyone else keeps the
    approved text) until a moderator approves its card."""
    current = _managed_meetup_unlocked(user=user, meetup_id=meetup_id)
    community_services.posting_consents_check(user=user)
    changed = [
        new for new, old in zip(_texts(fields), _texts_of(current), strict=True) if new != old
    ]
    verdict = _screen(user=user, group=current.group, texts=changed)
    return _update(user=user, meetup_id=current.pk, fields=fields, verdict=verdict)


@transaction.atomic
def _update(*, user, meetup_id, fields: MeetupFields, verdict) -> Meetup:
    meetup = _managed_meetup(user=user, meetup_id=meetup_id)
    if meetup.status == Meetup.Status.CANCELLED:
        raise Conflict(_("This meetup is cancelled."))
    _validate(fields)
    going = meetup.rsvps.filter(status=Rsvp.Status.GOING).count()
    if fields.capacity < going:
        raise Conflict(
            _("%(n)s people are already going: keep at least that many places.") % {"n": going}
        )
    if verdict is not None and verdict.held and not meetup.held:
        meetup.pending = _as_json(fields)
        meetup.save(update_fields=["pending"])
        proposed = Meetup(**{**_values_of(meetup), **_values(fields)})
        card = cards.meetup_card(proposed, "updated")
        ports.rooms().meetup_card_post(
            author=user,
            meetup=meetup,
            event="updated",
            body=in_site_language(lambda: cards.card_text(card)),
            card=card,
            verdict=verdict,
            sequence=meetup.sequence + 1,
        )
        return meetup
    _apply_update(meetup, fields, author=user, verdict=verdict)
    return meetup


def _apply_update(meetup: Meetup, fields: MeetupFields, *, author, verdict=None) -> None:
    """Store a change and tell the room and those who answered; the caller holds the row."""
    for name, value in _values(fields).items():
        setattr(meetup, name, value)
    meetup.sequence += 1
    meetup.updated_at = timezone.now()
    meetup.pending = None
    _store(meetup)
    rsvps.promote_waitlist(meetup=meetup)
    card = cards.meetup_card(meetup, "updated")
    ports.rooms().meetup_card_post(
        author=author,
        meetup=meetup,
        event="updated",
        body=in_site_language(lambda: cards.card_text(card)),
        card=card,
        verdict=verdict,
    )
    _tell_answered(
        meetup=meetup,
        title=lambda: _("%(title)s has changed") % {"title": meetup.title},
        body=lambda: cards.card_text(card),
    )


@transaction.atomic
def meetup_release(*, meetup_id: int, by) -> None:
    """A moderator approved a meetup's held card: publish what waited for it."""
    meetup = Meetup.objects.select_for_update().select_related("group").filter(pk=meetup_id).first()
    if meetup is None:
        return
    if meetup.held:
        meetup.held = False
        meetup.save(update_fields=["held"])
        ports.rooms().meetup_published(meetup=meetup, event="created")
        _tell_members(group=meetup.group, meetup=meetup, skip=meetup.created_by)
    elif meetup.pending:
        _apply_update(meetup, _from_json(meetup.pending), author=meetup.created_by)


def _values(fields: MeetupFields) -> dict:
    return {k: v for k, v in asdict(fields).items() if k != "extra"}


def _values_of(meetup: Meetup) -> dict:
    names = [f.name for f in fields_of(MeetupFields) if f.name != "extra"]
    return {name: getattr(meetup, name) for name in names} | {"group": meetup.group}


def _texts_of(meetup: Meetup) -> list[str]:
    return [getattr(meetup, name) for name in TEXT_FIELDS]


def _as_json(fields: MeetupFields) -> dict:
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in _values(fields).items()}


def _from_json(data: dict) -> MeetupFields:
    times = ("starts_at", "ends_at", "rsvp_deadline")
    return MeetupFields(
        **{k: datetime.fromisoformat(v) if k in times and v else v for k, v in data.items()}
    )


def _managed_meetup_unlocked(*, user, meetup_id) -> Meetup:
    meetup = policies.meetup_for_user(user=user, meetup_id=meetup_id)
    if not policies.can_schedule_meetups(user=user, group=meetup.group):
        raise NotFound()
    return meetup


def meetup_cancel(*, user, meetup_id, reason: str) -> Meetup:
    """Cancel, with the reason told to those who answered. A member host's reason is
    screened: refused when blocked; when held, the cancellation still goes out (people must
    not travel in vain) without the reason, which waits in ``pending``."""
    if not reason or not reason.strip():
        raise Invalid(fields={"reason": [_("Say why, so people understand.")]})
    current = _managed_meetup_unlocked(user=user, meetup_id=meetup_id)
    reason = reason.strip()[:1000]
    verdict = _screen(user=user, group=current.group, texts=[reason])
    return _cancel(user=user, meetup_id=current.pk, reason=reason, verdict=verdict)


@transaction.atomic
def _cancel(*, user, meetup_id, reason: str, verdict) -> Meetup:
    meetup = _managed_meetup(user=user, meetup_id=meetup_id)
    if meetup.status == Meetup.Status.CANCELLED:
        return meetup
    meetup.status = Meetup.Status.CANCELLED
    if verdict is not None and verdict.held:
        meetup.pending, reason = {"cancel_reason": reason}, ""
    meetup.cancel_reason = reason
    meetup.sequence += 1
    meetup.updated_at = timezone.now()
    meetup.save()

    card = cards.meetup_card(meetup, "cancelled")
    ports.rooms().meetup_card_post(
        author=user,
        meetup=meetup,
        event="cancelled",
        body=in_site_language(lambda: cards.card_text(card)),
        card=card,
        verdict=verdict,
        always_shown=True,
    )
    _tell_answered(
        meetup=meetup,
        title=lambda: _("%(title)s is cancelled") % {"title": meetup.title},
        body=meetup.cancel_reason,
    )
    return meetup
