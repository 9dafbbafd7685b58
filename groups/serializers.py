"""Shapes of groups and meetups over REST: what requests may carry, and the payloads.

Payloads are built by ``groups.selectors`` (one builder for API and pages); the output
serializers here describe them for the OpenAPI schema, and a test keeps the two in step.
Rules (who may, capacity, age bands) live in policies and services, not here.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from community.rest import IdField, next_field
from community.serializers import MunicipalityCodeField, OrganisationRefSerializer
from groups.models import Meetup, PeerGroup, Theme
from groups.services.meetups import MAX_OCCURRENCES
from groups.services.membership import INVITATION_DAYS_MAX

PAGE_LIMIT = 50
MEMBER_PAGE_LIMIT = 100
MARK_READ_MAX = 500
MEMBER_CAP_MAX = 10_000  # a peer group, not a crowd; also keeps the number in its column


# --- requests -----------------------------------------------------------------------------


def _choices(component: str, choices) -> type[serializers.ChoiceField]:
    """A choice field with its own name in the schema: other apps have fields called
    ``kind`` or ``status`` with other choices, and those must never collide."""

    @extend_schema_field(
        {"type": "string", "enum": [value for value, _label in choices]}, component_name=component
    )
    class NamedChoiceField(serializers.ChoiceField):
        def __init__(self, **kwargs):
            super().__init__(choices=choices, **kwargs)

    return NamedChoiceField


ThemeField = _choices("GroupTheme", Theme.choices)
JoiningField = _choices("GroupJoining", PeerGroup.Joining.choices)
MeetupKindField = _choices("MeetupKind", Meetup.Kind.choices)
RecurrenceField = _choices("MeetupRecurrence", Meetup.Recurrence.choices)
RsvpAnswerField = _choices("RsvpAnswer", [("going", "going"), ("not_going", "not_going")])


class GroupDirectoryQuerySerializer(serializers.Serializer):
    theme = ThemeField(required=False)
    municipality = MunicipalityCodeField(
        required=False, help_text="Four-digit code: its groups and the online ones."
    )
    age = serializers.IntegerField(min_value=13, max_value=120, required=False)
    has_upcoming = serializers.BooleanField(required=False, allow_null=True, default=None)
    after = IdField(min_value=0, required=False, help_text="Cursor: a group id.")


class GroupCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    description = serializers.CharField(allow_blank=True, required=False, default="")
    themes = serializers.ListField(child=ThemeField(), required=False, default=list)
    municipality = MunicipalityCodeField(
        allow_null=True, required=False, default=None, help_text="Null for online groups."
    )
    min_age = serializers.IntegerField(min_value=13, max_value=120, required=False, default=13)
    max_age = serializers.IntegerField(min_value=13, max_value=120, required=False, default=30)
    joining = JoiningField(required=False, default=PeerGroup.Joining.OPEN)
    member_cap = serializers.IntegerField(
        min_value=1, max_value=MEMBER_CAP_MAX, allow_null=True, required=False, default=None
    )
    rules = serializers.CharField(allow_blank=True, required=False, default="")

    def validate(self, attrs):
        if attrs["min_age"] > attrs["max_age"]:
            raise serializers.ValidationError(
                {"max_age": [_("The oldest age must be at least the youngest.")]}
            )
        return attrs


class GroupJoinSerializer(serializers.Serializer):
    message = serializers.CharField(
        max_length=1000, allow_blank=True, required=False, default="", trim_whitespace=True
    )
    invitation = serializers.CharField(
        max_length=64, required=False, allow_null=True, default=None, help_text="Token."
    )


class MemberQuerySerializer(serializers.Serializer):
    after = serializers.CharField(
        max_length=30, required=False, help_text="Cursor: the last display name seen."
    )


class AfterIdQuerySerializer(serializers.Serializer):
    after = IdField(min_value=0, required=False, help_text="Cursor: an id.")


class DecisionSerializer(serializers.Serializer):
    message = serializers.CharField(max_length=1000, allow_blank=True, required=False, default="")


class InvitationCreateSerializer(serializers.Serializer):
    days = serializers.IntegerField(
        min_value=1, max_value=INVITATION_DAYS_MAX, required=False, default=7
    )


class MeetupQuerySerializer(serializers.Serializer):
    group = serializers.PrimaryKeyRelatedField(
        queryset=PeerGroup.objects.filter(is_archived=False), required=False, pk_field=IdField()
    )
    municipality = MunicipalityCodeField(
        required=False, help_text="Four-digit code: its meetups and the online groups'."
    )
    mine = serializers.BooleanField(required=False, default=False)


class MeetupFieldsSerializer(serializers.Serializer):
    """What hosts write about a meetup. Times without an offset are read as Stockholm time."""

    title = serializers.CharField(max_length=140)
    description = serializers.CharField(allow_blank=True, required=False, default="")
    kind = MeetupKindField(required=False, default=Meetup.Kind.PEER_MEETING)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    venue_name = serializers.CharField(max_length=140)
    venue_address = serializers.CharField(
        max_length=200, allow_blank=True, required=False, default=""
    )
    accessibility_notes = serializers.CharField(allow_blank=True, required=False, default="")
    directions_url = serializers.URLField(
        max_length=200, allow_blank=True, required=False, default=""
    )
    capacity = serializers.IntegerField(min_value=1, max_value=10_000)
    rsvp_deadline = serializers.DateTimeField(allow_null=True, required=False, default=None)


class MeetupCreateSerializer(MeetupFieldsSerializer):
    group = IdField()
    recurrence = RecurrenceField(allow_blank=True, required=False, default="")
    occurrences = serializers.IntegerField(
        min_value=1, max_value=MAX_OCCURRENCES, required=False, default=1
    )


class MeetupCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)


class NeedsSerializer(serializers.Serializer):
    respite = serializers.BooleanField(required=False, default=False)
    company = serializers.BooleanField(required=False, default=False)
    accessibility = serializers.CharField(
        max_length=500, allow_blank=True, required=False, default=""
    )
    note = serializers.CharField(max_length=1000, allow_blank=True, required=False, default="")


class RsvpRequestSerializer(serializers.Serializer):
    status = RsvpAnswerField()
    needs = NeedsSerializer(required=False)


class CheckinSerializer(serializers.Serializer):
    rsvp = IdField(required=False)
    code = serializers.CharField(min_length=4, max_length=8, required=False)

    def validate(self, attrs):
        if ("rsvp" in attrs) == ("code" in attrs):
            raise serializers.ValidationError(_("Give either rsvp or code."))
        return attrs


class NotificationQuerySerializer(serializers.Serializer):
    before_id = IdField(required=False)


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=IdField(), max_length=MARK_READ_MAX, required=False, help_text="These ones read."
    )
    all = serializers.BooleanField(required=False, help_text="`true`: every one read.")

    def validate(self, attrs):
        if ("ids" in attrs) == bool(attrs.get("all")):
            raise serializers.ValidationError(
                {"non_field_errors": [_("Give either the ids to mark read or all: true.")]}
            )
        return attrs


# --- payloads -----------------------------------------------------------------------------


class MunicipalityRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class MyMembershipSerializer(serializers.Serializer):
    role = serializers.CharField(help_text="member, moderator or host")
    status = serializers.CharField()


class GroupSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    themes = serializers.ListField(child=serializers.CharField())
    municipality = MunicipalityRefSerializer(allow_null=True)
    organisation = OrganisationRefSerializer()
    min_age = serializers.IntegerField()
    max_age = serializers.IntegerField()
    joining = serializers.CharField(help_text="open, request or invitation")
    member_cap = serializers.IntegerField(allow_null=True)
    member_count = serializers.IntegerField()
    rules = serializers.CharField()
    is_archived = serializers.BooleanField()
    my_membership = MyMembershipSerializer(allow_null=True)


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
    """A meetup in a line: on room cards, group pages, support articles."""

    id = serializers.IntegerField()
    group = serializers.IntegerField()
    title = serializers.CharField()
    kind = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    venue_name = serializers.CharField()
    status = serializers.CharField()
    url = serializers.CharField()


class GroupRoomRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class GroupDetailSerializer(GroupSerializer):
    next_meetups = MeetupSummarySerializer(many=True)
    rooms = GroupRoomRefSerializer(many=True, help_text="Only for members; empty otherwise.")


class JoinResultSerializer(serializers.Serializer):
    status = serializers.CharField(help_text="member (200) or pending (202)")


class MemberSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField()
    role = serializers.CharField()


class PersonRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField()


class JoinRequestSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    user = PersonRefSerializer()
    message = serializers.CharField()
    created_at = serializers.DateTimeField()
    eligible = serializers.BooleanField(help_text="Whether the person may join today.")
    age_band_ok = serializers.BooleanField(
        help_text="Whether the person's age today fits the group's age band."
    )


class DecisionResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField(help_text="approved or declined")


class InvitationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    token = serializers.CharField()
    url = serializers.CharField()
    expires_at = serializers.DateTimeField()


class GroupRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class VenueSerializer(serializers.Serializer):
    name = serializers.CharField()
    address = serializers.CharField()
    accessibility_notes = serializers.CharField()
    directions_url = serializers.CharField()


class RsvpResultSerializer(serializers.Serializer):
    status = serializers.CharField(help_text="going, waitlisted or not_going")
    waitlist_position = serializers.IntegerField(allow_null=True)
    checkin_code = serializers.CharField(allow_null=True, help_text="Shown at the door.")


class MyRsvpSerializer(RsvpResultSerializer):
    needs = NeedsSerializer()


class MeetupSerializer(LimitedMeetupFields):
    """Everything, or (``limited``) only where and which day: see ``LimitedMeetupFields``."""

    id = serializers.IntegerField()
    group = GroupRefSerializer()
    title = serializers.CharField()
    kind = serializers.CharField(help_text="peer_meeting, lecture or activity")
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    venue_name = serializers.CharField()
    status = serializers.CharField(help_text="scheduled or cancelled")
    url = serializers.CharField()
    description = serializers.CharField()
    venue = VenueSerializer()
    capacity = serializers.IntegerField()
    going_count = serializers.IntegerField()
    waitlist_count = serializers.IntegerField()
    spots_left = serializers.IntegerField()
    rsvp_deadline = serializers.DateTimeField(allow_null=True)
    recurrence = serializers.CharField()
    series = serializers.UUIDField(allow_null=True)
    cancel_reason = serializers.CharField()
    my_rsvp = MyRsvpSerializer(allow_null=True)


class MeetupCreatedSerializer(serializers.Serializer):
    results = MeetupSerializer(many=True, help_text="One per occurrence, first first.")


class NeedsPersonSerializer(serializers.Serializer):
    rsvp = serializers.IntegerField()
    display_name = serializers.CharField()
    status = serializers.CharField(help_text="going or waitlisted")
    respite = serializers.BooleanField()
    company = serializers.BooleanField()
    accessibility = serializers.CharField()
    note = serializers.CharField()
    checked_in = serializers.BooleanField()


class NeedsOverviewSerializer(serializers.Serializer):
    meetup = serializers.IntegerField()
    going = serializers.IntegerField()
    waitlisted = serializers.IntegerField()
    respite = serializers.IntegerField()
    company = serializers.IntegerField()
    accessibility = serializers.IntegerField()
    people = NeedsPersonSerializer(many=True)


class CheckinResultSerializer(serializers.Serializer):
    rsvp = serializers.IntegerField()
    display_name = serializers.CharField()
    checked_in = serializers.BooleanField()


class CalendarFeedSerializer(serializers.Serializer):
    url = serializers.CharField(help_text="Private address of my calendar; keep it secret.")


class AttendanceSerializer(serializers.Serializer):
    group = GroupRefSerializer()
    month = serializers.CharField(help_text="YYYY-MM")
    going = serializers.IntegerField()
    attended = serializers.IntegerField()


class NotificationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField()
    body = serializers.CharField()
    url = serializers.CharField()
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)


class MarkReadResultSerializer(serializers.Serializer):
    marked = serializers.IntegerField()


class GroupListSerializer(serializers.Serializer):
    results = GroupSerializer(many=True)
    next = next_field()


class MemberListSerializer(serializers.Serializer):
    results = MemberSerializer(many=True)
    next = next_field()


class JoinRequestListSerializer(serializers.Serializer):
    results = JoinRequestSerializer(many=True)
    next = next_field()


class MeetupListSerializer(serializers.Serializer):
    results = MeetupSerializer(many=True)
    next = next_field()


class AttendanceListSerializer(serializers.Serializer):
    results = AttendanceSerializer(many=True)
    next = next_field()


class NotificationListSerializer(serializers.Serializer):
    results = NotificationSerializer(many=True)
    next = next_field()
    unread = serializers.IntegerField(help_text="How many of all one's notifications are unread.")
