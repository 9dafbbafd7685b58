"""Who may do what in the community. Roles are decided here and nowhere else."""

import zoneinfo
from datetime import datetime, time

from django.conf import settings
from django.utils import timezone

from community import legal
from community.models import MINIMUM_AGE, Organisation, Role, age_for_birth_year

# What counts as a second factor: an authenticator app (TOTP) or a passkey. Recovery codes
# only stand in for one of them.
SECOND_FACTORS = ("totp", "webauthn")
STAFF_ROLES = (Role.MODERATOR, Role.COORDINATOR)
_SECOND_FACTOR_CACHE = "_bredvid_has_second_factor"


def old_enough_to_join(*, birth_year: int) -> bool:
    """Bredvid is from 13, the Swedish age of digital consent."""
    return age_for_birth_year(birth_year) >= MINIMUM_AGE


def is_signed_in(user) -> bool:
    """Active, and not waiting to be erased: a pending erasure ended every credential, and an
    account in it acts nowhere (it cannot post, and member lists leave it out)."""
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and getattr(user, "erase_after", None) is None
    )


def is_erasure_pending(user) -> bool:
    return getattr(user, "erase_after", None) is not None and user.erased_at is None


def can_erase_member(*, user, member) -> bool:
    """Who may erase an account on the person's request: platform admins (superusers) any
    account but their own; coordinators of the member's municipal unit, members only. The
    person themselves uses their own settings (with the grace period)."""
    if not is_signed_in(user) or member.pk == user.pk or member.erased_at is not None:
        return False
    if user.is_superuser:
        return True
    return member.role == Role.MEMBER and is_unit_staff_of(
        user=user, municipality_id=member.municipality_id
    )


def has_second_factor(user) -> bool:
    """Whether this account signs in with a second factor (allauth's MFA).

    Read once per user object (a request, a socket): adding or removing a factor closes the
    account's sockets (``community.services``), so a socket never keeps an old answer."""
    if not is_signed_in(user):
        return False
    cached = user.__dict__.get(_SECOND_FACTOR_CACHE)
    if cached is None:
        from allauth.mfa.models import Authenticator  # its models need allauth.mfa loaded

        cached = Authenticator.objects.filter(user_id=user.pk, type__in=SECOND_FACTORS).exists()
        user.__dict__[_SECOND_FACTOR_CACHE] = cached
    return cached


def forget_second_factor(user) -> None:
    """The account's factors changed: the next question reads them again."""
    user.__dict__.pop(_SECOND_FACTOR_CACHE, None)


def holds_staff_role(user) -> bool:
    """Moderators and coordinators by their role, whether or not their powers are on."""
    return is_signed_in(user) and user.role in STAFF_ROLES


def _staff_powers_on(user) -> bool:
    """Staff act as staff only with a second factor; without it they are members."""
    return has_second_factor(user)


def needs_second_factor(user) -> bool:
    """Staff (and admin-site accounts) who must turn on two-step sign-in to act as such."""
    wants_powers = holds_staff_role(user) or (is_signed_in(user) and user.is_staff)
    return wants_powers and not has_second_factor(user)


def can_use_admin(user) -> bool:
    """The Django admin: accounts with admin-site access, with a second factor."""
    return is_signed_in(user) and user.is_staff and has_second_factor(user)


def is_moderator(user) -> bool:
    """Platform moderators: every room, suspensions, word rules. Coordinators are not."""
    return is_signed_in(user) and user.role == Role.MODERATOR and _staff_powers_on(user)


def is_staff_role(user) -> bool:
    """Moderators and coordinators acting as staff (never sanctioned through moderation)."""
    return holds_staff_role(user) and _staff_powers_on(user)


def is_coordinator(user) -> bool:
    return is_signed_in(user) and user.role == Role.COORDINATOR and _staff_powers_on(user)


def may_post(*, user, to_staff_only: bool = False) -> bool:
    """Whether this person may put text in front of others now: not while a changed privacy
    notice or code of conduct waits for them. Asked by every path that posts: chat messages
    sent and edited (the socket), meetup texts (REST and pages), groups, the support
    directory and its articles. Words for staff alone (a support conversation, a report,
    a talk request) are never held up: reaching help must not wait on a form."""
    return to_staff_only or not legal.documents_to_accept(user=user)


def is_minor(user) -> bool:
    """Under-18s get the safeguarding path (age bands, crisis contacts for youth)."""
    return is_signed_in(user) and user.is_minor


def can_correct_birth_year(*, user, member) -> bool:
    """Coordinators of the member's municipality correct a birth year (members never change
    their own); superusers may too, from the admin."""
    if not is_signed_in(user):
        return False
    if user.is_superuser:
        return has_second_factor(user)
    organisation = user.organisation if is_coordinator(user) else None
    return (
        organisation is not None
        and member.municipality_id is not None
        and organisation.municipality_id == member.municipality_id
    )


def can_act_for_organisation(*, user, organisation) -> bool:
    return is_coordinator(user) and user.organisation_id == organisation.pk


def unit_municipality_id(user) -> int | None:
    """The municipality whose carer-support unit this coordinator works in, or None.

    A municipality's own unit answers its members (talk requests, support conversations);
    coordinators of associations and national bodies do not."""
    if not is_coordinator(user):
        return None
    organisation = user.organisation
    if organisation is None or organisation.kind != Organisation.Kind.MUNICIPAL_UNIT:
        return None
    return organisation.municipality_id


def can_review_access_log(user) -> bool:
    """Who looked at members' confidences is reviewed by the coordinators of their unit;
    platform admins (superusers) review all of it."""
    return is_signed_in(user) and (user.is_superuser or unit_municipality_id(user) is not None)


def access_log_municipality_id(user) -> int | None:
    """The municipality whose members' access log this reviewer reads; None: all of it.
    Only for those ``can_review_access_log`` lets in."""
    return None if user.is_superuser else unit_municipality_id(user)


# Staff see how old a member is as one of these, never the birth year or an exact age.
AGE_BANDS = ((13, 17), (18, 25), (26, 30))


def age_band(*, birth_year: int) -> str:
    """The band a birth year's age falls in today: "13–17", "18–25", "26–30" or "31+"."""
    age = age_for_birth_year(birth_year)
    for low, high in AGE_BANDS:
        if low <= age <= high:
            return f"{low}–{high}"
    return f"{AGE_BANDS[-1][1] + 1}+" if age > AGE_BANDS[-1][1] else f"–{MINIMUM_AGE - 1}"


def is_unit_staff_of(*, user, municipality_id: int | None) -> bool:
    """Whether this person works in the carer-support unit of that municipality."""
    return municipality_id is not None and unit_municipality_id(user) == municipality_id


CHANNELS = ("in_app", "email", "push")


def notification_defaults(*, user) -> dict[str, bool]:
    """What a kind gets before the person changes it: in the app and push always, e-mail if
    they asked for e-mail."""
    return {"in_app": True, "email": bool(user.email_notifications), "push": True}


def in_quiet_hours(*, start: time | None, end: time | None, at: datetime) -> bool:
    """Quiet hours are Stockholm wall-clock times and may run past midnight (22:00–07:00)."""
    if start is None or end is None:
        return False
    now = timezone.localtime(at, zoneinfo.ZoneInfo(settings.TIME_ZONE)).time()
    if start < end:
        return start <= now < end
    return now >= start or now < end


def notification_channels(*, user, kind: str, at: datetime) -> frozenset[str]:
    """The channels one notification of ``kind`` goes to at ``at``: the person's choice for
    that kind; quiet hours mute e-mail and push, never the app; a paused account gets
    nothing outside the app."""
    preferences = getattr(user, "notification_preferences", None)
    chosen = {**notification_defaults(user=user)}
    if preferences is not None:
        chosen.update(preferences.kinds.get(kind, {}))
    channels = {channel for channel in CHANNELS if chosen.get(channel)}
    quiet = preferences is not None and in_quiet_hours(
        start=preferences.quiet_start, end=preferences.quiet_end, at=at
    )
    if quiet or not user.is_active:
        channels -= {"email", "push"}
    return frozenset(channels)
