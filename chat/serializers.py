"""Shapes of chat over REST: query parsing, and the payloads for the OpenAPI schema.

Payloads themselves are built by ``chat.selectors`` (one builder for socket and REST);
these serializers describe them, and a test keeps the two in step.
"""

from rest_framework import serializers

from chat.models import EMOJI, Message, Room
from chat.selectors import PAGE_LIMIT


class AuthorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField()


class ReactionSummarySerializer(serializers.Serializer):
    emoji = serializers.ChoiceField(choices=EMOJI)
    count = serializers.IntegerField()
    users = serializers.ListField(child=serializers.IntegerField())


class PlaceSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class LimitedMeetupFields(serializers.Serializer):
    """A meetup of a group with members under 18, seen by someone outside it, has only
    ``id, group, kind, status, day, municipality, url`` and ``limited: true``."""

    day = serializers.DateField(required=False, help_text="Only in a limited meetup.")
    municipality = PlaceSerializer(
        required=False, allow_null=True, help_text="Only in a limited meetup."
    )
    limited = serializers.BooleanField(required=False, help_text="True in a limited meetup.")


class MeetupSummarySerializer(LimitedMeetupFields):
    id = serializers.IntegerField()
    group = serializers.IntegerField()
    title = serializers.CharField()
    kind = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    venue_name = serializers.CharField()
    status = serializers.CharField()
    url = serializers.CharField()


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
    after_seq = serializers.IntegerField(min_value=0, required=False)
    before_seq = serializers.IntegerField(min_value=1, required=False)
    limit = serializers.IntegerField(min_value=1, max_value=PAGE_LIMIT, default=50)

    def validate(self, attrs):
        if "after_seq" in attrs and "before_seq" in attrs:
            raise serializers.ValidationError("Give after_seq or before_seq, not both.")
        return attrs


class ReadSerializer(serializers.Serializer):
    seq = serializers.IntegerField(min_value=0)


class ReadResultSerializer(serializers.Serializer):
    room = serializers.IntegerField()
    seq = serializers.IntegerField()
    unread = serializers.IntegerField()


class MuteSerializer(serializers.Serializer):
    user = serializers.IntegerField(min_value=1)


class MutedMemberSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="muted_id")
    display_name = serializers.CharField(source="muted.display_name")


class MutedListSerializer(serializers.Serializer):
    results = MutedMemberSerializer(many=True)
    next = serializers.CharField(allow_null=True)


class PrivacySerializer(serializers.Serializer):
    hide_typing = serializers.BooleanField(required=False)
    hide_read_position = serializers.BooleanField(required=False)
