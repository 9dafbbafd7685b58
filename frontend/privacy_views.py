"""A member's own data (the export as a page) and deleting one's account; staff erasing an
account on the person's request. Each calls the one selector or service the API calls."""

import json

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from community import erasure, policies, selectors
from community.errors import BredvidError
from community.models import User


def _readable(value):
    """Values as a person reads them: times in Stockholm time, lists as words."""
    if isinstance(value, str) and len(value) >= 19 and value[10:11] == "T":
        parsed = parse_datetime(value)
        if parsed is not None:
            return parsed
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) if value else "—"
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True) if value else "—"
    if value is None or value == "":
        return "—"
    return value


@require_GET
@login_required
def my_data(request):
    """Everything stored about me, readable, with the JSON download beside it."""
    sections = selectors.privacy_export_readable(user=request.user)
    for section in sections:
        section["rows"] = [
            [(label, _readable(value)) for label, value in row] for row in section.get("rows", [])
        ]
        if "value" in section:
            value = section["value"]
            section["pairs"] = (
                [(k, _readable(v)) for k, v in value.items()] if isinstance(value, dict) else []
            )
    return render(request, "frontend/privacy/my_data.html", {"sections": sections})


class PasswordConfirmForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


@require_http_methods(["GET", "POST"])
@login_required
def account_delete(request):
    """Explain, confirm with the password, then sign out: 14 days to change one's mind."""
    form = PasswordConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            erase_after = erasure.account_erasure_request(
                user=request.user, password=form.cleaned_data["password"]
            )
        except ValidationError as error:
            for message in error.message_dict.get("password", []):
                form.add_error("password", message)
        except BredvidError as error:
            form.add_error(None, str(error.detail))
        else:
            logout(request)
            when = date_format(timezone.localtime(erase_after).date(), "DATE_FORMAT")
            messages.success(
                request,
                _(
                    "Your account will be deleted on %(date)s. If you change your mind, "
                    "log in before then and it stays."
                )
                % {"date": when},
            )
            return redirect("frontend:landing")
    return render(
        request,
        "frontend/privacy/account_delete.html",
        {"form": form, "grace_days": erasure.GRACE_PERIOD.days},
    )


class StaffErasureForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why (for the log)"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("For example: the member asked by phone on 3 May."),
    )


@require_http_methods(["GET", "POST"])
@login_required
def member_erase(request, user_id: int):
    """Staff erase an account at once, on the person's request; the same service as REST."""
    member = User.objects.filter(pk=user_id).first()
    if member is None or not policies.can_erase_member(user=request.user, member=member):
        raise Http404
    form = StaffErasureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            erasure.account_erase_by_staff(
                actor=request.user, member_id=member.pk, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            for message in error.message_dict.get("reason", []):
                form.add_error("reason", message)
        else:
            messages.success(request, _("The account is deleted. The log keeps why."))
            return redirect("frontend:moderation")
    return render(request, "frontend/privacy/member_erase.html", {"form": form, "member": member})
