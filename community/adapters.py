"""allauth adapter: neutral e-mail subjects and the signed-up person saved by our service."""

from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    def format_email_subject(self, subject: str) -> str:
        # Subjects stay neutral: a shared inbox must not reveal a caring situation.
        return str(subject)
