"""Rooms, messages, reactions and read positions."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.models import PeerGroup

BODY_MAX_LENGTH = 4000
EMOJI = ("👍", "❤️", "🤗", "😊", "😢", "🙏")


class Room(models.Model):
    class Kind(models.TextChoices):
        TOPIC = "topic", _("Topic room")
        GROUP = "group", _("Group room")
        SUPPORT = "support", _("Support conversation")

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    topic = models.CharField(_("topic"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    group = models.ForeignKey(
        PeerGroup,
        verbose_name=_("peer group"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="rooms",
    )
    # A support conversation: one member and the staff of one carer-support unit (the
    # municipality's; platform moderators too). Empty for every other kind.
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="support_rooms",
    )
    municipality = models.ForeignKey(
        "community.Municipality",
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    is_locked = models.BooleanField(_("locked"), default=False)
    slow_mode_seconds = models.PositiveIntegerField(_("slow mode (seconds)"), default=0)
    last_seq = models.BigIntegerField(_("last message number"), default=0)
    pinned_message = models.ForeignKey(
        "chat.Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_archived = models.BooleanField(_("archived"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="group", group__isnull=False)
                    | models.Q(kind="topic", group__isnull=True)
                    | models.Q(kind="support", group__isnull=True)
                ),
                name="room_group_matches_kind",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind="support", member__isnull=False)
                    | (
                        ~models.Q(kind="support")
                        & models.Q(member__isnull=True, municipality__isnull=True)
                    )
                ),
                name="room_member_only_in_support",
            ),
            # One support conversation per member and unit: opening it again finds it.
            models.UniqueConstraint(
                fields=["member", "municipality"],
                condition=models.Q(kind="support", municipality__isnull=False),
                name="one_support_room_per_member_and_unit",
            ),
            models.UniqueConstraint(
                fields=["member"],
                condition=models.Q(kind="support", municipality__isnull=True),
                name="one_support_room_per_member_without_unit",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Message(models.Model):
    class State(models.TextChoices):
        VISIBLE = "visible", _("Visible")
        DELETED = "deleted", _("Deleted by the author")
        HIDDEN = "hidden", _("Hidden by a moderator")
        HELD = "held", _("Held for review")

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="messages")
    seq = models.BigIntegerField(_("number in room"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="messages"
    )
    body = models.TextField(_("text"), max_length=BODY_MAX_LENGTH, blank=True)
    client_id = models.CharField(_("client id"), max_length=64)
    reply_to = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="replies"
    )
    meetup = models.ForeignKey(
        "groups.Meetup",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Set on the card posted when a meetup is scheduled, changed or cancelled."),
    )
    card = models.JSONField(
        _("card"),
        null=True,
        blank=True,
        help_text=_(
            "What a meetup card says, as data, so each reader gets it in their own language."
        ),
    )
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.VISIBLE)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)

    class Meta:
        ordering = ["room", "seq"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        constraints = [
            models.UniqueConstraint(fields=["room", "seq"], name="message_seq_unique_in_room"),
            models.UniqueConstraint(
                fields=["author", "client_id"], name="message_client_id_unique_per_author"
            ),
        ]
        indexes = [
            models.Index(fields=["room", "author", "-seq"]),
            # the hourly retention purge finds what is past its period without a full scan
            models.Index(fields=["created_at"], name="message_created_at"),
        ]

    def __str__(self) -> str:
        return f"{self.room_id}#{self.seq}"


class Reaction(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reactions"
    )
    emoji = models.CharField(_("emoji"), max_length=8, choices=[(e, e) for e in EMOJI])
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("reaction")
        verbose_name_plural = _("reactions")
        constraints = [
            models.UniqueConstraint(
                fields=["message", "user", "emoji"], name="one_reaction_per_emoji"
            )
        ]

    def __str__(self) -> str:
        return f"{self.emoji} on {self.message_id}"


class ReadState(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="read_states"
    )
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="read_states")
    last_read_seq = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "room"], name="one_read_state_per_room")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.room_id} to {self.last_read_seq}"


class MutedMember(models.Model):
    """A member's private choice never to see another member's messages or reactions."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mutes"
    )
    muted = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="muted_by"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "muted"], name="mute_once"),
            models.CheckConstraint(
                condition=~models.Q(user=models.F("muted")), name="mute_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} mutes {self.muted_id}"


class MentionSent(models.Model):
    """Who a message's @mention has notified: once per message and person, however often
    the message is edited, held and let through."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message", "user"], name="one_mention_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.message_id} mentioned {self.user_id}"
