"""What groups keep no longer than its retention period (``community.retention``)."""

from datetime import datetime

from django.db.models import Q

from community.retention import cutoff
from groups.models import Invitation, JoinRequest, Rsvp

_HAS_NEEDS = (
    Q(needs_respite=True) | Q(needs_company=True) | ~Q(accessibility_needs="") | ~Q(note="")
)
_NO_NEEDS = {"needs_respite": False, "needs_company": False, "accessibility_needs": "", "note": ""}


def rsvp_needs_clear(*, now: datetime) -> int:
    """What members said they need to come (respite, company, access, a note) goes a period
    after the meetup ended; the answer itself stays, as the group's attendance."""
    limit = cutoff(name="rsvp_needs", now=now)
    expired = Rsvp.objects.filter(_HAS_NEEDS, meetup__ends_at__lte=limit)
    return expired.update(**_NO_NEEDS, updated_at=now)


def join_requests_purge(*, now: datetime) -> int:
    """Answered requests to join (the member's message and the answer) go a period after the
    answer; a pending one waits for its answer."""
    limit = cutoff(name="join_requests", now=now)
    answered = JoinRequest.objects.exclude(status=JoinRequest.Status.PENDING)
    return answered.filter(decided_at__lte=limit).delete()[0]


def invitations_purge(*, now: datetime) -> int:
    """Invitation links go a period after they expired or were withdrawn."""
    limit = cutoff(name="invitations", now=now)
    ended = Invitation.objects.filter(Q(expires_at__lte=limit) | Q(revoked_at__lte=limit))
    return ended.delete()[0]
