"""Who belongs to a peer group and who leads it."""

from community import policies as community_policies
from groups.models import Membership, PeerGroup


def active_membership(*, user, group: PeerGroup) -> Membership | None:
    if not community_policies.is_signed_in(user):
        return None
    return Membership.objects.filter(
        group=group, user=user, status=Membership.Status.ACTIVE
    ).first()


def is_group_member(*, user, group: PeerGroup) -> bool:
    return active_membership(user=user, group=group) is not None


def is_group_leader(*, user, group: PeerGroup) -> bool:
    """Hosts and group moderators lead their own group, and only it."""
    membership = active_membership(user=user, group=group)
    return membership is not None and membership.role in (
        Membership.Role.HOST,
        Membership.Role.MODERATOR,
    )
