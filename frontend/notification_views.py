"""The notification list and the settings page: privacy, muted members, how to be told."""

import contextlib

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from chat import selectors as chat_selectors
from chat import services as chat_services
from community import selectors, services
from community.errors import NotFound
from community.models import NotificationKind
from community.serializers import NotificationPreferencesSerializer

PAGE = 50
CHANNEL_LABELS = {
    "in_app": gettext_lazy("In the app"),
    "email": gettext_lazy("E-mail"),
    "push": gettext_lazy("Push"),
}


def _id(value) -> int | None:
    return int(value) if isinstance(value, str) and value.isdigit() and len(value) < 12 else None


@require_http_methods(["GET", "POST"])
@login_required
def notifications(request):
    """Newest first, 50 a page; mark one read or all of them."""
    if request.method == "POST":
        if request.POST.get("all"):
            services.notifications_mark_read(user=request.user)
        elif (one := _id(request.POST.get("id"))) is not None:
            services.notifications_mark_read(user=request.user, ids=[one])
        return redirect("frontend:notifications")
    before = _id(request.GET.get("before_id"))
    page = selectors.notification_page(user=request.user, before_id=before, limit=PAGE)
    return render(
        request,
        "frontend/notifications.html",
        {
            "notifications": page[:PAGE],
            "older": page[PAGE - 1].pk if len(page) > PAGE else None,
            "unread": selectors.notifications_unread_count(user=request.user),
        },
    )


class PrivacyForm(forms.Form):
    hide_typing = forms.BooleanField(required=False)
    hide_read_position = forms.BooleanField(required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            model_field = user._meta.get_field(name)
            field.label, field.help_text = model_field.verbose_name, model_field.help_text
            field.initial = getattr(user, name)


def _preference_rows(current: dict) -> list[dict]:
    return [
        {
            "kind": kind,
            "label": label,
            "channels": [
                {"name": f"{kind}.{channel}", "label": CHANNEL_LABELS[channel], "on": on}
                for channel, on in current["kinds"][kind].items()
            ],
        }
        for kind, label in NotificationKind.choices
    ]


def _preferences_from_post(post) -> dict:
    kinds = {
        kind: {channel: f"{kind}.{channel}" in post for channel in CHANNEL_LABELS}
        for kind in NotificationKind.values
    }
    start, end = post.get("quiet_start", ""), post.get("quiet_end", "")
    quiet = {"start": start, "end": end} if start or end else None
    return {"kinds": kinds, "quiet_hours": quiet}


def _messages(errors) -> list[str]:
    """The serializer's nested errors as plain sentences."""
    if isinstance(errors, dict):
        return [text for value in errors.values() for text in _messages(value)]
    if isinstance(errors, list):
        return [text for value in errors for text in _messages(value)]
    return [str(errors)]


def _save_preferences(request) -> dict | None:
    """Save the preferences form through the API's own validation; its errors, or None."""
    data = _preferences_from_post(request.POST)
    serializer = NotificationPreferencesSerializer(data=data)
    if not serializer.is_valid():
        return serializer.errors
    quiet = serializer.validated_data["quiet_hours"]
    services.notification_preferences_update(
        user=request.user,
        kinds=serializer.validated_data["kinds"],
        quiet_hours=(quiet["start"], quiet["end"]) if quiet else None,
    )
    return None


@require_http_methods(["GET", "POST"])
@login_required
def settings_page(request):
    """Privacy switches, muted members and notification preferences, each its own form."""
    user, action = request.user, request.POST.get("action")
    privacy = PrivacyForm(user=user)
    errors = None
    if action == "privacy":
        privacy = PrivacyForm(request.POST, user=user)
        if privacy.is_valid():
            chat_services.privacy_update(user=user, **privacy.cleaned_data)
            messages.success(request, _("Your privacy choices are saved."))
            return redirect("frontend:settings")
    elif action == "unmute":
        # Already unmuted in another tab: the list shows the truth either way.
        with contextlib.suppress(NotFound):
            chat_services.member_unmute(user=user, muted_id=_id(request.POST.get("user")))
        return redirect("frontend:settings")
    elif action == "notifications":
        errors = _save_preferences(request)
        if errors is None:
            messages.success(request, _("Your notification choices are saved."))
            return redirect("frontend:settings")
    current = selectors.notification_preferences(user=user)
    quiet = current["quiet_hours"] or {}
    if errors is not None:
        current["kinds"] = _preferences_from_post(request.POST)["kinds"]
        quiet = {
            "start": request.POST.get("quiet_start", ""),
            "end": request.POST.get("quiet_end", ""),
        }
    return render(
        request,
        "frontend/settings.html",
        {
            "privacy": privacy,
            "mutes": chat_selectors.muted_members(user=user)[:500],
            "kinds": _preference_rows(current),
            "quiet": quiet,
            "errors": _messages(errors or {}),
            "quiet_invalid": bool(errors and "quiet_hours" in errors),
        },
        status=400 if errors else 200,
    )
