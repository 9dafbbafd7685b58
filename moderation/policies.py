"""Who may moderate what: the one answer for REST, socket and pages."""

from chat import policies as chat_policies
from chat.models import Room
from community import policies as community_policies
from groups import policies as group_policies
from groups.models import PeerGroup


def is_platform_moderator(user) -> bool:
    """Platform moderators and coordinators act in every room."""
    return community_policies.is_moderator(user)


def can_moderate_room(*, user, room: Room) -> bool:
    return chat_policies.can_moderate_room(user=user, room=room)


def can_moderate_group(*, user, group: PeerGroup) -> bool:
    """Hosts and group moderators act in their own group only."""
    return is_platform_moderator(user) or group_policies.is_group_leader(user=user, group=group)


def can_see_queue(user) -> bool:
    """Anyone who moderates something sees the queue (filtered to what they moderate)."""
    if is_platform_moderator(user):
        return True
    return (
        community_policies.is_signed_in(user)
        and group_policies.memberships_in_band(user=user)
        .filter(role__in=group_policies.LEADER_ROLES)
        .exists()
    )


def can_suspend(user) -> bool:
    """Suspending an account reaches everywhere: platform moderators only."""
    return is_platform_moderator(user)


def can_see_audit(user) -> bool:
    return community_policies.is_coordinator(user)


def can_edit_rules(user) -> bool:
    return is_platform_moderator(user)


def can_edit_crisis_contacts(user) -> bool:
    return community_policies.is_coordinator(user)


def moderated_group_ids(user) -> set[int] | None:
    """The groups whose rooms this person moderates; None means every room."""
    if is_platform_moderator(user):
        return None
    return set(
        group_policies.memberships_in_band(user=user)
        .filter(role__in=group_policies.LEADER_ROLES)
        .values_list("group_id", flat=True)
    )
