"""Sign-up in two steps, for pages and API alike.

What the person entered waits with a short code sent to the address; the account exists
only once the code comes back. A registered address gets the same answer and an e-mail to
its owner instead, so nobody can test whether an address has an account.
"""

import hashlib
import math
import secrets
import time
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from community import selectors, services
from community.errors import Invalid, RateLimited
from community.models import Municipality, PendingSignup, User
from community.services import Profile

CODE_DIGITS = 6
CODE_LIFETIME = timedelta(minutes=15)
# Wrong codes per address before confirming is refused for LOCK_SECONDS: 5 guesses in a
# million per lock, whether or not a sign-up is waiting (so the answer tells nothing).
MAX_WRONG_CODES = 5
LOCK_SECONDS = 15 * 60


def signup_request(*, email: str, password: str, profile: Profile, accepted_terms: bool) -> None:
    """Check the sign-up and e-mail a code, or, for a registered address, a note to its owner.

    Both branches do the same work (password hashing, one e-mail) and answer the same.
    """
    user = services.user_signup_check(
        email=email,
        password=password,
        profile=profile,
        accepted_terms=accepted_terms,
        email_must_be_new=False,
    )
    pending_signups_delete_expired(now=timezone.now())
    owner = selectors.user_by_email(email=user.email)
    if owner is not None:
        _send_already_registered(owner)
        return
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    now = timezone.now()
    PendingSignup.objects.update_or_create(
        email=user.email,
        defaults={
            "password": user.password,
            "profile": _profile_to_json(profile),
            "code_hash": _code_hash(user.email, code),
            "created_at": now,
            "expires_at": now + CODE_LIFETIME,
        },
    )
    _send_code(email=user.email, code=code, language=profile.preferred_language)


@transaction.atomic
def signup_confirm(*, email: str, code: str) -> User:
    """Create the account if ``code`` is the one sent to ``email``; refuse alike otherwise."""
    email = email.strip().lower()
    code = "".join(code.split())
    _refuse_while_locked(email)
    pending = (
        PendingSignup.objects.select_for_update()
        .filter(email=email, expires_at__gt=timezone.now())
        .first()
    )
    if pending is None or not constant_time_compare(pending.code_hash, _code_hash(email, code)):
        _count_wrong_code(email)
        message = _("That code is wrong or has expired. Check the latest e-mail from us.")
        raise Invalid(message, fields={"code": [message]})
    user = services.user_signup_confirmed(
        email=email, password_hash=pending.password, profile=_profile_from_json(pending.profile)
    )
    pending.delete()
    cache.delete(_wrong_codes_key(email))
    return user


def pending_signups_delete_expired(*, now) -> int:
    """What an unconfirmed sign-up held is not kept past its code's lifetime."""
    return PendingSignup.objects.filter(expires_at__lte=now).delete()[0]


def _code_hash(email: str, code: str) -> str:
    return salted_hmac("community.signup.code", f"{email}\n{code}", algorithm="sha256").hexdigest()


def _wrong_codes_key(email: str) -> str:
    return "signup-code:" + hashlib.sha256(email.encode()).hexdigest()[:32]


def _refuse_while_locked(email: str) -> None:
    locked_until = cache.get(_wrong_codes_key(email) + ":locked")
    if locked_until is not None and locked_until > time.time():
        raise RateLimited(
            _("Too many wrong codes. Wait a while and try again."),
            retry_after=max(1, math.ceil(locked_until - time.time())),
        )


def _count_wrong_code(email: str) -> None:
    """Count one wrong code for the address; the last allowed one locks it (and says so)."""
    key = _wrong_codes_key(email)
    cache.add(key, 0, timeout=LOCK_SECONDS)
    try:
        wrong = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, wrong := 1, timeout=LOCK_SECONDS)
    if wrong >= MAX_WRONG_CODES:
        cache.set(key + ":locked", time.time() + LOCK_SECONDS, timeout=LOCK_SECONDS)
        cache.delete(key)
        _refuse_while_locked(email)


def _profile_to_json(profile: Profile) -> dict:
    return {
        "display_name": profile.display_name,
        "birth_year": profile.birth_year,
        "municipality": profile.municipality.code if profile.municipality else None,
        "cares_for": list(profile.cares_for),
        "situation_tags": list(profile.situation_tags),
        "preferred_language": profile.preferred_language,
    }


def _profile_from_json(data: dict) -> Profile:
    code = data.get("municipality")
    return Profile(
        display_name=data["display_name"],
        birth_year=data["birth_year"],
        municipality=Municipality.objects.filter(code=code).first() if code else None,
        cares_for=tuple(data.get("cares_for", ())),
        situation_tags=tuple(data.get("situation_tags", ())),
        preferred_language=data.get("preferred_language", "sv"),
    )


def _send_code(*, email: str, code: str, language: str) -> None:
    minutes = int(CODE_LIFETIME.total_seconds() // 60)
    _send(email, language, "account/email/signup_code.txt", {"code": code, "minutes": minutes})


def _send_already_registered(owner: User) -> None:
    context = {
        "login_url": settings.SITE_URL + reverse("account_login"),
        "reset_url": settings.SITE_URL + reverse("account_reset_password"),
    }
    _send(owner.email, owner.preferred_language, "account/email/signup_registered.txt", context)


def _send(email: str, language: str, template: str, context: dict) -> None:
    # One neutral subject for both e-mails: a shared inbox must not reveal a caring situation.
    with translation.override(language):
        subject = _("Signing up to Bredvid")
        body = render_to_string(template, context)
    send_mail(subject, body, None, [email])
