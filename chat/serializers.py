"""Shapes of chat over REST: query parsing, and the payloads for the OpenAPI schema.

Payloads themselves are built by ``chat.selectors`` (one builder for socket and REST);
these serializers describe them, and a test keeps the two in step.
"""

from rest_framework import serializers

from chat.models import EMOJI, Message, Room
from chat.policies import MESSAGE_ACTIONS
from chat.selectors import PAGE_LIMIT
from community.rest import IdField
from groups.serializers import MeetupSummarySerializer


class AuthorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField()


class ReactionSummarySerializer(serializers.Serializer):
    emoji = serializers.ChoiceField(choices=EMOJI)
    count = serializers.IntegerField()
    users = serializers.ListField(child=serializers.IntegerField())


class MeetupCardSerializer(serializers.Serializer):
    event = serializers.ChoiceField(choices=["created", "updated", "cancelled"])
    title = serializers.CharField()
    starts_at = serializers.DateTimeField()
    place = serializers.CharField()
    repeats = serializers.IntegerField(required=False, help_text="How many times it repeats.")
    reason = serializers.CharField(required=False, help_text="Why it was cancelled.")


class MessageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    room = serializers.IntegerField()
    seq = serializers.IntegerField()
    author = AuthorSerializer()
    body = serializers.CharField()
    reply_to = serializers.IntegerField(allow_null=True)
    reactions = ReactionSummarySerializer(many=True)
    state = serializers.ChoiceField(choices=Message.State.choices)
    created_at = serializers.DateTimeField()
    edited_at = serializers.DateTimeField(allow_null=True)
    meetup = MeetupSummarySerializer(
        allow_null=True, help_text="Set on the card of a scheduled, changed or cancelled meetup."
    )
    card = MeetupCardSerializer(
        allow_null=True,
        help_text="What a meetup card says, as data: clients write it out in the reader's "
        "language (`body` is the same in the site language).",
    )
    actions = serializers.ListField(
        child=serializers.ChoiceField(choices=MESSAGE_ACTIONS),
        help_text="What the reader may do with the message; clients show these, nothing else.",
    )


class CrisisCardStateSerializer(serializers.Serializer):
    categories = serializers.ListField(child=serializers.CharField())
    until = serializers.DateTimeField(help_text="Until when the card stays offered here.")


class RoomSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=Room.Kind.choices)
    topic = serializers.CharField()
    last_seq = serializers.IntegerField()
    unread = serializers.IntegerField()
    can_post = serializers.BooleanField()
    is_locked = serializers.BooleanField()
    slow_mode_seconds = serializers.IntegerField()
    next_meetup = MeetupSummarySerializer(allow_null=True)
    muted = serializers.BooleanField(
        help_text="The viewer is muted here (in the room or its group): they read, not write."
    )
    muted_until = serializers.DateTimeField(
        allow_null=True, help_text="When the viewer's mute here ends; null if not muted."
    )
    crisis_card = CrisisCardStateSerializer(
        allow_null=True,
        help_text="The viewer was shown a crisis card here lately: support stays offered.",
    )
    last_message = MessageSerializer(allow_null=True)


class RoomListSerializer(serializers.Serializer):
    results = RoomSerializer(many=True)
    next = serializers.CharField(allow_null=True)


class MessagePageSerializer(serializers.Serializer):
    results = MessageSerializer(many=True)
    next = serializers.CharField(
        allow_null=True, help_text="Query string for the next page in the same direction."
    )
    has_more = serializers.BooleanField()


class MessagePageQuerySerializer(serializers.Serializer):
    after_seq = IdField(min_value=0, required=False)
    before_seq = IdField(required=False)
    limit = serializers.IntegerField(min_value=1, max_value=PAGE_LIMIT, default=50)

    def validate(self, attrs):
        if "after_seq" in attrs and "before_seq" in attrs:
            raise serializers.ValidationError("Give after_seq or before_seq, not both.")
        return attrs


class ReadSerializer(serializers.Serializer):
    seq = IdField(min_value=0)


class ReadResultSerializer(serializers.Serializer):
    room = serializers.IntegerField()
    seq = serializers.IntegerField()
    unread = serializers.IntegerField()


class MuteSerializer(serializers.Serializer):
    user = IdField()


class MutedMemberSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="muted_id")
    display_name = serializers.CharField(source="muted.display_name")


class MutedListSerializer(serializers.Serializer):
    results = MutedMemberSerializer(many=True)
    next = serializers.CharField(allow_null=True)


class PrivacySerializer(serializers.Serializer):
    hide_typing = serializers.BooleanField(required=False)
    hide_read_position = serializers.BooleanField(required=False)
