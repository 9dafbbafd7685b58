"""People and places: municipalities, organisations, members and their consents."""

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import get_language, gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

MINIMUM_AGE = 13  # the Swedish age of digital consent
ADULT_AGE = 18

OTHER_MUNICIPALITY_CODE = "0000"
OTHER_MUNICIPALITY = gettext_noop("Other / outside Sweden")  # words, not a proper noun


class Municipality(models.Model):
    """A Swedish municipality (kommun), named by its official four-digit code."""

    code = models.CharField(
        _("code"), max_length=4, unique=True, validators=[RegexValidator(r"^\d{4}$")]
    )
    name = models.CharField(_("name"), max_length=80)
    county = models.CharField(_("county"), max_length=80, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name to show: a proper noun, but "other" (0000) is words in the reader's
        language (its stored name is the Swedish, for a language with no translation)."""
        if self.code != OTHER_MUNICIPALITY_CODE:
            return self.name
        words = gettext(OTHER_MUNICIPALITY)
        english = (get_language() or "").startswith("en")
        return words if words != OTHER_MUNICIPALITY or english else self.name

    @property
    def is_other(self) -> bool:
        return self.code == OTHER_MUNICIPALITY_CODE


class Organisation(models.Model):
    """Who hosts groups, meetups and support: municipal units, associations, regions."""

    class Kind(models.TextChoices):
        MUNICIPAL_UNIT = "municipal_unit", _("Municipal carer-support unit")
        ASSOCIATION = "association", _("Carers' association")
        REGION = "region", _("Region")
        NATIONAL = "national", _("National body")

    name = models.CharField(_("name"), max_length=160)
    slug = models.SlugField(_("slug"), max_length=160, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        help_text=_("Empty for regional and national bodies."),
    )
    description = models.TextField(_("description"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    staffed_hours = models.TextField(
        _("staffed hours"), blank=True, help_text=_("When staff answer, as shown to members.")
    )
    on_call_email = models.EmailField(
        _("on-call e-mail"),
        blank=True,
        help_text=_("Alerted at once when an urgent crisis item waits. Never shown to members."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class CaresFor(models.TextChoices):
    PARENT = "parent", _("A parent")
    SIBLING = "sibling", _("A sibling")
    PARTNER = "partner", _("A partner")
    CHILD = "child", _("A child")
    FRIEND = "friend", _("A friend")
    OTHER = "other", _("Someone else")


class SituationTag(models.TextChoices):
    DEMENTIA = "dementia", _("Dementia")
    MENTAL_ILLNESS = "mental_illness", _("Mental illness")
    ADDICTION = "addiction", _("Addiction")
    DISABILITY = "disability", _("Disability")
    LONG_TERM_ILLNESS = "long_term_illness", _("Long-term illness")
    OTHER = "other", _("Something else")


class Role(models.TextChoices):
    MEMBER = "member", _("Member")
    MODERATOR = "moderator", _("Moderator")
    COORDINATOR = "coordinator", _("Coordinator")


class Language(models.TextChoices):
    SWEDISH = "sv", _("Swedish")
    ENGLISH = "en", _("English")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields):
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields):
        fields.setdefault("display_name", email.split("@")[0])
        fields.setdefault("birth_year", 1990)
        return self.create_user(email, password, is_staff=True, is_superuser=True, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person on Bredvid. Others only ever see the pseudonymous display name."""

    # Stored lower-cased (services normalise), so the plain unique index is case-blind.
    email = models.EmailField(_("e-mail"), max_length=254, unique=True)
    display_name = models.CharField(
        _("display name"),
        max_length=30,
        validators=[
            RegexValidator(
                r"^[\w][\w .\-]{1,28}[\w]$",
                _("Use 3–30 letters, digits, spaces, dots, dashes or underscores."),
            )
        ],
        help_text=_("Shown to others instead of your name. Do not use your real name."),
    )
    birth_year = models.PositiveSmallIntegerField(_("birth year"))
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    cares_for = models.JSONField(_("cares for"), default=list, blank=True)
    situation_tags = models.JSONField(_("situation"), default=list, blank=True)
    preferred_language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.SWEDISH
    )
    hide_typing = models.BooleanField(
        _("hide that I am typing"), default=False, help_text=_("Others never see you typing.")
    )
    hide_read_position = models.BooleanField(
        _("hide how far I have read"),
        default=False,
        help_text=_("Others never see which messages you have read."),
    )
    email_notifications = models.BooleanField(
        _("send me notifications by e-mail too"),
        default=False,
        help_text=_("New meetups, reminders and answers. Subjects never say what it is about."),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        help_text=_("The organisation a coordinator or moderator acts for."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("admin site access"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    erase_after = models.DateTimeField(
        _("to be erased after"),
        null=True,
        blank=True,
        help_text=_("The person asked to delete the account; signing in before then undoes it."),
    )
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name", "birth_year"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("display_name"), name="user_display_name_unique_ci"),
        ]

    def __str__(self) -> str:
        return self.public_name

    def get_full_name(self) -> str:
        return self.public_name

    def get_short_name(self) -> str:
        return self.public_name

    @property
    def public_name(self) -> str:
        """The name others see: the pseudonym, or "deleted member" once erased."""
        return public_name(self.display_name)

    def _get_session_auth_hash(self, secret=None) -> str:
        # A requested erasure ends every browser session at once (the password stays, so
        # signing in again can undo it); without one the hash is Django's own.
        if self.erase_after is None:
            return super()._get_session_auth_hash(secret=secret)
        value = f"{self.password}|erase|{self.erase_after.isoformat()}"
        key_salt = "community.User.erasure_session_hash"
        return salted_hmac(key_salt, value, secret=secret, algorithm="sha256").hexdigest()

    @property
    def age(self) -> int:
        """The age the person reaches this calendar year (only the birth year is kept)."""
        return age_for_birth_year(self.birth_year)

    @property
    def is_minor(self) -> bool:
        return self.age < ADULT_AGE


# An erased account keeps its row (messages, reports and the audit log point at it) with no
# personal value left: its display name is this prefix and its id, which no member can choose
# (names begin with a letter or digit), and shows as "deleted member" everywhere.
ERASED_NAME_PREFIX = "~"
ERASED_BIRTH_YEAR = 1900  # the column is required; the same for every erased account


def public_name(display_name: str) -> str:
    """What a stored display name shows as (only the name is read: lists defer the rest)."""
    if display_name.startswith(ERASED_NAME_PREFIX):
        return gettext("deleted member")
    return display_name


def age_for_birth_year(birth_year: int) -> int:
    return timezone.localdate().year - birth_year


class Consent(models.Model):
    """A person's acceptance of one version of a document, with the text they saw."""

    class Document(models.TextChoices):
        CODE_OF_CONDUCT = "code_of_conduct", _("Code of conduct")
        PRIVACY_NOTICE = "privacy_notice", _("Privacy notice")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="consents")
    document = models.CharField(_("document"), max_length=20, choices=Document.choices)
    version = models.CharField(_("version"), max_length=20)
    text = models.TextField(_("text accepted"))
    accepted_at = models.DateTimeField(_("accepted at"), default=timezone.now)

    class Meta:
        ordering = ["-accepted_at"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "document", "version"], name="consent_once_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.document} {self.version}"


class LegalVersion(models.Model):
    """A new version of the privacy notice or code of conduct, published from the admin.

    The newest published version of a document is the one members accept; publishing one
    asks every member again at their next visit, and they cannot post until they accept."""

    document = models.CharField(_("document"), max_length=20, choices=Consent.Document.choices)
    version = models.CharField(
        _("version"), max_length=20, help_text=_("A new name for each version, e.g. 2027-03.")
    )
    changes = models.TextField(
        _("what changed"), help_text=_("Shown to members when they are asked to accept again.")
    )
    text = models.TextField(_("text"), help_text=_("The whole document, as members read it."))
    published_at = models.DateTimeField(
        _("published at"),
        default=timezone.now,
        help_text=_("Members are asked from this moment on."),
    )

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        constraints = [
            models.UniqueConstraint(
                fields=["document", "version"], name="legal_version_once_per_document"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_document_display()} {self.version}"


class PendingSignup(models.Model):
    """A sign-up waiting for the code sent to its address; no account exists until then.

    Holds what the person entered (the password already hashed) and a keyed hash of the
    code. One per address: signing up again replaces it. Expired rows are worthless.
    """

    email = models.EmailField(max_length=254, unique=True)
    password = models.CharField(max_length=128)
    profile = models.JSONField()
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"pending {self.email}"


class Notification(models.Model):
    """Something that happened for one person: shown in the app, e-mailed if they opted in."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at"]),
            # the hourly retention purge finds what is past its period without a full scan
            models.Index(fields=["created_at"], name="notification_created_at"),
        ]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return self.title


class AppendOnlyQuerySet(models.QuerySet):
    """Bulk updates and deletes refuse too, not only single rows."""

    def update(self, **kwargs):
        raise PermissionError("The access log is append-only.")

    def delete(self):
        raise PermissionError("The access log is append-only.")


class AccessEntry(models.Model):
    """Append-only: someone read what a member told in confidence. Nothing edits or
    deletes it; the member's export counts it and their unit's coordinators review it."""

    class What(models.TextChoices):
        RSVP_NEEDS = "rsvp_needs", _("Needs told with an RSVP")
        TALK_REQUEST = "talk_request", _("Talk request and its notes")
        MODERATION_HISTORY = "moderation_history", _("Moderation history")
        HELD_MESSAGE = "held_message", _("Held message")
        SUPPORT_CONVERSATION = "support_conversation", _("Support conversation")

    actor = models.ForeignKey(
        User, verbose_name=_("read by"), on_delete=models.PROTECT, related_name="+"
    )
    member = models.ForeignKey(
        User, verbose_name=_("about"), on_delete=models.PROTECT, related_name="+"
    )
    what = models.CharField(_("what"), max_length=30, choices=What.choices)
    # Plain words and numbers, not foreign keys: a purged object must not rewrite the log.
    object_type = models.CharField(_("object type"), max_length=20)
    object_id = models.CharField(_("object"), max_length=40)
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        default_permissions = ("view",)
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        indexes = [
            models.Index(fields=["member", "what"]),
            models.Index(fields=["actor", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.what} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The access log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The access log is append-only.")


class NotificationKind(models.TextChoices):
    """Every kind a notifier sends: the kinds a person sets preferences for."""

    MEETUP_NEW = "meetup_new", _("New meetups")
    MEETUP_CHANGED = "meetup_changed", _("Changed meetups")
    MEETUP_REMINDER = "meetup_reminder", _("Meetup reminders")
    MISSED_YOU = "missed_you", _("We missed you at a meetup")
    WAITLIST_PROMOTED = "waitlist_promoted", _("A place from the waiting list")
    JOIN_REQUEST = "join_request", _("Requests to join your groups")
    JOIN_ANSWER = "join_answer", _("Answers to your requests to join")
    AGE_BAND = "age_band", _("Groups that no longer fit your age")
    TALK_REQUEST = "talk_request", _("Talk requests")
    TALK_PROPOSAL = "talk_proposal", _("Proposed times to talk")
    TALK_ANSWER = "talk_answer", _("Answers about talking")
    SUPPORT_CONVERSATION = "support_conversation", _("Support conversations")
    WARNING = "warning", _("Warnings from the moderators")
    REPORT_ANSWERED = "report_answered", _("Answers to your reports")
    MENTION = "mention", _("Someone mentioned you in a room")


class NotificationPreferences(models.Model):
    """How one person wants to be told, per kind; quiet hours mute e-mail and push at night.

    ``kinds`` holds only what the person changed: ``{kind: {channel: bool}}``."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kinds = models.JSONField(default=dict, blank=True)
    quiet_start = models.TimeField(_("quiet from"), null=True, blank=True)
    quiet_end = models.TimeField(_("quiet until"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification preferences")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quiet_start__isnull=True, quiet_end__isnull=True)
                | (
                    models.Q(quiet_start__isnull=False, quiet_end__isnull=False)
                    & ~models.Q(quiet_start=models.F("quiet_end"))
                ),
                name="quiet_hours_both_or_none",
            )
        ]

    def __str__(self) -> str:
        return f"notification preferences of {self.user_id}"


# --- Find support: staffed hours, the support directory, knowledge, talk requests ---------


class Theme(models.TextChoices):
    """The carers' own keywords from the municipal reports: for groups, support and articles."""

    GEMENSKAP = "gemenskap", _("Community")
    INFORMATION = "information", _("Information")
    KUNSKAP = "kunskap", _("Knowledge")
    SAMTALSSTOD = "samtalsstod", _("Conversation support")
    AVLASTNING = "avlastning", _("Respite")
    EKONOMI = "ekonomi", _("Finances")
    TRYGGHET = "trygghet", _("Safety")
    MOTESPLATSER = "motesplatser", _("Meeting places")
    FRISKVARD = "friskvard", _("Wellbeing")
    ANHORIGGRUPPER = "anhoriggrupper", _("Carer groups")


def theme_choices():
    """``Theme.choices``; the migrations name this callable."""
    return Theme.choices


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class StaffedHours(models.Model):
    """One stretch of a weekday when an organisation's staff answer, in Stockholm time."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="opening_hours"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        ordering = ["weekday", "opens"]
        verbose_name = _("staffed hours")
        verbose_name_plural = _("staffed hours")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes__gt=models.F("opens")), name="staffed_hours_order"
            ),
            models.CheckConstraint(
                condition=models.Q(weekday__lte=6), name="staffed_hours_weekday"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.weekday} {self.opens}–{self.closes}"


class SupportEntry(models.Model):
    """One place to turn to in the support directory ("Hitta stöd")."""

    title = models.CharField(_("title"), max_length=160)
    slug = models.SlugField(_("slug"), max_length=160, unique=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="support_entries",
    )
    summary = models.CharField(_("summary"), max_length=300)
    body = models.TextField(_("description"), blank=True)
    category = models.CharField(_("category"), max_length=20, choices=theme_choices)
    extra_categories = models.JSONField(_("other categories"), default=list, blank=True)
    min_age = models.PositiveSmallIntegerField(_("youngest age"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("oldest age"), null=True, blank=True)
    cares_for = models.JSONField(
        _("for those who care for"), default=list, blank=True, help_text=_("Empty: everyone.")
    )
    situations = models.JSONField(
        _("situations"), default=list, blank=True, help_text=_("Empty: every situation.")
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: the whole country."),
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    opening_hours = models.TextField(_("opening hours"), blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    is_municipal_service = models.BooleanField(_("a municipal service"), default=False)
    how_to_apply = models.TextField(_("how to apply"), blank=True)
    is_crisis_line = models.BooleanField(
        _("crisis line"), default=False, help_text=_("Always shown, whatever the answers.")
    )
    last_checked_at = models.DateField(_("last checked"), default=timezone.localdate)
    verify_before_production = models.BooleanField(_("verify before production"), default=False)
    is_published = models.BooleanField(_("published"), default=True)
    created_by = models.ForeignKey(
        "community.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("support entry")
        verbose_name_plural = _("support entries")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_age__isnull=True)
                | models.Q(max_age__isnull=True)
                | models.Q(min_age__lte=models.F("max_age")),
                name="support_entry_age_band_order",
            )
        ]
        indexes = [models.Index(fields=["is_published", "category"])]

    def __str__(self) -> str:
        return self.title


class Article(models.Model):
    """A short knowledge article (kunskap), written in Markdown and shown sanitised."""

    title = models.CharField(_("title"), max_length=160)
    slug = models.SlugField(_("slug"), max_length=160, unique=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body_markdown = models.TextField(_("text (Markdown)"))
    categories = models.JSONField(_("categories"), default=list, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="articles",
    )
    author = models.ForeignKey(
        "community.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    meetups = models.ManyToManyField(
        "groups.Meetup",
        verbose_name=_("lecture meetups"),
        blank=True,
        related_name="articles",
    )
    is_published = models.BooleanField(_("published"), default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")

    def __str__(self) -> str:
        return self.title


class TalkRequest(models.Model):
    """A member asks the carer-support staff of a municipality for a conversation."""

    class Channel(models.TextChoices):
        PHONE = "phone", _("By phone")
        VIDEO = "video", _("By video")
        IN_PERSON = "in_person", _("In person")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        CONTACTED = "contacted", _("Contacted")
        BOOKED = "booked", _("Booked")
        CLOSED = "closed", _("Closed")

    user = models.ForeignKey(
        "community.User", on_delete=models.CASCADE, related_name="talk_requests"
    )
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(_("how"), max_length=10, choices=Channel.choices)
    phone = models.CharField(_("phone number"), max_length=40, blank=True)
    preferred_times = models.CharField(_("times that suit you"), max_length=500)
    topic = models.TextField(_("what it is about"), max_length=1000, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.NEW
    )
    internal_note = models.TextField(_("internal note"), max_length=2000, blank=True)
    handled_by = models.ForeignKey(
        "community.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("talk request")
        verbose_name_plural = _("talk requests")
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=~models.Q(status="closed"),
                name="one_open_talk_request_per_user",
            )
        ]
        indexes = [models.Index(fields=["municipality", "status"])]

    def __str__(self) -> str:
        return f"talk request {self.pk} ({self.status})"


class TalkProposal(models.Model):
    """A time staff suggest for a talk request, with a message; the member accepts or asks
    for another. A newer proposal withdraws the ones before it."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    talk_request = models.ForeignKey(
        TalkRequest, on_delete=models.CASCADE, related_name="proposals"
    )
    starts_at = models.DateTimeField(_("time"))
    message = models.TextField(_("message"), max_length=1000)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    reply = models.TextField(_("reply"), max_length=1000, blank=True)
    proposed_by = models.ForeignKey(
        "community.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("proposed time")
        verbose_name_plural = _("proposed times")

    def __str__(self) -> str:
        return f"proposal {self.pk} ({self.status})"


class DemoRecord(models.Model):
    """A row ``seed_demo`` made: later runs find their own rows by key, never other people's."""

    key = models.CharField(max_length=160, unique=True)
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()

    def __str__(self) -> str:
        return self.key
