"""RSVPs: capacity under a row lock, an ordered waitlist, carers' needs, check-in."""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from community import services as community_services
from community.errors import Conflict, Forbidden, Invalid, NotFound
from community.models import AccessEntry
from groups import policies, selectors
from groups.models import Meetup, Rsvp, new_checkin_code


@dataclass(frozen=True)
class Needs:
    respite: bool = False
    company: bool = False
    accessibility: str = ""
    note: str = ""


@dataclass(frozen=True)
class RsvpResult:
    rsvp: Rsvp
    waitlist_position: int | None


def meetup_needs_read(*, user, meetup_id: int) -> dict:
    """What people need to come, for the hosts and coordinators; each read is logged
    against everyone on the list (one not-found answer for anyone else)."""
    meetup = policies.meetup_for_user(user=user, meetup_id=meetup_id)
    if not policies.can_see_needs(user=user, meetup=meetup):
        raise NotFound()
    overview = selectors.needs_overview(meetup=meetup)
    what = AccessEntry.What.RSVP_NEEDS
    community_services.access_record(
        actor=user,
        reads=[(what, pk, meetup) for pk in selectors.needs_member_ids(meetup=meetup)],
    )
    return overview


def waitlist_position(rsvp: Rsvp) -> int | None:
    if rsvp.status != Rsvp.Status.WAITLISTED:
        return None
    ahead = Rsvp.objects.filter(meetup_id=rsvp.meetup_id, status=Rsvp.Status.WAITLISTED).filter(
        Q(waitlisted_at__lt=rsvp.waitlisted_at)
        | Q(waitlisted_at=rsvp.waitlisted_at, pk__lt=rsvp.pk)
    )
    return ahead.count() + 1


def _locked_meetup(meetup_id) -> Meetup:
    meetup = Meetup.objects.select_for_update().select_related("group").filter(pk=meetup_id).first()
    if meetup is None:
        raise NotFound()
    return meetup


def _open_for_answers(meetup: Meetup) -> None:
    now = timezone.now()
    if meetup.status == Meetup.Status.CANCELLED:
        raise Conflict(_("This meetup is cancelled."))
    if meetup.starts_at <= now:
        raise Conflict(_("This meetup has already started."))
    if meetup.rsvp_deadline and meetup.rsvp_deadline < now:
        raise Conflict(_("The last day to sign up has passed. Contact the hosts."))


def _clean_needs(needs: Needs) -> Needs:
    if len(needs.accessibility) > 500 or len(needs.note) > 1000:
        raise Invalid(fields={"note": [_("Keep it shorter, please.")]})
    return needs


@transaction.atomic
def rsvp_set(*, user, meetup_id, status: str, needs: Needs = Needs()) -> RsvpResult:
    """Answer going or not going. A full meetup puts you on the waitlist, in order."""
    if status not in (Rsvp.Status.GOING, Rsvp.Status.NOT_GOING):
        raise Invalid(fields={"status": [_("Answer going or not_going.")]})
    needs = _clean_needs(needs)
    meetup = policies.meetup_for_user(user=user, meetup_id=meetup_id)
    if not policies.is_group_member(user=user, group=meetup.group):
        raise Forbidden(_("Join the group first, then you can sign up."))
    meetup = _locked_meetup(meetup.pk)  # everyone answering this meetup queues here
    _open_for_answers(meetup)
    rsvp = Rsvp.objects.filter(meetup=meetup, user=user).first()
    was_going = rsvp is not None and rsvp.status == Rsvp.Status.GOING
    if rsvp is None:
        rsvp = Rsvp(meetup=meetup, user=user)
    _apply_needs(rsvp, needs)
    if status == Rsvp.Status.NOT_GOING:
        rsvp.status, rsvp.waitlisted_at = Rsvp.Status.NOT_GOING, None
    elif not was_going and rsvp.status != Rsvp.Status.WAITLISTED:
        going = meetup.rsvps.filter(status=Rsvp.Status.GOING).count()
        if going < meetup.capacity:
            rsvp.status, rsvp.waitlisted_at = Rsvp.Status.GOING, None
        else:
            rsvp.status, rsvp.waitlisted_at = Rsvp.Status.WAITLISTED, timezone.now()
    rsvp.updated_at = timezone.now()
    _save_with_code(rsvp)
    if was_going and status == Rsvp.Status.NOT_GOING:
        promote_waitlist(meetup=meetup)
    return RsvpResult(rsvp=rsvp, waitlist_position=waitlist_position(rsvp))


def _apply_needs(rsvp: Rsvp, needs: Needs) -> None:
    rsvp.needs_respite = needs.respite
    rsvp.needs_company = needs.company
    rsvp.accessibility_needs = needs.accessibility.strip()
    rsvp.note = needs.note.strip()


def _save_with_code(rsvp: Rsvp) -> None:
    for _attempt in range(5):  # a check-in code is unique within its meetup
        try:
            with transaction.atomic():
                rsvp.save()
                return
        except IntegrityError:
            if rsvp.pk is not None:
                raise
            rsvp.checkin_code = new_checkin_code()
    raise Conflict()


def promote_waitlist(*, meetup: Meetup) -> list[Rsvp]:
    """Fill free places from the waitlist, first come first served; the caller holds the
    meetup row lock. Each promoted person is told."""
    promoted = []
    free = meetup.capacity - meetup.rsvps.filter(status=Rsvp.Status.GOING).count()
    waiting = meetup.rsvps.select_related("user").filter(status=Rsvp.Status.WAITLISTED)
    for rsvp in waiting.order_by("waitlisted_at", "pk")[: max(free, 0)]:
        rsvp.status, rsvp.waitlisted_at, rsvp.updated_at = Rsvp.Status.GOING, None, timezone.now()
        rsvp.save(update_fields=["status", "waitlisted_at", "updated_at"])
        community_services.notify(
            user=rsvp.user,
            kind="waitlist_promoted",
            title=lambda: _("You got a place at %(title)s") % {"title": meetup.title},
            body=lambda: _("A place opened up, so you are now going. Welcome!"),
            url=f"/traffar/{meetup.pk}/",
        )
        promoted.append(rsvp)
    return promoted


@transaction.atomic
def rsvp_withdraw(*, rsvp: Rsvp) -> None:
    """Take back an answer (leaving the group, say) and pass the place on."""
    meetup = _locked_meetup(rsvp.meetup_id)
    was_going = rsvp.status == Rsvp.Status.GOING
    rsvp.status, rsvp.waitlisted_at = Rsvp.Status.NOT_GOING, None
    rsvp.save(update_fields=["status", "waitlisted_at"])
    if was_going:
        promote_waitlist(meetup=meetup)


@transaction.atomic
def checkin(*, user, meetup_id, rsvp_id=None, code: str | None = None) -> Rsvp:
    """A host marks someone as here, from the list or by the code they show at the door."""
    meetup = policies.meetup_for_user(user=user, meetup_id=meetup_id)
    if not policies.can_schedule_meetups(user=user, group=meetup.group):
        raise NotFound()
    going = meetup.rsvps.select_related("user").filter(status=Rsvp.Status.GOING)
    if code is not None:
        rsvp = going.filter(checkin_code=str(code).strip().upper()).first()
    else:
        rsvp = going.filter(pk=rsvp_id).first()
    if rsvp is None:
        field = "code" if code is not None else "rsvp"
        raise Invalid(fields={field: [_("No one going to this meetup has that code.")]})
    if rsvp.checked_in_at is None:
        rsvp.checked_in_at = timezone.now()
        rsvp.save(update_fields=["checked_in_at"])
    return rsvp
