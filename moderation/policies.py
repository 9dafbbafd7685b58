"""Who may moderate what: the one answer for REST, socket, pages and admin.

Three scopes, never more: platform moderators act everywhere (and alone suspend accounts,
edit word rules and moderate topic rooms); coordinators act in the groups their
organisation hosts and read about the members of their municipality; a group's leaders act
in their own group. Moderation reads as far as it may act, and no further.
"""

from chat import policies as chat_policies
from chat.models import Room
from community import policies as community_policies
from community.errors import NotFound
from community.models import User
from groups import policies as group_policies
from groups.models import Membership, PeerGroup

# Whom an action in a group reaches: its members now; a ban also those who left or asked
# to join, so they cannot come back.
ACTIVE = (Membership.Status.ACTIVE,)
BANNABLE = (Membership.Status.ACTIVE, Membership.Status.PENDING, Membership.Status.LEFT)


def is_platform_moderator(user) -> bool:
    """Platform moderators act in every room; coordinators are not platform moderators."""
    return community_policies.is_moderator(user)


def is_staff(user) -> bool:
    """Moderators and coordinators by role: not sanctioned through moderation, even while
    their staff powers wait for a second factor."""
    return community_policies.holds_staff_role(user)


def can_moderate_room(*, user, room: Room) -> bool:
    return chat_policies.can_moderate_room(user=user, room=room)


def can_moderate_group(*, user, group: PeerGroup) -> bool:
    return group_policies.can_moderate_group(user=user, group=group)


def _leads_any_group(user) -> bool:
    return (
        group_policies.memberships_in_band(user=user)
        .filter(role__in=group_policies.LEADER_ROLES)
        .exists()
    )


def can_see_queue(user) -> bool:
    """Anyone who moderates something sees the queue (filtered to what they moderate)."""
    if is_platform_moderator(user) or group_policies.hosting_organisation_id(user) is not None:
        return True
    return community_policies.is_signed_in(user) and _leads_any_group(user)


def can_suspend(user) -> bool:
    """Suspending an account reaches everywhere: platform moderators only."""
    return is_platform_moderator(user)


def can_see_audit(user) -> bool:
    """Platform moderators read the whole log; coordinators the part in their scope."""
    return is_platform_moderator(user) or group_policies.hosting_organisation_id(user) is not None


def can_edit_rules(user) -> bool:
    return is_platform_moderator(user)


def can_edit_crisis_contacts(user) -> bool:
    return community_policies.is_coordinator(user)


def can_see_crisis_contacts(user) -> bool:
    return is_platform_moderator(user) or can_edit_crisis_contacts(user)


def moderated_group_ids(user) -> set[int] | None:
    """The groups whose rooms this person moderates; None means every room."""
    if is_platform_moderator(user):
        return None
    if not community_policies.is_signed_in(user):
        return set()
    led = (
        group_policies.memberships_in_band(user=user)
        .filter(role__in=group_policies.LEADER_ROLES)
        .values_list("group_id", flat=True)
    )
    organisation_id = group_policies.hosting_organisation_id(user)
    hosted = (
        PeerGroup.objects.filter(organisation_id=organisation_id).values_list("pk", flat=True)
        if organisation_id is not None
        else []
    )
    return set(led) | set(hosted)


def staff_municipality_id(user) -> int | None:
    """The municipality whose members a coordinator follows: their organisation's."""
    if group_policies.hosting_organisation_id(user) is None or user.organisation is None:
        return None
    return user.organisation.municipality_id


def _belongs(member: User, group: PeerGroup, statuses) -> bool:
    return Membership.objects.filter(group=group, user=member, status__in=statuses).exists()


def _member_in_scope(*, user, member: User) -> bool:
    """Platform moderators: anyone. Others: members of the groups they moderate, and for
    coordinators also the members who live in their municipality."""
    group_ids = moderated_group_ids(user)
    if group_ids is None:
        return True
    if Membership.objects.filter(user=member, group_id__in=group_ids).exists():
        return True
    municipality_id = staff_municipality_id(user)
    return municipality_id is not None and member.municipality_id == municipality_id


def member_for_moderator(
    *,
    user,
    member_id,
    room: Room | None = None,
    group: PeerGroup | None = None,
    statuses=ACTIVE,
    outsiders: bool = False,
) -> User:
    """The member if this staff person may act on them: in ``room`` or ``group`` when given
    (they must belong to its group, in one of ``statuses``; with ``outsiders`` a platform
    moderator reaches anyone there), else anywhere in their scope.
    One not-found answer whether the member is missing or out of scope."""
    member = User.objects.filter(pk=member_id).first() if isinstance(member_id, int) else None
    if member is None:
        raise NotFound()
    if room is not None:
        if not can_moderate_room(user=user, room=room):
            raise NotFound()
        group = room.group  # a topic room (no group) is platform moderators' alone
    if group is not None:
        in_scope = can_moderate_group(user=user, group=group) and (
            (outsiders and is_platform_moderator(user)) or _belongs(member, group, statuses)
        )
    elif room is not None:
        in_scope = True
    else:
        in_scope = _member_in_scope(user=user, member=member)
    if not in_scope:
        raise NotFound()
    return member
