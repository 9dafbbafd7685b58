"""Erasing an account: asked for by the person (with a grace period in which signing in
undoes it) or by staff on the person's request, and finished by ``manage.py erase_accounts``.

What happens to each kind of row is declared once, in the privacy registry
(``community.privacy``); this module walks it. The account's own row stays, with no personal
value left, because messages in others' conversations, reports and the audit log point at it.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community import policies, ports, privacy, realtime, services
from community.errors import Conflict, NotFound
from community.models import User

GRACE_PERIOD = timedelta(days=14)
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Erased:
    user_id: int
    rows: dict[str, int]  # holding label -> rows deleted or blanked


def _locked(user_id: int) -> User | None:
    return User.objects.select_for_update().filter(pk=user_id).first()


@transaction.atomic
def account_erasure_request(
    *, user: User, password: str | None, by_token: bool = False
) -> datetime:
    """The person asks to delete their account: it is erased after the grace period unless
    they sign in again before. Every session, token and socket of theirs ends now.

    A browser session confirms with the password (someone else may hold a shared phone); an
    API client's token already took the password and any second factor, so it may leave the
    password out. A password given is always checked."""
    user = _locked(user.pk)
    if user is None or user.erased_at is not None:
        raise NotFound()
    if (password is not None or not by_token) and not user.check_password(password or ""):
        raise ValidationError({"password": [_("That is not your password.")]})
    if user.erase_after is not None:
        raise Conflict(_("Your account is already being deleted."))
    user.erase_after = timezone.now() + GRACE_PERIOD
    user.save(update_fields=["erase_after"])  # also ends every browser session (its hash)
    services.user_credentials_revoke(user=user)
    return user.erase_after


@transaction.atomic
def account_erasure_cancel(*, user: User) -> bool:
    """Signing in during the grace period keeps the account. True if an erasure was undone."""
    locked = _locked(user.pk)
    if locked is None or locked.erase_after is None or locked.erased_at is not None:
        return False
    locked.erase_after = None
    locked.save(update_fields=["erase_after"])
    user.erase_after = None
    return True


def _apply(holding: privacy.Holding, *, user: User) -> int:
    if holding.before_erase is not None:
        holding.before_erase(user=user)
    rows = holding.rows_of(user=user)
    if holding.erase == privacy.Erase.DELETE:
        count = rows.count()
        rows.delete()
        return count
    if holding.erase == privacy.Erase.KEEP:
        return 0
    changed = 0
    for row in rows:
        for name, value in holding.blank.items():
            setattr(row, name, value(row) if callable(value) else value)
        row.save(update_fields=list(holding.blank))
        changed += 1
    return changed


@transaction.atomic
def account_erase(
    *, user_id: int, actor: User | None = None, reason: str = "", due_by: datetime | None = None
) -> Erased:
    """Erase now: walk the registry, then write the audit log. ``actor`` None is the
    scheduled command finishing the person's own request: then only if still due by
    ``due_by`` (a sign-in may have undone it since it was listed)."""
    user = _locked(user_id)
    if user is None or user.erased_at is not None:
        raise NotFound()
    if due_by is not None and (user.erase_after is None or user.erase_after > due_by):
        raise NotFound()
    services.tokens_delete(user=user)
    rows = {}
    for holding in privacy.holdings():
        rows[holding.label] = _apply(holding, user=user)
    user.refresh_from_db()
    user.erased_at = timezone.now()
    user.erase_after = None
    user.save(update_fields=["erased_at", "erase_after"])
    transaction.on_commit(lambda: realtime.account_sockets_close(user_id=user.pk), robust=True)
    action = "account.erase" if actor is not None else "account.erase_requested"
    ports.audit_record(
        actor=actor,
        action=action,
        target=user,
        reason=reason,
        details={"rows": {label: n for label, n in rows.items() if n}},
    )
    return Erased(user_id=user.pk, rows=rows)


def account_erase_by_staff(*, actor: User, member_id: int, reason: str) -> Erased:
    """Staff erase an account on the person's request, at once, with the reason logged."""
    reason = (reason or "").strip()
    member = User.objects.filter(pk=member_id).first()
    if member is None or not policies.can_erase_member(user=actor, member=member):
        raise NotFound()  # existence never leaks to someone who may not act on it
    if not reason:
        raise ValidationError({"reason": [_("Write why, for the log.")]})
    return account_erase(user_id=member.pk, actor=actor, reason=reason[:1000])


def accounts_erase_due(*, now: datetime | None = None) -> list[int]:
    """Finish the erasures whose grace period is over; each in its own transaction, so one
    failure leaves the others done. Safe to run again: an erased account is not due."""
    now = now or timezone.now()
    due = User.objects.filter(erased_at__isnull=True, erase_after__lte=now).order_by("pk")
    done = []
    for user_id in due.values_list("pk", flat=True):
        try:
            account_erase(user_id=user_id, due_by=now)
        except NotFound:  # signed in (undone) or erased meanwhile
            continue
        except Exception:  # one account's failure must not hold up the others
            logger.exception("erasing account %s failed; the next run tries again", user_id)
            continue
        done.append(user_id)
    return done
