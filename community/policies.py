"""Who may do what in the community. Roles are decided here and nowhere else."""

from community.models import Role


def is_signed_in(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def is_moderator(user) -> bool:
    """Platform moderators; coordinators see everything moderators see."""
    return is_signed_in(user) and user.role in (Role.MODERATOR, Role.COORDINATOR)


def is_coordinator(user) -> bool:
    return is_signed_in(user) and user.role == Role.COORDINATOR


def is_minor(user) -> bool:
    """Under-18s get the safeguarding path (age bands, crisis contacts for youth)."""
    return is_signed_in(user) and user.is_minor


def can_correct_birth_year(*, user, member) -> bool:
    """Coordinators of the member's municipality correct a birth year (members never change
    their own); superusers may too, from the admin."""
    if not is_signed_in(user):
        return False
    if user.is_superuser:
        return True
    organisation = user.organisation if is_coordinator(user) else None
    return (
        organisation is not None
        and member.municipality_id is not None
        and organisation.municipality_id == member.municipality_id
    )


def can_act_for_organisation(*, user, organisation) -> bool:
    return is_coordinator(user) and user.organisation_id == organisation.pk
