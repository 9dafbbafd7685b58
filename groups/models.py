"""Peer groups (anhöriggrupper) and who belongs to them."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.models import Municipality, Organisation


class PeerGroup(models.Model):
    class Joining(models.TextChoices):
        OPEN = "open", _("Open")
        REQUEST = "request", _("By request")
        INVITATION = "invitation", _("By invitation")

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
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
