"""A coordinator corrects a member's birth year: audited, and every membership follows."""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from community import policies as community_policies
from community import services as community_services
from community.errors import Invalid, NotFound
from community.models import User
from groups.services import ages as group_ages
from moderation.services import audit
from moderation.services.messages import require_reason


@dataclass(frozen=True)
class Correction:
    user: User
    ended: list[int]  # the groups whose band the corrected age no longer fits


@transaction.atomic
def user_birth_year_correct(*, actor, member_id, birth_year, reason) -> Correction:
    """Set the birth year, end the memberships (and future places) outside their band with
    a kind notice, and log it with the reason. Existence never leaks to others."""
    member = (
        User.objects.select_for_update().filter(pk=member_id).first()
        if isinstance(member_id, int)
        else None
    )
    if member is None or not community_policies.can_correct_birth_year(user=actor, member=member):
        raise NotFound()
    reason = require_reason(reason)
    if not isinstance(birth_year, int) or isinstance(birth_year, bool):
        raise Invalid(fields={"birth_year": [_("Enter the year you were born, for example 2008.")]})
    if errors := community_services.birth_year_errors(birth_year):
        raise Invalid(fields={"birth_year": errors})
    before = member.birth_year
    member.birth_year = birth_year
    member.save(update_fields=["birth_year"])
    ended = group_ages.memberships_reevaluate(user=member)
    audit.record(
        actor=actor,
        action="member.birth_year",
        target=member,
        reason=reason,
        details={"from": before, "to": birth_year, "ended": ended},
    )
    return Correction(user=member, ended=ended)
