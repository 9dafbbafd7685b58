"""allauth adapter: neutral e-mail subjects and the signed-up person saved by our service."""

from allauth.account.adapter import DefaultAccountAdapter

from community import services


class AccountAdapter(DefaultAccountAdapter):
    def format_email_subject(self, subject: str) -> str:
        # Subjects stay neutral: a shared inbox must not reveal a caring situation.
        return str(subject)

    def logout(self, request) -> None:
        """Signing out also closes the sockets this browser session opened."""
        session_key = request.session.session_key
        super().logout(request)
        services.session_sockets_close(session_key=session_key)
