"""Reminders before meetups and a kind word after a missed one; safe to run every minute."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community import services as community_services
from groups.models import Meetup, ReminderSent, Rsvp
from groups.selectors import when

DAY_BEFORE = timedelta(hours=24)
HOURS_BEFORE = timedelta(hours=2)
MISSED_YOU_AFTER = timedelta(hours=2)
MISSED_YOU_WITHIN = timedelta(days=2)


@dataclass
class Sent:
    day_before: int = 0
    hours_before: int = 0
    missed_you: int = 0


def _claim(rsvp: Rsvp, kind: str) -> bool:
    """Record the reminder first: if another run already did, this one sends nothing."""
    try:
        with transaction.atomic():
            ReminderSent.objects.create(rsvp=rsvp, kind=kind)
    except IntegrityError:
        return False
    return True


def _going(*, starts_after: datetime, starts_before: datetime):
    return Rsvp.objects.select_related("user", "meetup").filter(
        status=Rsvp.Status.GOING,
        meetup__status=Meetup.Status.SCHEDULED,
        meetup__starts_at__gt=starts_after,
        meetup__starts_at__lte=starts_before,
        user__is_active=True,
    )


def reminders_send(*, now: datetime | None = None) -> Sent:
    now = now or timezone.now()
    sent = Sent()
    # Within two hours: the "soon" reminder (one who signed up late gets only this one).
    for rsvp in _going(starts_after=now, starts_before=now + HOURS_BEFORE):
        if _claim(rsvp, ReminderSent.Kind.HOURS_BEFORE):
            _remind(rsvp, lambda: _("%(title)s starts soon"))
            sent.hours_before += 1
    for rsvp in _going(starts_after=now + HOURS_BEFORE, starts_before=now + DAY_BEFORE):
        if _claim(rsvp, ReminderSent.Kind.DAY_BEFORE):
            _remind(rsvp, lambda: _("%(title)s is tomorrow"))
            sent.day_before += 1
    for rsvp in _missed(now=now):
        if _claim(rsvp, ReminderSent.Kind.MISSED_YOU):
            _say_missed_you(rsvp)
            sent.missed_you += 1
    return sent


def _say_missed_you(rsvp: Rsvp) -> None:
    meetup = rsvp.meetup
    community_services.notify(
        user=rsvp.user,
        kind="missed_you",
        title=lambda: _("We missed you at %(title)s") % {"title": meetup.title},
        body=lambda: _("No worries: it happens. You are welcome next time, whenever it suits you."),
        url=f"/grupper/{meetup.group_id}/",
    )


def _remind(rsvp: Rsvp, title) -> None:
    meetup = rsvp.meetup
    community_services.notify(
        user=rsvp.user,
        kind="meetup_reminder",
        title=lambda: title() % {"title": meetup.title},
        body=lambda: f"{when(meetup)}, {meetup.venue_name}",
        url=f"/traffar/{meetup.pk}/",
    )


def _missed(*, now: datetime):
    """Going, not checked in, at a meetup where the hosts did check people in.

    Not a strike: only a kind word, once."""
    recent = Rsvp.objects.select_related("user", "meetup").filter(
        status=Rsvp.Status.GOING,
        checked_in_at__isnull=True,
        meetup__status=Meetup.Status.SCHEDULED,
        meetup__ends_at__lte=now - MISSED_YOU_AFTER,
        meetup__ends_at__gt=now - MISSED_YOU_WITHIN,
        user__is_active=True,
    )
    return recent.filter(meetup__rsvps__checked_in_at__isnull=False).distinct()
