"""Reports, sanctions, word rules, crisis contacts and the append-only audit log."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chat.models import Message, Room
from community.models import Municipality
from groups.models import PeerGroup


class Report(models.Model):
    class Reason(models.TextChoices):
        HARASSMENT = "harassment", _("Harassment")
        HATE = "hate", _("Hate")
        SELF_HARM = "self_harm", _("Self-harm or risk")
        SEXUAL = "sexual", _("Sexual content")
        SPAM = "spam", _("Spam")
        PRIVATE_INFO = "private_info", _("Sharing private information")
        OTHER = "other", _("Something else")

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports_made"
    )
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    note = models.TextField(_("note"), max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message", "reporter"], name="one_report_per_person")
        ]

    def __str__(self) -> str:
        return f"report of {self.message_id}"


class QueueItem(models.Model):
    """One message to look at, however many reports or rules point at it."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACTIONED = "actioned", _("Actioned")
        DISMISSED = "dismissed", _("Dismissed")

    class Priority(models.IntegerChoices):
        URGENT = 0, _("Urgent: risk")
        HIGH = 1, _("High")
        NORMAL = 2, _("Normal")

    class Source(models.TextChoices):
        REPORT = "report", _("Reported by members")
        RULE = "rule", _("Caught by a rule")
        CRISIS = "crisis", _("Crisis words")

    message = models.OneToOneField(Message, on_delete=models.CASCADE, related_name="queue_item")
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NORMAL
    )
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    reports_count = models.PositiveIntegerField(default=0)
    reasons = models.JSONField(default=list, blank=True)
    rule_note = models.CharField(max_length=200, blank=True)
    auto_hidden = models.BooleanField(default=False)
    alerted_at = models.DateTimeField(null=True, blank=True)  # on-call staff told, once
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["status", "priority", "created_at"]
        indexes = [models.Index(fields=["status", "priority", "created_at"])]

    def __str__(self) -> str:
        return f"queue item for {self.message_id}"


class Sanction(models.Model):
    class Kind(models.TextChoices):
        WARNING = "warning", _("Warning")
        MUTE = "mute", _("Muted")
        BAN = "ban", _("Banned from a group")
        SUSPENSION = "suspension", _("Account suspended")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sanctions"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    room = models.ForeignKey(
        Room, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    group = models.ForeignKey(
        PeerGroup, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(_("reason"))
    starts_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField(_("until"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        indexes = [models.Index(fields=["user", "kind", "lifted_at"])]

    def __str__(self) -> str:
        return f"{self.kind} for {self.user_id}"


class WordRule(models.Model):
    """A word or pattern moderators maintain, and what happens when a message matches."""

    class Action(models.TextChoices):
        BLOCK = "block", _("Block: not posted, the sender is told")
        HOLD = "hold", _("Hold: moderators approve first")
        FLAG = "flag", _("Flag: posted and queued for review")

    class Category(models.TextChoices):
        ABUSE = "abuse", _("Abuse")
        SPAM = "spam", _("Spam")
        PRIVATE_INFO = "private_info", _("Private information")
        CRISIS_SELF = "crisis_self", _("Crisis: the member")
        CRISIS_OTHER = "crisis_other", _("Crisis: the person cared for")

    pattern = models.CharField(_("word or pattern"), max_length=200)
    is_regex = models.BooleanField(_("regular expression"), default=False)
    language = models.CharField(_("language"), max_length=2, default="sv")
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    action = models.CharField(_("action"), max_length=8, choices=Action.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["category", "pattern"]
        constraints = [
            models.UniqueConstraint(fields=["pattern", "category"], name="rule_pattern_once")
        ]

    def __str__(self) -> str:
        return self.pattern

    @property
    def is_crisis(self) -> bool:
        return self.category in (self.Category.CRISIS_SELF, self.Category.CRISIS_OTHER)


class CrisisContact(models.Model):
    """Who to call: data coordinators keep up to date, shown on crisis cards and in rooms."""

    class Audience(models.TextChoices):
        EVERYONE = "everyone", _("Everyone")
        UNDER_18 = "under_18", _("Under 18")

    name = models.CharField(_("name"), max_length=120)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    url = models.URLField(_("web"), blank=True)
    hours = models.CharField(_("when"), max_length=120, blank=True)
    hours_en = models.CharField(
        _("when, in English"),
        max_length=120,
        blank=True,
        help_text=_("For readers who use Bredvid in English."),
    )
    audience = models.CharField(
        _("for"), max_length=10, choices=Audience.choices, default=Audience.EVERYONE
    )
    situations = models.JSONField(
        _("situations"),
        default=list,
        blank=True,
        help_text=_("Rule categories it is for (crisis_self, crisis_other); empty for all."),
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Only for members in this municipality (its own contact)."),
    )
    on_call = models.BooleanField(_("answers when no one is on duty here"), default=False)
    order = models.PositiveSmallIntegerField(default=100)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class CrisisCard(models.Model):
    """That a member was shown the crisis card in a room: which situations and when, never
    the message. It keeps the card reachable in that room for ``CRISIS_CARD_HOURS``."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="+")
    categories = models.JSONField(default=list)
    shown_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "room"], name="crisis_card_once")]

    def __str__(self) -> str:
        return f"crisis card for {self.user_id} in {self.room_id}"


class AuditEntry(models.Model):
    """Append-only: who did what to what, when and why. Nothing edits or deletes it."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when an automatic rule acted."),
    )
    action = models.CharField(_("action"), max_length=40)
    target_type = models.CharField(_("target type"), max_length=20)
    target_id = models.CharField(_("target"), max_length=40)
    reason = models.TextField(_("reason"), blank=True)
    details = models.JSONField(default=dict, blank=True)
    # Plain numbers, not foreign keys: a deleted room or group must not rewrite the log.
    room_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    group_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.action} {self.target_type}:{self.target_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit log is append-only.")
