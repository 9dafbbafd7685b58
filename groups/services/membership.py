"""Groups: creating them, joining (open, by request, by invitation), leaving."""

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from community import realtime
from community import services as community_services
from community.errors import Conflict, Forbidden, Invalid, NotFound
from groups import policies, ports
from groups.models import Invitation, JoinRequest, Membership, PeerGroup, Rsvp, Theme
from groups.services import rsvps

INVITATION_DAYS_MAX = 60


@dataclass(frozen=True)
class JoinResult:
    status: str  # "member" or "pending"
    group: PeerGroup


def _unique_slug(name: str) -> str:
    base = slugify(name)[:100] or "grupp"
    slug, n = base, 1
    while PeerGroup.objects.filter(slug=slug).exists() or ports.rooms().slug_taken(slug):
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def group_create(
    *,
    user,
    name: str,
    description: str = "",
    themes=(),
    municipality=None,
    min_age: int = 13,
    max_age: int = 30,
    joining: str = PeerGroup.Joining.OPEN,
    member_cap: int | None = None,
    rules: str = "",
) -> PeerGroup:
    """A new peer group hosted by the coordinator's organisation, with its chat room."""
    if not policies.can_create_groups(user=user):
        raise Forbidden()
    community_services.posting_consents_check(user=user)
    if not set(themes) <= set(Theme.values):
        raise Invalid(fields={"themes": [_("Choose from the list.")]})
    group = PeerGroup(
        name=name,
        slug=_unique_slug(name),
        description=description,
        themes=sorted(set(themes)),
        organisation=user.organisation,
        municipality=municipality,
        min_age=min_age,
        max_age=max_age,
        joining=joining,
        member_cap=member_cap,
        rules=rules,
    )
    group.full_clean()
    group.save()
    ports.rooms().group_room_create(group=group)
    return group


def _locked_group(group_id) -> PeerGroup:
    group = PeerGroup.objects.select_for_update().filter(pk=group_id).first()
    if group is None:
        raise NotFound()
    return group


def _activate(*, group: PeerGroup, user, membership: Membership | None) -> None:
    """Make ``user`` an active member; the caller holds the group row lock."""
    active = group.memberships.filter(status=Membership.Status.ACTIVE).count()
    refusal = policies.full_refusal(group=group, active_count=active)
    if refusal:
        raise refusal
    if membership is None:
        Membership.objects.create(group=group, user=user)
    else:
        membership.status = Membership.Status.ACTIVE
        membership.joined_at = timezone.now()
        membership.save(update_fields=["status", "joined_at"])
    realtime.to_user_control(user.pk, "rooms")


@transaction.atomic
def group_join(*, user, group_id, message: str = "", invitation_token: str | None = None):
    """Join now (open group or a valid invitation) or ask to join; refusals raise."""
    group = _locked_group(group_id)
    membership = Membership.objects.filter(group=group, user=user).first()
    if policies.is_group_member(user=user, group=group):
        return JoinResult(status="member", group=group)
    refusal = policies.join_refusal(user=user, group=group, membership=membership)
    if refusal:
        raise refusal
    if invitation_token:
        invitation = _usable_invitation(group=group, token=invitation_token)
        _activate(group=group, user=user, membership=membership)
        Invitation.objects.filter(pk=invitation.pk).update(uses=invitation.uses + 1)
        return JoinResult(status="member", group=group)
    if group.joining == PeerGroup.Joining.OPEN:
        _activate(group=group, user=user, membership=membership)
        return JoinResult(status="member", group=group)
    if group.joining == PeerGroup.Joining.INVITATION:
        raise Forbidden(_("This group is by invitation only. Ask a host for an invitation."))
    _request(group=group, user=user, message=message)
    return JoinResult(status="pending", group=group)


def _usable_invitation(*, group: PeerGroup, token: str) -> Invitation:
    invitation = Invitation.objects.filter(group=group, token=token).first()
    if invitation is None or not invitation.is_usable():
        raise Forbidden(_("This invitation has expired or been withdrawn. Ask for a new one."))
    return invitation


def _request(*, group: PeerGroup, user, message: str) -> JoinRequest:
    request, created = JoinRequest.objects.get_or_create(
        group=group,
        user=user,
        status=JoinRequest.Status.PENDING,
        defaults={"message": message[:1000]},
    )
    if created:
        for leader in _leaders(group):
            community_services.notify(
                user=leader,
                kind="join_request",
                title=lambda: _("Someone asks to join %(group)s") % {"group": group.name},
                url=f"/grupper/{group.pk}/",
            )
    return request


def _leaders(group: PeerGroup):
    return [
        m.user
        for m in group.memberships.select_related("user")
        .filter(status=Membership.Status.ACTIVE, role__in=policies.LEADER_ROLES)
        .filter(policies.in_band())
    ]


@transaction.atomic
def join_request_decide(*, user, request_id, approve: bool, message: str = "") -> JoinRequest:
    request = JoinRequest.objects.select_related("group", "user").filter(pk=request_id).first()
    if request is None or not policies.can_manage_group(user=user, group=request.group):
        raise NotFound()
    if request.status != JoinRequest.Status.PENDING:
        decided = JoinRequest.Status.APPROVED if approve else JoinRequest.Status.DECLINED
        if request.status != decided:
            raise Conflict(_("This request has already been answered."))
        return request
    group = _locked_group(request.group_id)
    if approve:
        membership = Membership.objects.filter(group=group, user=request.user).first()
        refusal = policies.join_refusal(user=request.user, group=group, membership=membership)
        if refusal:
            raise refusal
        _activate(group=group, user=request.user, membership=membership)
    request.status = JoinRequest.Status.APPROVED if approve else JoinRequest.Status.DECLINED
    request.decided_at, request.decided_by = timezone.now(), user
    request.decision_message = message[:1000]
    request.save()
    community_services.notify(
        user=request.user,
        kind="join_answer",
        title=lambda: (
            (_("Welcome to %(group)s!") if approve else _("Your request to join %(group)s"))
            % {"group": group.name}
        ),
        body=message,
        url=f"/grupper/{group.pk}/",
    )
    return request


@transaction.atomic
def invitation_create(*, user, group_id, days: int = 7) -> Invitation:
    group = policies.group_for_user(user=user, group_id=group_id)
    if not policies.can_manage_group(user=user, group=group):
        raise NotFound()
    if not 1 <= days <= INVITATION_DAYS_MAX:
        raise Invalid(fields={"days": [_("Between 1 and 60 days.")]})
    return Invitation.objects.create(
        group=group, created_by=user, expires_at=timezone.now() + timedelta(days=days)
    )


@transaction.atomic
def invitation_revoke(*, user, invitation_id) -> Invitation:
    invitation = Invitation.objects.select_related("group").filter(pk=invitation_id).first()
    if invitation is None or not policies.can_manage_group(user=user, group=invitation.group):
        raise NotFound()
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


@transaction.atomic
def group_leave(*, user, group_id) -> None:
    """Leave a group: its rooms close for this person, their places go to the waitlist."""
    group = _locked_group(group_id)
    membership = Membership.objects.filter(
        group=group, user=user, status=Membership.Status.ACTIVE
    ).first()
    if membership is None:
        raise NotFound()
    membership.status = Membership.Status.LEFT
    membership.save(update_fields=["status"])
    upcoming = Rsvp.objects.filter(
        user=user, meetup__group=group, meetup__starts_at__gt=timezone.now()
    ).exclude(status=Rsvp.Status.NOT_GOING)
    for rsvp in upcoming:
        rsvps.rsvp_withdraw(rsvp=rsvp)
    realtime.to_user_control(user.pk, "rooms")
