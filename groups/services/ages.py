"""Age bands over time: a membership the member's age no longer fits ends, kindly."""

from django.db import transaction
from django.db.models import F, Q, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from community import realtime
from community import services as community_services
from groups import policies
from groups.models import Membership, Rsvp
from groups.services import rsvps


def _outside_band() -> Q:
    year = timezone.localdate().year
    return Q(user__birth_year__lt=Value(year) - F("group__max_age")) | Q(
        user__birth_year__gt=Value(year) - F("group__min_age")
    )


def membership_end_aged_out(*, membership: Membership) -> None:
    """End one membership the band no longer fits: its future places pass on and the person
    hears where groups for their age are. The caller holds the membership row lock."""
    group, user = membership.group, membership.user
    membership.status = Membership.Status.AGED_OUT
    membership.save(update_fields=["status"])
    upcoming = Rsvp.objects.filter(
        user=user, meetup__group=group, meetup__starts_at__gt=timezone.now()
    ).exclude(status=Rsvp.Status.NOT_GOING)
    for rsvp in upcoming:
        rsvps.rsvp_withdraw(rsvp=rsvp)
    community_services.notify(
        user=user,
        kind="age_band",
        title=lambda: _("Time to move on from %(group)s") % {"group": group.name},
        body=lambda: (
            _(
                "%(group)s is for ages %(min)s–%(max)s, so your membership has ended. Thank "
                "you for being part of it. There are groups for your age: have a look, and "
                "you are welcome in them."
            )
            % {"group": group.name, "min": group.min_age, "max": group.max_age}
        ),
        url=f"/grupper/?age={user.age}",
    )
    realtime.to_user_control(user.pk, "rooms")


@transaction.atomic
def memberships_reevaluate(*, user) -> list[int]:
    """End this person's memberships that their age today does not fit; the groups' ids."""
    return _end(Membership.objects.filter(user=user))


@transaction.atomic
def aged_out_memberships_end() -> list[int]:
    """For the daily command: end every membership outside its band (idempotent)."""
    return _end(Membership.objects.all())


def _end(memberships) -> list[int]:
    found = (
        memberships.select_for_update(of=("self",))
        .select_related("user", "group")
        .filter(status=Membership.Status.ACTIVE)
        .exclude(user__role__in=policies.STAFF_ROLES)
        .filter(_outside_band())
        .order_by("pk")
    )
    ended = []
    for membership in found:
        membership_end_aged_out(membership=membership)
        ended.append(membership.group_id)
    return ended
