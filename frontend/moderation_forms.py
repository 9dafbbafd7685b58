"""Page forms for moderators; they parse and hand over to the moderation services.

Every action carries a reason. The forms ask for it, the services refuse without it (and
write it to the audit log): the page's check is a convenience, not the rule.
"""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from chat.models import BODY_MAX_LENGTH
from moderation.models import QueueItem, Report, WordRule
from moderation.services.members import MESSAGE_MAX
from moderation.services.rooms import SLOW_MODE_MAX

# What a member picks when reporting, in plain words (the stored values are Report.Reason).
REPORT_REASONS = [
    (Report.Reason.HARASSMENT, _("Someone is being mean or harassing someone")),
    (Report.Reason.HATE, _("Hate, for example racism or homophobia")),
    (Report.Reason.SELF_HARM, _("Someone may be in danger or want to hurt themselves")),
    (Report.Reason.SEXUAL, _("Sexual content")),
    (Report.Reason.SPAM, _("Spam or advertising")),
    (Report.Reason.PRIVATE_INFO, _("Shares private details, like an address or phone number")),
    (Report.Reason.OTHER, _("Something else")),
]

MUTE_CHOICES = [
    (15, _("15 minutes")),
    (60, _("1 hour")),
    (60 * 24, _("24 hours")),
    (60 * 24 * 7, _("7 days")),
]

REASON_MAX = 1000


def reason_field(label=None) -> forms.CharField:
    return forms.CharField(
        label=label or _("Internal reason - only staff see this"),
        max_length=REASON_MAX,
        help_text=_("A few words. It goes in the audit log, which only staff can read."),
        widget=forms.Textarea(attrs={"rows": 2, "data-reason": ""}),
    )


def member_message_field() -> forms.CharField:
    return forms.CharField(
        label=_("Message to the member (optional) - the member sees this"),
        max_length=MESSAGE_MAX,
        required=False,
        help_text=_(
            "Sent with a warning or a mute. Without it the member gets a short standard text."
        ),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class QueueFilterForm(forms.Form):
    """The dashboard's filters, read from the query string."""

    status = forms.ChoiceField(label=_("Status"), required=False, choices=QueueItem.Status.choices)
    priority = forms.TypedChoiceField(
        label=_("Priority"),
        required=False,
        choices=[("", _("All priorities")), *QueueItem.Priority.choices],
        coerce=int,
        empty_value=None,
    )
    room = forms.TypedChoiceField(
        label=_("Room"), required=False, coerce=int, empty_value=None, choices=()
    )

    def __init__(self, *args, rooms=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room"].choices = [
            ("", _("All rooms")),
            *[(room.pk, room.name) for room in rooms],
        ]

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "status": data.get("status") or QueueItem.Status.OPEN,
            "priority": data.get("priority"),
            "room_id": data.get("room"),
        }


ITEM_ACTIONS = (
    "hide",
    "unhide",
    "approve",
    "delete",
    "warn",
    "mute",
    "ban",
    "suspend",
    "actioned",
    "dismissed",
)


class ItemActionForm(forms.Form):
    """One form under a reported message: one reason, a button per action."""

    action = forms.ChoiceField(choices=[(name, name) for name in ITEM_ACTIONS])
    reason = reason_field()
    member_message = member_message_field()
    minutes = forms.TypedChoiceField(
        label=_("For how long"),
        choices=MUTE_CHOICES,
        coerce=int,
        required=False,
        initial=60,
        widget=forms.RadioSelect,
    )

    def clean(self):
        data = super().clean()
        if data.get("action") == "mute" and not data.get("minutes"):
            self.add_error("minutes", _("Choose for how long."))
        return data


class LockForm(forms.Form):
    reason = reason_field()


class SlowModeForm(forms.Form):
    seconds = forms.IntegerField(
        label=_("Seconds between messages"),
        min_value=0,
        max_value=SLOW_MODE_MAX,
        help_text=_("0 turns slow mode off. At most 3600 (one hour)."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    reason = reason_field()


class PinForm(forms.Form):
    message = forms.TypedChoiceField(
        label=_("Message to pin"), coerce=int, choices=(), widget=forms.RadioSelect
    )
    reason = reason_field()

    def __init__(self, *args, messages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["message"].choices = [
            (m["id"], f"{m['author']['display_name']}: {m['body'][:120]}") for m in messages
        ]


class UnpinForm(forms.Form):
    reason = reason_field()


class RuleForm(forms.Form):
    pattern = forms.CharField(
        label=_("Word or pattern"),
        max_length=200,
        help_text=_(
            "Words match every form of the word; with å, ä and ö also written without. "
            "a|b: either word. ...: up to three words between. [typ]: may be left out. "
            "själv*: begins so. !skratt: not when the message also has this."
        ),
    )
    is_regex = forms.BooleanField(label=_("It is a regular expression"), required=False)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    category = forms.ChoiceField(label=_("Category"), choices=WordRule.Category.choices)
    action = forms.ChoiceField(
        label=_("What happens"), choices=WordRule.Action.choices, widget=forms.RadioSelect
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    FIELDS = ("pattern", "is_regex", "language", "category", "action", "is_active")

    @classmethod
    def initial_for(cls, rule: WordRule) -> dict:
        return {name: getattr(rule, name) for name in cls.FIELDS}

    def rule_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.FIELDS}


class RuleTryForm(forms.Form):
    text = forms.CharField(
        label=_("A sentence"),
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Nothing is saved and nobody is told: it only shows what the rules do."),
    )
    language = forms.ChoiceField(
        label=_("Rules in"),
        choices=[("", _("All languages")), *settings.LANGUAGES],
        required=False,
    )
