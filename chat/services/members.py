"""A member's private choices: whom they mute, what they let others see."""

from django.db import transaction
from django.utils.translation import gettext as _

from chat import broadcast
from chat.models import MutedMember
from community.errors import (
    Invalid,
    NotFound,
)
from community.models import User


@transaction.atomic
def member_mute(*, user, muted_id) -> MutedMember:
    target = (
        User.objects.filter(pk=muted_id, is_active=True).first()
        if isinstance(muted_id, int)
        else None
    )
    if target is None:
        raise NotFound()
    if target.pk == user.pk:
        raise Invalid(fields={"user": [_("You cannot mute yourself.")]})
    mute, _created = MutedMember.objects.get_or_create(user=user, muted=target)
    broadcast.to_user_control(user.pk, "mutes")
    return mute


@transaction.atomic
def member_unmute(*, user, muted_id) -> None:
    deleted, _detail = MutedMember.objects.filter(user=user, muted_id=muted_id).delete()
    if not deleted:
        raise NotFound()
    broadcast.to_user_control(user.pk, "mutes")


@transaction.atomic
def privacy_update(
    *, user, hide_typing: bool | None = None, hide_read_position: bool | None = None
):
    if hide_typing is not None:
        user.hide_typing = hide_typing
    if hide_read_position is not None:
        user.hide_read_position = hide_read_position
    user.save(update_fields=["hide_typing", "hide_read_position"])
    return user
