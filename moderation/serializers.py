"""Shapes of moderation over REST: what requests may carry, and the payloads.

Payloads are built by ``moderation.selectors`` (one builder for REST and socket); the output
serializers here describe them for the OpenAPI schema, and a test keeps the two in step.
Who may do what lives in policies and services, not here.
"""

from datetime import datetime

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from chat.models import BODY_MAX_LENGTH
from chat.serializers import AuthorSerializer, MessageSerializer
from community.bounds import ID_MAX
from community.rest import IdField, next_field
from community.serializers import MunicipalityCodeField
from moderation.models import CrisisContact, QueueItem, Report, Sanction, WordRule
from moderation.services.members import MESSAGE_MAX as MEMBER_MESSAGE_MAX
from moderation.services.members import MUTE_MINUTES_MAX
from moderation.services.rooms import SLOW_MODE_MAX

PAGE_LIMIT = 50
PAGE_LIMIT_MAX = 100
REASON_MAX = 1000


@extend_schema_field(
    {"type": "string", "enum": QueueItem.Status.values}, component_name="QueueStatus"
)
class QueueStatusField(serializers.ChoiceField):
    """Their own schema names: other apps have a ``status`` and an ``action`` too."""

    def __init__(self, **kwargs):
        super().__init__(choices=QueueItem.Status.choices, **kwargs)


RESOLVED = [QueueItem.Status.ACTIONED, QueueItem.Status.DISMISSED]


@extend_schema_field({"type": "string", "enum": RESOLVED}, component_name="ResolveStatus")
class ResolveStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=RESOLVED, **kwargs)


@extend_schema_field(
    {"type": "string", "enum": WordRule.Action.values}, component_name="WordRuleAction"
)
class WordRuleActionField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=WordRule.Action.choices, **kwargs)


# --- requests -----------------------------------------------------------------------------

# The crisis situations a card and a crisis contact are for (one enum in the schema).
CRISIS_CATEGORIES = [WordRule.Category.CRISIS_SELF, WordRule.Category.CRISIS_OTHER]


class ReportSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=Report.Reason.choices)
    note = serializers.CharField(max_length=1000, allow_blank=True, required=False, default="")


class QueueCursorField(serializers.CharField):
    """``<priority>_<created_at>_<id>``: the sort key of the last item seen."""

    default_error_messages = {"invalid": _("Use the `next` link as it is.")}

    def to_internal_value(self, data) -> tuple[int, datetime, int]:
        try:
            priority, created_at, pk = super().to_internal_value(data).split("_")
            moment = datetime.fromisoformat(created_at)
            cursor = int(priority), moment, int(pk)
        except ValueError:
            self.fail("invalid")
        if moment.tzinfo is None or not 0 <= cursor[2] <= ID_MAX or abs(cursor[0]) > 32767:
            self.fail("invalid")
        return cursor


class QueueQuerySerializer(serializers.Serializer):
    status = QueueStatusField(required=False, default=QueueItem.Status.OPEN)
    priority = serializers.ChoiceField(choices=QueueItem.Priority.choices, required=False)
    room = IdField(required=False)
    after = QueueCursorField(required=False, max_length=80, help_text="Cursor from `next`.")
    limit = serializers.IntegerField(
        min_value=1, max_value=PAGE_LIMIT_MAX, required=False, default=PAGE_LIMIT
    )


ACTION_FIELDS = {
    "hide": ("message",),
    "unhide": ("message",),
    "approve": ("message",),
    "delete": ("message",),
    "pin": ("message",),
    "unpin": ("message",),
    "warn": ("member",),
    "mute": ("member", "minutes"),
    "unmute": ("sanction",),
    "unban": ("sanction",),
    "unsuspend": ("sanction",),
    "ban": ("member", "group"),
    "suspend": ("member",),
    "lock": ("room",),
    "unlock": ("room",),
    "slow_mode": ("room", "seconds"),
    "resolve": ("item", "status"),
}
SCOPED_ACTIONS = ("warn", "mute")  # in one room or in a whole group


@extend_schema_field(
    {"type": "string", "enum": list(ACTION_FIELDS)}, component_name="ModerationAction"
)
class ModerationActionField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=list(ACTION_FIELDS), **kwargs)


class TextField(serializers.CharField):
    """Text only: a number or a list is refused, not turned into a string."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


MEMBER_MESSAGE_ACTIONS = ("warn", "mute")  # the actions that speak to the member


class ActionSerializer(serializers.Serializer):
    """One moderator action; which of the optional fields it needs depends on ``action``."""

    action = ModerationActionField()
    reason = serializers.CharField(
        max_length=REASON_MAX,
        help_text="Why: it goes in the audit log, which only staff read. Required.",
    )
    member_message = TextField(
        max_length=MEMBER_MESSAGE_MAX,
        required=False,
        allow_blank=True,
        help_text="Warn and mute: what the member reads. Optional; without it they get a "
        "neutral standard text. The reason never reaches them.",
    )
    message = IdField(required=False)
    member = IdField(required=False)
    room = IdField(required=False)
    group = IdField(required=False)
    minutes = serializers.IntegerField(min_value=1, max_value=MUTE_MINUTES_MAX, required=False)
    seconds = serializers.IntegerField(min_value=0, max_value=SLOW_MODE_MAX, required=False)
    item = IdField(required=False, help_text="A queue item.")
    sanction = IdField(required=False)
    status = ResolveStatusField(required=False)

    def validate(self, attrs):
        action = attrs["action"]
        missing = {
            name: [_("Required for %(action)s.") % {"action": action}]
            for name in ACTION_FIELDS[action]
            if name not in attrs
        }
        if action in SCOPED_ACTIONS and ("room" in attrs) == ("group" in attrs):
            missing["room"] = [_("Give a room or a group, not both.")]
        if attrs.get("member_message") and action not in MEMBER_MESSAGE_ACTIONS:
            missing["member_message"] = [_("Only a warning or a mute sends a message.")]
        if missing:
            raise serializers.ValidationError(missing)
        return attrs


class AuditQuerySerializer(serializers.Serializer):
    actor = IdField(required=False)
    action = serializers.CharField(max_length=40, required=False)
    target_type = serializers.CharField(max_length=20, required=False)
    room = IdField(required=False)
    group = IdField(required=False)
    since = serializers.DateTimeField(required=False, help_text="From this moment, inclusive.")
    until = serializers.DateTimeField(required=False, help_text="Before this moment.")
    before_id = IdField(required=False, help_text="Cursor.")
    limit = serializers.IntegerField(
        min_value=1, max_value=PAGE_LIMIT_MAX, required=False, default=PAGE_LIMIT
    )

    def validate(self, attrs):
        if "since" in attrs and "until" in attrs and attrs["since"] >= attrs["until"]:
            raise serializers.ValidationError({"until": [_("Give a moment after `since`.")]})
        return attrs


class AfterQuerySerializer(serializers.Serializer):
    after = IdField(min_value=0, required=False, help_text="Cursor: an id.")


class WordRuleSerializer(serializers.ModelSerializer):
    """A word rule as staff see it; the pattern is checked again by the service."""

    action = WordRuleActionField()

    class Meta:
        model = WordRule
        fields = ["id", "pattern", "is_regex", "language", "category", "action", "is_active"]
        read_only_fields = ["id"]
        # The service answers a duplicate with 409, the one place that knows.
        validators = []


class RuleTrySerializer(serializers.Serializer):
    text = serializers.CharField(max_length=BODY_MAX_LENGTH, help_text="A sentence to try.")
    language = serializers.ChoiceField(
        choices=[code for code, _name in settings.LANGUAGES],
        required=False,
        help_text="Only the rules in this language; all rules when left out.",
    )


class RuleTryMatchSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    pattern = serializers.CharField()
    why = serializers.CharField(help_text="The words of the text the rule matched.")


class RuleTryResultSerializer(serializers.Serializer):
    action = WordRuleActionField(allow_null=True, help_text="Null: the text would be posted.")
    crisis = serializers.ListField(
        child=serializers.ChoiceField(choices=CRISIS_CATEGORIES),
        help_text="Crisis categories that would send the writer a card.",
    )
    rules = RuleTryMatchSerializer(many=True)


class MunicipalityCodeOnlyField(MunicipalityCodeField):
    """The code both ways, as everywhere in the API."""

    def to_representation(self, obj) -> str:
        return obj.code


class CrisisContactSerializer(serializers.ModelSerializer):
    municipality = MunicipalityCodeOnlyField(
        required=False, allow_null=True, help_text="Four-digit code; null for national lines."
    )
    situations = serializers.ListField(
        child=serializers.ChoiceField(choices=CRISIS_CATEGORIES),
        required=False,
        max_length=2,
        help_text="Empty for every crisis.",
    )
    order = serializers.IntegerField(min_value=0, max_value=32767, required=False)

    class Meta:
        model = CrisisContact
        fields = [
            "id",
            "name",
            "phone",
            "url",
            "hours",
            "hours_en",
            "audience",
            "situations",
            "municipality",
            "on_call",
            "order",
            "is_active",
        ]
        read_only_fields = ["id"]


# --- payloads -----------------------------------------------------------------------------


class ReportResultSerializer(serializers.Serializer):
    reported = serializers.BooleanField()


class QueueRoomSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class QueueItemSerializer(serializers.Serializer):
    """Never who reported: only how many and why."""

    id = serializers.IntegerField()
    status = QueueStatusField()
    priority = serializers.ChoiceField(choices=QueueItem.Priority.choices)
    source = serializers.ChoiceField(choices=QueueItem.Source.choices)
    count = serializers.IntegerField(help_text="How many members reported it.")
    reasons = serializers.ListField(child=serializers.CharField())
    rule = serializers.CharField(help_text="What a rule caught, if a rule queued it.")
    auto_hidden = serializers.BooleanField()
    room = QueueRoomSerializer()
    message = MessageSerializer()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class QueuePageSerializer(serializers.Serializer):
    results = QueueItemSerializer(many=True)
    next = next_field()


class ReportedItemSerializer(serializers.Serializer):
    queue_item = serializers.IntegerField()
    room = serializers.CharField()
    count = serializers.IntegerField()
    reasons = serializers.ListField(child=serializers.CharField())
    status = QueueStatusField()
    created_at = serializers.DateTimeField()


class SanctionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Sanction.Kind.choices)
    room = serializers.IntegerField(allow_null=True)
    group = serializers.IntegerField(allow_null=True)
    reason = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField(allow_null=True)
    lifted_at = serializers.DateTimeField(allow_null=True)


class BirthYearCorrectionSerializer(serializers.Serializer):
    birth_year = serializers.IntegerField(min_value=1900, max_value=2100)
    reason = serializers.CharField(
        max_length=1000, help_text="Why it is corrected: goes to the audit log, staff only."
    )


class BirthYearCorrectedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    age_band = serializers.CharField(help_text='The corrected age as staff see it: "18–25".')
    ended = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="Groups whose age band the corrected age no longer fits: membership ended.",
    )


class MemberHistorySerializer(serializers.Serializer):
    reports = ReportedItemSerializer(many=True, help_text="Their reported messages, newest first.")
    sanctions = SanctionSerializer(many=True)


class ReportNoteSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=Report.Reason.choices)
    note = serializers.CharField()
    created_at = serializers.DateTimeField()


class QueueDetailSerializer(serializers.Serializer):
    item = QueueItemSerializer()
    context = MessageSerializer(many=True, help_text="The messages around it, held ones too.")
    notes = ReportNoteSerializer(
        many=True, help_text="What reporters wrote, newest first; never who reported."
    )
    history = MemberHistorySerializer(help_text="The author's history.")


class RoomStateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    is_locked = serializers.BooleanField()
    slow_mode_seconds = serializers.IntegerField()
    pinned_message = serializers.IntegerField(allow_null=True)


class ActionResultSerializer(serializers.Serializer):
    action = ModerationActionField()
    ok = serializers.BooleanField()
    message = MessageSerializer(required=False, help_text="After message actions.")
    sanction = SanctionSerializer(required=False, help_text="After member actions.")
    room = RoomStateSerializer(required=False, help_text="After room actions and pins.")
    item = QueueItemSerializer(required=False, help_text="After resolve.")


class AuditEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    actor = AuthorSerializer(allow_null=True, help_text="Null when an automatic rule acted.")
    action = serializers.CharField()
    target_type = serializers.CharField()
    target_id = serializers.CharField()
    reason = serializers.CharField()
    details = serializers.DictField()
    room = serializers.IntegerField(allow_null=True)
    group = serializers.IntegerField(allow_null=True)


class AuditPageSerializer(serializers.Serializer):
    results = AuditEntrySerializer(many=True)
    next = next_field()


class WordRuleListSerializer(serializers.Serializer):
    results = WordRuleSerializer(many=True)
    next = next_field()


class CrisisContactListSerializer(serializers.Serializer):
    results = CrisisContactSerializer(many=True)
    next = next_field()
