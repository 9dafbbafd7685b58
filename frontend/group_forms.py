"""Page forms for groups and meetups; they parse and hand over to the groups services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from community.models import Municipality
from groups.models import Meetup, Rsvp, Theme
from groups.services.meetups import MAX_OCCURRENCES, MeetupFields
from groups.services.membership import INVITATION_DAYS_MAX
from groups.services.rsvps import Needs

LOCAL_DATETIME = "%Y-%m-%dT%H:%M"


def local_datetime_input() -> forms.DateTimeInput:
    """A datetime-local input; Django reads its naive value as Stockholm time."""
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_DATETIME)


def textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class GroupFilterForm(forms.Form):
    """The directory's filters, read from the query string."""

    theme = forms.ChoiceField(
        label=_("Theme"),
        required=False,
        choices=[("", _("All themes")), *Theme.choices],
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.order_by("name"),
        to_field_name="code",
        required=False,
        empty_label=_("All municipalities"),
        help_text=_("Groups that meet online are always shown."),
    )
    age = forms.IntegerField(
        label=_("Your age"),
        required=False,
        min_value=1,
        max_value=120,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    upcoming = forms.BooleanField(label=_("Only groups with meetups coming up"), required=False)
    after = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def filters(self) -> dict:
        data = self.cleaned_data
        return {
            "theme": data.get("theme") or None,
            "municipality": data.get("municipality"),
            "age": data.get("age"),
            "has_upcoming": True if data.get("upcoming") else None,
            "after_id": data.get("after"),
        }


class JoinForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the hosts (optional)"),
        required=False,
        max_length=1000,
        help_text=_("Tell a little about yourself if you want. Only the group's hosts see it."),
        widget=textarea(),
    )


class DecisionForm(forms.Form):
    """Answer one join request; the page gives each request its own prefix."""

    decision = forms.ChoiceField(choices=[("approve", "approve"), ("decline", "decline")])
    message = forms.CharField(
        label=_("Answer (optional)"),
        required=False,
        max_length=1000,
        help_text=_("The person who asked gets this with your answer."),
        widget=textarea(2),
    )


class InvitationForm(forms.Form):
    days = forms.IntegerField(
        label=_("Valid for how many days"),
        min_value=1,
        max_value=INVITATION_DAYS_MAX,
        initial=7,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class RsvpForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Are you coming?"),
        choices=[
            (Rsvp.Status.GOING, _("Yes, I am coming")),
            (Rsvp.Status.NOT_GOING, _("No, I cannot come")),
        ],
        widget=forms.RadioSelect,
    )
    needs_respite = forms.BooleanField(
        label=_("I need respite (avlösning) to be able to come"), required=False
    )
    needs_company = forms.BooleanField(
        label=_("I would like someone to meet me at the door the first time"), required=False
    )
    accessibility_needs = forms.CharField(
        label=_("Accessibility needs (optional)"),
        required=False,
        max_length=500,
        help_text=_("For example step-free access, a hearing loop or a quiet place to sit."),
    )
    note = forms.CharField(
        label=_("Anything else the hosts should know (optional)"),
        required=False,
        max_length=1000,
        widget=textarea(),
    )

    @classmethod
    def initial_for(cls, rsvp: Rsvp | None) -> dict:
        if rsvp is None:
            return {}  # nothing preselected: coming or not is the member's own answer
        going = rsvp.status != Rsvp.Status.NOT_GOING  # the waitlisted asked to go
        status = Rsvp.Status.GOING if going else Rsvp.Status.NOT_GOING
        return {
            "status": status,
            "needs_respite": rsvp.needs_respite,
            "needs_company": rsvp.needs_company,
            "accessibility_needs": rsvp.accessibility_needs,
            "note": rsvp.note,
        }

    def needs(self) -> Needs:
        data = self.cleaned_data
        return Needs(
            respite=data["needs_respite"],
            company=data["needs_company"],
            accessibility=data["accessibility_needs"],
            note=data["note"],
        )


class MeetupForm(forms.Form):
    """A meetup's own fields, named as on the model so service errors land on them."""

    title = forms.CharField(label=_("Title"), max_length=140)
    kind = forms.ChoiceField(label=_("Kind of meetup"), choices=Meetup.Kind.choices)
    description = forms.CharField(
        label=_("Description (optional)"),
        required=False,
        widget=textarea(4),
        help_text=_("What happens, who it is for and whether to bring anything."),
    )
    starts_at = forms.DateTimeField(label=_("Starts"), widget=local_datetime_input())
    ends_at = forms.DateTimeField(label=_("Ends"), widget=local_datetime_input())
    venue_name = forms.CharField(
        label=_("Place"),
        max_length=140,
        help_text=_("The name of the place, for example Träffpunkten or Kafé Bredvid."),
    )
    venue_address = forms.CharField(label=_("Address (optional)"), max_length=200, required=False)
    accessibility_notes = forms.CharField(
        label=_("Accessibility (optional)"),
        required=False,
        widget=textarea(),
        help_text=_("Step-free entrance, toilets, hearing loop, a quiet room…"),
    )
    directions_url = forms.URLField(
        label=_("Link to directions or a map (optional)"),
        required=False,
        assume_scheme="https",
    )
    capacity = forms.IntegerField(
        label=_("Places"),
        min_value=1,
        max_value=10_000,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    rsvp_deadline = forms.DateTimeField(
        label=_("Last time to sign up (optional)"),
        required=False,
        widget=local_datetime_input(),
    )

    @classmethod
    def initial_for(cls, meetup: Meetup) -> dict:
        return {name: getattr(meetup, name) for name in cls.base_fields}

    def fields_value(self) -> MeetupFields:
        data = self.cleaned_data
        return MeetupFields(
            title=data["title"],
            kind=data["kind"],
            description=data["description"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            venue_name=data["venue_name"],
            venue_address=data["venue_address"],
            accessibility_notes=data["accessibility_notes"],
            directions_url=data["directions_url"],
            capacity=data["capacity"],
            rsvp_deadline=data["rsvp_deadline"],
        )


class MeetupCreateForm(MeetupForm):
    recurrence = forms.ChoiceField(
        label=_("Repeats"), choices=Meetup.Recurrence.choices, required=False
    )
    occurrences = forms.IntegerField(
        label=_("How many times"),
        min_value=1,
        max_value=MAX_OCCURRENCES,
        initial=1,
        help_text=_("Including the first one. Each time gets its own sign-up."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the meetup cancelled?"),
        max_length=1000,
        widget=textarea(),
        help_text=_("Everyone who answered gets this message, and it is shown on the meetup."),
    )


class CheckinCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Check-in code"),
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )
