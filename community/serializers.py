"""Shapes of the accounts API. Validation of rules lives in services."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from community import legal
from community.models import (
    AccessEntry,
    CaresFor,
    Consent,
    Language,
    Municipality,
    NotificationKind,
    SituationTag,
    User,
)
from community.rest import IdField, next_field


class MunicipalitySerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="label", read_only=True)

    class Meta:
        model = Municipality
        fields = ["code", "name", "county"]


class MunicipalityCodeField(serializers.SlugRelatedField):
    default_error_messages = {
        "does_not_exist": _("No municipality has the code {value}."),
        "invalid": _("Give the municipality's four-digit code."),
    }

    def __init__(self, **kwargs):
        super().__init__(slug_field="code", queryset=Municipality.objects.all(), **kwargs)

    def to_representation(self, obj):
        return MunicipalitySerializer(obj).data


class ProfileSerializer(serializers.Serializer):
    display_name = serializers.CharField(min_length=3, max_length=30)
    birth_year = serializers.IntegerField(
        min_value=1900,
        max_value=2100,
        help_text="Set at sign-up. `PATCH /api/v1/me/` with it answers 403: a coordinator "
        "corrects it.",
    )
    municipality = MunicipalityCodeField(required=False, allow_null=True)
    cares_for = serializers.ListField(
        child=serializers.ChoiceField(choices=CaresFor.choices), required=False, max_length=6
    )
    situation_tags = serializers.ListField(
        child=serializers.ChoiceField(choices=SituationTag.choices),
        required=False,
        max_length=6,
    )
    preferred_language = serializers.ChoiceField(
        choices=Language.choices, required=False, default=Language.SWEDISH
    )


class SignupSerializer(ProfileSerializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=128, write_only=True, trim_whitespace=False)
    accept_terms = serializers.BooleanField(
        help_text="True when the person accepted the code of conduct and privacy notice."
    )


class SignupConfirmSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    code = serializers.CharField(max_length=20, help_text="The code from the e-mail.")


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=128, trim_whitespace=False)
    code = serializers.CharField(
        max_length=20,
        required=False,
        help_text="For an account with two-step sign-in: the code from its authenticator "
        "app, or one of its recovery codes. Without it: 401 `mfa_required`.",
    )


class ConsentAcceptSerializer(serializers.Serializer):
    document = serializers.CharField(max_length=40)
    version = serializers.CharField(max_length=20)


class ConsentRequiredSerializer(serializers.Serializer):
    document = serializers.CharField()
    version = serializers.CharField()
    url = serializers.CharField(help_text="The page that shows the document and what changed.")


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()
    erasure_cancelled = serializers.BooleanField(
        help_text="True when this sign-in undid the account's pending deletion."
    )


class ErasureRequestSerializer(serializers.Serializer):
    password = serializers.CharField(
        max_length=128,
        trim_whitespace=False,
        required=False,
        help_text="Needed from a browser session (a shared phone); a client signed in with "
        "its token (which took the password and any second factor) may leave it out. "
        "When given, it must be right.",
    )


class ErasureSerializer(serializers.Serializer):
    erase_after = serializers.DateTimeField(
        help_text="When the account is erased unless its owner signs in before."
    )


class StaffErasureSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)


class ErasedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    erased = serializers.BooleanField()


class ConsentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Consent
        fields = ["document", "version", "accepted_at"]


class OrganisationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()


class MeSerializer(serializers.ModelSerializer):
    municipality = MunicipalitySerializer(allow_null=True)
    organisation = OrganisationRefSerializer(allow_null=True)
    is_minor = serializers.BooleanField()
    consents = ConsentSerializer(many=True)
    consents_required = serializers.SerializerMethodField(
        help_text="Documents changed since this person accepted them: until they accept "
        "(`POST /api/v1/me/consents/`), posting answers 403 `consent_required`."
    )

    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "display_name",
            "birth_year",
            "is_minor",
            "municipality",
            "cares_for",
            "situation_tags",
            "preferred_language",
            "role",
            "organisation",
            "consents",
            "consents_required",
        ]
        read_only_fields = fields

    @extend_schema_field(ConsentRequiredSerializer(many=True))
    def get_consents_required(self, user) -> list[dict]:
        return [
            {"document": doc.document, "version": doc.version, "url": consent_url(doc.document)}
            for doc in legal.documents_to_accept(user=user)
        ]


def consent_url(document: str) -> str:
    return f"{reverse('frontend:consent')}#{document}"


class SignupResultSerializer(serializers.Serializer):
    user = MeSerializer()
    token = serializers.CharField()


class PasswordChangeSerializer(serializers.Serializer):
    current_password = serializers.CharField(max_length=128, trim_whitespace=False)
    new_password = serializers.CharField(max_length=128, trim_whitespace=False)


class PasswordResetSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)


class MunicipalityListSerializer(serializers.Serializer):
    results = MunicipalitySerializer(many=True)
    next = serializers.CharField(allow_null=True)


class ChannelsSerializer(serializers.Serializer):
    in_app = serializers.BooleanField(required=False)
    email = serializers.BooleanField(required=False)
    push = serializers.BooleanField(required=False)

    def to_internal_value(self, data):
        unknown = set(data) - set(self.fields) if isinstance(data, dict) else set()
        if unknown:
            raise serializers.ValidationError(
                _("Unknown channel: %(names)s.") % {"names": ", ".join(sorted(unknown))}
            )
        return super().to_internal_value(data)


class QuietHoursSerializer(serializers.Serializer):
    start = serializers.TimeField(format="%H:%M", input_formats=["%H:%M"])
    end = serializers.TimeField(format="%H:%M", input_formats=["%H:%M"])

    def validate(self, attrs):
        if attrs["start"] == attrs["end"]:
            raise serializers.ValidationError(
                _("Quiet hours must start and end at different times.")
            )
        return attrs


class NotificationPreferencesSerializer(serializers.Serializer):
    kinds = serializers.DictField(
        child=ChannelsSerializer(),
        required=False,
        help_text="Per kind (`mention`, `meetup_reminder`…): `{in_app, email, push}`; "
        "a PATCH may give only some kinds and channels.",
    )
    quiet_hours = QuietHoursSerializer(
        allow_null=True,
        required=False,
        help_text="Stockholm times `HH:MM`; may run past midnight. Quiet hours mute e-mail "
        "and push, never the app. `null` ends them.",
    )

    def validate_kinds(self, kinds):
        unknown = set(kinds) - set(NotificationKind.values)
        if unknown:
            raise serializers.ValidationError(
                _("Unknown kind: %(names)s.") % {"names": ", ".join(sorted(unknown))}
            )
        return kinds


ACCESS_PAGE_LIMIT = 50
ACCESS_PAGE_LIMIT_MAX = 100


class AccessQuerySerializer(serializers.Serializer):
    member = IdField(required=False, help_text="Only reads about this member.")
    staff = IdField(required=False, help_text="Only reads by this person.")
    kind = serializers.ChoiceField(choices=AccessEntry.What.choices, required=False)
    before_id = IdField(required=False, help_text="Cursor.")
    limit = serializers.IntegerField(
        min_value=1, max_value=ACCESS_PAGE_LIMIT_MAX, required=False, default=ACCESS_PAGE_LIMIT
    )


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField()


class AccessEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    staff = PersonSerializer(help_text="Who read it.")
    member = PersonSerializer(help_text="Whose confidences were read.")
    kind = serializers.ChoiceField(choices=AccessEntry.What.choices)
    object_type = serializers.CharField()
    object_id = serializers.CharField()


class AccessPageSerializer(serializers.Serializer):
    results = AccessEntrySerializer(many=True)
    next = next_field()
