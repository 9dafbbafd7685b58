"""Peer groups (anhöriggrupper), who belongs to them, and the meetups they lead to."""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.models import Municipality, Organisation, Theme  # noqa: F401 - as groups.models.Theme


def new_token() -> str:
    return secrets.token_urlsafe(24)


def new_checkin_code() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread at the door
    return "".join(secrets.choice(alphabet) for _ in range(6))


class PeerGroup(models.Model):
    class Joining(models.TextChoices):
        OPEN = "open", _("Open")
        REQUEST = "request", _("By request")
        INVITATION = "invitation", _("By invitation")

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    themes = models.JSONField(_("themes"), default=list, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("hosting organisation"),
        on_delete=models.PROTECT,
        related_name="groups",
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for groups that meet online, for the whole country."),
    )
    min_age = models.PositiveSmallIntegerField(_("youngest age"), default=13)
    max_age = models.PositiveSmallIntegerField(_("oldest age"), default=30)
    joining = models.CharField(
        _("joining"), max_length=12, choices=Joining.choices, default=Joining.OPEN
    )
    member_cap = models.PositiveIntegerField(_("member cap"), null=True, blank=True)
    rules = models.TextField(_("rules"), blank=True)
    hold_first_messages = models.PositiveSmallIntegerField(
        _("hold the first messages of new members"),
        default=0,
        help_text=_("How many of a new member's first messages a moderator approves first."),
    )
    hold_links_days = models.PositiveSmallIntegerField(
        _("hold links from new members"),
        default=0,
        help_text=_("Messages with links from members younger than this many days are held."),
    )
    is_archived = models.BooleanField(_("archived"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("peer group")
        verbose_name_plural = _("peer groups")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_age__lte=models.F("max_age")), name="group_age_band_order"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        MODERATOR = "moderator", _("Group moderator")
        HOST = "host", _("Host")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACTIVE = "active", _("Active")
        LEFT = "left", _("Left")
        AGED_OUT = "aged_out", _("Outside the age band")
        BANNED = "banned", _("Banned")

    group = models.ForeignKey(PeerGroup, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE
    )
    joined_at = models.DateTimeField(_("joined"), default=timezone.now)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="one_membership_per_group")
        ]
        indexes = [models.Index(fields=["user", "status"])]

    def __str__(self) -> str:
        return f"{self.user} in {self.group}"


class JoinRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    group = models.ForeignKey(PeerGroup, on_delete=models.CASCADE, related_name="join_requests")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="join_requests"
    )
    message = models.TextField(_("message"), max_length=1000, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decision_message = models.TextField(_("answer"), max_length=1000, blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "user"],
                condition=models.Q(status="pending"),
                name="one_pending_request_per_group",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} asks to join {self.group}"


class Invitation(models.Model):
    group = models.ForeignKey(PeerGroup, on_delete=models.CASCADE, related_name="invitations")
    token = models.CharField(max_length=64, unique=True, default=new_token)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    uses = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"invitation to {self.group}"

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now


class Meetup(models.Model):
    class Kind(models.TextChoices):
        PEER_MEETING = "peer_meeting", _("Peer meeting")
        LECTURE = "lecture", _("Lecture")
        ACTIVITY = "activity", _("Activity")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    class Recurrence(models.TextChoices):
        NONE = "", _("Once")
        WEEKLY = "weekly", _("Every week")
        BIWEEKLY = "biweekly", _("Every other week")
        MONTHLY = "monthly", _("Every month")

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    group = models.ForeignKey(PeerGroup, on_delete=models.CASCADE, related_name="meetups")
    series = models.UUIDField(_("series"), null=True, blank=True, db_index=True)
    recurrence = models.CharField(
        _("repeats"), max_length=10, choices=Recurrence.choices, blank=True, default=""
    )
    title = models.CharField(_("title"), max_length=140)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(
        _("kind"), max_length=14, choices=Kind.choices, default=Kind.PEER_MEETING
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    venue_name = models.CharField(_("place"), max_length=140)
    venue_address = models.CharField(_("address"), max_length=200, blank=True)
    accessibility_notes = models.TextField(_("accessibility"), blank=True)
    directions_url = models.URLField(_("directions link"), blank=True)
    capacity = models.PositiveIntegerField(_("places"))
    rsvp_deadline = models.DateTimeField(_("last day to sign up"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED
    )
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    sequence = models.PositiveIntegerField(default=0, help_text="iCalendar SEQUENCE")
    # Texts a member host writes pass the chat's screening. A held new meetup is shown to
    # nobody but its hosts and staff; a held change waits in ``pending`` while everyone
    # else keeps the approved text. A moderator's approval of the meetup's card releases it.
    held = models.BooleanField(_("waiting for a moderator"), default=False)
    pending = models.JSONField(_("change waiting for a moderator"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("meetup")
        verbose_name_plural = _("meetups")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="meetup_ends_after_start",
            ),
            models.CheckConstraint(condition=models.Q(capacity__gte=1), name="meetup_has_places"),
        ]
        indexes = [models.Index(fields=["status", "starts_at"])]

    def __str__(self) -> str:
        return self.title


class Rsvp(models.Model):
    """One person's answer to one meetup, with what they need to be able to come."""

    class Status(models.TextChoices):
        GOING = "going", _("Going")
        WAITLISTED = "waitlisted", _("On the waiting list")
        NOT_GOING = "not_going", _("Not going")

    meetup = models.ForeignKey(Meetup, on_delete=models.CASCADE, related_name="rsvps")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rsvps"
    )
    status = models.CharField(_("answer"), max_length=10, choices=Status.choices)
    waitlisted_at = models.DateTimeField(null=True, blank=True)
    needs_respite = models.BooleanField(
        _("I need respite (avlösning) to be able to come"), default=False
    )
    needs_company = models.BooleanField(
        _("I would like someone to meet me at the door the first time"), default=False
    )
    accessibility_needs = models.CharField(_("accessibility needs"), max_length=500, blank=True)
    note = models.TextField(_("anything else the hosts should know"), max_length=1000, blank=True)
    checkin_code = models.CharField(max_length=8, default=new_checkin_code)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meetup", "user"], name="one_rsvp_per_meetup"),
            models.UniqueConstraint(
                fields=["meetup", "checkin_code"], name="checkin_code_unique_per_meetup"
            ),
        ]
        indexes = [models.Index(fields=["meetup", "status", "waitlisted_at"])]

    def __str__(self) -> str:
        return f"{self.user} {self.status} {self.meetup}"

    @property
    def has_needs(self) -> bool:
        return bool(
            self.needs_respite or self.needs_company or self.accessibility_needs or self.note
        )


class ReminderSent(models.Model):
    """A reminder that went out; the unique row makes the cron command idempotent."""

    class Kind(models.TextChoices):
        DAY_BEFORE = "24h", _("A day before")
        HOURS_BEFORE = "2h", _("Two hours before")
        MISSED_YOU = "missed", _("We missed you")

    rsvp = models.ForeignKey(Rsvp, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["rsvp", "kind"], name="one_reminder_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.rsvp_id}"


class CalendarFeed(models.Model):
    """A private, revocable address of the meetups a person is going to."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_token)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"calendar of {self.user_id}"
