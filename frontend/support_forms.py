"""Page forms for find-support; they parse and hand over to ``support.services``.

Field names match the services' (and the API's), so a service refusal lands on its field.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from community.models import (
    CaresFor,
    Municipality,
    Organisation,
    SituationTag,
    SupportEntry,
    TalkRequest,
    Weekday,
)
from groups.models import Theme
from support.finder import Answers, Need
from support.selectors import EntryFilters
from support.services import ArticleFields, EntryFields, Hours, lecture_meetups_for

MAX_QUERY = 200
NOT_SAYING = ("", _("I would rather not say"))


def textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def numeric() -> forms.NumberInput:
    return forms.NumberInput(attrs={"inputmode": "numeric"})


def municipality_field(**kwargs) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=Municipality.objects.order_by("name"), to_field_name="code", **kwargs
    )


class FinderForm(forms.Form):
    """The finder's few questions, read from the query string: nothing is stored."""

    cares_for = forms.ChoiceField(
        label=_("Whom do you care for?"), choices=CaresFor.choices, widget=forms.RadioSelect
    )
    need = forms.ChoiceField(
        label=_("What would help most now?"), choices=Need.choices, widget=forms.RadioSelect
    )
    age = forms.IntegerField(label=_("Your age"), min_value=6, max_value=120, widget=numeric())
    municipality = municipality_field(
        label=_("Your municipality"),
        required=False,
        empty_label=NOT_SAYING[1],
        help_text=_("Then we can show support near you."),
    )
    situation = forms.ChoiceField(
        label=_("What is it about? (optional)"),
        choices=[NOT_SAYING, *SituationTag.choices],
        required=False,
        widget=forms.RadioSelect,
    )

    def answers(self) -> Answers:
        data = self.cleaned_data
        return Answers(
            need=data["need"],
            cares_for=data["cares_for"],
            age=data["age"],
            municipality=data["municipality"],
            situation=data["situation"] or None,
        )


class FinderSaveForm(forms.Form):
    """Hidden copies of the answers, for a signed-in person who asks to keep them."""

    cares_for = forms.ChoiceField(choices=CaresFor.choices, widget=forms.HiddenInput)
    municipality = municipality_field(required=False, widget=forms.HiddenInput)
    situation = forms.ChoiceField(
        choices=[NOT_SAYING, *SituationTag.choices], required=False, widget=forms.HiddenInput
    )


class DirectoryForm(forms.Form):
    q = forms.CharField(
        label=_("Search words"),
        required=False,
        max_length=MAX_QUERY,
        widget=forms.TextInput(attrs={"type": "search", "enterkeyhint": "search"}),
        help_text=_("For example: respite, money, talk."),
    )
    category = forms.ChoiceField(
        label=_("Kind of support"), required=False, choices=[("", _("All kinds")), *Theme.choices]
    )
    municipality = municipality_field(
        label=_("Municipality"),
        required=False,
        empty_label=_("All municipalities"),
        help_text=_("Support for the whole country is always shown."),
    )
    age = forms.IntegerField(
        label=_("Your age"), required=False, min_value=1, max_value=120, widget=numeric()
    )
    cares_for = forms.ChoiceField(
        label=_("Whom you care for"),
        required=False,
        choices=[("", _("Anyone")), *CaresFor.choices],
    )
    after = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def filters(self) -> EntryFilters:
        data = self.cleaned_data
        return EntryFilters(
            q=data["q"],
            category=data["category"] or None,
            municipality=data["municipality"],
            age=data["age"],
            cares_for=data["cares_for"] or None,
        )


class ArticleFilterForm(forms.Form):
    category = forms.ChoiceField(
        label=_("Subject"), required=False, choices=[("", _("All subjects")), *Theme.choices]
    )
    before = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)


def _checkboxes(choices, label, **kwargs) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        choices=choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        **kwargs,
    )


class EntryForm(forms.Form):
    """A directory entry, as coordinators write it."""

    title = forms.CharField(label=_("Title"), max_length=160)
    summary = forms.CharField(
        label=_("Summary"),
        max_length=300,
        widget=textarea(2),
        help_text=_("One or two sentences: what it is and who it is for."),
    )
    category = forms.ChoiceField(label=_("Kind of support"), choices=Theme.choices)
    extra_categories = _checkboxes(Theme.choices, _("Also about (optional)"))
    body = forms.CharField(label=_("Description (optional)"), required=False, widget=textarea(5))
    min_age = forms.IntegerField(
        label=_("Youngest age (optional)"),
        required=False,
        min_value=0,
        max_value=120,
        widget=numeric(),
    )
    max_age = forms.IntegerField(
        label=_("Oldest age (optional)"),
        required=False,
        min_value=0,
        max_value=120,
        widget=numeric(),
    )
    cares_for = _checkboxes(
        CaresFor.choices, _("For those who care for"), help_text=_("None ticked: everyone.")
    )
    situations = _checkboxes(
        SituationTag.choices, _("For these situations"), help_text=_("None ticked: every one.")
    )
    municipality = municipality_field(
        label=_("Municipality"), required=False, empty_label=_("The whole country")
    )
    phone = forms.CharField(label=_("Phone (optional)"), max_length=40, required=False)
    email = forms.EmailField(label=_("E-mail (optional)"), required=False)
    website = forms.URLField(label=_("Website (optional)"), required=False, assume_scheme="https")
    address = forms.CharField(label=_("Address (optional)"), max_length=200, required=False)
    opening_hours = forms.CharField(
        label=_("Opening hours (optional)"), required=False, max_length=1000, widget=textarea(2)
    )
    languages = forms.CharField(
        label=_("Languages (optional)"),
        required=False,
        max_length=100,
        help_text=_("Language codes separated by commas, for example: sv, en, ar."),
    )
    is_municipal_service = forms.BooleanField(
        label=_("A municipal service people apply for or ask for"), required=False
    )
    how_to_apply = forms.CharField(
        label=_("How to apply (optional)"), required=False, max_length=5000, widget=textarea(4)
    )
    is_crisis_line = forms.BooleanField(label=_("A crisis line: always show it"), required=False)
    is_published = forms.BooleanField(label=_("Published"), required=False, initial=True)

    @classmethod
    def initial_for(cls, entry: SupportEntry) -> dict:
        initial = {name: getattr(entry, name) for name in cls.base_fields}
        initial["municipality"] = entry.municipality.code if entry.municipality else ""
        initial["languages"] = ", ".join(entry.languages)
        return initial

    def clean_languages(self) -> list[str]:
        text = self.cleaned_data["languages"]
        return [code.strip().lower() for code in text.split(",") if code.strip()]

    def entry_fields(self) -> EntryFields:
        return EntryFields(**self.cleaned_data)


def _time_field(label) -> forms.TimeField:
    return forms.TimeField(
        label=label, required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )


class OrganisationForm(forms.Form):
    """An organisation's own details, and one staffed stretch for each weekday."""

    description = forms.CharField(
        label=_("About the organisation"), required=False, max_length=5000, widget=textarea(5)
    )
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    staffed_hours = forms.CharField(
        label=_("Staffed hours, in words (optional)"),
        required=False,
        max_length=1000,
        widget=textarea(2),
        help_text=_("Anything the times below do not say, such as holidays."),
    )
    on_call_email = forms.EmailField(
        label=_("On-call e-mail"),
        required=False,
        help_text=_("Alerted at once when an urgent crisis item waits. Never shown to members."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for day, name in Weekday.choices:
            self.fields[f"opens_{day}"] = _time_field(_("%(day)s: opens") % {"day": name})
            self.fields[f"closes_{day}"] = _time_field(_("%(day)s: closes") % {"day": name})

    @classmethod
    def initial_for(cls, organisation: Organisation) -> dict:
        initial = {name: getattr(organisation, name) for name in cls.base_fields}
        for hours in organisation.opening_hours.order_by("weekday", "opens"):
            initial.setdefault(f"opens_{hours.weekday}", hours.opens)
            initial.setdefault(f"closes_{hours.weekday}", hours.closes)
        return initial

    def day_fields(self) -> list[tuple]:
        """(weekday name, opens field, closes field) for the template."""
        return [
            (name, self[f"opens_{day}"], self[f"closes_{day}"]) for day, name in Weekday.choices
        ]

    def clean(self):
        data = super().clean()
        for day in range(7):
            opens, closes = data.get(f"opens_{day}"), data.get(f"closes_{day}")
            if (opens is None) != (closes is None):
                self.add_error(f"closes_{day}", _("Give both when it opens and when it closes."))
            elif opens is not None and closes <= opens:
                self.add_error(f"closes_{day}", _("A stretch must end after it starts."))
        return data

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in type(self).base_fields}

    def hours(self) -> list[Hours]:
        data = self.cleaned_data
        return [
            Hours(weekday=day, opens=data[f"opens_{day}"], closes=data[f"closes_{day}"])
            for day in range(7)
            if data.get(f"opens_{day}") is not None
        ]


class ArticleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=160)
    summary = forms.CharField(
        label=_("Summary (optional)"), required=False, max_length=300, widget=textarea(2)
    )
    body_markdown = forms.CharField(
        label=_("Text"),
        max_length=20000,
        widget=textarea(14),
        help_text=_(
            "Markdown: ## for a heading, - for a list, **bold**, [a link](https://…). "
            "Anything else is removed when shown."
        ),
    )
    categories = _checkboxes(Theme.choices, _("Subjects"))
    meetups = forms.ModelMultipleChoiceField(
        label=_("Lecture meetups it belongs to (optional)"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    is_published = forms.BooleanField(label=_("Published"), required=False)

    def __init__(self, *args, organisation_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meetups"].queryset = lecture_meetups_for(
            organisation_id=organisation_id
        ).order_by("starts_at")

    @classmethod
    def initial_for(cls, article) -> dict:
        initial = {name: getattr(article, name) for name in cls.base_fields if name != "meetups"}
        initial["meetups"] = list(article.meetups.values_list("pk", flat=True))
        return initial

    def article_fields(self) -> ArticleFields:
        data = self.cleaned_data
        return ArticleFields(
            title=data["title"],
            summary=data["summary"],
            body_markdown=data["body_markdown"],
            categories=tuple(data["categories"]),
            meetup_ids=tuple(meetup.pk for meetup in data["meetups"]),
            is_published=data["is_published"],
        )


class TalkRequestForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("How would you like to talk?"),
        choices=TalkRequest.Channel.choices,
        widget=forms.RadioSelect,
    )
    phone = forms.CharField(
        label=_("Phone number (if by phone)"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    preferred_times = forms.CharField(
        label=_("Times that suit you"),
        max_length=500,
        help_text=_("For example: weekdays after 15, or Thursday mornings."),
    )
    topic = forms.CharField(
        label=_("What would you like to talk about? (optional)"),
        required=False,
        max_length=1000,
        widget=textarea(4),
        help_text=_("Only the carer-support staff of your municipality read this."),
    )


class TalkHandleForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=TalkRequest.Status.choices)
    internal_note = forms.CharField(
        label=_("Internal note"),
        required=False,
        max_length=2000,
        widget=textarea(2),
        help_text=_("Only staff see this, never the member."),
    )


LOCAL_MINUTE = "%Y-%m-%dT%H:%M"


class TalkProposalForm(forms.Form):
    """Staff suggest a time (entered in Stockholm time) and write to the member."""

    starts_at = forms.DateTimeField(
        label=_("Suggested time (Swedish time)"),
        input_formats=[LOCAL_MINUTE],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_MINUTE),
    )
    message = forms.CharField(
        label=_("Message to the member"),
        max_length=1000,
        widget=textarea(2),
        help_text=_("The member reads this with the time."),
    )


class TalkAnswerForm(forms.Form):
    answer = forms.ChoiceField(choices=[("accept", "accept"), ("decline", "decline")])
    message = forms.CharField(
        label=_("Which times suit you better? (optional)"),
        required=False,
        max_length=1000,
        widget=textarea(2),
    )
