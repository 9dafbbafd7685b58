"""Shapes of find-support over REST: what requests may carry, and the payloads.

Payloads are built by ``support.selectors`` (one builder for API and pages);
the output serializers here describe them for the OpenAPI schema, and a test keeps the two
in step. Rules (who may, which municipality) live in policies and services.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from community.models import CaresFor, Organisation, SituationTag, TalkRequest, Theme, Weekday
from community.rest import IdField, next_field
from community.serializers import MunicipalityCodeField, MunicipalitySerializer
from groups.serializers import MeetupSummarySerializer
from support.finder import Need

MAX_QUERY = 200


def _named_choice(name: str, choices: list, description: str = ""):
    """A choice field with its own schema component, so equal field names never collide."""

    @extend_schema_field(
        {
            "type": "string",
            "enum": [value for value, _label in choices],
            "description": description,
        },
        component_name=name,
    )
    class NamedChoiceField(serializers.ChoiceField):
        def __init__(self, **kwargs):
            super().__init__(choices=choices, **kwargs)

    NamedChoiceField.__name__ = f"{name}Field"
    return NamedChoiceField


CategoryField = _named_choice("SupportCategory", Theme.choices, "The carers' keywords.")
CaresForField = _named_choice("CaresForChoice", CaresFor.choices)
SituationField = _named_choice("SituationChoice", SituationTag.choices)
NeedField = _named_choice("FinderNeed", Need.choices)
OrganisationKindField = _named_choice("OrganisationKind", Organisation.Kind.choices)
ChannelField = _named_choice("TalkChannel", TalkRequest.Channel.choices)
TalkStatusField = _named_choice("TalkStatus", TalkRequest.Status.choices)


# --- requests -----------------------------------------------------------------------------


class OrganisationQuerySerializer(serializers.Serializer):
    municipality = MunicipalityCodeField(
        required=False, help_text="Four-digit code: its organisations and the national ones."
    )
    kind = OrganisationKindField(required=False)
    after = IdField(min_value=0, required=False, help_text="Cursor: an id.")


class HoursSerializer(serializers.Serializer):
    weekday = serializers.ChoiceField(
        choices=Weekday.choices, help_text="0 Monday … 6 Sunday, Stockholm time."
    )
    opens = serializers.TimeField(format="%H:%M", help_text="HH:MM")
    closes = serializers.TimeField(format="%H:%M", help_text="HH:MM")

    def validate(self, attrs):
        if attrs["closes"] <= attrs["opens"]:
            raise serializers.ValidationError(
                {"closes": [_("A stretch must end after it starts.")]}
            )
        return attrs


class OrganisationUpdateSerializer(serializers.Serializer):
    description = serializers.CharField(max_length=5000, allow_blank=True, required=False)
    phone = serializers.CharField(max_length=40, allow_blank=True, required=False)
    email = serializers.EmailField(max_length=254, allow_blank=True, required=False)
    website = serializers.URLField(max_length=200, allow_blank=True, required=False)
    address = serializers.CharField(max_length=200, allow_blank=True, required=False)
    staffed_hours = serializers.CharField(
        max_length=1000, allow_blank=True, required=False, help_text="Free text, as shown."
    )
    opening_hours = HoursSerializer(
        many=True, required=False, max_length=21, help_text="Replaces every staffed stretch."
    )
    on_call_email = serializers.EmailField(
        max_length=254,
        allow_blank=True,
        required=False,
        help_text="Alerted at once when an urgent crisis item waits. Never shown to members.",
    )


class EntryQuerySerializer(serializers.Serializer):
    q = serializers.CharField(
        max_length=MAX_QUERY,
        required=False,
        allow_blank=True,
        help_text="Words; with them, best match first and at most 50 results.",
    )
    category = CategoryField(required=False)
    municipality = MunicipalityCodeField(
        required=False, help_text="Four-digit code: its entries and the national ones."
    )
    age = serializers.IntegerField(min_value=1, max_value=120, required=False)
    cares_for = CaresForField(required=False)
    after = IdField(
        min_value=0, required=False, help_text="Cursor: an entry id (lists without words)."
    )


class LanguageCodeField(serializers.RegexField):
    def __init__(self, **kwargs):
        super().__init__(r"^[a-z]{2,3}$", max_length=3, **kwargs)


class EntryWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=160)
    summary = serializers.CharField(max_length=300)
    category = CategoryField()
    body = serializers.CharField(max_length=10000, allow_blank=True, required=False, default="")
    extra_categories = serializers.ListField(
        child=CategoryField(), required=False, default=list, max_length=10
    )
    min_age = serializers.IntegerField(
        min_value=0, max_value=120, allow_null=True, required=False, default=None
    )
    max_age = serializers.IntegerField(
        min_value=0, max_value=120, allow_null=True, required=False, default=None
    )
    cares_for = serializers.ListField(
        child=CaresForField(), required=False, default=list, max_length=6
    )
    situations = serializers.ListField(
        child=SituationField(), required=False, default=list, max_length=6
    )
    municipality = MunicipalityCodeField(
        allow_null=True, required=False, default=None, help_text="Null: the whole country."
    )
    phone = serializers.CharField(max_length=40, allow_blank=True, required=False, default="")
    email = serializers.EmailField(max_length=254, allow_blank=True, required=False, default="")
    website = serializers.URLField(max_length=200, allow_blank=True, required=False, default="")
    address = serializers.CharField(max_length=200, allow_blank=True, required=False, default="")
    opening_hours = serializers.CharField(
        max_length=1000, allow_blank=True, required=False, default=""
    )
    languages = serializers.ListField(
        child=LanguageCodeField(), required=False, default=list, max_length=20
    )
    is_municipal_service = serializers.BooleanField(required=False, default=False)
    how_to_apply = serializers.CharField(
        max_length=5000, allow_blank=True, required=False, default=""
    )
    is_crisis_line = serializers.BooleanField(required=False, default=False)
    is_published = serializers.BooleanField(required=False, default=True)


class FinderQuerySerializer(serializers.Serializer):
    cares_for = CaresForField(help_text="Whom you care for.")
    need = NeedField(help_text="What would help most now.")
    age = serializers.IntegerField(min_value=6, max_value=120)
    municipality = MunicipalityCodeField(
        required=False, allow_null=True, help_text="Four-digit code; leave out for none."
    )
    situation = SituationField(required=False, allow_null=True)


class FinderSaveSerializer(serializers.Serializer):
    cares_for = CaresForField()
    municipality = MunicipalityCodeField(required=False, allow_null=True, default=None)
    situation = SituationField(required=False, allow_null=True, default=None)


class TalkRequestQuerySerializer(serializers.Serializer):
    status = TalkStatusField(required=False)
    after = IdField(min_value=0, required=False, help_text="Cursor: an id.")


class TalkRequestCreateSerializer(serializers.Serializer):
    channel = ChannelField()
    preferred_times = serializers.CharField(max_length=500)
    topic = serializers.CharField(max_length=1000, allow_blank=True, required=False, default="")
    phone = serializers.CharField(
        max_length=40,
        allow_blank=True,
        required=False,
        default="",
        help_text="Needed when channel is phone.",
    )
    municipality = MunicipalityCodeField(
        required=False, default=None, help_text="Four-digit code; your own when left out."
    )


class TalkRequestUpdateSerializer(serializers.Serializer):
    status = TalkStatusField(required=False)
    internal_note = serializers.CharField(max_length=2000, allow_blank=True, required=False)

    def validate(self, attrs):
        if not attrs:
            raise serializers.ValidationError(_("Send a status, a note or both."))
        return attrs


class TalkProposalCreateSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField(help_text="When; read in Stockholm time if no offset.")
    message = serializers.CharField(max_length=1000)


class TalkProposalDeclineSerializer(serializers.Serializer):
    message = serializers.CharField(
        max_length=1000,
        allow_blank=True,
        required=False,
        default="",
        help_text="Optional: which times would suit better.",
    )


class ArticleQuerySerializer(serializers.Serializer):
    category = CategoryField(required=False)
    before = IdField(min_value=0, required=False, help_text="Cursor: an id.")


class ArticleWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=160)
    summary = serializers.CharField(max_length=300, allow_blank=True, required=False, default="")
    body_markdown = serializers.CharField(max_length=20000, help_text="Markdown.")
    categories = serializers.ListField(
        child=CategoryField(), required=False, default=list, max_length=10
    )
    meetups = serializers.ListField(
        child=IdField(),
        required=False,
        default=list,
        max_length=20,
        help_text="Ids of your organisation's lecture meetups.",
    )
    is_published = serializers.BooleanField(required=False, default=False)


# --- payloads -----------------------------------------------------------------------------


class HoursOutSerializer(serializers.Serializer):
    weekday = serializers.IntegerField(help_text="0 Monday … 6 Sunday")
    opens = serializers.CharField(help_text="HH:MM, Stockholm time")
    closes = serializers.CharField(help_text="HH:MM, Stockholm time")


class OrganisationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField(help_text="municipal_unit, association, region or national")
    municipality = MunicipalitySerializer(allow_null=True)
    description = serializers.CharField()
    phone = serializers.CharField()
    email = serializers.CharField()
    website = serializers.CharField()
    address = serializers.CharField()
    staffed_hours = serializers.CharField(help_text="Free text, as the organisation wrote it.")
    opening_hours = HoursOutSerializer(many=True)
    staffed_hours_text = serializers.ListField(child=serializers.CharField())
    is_staffed_now = serializers.BooleanField()
    url = serializers.CharField()


class EntryRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()
    summary = serializers.CharField()
    category = serializers.CharField()
    url = serializers.CharField()


class ArticleRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()
    summary = serializers.CharField()
    categories = serializers.ListField(child=serializers.CharField())
    url = serializers.CharField()


class GroupLinkSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    url = serializers.CharField()


class OrganisationDetailSerializer(OrganisationSerializer):
    on_call_email = serializers.CharField(
        required=False, help_text="Only for the organisation's own coordinators."
    )
    entries = EntryRefSerializer(many=True)
    articles = ArticleRefSerializer(many=True)
    groups = GroupLinkSerializer(many=True)
    meetups = MeetupSummarySerializer(many=True)


class OrganisationListSerializer(serializers.Serializer):
    results = OrganisationSerializer(many=True)
    next = next_field()


class SupportOrganisationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()


class EntrySerializer(EntryRefSerializer):
    organisation = SupportOrganisationRefSerializer()
    body = serializers.CharField()
    extra_categories = serializers.ListField(child=serializers.CharField())
    min_age = serializers.IntegerField(allow_null=True)
    max_age = serializers.IntegerField(allow_null=True)
    cares_for = serializers.ListField(child=serializers.CharField(), help_text="Empty: everyone.")
    situations = serializers.ListField(
        child=serializers.CharField(), help_text="Empty: every situation."
    )
    municipality = MunicipalitySerializer(allow_null=True, help_text="Null: the whole country.")
    phone = serializers.CharField()
    email = serializers.CharField()
    website = serializers.CharField()
    address = serializers.CharField()
    opening_hours = serializers.CharField()
    languages = serializers.ListField(child=serializers.CharField())
    is_municipal_service = serializers.BooleanField()
    how_to_apply = serializers.CharField()
    is_crisis_line = serializers.BooleanField()
    last_checked_at = serializers.DateField()
    verify_before_production = serializers.BooleanField()
    is_published = serializers.BooleanField()


class EntryListSerializer(serializers.Serializer):
    results = EntrySerializer(many=True)
    next = next_field()


class NextStepSerializer(serializers.Serializer):
    label = serializers.CharField(help_text="One clear thing to do, like “Call 116 111”.")
    url = serializers.CharField(help_text="A page, tel: or a website.")


class FinderResultSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="entry, group, meetup or article")
    id = serializers.IntegerField()
    title = serializers.CharField()
    summary = serializers.CharField()
    url = serializers.CharField()
    why = serializers.ListField(
        child=serializers.CharField(), help_text="Every reason it ranks where it does."
    )
    next_step = NextStepSerializer()
    score = serializers.IntegerField()


class CrisisLineSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    summary = serializers.CharField()
    phone = serializers.CharField()
    url = serializers.CharField()
    next_step = NextStepSerializer()


class FinderUnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    url = serializers.CharField()


class FinderSerializer(serializers.Serializer):
    results = FinderResultSerializer(many=True, help_text="Best first, at most 10.")
    crisis = CrisisLineSerializer(many=True, help_text="Always, whatever the answers.")
    municipal_unit = FinderUnitSerializer(
        allow_null=True, help_text="The carer support of the chosen municipality."
    )
    next = serializers.CharField(allow_null=True, help_text="Always null: one page.")


class FinderSavedSerializer(serializers.Serializer):
    cares_for = serializers.ListField(child=serializers.CharField())
    situation_tags = serializers.ListField(child=serializers.CharField())
    municipality = MunicipalitySerializer(allow_null=True)


class TalkMemberSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField()
    age_band = serializers.CharField(
        help_text='How old, as a band: "13–17", "18–25", "26–30", "31+".'
    )
    is_minor = serializers.BooleanField()


class TalkHandlerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField()


class TalkRequestSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    municipality = MunicipalitySerializer()
    channel = serializers.CharField(help_text="phone, video or in_person")
    phone = serializers.CharField()
    preferred_times = serializers.CharField()
    topic = serializers.CharField()
    status = serializers.CharField(help_text="new, contacted, booked or closed")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    member = TalkMemberSerializer(required=False, help_text="Only for the municipality's staff.")
    internal_note = serializers.CharField(
        required=False, help_text="Only for the municipality's staff; never for the member."
    )
    handled_by = TalkHandlerSerializer(
        required=False, allow_null=True, help_text="Only for the municipality's staff."
    )


class TalkProposalSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    starts_at = serializers.DateTimeField()
    message = serializers.CharField()
    status = serializers.CharField(help_text="proposed, accepted, declined or withdrawn")
    reply = serializers.CharField(help_text="The member's words when asking for another time.")


class TalkProposalListSerializer(serializers.Serializer):
    results = TalkProposalSerializer(many=True)
    next = serializers.CharField(allow_null=True, help_text="Always null: the latest 20.")


class TalkRequestListSerializer(serializers.Serializer):
    results = TalkRequestSerializer(many=True)
    next = next_field()


class OrganisationNameSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ArticleSerializer(ArticleRefSerializer):
    organisation = OrganisationNameSerializer()
    body_markdown = serializers.CharField()
    body_html = serializers.CharField(help_text="Rendered and sanitised; safe to show.")
    is_published = serializers.BooleanField()
    meetups = MeetupSummarySerializer(many=True, help_text="Linked lecture meetups.")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class ArticleListSerializer(serializers.Serializer):
    results = ArticleRefSerializer(many=True)
    next = next_field()
