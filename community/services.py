"""Every state change of accounts: sign-up, profile, password, API tokens."""

from dataclasses import dataclass
from functools import partial

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from knox.models import AuthToken

from community import legal, policies, ports, realtime, selectors
from community.errors import ConsentRequired, Forbidden, Invalid
from community.models import (
    MINIMUM_AGE,
    AccessEntry,
    CaresFor,
    Consent,
    Language,
    Municipality,
    Notification,
    NotificationPreferences,
    SituationTag,
    User,
)

UNCHANGED = object()


@dataclass(frozen=True)
class Profile:
    """What a person tells about themselves; the same for sign-up and later edits."""

    display_name: str
    birth_year: int
    municipality: Municipality | None = None
    cares_for: tuple[str, ...] = ()
    situation_tags: tuple[str, ...] = ()
    preferred_language: str = Language.SWEDISH


def birth_year_errors(birth_year: int) -> list[str]:
    """What is wrong with a birth year (sign-up and a coordinator's correction alike)."""
    this_year = timezone.localdate().year
    if birth_year > this_year or birth_year < this_year - 120:
        return [_("Enter the year you were born, for example 2008.")]
    if not policies.old_enough_to_join(birth_year=birth_year):
        return [
            _(
                "Bredvid is for people who are %(age)s or older. Talk to an adult you "
                "trust, or call BRIS on 116 111: they are there for you."
            )
            % {"age": MINIMUM_AGE}
        ]
    return []


def _validate_profile(profile: Profile, *, user_id: int | None = None) -> None:
    errors: dict[str, list[str]] = {}
    if year_errors := birth_year_errors(profile.birth_year):
        errors["birth_year"] = year_errors
    try:
        User._meta.get_field("display_name").run_validators(profile.display_name.strip())
    except ValidationError as error:
        errors["display_name"] = list(error.messages)
    else:
        name_taken = selectors.display_name_taken(
            display_name=profile.display_name, exclude_user_id=user_id
        )
        if name_taken:
            errors["display_name"] = [_("That display name is taken. Try another one.")]
    if not set(profile.cares_for) <= set(CaresFor.values):
        errors["cares_for"] = [_("Choose from the list.")]
    if not set(profile.situation_tags) <= set(SituationTag.values):
        errors["situation_tags"] = [_("Choose from the list.")]
    if errors:
        raise ValidationError(errors)


def _profile_fields(profile: Profile) -> dict:
    return {
        "display_name": profile.display_name.strip(),
        "birth_year": profile.birth_year,
        "municipality": profile.municipality,
        "cares_for": sorted(set(profile.cares_for)),
        "situation_tags": sorted(set(profile.situation_tags)),
        "preferred_language": profile.preferred_language,
    }


def user_signup_check(
    *,
    email: str,
    password: str,
    profile: Profile,
    accepted_terms: bool,
    email_must_be_new: bool = True,
) -> User:
    """Every sign-up rule, without writing: the unsaved user, or field errors.

    With ``email_must_be_new=False`` a registered address is not an error: sign-up by code
    answers it like any other, so that nobody learns whether the address has an account.
    """
    email = email.strip().lower()
    errors: dict[str, list[str]] = {}
    try:
        _validate_profile(profile)
    except ValidationError as error:
        errors.update(error.message_dict)
    if email_must_be_new and selectors.user_by_email(email=email) is not None:
        errors["email"] = [_("An account with that e-mail address already exists.")]
    if not accepted_terms:
        errors["accept_terms"] = [
            _("You need to accept the code of conduct and the privacy notice.")
        ]
    user = User(email=email, **_profile_fields(profile))
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        errors["password"] = list(error.messages)
    if errors:
        raise ValidationError(errors)
    user.set_password(password)
    return user


@transaction.atomic
def user_signup(*, email: str, password: str, profile: Profile, accepted_terms: bool) -> User:
    """Create a member, recording the documents they accepted, or refuse with field errors."""
    user = user_signup_check(
        email=email, password=password, profile=profile, accepted_terms=accepted_terms
    )
    return _user_save_new(user=user, email_verified=False)


@transaction.atomic
def user_signup_confirmed(*, email: str, password_hash: str, profile: Profile) -> User:
    """Create a member whose address has just been proven by a code (rules checked again)."""
    _validate_profile(profile)
    user = User(email=email.strip().lower(), password=password_hash, **_profile_fields(profile))
    return _user_save_new(user=user, email_verified=True)


def _user_save_new(*, user: User, email_verified: bool) -> User:
    """Store a checked new member, their address and the documents they accepted."""
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as error:  # a concurrent sign-up took the name or address
        raise ValidationError(
            {"display_name": [_("That display name or e-mail address is taken.")]}
        ) from error
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=email_verified)
    consents_record(user=user)
    return user


def consents_record(*, user: User) -> list[Consent]:
    """Record acceptance of the current documents, with the text as the person saw it."""
    now = timezone.now()
    return [
        Consent.objects.get_or_create(
            user=user,
            document=doc.document,
            version=doc.version,
            defaults={"text": str(doc.text), "accepted_at": now},
        )[0]
        for doc in legal.current_documents()
    ]


def posting_consents_check(*, user: User, to_staff_only: bool = False) -> None:
    """Every path that posts asks this first: ``consent_required`` while a changed document
    waits for the person (``policies.may_post``)."""
    if not policies.may_post(user=user, to_staff_only=to_staff_only):
        raise ConsentRequired()


@transaction.atomic
def consent_accept(*, user: User, document: str, version: str) -> Consent:
    """Accept the current version of one document; accepting it again changes nothing."""
    current = legal.current_document(document)
    if current is None:
        names = ", ".join(doc.document for doc in legal.DOCUMENTS)
        raise Invalid(fields={"document": [_("Choose one of: %(names)s.") % {"names": names}]})
    if version != current.version:
        message = _("The current version is %(version)s.") % {"version": current.version}
        raise Invalid(fields={"version": [message]})
    return Consent.objects.get_or_create(
        user=user,
        document=current.document,
        version=current.version,
        defaults={"text": str(current.text)},
    )[0]


def second_factor_changed(*, user: User) -> None:
    """A second factor was added or removed: staff powers follow at once. The account's
    sockets reconnect (closed normally) and so read the new answer."""
    policies.forget_second_factor(user)
    if policies.holds_staff_role(user) or user.is_staff:
        # Who may act as staff changed: the audit log keeps when (never the secret).
        on = policies.has_second_factor(user)
        ports.audit_record(
            actor=user,
            action="account.second_factor_on" if on else "account.second_factor_off",
            target=user,
        )
    transaction.on_commit(
        lambda: realtime.close_sockets(realtime.user_group(user.pk), code=realtime.CLOSE_NORMAL),
        robust=True,
    )


def birth_year_fixed() -> Forbidden:
    return Forbidden(
        _(
            "You cannot change your birth year yourself: age groups depend on it. If it is "
            "wrong, a coordinator can correct it."
        )
    )


@transaction.atomic
def user_update_profile(*, user: User, profile: Profile) -> User:
    """A member's own edit. The birth year stays: only a coordinator corrects it."""
    if profile.birth_year != user.birth_year:
        raise birth_year_fixed()
    _validate_profile(profile, user_id=user.pk)
    for field, value in _profile_fields(profile).items():
        setattr(user, field, value)
    user.save()
    return user


@transaction.atomic
def password_change(
    *, user: User, current_password: str, new_password: str, keep_session_key: str | None = None
) -> None:
    """Change the password over the API; every other credential of the account ends."""
    errors: dict[str, list[str]] = {}
    if not user.check_password(current_password):
        errors["current_password"] = [_("That is not your current password.")]
    try:
        password_validation.validate_password(new_password, user)
    except ValidationError as error:
        errors["new_password"] = list(error.messages)
    if errors:
        raise ValidationError(errors)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    user_credentials_revoke(user=user, keep_session_key=keep_session_key)


# Each sign-in gets a token of its own; past this many, the least recently used one ends.
TOKENS_PER_ACCOUNT = 10


@transaction.atomic
def token_create(*, user: User) -> str:
    """A new API token for one device; only its digest is stored, so the key is shown once."""
    User.objects.select_for_update().filter(pk=user.pk).first()  # one sign-in at a time
    for token in AuthToken.objects.filter(user=user).order_by("-expiry")[TOKENS_PER_ACCOUNT - 1 :]:
        token_delete(token=token)
    return AuthToken.objects.create(user=user)[1]


def token_delete(*, token: AuthToken) -> None:
    """Sign out one API token, closing the sockets it opened."""
    group = realtime.credential_group("token", token.digest)
    token.delete()
    transaction.on_commit(lambda: realtime.close_sockets(group), robust=True)


def tokens_delete(*, user: User) -> None:
    """Sign out every API token of the account, closing the sockets they opened."""
    for token in AuthToken.objects.filter(user=user):
        token_delete(token=token)


@transaction.atomic
def user_credentials_revoke(*, user: User, keep_session_key: str | None = None) -> None:
    """After a password change or reset: every API token and every other session ends.

    Called by each path that sets a password (API, account pages, reset link, admin). Other
    browser sessions end through Django's session check: they carry a hash of the old
    password. Their sockets close as signed out; sockets of ``keep_session_key`` (the
    browser that made the change and stays signed in) close normally and reconnect."""
    tokens_delete(user=user)
    keep = realtime.credential_group("session", keep_session_key) if keep_session_key else None
    transaction.on_commit(
        lambda: realtime.account_sockets_close(user_id=user.pk, keep=keep), robust=True
    )


def session_sockets_close(*, session_key: str | None) -> None:
    """Close the sockets a browser session opened (called when it signs out)."""
    if session_key:
        realtime.close_sockets(realtime.credential_group("session", session_key))


# Where a person's choices say push, ``notify`` calls each of these with
# ``(notification=...)`` after commit; the push delivery registers itself here at start-up.
PUSH_DELIVER: list = []


def notify(*, user: User, kind: str, title, body="", url: str = "") -> Notification:
    """Tell one person something, on the channels ``notification_channels`` picks for them.

    ``title`` and ``body`` may be callables, evaluated in the person's own language. The
    e-mail subject stays neutral: a shared inbox must not reveal a caring situation. Without
    the app channel nothing is stored and the returned notification has no id.
    """
    with translation.override(user.preferred_language):
        title = str(title() if callable(title) else title)
        body = str(body() if callable(body) else body)
        subject = _("You have a new notification")
    channels = policies.notification_channels(user=user, kind=kind, at=timezone.now())
    notification = Notification(user=user, kind=kind, title=title[:200], body=body, url=url)
    if "in_app" in channels:
        notification.save()
        frame = {"type": "notification.new", "notification": notification_payload(notification)}
        realtime.to_user_frame(user.pk, frame)
    if "email" in channels:
        link = f"{settings.SITE_URL}{url}" if url else settings.SITE_URL
        message = f"{title}\n\n{body}\n\n{link}".replace("\n\n\n\n", "\n\n")
        transaction.on_commit(
            lambda: send_mail(subject, message, None, [user.email], fail_silently=True)
        )
    if "push" in channels:
        for deliver in PUSH_DELIVER:
            transaction.on_commit(partial(deliver, notification=notification), robust=True)
    return notification


def notification_payload(notification: Notification) -> dict:
    """A notification as the API and the socket show it."""
    read_at = notification.read_at
    return {
        "id": notification.pk,
        "kind": notification.kind,
        "title": notification.title,
        "body": notification.body,
        "url": notification.url,
        "created_at": notification.created_at.isoformat(),
        "read_at": read_at.isoformat() if read_at else None,
    }


def notifications_mark_read(*, user: User, ids: list[int] | None = None) -> int:
    """Mark some (``ids``) or all (``None``) of a person's unread notifications read."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())


@transaction.atomic
def notification_preferences_update(
    *, user: User, kinds: dict[str, dict[str, bool]] | None = None, quiet_hours=UNCHANGED
) -> NotificationPreferences:
    """Change some channels of some kinds, and/or quiet hours (``None`` ends them).

    The caller has validated kinds, channels and times; what is left out stays as it was."""
    preferences, _created = NotificationPreferences.objects.select_for_update().get_or_create(
        user=user
    )
    for kind, channels in (kinds or {}).items():
        preferences.kinds[kind] = {**preferences.kinds.get(kind, {}), **channels}
    if quiet_hours is not UNCHANGED:
        preferences.quiet_start, preferences.quiet_end = quiet_hours or (None, None)
    preferences.full_clean()
    preferences.save()
    user.notification_preferences = preferences
    return preferences


def _object_ref(target) -> tuple[str, str]:
    """A model instance or a ``(type, id)`` pair, as the log's plain type and id."""
    if isinstance(target, tuple):
        return target[0], str(target[1])
    return target._meta.model_name, str(target.pk)


def access_record(*, actor, reads) -> int:
    """Log that ``actor`` read members' confidences: ``reads`` are ``(what, member_id,
    target)``. One insert per read request, however many rows it shows; what a person
    reads about themselves is not logged."""
    if not policies.is_signed_in(actor):
        return 0
    rows = {
        (what, member_id, *_object_ref(target))
        for what, member_id, target in reads
        if member_id is not None and member_id != actor.pk
    }
    if not rows:
        return 0
    now = timezone.now()
    AccessEntry.objects.bulk_create(
        AccessEntry(
            actor_id=actor.pk,
            member_id=member_id,
            what=what,
            object_type=kind,
            object_id=key,
            created_at=now,
        )
        for what, member_id, kind, key in sorted(rows)
    )
    return len(rows)
