"""Django's admin, behind the same sign-in as the site: allauth's login (with its two-step
stage) and a second factor for every account that uses it."""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin, messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from community import policies


class AdminSite(admin.AdminSite):
    def has_permission(self, request) -> bool:
        return policies.can_use_admin(request.user)

    def login(self, request, extra_context=None):
        """Sign-in goes through allauth (never the admin's own password-only form); an
        account that lacks the second factor is sent to turn it on."""
        if policies.needs_second_factor(request.user):
            messages.warning(request, second_factor_prompt())
            return redirect("mfa_activate_totp")
        return secure_admin_login(super().login)(request, extra_context)


def second_factor_prompt() -> str:
    return _(
        "Staff tools need two-step sign-in. Turn it on with an authenticator app, then try again."
    )
