"""What peer groups hold about one person, for the export and erasure (``community.privacy``)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.privacy import Erase, Holding, register
from groups.models import CalendarFeed, Invitation, JoinRequest, Meetup, Membership, Rsvp
from groups.services import rsvps


def _pass_places_on(*, user) -> None:
    """A place at a meetup still to come goes to the waiting list, as when leaving a group."""
    upcoming = Rsvp.objects.filter(user=user, meetup__starts_at__gt=timezone.now()).exclude(
        status=Rsvp.Status.NOT_GOING
    )
    for rsvp in upcoming:
        rsvps.rsvp_withdraw(rsvp=rsvp)


register(
    Holding(
        model=Membership,
        section="memberships",
        title=_("Your groups"),
        erase=Erase.DELETE,
        exported=("group", "role", "status", "joined_at"),
    ),
    Holding(
        model=JoinRequest,
        section="join_requests",
        title=_("Your requests to join groups"),
        erase=Erase.DELETE,
        exported=("group", "message", "status", "created_at", "decided_at", "decision_message"),
        not_personal=("decided_by",),
    ),
    Holding(
        model=Rsvp,
        section="rsvps",
        title=_("Your answers to meetups, with what you need"),
        erase=Erase.DELETE,
        exported=(
            "meetup",
            "status",
            "waitlisted_at",
            "needs_respite",
            "needs_company",
            "accessibility_needs",
            "note",
            "checked_in_at",
            "created_at",
            "updated_at",
        ),
        not_personal=("checkin_code",),  # a door code for one meetup
        before_erase=_pass_places_on,
    ),
    Holding(
        model=CalendarFeed,
        section="calendar_feed",
        title=_("Your calendar link"),
        erase=Erase.DELETE,
        exported=("created_at",),
        not_personal=("token",),  # the secret of the link, not the person
    ),
    # Staff's and group leaders' work: the rows belong to the group and stay.
    Holding(
        model=JoinRequest,
        section="join_requests_decided",
        title=_("Requests to join that you answered"),
        erase=Erase.KEEP,
        owner="decided_by",
        exported=("group", "status", "decided_at"),
        not_personal=("user", "message", "created_at", "decision_message"),
    ),
    Holding(
        model=Invitation,
        section="invitations_created",
        title=_("Invitation links you made"),
        erase=Erase.KEEP,
        owner="created_by",
        exported=("group", "created_at", "expires_at", "revoked_at"),
        not_personal=("token", "uses"),
    ),
    Holding(
        model=Meetup,
        section="meetups_created",
        title=_("Meetups you scheduled"),
        erase=Erase.KEEP,
        owner="created_by",
        exported=("group", "title", "starts_at", "created_at"),
        not_personal=(
            "uid",
            "series",
            "recurrence",
            "description",
            "kind",
            "ends_at",
            "venue_name",
            "venue_address",
            "accessibility_notes",
            "directions_url",
            "capacity",
            "rsvp_deadline",
            "status",
            "cancel_reason",
            "sequence",
            "held",
            "pending",
            "updated_at",
        ),
    ),
)
