"""Who belongs to a peer group, who leads it, and who may do what with its meetups."""

from allauth.mfa.models import Authenticator
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from community import policies as community_policies
from community.errors import Conflict, Forbidden, NotFound
from community.models import ADULT_AGE
from groups.models import Meetup, Membership, PeerGroup

LEADER_ROLES = (Membership.Role.HOST, Membership.Role.MODERATOR)
# Staff act for an organisation or the platform: an age band does not bind them.
STAFF_ROLES = community_policies.STAFF_ROLES


def in_band() -> Q:
    """Memberships whose person fits the group's age band today (read fresh from the
    database, so a long-lived socket's cached user cannot keep a band it left)."""
    year = timezone.localdate().year
    return Q(
        user__birth_year__gte=Value(year) - F("group__max_age"),
        user__birth_year__lte=Value(year) - F("group__min_age"),
    ) | (Q(user__role__in=STAFF_ROLES) & _with_second_factor())


def _with_second_factor() -> Exists:
    """The database's side of ``community.policies.has_second_factor``."""
    factors = Authenticator.objects.filter(
        user_id=OuterRef("user_id"), type__in=community_policies.SECOND_FACTORS
    )
    return Exists(factors)


def memberships_in_band(*, user) -> QuerySet[Membership]:
    """This person's memberships that count: active, and the band fits their age today."""
    return Membership.objects.filter(user=user, status=Membership.Status.ACTIVE).filter(in_band())


def active_membership(*, user, group: PeerGroup) -> Membership | None:
    """The one membership answer for rooms, history, members, meetups and RSVPs alike:
    an age band holds for as long as someone is a member, not only when they join."""
    if not community_policies.is_signed_in(user):
        return None
    return memberships_in_band(user=user).filter(group=group).first()


def is_group_member(*, user, group: PeerGroup) -> bool:
    return active_membership(user=user, group=group) is not None


def is_group_leader(*, user, group: PeerGroup) -> bool:
    """Hosts and group moderators lead their own group, and only it."""
    membership = active_membership(user=user, group=group)
    return membership is not None and membership.role in LEADER_ROLES


def is_group_host(*, user, group: PeerGroup) -> bool:
    membership = active_membership(user=user, group=group)
    return membership is not None and membership.role == Membership.Role.HOST


def hosting_organisation_id(user) -> int | None:
    """The organisation whose groups this coordinator runs (and moderates), if any."""
    if not community_policies.is_coordinator(user):
        return None
    return user.organisation_id


def is_hosting_coordinator(*, user, group: PeerGroup) -> bool:
    """Coordinators act for their organisation: the groups it hosts are theirs to run."""
    organisation_id = hosting_organisation_id(user)
    return organisation_id is not None and organisation_id == group.organisation_id


def can_moderate_group(*, user, group: PeerGroup) -> bool:
    """Platform moderators, the group's leaders and its hosting organisation's coordinators."""
    return (
        community_policies.is_moderator(user)
        or is_group_leader(user=user, group=group)
        or is_hosting_coordinator(user=user, group=group)
    )


def can_manage_group(*, user, group: PeerGroup) -> bool:
    """Approve requests, invite, see the member list with roles."""
    return is_group_leader(user=user, group=group) or is_hosting_coordinator(user=user, group=group)


def can_schedule_meetups(*, user, group: PeerGroup) -> bool:
    """Hosts and the hosting organisation's coordinators schedule, change and cancel."""
    return is_group_host(user=user, group=group) or is_hosting_coordinator(user=user, group=group)


def texts_need_screening(*, user) -> bool:
    """Staff publish their own meetup texts; what a member host writes is screened like a
    chat message before peers see it."""
    return not community_policies.is_staff_role(user)


def has_minors(group: PeerGroup) -> bool:
    return group.min_age < ADULT_AGE


def can_see_meetup_place(*, user, group: PeerGroup) -> bool:
    """Where and when exactly a group with under-18s meets is for its members and staff."""
    return (
        not has_minors(group)
        or is_group_member(user=user, group=group)
        or is_hosting_coordinator(user=user, group=group)
        or community_policies.is_moderator(user)
    )


# What everyone else sees of such a meetup: the municipality and the day.
MEETUP_LIMITED_FIELDS = frozenset(
    {"id", "group", "kind", "status", "day", "municipality", "url", "limited"}
)


def meetup_visible_fields(*, user, meetup: Meetup) -> frozenset[str] | None:
    """The fields of a meetup this person may see; None means all of them (venue, address,
    times, description and the calendar file included)."""
    if can_see_meetup_place(user=user, group=meetup.group):
        return None
    return MEETUP_LIMITED_FIELDS


def can_see_needs(*, user, meetup: Meetup) -> bool:
    """What members tell with an RSVP is for the hosts and coordinators only."""
    return can_schedule_meetups(user=user, group=meetup.group)


def can_create_groups(*, user) -> bool:
    return community_policies.is_coordinator(user) and user.organisation_id is not None


def can_see_members(*, user, group: PeerGroup) -> bool:
    """The member list is never shown to non-members."""
    return is_group_member(user=user, group=group) or can_manage_group(user=user, group=group)


def group_visible(*, user, group: PeerGroup) -> bool:
    """Groups are listed for everyone; archived ones only to those who belonged or run them."""
    return not group.is_archived or can_see_members(user=user, group=group)


def group_for_user(*, user, group_id) -> PeerGroup:
    group = (
        PeerGroup.objects.select_related("organisation", "municipality").filter(pk=group_id).first()
    )
    if group is None or not group_visible(user=user, group=group):
        raise NotFound()
    return group


def meetup_visible(*, user, meetup: Meetup) -> bool:
    """A meetup whose texts wait for a moderator is seen only by its hosts and staff."""
    if not group_visible(user=user, group=meetup.group):
        return False
    return not meetup.held or (
        can_schedule_meetups(user=user, group=meetup.group) or community_policies.is_moderator(user)
    )


def meetup_for_user(*, user, meetup_id) -> Meetup:
    meetup = (
        Meetup.objects.select_related("group", "group__organisation").filter(pk=meetup_id).first()
    )
    if meetup is None or not meetup_visible(user=user, meetup=meetup):
        raise NotFound()
    return meetup


def age_fits(*, user, group: PeerGroup) -> bool:
    return group.min_age <= user.age <= group.max_age


def join_eligible(*, user, group: PeerGroup, membership: Membership | None) -> bool:
    """What hosts see next to a request: whether this person may join today."""
    return join_refusal(user=user, group=group, membership=membership) is None


def join_refusal(*, user, group: PeerGroup, membership: Membership | None):
    """Why this person may not join (an error to raise), or None. Safeguarding first."""
    if group.is_archived:
        return NotFound()
    if membership is not None and membership.status == Membership.Status.BANNED:
        return Forbidden(_("You cannot join this group."))
    if not age_fits(user=user, group=group):
        return Forbidden(
            _("This group is for ages %(min)s–%(max)s, so you cannot join it.")
            % {"min": group.min_age, "max": group.max_age}
        )
    return None


def full_refusal(*, group: PeerGroup, active_count: int):
    if group.member_cap is not None and active_count >= group.member_cap:
        return Conflict(_("The group is full right now."))
    return None
