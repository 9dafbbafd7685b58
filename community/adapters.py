"""allauth adapter: neutral e-mail subjects and the signed-up person saved by our service."""

from allauth.account.adapter import DefaultAccountAdapter
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.utils.translation import gettext as _

from community import erasure, services


class AccountAdapter(DefaultAccountAdapter):
    def format_email_subject(self, subject: str) -> str:
        # Subjects stay neutral: a shared inbox must not reveal a caring situation.
        return str(subject)

    def set_password(self, user, password: str) -> None:
        """Every account page that sets a password passes here (change, reset link): the
        account's other credentials end. The browser that changed it stays signed in."""
        super().set_password(user, password)
        request = self.request
        same_person = request is not None and request.user.pk == user.pk
        keep = request.session.session_key if same_person else None
        services.user_credentials_revoke(user=user, keep_session_key=keep)

    def logout(self, request) -> None:
        """Signing out also closes the sockets this browser session opened."""
        session_key = request.session.session_key
        super().logout(request)
        services.session_sockets_close(session_key=session_key)

    def login(self, request, user) -> None:
        """Signing in on the page during the grace period keeps the account, and says so."""
        super().login(request, user)
        if erasure.account_erasure_cancel(user=user):
            update_session_auth_hash(request, user)  # the session was made while pending
            messages.success(
                request,
                _("Welcome back. Your account will not be deleted: signing in undid it."),
            )
