"""Page forms for accounts; they parse and call the same services as the API."""

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from community import legal, policies, services, signup
from community.models import CaresFor, Language, Municipality, SituationTag
from community.services import Profile

# The address a page sign-up is waiting on, for the page that asks for its code.
SIGNUP_EMAIL_SESSION_KEY = "signup_email"


class ProfileFieldsMixin(forms.Form):
    display_name = forms.CharField(
        label=_("Display name"),
        min_length=3,
        max_length=30,
        help_text=_("Shown to others instead of your name. Do not use your real name."),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    birth_year = forms.IntegerField(
        label=_("Year of birth"),
        min_value=1900,
        max_value=2100,
        help_text=_("Only the year. It keeps age groups safe."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "autocomplete": "bday-year"}),
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.order_by("name"),
        to_field_name="code",
        required=False,
        empty_label=_("Choose your municipality"),
    )
    cares_for = forms.MultipleChoiceField(
        label=_("Whom do you care for?"),
        choices=CaresFor.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    situation_tags = forms.MultipleChoiceField(
        label=_("Their situation (optional)"),
        choices=SituationTag.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    preferred_language = forms.ChoiceField(
        label=_("Language"), choices=Language.choices, initial=Language.SWEDISH
    )

    def profile(self) -> Profile:
        data = self.cleaned_data
        return Profile(
            display_name=data["display_name"],
            birth_year=data["birth_year"],
            municipality=data.get("municipality"),
            cares_for=tuple(data.get("cares_for") or ()),
            situation_tags=tuple(data.get("situation_tags") or ()),
            preferred_language=data.get("preferred_language") or Language.SWEDISH,
        )


class SignupForm(ProfileFieldsMixin, AllauthSignupForm):
    accept_terms = forms.BooleanField(
        label=_("I have read and accept the code of conduct and the privacy notice."),
        required=False,
    )

    field_order = [
        "email",
        "display_name",
        "password1",
        "password2",
        "birth_year",
        "municipality",
        "cares_for",
        "situation_tags",
        "preferred_language",
        "accept_terms",
    ]

    @property
    def documents(self):
        return legal.current_documents()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.below_minimum_age = False

    def validate_unique_email(self, value: str) -> str:
        """A registered address is answered like a new one (see ``signup.signup_request``)."""
        return value

    def clean(self):
        """Show every rule broken at once: the service's checks join the field checks."""
        cleaned = super().clean()
        year = cleaned.get("birth_year")
        self.below_minimum_age = year is not None and not policies.old_enough_to_join(
            birth_year=year
        )
        if not all(k in cleaned for k in ("email", "password1", "display_name", "birth_year")):
            return cleaned
        try:
            services.user_signup_check(**self._signup_arguments(), email_must_be_new=False)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                target = {"password": "password1"}.get(field, field)
                if target in self.errors:
                    continue  # that field already says what is wrong
                for message in messages:
                    self.add_error(target if target in self.fields else None, message)
        return cleaned

    def _signup_arguments(self) -> dict:
        return {
            "email": self.cleaned_data["email"],
            "password": self.cleaned_data["password1"],
            "profile": self.profile(),
            "accepted_terms": self.cleaned_data.get("accept_terms", False),
        }

    def try_save(self, request):
        """Send the code (or the note to a registered address's owner) as the API does;
        no account exists until the code comes back."""
        signup.signup_request(**self._signup_arguments())
        request.session[SIGNUP_EMAIL_SESSION_KEY] = self.cleaned_data["email"].strip().lower()
        return None, redirect("account_signup_confirm")


class SignupCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the e-mail"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "pattern": "[0-9 ]*",
                "size": "8",
                # The page's one task: the field is ready and in view when the page opens.
                "autofocus": True,
            }
        ),
    )


class ProfileForm(ProfileFieldsMixin):
    """A member's own edit: the birth year is shown, not asked (a coordinator corrects it)."""

    birth_year = None

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def profile(self) -> Profile:
        self.cleaned_data["birth_year"] = self.user.birth_year
        return super().profile()
