"""Meetups: scheduling (once or repeating), changes and cancellation, told in chat."""

import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from chat import services as chat_services
from community import services as community_services
from community.errors import Conflict, Invalid, NotFound
from groups import policies
from groups.models import Meetup, Membership, PeerGroup, Rsvp
from groups.selectors import when
from groups.services import rsvps

MAX_OCCURRENCES = 26
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


@transaction.atomic
def meetup_create(
    *, user, group_id, fields: MeetupFields, recurrence: str = "", occurrences: int = 1
) -> list[Meetup]:
    """Schedule a meetup (or a series, each occurrence with its own RSVPs) and tell the group."""
    group = policies.group_for_user(user=user, group_id=group_id)
    if not policies.can_schedule_meetups(user=user, group=group):
        raise NotFound()
    _validate(fields)
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
        )
        created.append(_store(meetup))
    first = created[0]

    def card() -> str:
        text = _("New meetup: %(title)s, %(when)s at %(place)s.") % {
            "title": first.title,
            "when": when(first),
            "place": first.venue_name,
        }
        if len(created) > 1:
            text += " " + _("It repeats %(n)s times.") % {"n": len(created)}
        return text

    chat_services.meetup_card_post(
        author=user, meetup=first, event="created", body=in_site_language(card)
    )
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
    meetup = policies.meetup_for_user(user=user, meetup_id=meetup_id)
    if not policies.can_schedule_meetups(user=user, group=meetup.group):
        raise NotFound()
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


@transaction.atomic
def meetup_update(*, user, meetup_id, fields: MeetupFields) -> Meetup:
    """Change a meetup: calendars see a new SEQUENCE, the room a card, those going a note."""
    meetup = _managed_meetup(user=user, meetup_id=meetup_id)
    if meetup.status == Meetup.Status.CANCELLED:
        raise Conflict(_("This meetup is cancelled."))
    _validate(fields)
    going = meetup.rsvps.filter(status=Rsvp.Status.GOING).count()
    if fields.capacity < going:
        raise Conflict(
            _("%(n)s people are already going: keep at least that many places.") % {"n": going}
        )
    for name, value in asdict(fields).items():
        if name != "extra":
            setattr(meetup, name, value)
    meetup.sequence += 1
    meetup.updated_at = timezone.now()
    _store(meetup)
    rsvps.promote_waitlist(meetup=meetup)

    def card() -> str:
        return _("Meetup changed: %(title)s, %(when)s at %(place)s.") % {
            "title": meetup.title,
            "when": when(meetup),
            "place": meetup.venue_name,
        }

    chat_services.meetup_card_post(
        author=user, meetup=meetup, event="updated", body=in_site_language(card)
    )
    _tell_answered(
        meetup=meetup, title=lambda: _("%(title)s has changed") % {"title": meetup.title}, body=card
    )
    return meetup


@transaction.atomic
def meetup_cancel(*, user, meetup_id, reason: str) -> Meetup:
    meetup = _managed_meetup(user=user, meetup_id=meetup_id)
    if not reason or not reason.strip():
        raise Invalid(fields={"reason": [_("Say why, so people understand.")]})
    if meetup.status == Meetup.Status.CANCELLED:
        return meetup
    meetup.status = Meetup.Status.CANCELLED
    meetup.cancel_reason = reason.strip()[:1000]
    meetup.sequence += 1
    meetup.updated_at = timezone.now()
    meetup.save()

    def card() -> str:
        return _("Cancelled: %(title)s, %(when)s. %(reason)s") % {
            "title": meetup.title,
            "when": when(meetup),
            "reason": meetup.cancel_reason,
        }

    chat_services.meetup_card_post(
        author=user, meetup=meetup, event="cancelled", body=in_site_language(card)
    )
    _tell_answered(
        meetup=meetup,
        title=lambda: _("%(title)s is cancelled") % {"title": meetup.title},
        body=meetup.cancel_reason,
    )
    return meetup
