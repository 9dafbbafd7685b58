"""What the community app (accounts, notifications, find-support) and the third-party apps
it configures (allauth, knox, the admin log) hold about one person: registered at start-up."""

from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _
from knox.models import AuthToken

from community import selectors
from community.models import (
    ERASED_BIRTH_YEAR,
    ERASED_NAME_PREFIX,
    AccessEntry,
    Article,
    Consent,
    Language,
    Notification,
    NotificationPreferences,
    Role,
    SupportEntry,
    TalkProposal,
    TalkRequest,
    User,
)
from community.privacy import Erase, Holding, plain, register, register_section


def _account(user: User) -> dict:
    row = {name: plain(user, name) for name in ACCOUNT.exported}
    row["municipality"] = user.municipality.code if user.municipality_id else None
    row["organisation"] = user.organisation.name if user.organisation_id else None
    return {"id": user.pk, **row}


ACCOUNT = Holding(
    model=User,
    section="account",
    title=_("Your account"),
    erase=Erase.BLANK,
    owner=None,
    rows=lambda *, user: User.objects.filter(pk=user.pk),
    present=_account,
    exported=(
        "email",
        "display_name",
        "birth_year",
        "municipality",
        "cares_for",
        "situation_tags",
        "preferred_language",
        "hide_typing",
        "hide_read_position",
        "email_notifications",
        "role",
        "organisation",
        "is_active",
        "date_joined",
        "last_login",
        "erase_after",
    ),
    not_personal=(
        "password",  # a one-way hash: never shown, not even to its owner
        "is_superuser",
        "is_staff",
        "erased_at",
        "groups",
        "user_permissions",
    ),
    blank={
        "email": lambda user: f"erased-{user.pk}@erased.invalid",
        "display_name": lambda user: f"{ERASED_NAME_PREFIX}{user.pk}",
        "birth_year": ERASED_BIRTH_YEAR,
        "municipality": None,
        "cares_for": [],
        "situation_tags": [],
        "preferred_language": Language.SWEDISH,
        "hide_typing": False,
        "hide_read_position": False,
        "email_notifications": False,
        "role": Role.MEMBER,
        "organisation": None,
        "is_active": False,
        "is_staff": False,
        "is_superuser": False,
        "last_login": None,
        "password": lambda user: make_password(None),
    },
    why="The row stays: messages, reports and the audit log point at it. Nothing personal "
    "is left in it, so the link is a pseudonym ('deleted member').",
)


def _admin_log_about(*, user: User):
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
    )


register(
    ACCOUNT,
    Holding(
        model=Consent,
        section="consents",
        title=_("Documents you accepted"),
        erase=Erase.DELETE,
        exported=("document", "version", "text", "accepted_at"),
    ),
    Holding(
        model=Notification,
        section="notifications",
        title=_("Notifications"),
        erase=Erase.DELETE,
        exported=("kind", "title", "body", "url", "created_at", "read_at"),
    ),
    Holding(
        model=NotificationPreferences,
        section="notification_preferences",
        title=_("How you are told"),
        erase=Erase.DELETE,
        exported=("kinds", "quiet_start", "quiet_end"),
    ),
    Holding(
        model=TalkRequest,
        section="talk_requests",
        title=_("Your requests to talk"),
        erase=Erase.DELETE,
        exported=(
            "municipality",
            "channel",
            "phone",
            "preferred_times",
            "topic",
            "status",
            "internal_note",
            "handled_by",
            "created_at",
            "updated_at",
        ),
        why="Staff's internal note is about the person, so it is theirs to see.",
    ),
    Holding(
        model=TalkProposal,
        section="talk_proposals",
        title=_("Times proposed to you, and your replies"),
        erase=Erase.DELETE,
        owner="talk_request__user",
        exported=(
            "talk_request",
            "starts_at",
            "message",
            "status",
            "reply",
            "created_at",
            "answered_at",
        ),
        not_personal=("proposed_by",),
    ),
    # Staff's work for their organisation: the rows belong to it and stay; the export lists
    # what the person did, without the members' data in those rows.
    Holding(
        model=TalkRequest,
        section="talk_requests_handled",
        title=_("Talk requests you handled"),
        erase=Erase.KEEP,
        owner="handled_by",
        exported=("status", "updated_at"),
        not_personal=(
            "user",
            "municipality",
            "channel",
            "phone",
            "preferred_times",
            "topic",
            "internal_note",
            "created_at",
        ),
    ),
    Holding(
        model=TalkProposal,
        section="talk_proposals_made",
        title=_("Times you proposed"),
        erase=Erase.KEEP,
        owner="proposed_by",
        exported=("talk_request", "starts_at", "created_at"),
        not_personal=("message", "status", "reply", "answered_at"),
    ),
    Holding(
        model=SupportEntry,
        section="support_entries_created",
        title=_("Support directory entries you added"),
        erase=Erase.KEEP,
        owner="created_by",
        exported=("title", "created_at"),
        not_personal=(
            "slug",
            "organisation",
            "summary",
            "body",
            "category",
            "extra_categories",
            "min_age",
            "max_age",
            "cares_for",
            "situations",
            "municipality",
            "phone",
            "email",
            "website",
            "address",
            "opening_hours",
            "languages",
            "is_municipal_service",
            "how_to_apply",
            "is_crisis_line",
            "last_checked_at",
            "verify_before_production",
            "is_published",
            "updated_at",
        ),
    ),
    Holding(
        model=Article,
        section="articles_written",
        title=_("Articles you wrote"),
        erase=Erase.KEEP,
        owner="author",
        exported=("title", "created_at"),
        not_personal=(
            "slug",
            "summary",
            "body_markdown",
            "categories",
            "organisation",
            "is_published",
            "updated_at",
            "meetups",
        ),
    ),
    Holding(
        model=AuthToken,
        section="api_tokens",
        title=_("Signed-in apps"),
        erase=Erase.DELETE,
        exported=("created", "expiry"),
        not_personal=("digest", "token_key"),  # secrets' digests, not the person
        present=lambda token: {
            "created": plain(token, "created"),
            "expiry": plain(token, "expiry"),
        },
    ),
    Holding(
        model=EmailAddress,
        section="email_addresses",
        title=_("E-mail addresses"),
        erase=Erase.DELETE,
        exported=("email", "verified", "primary"),
    ),
    Holding(
        model=LogEntry,
        section="admin_changes_made",
        title=_("Changes you made in the admin"),
        erase=Erase.KEEP,
        exported=("action_time", "content_type", "object_id", "action_flag"),
        not_personal=("object_repr", "change_message"),  # what was changed: others' rows
    ),
    Holding(
        model=LogEntry,
        section=None,
        name="about",
        title=_("Admin changes to your account"),
        erase=Erase.BLANK,
        owner=None,
        rows=_admin_log_about,
        withheld=("object_repr",),  # the display name; already in "account"
        not_personal=(
            "action_time",
            "user",
            "content_type",
            "object_id",
            "action_flag",
            "change_message",
        ),
        blank={"object_repr": lambda entry: f"{ERASED_NAME_PREFIX}{entry.object_id}"},
        why="Which staff changed what stays in the admin log; the name it kept goes.",
    ),
)


register(
    Holding(
        model=AccessEntry,
        section=None,
        title=_("Staff reads of your confidences"),
        erase=Erase.KEEP,
        owner="member",
        withheld=("actor", "what", "object_type", "object_id", "created_at"),
        why="Shown as counts per kind (the section 'access_counts'); which staff member read "
        "what stays with the unit. Append-only: the rows stay, pointing at the emptied account.",
    ),
    Holding(
        model=AccessEntry,
        section=None,
        title=_("What you read as staff"),
        erase=Erase.KEEP,
        owner="actor",
        name="actor",
        withheld=("member", "what", "object_type", "object_id", "created_at"),
        why="The access log is the members' record of who read their confidences; it is "
        "kept whole, like the audit log.",
    ),
)
register_section(
    "access_counts",
    title=_("How often staff read what you told them"),
    build=lambda *, user: selectors.access_counts_for(user),
)


def register_second_factors() -> None:
    """allauth's second factors, where its MFA app is installed: kept secrets are not shown."""
    from allauth.mfa.models import Authenticator

    register(
        Holding(
            model=Authenticator,
            section="second_factors",
            title=_("Two-step sign-in"),
            erase=Erase.DELETE,
            exported=("type", "created_at", "last_used_at"),
            not_personal=("data",),  # the TOTP secret and recovery codes
        )
    )


if apps.is_installed("allauth.mfa"):
    register_second_factors()
