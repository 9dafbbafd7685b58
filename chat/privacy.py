"""What chat holds about one person, for the data export and erasure (``community.privacy``)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chat.models import MentionSent, Message, MutedMember, Reaction, ReadState, Room
from community.privacy import Erase, Holding, register

SUPPORT = Q(room__kind=Room.Kind.SUPPORT)
ERASED_ROOM_NAME = "Borttagen medlem"  # a stored name, like every room's: in Swedish
MESSAGE_FIELDS = ("room", "seq", "body", "reply_to", "meetup", "state", "created_at", "edited_at")
# a meetup card's data (a host's announcement, the meetup's title, time and place)
MESSAGE_NOT_PERSONAL = ("client_id", "card")

register(
    Holding(
        model=Message,
        section="messages",
        title=_("Messages you wrote"),
        erase=Erase.KEEP,
        owner="author",
        scope=~SUPPORT,
        exported=MESSAGE_FIELDS,
        not_personal=MESSAGE_NOT_PERSONAL,  # the app's retry key; a card's meetup data
        why="Others' conversations stay readable; the author shows as 'deleted member'.",
    ),
    Holding(
        model=Message,
        section="support_messages",
        name="support",
        title=_("What you wrote in support conversations"),
        erase=Erase.BLANK,
        owner="author",
        scope=SUPPORT,
        exported=MESSAGE_FIELDS,
        not_personal=MESSAGE_NOT_PERSONAL,
        blank={"body": "", "state": Message.State.DELETED, "edited_at": None},
        why="A private conversation: the person's own words go, the place in it stays.",
    ),
    Holding(
        model=Room,
        section="support_rooms",
        title=_("Your support conversations"),
        erase=Erase.BLANK,
        owner="member",
        exported=("name", "kind", "municipality", "is_archived", "created_at"),
        not_personal=(
            "slug",
            "topic",
            "group",
            "is_locked",
            "slow_mode_seconds",
            "last_seq",
            "pinned_message",
        ),
        blank={"name": ERASED_ROOM_NAME, "is_archived": True},
        why="Staff's messages stay with the unit (a safeguarding record); the room's name "
        "was the person's display name.",
    ),
    Holding(
        model=Reaction,
        section="reactions",
        title=_("Your reactions"),
        erase=Erase.DELETE,
        exported=("message", "emoji", "created_at"),
    ),
    Holding(
        model=ReadState,
        section="read_positions",
        title=_("How far you have read"),
        erase=Erase.DELETE,
        exported=("room", "last_read_seq"),
    ),
    Holding(
        model=MutedMember,
        section="muted_members",
        title=_("Members you muted"),
        erase=Erase.DELETE,
        exported=("muted", "created_at"),
    ),
    Holding(
        model=MutedMember,
        section=None,
        title=_("Members who muted you"),
        erase=Erase.DELETE,
        owner="muted",
        withheld=("user", "created_at"),
        why="Who muted someone is that member's own choice, never shown to the muted.",
    ),
    Holding(
        model=MentionSent,
        section=None,
        title=_("Mentions you were told of"),
        erase=Erase.DELETE,
        withheld=("message",),
        why="Only a guard against telling someone twice; the notification itself is exported.",
    ),
)
